// ggml's block layouts (ggml-common.h), field by field (private header): what the dequantizers
// read, and where quant_finite finds the scales.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "attnviz/compute/quant.hpp"

namespace attnviz::ggml {

constexpr size_t QK = 32;     // values per block of the _0, _1 and Q8_0 types
constexpr size_t QK_K = 256;  // values per super-block of the K types

// The block layouts, field by field, in the order ggml-common.h declares them.
struct BlockQ4_0 {
  uint16_t d;          // scale
  uint8_t qs[QK / 2];  // value j in the low nibble of qs[j], value j + 16 in the high one
};
struct BlockQ4_1 {
  uint16_t d, m;  // scale and minimum
  uint8_t qs[QK / 2];
};
struct BlockQ5_0 {
  uint16_t d;
  uint8_t qh[4];  // the fifth bit of each value
  uint8_t qs[QK / 2];
};
struct BlockQ5_1 {
  uint16_t d, m;
  uint8_t qh[4];
  uint8_t qs[QK / 2];
};
struct BlockQ8_0 {
  uint16_t d;
  int8_t qs[QK];
};
struct BlockQ2_K {
  uint8_t scales[QK_K / 16];  // 16 sub-blocks: scale (low 4 bits) and minimum (high 4 bits)
  uint8_t qs[QK_K / 4];       // 2 bits per value
  uint16_t d, dmin;           // scales of the scales and of the minimums
};
struct BlockQ3_K {
  uint8_t hmask[QK_K / 8];  // the third bit of each value
  uint8_t qs[QK_K / 4];     // its low 2 bits
  uint8_t scales[12];       // 16 scales of 6 bits
  uint16_t d;
};
struct BlockQ4_K {
  uint16_t d, dmin;
  uint8_t scales[12];  // 8 sub-blocks: scale and minimum, 6 bits each
  uint8_t qs[QK_K / 2];
};
struct BlockQ5_K {
  uint16_t d, dmin;
  uint8_t scales[12];
  uint8_t qh[QK_K / 8];
  uint8_t qs[QK_K / 2];
};
struct BlockQ6_K {
  uint8_t ql[QK_K / 2];  // low 4 bits
  uint8_t qh[QK_K / 4];  // high 2 bits
  int8_t scales[QK_K / 16];
  uint16_t d;
};
static_assert(sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20 && sizeof(BlockQ5_0) == 22 &&
                  sizeof(BlockQ5_1) == 24 && sizeof(BlockQ8_0) == 34 && sizeof(BlockQ2_K) == 84 &&
                  sizeof(BlockQ3_K) == 110 && sizeof(BlockQ4_K) == 144 &&
                  sizeof(BlockQ5_K) == 176 && sizeof(BlockQ6_K) == 210,
              "ggml's block sizes");

// Two bytes of a block (the file's blocks are not aligned).
inline uint16_t bits_at(const unsigned char* p) {
  uint16_t bits;
  std::memcpy(&bits, p, 2);
  return bits;
}

// Q4_K's and Q5_K's 8 scales and 8 minimums of 6 bits (ggml's get_scale_min_k4).
inline void scale_min_k4(size_t j, const uint8_t* q, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = q[j] & 63;
    *min = q[j + 4] & 63;
  } else {
    *scale = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *min = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
  }
}

// Bit j alone, j < 32: which of qh's bits is value j's fifth (Q5_0, Q5_1).
inline constexpr int32_t kBitOf[32] = {
    1,       2,       4,       8,       16,      32,      64,      128,
    1 << 8,  1 << 9,  1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15,
    1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 21, 1 << 22, 1 << 23,
    1 << 24, 1 << 25, 1 << 26, 1 << 27, 1 << 28, 1 << 29, 1 << 30, INT32_MIN};

// The block of each type read a vector at a time (unpack-inl.hpp): its layout and values.
template <QuantType kType>
struct BlockOf;
#define ATTNVIZ_BLOCK_OF(TYPE, BLOCK, VALUES) \
  template <>                                 \
  struct BlockOf<QuantType::TYPE> {           \
    using type = BLOCK;                       \
    static constexpr size_t values = VALUES;  \
  };
ATTNVIZ_BLOCK_OF(Q4_0, BlockQ4_0, QK)
ATTNVIZ_BLOCK_OF(Q4_1, BlockQ4_1, QK)
ATTNVIZ_BLOCK_OF(Q5_0, BlockQ5_0, QK)
ATTNVIZ_BLOCK_OF(Q5_1, BlockQ5_1, QK)
ATTNVIZ_BLOCK_OF(Q8_0, BlockQ8_0, QK)
ATTNVIZ_BLOCK_OF(Q4_K, BlockQ4_K, QK_K)
ATTNVIZ_BLOCK_OF(Q5_K, BlockQ5_K, QK_K)
ATTNVIZ_BLOCK_OF(Q6_K, BlockQ6_K, QK_K)
#undef ATTNVIZ_BLOCK_OF
}  // namespace attnviz::ggml
