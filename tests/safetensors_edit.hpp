// Breaking a safetensors file on purpose, for tests of what a run does with bad values.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace attnviz::test {

// The file's bytes with the F32 element [row][col] of the 2-D tensor `key` made NaN.
inline std::string with_nan(std::string bytes, const std::string& key, size_t row, size_t col) {
  uint64_t n;
  std::memcpy(&n, bytes.data(), 8);
  const nlohmann::json entry = nlohmann::json::parse(bytes.substr(8, n)).at(key);
  const size_t at = 8 + n + entry["data_offsets"][0].get<size_t>() +
                    4 * (row * entry["shape"][1].get<size_t>() + col);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&bytes[at], &nan, 4);
  return bytes;
}

// The same file with its header one byte longer (a space after the JSON), so the data that
// follows is no longer aligned for float: what a writer that does not pad makes.
inline std::string unaligned(const std::string& bytes) {
  uint64_t n;
  std::memcpy(&n, bytes.data(), 8);
  const uint64_t longer = n + 1;
  std::string out(8, '\0');
  std::memcpy(out.data(), &longer, 8);
  return out + bytes.substr(8, n) + " " + bytes.substr(8 + n);
}

}  // namespace attnviz::test
