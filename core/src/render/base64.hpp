// Base64 (RFC 4648, with padding), for data embedded in pages and SVGs (private header).
#pragma once

#include <cstddef>
#include <string>

namespace attnviz {

std::string base64(const unsigned char* bytes, size_t n);

}  // namespace attnviz
