// Head detectors on attention built by hand, where each score is known exactly.
#include "attnviz/model/head_scores.hpp"

#include <gtest/gtest.h>

namespace attnviz {
namespace {

std::vector<std::string> chars(const std::string& text) {
  std::vector<std::string> out;
  for (const char c : text) out.emplace_back(1, c);
  return out;
}

std::vector<int> ids_of(const std::vector<std::string>& tokens) {
  std::vector<int> ids;
  for (const std::string& t : tokens) ids.push_back(static_cast<unsigned char>(t[0]));
  return ids;
}

// Row i puts all its weight on target(i).
template <class F>
Matrix one_hot(int T, F target) {
  Matrix a = Matrix::Zero(T, T);
  for (int i = 0; i < T; ++i) a(i, target(i)) = 1;
  return a;
}

float at(const std::array<float, kHeadPatterns>& s, HeadPattern p) {
  return s[static_cast<size_t>(p)];
}

TEST(HeadScores, APreviousTokenHeadScoresAllButItsFirstRow) {
  const auto tokens = chars("abcdefgh");
  const auto s = score_head(one_hot(8, [](int i) { return std::max(0, i - 1); }),
                            pattern_targets(ids_of(tokens), tokens));
  EXPECT_FLOAT_EQ(at(s, HeadPattern::PreviousToken), 7.0f / 8);  // row 0 has no previous token
  EXPECT_FLOAT_EQ(at(s, HeadPattern::CurrentToken), 1.0f / 8);
  EXPECT_FLOAT_EQ(at(s, HeadPattern::FirstToken), 2.0f / 8);
  EXPECT_FLOAT_EQ(at(s, HeadPattern::DuplicateToken), 0.0f);
}

TEST(HeadScores, AUniformCausalHeadSpreadsEvenly) {
  const auto tokens = chars("abab");
  Matrix a = Matrix::Zero(4, 4);
  for (int i = 0; i < 4; ++i) a.row(i).head(i + 1).setConstant(1.0f / float(i + 1));
  const auto s = score_head(a, pattern_targets(ids_of(tokens), tokens));
  EXPECT_FLOAT_EQ(at(s, HeadPattern::FirstToken), (1 + 0.5f + 1 / 3.0f + 0.25f) / 4);
  // Duplicates: row 2 (a) sees a at 0, row 3 (b) sees b at 1.
  EXPECT_FLOAT_EQ(at(s, HeadPattern::DuplicateToken), (1 / 3.0f + 0.25f) / 4);
  // Induction: row 2 → the token after the earlier a (1), row 3 → after the earlier b (2).
  EXPECT_FLOAT_EQ(at(s, HeadPattern::Induction), (1 / 3.0f + 0.25f) / 4);
}

TEST(HeadScores, LastVowelFollowsTheWordsVowelsNotADistance) {
  // "kitablar evlər": from each letter, the word's latest vowel at least two back.
  const std::vector<std::string> tokens = {"k", "i", "t", "a", "b", "l", "a",
                                           "r", " ", "e", "v", "l", "ə", "r"};
  const auto T = static_cast<int>(tokens.size());
  // k i t a b l a r ␣ e v l ə r: rows 3–7 and 11–13 have a target (i at 1, a at 3, e at 9).
  const std::vector<int> target = {0, 1, 2, 1, 1, 3, 3, 3, 8, 9, 10, 9, 9, 9};
  const Matrix perfect = one_hot(T, [&](int i) { return target[static_cast<size_t>(i)]; });
  EXPECT_FLOAT_EQ(
      at(score_head(perfect, pattern_targets(ids_of(tokens), tokens)), HeadPattern::LastVowel),
      1.0f);
  // Two back, whatever is there: right only where the vowel happens to be two back.
  const Matrix two_back = one_hot(T, [](int i) { return std::max(0, i - 2); });
  const float distance =
      at(score_head(two_back, pattern_targets(ids_of(tokens), tokens)), HeadPattern::LastVowel);
  EXPECT_GT(distance, 0.3f);
  EXPECT_LT(distance, 0.7f);
}

TEST(HeadScores, LastSpaceIsTheLatestNonLetterBefore) {
  const auto tokens = chars("ab cd, e");
  const std::vector<int> target = {0, 1, 2, 2, 2, 2, 5, 6};
  const Matrix a = one_hot(8, [&](int i) { return target[static_cast<size_t>(i)]; });
  // Rows 3… have a space or comma before them: 3, 4, 5 → 2; 6 → 5; 7 → 6.
  EXPECT_FLOAT_EQ(
      at(score_head(a, pattern_targets(ids_of(tokens), tokens)), HeadPattern::LastSpace), 1.0f);
}

TEST(HeadScores, RepeatedInductionIsTheStripeOverTheSecondCopy) {
  const int S = 5;
  const Matrix stripe = one_hot(2 * S, [&](int i) { return i < S ? i : i - S + 1; });
  EXPECT_FLOAT_EQ(repeated_induction_score(stripe, S), 1.0f);
  const Matrix self = one_hot(2 * S, [](int i) { return i; });
  EXPECT_FLOAT_EQ(repeated_induction_score(self, S), 0.0f);
}

TEST(HeadScores, TheLabelIsTheHighestScoreFromTheThresholdOn) {
  HeadScore s;
  EXPECT_FALSE(head_label(s).has_value());
  s.score[static_cast<size_t>(HeadPattern::FirstToken)] = 0.45f;
  s.score[static_cast<size_t>(HeadPattern::PreviousToken)] = 0.6f;
  EXPECT_EQ(head_label(s), HeadPattern::PreviousToken);
  s.repeated_induction = 0.8f;  // measured on a repeated sequence, it stands for induction
  EXPECT_EQ(head_label(s), HeadPattern::Induction);
  s.score.fill(kLabelThreshold - 0.01f);
  s.repeated_induction.reset();
  EXPECT_FALSE(head_label(s).has_value());
  EXPECT_STREQ(pattern_key(HeadPattern::LastVowel), "last_vowel");
}

}  // namespace
}  // namespace attnviz
