// GPT-2's byte-level BPE against encoder.py's algorithm with Python's regex module
// (reference/make_bpe_reference.py): ids equal on every text of the corpus, decoding gives the
// text back byte for byte, labels a person can read; and every broken tokenizer file named.
#include "attnviz/text/bpe.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace attnviz {
namespace {

using nlohmann::json;

const std::string kGpt2 = ATTNVIZ_DATA "/gpt2/";

const BpeTokenizer& gpt2() {
  static const BpeTokenizer t =
      BpeTokenizer::from_files(test::slurp(kGpt2 + "encoder.json"),
                               test::slurp(kGpt2 + "vocab.bpe"), "encoder.json", "vocab.bpe");
  return t;
}

TEST(Bpe, IdsEqualTheReferenceOnTheWholeCorpus) {
  const json cases = json::parse(test::slurp(ATTNVIZ_REFERENCE "/gpt2/corpus.expected.json"));
  ASSERT_GE(cases.size(), 200u);
  size_t tokens = 0;
  for (const json& c : cases) {
    const std::string text = c["text"];
    const std::vector<int> ids = gpt2().encode(text);
    EXPECT_EQ(ids, c["ids"].get<std::vector<int>>()) << json(text).dump();
    EXPECT_EQ(gpt2().decode(ids), text) << json(text).dump();  // the round trip, byte for byte
    tokens += ids.size();
  }
  std::printf("  %zu texts, %zu tokens, all equal\n", cases.size(), tokens);
}

// vocab.json is read by parser events, not as a document: escaped or raw, spaced or not, every
// token gets the id the document gives it.
TEST(Bpe, VocabularyReadsAsTheJsonDocumentSaysWhateverItsLayout) {
  const json doc = json::parse(test::slurp(kGpt2 + "encoder.json"));
  const std::string merges = test::slurp(kGpt2 + "vocab.bpe");
  for (const std::string& text : {doc.dump(), doc.dump(2), doc.dump(-1, ' ', true)}) {
    const BpeTokenizer t = BpeTokenizer::from_files(text, merges, "vocab.json", "merges.txt");
    ASSERT_EQ(static_cast<size_t>(t.size()), doc.size());
    for (const auto& [token, id] : doc.items()) ASSERT_EQ(t.token(id.get<int>()), token);
    EXPECT_EQ(t.encode("Azərbaycan dili"), gpt2().encode("Azərbaycan dili"));
  }
}

TEST(Bpe, PiecesFollowGpt2sPattern) {
  const auto pieces = [](std::string_view text) {
    std::vector<std::string> out;
    for (const auto p : gpt2_pieces(text)) out.emplace_back(p);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(pieces("Azərbaycan dili"), (V{"Azərbaycan", " dili"}));
  EXPECT_EQ(pieces("it's 42!"), (V{"it", "'s", " 42", "!"}));
  // A run of spaces leaves its last one to the next word; at the end it stays whole.
  EXPECT_EQ(pieces("a   b  "), (V{"a", "  ", " b", "  "}));
  EXPECT_EQ(pieces("x\n\ny"), (V{"x", "\n", "\n", "y"}));
  EXPECT_EQ(pieces("i\u0307"), (V{"i", "\u0307"}));  // a combining mark is neither letter nor digit
}

TEST(Bpe, LabelsShowSpacesAndSplitCharactersReadably) {
  const std::vector<int> ids = gpt2().encode("Azərbaycan dili");
  std::vector<std::string> labels;
  for (const int id : ids) labels.push_back(gpt2().label(id));
  // GPT-2 has no token for ə: it takes its two bytes, C9 99, one token each.
  EXPECT_EQ(labels,
            (std::vector<std::string>{"Az", "⟨C9⟩", "⟨99⟩", "r", "bay", "can", "␣d", "ili"}));
  EXPECT_EQ(gpt2().label(gpt2().encode("\n")[0]), "↵");
  EXPECT_EQ(gpt2().end_of_text(), 50256);
  EXPECT_EQ(gpt2().label(50256), "<|endoftext|>");
  EXPECT_EQ(gpt2().encode("a<|endoftext|>b"), (std::vector<int>{64, 50256, 65}));
  EXPECT_EQ(gpt2().size(), 50257);
}

// tokenizer.json (Hugging Face tokenizers) holding the same vocabulary and merges, the merges in
// both of its spellings ("a b", and ["a", "b"] in newer files).
TEST(Bpe, TokenizerJsonGivesTheSameIds) {
  json vocab = json::parse(test::slurp(kGpt2 + "encoder.json"));
  vocab.erase("<|endoftext|>");
  json merges = json::array();
  const std::string bpe = test::slurp(kGpt2 + "vocab.bpe");
  size_t start = bpe.find('\n') + 1;
  for (size_t end; (end = bpe.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = bpe.substr(start, end - start);
    if (line.empty()) continue;
    const size_t space = line.find(' ');
    if (merges.size() % 2 == 0) {
      merges.push_back(line);
    } else {
      merges.push_back(json::array({line.substr(0, space), line.substr(space + 1)}));
    }
  }
  vocab["<|endoftext|>"] = 50256;
  // GPT-2's tokenizer.json as the hub has it: byte-level before and after the model.
  const json byte_level = {{"type", "ByteLevel"},
                           {"add_prefix_space", false},
                           {"trim_offsets", true},
                           {"use_regex", true}};
  const json doc = {
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}}},
      {"pre_tokenizer", byte_level},
      {"post_processor", byte_level},
      {"decoder", byte_level},
      {"added_tokens",
       json::array({{{"id", 50256}, {"content", "<|endoftext|>"}, {"special", true}}})}};
  const BpeTokenizer t = BpeTokenizer::from_tokenizer_json(doc.dump(), "tokenizer.json");
  for (const char* text : {"Azərbaycan dili", "Hello, world! <|endoftext|> 123", "  ə\n\t"}) {
    EXPECT_EQ(t.encode(text), gpt2().encode(text)) << text;
  }
}

