// attnviz against real PyTorch: every fixture made by reference/make_fixtures.py (the lesson's
// SelfAttention module) is recomputed from its weights and text, and each intermediate compared.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "attnviz/attention.hpp"
#include "attnviz/run.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(ATTNVIZ_FIXTURES)) {
    const std::string file = entry.path().filename().string();
    const auto suffix = file.find(".expected.json");
    if (suffix != std::string::npos) names.push_back(file.substr(0, suffix));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Largest |a - b| / max(1, |b|): absolute for values up to 1 (weights), relative beyond, since
// float32 sums of large scores differ in the last bits with the order of summation.
float max_difference(const Matrix& actual, const json& expected) {
  EXPECT_EQ(static_cast<size_t>(actual.rows()), expected.size());
  float worst = 0.0f;
  for (Eigen::Index i = 0; i < actual.rows(); ++i) {
    EXPECT_EQ(static_cast<size_t>(actual.cols()), expected[i].size());
    for (Eigen::Index j = 0; j < actual.cols(); ++j) {
      const auto want = expected[i][j].get<float>();
      worst = std::max(worst, std::abs(actual(i, j) - want) / std::max(1.0f, std::abs(want)));
    }
  }
  return worst;
}

class Reference : public ::testing::TestWithParam<std::string> {};

TEST(ReferenceFixtures, AllPresent) { EXPECT_GE(fixture_names().size(), 14u); }

TEST_P(Reference, MatchesPyTorchWithin2e5) {
  const std::string base = std::string(ATTNVIZ_FIXTURES) + "/" + GetParam();
  const json expected = json::parse(test::slurp(base + ".expected.json"));

  Request request;
  request.text = expected["text"].get<std::string>();
  request.text_origin = "fixture";
  const std::string tokenizer = expected["tokenizer"].get<std::string>();
  if (tokenizer == "list") {
    request.input = InputKind::TokenList;
  } else {
    request.tokenizer = tokenizer_from_name(tokenizer);
  }
  request.weights_path = base + ".weights.json";
  request.weights_json = test::slurp(*request.weights_path);
  request.causal = expected["causal"].get<bool>();
  request.scale = expected["scale"].get<bool>();

  const Result result = run(request);
  EXPECT_TRUE(result.warnings.empty());  // the state_dict's tril buffers are expected keys
  ASSERT_EQ(result.tokens, expected["tokens"].get<std::vector<std::string>>());
  const AttentionTrace& trace = result.trace;
  ASSERT_EQ(trace.heads.size(), expected["heads"].size());
  EXPECT_EQ(result.weights.multi_head(), expected["n_head"].get<int>() > 0);

  // Raw scores sum n_embd products of large numbers in the sharp case (|score| up to ~300), so
  // their float32 rounding differs more with summation order; what the user sees (weights,
  // outputs) is held to 2e-5.
  const auto check = [&](const std::string& name, const Matrix& actual, const json& want,
                         float tolerance) {
    const float diff = max_difference(actual, want);
    std::printf("  %-14s %-16s max difference %.2e\n", GetParam().c_str(), name.c_str(), diff);
    EXPECT_LE(diff, tolerance) << name;
  };
  check("x", trace.x, expected["x"], 2e-5f);
  for (size_t h = 0; h < trace.heads.size(); ++h) {
    const HeadTrace& head = trace.heads[h];
    const json& want = expected["heads"][h];
    const std::string p = "head" + std::to_string(h) + ".";
    check(p + "q", head.q, want["q"], 2e-5f);
    check(p + "k", head.k, want["k"], 2e-5f);
    check(p + "v", head.v, want["v"], 2e-5f);
    check(p + "scores", head.scores, want["scores"], 1e-4f);
    check(p + "weights", head.weights, want["weights"], 2e-5f);
    check(p + "out", head.out, want["out"], 2e-5f);
    // Masked weights are exactly zero in PyTorch (exp(-inf)) and here.
    for (Eigen::Index i = 0; i < head.weights.rows() && trace.causal; ++i) {
      for (Eigen::Index j = i + 1; j < head.weights.cols(); ++j) {
        EXPECT_EQ(head.weights(i, j), 0.0f);
        EXPECT_EQ(want["weights"][i][j].get<float>(), 0.0f);
      }
    }
  }
  check("concat", trace.concat, expected["concat"], 2e-5f);
  check("output", trace.out, expected["output"], 2e-5f);
}

INSTANTIATE_TEST_SUITE_P(PyTorch, Reference, ::testing::ValuesIn(fixture_names()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace attnviz
