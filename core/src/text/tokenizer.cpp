// Character (grapheme and code point) and word tokenizers, and the explicit "a|b|c" token-list
// syntax.
#include "attnviz/text/tokenizer.hpp"

#include <utf8proc.h>

#include "attnviz/error.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

enum class CharClass { Space, Word, Mark };

// Classifies a grapheme cluster by its first code point: letters, digits and combining marks build
// words; whitespace separates them; punctuation, symbols and emoji stand alone.
CharClass classify(std::string_view cluster) {
  utf8proc_int32_t first = 0;
  utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(cluster.data()),
                   static_cast<utf8proc_ssize_t>(cluster.size()), &first);
  const auto c = static_cast<char32_t>(first);
  if (c == U'\t' || c == U'\n' || c == U'\r' || c == U'\v' || c == U'\f') return CharClass::Space;
  switch (utf8::category(c)) {
    case utf8::Category::Separator:
      return CharClass::Space;
    case utf8::Category::Other:
      return CharClass::Mark;
    default:  // letters, combining marks, numbers, connectors
      return CharClass::Word;
  }
}

[[noreturn]] void too_many(std::string_view what, size_t max_tokens) {
  throw Error(Err::TooManyTokens, {std::string(what), std::to_string(max_tokens)});
}

}  // namespace

std::vector<std::string> tokenize(std::string_view text, TokenizerKind kind, std::string_view what,
                                  size_t max_tokens) {
  if (text.empty()) throw Error(Err::TextEmpty, {std::string(what)});
  utf8::validate(text, what);
  std::vector<std::string> tokens;
  if (kind == TokenizerKind::CodePoint) {
    for (const char32_t c : utf8::code_points(text)) {
      if (tokens.size() == max_tokens) too_many(what, max_tokens);
      tokens.push_back(utf8::encode(c));
    }
    return tokens;
  }
  bool in_word = false;
  utf8::for_each_grapheme(text, [&](std::string_view cluster) {
    const CharClass cls = kind == TokenizerKind::Char ? CharClass::Mark : classify(cluster);
    if (cls == CharClass::Word && in_word) {
      tokens.back() += cluster;  // words grow; only a new token counts against the limit
    } else if (cls != CharClass::Space) {
      if (tokens.size() == max_tokens) too_many(what, max_tokens);
      tokens.emplace_back(cluster);
    }
    in_word = cls == CharClass::Word;
    return true;
  });
  if (tokens.empty()) {
    throw Error(Err::NoWords, {std::string(what), std::to_string(text.size())});
  }
  return tokens;
}

std::vector<std::string> parse_token_list(std::string_view spec, std::string_view what,
                                          size_t max_tokens) {
  const std::string where(what);
  if (spec.empty()) throw Error(Err::TokenListEmpty, {where});
  utf8::validate(spec, what);
  std::vector<std::string> tokens(1);
  for (size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c == '|') {
      if (tokens.back().empty()) {
        throw Error(Err::EmptyToken, {where, std::to_string(tokens.size()), std::to_string(i)});
      }
      if (tokens.size() == max_tokens) too_many(what, max_tokens);
      tokens.emplace_back();
    } else if (c == '\\') {
      if (i + 1 == spec.size() || (spec[i + 1] != '|' && spec[i + 1] != '\\')) {
        throw Error(Err::UnknownEscape, {where, std::to_string(i)});
      }
      tokens.back() += spec[++i];
    } else {
      tokens.back() += c;
    }
  }
  if (tokens.back().empty()) {
    throw Error(Err::EmptyLastToken, {where, std::to_string(tokens.size())});
  }
  return tokens;
}

TokenizerKind tokenizer_from_name(std::string_view name) {
  if (name == "char") return TokenizerKind::Char;
  if (name == "word") return TokenizerKind::Word;
  throw Error(Err::UnknownTokenizer, {std::string(name)});
}

std::string_view tokenizer_name(TokenizerKind kind) {
  switch (kind) {
    case TokenizerKind::Char:
      return "char";
    case TokenizerKind::Word:
      return "word";
    case TokenizerKind::CodePoint:
      return "codepoint";
    default:
      return "bpe";
  }
}

}  // namespace attnviz
