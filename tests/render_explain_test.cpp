// --explain against PyTorch: every number the explanation prints is read back and compared with
// the fixture's intermediates, in both languages.
#include "attnviz/render/render_explain.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "attnviz/run/run.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using nlohmann::json;

struct Printed {
  std::string name;                            // "x", "q", "q·kᵀ", "masked", "softmax", ...
  std::vector<std::vector<std::string>> rows;  // the cells of each row, labels dropped
};

// Each matrix block: a line "NAME  (shape …)" or "NAME  (ölçü …)", a header line, then rows.
std::vector<Printed> parse(const std::string& text) {
  std::vector<Printed> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto open = line.find("  (");
    if (open == std::string::npos || line.back() != ')' || line.rfind("  ", 0) == 0) continue;
    Printed p;
    p.name = line.substr(0, open);
    std::getline(in, line);  // column header
    while (std::getline(in, line) && line.rfind("  ", 0) == 0 &&
           line.find("…") == std::string::npos) {
      std::istringstream words(line);
      std::vector<std::string> cells;
      for (std::string w; words >> w;) cells.push_back(w);
      cells.erase(cells.begin(), cells.begin() + 2);  // index and token
      p.rows.push_back(cells);
    }
    out.push_back(p);
  }
  return out;
}

struct Case {
  Request request;
  json expected;
  std::shared_ptr<const std::string> weights;  // request.weights_data points into it
};

Case load(const std::string& name) {
  const std::string base = std::string(ATTNVIZ_FIXTURES) + "/" + name;
  Case c;
  c.expected = json::parse(test::slurp(base + ".expected.json"));
  c.request.text = c.expected["text"].get<std::string>();
  c.request.text_origin = "fixture";
  const auto tokenizer = c.expected["tokenizer"].get<std::string>();
  if (tokenizer == "list") {
    c.request.input = InputKind::TokenList;
  } else {
    c.request.tokenizer = tokenizer_from_name(tokenizer);
  }
  c.request.weights_path = base + ".weights.json";
  c.weights = std::make_shared<const std::string>(test::slurp(*c.request.weights_path));
  c.request.weights_data = *c.weights;
  c.request.scale = c.expected["scale"].get<bool>();
  return c;
}

// Every printed cell of `p` against `want` (3 decimals printed: within half a unit of the last
// digit, plus the 2e-5 the reference tests allow).
// `extra` cells at the end of each row (the Σ column) are not part of the matrix.
void expect_numbers(const Printed& p, const json& want, float scale = 1.0f, size_t extra = 0) {
  ASSERT_FALSE(p.rows.empty()) << p.name;
  int compared = 0;
  for (size_t i = 0; i < p.rows.size(); ++i) {
    for (size_t j = 0; j + extra < p.rows[i].size() && j < want[i].size(); ++j) {
      const std::string& cell = p.rows[i][j];
      const float expected = want[i][j].get<float>() * scale;
      if (cell == "-inf") {
        EXPECT_GT(j, i) << p.name << " only future cells are -inf";
        continue;
      }
      EXPECT_NEAR(std::stof(cell), expected, 5e-4f + 2e-5f * std::max(1.0f, std::abs(expected)))
          << p.name << "[" << i << "][" << j << "]";
      ++compared;
    }
  }
  EXPECT_GT(compared, 0) << p.name;
}

void check_against_pytorch(const std::string& fixture, Lang lang) {
  const Case c = load(fixture);
  const Result result = run(c.request);
  ExplainOptions options;
  options.lang = lang;
  options.full = true;  // every number, to compare them all
  const std::vector<Printed> printed = parse(render_explain(result, options));
  const json& heads = c.expected["heads"];
  const bool multi = c.expected["n_head"].get<int>() > 0;
  // x; per head q, k, v, scores, scaled, masked, softmax, out; then concat and out if multi-head.
  ASSERT_EQ(printed.size(), 1 + 8 * heads.size() + (multi ? 2 : 0)) << fixture;
  expect_numbers(printed[0], c.expected["x"]);
  for (size_t h = 0; h < heads.size(); ++h) {
    const size_t at = 1 + 8 * h;
    const json& want = heads[h];
    expect_numbers(printed[at], want["q"]);
    expect_numbers(printed[at + 1], want["k"]);
    expect_numbers(printed[at + 2], want["v"]);
    expect_numbers(printed[at + 3], want["scores"]);
    expect_numbers(printed[at + 4], want["scores"], result.trace().scale);
    expect_numbers(printed[at + 5], want["scores"], result.trace().scale);
    // Future cells: −inf before softmax, exactly 0 after (printed "0", not "0.000").
    for (size_t i = 0; i < printed[at + 5].rows.size(); ++i) {
      for (size_t j = i + 1; j < printed[at + 5].rows[i].size(); ++j) {
        EXPECT_EQ(printed[at + 5].rows[i][j], "-inf") << i << "," << j;
        EXPECT_EQ(printed[at + 6].rows[i][j], "0");
      }
    }
    // softmax: the weights, then the Σ column.
    expect_numbers(printed[at + 6], want["weights"], 1.0f, 1);
    for (const auto& row : printed[at + 6].rows) EXPECT_EQ(row.back(), "1.000");
    expect_numbers(printed[at + 7], want["out"]);
  }
  if (multi) {
    expect_numbers(printed[printed.size() - 2], c.expected["concat"]);
    expect_numbers(printed.back(), c.expected["output"]);
  }
}

