// libFuzzer target: tokenizer.json pipelines. The input is a tokenizer.json, then (after a NUL
// byte) a text. The file must load or fail with an Error; a tokenizer that loads must encode the
// text (if it is valid UTF-8) and a few fixed ones into ids it has, with its special tokens, and
// decode and label every id without throwing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/text/bpe.hpp"
#include "attnviz/text/utf8.hpp"
#include "use_tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string json = input.substr(0, nul);
  std::string text = nul == std::string::npos ? "" : input.substr(nul + 1);
  try {
    attnviz::utf8::validate(text, "fuzz");
  } catch (const attnviz::Error&) {
    text.clear();  // the CLI checks a text is UTF-8 before any tokenizer sees it
  }
  try {
    const attnviz::BpeTokenizer t = attnviz::BpeTokenizer::from_tokenizer_json(json, "fuzz.json");
    use_tokenizer(t, {text, "Azərbaycan dili 123 <s> \n\t  x", "İSTANBUL  café 👋🏽"});
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::Az);
  }
  return 0;
}
