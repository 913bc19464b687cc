// libFuzzer target: the weights JSON loader, then the whole pipeline on what it accepted.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/run/run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  attnviz::Request request;
  request.input = attnviz::InputKind::TokenList;
  request.text_origin = "fuzz";
  request.weights_path = "fuzz.json";
  request.weights_data = text;
  try {
    std::vector<attnviz::Words> warnings;
    const attnviz::Weights w = attnviz::parse_weights_json(text, "fuzz.json", warnings);
    // Saved weights must load back.
    attnviz::parse_weights_json(attnviz::weights_to_json(w), "saved.json", warnings);
    // Attend over the first vocab entries (escaped for the token-list syntax).
    std::string tokens;
    for (size_t i = 0; i < w.vocab.size() && i < 4; ++i) {
      if (i > 0) tokens += '|';
      for (const char c : w.vocab[i]) {
        if (c == '|' || c == '\\') tokens += '\\';
        tokens += c;
      }
    }
    request.text = tokens;
    attnviz::run(request);
  } catch (const attnviz::Error& e) {
    // Rejected input: the expected outcome for most fuzz inputs. Its message must be sayable in
    // both languages (the Azerbaijani one is built anew from the same parts).
    (void)e.message(attnviz::Lang::Az);
  }
  return 0;
}
