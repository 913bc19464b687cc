// A Unicode regular expression for tokenizer.json's patterns (private header): PCRE2 with its JIT,
// UTF-8 and Unicode classes (\p{L}, \s as White_Space), compiled once and shared by threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnviz {

class Regex {
 public:
  // Throws Error naming `where` (the file and field) for a pattern PCRE2 does not compile.
  Regex(const std::string& pattern, const std::string& where);

  // Every match in `text` (valid UTF-8), left to right, as [begin, end) byte offsets; an empty
  // match moves the search on by one character, as Rust's regex iterators do.
  std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;

 private:
  std::shared_ptr<void> code_;  // pcre2_code, freed with pcre2_code_free
};

}  // namespace attnviz
