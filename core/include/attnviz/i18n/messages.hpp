// Everything attnviz says to a student (table headers, explanations, picture captions) in English
// and Azerbaijani, the course's language. Errors and warnings are in error.hpp.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "attnviz/i18n/lang.hpp"

namespace attnviz {

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
  WholeModel,
  NoMask,
  // table
  LegendCausal,
  Legend,
  KeysBlock,
  Head,
  HeadMean,
  LayerHead,
  LayerHeadMean,
  PanelLayerHead,
  PanelLayerMean,
  RolloutTitle,
  PanelRollout,
  PanelLayer,
  PanelHead,
  PanelMean,
  SummaryNext,
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
  LayerOf,
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
  ResidualTitle,
  ResidualText,
  ResidualAttnTitle,
  ResidualAttnText,
  MlpTitle,
  MlpText,
  ResidualMlpTitle,
  ResidualMlpText,
  GuessesTitle,
  GuessesText,
  // --heads-report; the Pattern*, Legend* and Label* entries follow HeadPattern's order
  HeadsTitle,
  HeadsText,
  HeadsRepeatedText,
  HeadsLayer,
  HeadsHead,
  HeadsLabel,
  HeadsRepeated,
  PatternPreviousToken,
  PatternCurrentToken,
  PatternFirstToken,
  PatternDuplicateToken,
  PatternInduction,
  PatternLastVowel,
  PatternLastSpace,
  LegendPreviousToken,
  LegendCurrentToken,
  LegendFirstToken,
  LegendDuplicateToken,
  LegendInduction,
  LegendLastVowel,
  LegendLastSpace,
  LabelPreviousToken,
  LabelCurrentToken,
  LabelFirstToken,
  LabelDuplicateToken,
  LabelInduction,
  LabelLastVowel,
  LabelLastSpace,
  LabelNone,
  LabelWithheld,
  Count  // number of messages, not a message
};

// The message in `lang`; every message exists in both languages.
std::string_view text(Lang lang, Msg msg);

inline std::string say(Lang lang, Msg msg, std::initializer_list<std::string> args = {}) {
  return format(text(lang, msg), args);
}

}  // namespace attnviz
