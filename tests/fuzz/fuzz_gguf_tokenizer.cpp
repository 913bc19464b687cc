// libFuzzer target: the tokenizer a GGUF file carries. The input is a GGUF file: its tables must
// build a tokenizer or fail with an Error, and one that builds must encode a few texts into ids it
// has, with its special tokens, and decode and label them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/formats/gguf.hpp"
#include "attnviz/text/bpe.hpp"
#include "use_tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const attnviz::GgufFile file(bytes, "fuzz.gguf");
    const auto tables = attnviz::gguf_tokenizer(file);
    if (!tables) return 0;
    const attnviz::BpeTokenizer t = attnviz::BpeTokenizer::from_tables(*tables, "fuzz.gguf");
    use_tokenizer(t, {"Azərbaycan dili 123 <s> \n x", "ab a", "👋🏽 </s>"});
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::Az);
  }
  return 0;
}
