// The one error type the core library throws; only main() turns it into an exit status. Errors
// and warnings are said in English or Azerbaijani, like the rest of the interface.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "attnviz/i18n/lang.hpp"

namespace attnviz {

// Every error and warning attnviz reports; each has an English and an Azerbaijani text with the
// same {0}, {1}, … placeholders (core/src/i18n/error_text.cpp).
enum class Err {
  ErrorWord,    // "error", after "attnviz: "
  WarningWord,  // "warning"
  OutOfMemory,
  Internal,
  InFile,  // "{0}: {1}": a file's name, then what is wrong in it
  // UTF-8 and text
  InvalidUtf8,
  Utf8StrayContinuation,
  Utf8Overlong,
  Utf8OverlongLead,
  Utf8NeverByte,
  Utf8TruncatedAtEnd,
  Utf8Truncated,
  Utf8Surrogate,
  Utf8AboveMax,
  Utf8Nul,
  Mojibake,
  TooManyTokens,
  TextEmpty,
  NoWords,
  TokenListEmpty,
  EmptyToken,
  UnknownEscape,
  EmptyLastToken,
  UnknownTokenizer,
  UnknownLanguage,
  // files
  StandardInput,
  StandardOutput,
  CannotRead,
  ReadOverLimit,
  CannotOpen,
  IsDirectory,
  FileOverLimit,
  CannotMap,
  EmptyFileName,
  SameOutputFile,
  NoSuchDirectory,
  CannotWriteIn,
  CannotWrite,
  CannotReplace,
  NoEntry,
  PermissionDenied,
  NoSpace,
  FileTooLarge,
  ReadOnly,
  NotADirectory,
  NoFont,
  // the run
  TokenNotInVocab,
  TextTooLong,
  ShortenText,
  BlockSizeOrShorten,
  OneHead,
  HeadOutOfRange,
  HighlightOutOfRange,
  SliceEmpty,
  PageLarge,
  NEmbdRange,
  BlockSizeRange,
  NHeadNotDivide,
  Overflow,
  HeadStep,
  XEmbedding,
  TheOutput,
  HeatmapTooLarge,
  ScaleRange,
  UnknownTheme,
  UnknownColormap,
  // state dicts
  ShapeMismatch,
  WidthOverLimit,
  Columns,
  Rows,
  BothLayouts,
  MissingLayout,
  LayoutSelfAttention,
  LayoutMultiHead,
  LayoutCAttn,
  PrefixHint,
  CAttnShape,
  MissingVocab,
  EmptyVocab,
  VocabEmptyString,
  VocabRepeats,
  NoTokenEmbedding,
  BlockSizeDisagrees,
  HeadsFlagDisagrees,
  HeadsFlagDisagreesOne,
  TheFile,
  TheFilesSelfAttention,
  NHeadDisagrees,
  NeedNHead,
  LaterBlock,
  UnknownKey,
  VocabSizeMismatch,
  NotAWholeModel,
  LayerCountMismatch,
  UnknownActivation,
  ConfigDisagrees,
  ConfigNotObject,
  ConfigField,
  ExpectInteger,
  ExpectEpsilon,
  ExpectBoolean,
  ExpectString,
  ConfigNotDivide,
  ConfigModelType,
  NoSafetensors,
  NoSafetensorsHas,
  UnsupportedOption,
  LayerOutOfRange,
  RolloutNeedsModel,
  SaveWeightsModel,
  TokensWithBpe,
  RandnWithModel,
  TokenizerVocabMismatch,
  BosNeedsBpe,
  ModelNeedsTokenizer,
  StandInTokens,
  LongTextWindow,
  LongTextLast,
  LongTextOnePass,
  LongTextNoMask,
  Transliterated,
  LabelsWithheldOneToken,
  LabelsWithheldUnread,
  InductionTestTooLong,
  UnknownShippedModel,
  ModelAndWeights,
  NeedsModel,
  UnknownKernels,
  // weights JSON
  JsonWeightsOverLimit,
  NotJson,
  NotJsonIn,
  LineColumn,
  Float32Overflow,
  NotAJsonNumber,
  TopLevelNotObject,
  SettingNotInteger,
  SettingOverLimit,
  VocabNotArray,
  VocabEntryNotString,
  NotANumber,
  MissingMatrix,
  MatrixNotArray,
  MatrixNot2d,
  RowNotArray,
  RaggedRow,
  MissingVector,
  VectorNotArray,
  DescribeString,
  DescribeNull,
  DescribeObject,
  DescribeArray,
  DescribeNumber,
  // BPE tokenizer files
  BpeVocabNotObject,
  BpeBadId,
  BpeDuplicateId,
  BpeByteMissing,
  BpeMergeLine,
  BpeMergeUnknown,
  MissingSetting,
  TokenizerNotBpe,
  // safetensors
  SafetensorsTooShort,
  HeaderSizeOverFile,
  HeaderOverLimit,
  MissingTensor,
  WrongDimensions,
  WrongDimensionsOne,
  EmptyTensor,
  UnsupportedDtype,
  NotFinite,
  NaN,
  AnInfinity,
  MetadataNotInteger,
  MetadataNotPositive,
  MetadataOverLimit,
  MetadataVocabNotJson,
  MetadataVocabNotArray,
  MetadataVocabEntry,
  HeaderNotJson,
  HeaderNotObject,
  MetadataNotObject,
  MetadataNotString,
  EntryNotObject,
  EntryNoDtype,
  EntryUnknownDtype,
  EntryNoShape,
  EntryBadShape,
  EntryTooLarge,
  EntryNoOffsets,
  EntryOffsetsOutside,
  EntrySizeMismatch,
  TensorGap,
  TensorsEnd,
  // zip archives
  ZipBroken,
  ZipNoEnd,
  ZipOutside,
  ZipSignature,
  ZipBadName,
  ZipDuplicate,
  ZipEncrypted,
  ZipCompressed,
  // pickles
  PickleAt,
  PickleNoStop,
  PickleCut,
  PickleProtocol,
  PickleUnknownOpcode,
  PickleUnderflow,
  PickleNoMark,
  PickleOpenMark,
  PickleNoMemo,
  PickleWrongKind,
  PickleOddItems,
  PickleBadNumber,
  PickleBadString,
  PickleUnsupported,
  PickleTooMany,
  // PyTorch's files
  TorchNoPickle,
  TorchNoStateDict,
  TorchCallRefused,
  TorchBadRecord,
  TorchBadTensor,
  TorchUnknownStorage,
  TorchStorageView,
  TorchStorageShort,
  TorchStorageMissing,
  TorchOverlapping,
  TorchLegacyMagic,
  TorchLegacyVersion,
  TorchLegacyKeys,
  TorchLegacyCut,
  WeightsFormatUnknown,
  // vocabularies given beside a model
  VocabFileKind,
  VocabFileEmpty,
  VocabFileToken,
  VocabFileIds,
  VocabFileRepeats,
  VocabModelMismatch,
  ModelNeedsVocab,
  MetaPklNotFound,
  VocabNeedsModel,
  // checkpoints split over files
  ShardIndexBad,
  ShardFileName,
  ShardMissingTensor,
  // fonts
  NotAFont,
  NotUsableFont,
  GlyphTooLarge,
  FontDataEnds,
  FontTooShort,
  FontEmptyCollection,
  FontCollectionOutside,
  FontUnknownVersion,
  FontDirectoryCut,
  FontTableOutside,
  FontTableShort,
  FontNoTable,
  FontCff,
  FontNoGlyphs,
  FontHmtx,
  FontLocaFormat,
  FontLocaOutside,
  FontRequiredTable,
  FontCompositeLoop,
  FontGlyphShort,
  FontContours,
  FontFlags,
  FontLoneOffCurve,
  FontPoints,
  FontCompositeEnd,
  FontCompositeMatch,
  FontCompositeGlyph,
  FontCompositeRange,
  FontCmapCut,
  FontCmapSubtable,
  FontCmapFormatCut,
  FontCmap4Search,
  FontCmap4Ids,
  // the command line
  Usage,
  NoInput,
  SeedWithWeights,
  NEmbdOverLimit,
  HeadsNotDivide,
  OutputsShareFile,
  UnexpectedArgument,
  MissingValue,
  Excludes,
  Requires,
  NotAChoice,
  NotInRange,
  NotANumberArgument,
  NotAWholeNumber,
  NotAWholeNumberFrom,
  UnknownOption,
  UnknownOptionGuess,
  SingleDashLong,
  HeadChoice,
  HighlightChoice,
  SliceChoice,
  LayerChoice,
  TokenizerChoice,
  NoTokenizerFiles,
  Count  // number of messages, not a message
};

// What an error or warning says, in words that can be put in either language: one of the
// catalog's messages with its arguments — text said as it is (a file name, a number, a token) or
// another message (the defect inside "invalid UTF-8 at byte 2: …").
class Words {
 public:
  Words(std::string text);  // NOLINT(google-explicit-constructor): said as it is
  Words(const char* text);  // NOLINT(google-explicit-constructor)
  Words(Err id, std::vector<Words> args);

  std::string in(Lang lang) const;
  std::string english() const { return in(Lang::En); }

 private:
  Err id_ = Err::Internal;
  bool literal_ = true;
  std::string text_;
  std::vector<Words> args_;
};

// The message names what is wrong and where (file, key, position), what was expected and what was
// found, e.g. `w.json: "key.weight" has shape 16×8, expected 16×16 (n_embd × n_embd)`. what() is
// the English text; message() says it in the interface's language.
class Error : public std::runtime_error {
 public:
  Error(Err id, std::vector<Words> args);
  explicit Error(Words words);

  std::string message(Lang lang) const { return words_.in(lang); }
  const Words& words() const { return words_; }

 private:
  Words words_;
};

// The catalog's text of `id` in `lang`.
std::string_view error_text(Lang lang, Err id);

}  // namespace attnviz
