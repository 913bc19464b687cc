// The tokenizers library's normalizers, pre-tokenizers and decoders, each as its Rust code
// (tokenizers 0.21) does it: what a tokenizer.json pipeline does to a text around the BPE model.
#include "text/pipeline.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "attnviz/text/bpe.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

using Span = std::pair<size_t, size_t>;  // [begin, end) bytes
using Flagged = std::pair<Span, bool>;   // a span and whether the pattern matched it

// The spans of `text` a pattern's matches cut it into, each flagged: the whole text, in order.
std::vector<Flagged> cover(const std::vector<Span>& matches, size_t size) {
  std::vector<Flagged> spans;
  size_t at = 0;
  for (const Span& m : matches) {
    if (m.first > at) spans.push_back({{at, m.first}, false});
    spans.push_back({m, true});
    at = m.second;
  }
  if (at < size) spans.push_back({{at, size}, false});
  return spans;
}

// NormalizedString::split: the spans a piece becomes, empty ones left out.
std::vector<Span> split_spans(std::vector<Flagged> spans, SplitBehavior behavior, bool invert) {
  if (invert) {
    for (Flagged& s : spans) s.second = !s.second;
  }
  std::vector<Span> out;
  bool previous = false;
  switch (behavior) {
    case SplitBehavior::Removed:
      for (const auto& [span, match] : spans) {
        if (!match) out.push_back(span);
      }
      break;
    case SplitBehavior::Isolated:
      for (const auto& s : spans) out.push_back(s.first);
      break;
    case SplitBehavior::MergedWithPrevious:
      for (const auto& [span, match] : spans) {
        if (match && !previous && !out.empty()) {
          out.back().second = span.second;
        } else {
          out.push_back(span);
        }
        previous = match;
      }
      break;
    case SplitBehavior::MergedWithNext:
      for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        if (it->second && !previous && !out.empty()) {
          out.back().first = it->first.first;
        } else {
          out.push_back(it->first);
        }
        previous = it->second;
      }
      std::reverse(out.begin(), out.end());
      break;
    case SplitBehavior::Contiguous:
      for (const auto& [span, match] : spans) {
        if (match == previous && !out.empty()) {
          out.back().second = span.second;
        } else {
          out.push_back(span);
        }
        previous = match;
      }
      break;
  }
  std::vector<Span> kept;
  for (const Span& s : out) {
    if (s.second > s.first) kept.push_back(s);
  }
  return kept;
}

// Each code point of `text` that `is` picks, as a one-character match.
template <class F>
std::vector<Span> each_char(std::string_view text, F is) {
  std::vector<Span> matches;
  size_t at = 0;
  for (const char32_t c : utf8::code_points(text)) {
    const size_t n = utf8::encode(c).size();
    if (is(c)) matches.push_back({at, at + n});
    at += n;
  }
  return matches;
}

bool is_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

