// Character (grapheme) and word tokenizers, and the explicit "a|b|c" token-list syntax.
#include "attnviz/tokenizer.hpp"

#include <utf8proc.h>

#include "attnviz/error.hpp"
#include "attnviz/utf8.hpp"

namespace attnviz {
namespace {

enum class CharClass { Space, Word, Mark };

// Classifies a grapheme cluster by its first code point: letters, digits and combining marks build
// words; whitespace separates them; punctuation, symbols and emoji stand alone.
CharClass classify(const std::string& cluster) {
  const char32_t c = utf8::code_points(cluster).front();
  if (c == U'\t' || c == U'\n' || c == U'\r' || c == U'\v' || c == U'\f') return CharClass::Space;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return CharClass::Space;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_PC:
      return CharClass::Word;
    default:
      return CharClass::Mark;
  }
}

std::vector<std::string> split_words(const std::vector<std::string>& clusters) {
  std::vector<std::string> tokens;
  bool in_word = false;
  for (const std::string& cluster : clusters) {
    const CharClass cls = classify(cluster);
    if (cls == CharClass::Word && in_word) {
      tokens.back() += cluster;
    } else if (cls != CharClass::Space) {
      tokens.push_back(cluster);
    }
    in_word = cls == CharClass::Word;
  }
  return tokens;
}

}  // namespace

std::vector<std::string> tokenize(std::string_view text, TokenizerKind kind,
                                  std::string_view what) {
  if (text.empty()) throw Error(std::string(what) + ": text is empty");
  utf8::validate(text, what);
  std::vector<std::string> clusters = utf8::graphemes(text);
  if (kind == TokenizerKind::Char) return clusters;
  std::vector<std::string> words = split_words(clusters);
  if (words.empty()) {
    throw Error(std::string(what) + ": text has no words, only whitespace (" +
                std::to_string(text.size()) + " bytes)");
  }
  return words;
}

std::vector<std::string> parse_token_list(std::string_view spec, std::string_view what) {
  const std::string where(what);
  if (spec.empty()) throw Error(where + ": token list is empty");
  utf8::validate(spec, what);
  std::vector<std::string> tokens(1);
  for (size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c == '|') {
      if (tokens.back().empty()) {
        throw Error(where + ": token " + std::to_string(tokens.size()) + " is empty ('|' at byte " +
                    std::to_string(i) + "); write a literal '|' as \\|");
      }
      tokens.emplace_back();
    } else if (c == '\\') {
      if (i + 1 == spec.size() || (spec[i + 1] != '|' && spec[i + 1] != '\\')) {
        throw Error(where + ": unknown escape at byte " + std::to_string(i) +
                    "; only \\| (a literal '|') and \\\\ (a literal '\\') are escapes");
      }
      tokens.back() += spec[++i];
    } else {
      tokens.back() += c;
    }
  }
  if (tokens.back().empty()) {
    throw Error(where + ": token " + std::to_string(tokens.size()) +
                " is empty (the list ends with '|'); write a literal '|' as \\|");
  }
  return tokens;
}

TokenizerKind tokenizer_from_name(std::string_view name) {
  if (name == "char") return TokenizerKind::Char;
  if (name == "word") return TokenizerKind::Word;
  throw Error("unknown tokenizer \"" + std::string(name) + "\"; expected char or word");
}

std::string_view tokenizer_name(TokenizerKind kind) {
  return kind == TokenizerKind::Char ? "char" : "word";
}

}  // namespace attnviz
