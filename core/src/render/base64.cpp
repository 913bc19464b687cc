// Base64: three bytes → four characters of the alphabet below, '=' padding the last group.
#include "render/base64.hpp"

namespace attnviz {

std::string base64(const unsigned char* bytes, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (size_t i = 0; i < n; i += 3) {
    const unsigned v = (unsigned{bytes[i]} << 16) | (i + 1 < n ? unsigned{bytes[i + 1]} << 8 : 0) |
                       (i + 2 < n ? unsigned{bytes[i + 2]} : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < n ? kAlphabet[v & 63] : '=';
  }
  return out;
}

}  // namespace attnviz
