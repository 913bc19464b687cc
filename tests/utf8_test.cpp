// UTF-8 validation, grapheme clusters, display width and visible labels.
#include "attnviz/text/utf8.hpp"

#include <gtest/gtest.h>

#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz::utf8 {
namespace {

std::string validation_error(const std::string& text) {
  return test::error_of([&] { validate(text, "--text"); });
}

TEST(Utf8Validate, AcceptsAzerbaijaniCyrillicCjkAndEmoji) {
  EXPECT_NO_THROW(validate("Azərbaycan dili ƏəIıİiŞşĞğÇçÖöÜü", "--text"));
  EXPECT_NO_THROW(validate("Азәрбајҹан 中文 😀 👍🏽 🇦🇿", "--text"));
}

TEST(Utf8Validate, NamesByteOffsetAndDefect) {
  EXPECT_EQ(validation_error("ab\xC9"),
            "--text: invalid UTF-8 at byte 2: truncated sequence at end of input");
  EXPECT_EQ(validation_error("a\xC9z"), "--text: invalid UTF-8 at byte 1: truncated sequence");
  EXPECT_EQ(validation_error("xyz\x80"),
            "--text: invalid UTF-8 at byte 3: stray continuation byte 0x80");
  EXPECT_EQ(validation_error("\xC0\xAF"),
            "--text: invalid UTF-8 at byte 0: overlong encoding (lead byte 0xC0)");
  EXPECT_EQ(validation_error("a\xE0\x80\xAF"),
            "--text: invalid UTF-8 at byte 1: overlong encoding");
  EXPECT_EQ(validation_error("\xED\xA0\x80"),
            "--text: invalid UTF-8 at byte 0: encoded UTF-16 surrogate (U+D800..U+DFFF)");
  EXPECT_EQ(validation_error("\xF4\x90\x80\x80"),
            "--text: invalid UTF-8 at byte 0: code point above U+10FFFF");
  EXPECT_EQ(validation_error("\xF5\x80"),
            "--text: invalid UTF-8 at byte 0: byte 0xF5 never appears in UTF-8");
  EXPECT_EQ(validation_error(std::string("ab\0c", 4)), "--text: invalid UTF-8 at byte 2: NUL byte");
  // "AzÉ™rbaycan" mojibake is valid UTF-8 (it is what a wrong decode produces).
  EXPECT_EQ(validation_error("AzÉ™rbaycan"), "");
}

// Ill-formed bytes read as Python reads them with errors="replace"
// (reference/make_utf8_replace.py): one U+FFFD per maximal subpart, valid UTF-8 unchanged.
TEST(Utf8Replace, ReadsIllFormedBytesAsPythonDoes) {
  const auto cases =
      test::json::parse(test::slurp(ATTNVIZ_REFERENCE "/utf8_replace.expected.json"));
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases) {
    const std::string hex = c["bytes"];
    std::string bytes;
    for (size_t i = 0; i < hex.size(); i += 2)
      bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    const std::string text = replace_invalid(bytes);
    EXPECT_EQ(text, c["text"].get<std::string>()) << hex;
    EXPECT_NO_THROW(validate(text, "replaced")) << hex;
  }
}

TEST(Utf8Graphemes, KeepsCombiningSequencesTogether) {
  EXPECT_EQ(graphemes("ə"), std::vector<std::string>{"ə"});
  EXPECT_EQ(graphemes("i\u0307"), std::vector<std::string>{"i\u0307"});    // i + combining dot
  EXPECT_EQ(graphemes("👍🏽"), std::vector<std::string>{"👍🏽"});  // emoji + skin tone
  EXPECT_EQ(graphemes("🇦🇿"), std::vector<std::string>{"🇦🇿"});              // flag: two indicators
  EXPECT_EQ(graphemes("👨‍👩‍👧"),
            std::vector<std::string>{"👨‍👩‍👧"});  // ZWJ sequence
  EXPECT_EQ(graphemes("Azərbaycan").size(), 10u);
  EXPECT_EQ(graphemes("a\r\nb").size(), 3u);  // CR LF is one cluster
}

TEST(Utf8DisplayWidth, CountsTerminalColumns) {
  EXPECT_EQ(display_width("Azərbaycan"), 10);
  EXPECT_EQ(display_width("i\u0307"), 1);
  EXPECT_EQ(display_width("中文"), 4);
  EXPECT_EQ(display_width("😀"), 2);
  EXPECT_EQ(display_width("❤️"), 2);  // U+2764 U+FE0F: emoji presentation
  EXPECT_EQ(display_width("␣"), 1);
}

TEST(Utf8Visible, ShowsWhitespaceAndControls) {
  EXPECT_EQ(visible(" "), "␣");
  EXPECT_EQ(visible("a b"), "a␣b");
  EXPECT_EQ(visible("\n"), "↵");
  EXPECT_EQ(visible("\t"), "⇥");
  EXPECT_EQ(visible("\x01"), "␁");
  EXPECT_EQ(visible("\xC2\xA0"), "⍽");
  EXPECT_EQ(visible("ə"), "ə");
  EXPECT_EQ(one_line("a b\nc"), "a b↵c");
}

TEST(Utf8Truncate, CutsAtGraphemeBoundaryWithEllipsis) {
  EXPECT_EQ(truncate_to_width("rahatladıcıdır", 12), "rahatladıcı…");
  EXPECT_EQ(truncate_to_width("short", 12), "short");
  EXPECT_EQ(truncate_to_width("中文中文中文中文", 7), "中文中…");
  EXPECT_EQ(display_width(truncate_to_width("中文中文中文中文", 7)), 7);
}

}  // namespace
}  // namespace attnviz::utf8
