// The steps of a Hugging Face tokenizers pipeline around the BPE model (private header):
// normalizers, pre-tokenizers, decoders and added tokens, as tokenizer.json describes them and
// the tokenizers library applies them. A piece of text is valid UTF-8 throughout.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/regex.hpp"

namespace attnviz {

// What a Replace or Split looks for: a literal string, or a regex.
struct Pattern {
  std::string literal;
  std::shared_ptr<const Regex> regex;  // set: the pattern is this regex

  std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;
};

struct NormalizeStep {
  enum class Kind { Nfc, Nfd, Nfkc, Nfkd, Lowercase, Strip, StripAccents, Replace, Prepend };
  Kind kind = Kind::Nfc;
  Pattern pattern;                 // Replace: what is replaced
  std::string content;             // Replace: by what; Prepend: what goes before a non-empty text
  bool left = true, right = true;  // Strip: which ends
};

// How a Split keeps what its pattern matched: the tokenizers library's SplitDelimiterBehavior.
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

struct PreTokenizeStep {
  enum class Kind { ByteLevel, Split, Metaspace, Digits, Punctuation, Whitespace, WhitespaceSplit };
  Kind kind = Kind::ByteLevel;
  // ByteLevel: a space before each piece that has none, GPT-2's pattern first (use_regex).
  bool add_prefix_space = false, use_regex = true;
  // Split (and Punctuation's behavior): the pattern, how matches are kept, or (invert) kept as
  // the pieces themselves.
  Pattern pattern;
  SplitBehavior behavior = SplitBehavior::Isolated;
  bool invert = false;
  // Metaspace: spaces become `replacement` (▁), which goes before every piece ("always"), the
  // text's first ("first") or none ("never"); with `split`, a piece begins at each one.
  std::string replacement;
  enum class Prepend { Always, First, Never } prepend = Prepend::Always;
  bool split = true;
  bool individual_digits = false;  // Digits: each digit alone, else each run of digits
};

struct DecodeStep {
  enum class Kind { ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace };
  Kind kind = Kind::Fuse;
  Pattern pattern;             // Replace
  std::string content;         // Replace: the replacement; Strip: the character stripped
  size_t start = 0, stop = 0;  // Strip: at most this many from each token's start and end
  std::string replacement;     // Metaspace
  bool prepend = true;         // Metaspace: the first token's leading space is the one it added
};

// A token matched in the text before the model sees it (tokenizer.json's added_tokens).
struct AddedToken {
  int id = 0;
  std::string content;
  bool special = false;
  bool normalized = false;  // matched in the normalized text, not the raw one
  bool lstrip = false, rstrip = false, single_word = false;
};

// The BPE model's settings (tokenizer.json's "model").
struct BpeModel {
  bool byte_fallback = false;  // a character outside the vocabulary as its bytes' <0xXX> tokens
  bool ignore_merges = false;  // a piece that is a token is that token, unmerged (Llama 3)
  bool fuse_unk = false;       // unknown characters in a row become one unknown token
  int unk = -1;                // the unknown token, or none (the character is dropped)
  std::string continuing_subword_prefix, end_of_word_suffix;
  std::array<int, 256> fallback{};  // each byte's <0xXX> token, or -1
};

struct Pipeline {
  std::vector<AddedToken> added;
  // The added tokens that begin with each byte, longest first; and each added token by id.
  std::array<std::vector<int>, 256> added_by_first;
  std::unordered_map<int, int> added_of_id;
  std::vector<NormalizeStep> normalizer;
  std::vector<PreTokenizeStep> pre_tokenizer;
  BpeModel model;
  std::vector<int> prefix, suffix;  // the post-processor's special tokens around a text
  std::vector<DecodeStep> decoder;

  // Fills added_by_first and added_of_id from `added`.
  void index_added();
};

// One piece on its way through the pre-tokenizers: its text, and whether it starts where the
// text it came from starts (Metaspace's "first").
struct Piece {
  std::string text;
  bool first = false;
};

// GPT-2's bytes_to_unicode(): printable Latin-1 bytes stand for themselves, the other 68
// (controls, space, …) for U+0100 onwards, so every token is printable text. And back: -1 for a
// code point that stands for no byte.
const std::array<std::string, 256>& byte_chars();
int char_byte(char32_t c);

std::string normalize(const std::vector<NormalizeStep>& steps, std::string text);
std::vector<Piece> pre_tokenize(const std::vector<PreTokenizeStep>& steps,
                                std::vector<Piece> pieces);
// The tokens' texts (vocabulary entries) as the decoders turn them into text; with `one_token`
// a single token's own text for a label (Strip and Metaspace's first-token rule left out).
std::string decode_tokens(const std::vector<DecodeStep>& steps, std::vector<std::string> tokens,
                          bool one_token = false);

}  // namespace attnviz
