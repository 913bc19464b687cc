// libFuzzer target: the explicit "a|b|c" token-list syntax with \| and \\ escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/text/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string spec(reinterpret_cast<const char*>(data), size);
  try {
    const auto tokens = attnviz::parse_token_list(spec, "fuzz");
    // Escaping the tokens again gives a list that parses back to the same tokens.
    std::string again;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].empty()) __builtin_trap();
      if (i > 0) again += '|';
      for (const char c : tokens[i]) {
        if (c == '|' || c == '\\') again += '\\';
        again += c;
      }
    }
    if (attnviz::parse_token_list(again, "again") != tokens) __builtin_trap();
  } catch (const attnviz::Error&) {
  }
  return 0;
}