utf8proc_category_t category_of(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

bool is_punctuation(char32_t c) {
  const auto k = category_of(c);
  return (c < 0x80 && std::ispunct(static_cast<int>(c))) ||
         (k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO);
}

bool is_numeric(char32_t c) {
  const auto k = category_of(c);
  return k == UTF8PROC_CATEGORY_ND || k == UTF8PROC_CATEGORY_NL || k == UTF8PROC_CATEGORY_NO;
}

std::string unicode_form(const std::string& text, int flags) {
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &out,
                              static_cast<utf8proc_option_t>(flags | UTF8PROC_STABLE));
  if (n < 0) return text;  // not reached for valid UTF-8
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

std::string replace_spans(std::string_view text, const std::vector<Span>& spans,
                          const std::string& content) {
  std::string out;
  size_t at = 0;
  for (const Span& s : spans) {
    out.append(text.substr(at, s.first - at)).append(content);
    at = s.second;
  }
  return out.append(text.substr(at));
}

// Rust's str::to_lowercase: simple mappings, and İ as i + combining dot above (SpecialCasing).
std::string lowercase(std::string_view text) {
  std::string out;
  for (const char32_t c : utf8::code_points(text)) {
    out += c == 0x130 ? std::string("i\xCC\x87")
                      : utf8::encode(static_cast<char32_t>(
                            utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
  }
  return out;
}

std::string strip(std::string_view text, bool left, bool right) {
  const std::vector<char32_t> cs = utf8::code_points(text);
  size_t b = 0, e = cs.size();
  while (left && b < e && is_white_space(cs[b])) ++b;
  while (right && e > b && is_white_space(cs[e - 1])) --e;
  std::string out;
  for (size_t i = b; i < e; ++i) out += utf8::encode(cs[i]);
  return out;
}

// The pieces `piece` splits into at the spans' boundaries.
void emit(const Piece& piece, const std::vector<Span>& spans, std::vector<Piece>& out) {
  for (const Span& s : spans) {
    out.push_back({piece.text.substr(s.first, s.second - s.first), piece.first && s.first == 0});
  }
}

std::vector<Span> split_by(const Piece& p, const std::vector<Span>& matches, SplitBehavior behavior,
                           bool invert = false) {
  return split_spans(cover(matches, p.text.size()), behavior, invert);
}

std::string byte_level(std::string_view text) {
  std::string out;
  for (const char b : text) out += byte_chars()[static_cast<unsigned char>(b)];
  return out;
}

void pre_tokenize_step(const PreTokenizeStep& s, const Piece& p, std::vector<Piece>& out) {
  using Kind = PreTokenizeStep::Kind;
  switch (s.kind) {
    case Kind::ByteLevel: {
      Piece q = p;
      if (s.add_prefix_space && q.text.rfind(' ', 0) != 0) q.text = " " + q.text;
      std::vector<Piece> parts;
      if (s.use_regex) {  // GPT-2's pattern (gpt2_pieces), each match a piece
        size_t at = 0;
        for (const std::string_view m : gpt2_pieces(q.text)) {
          parts.push_back({std::string(m), q.first && at == 0});
          at += m.size();
        }
      } else {
        parts.push_back(q);
      }
      for (Piece& part : parts) out.push_back({byte_level(part.text), part.first});
      return;
    }
    case Kind::Split:
      return emit(p, split_by(p, s.pattern.find_all(p.text), s.behavior, s.invert), out);
    case Kind::Metaspace: {
      Piece q = p;
      std::string replaced;
      for (const char c : q.text) {
        if (c == ' ') {
          replaced += s.replacement;
        } else {
          replaced += c;
        }
      }
      q.text = replaced;
      const bool starts = q.text.rfind(s.replacement, 0) == 0;
      if (!starts && (s.prepend == PreTokenizeStep::Prepend::Always ||
                      (s.prepend == PreTokenizeStep::Prepend::First && q.first))) {
        q.text = s.replacement + q.text;
      }
      if (!s.split) {
        out.push_back(q);
        return;
      }
      std::vector<Span> at;
      for (size_t i = q.text.find(s.replacement); i != std::string::npos;
           i = q.text.find(s.replacement, i + s.replacement.size())) {
        at.push_back({i, i + s.replacement.size()});
      }
      return emit(q, split_by(q, at, SplitBehavior::MergedWithNext), out);
    }
    case Kind::Digits:
      return emit(
          p,
          split_by(p, each_char(p.text, is_numeric),
                   s.individual_digits ? SplitBehavior::Isolated : SplitBehavior::Contiguous),
          out);
    case Kind::Punctuation:
      return emit(p, split_by(p, each_char(p.text, is_punctuation), s.behavior), out);
    case Kind::Whitespace:  // \w+|[^\w\s]+ as the pieces
      return emit(p, split_by(p, s.pattern.find_all(p.text), SplitBehavior::Removed, true), out);
    case Kind::WhitespaceSplit:
      return emit(p, split_by(p, each_char(p.text, is_white_space), SplitBehavior::Removed), out);
  }
}

// ByteFallback's "<0x41>": the byte, or -1 for a token that is none.
int fallback_byte(std::string_view token) {
  if (token.size() != 6 || token.substr(0, 3) != "<0x" || token[5] != '>') return -1;
  const auto hex = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
  };
  const int hi = hex(token[3]), lo = hex(token[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

const std::array<std::string, 256>& byte_chars() {
  static const std::array<std::string, 256> table = [] {
    std::array<std::string, 256> t;
    int next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      t[static_cast<size_t>(b)] = utf8::encode(static_cast<char32_t>(printable ? b : next++));
    }
    return t;
  }();
  return table;
}

int char_byte(char32_t c) {
  static const std::array<int, 324> table = [] {
    std::array<int, 324> t{};
    t.fill(-1);
    for (int b = 0; b < 256; ++b) t[utf8::code_points(byte_chars()[static_cast<size_t>(b)])[0]] = b;
    return t;
  }();
  return c < table.size() ? table[c] : -1;
}

void Pipeline::index_added() {
  for (auto& list : added_by_first) list.clear();
  added_of_id.clear();
  for (size_t a = 0; a < added.size(); ++a) {
    if (added[a].content.empty()) continue;
    added_by_first[static_cast<unsigned char>(added[a].content[0])].push_back(static_cast<int>(a));
    added_of_id.emplace(added[a].id, static_cast<int>(a));
  }
  for (auto& list : added_by_first) {
    std::stable_sort(list.begin(), list.end(), [&](int x, int y) {
      return added[static_cast<size_t>(x)].content.size() >
             added[static_cast<size_t>(y)].content.size();
    });
  }
}

std::vector<std::pair<size_t, size_t>> Pattern::find_all(std::string_view text) const {
  if (regex) return regex->find_all(text);
  std::vector<Span> matches;
  if (literal.empty()) return matches;
  for (size_t i = text.find(literal); i != std::string_view::npos;
       i = text.find(literal, i + literal.size())) {
    matches.push_back({i, i + literal.size()});
  }
  return matches;
}

std::string normalize(const std::vector<NormalizeStep>& steps, std::string text) {
  using Kind = NormalizeStep::Kind;
  for (const NormalizeStep& s : steps) {
    switch (s.kind) {
      case Kind::Nfc:
        text = unicode_form(text, UTF8PROC_COMPOSE);
        break;
      case Kind::Nfd:
        text = unicode_form(text, UTF8PROC_DECOMPOSE);
        break;
      case Kind::Nfkc:
        text = unicode_form(text, UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        break;
      case Kind::Nfkd:
        text = unicode_form(text, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
        break;
      case Kind::Lowercase:
        text = lowercase(text);
        break;
      case Kind::Strip:
        text = strip(text, s.left, s.right);
        break;
      case Kind::StripAccents: {
        std::string out;
        for (const char32_t c : utf8::code_points(text)) {
          const auto k = category_of(c);
          if (k != UTF8PROC_CATEGORY_MN && k != UTF8PROC_CATEGORY_MC && k != UTF8PROC_CATEGORY_ME)
            out += utf8::encode(c);
        }
        text = out;
        break;
      }
      case Kind::Replace:
        text = replace_spans(text, s.pattern.find_all(text), s.content);
        break;
      case Kind::Prepend:
        if (!text.empty()) text = s.content + text;
        break;
    }
  }
  return text;
}

std::vector<Piece> pre_tokenize(const std::vector<PreTokenizeStep>& steps,
                                std::vector<Piece> pieces) {
  for (const PreTokenizeStep& s : steps) {
    std::vector<Piece> next;
    for (const Piece& p : pieces) pre_tokenize_step(s, p, next);
    pieces = std::move(next);
  }
  return pieces;
}

std::string decode_tokens(const std::vector<DecodeStep>& steps, std::vector<std::string> tokens,
                          bool one_token) {
  using Kind = DecodeStep::Kind;
  for (const DecodeStep& s : steps) {
    switch (s.kind) {
      case Kind::ByteLevel: {  // every token's characters back to their bytes, joined
        std::string bytes;
        for (const std::string& t : tokens) {
          for (const char32_t c : utf8::code_points(t)) {
            const int b = char_byte(c);
            bytes += b >= 0 ? std::string(1, static_cast<char>(b)) : utf8::encode(c);
          }
        }
        tokens = {one_token ? bytes : utf8::replace_invalid(bytes)};
        break;
      }
      case Kind::Replace:
        for (std::string& t : tokens) t = replace_spans(t, s.pattern.find_all(t), s.content);
        break;
      case Kind::ByteFallback: {  // runs of <0xXX> tokens back to their bytes
        std::vector<std::string> out;
        std::string bytes;
        size_t run = 0;
        const auto flush = [&] {
          if (run == 0) return;
          if (one_token || utf8::replace_invalid(bytes) == bytes) {
            out.push_back(bytes);
          } else {  // bytes that are no UTF-8: one U+FFFD per byte, as the library writes them
            std::string marks;
            for (size_t i = 0; i < run; ++i) marks += "\xEF\xBF\xBD";
            out.push_back(marks);
          }
          bytes.clear();
          run = 0;
        };
        for (const std::string& t : tokens) {
          const int b = fallback_byte(t);
          if (b >= 0) {
            bytes += static_cast<char>(b);
            ++run;
          } else {
            flush();
            out.push_back(t);
          }
        }
        flush();
        tokens = std::move(out);
        break;
      }
      case Kind::Fuse: {
        std::string all;
        for (const std::string& t : tokens) all += t;
        tokens = {all};
        break;
      }
      case Kind::Strip:
        if (one_token) break;
        for (std::string& t : tokens) {
          const std::vector<char32_t> cs = utf8::code_points(t);
          const char32_t c = utf8::code_points(s.content).at(0);
          size_t b = 0, e = cs.size();
          while (b < s.start && b < e && cs[b] == c) ++b;
          for (size_t n = 0; n < s.stop && e > b && cs[e - 1] == c; ++n) --e;
          std::string kept;
          for (size_t i = b; i < e; ++i) kept += utf8::encode(cs[i]);
          t = kept;
        }
        break;
      case Kind::Metaspace:
        for (size_t i = 0; i < tokens.size(); ++i) {
          std::string& t = tokens[i];
          std::string out;
          size_t at = 0;
          while (true) {
            const size_t j = t.find(s.replacement, at);
            out.append(t, at, (j == std::string::npos ? t.size() : j) - at);
            if (j == std::string::npos) break;
            out += ' ';
            at = j + s.replacement.size();
          }
          if (!one_token && i == 0 && s.prepend && out.rfind(' ', 0) == 0) out.erase(0, 1);
          t = out;
        }
        break;
    }
  }
  std::string text;
  for (const std::string& t : tokens) text += t;
  return text;
}

}  // namespace attnviz
