// Head detectors: each pattern's score S = Σ(A∘P) / Σ A, computed row by row without building P.
#include "attnviz/model/head_scores.hpp"

#include <algorithm>
#include <string_view>

#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

bool is_vowel(std::string_view token) {
  // The Azerbaijani vowels, both cases (İ and I are the two i's); English's are among them.
  static constexpr std::string_view kVowels[] = {"a", "ı", "o", "u", "e", "ə", "i", "ö", "ü",
                                                 "A", "I", "O", "U", "E", "Ə", "İ", "Ö", "Ü"};
  return std::find(std::begin(kVowels), std::end(kVowels), token) != std::end(kVowels);
}

}  // namespace

const char* pattern_key(HeadPattern p) {
  static constexpr const char* kKeys[kHeadPatterns] = {
      "previous_token", "current_token", "first_token", "duplicate_token",
      "induction",      "last_vowel",    "last_space"};
  return kKeys[static_cast<size_t>(p)];
}

std::array<float, kHeadPatterns> score_head(const Matrix& A, const std::vector<int>& ids,
                                            const std::vector<std::string>& tokens) {
  const auto T = static_cast<Eigen::Index>(ids.size());
  std::array<double, kHeadPatterns> hit{};
  double total = 0, vowel_rows = 0, space_rows = 0;
  Eigen::Index word_start = 0;     // the first letter of the word i is in
  Eigen::Index vowel_before = -1;  // the most recent vowel at or before i−2 in that word
  Eigen::Index last_space = -1;    // the most recent non-letter token before i
  for (Eigen::Index i = 0; i < T; ++i) {
    const auto ui = static_cast<size_t>(i);
    const double row = A.row(i).sum();
    total += row;
    if (i > 0) hit[0] += A(i, i - 1);
    hit[1] += A(i, i);
    hit[2] += A(i, 0);
    for (Eigen::Index j = 0; j < i; ++j) {
      const auto uj = static_cast<size_t>(j);
      if (ids[uj] == ids[ui]) {
        hit[3] += A(i, j);
        hit[4] += A(i, j + 1);  // token j = token i, j < i: the token after it, j + 1 ≤ i
      }
    }
    // Last vowel ≤ i−2 of the same word: track the word's vowels as i advances.
    const bool letter = utf8::all_letters(tokens[ui]);
    if (!letter) {
      word_start = i + 1;
      vowel_before = -1;
    } else {
      if (i - 2 >= word_start && is_vowel(tokens[static_cast<size_t>(i - 2)])) vowel_before = i - 2;
      if (vowel_before >= 0) {
        hit[5] += A(i, vowel_before);
        vowel_rows += row;
      }
    }
    if (last_space >= 0) {
      hit[6] += A(i, last_space);
      space_rows += row;
    }
    if (!letter) last_space = i;
  }
  std::array<float, kHeadPatterns> out{};
  for (int p = 0; p < 5; ++p) out[static_cast<size_t>(p)] = total > 0 ? float(hit[p] / total) : 0;
  out[5] = vowel_rows > 0 ? float(hit[5] / vowel_rows) : 0;
  out[6] = space_rows > 0 ? float(hit[6] / space_rows) : 0;
  return out;
}

float repeated_induction_score(const Matrix& A, int S) {
  double sum = 0;
  for (int i = S; i < 2 * S; ++i) sum += A(i, i - S + 1);
  return static_cast<float>(sum / S);
}

std::optional<HeadPattern> head_label(const HeadScore& s) {
  std::optional<HeadPattern> best;
  float best_score = kLabelThreshold;
  for (int p = 0; p < kHeadPatterns; ++p) {
    auto pattern = static_cast<HeadPattern>(p);
    float v = s.score[static_cast<size_t>(p)];
    if (pattern == HeadPattern::Induction && s.repeated_induction) v = *s.repeated_induction;
    if (v >= best_score) {
      best = pattern;
      best_score = v;
    }
  }
  return best;
}

}  // namespace attnviz
