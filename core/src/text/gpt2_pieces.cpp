// GPT-2's pre-tokenization: encoder.py's pattern matched by hand over code points, with the Unicode
// classes of Python's `regex` module.
#include <string_view>
#include <vector>

#include "attnviz/text/bpe.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

// Python `regex`'s \s: the White_Space code points.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

enum class Class { Letter, Number, Space, Other };

Class classify(char32_t c) {
  if (is_space(c)) return Class::Space;
  switch (utf8::category(c)) {
    case utf8::Category::Letter:
      return Class::Letter;
    case utf8::Category::Number:
      return Class::Number;
    default:
      return Class::Other;
  }
}

struct CodePoint {
  char32_t c;
  size_t offset;  // of its first byte
  Class cls;
};

std::vector<CodePoint> decode_text(std::string_view text) {
  std::vector<CodePoint> out;
  size_t offset = 0;
  for (const char32_t c : utf8::code_points(text)) {
    out.push_back({c, offset, classify(c)});
    offset += utf8::encode(c).size();
  }
  return out;
}

// The end (in code points) of the pattern's match at i, trying its alternatives in order.
size_t match_at(const std::vector<CodePoint>& cp, size_t i) {
  const size_t n = cp.size();
  const auto is = [&](size_t k, char32_t c) { return k < n && cp[k].c == c; };
  const auto run = [&](size_t k, Class cls) {
    while (k < n && cp[k].cls == cls) ++k;
    return k;
  };
  // 's|'t|'re|'ve|'m|'ll|'d
  if (is(i, '\'')) {
    if (is(i + 1, 's') || is(i + 1, 't') || is(i + 1, 'm') || is(i + 1, 'd')) return i + 2;
    if ((is(i + 1, 'r') && is(i + 2, 'e')) || (is(i + 1, 'v') && is(i + 2, 'e')) ||
        (is(i + 1, 'l') && is(i + 2, 'l'))) {
      return i + 3;
    }
  }
  // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': one optional space, then a run of the class.
  for (const Class cls : {Class::Letter, Class::Number, Class::Other}) {
    const size_t start = is(i, ' ') ? i + 1 : i;
    if (start < n && cp[start].cls == cls) return run(start, cls);
  }
  // '\s+(?!\S)': a run of whitespace not followed by anything else — at the end of the text, or
  // all but its last character, which then goes with the word after it. Else '\s+'.
  const size_t end = run(i, Class::Space);
  if (end == n || end - i < 2) return end;
  return end - 1;
}

}  // namespace

std::vector<std::string_view> gpt2_pieces(std::string_view text) {
  const std::vector<CodePoint> cp = decode_text(text);
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < cp.size();) {
    const size_t end = match_at(cp, i);
    const size_t from = cp[i].offset;
    const size_t to = end < cp.size() ? cp[end].offset : text.size();
    pieces.push_back(text.substr(from, to - from));
    i = end;
  }
  return pieces;
}

}  // namespace attnviz
