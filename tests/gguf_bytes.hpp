// GGUF bytes written by hand, little-endian, for the bad-input cases of the reader's unit tests
// and of the command line's table: a header, key-value pairs and tensor infos built field by
// field, so that each case breaks exactly one thing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::test {

struct GgufBytes {
  std::string s;
  template <typename T>
  GgufBytes& put(T v) {
    s.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
  }
  GgufBytes& str(const std::string& text) {
    put<uint64_t>(text.size());
    s += text;
    return *this;
  }
};

// "GGUF", the version, the counts, then `body`.
inline std::string gguf_file(uint64_t tensors, uint64_t keys, const std::string& body,
                             uint32_t version = 3) {
  GgufBytes b;
  b.put<uint32_t>(0x46554747).put(version).put(tensors).put(keys);
  return b.s + body;
}

// One key-value pair: the key, the value's type, then `value` as given.
inline std::string gguf_key(const std::string& name, uint32_t type, const std::string& value) {
  GgufBytes b;
  b.str(name).put(type);
  return b.s + value;
}

// One tensor info: name, dimensions (ggml's order), type, offset.
inline std::string gguf_info(const std::string& name, const std::vector<uint64_t>& ne,
                             uint32_t type, uint64_t offset) {
  GgufBytes b;
  b.str(name).put<uint32_t>(static_cast<uint32_t>(ne.size()));
  for (const uint64_t n : ne) b.put(n);
  b.put(type).put(offset);
  return b.s;
}

}  // namespace attnviz::test
