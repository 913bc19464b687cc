// libFuzzer target: a vocabulary file on any bytes — a JSON list, nanoGPT's meta.pkl through the
// pickle machine, or a training text — and the error in both languages.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "attnviz/error.hpp"
#include "attnviz/formats/vocab_file.hpp"

namespace {

// Tokens are never empty and never repeat, whatever the source.
void check(const std::vector<std::string>& vocab) {
  std::unordered_set<std::string> seen;
  for (const std::string& token : vocab) {
    if (token.empty() || !seen.insert(token).second) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  for (int source = 0; source < 2; ++source) {
    try {
      check(source == 0 ? attnviz::read_vocab_file(bytes, "fuzz.pkl")
                        : attnviz::vocab_of_text(bytes, "fuzz.txt"));
    } catch (const attnviz::Error& e) {
      (void)e.message(attnviz::Lang::Az);
    }
  }
  return 0;
}
