// Comparing attnviz's trace with one PyTorch recorded (reference/*.py fixtures).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attnviz/model/trace.hpp"

namespace attnviz::test {

using nlohmann::json;

// The cases in `dir`: every NAME of a NAME.expected.json file there, sorted.
inline std::vector<std::string> expected_names(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    const auto suffix = file.find(".expected.json");
    if (suffix != std::string::npos) names.push_back(file.substr(0, suffix));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Every value of `actual` the float the fixture wrote (shortest decimals read back as the bits
// PyTorch had); `want` a matrix, or one row for a 1-D tensor.
inline void expect_bit_equal(const Matrix& actual, const json& want, const std::string& name) {
  // A 1-D tensor is one row. (Not json{want}: clang takes a braced single json for a copy.)
  json rows = json::array();
  if (want.is_array() && !want.empty() && want[0].is_array()) {
    rows = want;
  } else {
    rows.push_back(want);
  }
  ASSERT_EQ(static_cast<size_t>(actual.rows()), rows.size()) << name;
  size_t differ = 0;
  for (Eigen::Index i = 0; i < actual.rows(); ++i) {
    ASSERT_EQ(static_cast<size_t>(actual.cols()), rows[i].size()) << name;
    for (Eigen::Index j = 0; j < actual.cols(); ++j) {
      differ += actual(i, j) != rows[i][j].get<float>();
    }
  }
  EXPECT_EQ(differ, 0u) << name << ": " << differ << " of " << actual.size() << " values differ";
}

// Largest |a - b| / max(1, |b|): absolute for values up to 1 (weights), relative beyond, since
// float32 sums of large scores differ in the last bits with the order of summation.
inline float max_difference(const Matrix& actual, const json& expected) {
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

// Every intermediate of `trace` against the fixture, within `tolerance` (2e-5 for what the user
// sees; raw scores sum n_embd products of large numbers in the sharp case, |score| up to ~300, so
// their rounding differs more with summation order).
inline void expect_trace(const AttentionTrace& trace, const json& expected,
                         const std::string& label) {
  ASSERT_EQ(trace.heads.size(), expected["heads"].size());
  const auto check = [&](const std::string& name, const Matrix& actual, const json& want,
                         float tolerance) {
    const float diff = max_difference(actual, want);
    std::printf("  %-22s %-16s max difference %.2e\n", label.c_str(), name.c_str(), diff);
    EXPECT_LE(diff, tolerance) << name;
  };
  check("x", trace.x, expected["x"], 2e-5f);
  if (expected.contains("x_ln")) check("LayerNorm(x)", trace.x_ln, expected["x_ln"], 2e-5f);
  EXPECT_EQ(trace.x_ln.size() > 0, expected.contains("x_ln"));
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
  if (trace.concat.size() > 0)
    check("concat", trace.concat, expected["concat"], 2e-5f);  // heads > 1

  check("output", trace.out, expected["output"], 2e-5f);
}

}  // namespace attnviz::test
