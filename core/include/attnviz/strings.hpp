// Small pieces of the text in messages: a shape as "768×2304", a suffix test.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A shape as a person writes it: 768×2304; a single dimension alone.
inline std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s;
  for (const int64_t d : shape) s += (s.empty() ? "" : "×") + std::to_string(d);
  return s;
}
// A matrix's: 16×8.
inline std::string shape_text(int64_t rows, int64_t cols) { return shape_text({rows, cols}); }

}  // namespace attnviz
