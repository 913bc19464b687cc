// Run-length deflate (RFC 1951, fixed Huffman codes) in a zlib wrapper (RFC 1950).
#include "render/deflate.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace attnviz {
namespace {

// Bits written least significant first, as deflate packs them, into a malloc() buffer.
class BitWriter {
 public:
  explicit BitWriter(size_t capacity)
      : data_(static_cast<unsigned char*>(std::malloc(capacity))), capacity_(capacity) {}

  bool ok() const { return data_ != nullptr; }
  unsigned char* release(int* size) {
    flush_bits();
    *size = static_cast<int>(size_);
    unsigned char* out = data_;
    data_ = nullptr;
    return out;
  }
  ~BitWriter() { std::free(data_); }

  // Up to 32 bits; whole bytes leave the 64-bit buffer once it holds 32 bits or more.
  void bits(uint32_t value, int count) {
    buffer_ |= static_cast<uint64_t>(value) << used_;
    used_ += count;
    if (used_ >= 32) {
      for (int i = 0; i < 4; ++i) byte(static_cast<unsigned char>(buffer_ >> (8 * i)));
      buffer_ >>= 32;
      used_ -= 32;
    }
  }
  void flush_bits() {
    while (used_ > 0) {
      byte(static_cast<unsigned char>(buffer_));
      buffer_ >>= 8;
      used_ = used_ > 8 ? used_ - 8 : 0;
    }
    buffer_ = 0;
  }
  // The capacity covers the worst case (every byte a 9-bit literal), so this never overflows.
  void byte(unsigned char b) {
    if (size_ < capacity_) data_[size_++] = b;
  }

 private:
  unsigned char* data_;
  size_t capacity_, size_ = 0;
  uint64_t buffer_ = 0;
  int used_ = 0;
};

// Bits `code` of `n`, most significant first, reversed for the LSB-first writer.
uint32_t reversed(uint32_t code, uint32_t n) {
  uint32_t r = 0;
  for (uint32_t i = 0; i < n; ++i) r |= ((code >> i) & 1u) << (n - 1 - i);
  return r;
}

constexpr int kDistanceBase[] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                 33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};

// The fixed Huffman codes (RFC 1951 §3.2.6), ready to write: each literal's code, and each match
// length's code with its extra bits after it, as one value and its bit count.
struct FixedCodes {
  uint16_t literal_bits[288];
  uint8_t literal_count[288];
  uint32_t length_bits[259];  // lengths 3..258
  uint8_t length_count[259];
  uint8_t distance_code[30];  // the 5-bit distance codes, reversed
  FixedCodes() {
    for (uint32_t v = 0; v < 288; ++v) {
      const uint32_t n = v < 144 ? 8 : v < 256 ? 9 : v < 280 ? 7 : 8;
      const uint32_t code = v < 144   ? 0x30 + v
                            : v < 256 ? 0x190 + v - 144
                            : v < 280 ? v - 256
                                      : 0xC0 + v - 280;
      literal_bits[v] = static_cast<uint16_t>(reversed(code, n));
      literal_count[v] = static_cast<uint8_t>(n);
    }
    constexpr int kLengthBase[] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                   31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    constexpr int kLengthExtra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                    2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    for (int length = 3, l = 0; length <= 258; ++length) {
      while (l < 28 && kLengthBase[l + 1] <= length) ++l;
      const unsigned symbol = 257 + static_cast<unsigned>(l);
      length_bits[length] = literal_bits[symbol] | static_cast<uint32_t>(length - kLengthBase[l])
                                                       << literal_count[symbol];
      length_count[length] = static_cast<uint8_t>(literal_count[symbol] + kLengthExtra[l]);
    }
    for (uint32_t d = 0; d < 30; ++d) distance_code[d] = static_cast<uint8_t>(reversed(d, 5));
  }
};

void literal(BitWriter& out, const FixedCodes& codes, unsigned value) {
  out.bits(codes.literal_bits[value], codes.literal_count[value]);
}

// A match of `length` (3..258) bytes, `distance` (1..32768) back, in one write of at most 31
// bits: the length's code and extra bits, the distance's 5-bit code and extra bits. Distance code
// d covers 2^(d/2 − 1) distances from kDistanceBase[d], so it is read off distance − 1's top bits.
void match(BitWriter& out, const FixedCodes& codes, int length, int distance) {
  const uint32_t v = static_cast<uint32_t>(distance - 1);
  const int top = v < 4 ? 0 : 31 - __builtin_clz(v);  // v's highest set bit, from 2 up
  const int d = v < 4 ? static_cast<int>(v) : 2 * top + static_cast<int>((v >> (top - 1)) & 1u);
  const int extra = d < 4 ? 0 : d / 2 - 1;
  const uint32_t distance_bits =
      codes.distance_code[d] | static_cast<uint32_t>(distance - kDistanceBase[d]) << 5;
  const int count = codes.length_count[length];
  out.bits(codes.length_bits[length] | distance_bits << count, count + 5 + extra);
}

