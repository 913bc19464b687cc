// BPE tokenizers: GPT-2's byte-level BPE (vocab.json + merges.txt, token for token as OpenAI's
// encoder.py), and any BPE that a Hugging Face tokenizer.json describes — Llama 2 and 3, Qwen,
// Gemma, SmolLM, Mistral — with its whole pipeline: added tokens, normalizers, pre-tokenizers,
// the model, the post-processor's special tokens and the decoders.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attnviz/text/token_table.hpp"

namespace attnviz {

struct Pipeline;  // the steps around the model (text/pipeline.hpp)

// A tokenizer given as tables, as a GGUF file's tokenizer.ggml.* keys hold one and llama.cpp
// (llama-vocab.cpp) reads them: a SentencePiece model (each token's score: the pair whose joined
// text is the best-scored token merges first) or a byte-level BPE (ranked merges, and the
// pre-tokenizer llama.cpp names).
struct TokenizerTables {
  enum class Model { SentencePiece, Bpe } model = Model::SentencePiece;
  std::string pre;  // Bpe: llama.cpp's pre-tokenizer name ("llama-bpe", "qwen2" …)
  std::vector<std::string_view> tokens;
  std::vector<float> scores;  // SentencePiece: one per token
  // One per token, llama.cpp's llama_token_type: 1 normal, 2 unknown, 3 control, 4 user-defined,
  // 5 unused, 6 byte. Control, unknown and user-defined tokens written in a text are those tokens.
  std::vector<int> types;
  std::vector<std::string_view> merges;  // Bpe: "a b", best first
  int bos = -1, eos = -1, unk = -1;
  std::optional<bool> add_bos, add_eos, add_space_prefix;  // unset: llama.cpp's default
};

class BpeTokenizer {
 public:
  // vocab.json / encoder.json (token → id) and merges.txt / vocab.bpe (one "a b" pair a line,
  // best first, after an optional "#version" line). The names are the files', for errors.
  static BpeTokenizer from_files(std::string_view vocab_json, std::string_view merges,
                                 const std::string& vocab_name, const std::string& merges_name);
  // Hugging Face's tokenizer.json, and its folder's tokenizer_config.json if there is one (its
  // add_bos_token and add_eos_token change the special tokens around a text, as transformers'
  // Llama and Gemma tokenizers do). Every step is checked; one attnviz does not compute is an
  // Error naming it.
  static BpeTokenizer from_tokenizer_json(std::string_view text, const std::string& name,
                                          std::optional<std::string_view> config = std::nullopt,
                                          const std::string& config_name = "");

  // The tables' tokenizer as llama.cpp runs it. Throws Error naming `name` for tables that do not
  // fit together, or a pre-tokenizer attnviz does not know.
  static BpeTokenizer from_tables(const TokenizerTables& tables, const std::string& name);

  // The ids of `text` as the tokenizer's pipeline makes them: added and special tokens written in
  // the text are those tokens; the rest normalized, split and merged. No special tokens are added
  // around it (with_specials() does that).
  std::vector<int> encode(std::string_view text) const;
  // ids with the special tokens the post-processor puts around a single text (Llama's <s>,
  // Gemma's <bos>; none for GPT-2 and Qwen).
  std::vector<int> with_specials(std::vector<int> ids) const;
  // The text of `ids` as the tokenizer's decoders give it back (special tokens kept).
  std::string decode(const std::vector<int>& ids) const;
  // A token as a person reads it: its text, a space (Ġ, ▁) as ␣, a byte that is only part of a
  // UTF-8 character (GPT-2 splits ə into two, Llama's <0xC9>) as ⟨C9⟩, control characters as in
  // a table label; an added token as it is written.
  std::string label(int id) const;

  int size() const { return tokens_.size(); }
  // True when every id from `id` on is an added token (none of the vocabulary's own).
  bool only_added_from(int id) const;
  // Token `id` as the vocabulary writes it (byte-level unicode: "Ġthe"; SentencePiece's "▁the").
  std::string_view token(int id) const { return tokens_.at(id); }
  // The id of "<|endoftext|>", or -1.
  int end_of_text() const { return end_of_text_; }
  // The token --bos puts first: the post-processor's first special token, else
  // tokenizer_config.json's bos_token, else "<|endoftext|>" (GPT-2's); -1 if none.
  int begin_of_text() const;

 private:
  // A piece's ids: its characters' tokens (byte fallback, unknown tokens), merged by rank.
  std::vector<int> merge(std::string_view piece) const;
  // The model's ids of one piece of text that is no added token: normalized, split, merged.
  void encode_segment(const std::string& text, bool first, std::vector<int>& ids,
                      std::unordered_map<std::string, std::vector<int>>& cache) const;

  friend class BpeBuilder;

  TokenTable tokens_;  // id ↔ token as the vocabulary writes it
  MergeTable merges_;  // (a, b) → rank (0 is merged first) and the token ab
  std::shared_ptr<const Pipeline> pipeline_;
  int end_of_text_ = -1;
  int bos_ = -1;  // tokenizer_config.json's bos_token
};

// GPT-2's own tokenizer (50 257 tokens), built into attnviz: what nanoGPT's sample.py falls back
// to (tiktoken's "gpt2") for a checkpoint without a meta.pkl. Read once, shared by every run.
std::shared_ptr<const BpeTokenizer> gpt2_tokenizer();

// The pre-tokenization of GPT-2 (encoder.py's pattern, with the Unicode classes of Python's
// `regex` module): 's 't 're 've 'm 'll 'd | ?\p{L}+ | ?\p{N}+ | ?[^\s\p{L}\p{N}]+ |\s+(?!\S) |\s+.
// Returns the pieces as views into `text` (valid UTF-8), in order; together they are the text.
std::vector<std::string_view> gpt2_pieces(std::string_view text);

}  // namespace attnviz
