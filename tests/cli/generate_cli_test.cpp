// --generate from the command line: the shipped model and a model of each family write what
// PyTorch writes (reference/make_generation.py), with their code's defaults and with the settings
// given, and every view shows the new tokens.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_fixture.hpp"

namespace attnviz::test {
namespace {

using nlohmann::json;

class Generate : public CliTest {
 protected:
  json run_json(std::vector<std::string> args) {
    args.insert(args.end(), {"--json", "-"});
    const Outcome o = run(args);
    EXPECT_EQ(o.status, 0) << o.err;
    return json::parse(o.out);
  }
};

const json& fixture() {
  static const json cases = [] {
    std::ifstream in(ATTNVIZ_REFERENCE "/generation.expected.json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str());
  }();
  return cases;
}

const json& fixture_case(const std::string& name) {
  for (const json& c : fixture()["cases"]) {
    if (c["name"] == name) return c;
  }
  ADD_FAILURE() << "no case " << name;
  return fixture()["cases"][0];
}

std::vector<int> written_ids(const json& out) {
  std::vector<int> ids;
  for (const json& step : out["generation"]["steps"]) ids.push_back(step["id"]);
  return ids;
}

TEST_F(Generate, TheShippedModelWritesWhatPyTorchWrites) {
  // nanoGPT's defaults (temperature 0.8, top-k 200) and seed 1337, past the 64-token context.
  const json& nano = fixture_case("nanogpt");
  const json out =
      run_json({"--model", "az", "--text", nano["prompt"], "--generate", "100", "--layer", "1"});
  EXPECT_EQ(written_ids(out), nano["ids"].get<std::vector<int>>());
  const json& g = out["generation"];
  EXPECT_EQ(g["defaults_of"], "nanoGPT");
  EXPECT_EQ(g["temperature"], 0.8);
  EXPECT_EQ(g["top_k"], 200);
  EXPECT_EQ(g["prompt_tokens"], 15);
  EXPECT_EQ(out["tokens"].size(), 115u);
  EXPECT_EQ(out["config"]["window"], 64);  // the text outgrew the context
  // gpt.py's way, top-p and greedy, with the settings given.
  for (const auto& [name, flags] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"gptpy", {"--temperature", "1", "--top-k", "0"}},
           {"top_p", {"--temperature", "0.7", "--top-k", "0", "--top-p", "0.9"}},
           {"greedy", {"--temperature", "0"}},
           {"nanogpt_k5", {"--temperature", "1", "--top-k", "5"}}}) {
    const json& c = fixture_case(name);
    std::vector<std::string> args = {"--model",    "az",
                                     "--text",     c["prompt"],
                                     "--generate", std::to_string(c["new_tokens"].get<int>()),
                                     "--seed",     std::to_string(c["seed"].get<int>())};
    if (name == "greedy") args.resize(args.size() - 2);  // nothing is drawn: no seed
    args.insert(args.end(), flags.begin(), flags.end());
    EXPECT_EQ(written_ids(run_json(args)), c["ids"].get<std::vector<int>>()) << name;
  }
  // The second shipped model, past its 256-character context.
  const json& long_case = fixture_case("az_long");
  const json written = run_json({"--model", "az-long", "--text", long_case["prompt"], "--generate",
                                 "260", "--layer", "3", "--head", "0"});
  EXPECT_EQ(written_ids(written), long_case["ids"].get<std::vector<int>>());
  EXPECT_EQ(written["config"]["window"], 256);
  // A nanoGPT, a gpt.py and a GPT-2 file, each with its own code's defaults and seed 1337.
  for (const auto& [name, defaults] : std::vector<std::pair<std::string, std::string>>{
           {"nanogpt_file", "nanoGPT"}, {"gptpy_file", "gpt.py"}, {"gpt2_file", "Hugging Face"}}) {
    const json& c = fixture_case(name);
    const json file =
        run_json({"--weights", std::string(ATTNVIZ_REFERENCE "/") + c["model"].get<std::string>(),
                  "--text", c["prompt"], "--generate", "70"});
    EXPECT_EQ(written_ids(file), c["ids"].get<std::vector<int>>()) << name;
    EXPECT_EQ(file["generation"]["defaults_of"], defaults);
  }
}

TEST_F(Generate, EachStepShowsItsChoiceAndItsAttentionRow) {
  const json out = run_json({"--model", "az", "--text", "Bakı", "--generate", "12", "--seed", "3"});
  const json& steps = out["generation"]["steps"];
  ASSERT_EQ(steps.size(), 12u);
  for (size_t s = 0; s < steps.size(); ++s) {
    const json& step = steps[s];
    const size_t position = 4 + s;
    EXPECT_EQ(step["position"], position);
    EXPECT_EQ(out["tokens"][position], step["token"]);
    EXPECT_EQ(out["token_ids"][position], step["id"]);
    // The candidates: the model's most probable first, the token written among them, each
    // drawn probability no larger than 1 and 0 where top-k left it out.
    bool found = false;
    double previous = 1;
    for (const json& c : step["candidates"]) {
      found = found || c["id"] == step["id"];
      EXPECT_LE(c["p_sampled"].get<double>(), 1.0);
      if (c != step["candidates"].back() || c["id"] != step["id"]) {
        EXPECT_LE(c["p"].get<double>(), previous + 1e-12);
        previous = c["p"];
      }
    }
    EXPECT_TRUE(found) << s;
    // The candidates are the guesses of the row that chose the token: the same numbers.
    const json& guesses = out["predictions"][position - 1];
    for (size_t k = 0; k < guesses.size(); ++k) {
      EXPECT_EQ(step["candidates"][k]["id"], guesses[k]["id"]) << s;
      EXPECT_EQ(step["candidates"][k]["p"], guesses[k]["p"]) << s;
    }
    // The row in every layer and head: the matrix's row, summing to 1.
    ASSERT_EQ(step["attention"].size(), 2u);
    for (size_t l = 0; l < 2; ++l) {
      for (size_t h = 0; h < 4; ++h) {
        const json& row = step["attention"][l]["heads"][h];
        ASSERT_EQ(row.size(), position + 1);
        double sum = 0;
        for (size_t j = 0; j < row.size(); ++j) {
          EXPECT_EQ(row[j], out["layers"][l]["heads"][h]["weights"][position][j]);
          sum += row[j].get<double>();
        }
        EXPECT_NEAR(sum, 1.0, 1e-5);
      }
    }
  }
}

TEST_F(Generate, TheTableAndThePicturesMarkTheNewTokens) {
  const Outcome table =
      run({"--model", "az", "--text", "Salam", "--generate", "30", "--layer", "1", "--head", "2"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("the model wrote tokens 5–34 (temperature 0.8, seed 1337)"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("The model wrote 30 tokens, each drawn as nanoGPT's code draws it"),
            std::string::npos);
  EXPECT_NE(table.out.find("\n 5 "), std::string::npos);   // the first step's line
  EXPECT_NE(table.out.find("\n ⋮\n"), std::string::npos);  // 30 steps: the first and last 10
  EXPECT_NE(table.out.find(" → "), std::string::npos);
  const Outcome svg = run({"--model", "az", "--text", "Salam", "--generate", "30", "--layer", "1",
                           "--head", "2", "--svg", "-"});
  ASSERT_EQ(svg.status, 0) << svg.err;
  size_t rules = 0;
  for (size_t at = 0; (at = svg.out.find("generation-rule", at)) != std::string::npos; ++at)
    ++rules;
  EXPECT_EQ(rules, 2u);  // one across, one down
  // The GIF (decoded frame by frame in tests/animate; here its ends, under the sanitizers too).
  const Outcome gif = run({"--model", "az", "--text", "Salam", "--generate", "6", "--animate",
                           path("w.gif"), "--layer", "0"});
  ASSERT_EQ(gif.status, 0) << gif.err;
  std::ifstream in(path("w.gif"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.substr(0, 6), "GIF89a");
  EXPECT_EQ(bytes.back(), ';');
  EXPECT_NE(gif.out.find("animation, the model writing 6 tokens, a frame each"), std::string::npos);
  const Outcome greedy = run({"--model", "az", "--text", "Salam", "--generate", "3",
                              "--temperature", "0", "--no-summary"});
  EXPECT_NE(greedy.out.find("each the most probable"), std::string::npos) << greedy.out;
}

// --explain walks one step: the row that chose the token, then the draw, in either language; with
// --json --trace the same step's numbers, its weights the row the step shows.
TEST_F(Generate, ExplainWalksOneStepFromItsRowToTheDraw) {
  const std::vector<std::string> base = {"--model", "az",     "--text", "Bakı",    "--generate",
                                         "5",       "--seed", "3",      "--layer", "1"};
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--explain-step", "3", "--trace"});
  const json out = run_json(args);
  const json& step = out["generation"]["steps"][2];
  const json& e = out["generation"]["explained"];
  EXPECT_EQ(e["step"], 3);
  EXPECT_EQ(e["position"], 5);  // "Bakı" and two new tokens read: the row of position 5
  ASSERT_EQ(e["layers"].size(), 1u);
  EXPECT_EQ(e["layers"][0]["layer"], 1);
  // The row that chose token 3 is token 2's own row, which step 2 shows.
  for (size_t h = 0; h < 4; ++h) {
    const json& head = e["layers"][0]["heads"][h];
    EXPECT_EQ(head["weights"][0], out["generation"]["steps"][1]["attention"][0]["heads"][h]) << h;
    EXPECT_EQ(head["k"].size(), 6u);
  }
  const std::vector<float> ratios = e["ratios"];
  EXPECT_EQ(std::max_element(ratios.begin(), ratios.end()) - ratios.begin(), step["id"]);

  args = base;
  args.insert(args.end(), {"--explain", "--explain-step", "3", "--head", "0"});
  const Outcome en = run(args);
  ASSERT_EQ(en.status, 0) << en.err;
  const std::string token = step["token"];  // a letter here; a space would show as ␣
  ASSERT_NE(token, " ");
  for (const std::string& line : std::vector<std::string>{
           "Step 3 of --generate 5: how the model chose “" + token + "”",
           "Only q is new. Each k and v row was computed when its token was read",
           "── Step 14 · The draw: temperature 0.8, top-k 200, top-p 1, seed 3 ──",
           "Chosen: “" + token + "” (id " + std::to_string(step["id"].get<int>()) + ")"}) {
    EXPECT_NE(en.out.find(line), std::string::npos) << line << "\n" << en.out;
  }
  EXPECT_EQ(en.out.find("Step 1 of --generate"), std::string::npos);
  args.insert(args.end(), {"--lang", "az"});
  const Outcome az = run(args);
  ASSERT_EQ(az.status, 0) << az.err;
  EXPECT_NE(az.out.find("--generate 5-in 3-ci addımı: model “" + token + "” tokenini necə seçdi"),
            std::string::npos)
      << az.out;
  EXPECT_NE(az.out.find("Seçildi: “" + token + "”"), std::string::npos);
}

// A GPT-2 model may write a character's bytes apart (or not at all): the text it wrote is shown
// with U+FFFD for the ill-formed bytes, as Hugging Face decodes it, and every view is written.
TEST_F(Generate, BytesWrittenApartAreShownAsReplacementCharacters) {
  const std::string models = ATTNVIZ_REFERENCE "/models/";
  fs::create_directories(path("gpt2"));
  fs::copy_file(models + "gpt2_bpe.safetensors", path("gpt2/model.safetensors"));
  fs::copy_file(models + "gpt2_bpe.config.json", path("gpt2/config.json"));
  const json out =
      run_json({"--weights", path("gpt2"), "--text", "Azərbaycan", "--generate", "30", "--seed",
                "2", "--png", path("g.png"), "--svg", path("g.svg"), "--animate", path("g.gif")});
  const std::string text = out["config"]["text"];
  EXPECT_NE(text.find("\uFFFD"), std::string::npos) << text;
  for (const char* file : {"g.png", "g.svg", "g.gif"}) EXPECT_TRUE(fs::exists(path(file))) << file;
}

TEST_F(Generate, BadUsageIsAnErrorThatSaysWhy) {
  expect_error({"--text", "salam", "--generate", "3"}, 2, "--generate needs a whole model");
  expect_error({"--model", "az", "--text", "a", "--top-k", "3"}, 2,
               "--top-k is about the tokens --generate writes; add --generate N");
  expect_error({"--model", "az", "--text", "a", "--generate", "2", "--top-p", "0"}, 2,
               "--top-p 0 keeps no token");
  expect_error({"--model", "az", "--text", "a", "--explain-step", "1", "--explain"}, 2,
               "--explain-step is about the tokens --generate writes; add --generate N");
  expect_error({"--model", "az", "--text", "a", "--generate", "2", "--explain-step", "1"}, 2,
               "--explain-step picks the step of --generate");
  expect_error(
      {"--model", "az", "--text", "a", "--generate", "2", "--explain", "--explain-step", "4"}, 2,
      "--explain-step 4: --generate 2 writes steps 1 to 2");
  expect_error({"--model", "az", "--text", "a", "--generate", "2", "--no-mask"}, 1,
               "--generate needs the mask");
  expect_error({"--model", "az", "--text", "a", "--generate", "0"}, 2, "--generate 0");
  expect_error({"--model", "az", "--text", "a", "--animate", path("a.gif")}, 2,
               "--animate is about the tokens --generate writes; add --generate N");
  expect_error({"--model", "az", "--text", "a", "--generate", "2", "--animate", path("a.jpg")}, 2,
               "a.jpg: writes a GIF or an APNG; give a name ending in .gif or .png");
  EXPECT_FALSE(fs::exists(path("a.gif")));
  EXPECT_FALSE(fs::exists(path("a.jpg")));
  expect_error({"--model", "az", "--text", "a", "--generate", "2", "--temperature", "-1"}, 2,
               "--temperature -1");
}

}  // namespace
}  // namespace attnviz::test