std::string files_error(const std::string& vocab, const std::string& merges) {
  return test::error_of(
      [&] { BpeTokenizer::from_files(vocab, merges, "vocab.json", "merges.txt"); });
}

// A 256-byte vocabulary plus "ab", and one merge that makes it.
json byte_vocab() {
  json v = json::parse(test::slurp(kGpt2 + "encoder.json"));
  json small = json::object();
  for (const auto& [token, id] : v.items()) {
    if (id.get<int>() < 256) small[token] = id;
  }
  small["ab"] = 256;
  return small;
}

TEST(BpeErrors, EachBrokenFileIsNamed) {
  const std::string vocab = byte_vocab().dump();
  EXPECT_EQ(files_error(vocab, "#version: 0.2\na b\n"), "");
  EXPECT_EQ(files_error("{\"a\": 0,", "").rfind("vocab.json: not valid JSON: parse error", 0), 0u);
  EXPECT_EQ(files_error("[1, 2]", ""), "vocab.json: vocab.json is not a JSON object of token → id");
  // A token written twice: the document keeps the last, so id 257 is one past the end.
  std::string twice = vocab;
  twice.insert(twice.size() - 1, ", \"ab\": 257");
  EXPECT_EQ(files_error(twice, ""),
            "vocab.json: token \"ab\" has id 257, expected a whole number from 0 to 256");
  json v = byte_vocab();
  v["ab"] = 300;
  EXPECT_EQ(files_error(v.dump(), ""),
            "vocab.json: token \"ab\" has id 300, expected a whole number from 0 to 256");
  v = byte_vocab();
  v["ab"] = 0;
  EXPECT_EQ(files_error(v.dump(), "").find("id 0 belongs to both"), 12u);
  v = byte_vocab();
  v["Ġx"] = v["Ġ"];  // the space byte's token, renamed
  v.erase("Ġ");
  EXPECT_EQ(files_error(v.dump(), ""),
            "vocab.json: no token for byte 0x20; a byte-level BPE needs one for each of the 256 "
            "bytes");
  EXPECT_EQ(files_error(vocab, "#version: 0.2\na b\nab\n"),
            "merges.txt: line 3: expected two tokens separated by one space, found \"ab\"");
  EXPECT_EQ(files_error(vocab, "a b c\n"),
            "merges.txt: line 1: expected two tokens separated by one space, found \"a b c\"");
  EXPECT_EQ(files_error(vocab, "a c\n"),
            "merges.txt: line 1: the merge makes \"ac\", which is not in the vocabulary");
  EXPECT_EQ(files_error(vocab, "a \xC9\n"),
            "merges.txt: invalid UTF-8 at byte 2: truncated sequence");
  const auto json_error = [](const json& doc) {
    return test::error_of([&] { BpeTokenizer::from_tokenizer_json(doc.dump(), "tokenizer.json"); });
  };
  EXPECT_EQ(json_error({{"model", {{"type", "WordPiece"}}}}),
            "tokenizer.json: model.type is \"WordPiece\", expected \"BPE\" (attnviz reads BPE "
            "tokenizers)");
  EXPECT_EQ(json_error({{"model", {{"type", "BPE"}, {"vocab", byte_vocab()}}}}),
            "tokenizer.json: missing \"model.merges\"");
  EXPECT_EQ(json_error(json::array()),
            "tokenizer.json: \"tokenizer.json\" is [], expected a JSON object");
  EXPECT_EQ(json_error({{"model", {{"type", "BPE"}, {"vocab", byte_vocab()}, {"merges", {42}}}}}),
            "tokenizer.json: line 1: expected two tokens separated by one space, found \"42\"");
}

}  // namespace
}  // namespace attnviz