// Adler-32 (RFC 1950). On x86-64, SSE2 in blocks of 32 bytes: over a chunk of nb blocks,
// Σ d = the byte sums (psadbw), and Σ (N − i)·d_i = 32·Σ_j (the sums before block j)
// + Σ (32 − c)·d_c (pmaddwd of the bytes widened to 16 bits), where N = 32·nb, i = 32·j + c.
// Chunks are short enough for the 32-bit lanes; a and b are reduced mod 65521 after each.
// 0.08 ms for the lesson's 1.7 MB image, where 16 lanes of GCC vectors took 0.5.
uint32_t adler32(const unsigned char* data, size_t n) {
  constexpr uint64_t kBase = 65521;
  uint64_t a = 1, b = 0;
#if defined(__SSE2__)
  constexpr size_t kChunk = 5552 / 32 * 32;  // zlib's NMAX, in whole blocks
  const __m128i zero = _mm_setzero_si128();
  const __m128i weights[4] = {_mm_setr_epi16(32, 31, 30, 29, 28, 27, 26, 25),
                              _mm_setr_epi16(24, 23, 22, 21, 20, 19, 18, 17),
                              _mm_setr_epi16(16, 15, 14, 13, 12, 11, 10, 9),
                              _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1)};
  while (n >= 32) {
    const size_t length = std::min(kChunk, n / 32 * 32);
    __m128i sums = zero, before = zero, weighted = zero;
    for (size_t j = 0; j < length; j += 32) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + j));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + j + 16));
      before = _mm_add_epi32(before, sums);
      sums = _mm_add_epi32(sums, _mm_add_epi64(_mm_sad_epu8(x, zero), _mm_sad_epu8(y, zero)));
      const __m128i products[4] = {_mm_madd_epi16(_mm_unpacklo_epi8(x, zero), weights[0]),
                                   _mm_madd_epi16(_mm_unpackhi_epi8(x, zero), weights[1]),
                                   _mm_madd_epi16(_mm_unpacklo_epi8(y, zero), weights[2]),
                                   _mm_madd_epi16(_mm_unpackhi_epi8(y, zero), weights[3])};
      weighted = _mm_add_epi32(weighted, _mm_add_epi32(_mm_add_epi32(products[0], products[1]),
                                                       _mm_add_epi32(products[2], products[3])));
    }
    uint32_t s[4], p[4], w[4];  // psadbw's sums sit in 32-bit lanes 0 and 2
    _mm_storeu_si128(reinterpret_cast<__m128i*>(s), sums);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), before);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), weighted);
    const uint64_t total = uint64_t{s[0]} + s[2];
    const uint64_t weighted_sum = 32 * (uint64_t{p[0]} + p[2]) + w[0] + w[1] + w[2] + w[3];
    b = (b + length * a + weighted_sum) % kBase;
    a = (a + total) % kBase;
    data += length;
    n -= length;
  }
#endif
  for (; n > 0; --n, ++data) {
    a = (a + *data) % kBase;
    b = (b + a) % kBase;
  }
  return static_cast<uint32_t>((b << 16) | a);
}

}  // namespace

unsigned char* zlib_compress_fast(unsigned char* data, int data_len, int* out_len, int) {
  const auto n = static_cast<size_t>(data_len);
  // Worst case: every byte a 9-bit literal, plus header, end code and checksum.
  BitWriter out(n + n / 8 + 64);
  if (!out.ok()) return nullptr;
  out.bits(0x78, 8);  // zlib header: deflate, 32 KiB window
  out.bits(0x01, 8);  // no dictionary, fastest; (0x78 << 8 | 0x01) is a multiple of 31
  out.bits(1, 1);     // the last block
  out.bits(1, 2);     // fixed Huffman codes
  static const FixedCodes codes;
  // The last position each 3-byte sequence was seen at (by hash), one candidate per sequence.
  constexpr int kHashBits = 14;
  constexpr uint32_t kNone = 0xFFFFFFFFu;
  std::vector<uint32_t> last(size_t{1} << kHashBits, kNone);
  const auto hash = [&](size_t i) {
    const uint32_t v = data[i] | (uint32_t{data[i + 1]} << 8) | (uint32_t{data[i + 2]} << 16);
    return (v * 2654435761u) >> (32 - kHashBits);
  };
  // Common bytes of data[from...] and data[i...], up to 258: eight at a time, then the first
  // differing byte from the lowest set bit of their XOR (little-endian loads).
  const auto match_length = [&](size_t from, size_t i) {
    const size_t limit = n - i < 258 ? n - i : 258;
    size_t length = 0;
    while (length + 8 <= limit) {
      uint64_t a, b;
      std::memcpy(&a, data + from + length, 8);
      std::memcpy(&b, data + i + length, 8);
      if (a != b) return length + static_cast<size_t>(__builtin_ctzll(a ^ b) / 8);
      length += 8;
    }
    while (length < limit && data[from + length] == data[i + length]) ++length;
    return length;
  };
  size_t i = 0;
  while (i < n) {
    size_t length = 0, distance = 0;
    if (i > 0) {  // a run of the previous byte: the commonest match in a filtered image
      length = match_length(i - 1, i);
      distance = 1;
    }
    if (i + 3 <= n) {
      const uint32_t h = hash(i);
      const uint32_t candidate = last[h];
      last[h] = static_cast<uint32_t>(i);
      if (length < 258 && candidate != kNone && i - candidate <= 32768 && i - candidate > 1) {
        const size_t other = match_length(candidate, i);
        if (other > length) length = other, distance = i - candidate;
      }
    }
    if (length >= 3) {
      match(out, codes, static_cast<int>(length), static_cast<int>(distance));
      // The positions inside a match are not remembered: in a heatmap's hatching the older
      // candidate they would replace is the better one (the lesson's PNG: 46 KB, not 59, and
      // a tenth faster).
      i += length;
    } else {
      literal(out, codes, data[i]);
      ++i;
    }
  }
  literal(out, codes, 256);  // end of block
  out.flush_bits();
  const uint32_t checksum = adler32(data, n);
  for (int shift = 24; shift >= 0; shift -= 8) out.bits((checksum >> shift) & 0xFF, 8);
  return out.release(out_len);
}

}  // namespace attnviz