TEST(RenderExplain, NumbersEqualPyTorchSingleHead) {
  check_against_pytorch("az_char", Lang::En);
  check_against_pytorch("az_char", Lang::Az);
}

TEST(RenderExplain, NumbersEqualPyTorchMultiHead) {
  check_against_pytorch("mh2_word", Lang::En);
  check_against_pytorch("mh4_tiny", Lang::Az);
}

TEST(RenderExplain, NumbersEqualPyTorchWithoutScale) {
  check_against_pytorch("noscale_char", Lang::En);
}

// A weights fixture run on its own text: `bytes` keeps the file the request reads alive.
struct FileCase {
  json expected;
  std::shared_ptr<const std::string> bytes;
  Request request;
};

FileCase file_case(const std::string& dir, const std::string& expected_file,
                   const std::string& weights_file) {
  FileCase c;
  c.expected = json::parse(test::slurp(dir + expected_file));
  c.bytes = std::make_shared<const std::string>(test::slurp(dir + weights_file));
  c.request.text = c.expected["text"].get<std::string>();
  c.request.text_origin = "fixture";
  c.request.weights_path = weights_file;
  c.request.weights_data = *c.bytes;
  return c;
}

// nanoGPT's first block: the LayerNorm the heads read, and q, k, v with c_attn's biases.
TEST(RenderExplain, NumbersEqualPyTorchForANanoGptBlock) {
  FileCase c = file_case(ATTNVIZ_REFERENCE "/state_dicts/", "nanogpt_safetensors.expected.json",
                         "nanogpt.safetensors");
  const json& expected = c.expected;
  Request& request = c.request;
  request.weights_prefix = "transformer.h.0.attn.";
  const Result result = run(request);
  ExplainOptions options;
  options.full = true;
  options.view.head = {HeadChoice::Kind::Some, {2}};
  const std::string text = render_explain(result, options);
  EXPECT_NE(text.find("q = x·Wqᵀ + bq"), std::string::npos);
  EXPECT_NE(text.find("LayerNorm, ln_1"), std::string::npos);
  const std::vector<Printed> printed = parse(text);
  ASSERT_EQ(printed.size(), 2u + 8u + 2u);  // x, LayerNorm(x), head 2's eight, concat, output
  expect_numbers(printed[0], expected["x"]);
  expect_numbers(printed[1], expected["x_ln"]);
  const json& head = expected["heads"][2];
  expect_numbers(printed[2], head["q"]);
  expect_numbers(printed[4], head["v"]);
  expect_numbers(printed[8], head["weights"], 1.0f, 1);
  expect_numbers(printed[10], expected["concat"]);
  expect_numbers(printed[11], expected["output"]);
}

TEST(RenderExplain, StepsAndTheLessonsMaskExample) {
  Request request;
  request.text = "Azərbaycan dili";
  request.text_origin = "--text";
  request.tokenizer = TokenizerKind::Word;
  const Result result = run(request);
  const std::string en = render_explain(result, {Lang::En, 3, 8, 24});
  for (int step = 1; step <= 8; ++step) {
    EXPECT_NE(en.find("Step " + std::to_string(step) + " · "), std::string::npos) << step;
  }
  EXPECT_EQ(en.find("Step 9"), std::string::npos);  // no projection in the single-head module
  EXPECT_NE(en.find("While processing “Azərbaycan” the model does not see “dili”"),
            std::string::npos);
  EXPECT_NE(en.find("× head_size^-0.5 = 1/√16 = 0.25"), std::string::npos);
  const std::string az = render_explain(result, {Lang::Az, 3, 8, 24});
  EXPECT_NE(az.find("“Azərbaycan” emal edilərkən model “dili” tokenini görmür"), std::string::npos);
  EXPECT_NE(az.find("Addım 7 · Hər sətir üzrə softmax"), std::string::npos);
}

