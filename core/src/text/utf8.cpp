// UTF-8 validation, grapheme clusters and display width.
#include "attnviz/text/utf8.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>

#include "attnviz/error.hpp"

namespace attnviz::utf8 {
namespace {

bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

[[noreturn]] void fail(std::string_view what, size_t offset, Words defect) {
  throw Error(Err::InvalidUtf8, {std::string(what), std::to_string(offset), std::move(defect)});
}

// Length of the sequence led by `lead` and the allowed range of its second byte, which is what
// rules out overlong forms (E0, F0), encoded surrogates (ED) and code points above U+10FFFF (F4).
struct LeadInfo {
  int length;
  unsigned char second_min;
  unsigned char second_max;
};

LeadInfo lead_info(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

Err bad_second_byte(unsigned char lead) {
  if (lead == 0xE0 || lead == 0xF0) return Err::Utf8Overlong;
  if (lead == 0xED) return Err::Utf8Surrogate;
  if (lead == 0xF4) return Err::Utf8AboveMax;
  return Err::Utf8Truncated;
}

// Length of the valid multi-byte sequence starting at text[i], or an Error naming the defect.
size_t sequence_length(std::string_view text, size_t i, std::string_view what) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char b = bytes[i];
  if (is_continuation(b)) fail(what, i, Words(Err::Utf8StrayContinuation, {hex_byte(b)}));
  if (b == 0xC0 || b == 0xC1) fail(what, i, Words(Err::Utf8OverlongLead, {hex_byte(b)}));
  const LeadInfo info = lead_info(b);
  if (info.length == 0) fail(what, i, Words(Err::Utf8NeverByte, {hex_byte(b)}));
  for (int k = 1; k < info.length; ++k) {
    if (i + k >= text.size()) fail(what, i, Words(Err::Utf8TruncatedAtEnd, {}));
    const unsigned char next = bytes[i + k];
    if (!is_continuation(next)) fail(what, i, Words(Err::Utf8Truncated, {}));
    if (k == 1 && (next < info.second_min || next > info.second_max)) {
      fail(what, i, Words(bad_second_byte(b), {}));
    }
  }
  return static_cast<size_t>(info.length);
}

}  // namespace

void validate(std::string_view text, std::string_view what) {
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == 0) fail(what, i, Words(Err::Utf8Nul, {}));
    i += b < 0x80 ? 1 : sequence_length(text, i, what);
  }
}

std::string replace_invalid(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const LeadInfo info = lead_info(bytes[i]);
    if (bytes[i] < 0x80 || info.length == 0) {  // ASCII; or no lead: a part of its own
      if (bytes[i] < 0x80)
        out += text[i];
      else
        out += "\uFFFD";
      ++i;
      continue;
    }
    // The bytes that still fit the sequence its lead begins: all of it, or a maximal subpart.
    size_t k = 1;
    for (; k < static_cast<size_t>(info.length) && i + k < text.size(); ++k) {
      const unsigned char lo = k == 1 ? info.second_min : 0x80,
                          hi = k == 1 ? info.second_max : 0xBF;
      if (bytes[i + k] < lo || bytes[i + k] > hi) break;
    }
    if (k == static_cast<size_t>(info.length)) {
      out.append(text.substr(i, k));
    } else {
      out += "\uFFFD";
    }
    i += k;
  }
  return out;
}

std::string encode(char32_t c) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  return {reinterpret_cast<const char*>(buf), static_cast<size_t>(n)};
}

std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) throw Error(Err::Internal, {"code_points() given invalid UTF-8"});
    out.push_back(static_cast<char32_t>(c));
    p += n;
    left -= n;
  }
  return out;
}

Category category(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return Category::Letter;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return Category::Mark;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return Category::Number;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return Category::Separator;
    case UTF8PROC_CATEGORY_PC:
      return Category::Connector;
    default:
      return Category::Other;
  }
}

bool all_letters(std::string_view text) {
  const std::vector<char32_t> cps = code_points(text);
  return !cps.empty() && std::all_of(cps.begin(), cps.end(), [](char32_t c) {
    const Category k = category(c);
    return k == Category::Letter || k == Category::Mark;
  });
}

void for_each_grapheme(std::string_view text, const std::function<bool(std::string_view)>& visit) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_int32_t state = 0;
  utf8proc_int32_t previous = 0;
  size_t start = 0;
  size_t at = 0;
  while (at < text.size()) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(bytes + at, static_cast<utf8proc_ssize_t>(text.size() - at), &c);
    if (n <= 0) throw Error(Err::Internal, {"for_each_grapheme() given invalid UTF-8"});
    if (at > 0 && utf8proc_grapheme_break_stateful(previous, c, &state)) {
      if (!visit(text.substr(start, at - start))) return;
      start = at;
    }
    previous = c;
    at += static_cast<size_t>(n);
  }
  if (at > start) visit(text.substr(start, at - start));
}

