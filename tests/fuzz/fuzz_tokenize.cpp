// libFuzzer target: UTF-8 validation and both tokenizers on raw bytes, then label helpers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/text/tokenizer.hpp"
#include "attnviz/text/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto kind : {attnviz::TokenizerKind::Char, attnviz::TokenizerKind::Word}) {
    try {
      for (const std::string& token : attnviz::tokenize(text, kind, "fuzz")) {
        if (token.empty()) __builtin_trap();  // a tokenizer never yields an empty token
        attnviz::utf8::display_width(attnviz::utf8::visible(token));
        attnviz::utf8::truncate_to_width(token, 5);
      }
    } catch (const attnviz::Error&) {
    }
  }
  return 0;
}
