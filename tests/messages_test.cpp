// Both languages: every message and every error exists in each, with the same placeholders.
#include "attnviz/i18n/messages.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "attnviz/error.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

std::multiset<std::string> placeholders(std::string_view text) {
  std::multiset<std::string> out;
  const std::string s(text);
  const std::regex pattern(R"(\{\d\})");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), pattern); it != std::sregex_iterator();
       ++it) {
    out.insert(it->str());
  }
  return out;
}

// Every entry of a catalog (`text_of(lang, id)` for ids 0 … count−1) in both languages, with the
// same placeholders; the number that read differently in the two.
template <typename Id, typename TextOf>
int check_catalog(Id count, TextOf text_of) {
  int translated = 0;
  for (int i = 0; i < static_cast<int>(count); ++i) {
    const std::string_view en = text_of(Lang::En, static_cast<Id>(i));
    const std::string_view az = text_of(Lang::Az, static_cast<Id>(i));
    EXPECT_FALSE(en.empty()) << i;
    EXPECT_FALSE(az.empty()) << i;
    EXPECT_EQ(placeholders(en), placeholders(az)) << en;
    translated += en != az;
  }
  return translated;
}

TEST(Messages, EveryMessageExistsInBothLanguagesWithTheSamePlaceholders) {
  // Only names that are the same word in both (token, id) may be equal.
  EXPECT_GE(check_catalog(Msg::Count, text), static_cast<int>(Msg::Count) - 2);
}

TEST(Errors, EveryErrorExistsInBothLanguagesWithTheSamePlaceholders) {
  // Names that read the same in both (NaN, null, MultiHeadAttention, "{0}: {1}") may be equal.
  EXPECT_GE(check_catalog(Err::Count, error_text), static_cast<int>(Err::Count) - 5);
}

TEST(Errors, WordsNestAndSayEachPartInTheLanguage) {
  const Words defect(Err::Utf8StrayContinuation, {"0x80"});
  const Error e(Err::InvalidUtf8, {"--text", "1", defect});
  EXPECT_STREQ(e.what(), "--text: invalid UTF-8 at byte 1: stray continuation byte 0x80");
  EXPECT_EQ(e.message(Lang::Az), "--text: yanlış UTF-8, bayt 1: yersiz davam baytı 0x80");
  EXPECT_EQ(e.message(Lang::En), e.what());
}

TEST(Messages, AzerbaijaniIsRealAzerbaijani) {
  EXPECT_EQ(text(Lang::Az, Msg::MaskedSelfAttention), "maskalanmış öz-diqqət");
  EXPECT_EQ(text(Lang::Az, Msg::Query), "sorğu");
  EXPECT_EQ(text(Lang::Az, Msg::Key), "açar");
}

TEST(Messages, FormatFillsPlaceholders) {
  EXPECT_EQ(format("{0} of {1}, {0}", {"a", "b"}), "a of b, a");
  EXPECT_EQ(format("no args {0}", {}), "no args ");
  EXPECT_EQ(say(Lang::En, Msg::KeysBlock, {"0", "9", "15"}), "keys 0–9 of 15");
  EXPECT_EQ(say(Lang::Az, Msg::KeysBlock, {"0", "9", "15"}), "açarlar 0–9 (15 açardan)");
}

TEST(Messages, LanguageFromNameAndLocale) {
  EXPECT_EQ(lang_from_name("az"), Lang::Az);
  EXPECT_EQ(lang_from_name("en"), Lang::En);
  EXPECT_EQ(test::error_of([] { lang_from_name("tr"); }),
            "unknown language \"tr\"; expected az or en");
  EXPECT_EQ(lang_from_locale("az_AZ.UTF-8"), Lang::Az);
  EXPECT_EQ(lang_from_locale("en_US.UTF-8"), Lang::En);
  EXPECT_EQ(lang_from_locale("C.UTF-8"), Lang::En);
  EXPECT_EQ(lang_from_locale(""), Lang::En);
}

}  // namespace
}  // namespace attnviz
