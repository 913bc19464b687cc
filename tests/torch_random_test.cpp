// PyTorch's CPU random numbers, compared bit for bit with draws real PyTorch made
// (reference/make_torch_random.py → fixtures/torch_random.json), for both of its normal_ kernels.
#include "attnviz/model/torch_random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace attnviz {
namespace {

using nlohmann::json;

std::string hex_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", u);
  return buf;
}

// The calls make_torch_random.py makes, in its order, on one generator.
std::vector<std::pair<std::string, std::function<std::vector<float>(TorchGenerator&)>>> calls() {
  const auto randn = [](size_t n) {
    return [n](TorchGenerator& g) {
      std::vector<float> v(n);
      g.normal(v.data(), n, 0.0, 1.0);
      return v;
    };
  };
  const auto filled = [](size_t n, auto fill) {
    return [n, fill](TorchGenerator& g) {
      std::vector<float> v(n);
      fill(g, v);
      return v;
    };
  };
  std::vector<std::pair<std::string, std::function<std::vector<float>(TorchGenerator&)>>> list = {
      {"randn(1)", randn(1)},
      {"randn(7)", randn(7)},
      {"randn(16)", randn(16)},
      {"randn(17)", randn(17)},
      {"randn(1027)", randn(1027)},
      {"uniform_(-0.3, 0.7) of 1000",
       filled(1000, [](TorchGenerator& g,
                       std::vector<float>& v) { g.uniform(v.data(), v.size(), -0.3, 0.7); })},
      {"normal_(0.5, 2.0) of 5",
       filled(5, [](TorchGenerator& g,
                    std::vector<float>& v) { g.normal(v.data(), v.size(), 0.5, 2.0); })},
      {"normal_(-1.0, 0.25) of 40", filled(40, [](TorchGenerator& g, std::vector<float>& v) {
         g.normal(v.data(), v.size(), -1.0, 0.25);
       })}};
  for (const int fan_in : {1, 3, 16, 768}) {
    const std::string linear = "Linear(" + std::to_string(fan_in) + ", 3)";
    list.emplace_back(linear + ".weight", [fan_in](TorchGenerator& g) {
      std::vector<float> v(3 * static_cast<size_t>(fan_in));
      const double bound = kaiming_uniform_bound(fan_in);
      g.uniform(v.data(), v.size(), -bound, bound);
      return v;
    });
    list.emplace_back(linear + ".bias", [fan_in](TorchGenerator& g) {
      std::vector<float> v(3);
      const double bound = linear_bias_bound(fan_in);
      g.uniform(v.data(), v.size(), -bound, bound);
      return v;
    });
  }
  return list;
}

void expect_same_bits(const std::vector<float>& got, const json& want, const std::string& call) {
  ASSERT_EQ(got.size(), want.size()) << call;
  size_t differ = 0, first = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (hex_bits(got[i]) != want[i].get<std::string>() && differ++ == 0) first = i;
  }
  EXPECT_EQ(differ, 0u) << call << ": " << differ << " of " << got.size()
                        << " floats differ, first at " << first << ": attnviz "
                        << hex_bits(got[first]) << ", PyTorch " << want[first];
}

class TorchDraws : public ::testing::TestWithParam<std::pair<const char*, TorchCpu>> {};

TEST_P(TorchDraws, BitForBitAsPyTorch) {
  const auto [name, cpu] = GetParam();
  const json fixture =
      json::parse(test::slurp(std::string(ATTNVIZ_FIXTURES) + "/torch_random.json"))[name];
  const json& steps = fixture["steps"];
  TorchGenerator g(fixture["seed"].get<uint64_t>(), cpu);
  const auto list = calls();
  ASSERT_EQ(steps.size(), list.size() + 1);
  for (size_t i = 0; i < list.size(); ++i) {
    ASSERT_EQ(steps[i]["call"], list[i].first);
    expect_same_bits(list[i].second(g), steps[i]["bits"], list[i].first);
  }
  const json& last = steps.back();
  ASSERT_EQ(last["call"], "manual_seed(2**40 + 5); randn(20)");
  TorchGenerator reseeded((uint64_t{1} << 40) + 5, cpu);
  std::vector<float> v(20);
  reseeded.normal(v.data(), v.size(), 0.0, 1.0);
  expect_same_bits(v, last["bits"], last["call"]);
}

INSTANTIATE_TEST_SUITE_P(Kernels, TorchDraws,
                         ::testing::Values(std::pair{"avx2", TorchCpu::Avx2},
                                           std::pair{"generic", TorchCpu::Generic}),
                         [](const auto& param_info) {
                           return std::string(param_info.param.first);
                         });

TEST(TorchGenerator, RawStreamIsTheStandardMt19937) {
  // The C++ standard fixes the 10000th output of mt19937 seeded with 5489 (PyTorch's default).
  TorchGenerator g(5489);
  for (int i = 0; i < 9999; ++i) g.random();
  EXPECT_EQ(g.random(), 4123659995u);
}

TEST(TorchGenerator, Random64IsTwoDrawsHighFirst) {
  TorchGenerator a(42), b(42);
  const uint64_t hi = a.random(), lo = a.random();
  EXPECT_EQ(b.random64(), (hi << 32) | lo);
}

TEST(TorchGenerator, TheTwoKernelsDifferOnlyInLastBits) {
  std::vector<float> avx2(4096), generic(4096);
  TorchGenerator(7, TorchCpu::Avx2).normal(avx2.data(), avx2.size(), 0.0, 1.0);
  TorchGenerator(7, TorchCpu::Generic).normal(generic.data(), generic.size(), 0.0, 1.0);
  size_t differ = 0;
  for (size_t i = 0; i < avx2.size(); ++i) {
    differ += avx2[i] != generic[i];
    EXPECT_NEAR(avx2[i], generic[i], 1e-5f * std::max(1.0f, std::abs(generic[i])));
  }
  EXPECT_GT(differ, 0u);
}

TEST(TorchGenerator, NormalHasZeroMeanUnitVariance) {
  std::vector<float> v(1 << 16);
  TorchGenerator(3).normal(v.data(), v.size(), 0.0, 1.0);
  double sum = 0, sum_sq = 0;
  for (const float x : v) {
    sum += x;
    sum_sq += double{x} * x;
  }
  const auto n = static_cast<double>(v.size());
  const double mean = sum / n, variance = sum_sq / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(variance, 1.0, 0.02);
}

TEST(TorchGenerator, KaimingBoundIsOneOverRootFanIn) {
  for (const int fan_in : {1, 3, 16, 768}) {
    EXPECT_NEAR(kaiming_uniform_bound(fan_in), 1.0 / std::sqrt(fan_in), 1e-15);
  }
}

}  // namespace
}  // namespace attnviz
