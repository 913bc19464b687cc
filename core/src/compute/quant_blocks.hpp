// ggml's block layouts (ggml-common.h), field by field (private header): what the dequantizers
// read, and where quant_finite finds the scales.
#pragma once

#include <cstddef>
#include <cstdint>

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

}  // namespace attnviz::ggml
