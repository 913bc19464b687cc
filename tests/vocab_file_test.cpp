// Vocabularies given beside a model (formats/vocab_file.cpp): nanoGPT's meta.pkl as Python's
// pickle wrote it (reference/make_models.py), a JSON list, a training text as Python reads it;
// every broken one refused with a one-line error naming the file.
#include "attnviz/formats/vocab_file.hpp"

#include <gtest/gtest.h>

#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

const std::string kModels = ATTNVIZ_REFERENCE "/models/";

// A protocol-4 pickle of {KEY: {id: token, …}} ({token: id, …} for "stoi"), as pickle.dump
// writes small dicts.
std::string meta_pkl(const std::vector<std::pair<int, std::string>>& itos,
                     const std::string& key = "itos") {
  const auto text = [](const std::string& s) {
    return std::string("\x8c") + static_cast<char>(s.size()) + s;  // SHORT_BINUNICODE
  };
  std::string p = "\x80\x04}(" + text(key) + "}(";
  for (const auto& [id, token] : itos) {
    const std::string number = "K" + std::string(1, static_cast<char>(id));  // BININT1
    p += key == "stoi" ? text(token) + number : number + text(token);
  }
  return p + "uu.";
}

TEST(VocabFile, MetaPklAndJsonListGiveTheTrainingCodesVocabulary) {
  const std::vector<std::string> want =
      json::parse(test::slurp(kModels + "vocab.json")).get<std::vector<std::string>>();
  EXPECT_EQ(read_vocab_file(test::slurp(kModels + "meta.pkl"), "meta.pkl"), want);
  EXPECT_EQ(read_vocab_file(test::slurp(kModels + "vocab.json"), "vocab.json"), want);
  // gpt.py's sorted(set(text)) of the text the fixtures' vocabulary came from.
  EXPECT_EQ(vocab_of_text(test::slurp(kModels + "gptpy_input.txt"), "input.txt"), want);
  // Ids in any order; 'stoi' alone works too.
  EXPECT_EQ(read_vocab_file(meta_pkl({{1, "b"}, {0, "a"}}), "m.pkl"),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(read_vocab_file(meta_pkl({{1, "b"}, {0, "a"}}, "stoi"), "m.pkl"),
            (std::vector<std::string>{"a", "b"}));
}

TEST(VocabFile, ATextIsReadAsPythonReadsIt) {
  // Text mode turns "\r\n" and "\r" into "\n"; code points, not graphemes (i + U+0307 are two);
  // sorted by code point, which UTF-8's byte order keeps.
  EXPECT_EQ(vocab_of_text("b\r\na\rİi\xCC\x87", "t.txt"),
            (std::vector<std::string>{"\n", "a", "b", "i", "İ", "\xCC\x87"}));
  EXPECT_EQ(test::error_of([] { vocab_of_text("", "t.txt"); }), "t.txt: text is empty");
  EXPECT_NE(test::error_of([] { vocab_of_text("a\xC3", "t.txt"); }).find("t.txt: invalid UTF-8"),
            std::string::npos);
}

TEST(VocabFile, BrokenVocabulariesAreRefusedByName) {
  const auto error = [](const std::string& bytes) {
    return test::error_of([&] { read_vocab_file(bytes, "v"); });
  };
  EXPECT_EQ(error("{\"a\": 1}"),
            "v: not a vocabulary attnviz reads: a JSON list of token strings, or nanoGPT's "
            "meta.pkl (a pickle with \"itos\" or \"stoi\")");
  EXPECT_EQ(error("not json"), error("{\"a\": 1}"));
  EXPECT_EQ(error("[]"), "v: the vocabulary is empty");
  EXPECT_EQ(error("[\"a\", 3]"), "v: vocabulary entry 1 is not a token (a non-empty UTF-8 string)");
  EXPECT_EQ(error("[\"a\", \"\"]"),
            "v: vocabulary entry 1 is not a token (a non-empty UTF-8 string)");
  EXPECT_EQ(error("[\"a\", \"b\", \"a\"]"),
            "v: token \"a\" is in the vocabulary twice (ids 0 and 2)");
  EXPECT_EQ(error(meta_pkl({{0, "a"}, {2, "b"}})),
            "v: the vocabulary's ids must be 0 … 1, each once; found 2");
  EXPECT_EQ(error(meta_pkl({{0, "a"}, {0, "b"}})),
            "v: the vocabulary's ids must be 0 … 1, each once; found 0");
  EXPECT_EQ(error(meta_pkl({{0, "a"}}, "vocab")), error("{\"a\": 1}"));
  EXPECT_EQ(error(std::string("\x80\x04") + "K\x01."), error("{\"a\": 1}"));  // not a dict
  EXPECT_NE(error("\x80\x04}(").find("v: pickle byte"), std::string::npos);   // cut
  // A call inside is only a record: never run, and not a vocabulary.
  EXPECT_EQ(error(std::string("\x80\x02"
                              "cposix\nsystem\nX\x02\x00\x00\x00ls\x85R.",
                              26)),
            error("{\"a\": 1}"));
}

}  // namespace
}  // namespace attnviz
