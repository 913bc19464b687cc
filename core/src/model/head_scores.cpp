// Head detectors: each pattern's score S = Σ(A∘P) / Σ A, computed row by row without building P.
#include "attnviz/model/head_scores.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

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

PatternTargets pattern_targets(const std::vector<int>& ids, const std::vector<std::string>& tokens,
                               int unread) {
  const size_t T = ids.size();
  PatternTargets t;
  t.token.resize(T);
  t.copies_before.resize(T);
  t.last_vowel.assign(T, -1);
  t.last_space.assign(T, -1);
  std::unordered_map<int, int> index;  // id → its entry of t.positions
  int word_start = 0, vowel_before = -1, last_space = -1;
  for (size_t i = 0; i < T; ++i) {
    const int at = static_cast<int>(i);
    t.last_space[i] = last_space;
    if (ids[i] == unread) {  // an entry of its own; the word it is in is not known
      t.token[i] = static_cast<int>(t.positions.size());
      t.positions.push_back({at});
      word_start = at + 1;
      vowel_before = -1;
      continue;
    }
    const auto [entry, added] = index.emplace(ids[i], static_cast<int>(t.positions.size()));
    if (added) t.positions.emplace_back();
    auto& copies = t.positions[static_cast<size_t>(entry->second)];
    t.token[i] = entry->second;
    t.copies_before[i] = static_cast<int>(copies.size());
    copies.push_back(at);
    if (!utf8::all_letters(tokens[i])) {  // a space or punctuation ends the word
      word_start = at + 1;
      vowel_before = -1;
      last_space = at;
      continue;
    }
    if (at - 2 >= word_start && is_vowel(tokens[i - 2])) vowel_before = at - 2;
    t.last_vowel[i] = vowel_before;
  }
  return t;
}

std::array<float, kHeadPatterns> score_head(const Matrix& A, const PatternTargets& targets) {
  const auto T = static_cast<Eigen::Index>(targets.token.size());
  std::array<double, kHeadPatterns> hit{};
  double total = 0, vowel_rows = 0, space_rows = 0;
  for (Eigen::Index i = 0; i < T; ++i) {
    const auto ui = static_cast<size_t>(i);
    const double row = A.row(i).sum();
    total += row;
    if (i > 0) hit[0] += A(i, i - 1);
    hit[1] += A(i, i);
    hit[2] += A(i, 0);
    const auto& copies = targets.positions[static_cast<size_t>(targets.token[ui])];
    for (int c = 0; c < targets.copies_before[ui]; ++c) {
      const int j = copies[static_cast<size_t>(c)];
      hit[3] += A(i, j);
      hit[4] += A(i, j + 1);  // the token after an earlier copy: j + 1 ≤ i
    }
    if (targets.last_vowel[ui] >= 0) {
      hit[5] += A(i, targets.last_vowel[ui]);
      vowel_rows += row;
    }
    if (targets.last_space[ui] >= 0) {
      hit[6] += A(i, targets.last_space[ui]);
      space_rows += row;
    }
  }
  std::array<float, kHeadPatterns> out{};
  for (size_t p = 0; p < 5; ++p) out[p] = total > 0 ? static_cast<float>(hit[p] / total) : 0;
  out[5] = vowel_rows > 0 ? static_cast<float>(hit[5] / vowel_rows) : 0;
  out[6] = space_rows > 0 ? static_cast<float>(hit[6] / space_rows) : 0;
  return out;
}

float repeated_induction_score(const Matrix& A, int S) {
  double sum = 0;
  for (int i = S; i < 2 * S; ++i) sum += A(i, i - S + 1);
  return static_cast<float>(sum / S);
}

std::optional<HeadPattern> head_label(const HeadScore& s) {
  std::optional<HeadPattern> best;
  if (s.withheld) {  // the random tokens of the induction test still say what they showed
    if (s.repeated_induction && *s.repeated_induction >= kLabelThreshold)
      best = HeadPattern::Induction;
    return best;
  }
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
