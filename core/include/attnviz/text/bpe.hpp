// GPT-2's byte-level BPE tokenizer, token for token as OpenAI's encoder.py (and Hugging Face's
// GPT2Tokenizer) splits a text: its pre-tokenization pattern, byte-to-unicode table and merge
// ranks.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attnviz/text/token_table.hpp"

namespace attnviz {

class BpeTokenizer {
 public:
  // vocab.json / encoder.json (token → id) and merges.txt / vocab.bpe (one "a b" pair a line,
  // best first, after an optional "#version" line). The names are the files', for errors.
  static BpeTokenizer from_files(std::string_view vocab_json, std::string_view merges,
                                 const std::string& vocab_name, const std::string& merges_name);
  // Hugging Face's tokenizer.json: a BPE model with GPT-2's byte-level pre-tokenizer.
  static BpeTokenizer from_tokenizer_json(std::string_view text, const std::string& name);

  // The ids of `text`, untouched (no trimming, no normalization). "<|endoftext|>" written in the
  // text is the special token (50256 in GPT-2), as Hugging Face's tokenizer treats it.
  std::vector<int> encode(std::string_view text) const;
  // The bytes a token stands for; decoding the ids of encode() gives the text back.
  std::string token_bytes(int id) const;
  std::string decode(const std::vector<int>& ids) const;
  // A token as a person reads it: the bytes as text, a leading space as ␣, a byte that is only
  // part of a UTF-8 character as ⟨C9⟩, control characters as in a table label.
  std::string label(int id) const;

  int size() const { return tokens_.size(); }
  // Token `id` as the vocabulary writes it (byte-level unicode: "Ġthe").
  std::string_view token(int id) const { return tokens_.at(id); }
  // The id of "<|endoftext|>", or -1.
  int end_of_text() const { return end_of_text_; }

 private:
  // A piece's BPE symbols, merged by rank until no ranked pair is left (encoder.py's bpe()).
  std::vector<int> merge(std::string_view piece) const;

  friend class BpeBuilder;

  TokenTable tokens_;                // id ↔ token in byte-level unicode
  MergeTable merges_;                // (a, b) → rank (0 is merged first) and the token ab
  std::array<int, 256> byte_ids_{};  // each byte's token
  int end_of_text_ = -1;
};

// GPT-2's own tokenizer (50 257 tokens), built into attnviz: what nanoGPT's sample.py falls back
// to (tiktoken's "gpt2") for a checkpoint without a meta.pkl. Read once, shared by every run.
std::shared_ptr<const BpeTokenizer> gpt2_tokenizer();

// The pre-tokenization of GPT-2 (encoder.py's pattern, with the Unicode classes of Python's
// `regex` module): 's 't 're 've 'm 'll 'd | ?\p{L}+ | ?\p{N}+ | ?[^\s\p{L}\p{N}]+ |\s+(?!\S) |\s+.
// Returns the pieces as views into `text` (valid UTF-8), in order; together they are the text.
std::vector<std::string_view> gpt2_pieces(std::string_view text);

}  // namespace attnviz
