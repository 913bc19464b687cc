// Everything attnviz says to a student (table headers, explanations, picture captions) in English
// and Azerbaijani, the course's language. Errors and warnings are in error.hpp.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

enum class Lang { En, Az };

enum class Msg {
  // what was computed
  MaskedSelfAttention,
  SelfAttentionNoMask,
  MaskedMultiHead,
  MultiHeadNoMask,
  Tokens,
  NoPositions,
  NotScaled,
  RandomWeights,
  WeightsFile,
  RandnInput,
  // table
  LegendCausal,
  Legend,
  KeysBlock,
  Head,
  HeadMean,
  SummaryTitle,
  SummaryQuery,
  SummaryTop,
  SummaryWeight,
  SummaryEntropy,
  SummaryMax,
  Bits,
  TableSummarised,
  // heatmap
  Query,
  Key,
  Masked,
  // --explain
  ExplainTitle,
  ExplainTrace,
  Step,
  ShapeOf,
  HiddenColumns,
  HiddenRows,
  HeadOf,
  Position,
  Token,
  Id,
  TokensTitle,
  TokensText,
  TokensTextRandn,
  EmbedTitle,
  EmbedText,
  EmbedTextNoPositions,
  RandnTitle,
  RandnText,
  LayerNormText,
  QkvTitle,
  QkvTitleBias,
  QkvText,
  ScoresTitle,
  ScoresText,
  ScaleTitle,
  ScaleText,
  NoScaleTitle,
  NoScaleText,
  MaskTitle,
  MaskTextMany,
  MaskTextOne,
  MaskTextNone,
  NoMaskTitle,
  NoMaskText,
  SoftmaxTitle,
  SoftmaxText,
  OutputTitle,
  OutputText,
  ProjTitle,
  ProjText,
  Count  // number of messages, not a message
};

// The message in `lang`; every message exists in both languages.
std::string_view text(Lang lang, Msg msg);

// `pattern` with {0}, {1}, … replaced by `args`.
std::string format(std::string_view pattern, const std::vector<std::string>& args);
inline std::string format(std::string_view pattern, std::initializer_list<std::string> args) {
  return format(pattern, std::vector<std::string>(args));
}

inline std::string say(Lang lang, Msg msg, std::initializer_list<std::string> args = {}) {
  return format(text(lang, msg), args);
}

// "az" / "en"; nullopt-like: throws Error for any other name.
Lang lang_from_name(std::string_view name);
// The language of a POSIX locale such as "az_AZ.UTF-8": Azerbaijani for "az…", else English.
Lang lang_from_locale(std::string_view locale);

}  // namespace attnviz
