// JSON output: schema, exact values, shortest float32 text.
#include "attnviz/render/render_json.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <regex>

#include "attnviz/run/run.hpp"

namespace attnviz {
namespace {

using nlohmann::json;

Request az_request() {
  Request r;
  r.text = "Azərbaycan dili";
  r.text_origin = "--text";
  r.random.n_embd = 8;
  return r;
}

TEST(RenderJson, HoldsTokensConfigHeadsAndOutput) {
  const Request request = az_request();
  const Result result = run(request);
  const json doc = json::parse(render_json(result));
  EXPECT_EQ(doc["tokens"].size(), 15u);
  EXPECT_EQ(doc["tokens"][2], "ə");
  EXPECT_EQ(doc["token_ids"].size(), 15u);
  const json& config = doc["config"];
  EXPECT_EQ(config["text"], "Azərbaycan dili");
  EXPECT_EQ(config["tokenizer"], "char");
  EXPECT_EQ(config["n_embd"], 8);
  EXPECT_EQ(config["n_head"], 1);
  EXPECT_EQ(config["head_size"], 8);
  EXPECT_EQ(config["block_size"], 256);
  EXPECT_EQ(config["positions"], true);
  EXPECT_EQ(config["causal"], true);
  EXPECT_EQ(config["weights"], "random");
  EXPECT_EQ(config["seed"], 1337);
  ASSERT_EQ(doc["heads"].size(), 1u);
  const json& weights = doc["heads"][0]["weights"];
  ASSERT_EQ(weights.size(), 15u);
  for (size_t i = 0; i < 15; ++i) {
    ASSERT_EQ(weights[i].size(), 15u);
    for (size_t j = 0; j < 15; ++j) {
      // Read back as float32, every weight is the computed one bit for bit.
      EXPECT_EQ(weights[i][j].get<float>(), result.trace().heads[0].weights(i, j));
    }
  }
  EXPECT_EQ(doc["output"].size(), 15u);
  EXPECT_EQ(doc["output"][14].size(), 8u);
  EXPECT_EQ(doc["output"][14][7].get<float>(), result.trace().out(14, 7));
}

TEST(RenderJson, FloatsAreShortestRoundTripText) {
  const Request request = az_request();
  const std::string text = render_json(run(request));
  const std::regex number(R"(-?\d+\.\d+(e-?\d+)?)");
  int checked = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number);
       it != std::sregex_iterator(); ++it, ++checked) {
    const std::string printed = it->str();
    const float value = std::strtof(printed.c_str(), nullptr);
    char shortest[32];
    const auto end = std::to_chars(shortest, shortest + sizeof shortest, value).ptr;
    // to_chars gives "1" where JSON keeps "1.0"; compare significant digits.
    std::string want(shortest, end);
    if (want.find_first_of(".e") == std::string::npos) want += ".0";
    EXPECT_EQ(printed, want);
  }
  EXPECT_GT(checked, 15 * 15);
}

TEST(RenderJson, WeightsFileAndNoMaskAreRecorded) {
  Request request = az_request();
  request.causal = false;
  const json doc = json::parse(render_json(run(request)));
  EXPECT_EQ(doc["config"]["causal"], false);
  EXPECT_GT(doc["heads"][0]["weights"][0][14].get<float>(), 0.0f);
}

TEST(RenderJson, RowSummariesForEveryHead) {
  Request request = az_request();
  request.random.n_head = 2;
  const Result result = run(request);
  const json doc = json::parse(render_json(result));
  EXPECT_EQ(doc["config"]["module"], "MultiHeadAttention");
  EXPECT_EQ(doc["config"]["n_head"], 2);
  EXPECT_EQ(doc["config"]["head_size"], 4);
  ASSERT_EQ(doc["heads"].size(), 2u);
  for (size_t h = 0; h < 2; ++h) {
    const json& rows = doc["heads"][h]["row_summaries"];
    ASSERT_EQ(rows.size(), 15u);
    EXPECT_EQ(rows[0]["top_key"], 0);
    EXPECT_EQ(rows[0]["top_weight"], 1.0);
    EXPECT_EQ(rows[0]["entropy_bits"], 0.0);
    const auto& w = result.trace().heads[h].weights;
    Eigen::Index top = 0;
    w.row(14).maxCoeff(&top);
    EXPECT_EQ(rows[14]["top_key"], top);
  }
  EXPECT_FALSE(doc.contains("x"));  // intermediates only with the trace
}

TEST(RenderJson, TraceHoldsEveryIntermediate) {
  Request request = az_request();
  request.scale = false;
  const Result result = run(request);
  const json doc = json::parse(render_json(result, JsonOptions{true}));
  EXPECT_EQ(doc["config"]["module"], "SelfAttention");
  EXPECT_EQ(doc["config"]["scaled"], false);
  EXPECT_EQ(doc["config"]["scale"], 1.0);
  EXPECT_EQ(doc["x"].size(), 15u);
  const json& head = doc["heads"][0];
  for (const char* key : {"q", "k", "v", "scores", "scaled_scores", "masked_scores", "weights",
                          "out", "row_summaries"}) {
    EXPECT_TRUE(head.contains(key)) << key;
  }
  EXPECT_TRUE(head["masked_scores"][0][1].is_null());  // −inf has no JSON number
  EXPECT_EQ(head["masked_scores"][1][0].get<float>(), result.trace().heads[0].scores(1, 0));
  EXPECT_EQ(head["q"][3][2].get<float>(), result.trace().heads[0].q(3, 2));
  EXPECT_FALSE(doc.contains("concat"));  // single head: concat is the output
}

}  // namespace
}  // namespace attnviz
