// SHA-256 (FIPS 180-4), for checking a downloaded blob against its digest (private header).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace attnviz {

class Sha256 {
 public:
  Sha256();
  void add(std::string_view bytes);
  std::string hex();  // the digest, lowercase; the object is spent

 private:
  void block(const unsigned char* p);
  std::array<uint32_t, 8> h_;
  unsigned char buffer_[64];
  size_t used_ = 0;
  uint64_t length_ = 0;  // bytes added
};

// The SHA-256 of the file at `path`, read in pieces; throws Error if it cannot be read.
std::string sha256_of_file(const std::string& path);

}  // namespace attnviz
