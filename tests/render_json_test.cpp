// JSON output: schema, exact values, shortest float32 text.
#include "attnviz/render_json.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <regex>

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
  const json doc = json::parse(render_json(request, result));
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
      EXPECT_EQ(weights[i][j].get<float>(), result.trace.heads[0].weights(i, j));
    }
  }
  EXPECT_EQ(doc["output"].size(), 15u);
  EXPECT_EQ(doc["output"][14].size(), 8u);
  EXPECT_EQ(doc["output"][14][7].get<float>(), result.trace.out(14, 7));
}

TEST(RenderJson, FloatsAreShortestRoundTripText) {
  const Request request = az_request();
  const std::string text = render_json(request, run(request));
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
  const json doc = json::parse(render_json(request, run(request)));
  EXPECT_EQ(doc["config"]["causal"], false);
  EXPECT_GT(doc["heads"][0]["weights"][0][14].get<float>(), 0.0f);
}

}  // namespace
}  // namespace attnviz
