// What each head does: how much of its attention follows a known pattern, scored on the run's own
// tokens as TransformerLens's detect_head does (its default "mul" measure), plus two detectors for
// character models of the course's language.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "attnviz/matrix.hpp"

namespace attnviz {

// Each pattern P is a 0/1 (T, T) matrix; a head's score is S = Σ(A∘P) / Σ A over its weights A.
// TransformerLens's sum runs over every row; LastVowel and LastSpace, which have no target in
// most rows, sum over the rows that have one ("when it can, how much does it look there").
enum class HeadPattern {
  PreviousToken,   // P[i, i−1]
  CurrentToken,    // P[i, i]
  FirstToken,      // P[i, 0]
  DuplicateToken,  // P[i, j], j < i, token j = token i
  Induction,       // P[i, j], j−1 < i, token j−1 = token i: what followed this token before
  LastVowel,       // P[i, j], j the most recent vowel ≤ i−2 in i's word (vowel harmony)
  LastSpace,       // P[i, j], j the most recent token before i that is not a letter
};
inline constexpr int kHeadPatterns = 7;

struct HeadScore {
  int layer = 0;
  int head = 0;
  std::array<float, kHeadPatterns> score{};  // by HeadPattern
  // --induction-test S: the mean weight on the stripe i → i−S+1 over the second copy of S random
  // tokens repeated twice, as TransformerLens's demos measure induction.
  std::optional<float> repeated_induction;
  // No label, whatever the scores: the text could not show one (Result::labels_withheld says why).
  bool withheld = false;

  float operator[](HeadPattern p) const { return score[static_cast<size_t>(p)]; }
};

// A head's label: the pattern with the highest score, if that score reaches kLabelThreshold
// (the repeated-sequence induction score stands for Induction when it was measured). A withheld
// score is labelled only by the repeated-sequence induction score, which did not read the text.
inline constexpr float kLabelThreshold = 0.4f;
std::optional<HeadPattern> head_label(const HeadScore& score);

// Where the patterns put their 1s on one text, found once for all heads, in O(T) memory: row i's
// earlier copies are the first copies_before[i] entries of positions[token i]; last_vowel[i] is
// the last vowel ≤ i−2 of i's word and last_space[i] the last non-letter before i (−1: none).
// `ids` (T) tell duplicates apart; `tokens` (T) tell vowels, letters and spaces apart. Tokens
// with id `unread` (the stand-in of a vocabulary for what it lacks; −1: none) are unknown: each
// is distinct from every other, and neither a letter nor a space.
struct PatternTargets {
  std::vector<std::vector<int>> positions;  // per distinct token, where it occurs, in order
  std::vector<int> token;                   // row i's entry of positions
  std::vector<int> copies_before;
  std::vector<int> last_vowel;
  std::vector<int> last_space;
};
PatternTargets pattern_targets(const std::vector<int>& ids, const std::vector<std::string>& tokens,
                               int unread = -1);

// Every pattern's score for one head's weights (T, T).
std::array<float, kHeadPatterns> score_head(const Matrix& weights, const PatternTargets& targets);

// The repeated-sequence induction score of one head run on 2S tokens: mean of weights(i, i−S+1)
// for i in [S, 2S). weights: (2S, 2S).
float repeated_induction_score(const Matrix& weights, int S);

// The stable names used in JSON and in --heads-report: "previous_token", ….
const char* pattern_key(HeadPattern p);

}  // namespace attnviz
