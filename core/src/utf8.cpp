// UTF-8 validation, grapheme clusters and display width.
#include "attnviz/utf8.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cstdio>

#include "attnviz/error.hpp"

namespace attnviz::utf8 {
namespace {

bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

[[noreturn]] void fail(std::string_view what, size_t offset, const std::string& defect) {
  throw Error(std::string(what) + ": invalid UTF-8 at byte " + std::to_string(offset) + ": " +
              defect);
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

std::string bad_second_byte(unsigned char lead) {
  if (lead == 0xE0 || lead == 0xF0) return "overlong encoding";
  if (lead == 0xED) return "encoded UTF-16 surrogate (U+D800..U+DFFF)";
  if (lead == 0xF4) return "code point above U+10FFFF";
  return "truncated sequence";
}

// Length of the valid multi-byte sequence starting at text[i], or an Error naming the defect.
size_t sequence_length(std::string_view text, size_t i, std::string_view what) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char b = bytes[i];
  if (is_continuation(b)) fail(what, i, "stray continuation byte " + hex_byte(b));
  if (b == 0xC0 || b == 0xC1) fail(what, i, "overlong encoding (lead byte " + hex_byte(b) + ")");
  const LeadInfo info = lead_info(b);
  if (info.length == 0) fail(what, i, "byte " + hex_byte(b) + " never appears in UTF-8");
  for (int k = 1; k < info.length; ++k) {
    if (i + k >= text.size()) fail(what, i, "truncated sequence at end of input");
    const unsigned char next = bytes[i + k];
    if (!is_continuation(next)) fail(what, i, "truncated sequence");
    if (k == 1 && (next < info.second_min || next > info.second_max)) {
      fail(what, i, bad_second_byte(b));
    }
  }
  return static_cast<size_t>(info.length);
}

}  // namespace

void validate(std::string_view text, std::string_view what) {
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == 0) fail(what, i, "NUL byte");
    i += b < 0x80 ? 1 : sequence_length(text, i, what);
  }
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
    if (n <= 0) throw Error("internal: code_points() given invalid UTF-8");
    out.push_back(static_cast<char32_t>(c));
    p += n;
    left -= n;
  }
  return out;
}

std::vector<std::string> graphemes(std::string_view text) {
  std::vector<std::string> out;
  utf8proc_int32_t state = 0;
  char32_t previous = 0;
  for (const char32_t c : code_points(text)) {
    if (out.empty() || utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(previous),
                                                        static_cast<utf8proc_int32_t>(c), &state)) {
      out.emplace_back();
    }
    out.back() += encode(c);
    previous = c;
  }
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

}  // namespace attnviz::utf8
