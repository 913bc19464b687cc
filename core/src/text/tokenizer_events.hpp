// tokenizer.json read by events (private header): model.vocab and model.merges — hundreds of
// thousands of entries in Gemma's or Qwen's file — go straight into flat lists, and only the
// rest becomes a JSON document. Gemma 3's 33 MB file: 1.4 s with a document for everything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace attnviz {

struct TokenizerEvents {
  nlohmann::json doc;  // the file without model.vocab and model.merges when they were read here
  bool vocab_read = false, merges_read = false;
  // model.vocab in file order: each token and its id; `bad` holds the JSON of a value that is no
  // whole number (the id then means nothing).
  struct Entry {
    std::string token;
    int64_t id = 0;
    std::string bad;
  };
  std::vector<Entry> vocab;
  // model.merges in file order: "a b" (one string, `pair` false) or ["a", "b"]; `bad` holds the
  // JSON of an entry that is neither.
  struct Merge {
    std::string left, right;
    bool pair = false;
    std::string bad;
  };
  std::vector<Merge> merges;
};

// Throws nlohmann's parse error for text that is not JSON.
TokenizerEvents read_tokenizer_events(std::string_view text);

}  // namespace attnviz