std::vector<std::string> graphemes(std::string_view text) {
  std::vector<std::string> out;
  for_each_grapheme(text, [&](std::string_view cluster) {
    out.emplace_back(cluster);
    return true;
  });
  return out;
}

int display_width(std::string_view text) {
  int total = 0;
  for (const std::string& cluster : graphemes(text)) {
    // A cluster occupies the width of its widest code point; U+FE0F asks for the wide emoji form.
    int width = 0;
    bool emoji_presentation = false;
    for (const char32_t c : code_points(cluster)) {
      width = std::max(width, utf8proc_charwidth(static_cast<utf8proc_int32_t>(c)));
      emoji_presentation = emoji_presentation || c == 0xFE0F;
    }
    total += emoji_presentation ? std::max(width, 2) : width;
  }
  return total;
}

namespace {

std::string show_controls(std::string_view text, bool show_space) {
  std::string out;
  for (const char32_t c : code_points(text)) {
    if (c == U' ' && show_space) {
      out += "␣";
    } else if (c == U'\n') {
      out += "↵";
    } else if (c == U'\t') {
      out += "⇥";
    } else if (c < 0x20) {
      out += encode(0x2400 + c);  // Control Pictures block: ␀ ␁ …
    } else if (c == 0x7F) {
      out += "␡";
    } else if (c == 0xA0) {
      out += "⍽";  // no-break space
    } else {
      out += encode(c);
    }
  }
  return out;
}

}  // namespace

std::string visible(std::string_view token) { return show_controls(token, true); }

std::string one_line(std::string_view text) { return show_controls(text, false); }

namespace {

// Bytes 0x80–0x9F of Windows-1252 as code points (0: not assigned). Windows-1254 is the same
// except that it leaves 0x8E and 0x9E unassigned.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Where Windows-1254 (Turkish, used for Azerbaijani) differs from Latin-1 in 0xA0–0xFF.
constexpr std::array<std::pair<unsigned char, char32_t>, 6> kCp1254Letters = {{{0xD0, 0x011E},
                                                                               {0xDD, 0x0130},
                                                                               {0xDE, 0x015E},
                                                                               {0xF0, 0x011F},
                                                                               {0xFD, 0x0131},
                                                                               {0xFE, 0x015F}}};

// The byte `c` was decoded from in the code page, or -1.
int code_page_byte(char32_t c, bool cp1254) {
  if (c < 0x80) return static_cast<int>(c);
  if (c <= 0x9F) return static_cast<int>(c);  // unassigned bytes some decoders pass through
  for (size_t i = 0; i < kCp1252High.size(); ++i) {
    if (kCp1252High[i] == c && !(cp1254 && (i == 0x0E || i == 0x1E)))
      return static_cast<int>(0x80 + i);
  }
  for (const auto& [byte, letter] : kCp1254Letters) {
    if (cp1254 && letter == c) return byte;
    if (cp1254 && c == byte) return -1;  // Latin-1's letter there does not exist in 1254
  }
  return c <= 0xFF ? static_cast<int>(c) : -1;
}

bool is_valid(std::string_view text) {
  try {
    validate(text, "");
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

std::optional<std::string> repair_mojibake(std::string_view text) {
  const std::vector<char32_t> cps = code_points(text);
  for (const bool cp1254 : {true, false}) {
    std::string bytes;
    bool ok = true;
    for (const char32_t c : cps) {
      const int b = code_page_byte(c, cp1254);
      if (b < 0) {
        ok = false;
        break;
      }
      bytes += static_cast<char>(b);
    }
    // Mojibake turns each multi-byte character into two or three; undoing it must shorten the
    // text into valid UTF-8 with characters beyond ASCII.
    if (ok && bytes.size() < text.size() && bytes.size() == cps.size() && is_valid(bytes) &&
        code_points(bytes).size() < cps.size()) {
      return bytes;
    }
  }
  return std::nullopt;
}

std::string pad_left(const std::string& text, int width) {
  return std::string(static_cast<size_t>(std::max(0, width - display_width(text))), ' ') + text;
}

std::string pad_right(const std::string& text, int width) {
  return text + std::string(static_cast<size_t>(std::max(0, width - display_width(text))), ' ');
}

std::string truncate_to_width(std::string_view text, int max_width) {
  if (display_width(text) <= max_width) return std::string(text);
  std::string out;
  int width = 0;
  for (const std::string& cluster : graphemes(text)) {
    const int w = display_width(cluster);
    if (width + w > max_width - 1) break;
    out += cluster;
    width += w;
  }
  return out + "…";
}

std::string quoted(std::string_view key) {
  return "\"" + truncate_to_width(one_line(key), 60) + "\"";
}

}  // namespace attnviz::utf8
