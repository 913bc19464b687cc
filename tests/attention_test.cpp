// Properties of embedding and masked attention that hold for any weights.
#include "attnviz/model/attention.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace attnviz {
namespace {

Weights weights_for(int vocab_size, uint32_t seed, int n_embd = 8) {
  std::vector<std::string> vocab;
  for (int i = 0; i < vocab_size; ++i) vocab.push_back(std::to_string(i));
  return random_weights(vocab, RandomInit{seed, n_embd, 64, true});
}

std::vector<int> ids_for(int T, int vocab_size) {
  std::vector<int> ids;
  for (int t = 0; t < T; ++t) ids.push_back((t * 7) % vocab_size);
  return ids;
}

TEST(Embed, AddsTokenAndPositionRows) {
  const Weights w = weights_for(5, 1);
  const Matrix x = embed({3, 0, 3}, w);
  ASSERT_EQ(x.rows(), 3);
  ASSERT_EQ(x.cols(), 8);
  EXPECT_EQ(x.row(0), w.token_embedding.row(3) + w.position_embedding.row(0));
  EXPECT_EQ(x.row(2), w.token_embedding.row(3) + w.position_embedding.row(2));
  EXPECT_NE(x.row(0), x.row(2));  // same token, different position
}

class AttentionProperties : public ::testing::TestWithParam<int> {};

TEST_P(AttentionProperties, RowsSumToOneAndFutureIsExactlyZero) {
  const int T = GetParam();
  const Weights w = weights_for(11, static_cast<uint32_t>(T));
  const AttentionTrace trace = attend(embed(ids_for(T, 11), w), w, {});
  const Matrix& wei = trace.heads[0].weights;
  ASSERT_EQ(wei.rows(), T);
  ASSERT_EQ(wei.cols(), T);
  for (int i = 0; i < T; ++i) {
    EXPECT_NEAR(wei.row(i).sum(), 1.0f, 1e-6f) << "row " << i;
    for (int j = 0; j < T; ++j) {
      if (j > i) {
        EXPECT_EQ(wei(i, j), 0.0f) << i << "," << j;
        EXPECT_TRUE(trace.masked(i, j));
      } else {
        EXPECT_GT(wei(i, j), 0.0f) << i << "," << j;
        EXPECT_FALSE(trace.masked(i, j));
      }
    }
  }
  EXPECT_EQ(trace.out.rows(), T);
  EXPECT_EQ(trace.out.cols(), 8);
  EXPECT_TRUE(trace.out.allFinite());
}

INSTANTIATE_TEST_SUITE_P(Lengths, AttentionProperties, ::testing::Values(1, 2, 15, 64));

TEST(Attention, OneTokenAttendsToItselfWithWeightOne) {
  const Weights w = weights_for(3, 4);
  const AttentionTrace trace = attend(embed({2}, w), w, {});
  EXPECT_EQ(trace.heads[0].weights(0, 0), 1.0f);
  // With one key, out is that token's value: x · valueᵀ.
  EXPECT_TRUE(trace.out.isApprox(trace.heads[0].v, 1e-6f));
}

TEST(Attention, FirstQueryOnlySeesItself) {
  const Weights w = weights_for(6, 8);
  const AttentionTrace trace = attend(embed(ids_for(6, 6), w), w, {});
  EXPECT_EQ(trace.heads[0].weights(0, 0), 1.0f);
  EXPECT_TRUE(trace.out.row(0).isApprox(trace.heads[0].v.row(0), 1e-6f));
}

TEST(Attention, WithoutMaskEveryKeyHasWeight) {
  const Weights w = weights_for(6, 9);
  const AttentionTrace trace = attend(embed(ids_for(6, 6), w), w, AttentionOptions{false});
  EXPECT_FALSE(trace.causal);
  EXPECT_GT(trace.heads[0].weights.minCoeff(), 0.0f);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(trace.heads[0].weights.row(i).sum(), 1.0f, 1e-6f);
}

TEST(Attention, ScaleIsHeadSizeToTheMinusHalf) {
  const Weights w = weights_for(2, 1, 12);
  const AttentionTrace trace = attend(embed({0, 1}, w), w, {});
  EXPECT_FLOAT_EQ(trace.scale, 1.0f / std::sqrt(12.0f));
  const HeadTrace& h = trace.heads[0];
  EXPECT_TRUE(h.scores.isApprox(h.q * h.k.transpose()));
}

TEST(MaskedSoftmax, ExtremeLogitsStayFinite) {
  Matrix scores(3, 3);
  scores << 1e30f, -1e30f, 0.0f,  //
      -1e30f, 1e30f, 3.0f,        //
      5.0f, 5.0f, 5.0f;
  for (const bool causal : {true, false}) {
    const Matrix wei = masked_softmax(scores, 1.0f, causal);
    EXPECT_TRUE(wei.allFinite());
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(wei.row(i).sum(), 1.0f, 1e-6f);
  }
  const Matrix wei = masked_softmax(scores, 1.0f, true);
  EXPECT_EQ(wei(1, 1), 1.0f);  // the huge logit takes all the weight
  EXPECT_EQ(wei(1, 0), 0.0f);
  EXPECT_NEAR(wei(2, 0), 1.0f / 3.0f, 1e-7f);  // identical logits share equally
}

}  // namespace
}  // namespace attnviz
