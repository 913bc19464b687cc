// Text → token strings. Tokens are kept as UTF-8 text; the vocabulary maps them to ids later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

enum class TokenizerKind {
  Char,  // one token per extended grapheme cluster: "ə", "i̇" and "👍🏽" are one token each
  Word,  // words, and every punctuation mark or symbol on its own; whitespace separates
  Bpe,   // a model's byte-level BPE (GPT-2's): Request::bpe splits the text, not tokenize()
  // one token per code point, as Python iterates a str: how a character model's training code
  // (gpt.py, nanoGPT's shakespeare_char) split its text, so "i̇" is two tokens. A model with a
  // character vocabulary reads its text so (run/model_reading.cpp); not a --tokenizer name.
  CodePoint,
};

// Throws Error naming `what` (e.g. "--text") for empty text, invalid UTF-8 (with its byte offset),
// more than `max_tokens` tokens (found while splitting, before more memory goes in) or, with Word,
// text that holds nothing but whitespace.
std::vector<std::string> tokenize(std::string_view text, TokenizerKind kind, std::string_view what,
                                  size_t max_tokens = SIZE_MAX);

// An explicit token sequence, pieces separated by '|': "Az|ər|bay|can". Inside a piece "\|" is a
// literal '|' and "\\" a literal '\', so any character can be a token; a space is typed as itself.
std::vector<std::string> parse_token_list(std::string_view spec, std::string_view what,
                                          size_t max_tokens = SIZE_MAX);

// "char" / "word"; throws Error for any other name.
TokenizerKind tokenizer_from_name(std::string_view name);
std::string_view tokenizer_name(TokenizerKind kind);

}  // namespace attnviz
