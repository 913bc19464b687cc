// libFuzzer target: the pickle machine on any bytes — every opcode, cut anywhere, nested without
// end — and the error in both languages.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/formats/pickle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const attnviz::pickle::Document d = attnviz::pickle::parse(bytes, "fuzz.pkl", 1u << 16);
    // Every index a value holds names a value of the document.
    const auto valid = [&](uint32_t i) {
      return i == attnviz::pickle::kNoValue || i < d.values.size();
    };
    if (!valid(d.root) || d.end > size) __builtin_trap();
    for (const attnviz::pickle::Value& v : d.values) {
      if (!valid(v.callee) || !valid(v.args) || !valid(v.state)) __builtin_trap();
      for (const uint32_t item : v.items) {
        if (!valid(item)) __builtin_trap();
      }
    }
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::Az);
  }
  return 0;
}
