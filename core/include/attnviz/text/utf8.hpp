// UTF-8 validation, grapheme clusters and terminal display width (via utf8proc).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::utf8 {

// Throws Error naming the byte offset and the defect (truncated sequence, overlong form, encoded
// surrogate, stray continuation byte, NUL byte) if `text` is not valid UTF-8. `what` names the
// input in the message, e.g. "--text" or "corpus.txt".
void validate(std::string_view text, std::string_view what);

// Bytes as UTF-8, each ill-formed part (a maximal subpart of a sequence, or a byte that begins
// none) replaced by U+FFFD, as Python's bytes.decode("utf-8", errors="replace") and Hugging Face's
// GPT-2 decode do: a text cut inside a character, or tokens a model wrote byte by byte.
std::string replace_invalid(std::string_view bytes);

// Splits valid UTF-8 into extended grapheme clusters (UAX #29): "ə" is one, "i̇" (i + U+0307) is
// one, a flag or a ZWJ emoji sequence is one.
std::vector<std::string> graphemes(std::string_view text);

// The same clusters one at a time, as views into `text`, without copying; stops when `visit`
// returns false.
void for_each_grapheme(std::string_view text, const std::function<bool(std::string_view)>& visit);

// Code points of valid UTF-8.
std::vector<char32_t> code_points(std::string_view text);

// A code point's Unicode general category, as the tokenizers tell them apart: L* letters, M*
// combining marks, N* numbers, Z* separators (spaces), Pc connectors (_), everything else.
enum class Category { Letter, Mark, Number, Separator, Connector, Other };
Category category(char32_t c);

// True when valid UTF-8 `text` is not empty and every code point is a letter or a combining mark
// (Unicode categories L* and M*): a token that is part of a word.
bool all_letters(std::string_view text);

// UTF-8 bytes of one code point.
std::string encode(char32_t c);

// Columns a terminal uses for `text`: 2 for CJK and emoji, 0 for combining marks.
int display_width(std::string_view text);

// A token as it is shown in a table or heatmap: a space becomes ␣, a newline ↵, a tab ⇥, other
// control characters their Unicode control pictures, so no token is invisible.
std::string visible(std::string_view token);

// Text on one line: control characters as in visible(), spaces kept as spaces.
std::string one_line(std::string_view text);

// If `text` reads like UTF-8 that was decoded as Windows-1254 or Windows-1252 ("AzÉ™rbaycan"),
// the text it was meant to be ("Azərbaycan"); otherwise nullopt.
std::optional<std::string> repair_mojibake(std::string_view text);

// `text` padded with spaces to `width` columns, on the left (right-aligned) or the right.
std::string pad_left(const std::string& text, int width);
std::string pad_right(const std::string& text, int width);

// Cuts `text` to at most `max_width` columns at a grapheme boundary, ending with … when cut.
std::string truncate_to_width(std::string_view text, int max_width);
// A key from a file as an error names it: in quotes, on one line, at most 60 columns.
std::string quoted(std::string_view key);

}  // namespace attnviz::utf8
