// attnviz against real PyTorch: every fixture made by reference/make_fixtures.py (the lesson's
// SelfAttention module) is recomputed from its weights and text, and each intermediate compared;
// and attnviz's random weights for the fixture's seed are PyTorch's, bit for bit.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "attnviz/model/attention.hpp"
#include "attnviz/run/run.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::expect_bit_equal;

std::vector<std::string> fixture_names() { return test::expected_names(ATTNVIZ_FIXTURES); }

Request fixture_request(const json& expected) {
  Request request;
  request.text = expected["text"].get<std::string>();
  request.text_origin = "fixture";
  const std::string tokenizer = expected["tokenizer"].get<std::string>();
  if (tokenizer == "list") {
    request.input = InputKind::TokenList;
  } else {
    request.tokenizer = tokenizer_from_name(tokenizer);
  }
  request.causal = expected["causal"].get<bool>();
  request.scale = expected["scale"].get<bool>();
  return request;
}

class Reference : public ::testing::TestWithParam<std::string> {};

TEST(ReferenceFixtures, AllPresent) { EXPECT_GE(fixture_names().size(), 16u); }

// The fixture's weights file, loaded, gives PyTorch's numbers.
TEST_P(Reference, FromTheWeightsFileMatchesPyTorchWithin2e5) {
  const std::string base = std::string(ATTNVIZ_FIXTURES) + "/" + GetParam();
  const json expected = json::parse(test::slurp(base + ".expected.json"));
  if (expected.contains("random") && expected["random"]["input"] == "randn") {
    GTEST_SKIP() << "x = torch.randn: the random run below covers it";
  }
  Request request = fixture_request(expected);
  request.weights_path = base + ".weights.json";
  const std::string weights_data = test::slurp(*request.weights_path);
  request.weights_data = weights_data;
  const Result result = run(request);
  EXPECT_TRUE(result.warnings.empty());  // the state_dict's tril buffers are expected keys
  ASSERT_EQ(result.tokens, expected["tokens"].get<std::vector<std::string>>());
  EXPECT_EQ(result.weights.multi_head(), expected["n_head"].get<int>() > 0);
  test::expect_trace(result.trace(), expected, GetParam());
}

// attnviz's own random draw with the fixture's seed and sizes: the weights PyTorch initialized,
// bit for bit, and so the same intermediates.
TEST_P(Reference, RandomWeightsArePyTorchsBitForBit) {
  const std::string base = std::string(ATTNVIZ_FIXTURES) + "/" + GetParam();
  const json expected = json::parse(test::slurp(base + ".expected.json"));
  if (!expected.contains("random")) GTEST_SKIP() << "the case edits PyTorch's weights";
  const json& random = expected["random"];
  Request request = fixture_request(expected);
  request.random.seed = random["seed"].get<uint32_t>();
  request.random.n_embd = random["n_embd"].get<int>();
  request.random.block_size = random["block_size"].get<int>();
  request.random.positions = random["positions"].get<bool>();
  request.random.n_head = random["n_head"].get<int>();
  request.randn_input = random["input"] == "randn";
  const Result result = run(request);

  const json file = json::parse(test::slurp(base + ".weights.json"));
  const Weights& w = result.weights;
  if (request.randn_input) {
    expect_bit_equal(result.trace().x, expected["x"], "x = torch.randn(1, T, C)");
  } else {
    expect_bit_equal(w.token_embedding, file["token_embedding.weight"], "token_embedding");
    if (w.has_positions()) {
      expect_bit_equal(w.position_embedding, file["position_embedding.weight"],
                       "position_embedding");
    }
  }
  const auto prefix = [&](int h) {
    return w.multi_head() ? "heads." + std::to_string(h) + "." : std::string();
  };
  for (int h = 0; h < w.n_head(); ++h) {
    const HeadWeights& head = w.heads[static_cast<size_t>(h)];
    expect_bit_equal(head.query, file[prefix(h) + "query.weight"], prefix(h) + "query");
    expect_bit_equal(head.key, file[prefix(h) + "key.weight"], prefix(h) + "key");
    expect_bit_equal(head.value, file[prefix(h) + "value.weight"], prefix(h) + "value");
  }
  if (w.multi_head()) {
    expect_bit_equal(w.proj_weight, file["proj.weight"], "proj.weight");
    expect_bit_equal(w.proj_bias, file["proj.bias"], "proj.bias");
  }
  test::expect_trace(result.trace(), expected, GetParam() + " (random)");
}

INSTANTIATE_TEST_SUITE_P(PyTorch, Reference, ::testing::ValuesIn(fixture_names()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace attnviz
