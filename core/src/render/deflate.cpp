// Run-length deflate (RFC 1951, fixed Huffman codes) in a zlib wrapper (RFC 1950).
#include "render/deflate.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

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

// The fixed literal/length codes (RFC 1951 §3.2.6), bit-reversed once for the LSB-first writer.
struct FixedCodes {
  uint16_t bits[288];
  uint8_t length[288];
  FixedCodes() {
    for (unsigned v = 0; v < 288; ++v) {
      uint32_t code, n;
      if (v < 144) {
        code = 0x30 + v, n = 8;
      } else if (v < 256) {
        code = 0x190 + v - 144, n = 9;
      } else if (v < 280) {
        code = v - 256, n = 7;
      } else {
        code = 0xC0 + v - 280, n = 8;
      }
      uint32_t reversed = 0;
      for (uint32_t i = 0; i < n; ++i) reversed |= ((code >> i) & 1u) << (n - 1 - i);
      bits[v] = static_cast<uint16_t>(reversed);
      length[v] = static_cast<uint8_t>(n);
    }
  }
};

void literal(BitWriter& out, unsigned value) {
  static const FixedCodes codes;
  out.bits(codes.bits[value], codes.length[value]);
}

// A match of `length` (3..258) bytes, `distance` (1..32768) back: the length's code and extra
// bits, then the distance's fixed 5-bit code (most significant bit first) and extra bits.
void match(BitWriter& out, int length, int distance) {
  static constexpr int kLengthBase[] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                        15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                        67, 83, 99, 115, 131, 163, 195, 227, 258};
  static constexpr int kLengthExtra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  static constexpr int kDistanceBase[] = {
      1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
      193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  int l = 28;
  while (kLengthBase[l] > length) --l;
  literal(out, static_cast<unsigned>(257 + l));
  if (kLengthExtra[l] > 0)
    out.bits(static_cast<uint32_t>(length - kLengthBase[l]), kLengthExtra[l]);
  int d = 29;
  while (kDistanceBase[d] > distance) --d;
  uint32_t reversed = 0;
  for (int i = 0; i < 5; ++i) reversed |= ((static_cast<uint32_t>(d) >> i) & 1u) << (4 - i);
  out.bits(reversed, 5);
  const int extra = d < 4 ? 0 : d / 2 - 1;
  if (extra > 0) out.bits(static_cast<uint32_t>(distance - kDistanceBase[d]), extra);
}

// Adler-32 in blocks of 16 bytes with a sum per byte position c, in vector registers:
// over a chunk of nb blocks, Σ d = Σ_c sum[c] and Σ (N − i)·d_i = 16·Σ_c prefix[c] − Σ_c c·sum[c],
// where prefix[c] adds up sum[c] after every block (N = 16·nb, i = 16·j + c). Chunks are short
// enough for the 32-bit sums, and a and b are reduced mod 65521 after each.
uint32_t adler32(const unsigned char* data, size_t n) {
  constexpr uint64_t kBase = 65521;
  constexpr size_t kChunk = 5552 / 16 * 16;  // zlib's NMAX, in whole blocks
  uint64_t a = 1, b = 0;
  while (n >= 16) {
    const size_t length = std::min(kChunk, n / 16 * 16);
    // GCC's and Clang's vector types: 16 lanes, as SSE2's four registers or AVX-512's one.
    using Bytes = uint8_t __attribute__((vector_size(16)));
    using Lanes = uint32_t __attribute__((vector_size(64)));
    Lanes sum = {}, prefix = {};
    for (size_t j = 0; j < length; j += 16) {
      Bytes block;
      std::memcpy(&block, data + j, 16);
      sum += __builtin_convertvector(block, Lanes);
      prefix += sum;
    }
    uint64_t total = 0, weighted = 0;
    for (size_t c = 0; c < 16; ++c) {
      total += sum[c];
      weighted += 16 * uint64_t{prefix[c]} - c * uint64_t{sum[c]};
    }
    b = (b + length * a + weighted) % kBase;
    a = (a + total) % kBase;
    data += length;
    n -= length;
  }
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
      match(out, static_cast<int>(length), static_cast<int>(distance));
      // Remember the positions a short match covers; skip them in long ones, for speed.
      for (size_t k = 1; k < length && length < 32 && i + k + 3 <= n; ++k) {
        last[hash(i + k)] = static_cast<uint32_t>(i + k);
      }
      i += length;
    } else {
      literal(out, data[i]);
      ++i;
    }
  }
  literal(out, 256);  // end of block
  out.flush_bits();
  const uint32_t checksum = adler32(data, n);
  for (int shift = 24; shift >= 0; shift -= 8) out.bits((checksum >> shift) & 0xFF, 8);
  return out.release(out_len);
}

}  // namespace attnviz
