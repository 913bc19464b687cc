// Character and word tokenizers and the explicit token-list syntax.
#include "attnviz/text/tokenizer.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace attnviz {
namespace {

using Tokens = std::vector<std::string>;
using test::error_of;

TEST(CharTokenizer, OneTokenPerGrapheme) {
  const Tokens tokens = tokenize("Azərbaycan dili", TokenizerKind::Char, "--text");
  ASSERT_EQ(tokens.size(), 15u);
  EXPECT_EQ(tokens[2], "ə");
  EXPECT_EQ(tokens[10], " ");
  EXPECT_EQ(tokens[14], "i");
}

TEST(CharTokenizer, CombiningMarksAndEmojiStayWhole) {
  EXPECT_EQ(tokenize("İi\u0307", TokenizerKind::Char, "t"), (Tokens{"İ", "i\u0307"}));
  EXPECT_EQ(tokenize("a👍🏽b", TokenizerKind::Char, "t"), (Tokens{"a", "👍🏽", "b"}));
  EXPECT_EQ(tokenize("ŞşĞğ", TokenizerKind::Char, "t"), (Tokens{"Ş", "ş", "Ğ", "ğ"}));
}

TEST(WordTokenizer, SplitsWordsAndPunctuation) {
  EXPECT_EQ(
      tokenize("Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.", TokenizerKind::Word, "t"),
      (Tokens{"Mən", "çayı", "sevirəm", ",", "çünki", "o", ",", "isti", "və", "rahatladıcıdır",
              "."}));
  EXPECT_EQ(tokenize("  Salam,\tdünya!\n", TokenizerKind::Word, "t"),
            (Tokens{"Salam", ",", "dünya", "!"}));
  EXPECT_EQ(tokenize("i\u0307ki 2024-cü", TokenizerKind::Word, "t"),
            (Tokens{"i\u0307ki", "2024", "-", "cü"}));
  EXPECT_EQ(tokenize("çay☕!", TokenizerKind::Word, "t"), (Tokens{"çay", "☕", "!"}));
}

TEST(Tokenizer, RejectsEmptyWhitespaceOnlyAndInvalidText) {
  EXPECT_EQ(error_of([] { tokenize("", TokenizerKind::Char, "--text"); }), "--text: text is empty");
  EXPECT_EQ(error_of([] { tokenize(" \t\n", TokenizerKind::Word, "--text"); }),
            "--text: text has no words, only whitespace (3 bytes)");
  EXPECT_EQ(error_of([] { tokenize("Az\xC9", TokenizerKind::Char, "in.txt"); }),
            "in.txt: invalid UTF-8 at byte 2: truncated sequence at end of input");
  // Whitespace is text for the char tokenizer.
  EXPECT_EQ(tokenize(" ", TokenizerKind::Char, "t"), (Tokens{" "}));
}

TEST(TokenList, SplitsOnBarWithEscapes) {
  EXPECT_EQ(parse_token_list("Az|ər|bay|can", "--tokens"), (Tokens{"Az", "ər", "bay", "can"}));
  EXPECT_EQ(parse_token_list("a\\|b|c\\\\| ", "--tokens"), (Tokens{"a|b", "c\\", " "}));
  EXPECT_EQ(parse_token_list("ə", "--tokens"), (Tokens{"ə"}));
}

TEST(TokenList, RejectsEmptyPiecesAndUnknownEscapes) {
  EXPECT_EQ(error_of([] { parse_token_list("a||b", "--tokens"); }),
            "--tokens: token 2 is empty ('|' at byte 2); write a literal '|' as \\|");
  EXPECT_EQ(error_of([] { parse_token_list("a|", "--tokens"); }),
            "--tokens: token 2 is empty (the list ends with '|'); write a literal '|' as \\|");
  EXPECT_EQ(error_of([] { parse_token_list("a\\n", "--tokens"); }),
            "--tokens: unknown escape at byte 1; only \\| (a literal '|') and \\\\ (a literal "
            "'\\') are escapes");
  EXPECT_EQ(error_of([] { parse_token_list("", "--tokens"); }), "--tokens: token list is empty");
  EXPECT_NE(error_of([] { parse_token_list("a|\xFF", "--tokens"); }).find("byte 2"),
            std::string::npos);
}

TEST(TokenizerName, RoundTripsAndRejectsUnknown) {
  EXPECT_EQ(tokenizer_from_name(tokenizer_name(TokenizerKind::Word)), TokenizerKind::Word);
  EXPECT_EQ(tokenizer_from_name(tokenizer_name(TokenizerKind::Char)), TokenizerKind::Char);
  EXPECT_EQ(error_of([] { tokenizer_from_name("bpe"); }),
            "unknown tokenizer \"bpe\"; expected char or word");
}

}  // namespace
}  // namespace attnviz