// A whole model's later layer: its x is the residual stream, and after the attention steps come
// the residual connection, the MLP and the residual again, each number PyTorch's.
TEST(RenderExplain, AWholeModelsBlockEqualsPyTorch) {
  FileCase c = file_case(ATTNVIZ_REFERENCE "/models/", "gptpy.expected.json", "gptpy.safetensors");
  const json& expected = c.expected;
  Request& request = c.request;
  request.layers = {1};
  const Result result = run(request);
  ExplainOptions options;
  options.full = true;
  options.view.head = {HeadChoice::Kind::Some, {2}};
  const std::string text = render_explain(result, options);
  EXPECT_NE(text.find("x: the residual stream entering layer 1"), std::string::npos);
  EXPECT_NE(text.find("MLP: ln_2, then c_fc → ReLU → c_proj"), std::string::npos);
  const json& layer0 = expected["layers"][0];
  const json& layer1 = expected["layers"][1];
  std::map<std::string, const json*> want = {{"x", &layer0["x_out"]},
                                             {"x + attn", &layer1["x_mid"]},
                                             {"mlp", &layer1["mlp_out"]},
                                             {"x + mlp", &layer1["x_out"]}};
  int checked = 0;
  for (const Printed& p : parse(text)) {
    if (want.count(p.name) == 0) continue;
    expect_numbers(p, *want[p.name]);
    ++checked;
  }
  EXPECT_EQ(checked, 4);
  // The softmax weights printed for head 2 are layer 1's.
  const std::vector<Printed> printed = parse(text);
  const auto softmax = std::find_if(printed.begin(), printed.end(),
                                    [](const Printed& p) { return p.name == "softmax"; });
  ASSERT_NE(softmax, printed.end());
  expect_numbers(*softmax, layer1["heads"][2], 1.0f, 1);
}

// Every chosen layer is explained in turn, each with its own block's numbers.
TEST(RenderExplain, EveryLayerOfAWholeModelInTurn) {
  FileCase c =
      file_case(ATTNVIZ_REFERENCE "/models/", "nanogpt.expected.json", "nanogpt.safetensors");
  const json& expected = c.expected;
  Request& request = c.request;
  ExplainOptions options;
  options.full = true;
  options.view.head = {HeadChoice::Kind::Some, {0}};
  const std::string text = render_explain(run(request), options);
  for (const char* layer : {"Layer 0 of 3", "Layer 1 of 3", "Layer 2 of 3"}) {
    EXPECT_NE(text.find(layer), std::string::npos) << layer;
  }
  std::vector<const Printed*> outputs;
  const std::vector<Printed> printed = parse(text);
  for (const Printed& p : printed) {
    if (p.name == "x + mlp") outputs.push_back(&p);
  }
  ASSERT_EQ(outputs.size(), 3u);
  for (size_t l = 0; l < 3; ++l) expect_numbers(*outputs[l], expected["layers"][l]["x_out"]);
}

TEST(RenderExplain, WideMatricesSayHowMuchIsHidden) {
  Request request;
  request.text = "Diqqət Mexanizmi modelin bir sözü emal edərkən";
  request.text_origin = "--text";
  const Result result = run(request);
  const std::string text = render_explain(result, {Lang::En, 3, 8, 24});
  // x: 16 columns, 4 first and 3 last shown; 46×46 scores: 46 − 7; rows: 12 first, 11 last.
  EXPECT_NE(text.find("… 9 columns not shown (--full shows them)"), std::string::npos);
  EXPECT_NE(text.find("… 39 columns not shown"), std::string::npos);
  EXPECT_NE(text.find("⋮ 23 rows not shown"), std::string::npos);
  // The ends are the matrix's own: x's header ends with columns 13, 14, 15 and its last row is
  // token 45 with x(45, 15) last.
  const std::string x = text.substr(text.find("\nx  (shape 46×16)"));
  const auto lines = [](const std::string& block) {
    std::vector<std::string> out;
    std::istringstream in(block);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }(x);
  EXPECT_NE(lines[2].find("3  …      13      14      15"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3 + 12].find("⋮"), std::string::npos);
  char last[32];
  std::snprintf(last, sizeof last, "%.3f", static_cast<double>(result.trace().x(45, 15)));
  EXPECT_EQ(lines[3 + 23].substr(lines[3 + 23].size() - std::strlen(last)), last);
  EXPECT_EQ(lines[3 + 23].find("  45 "), 0u);
  ExplainOptions full{Lang::En, 3, 8, 24, true};
  const std::string all = render_explain(result, full);
  EXPECT_EQ(all.find("not shown"), std::string::npos);
  EXPECT_EQ(all.find("…  "), std::string::npos);
}

TEST(RenderExplain, NoMaskAndOneToken) {
  Request request;
  request.text = "A";
  request.text_origin = "--text";
  EXPECT_NE(render_explain(run(request), {}).find("There is only one token"), std::string::npos);
  request.text = "AB";
  request.causal = false;
  const std::string text = render_explain(run(request), {});
  EXPECT_NE(text.find("Mask: skipped (--no-mask)"), std::string::npos);
  EXPECT_EQ(text.find("-inf"), std::string::npos);
}

}  // namespace
}  // namespace attnviz
