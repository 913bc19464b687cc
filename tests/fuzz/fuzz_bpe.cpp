// libFuzzer target: GPT-2's BPE. The input is read as a tokenizer.json and as a vocab.json (each
// must load or fail with an Error; a vocab.json that loads holds what nlohmann's document parser
// finds in it, token for token), and as a text that GPT-2's own vocabulary must encode, decode back
// to the very same bytes and label without throwing.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/io/io.hpp"
#include "attnviz/text/bpe.hpp"
#include "attnviz/text/utf8.hpp"

namespace {

const attnviz::BpeTokenizer& gpt2() {
  static const attnviz::BpeTokenizer t = attnviz::BpeTokenizer::from_files(
      attnviz::io::read_file(ATTNVIZ_GPT2 "/encoder.json", 1 << 24),
      attnviz::io::read_file(ATTNVIZ_GPT2 "/vocab.bpe", 1 << 24), "encoder.json", "vocab.bpe");
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  try {
    const attnviz::BpeTokenizer t = attnviz::BpeTokenizer::from_tokenizer_json(input, "fuzz.json");
    for (const int id : t.encode("Azərbaycan dili <|endoftext|> 123")) (void)t.label(id);
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::Az);
  }
  try {
    const attnviz::BpeTokenizer t =
        attnviz::BpeTokenizer::from_files(input, "", "vocab.json", "merges.txt");
    const nlohmann::json doc = nlohmann::json::parse(input);  // throws if the reader was wrong
    if (!doc.is_object() || doc.size() != static_cast<size_t>(t.size())) __builtin_trap();
    for (const auto& [token, id] : doc.items()) {
      if (t.token(id.get<int>()) != token) __builtin_trap();
    }
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::En);
  }
  try {
    attnviz::utf8::validate(input, "fuzz");
  } catch (const attnviz::Error&) {
    return 0;  // the tokenizer is given valid UTF-8 only; the CLI checks it first
  }
  const std::vector<int> ids = gpt2().encode(input);
  if (gpt2().decode(ids) != input) __builtin_trap();  // the round trip loses nothing
  for (const int id : ids) (void)gpt2().label(id);
  return 0;
}
