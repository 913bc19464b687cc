// A GGUF's own tokenizer against llama.cpp's reading of the same file: four tiny models written by
// tests/llama/write_tokenizer_models.py with the real tokenizers of Llama 3 and Qwen 3 (byte-level
// BPE) and of Llama 2 and Gemma 3 (as SentencePiece), each text of tokenizers/texts.json
// tokenized by attnviz and by llama.cpp's llama_tokenize (tests/llama's llama_reference).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "attnviz/formats/gguf.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/text/bpe.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

TEST(GgufTokenizer, SameIdsAsLlamaCpp) {
#ifndef ATTNVIZ_LLAMA_REFERENCE
  GTEST_FAIL() << "llama.cpp's libraries are not installed: npm install --prefix tests/llama "
                  "--omit=optional --ignore-scripts, then configure again";
#else
  const std::string source = ATTNVIZ_SOURCE;
  const std::string dir =
      (std::filesystem::temp_directory_path() / "attnviz_gguf_tokenizers").string();
  test::output_of("/usr/bin/python3 " + source + "/tests/llama/write_tokenizer_models.py " +
                  source + "/tests/tokenizers/node_modules " ATTNVIZ_GGUF_PY " " + dir);
  const json texts = json::parse(test::slurp(source + "/tests/tokenizers/texts.json"));
  std::string joined;  // each text ended by a 0 byte, for llama_reference
  for (const json& t : texts) joined += t.get<std::string>() + '\0';
  const std::string texts_file = dir + "/texts.bin";
  {
    std::FILE* f = std::fopen(texts_file.c_str(), "wb");
    std::fwrite(joined.data(), 1, joined.size(), f);
    std::fclose(f);
  }
  for (const char* name : {"llama3", "qwen3", "llama2", "gemma3"}) {
    const std::string path = dir + "/" + name + ".gguf";
    std::istringstream theirs(test::output_of("ATTNVIZ_LLAMA_LIBS=" ATTNVIZ_LLAMA_LIBS
                                              " " ATTNVIZ_LLAMA_REFERENCE " tokenize " +
                                              path + " " + texts_file));
    const std::string bytes = test::slurp(path);
    const auto state_dict = open_gguf(bytes, path);
    const auto tables = gguf_tokenizer(*state_dict->gguf());
    ASSERT_TRUE(tables.has_value()) << name;
    const BpeTokenizer t = BpeTokenizer::from_tables(*tables, path);
    size_t same = 0;
    for (const json& text : texts) {
      std::string line;
      std::getline(theirs, line);
      std::vector<int> want;
      std::istringstream ids(line);
      for (int id; ids >> id;) want.push_back(id);
      const std::vector<int> got = t.with_specials(t.encode(text.get<std::string>()));
      EXPECT_EQ(got, want) << name << ": " << text;
      same += got == want;
    }
    std::printf("  %-7s %d tokens: %zu of %zu texts give llama.cpp's ids\n", name, t.size(), same,
                texts.size());
  }
#endif
}

TEST(GgufTokenizer, TablesThatDoNotFitAreOneErrorEach) {
  TokenizerTables t;
  t.tokens = {"a", "b", "a"};
  t.scores = {0, -1, -2};
  t.types = {1, 1, 1};
  EXPECT_NE(test::error_of([&] {
              BpeTokenizer::from_tables(t, "m.gguf");
            }).find("m.gguf: the tokenizer lists \"a\" twice, as ids 0 and 2"),
            std::string::npos);
  t.tokens = {"a", "b"};
  EXPECT_NE(test::error_of([&] {
              BpeTokenizer::from_tables(t, "m.gguf");
            }).find("the tokenizer has 2 tokens, 3 scores and 3 token types"),
            std::string::npos);
  t.scores = {0, -1};
  t.types = {1, 1};
  t.model = TokenizerTables::Model::Bpe;
  t.pre = "jais";
  EXPECT_NE(test::error_of([&] {
              BpeTokenizer::from_tables(t, "m.gguf");
            }).find("tokenizer.ggml.pre is \"jais\", a pre-tokenizer attnviz does not know"),
            std::string::npos);
  // A SentencePiece table that fits: ▁ for spaces, the best-scored token merged first.
  t = TokenizerTables{};
  t.tokens = {"a", "b", "ab", "▁", "▁ab"};
  t.scores = {0, 0, -1, 0, -2};
  t.types = {1, 1, 1, 1, 1};
  t.add_space_prefix = true;
  const BpeTokenizer spm = BpeTokenizer::from_tables(t, "m.gguf");
  EXPECT_EQ(spm.encode("ab ab"), (std::vector<int>{4, 4}));
  EXPECT_EQ(spm.decode({4, 4}), "ab ab");
}

}  // namespace
}  // namespace attnviz
