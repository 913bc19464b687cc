// ggml's block layouts (ggml-common.h) read back to float32 as ggml-quants.c's dequantize_row_*
// does, one rounding at a time in the same order (compiled without contraction into FMAs, which
// would round once where ggml rounds twice).
#include "attnviz/compute/quant.hpp"

#include <cmath>
#include <cstring>

#include "attnviz/error.hpp"
#include "attnviz/matrix.hpp"

namespace attnviz {

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0) {  // zero or subnormal: mantissa · 2^-24, exact in float
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  uint32_t bits;
  if (exponent == 0x1F) {
    // infinity, or a NaN made quiet as the processor's conversion (F16C) makes it
    bits = sign | 0x7F800000u | (mantissa << 13) | (mantissa ? 0x00400000u : 0u);
  } else {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);  // rebias 15 → 127
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float bfloat16_to_float(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

namespace {

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

template <typename Block>
Block block_at(const void* blocks, size_t i) {  // a copy: the file's blocks are not aligned
  Block b;
  std::memcpy(&b, static_cast<const unsigned char*>(blocks) + i * sizeof(Block), sizeof b);
  return b;
}

float h(uint16_t bits) { return half_to_float(bits); }

void q4_0(const BlockQ4_0& b, float* y) {
  const float d = h(b.d);
  for (size_t j = 0; j < QK / 2; ++j) {
    y[j] = static_cast<float>((b.qs[j] & 0x0F) - 8) * d;
    y[j + QK / 2] = static_cast<float>((b.qs[j] >> 4) - 8) * d;
  }
}

void q4_1(const BlockQ4_1& b, float* y) {
  const float d = h(b.d), m = h(b.m);
  for (size_t j = 0; j < QK / 2; ++j) {
    y[j] = static_cast<float>(b.qs[j] & 0x0F) * d + m;
    y[j + QK / 2] = static_cast<float>(b.qs[j] >> 4) * d + m;
  }
}

// The fifth bits: value j's is bit j of qh, value j + 16's bit j + 16.
template <typename Block>
void fifth_bits(const Block& b, int* lo, int* hi) {
  uint32_t qh;
  std::memcpy(&qh, b.qh, sizeof qh);
  for (size_t j = 0; j < QK / 2; ++j) {
    lo[j] = (b.qs[j] & 0x0F) | static_cast<int>(((qh >> j) << 4) & 0x10);
    hi[j] = (b.qs[j] >> 4) | static_cast<int>((qh >> (j + 12)) & 0x10);
  }
}

void q5_0(const BlockQ5_0& b, float* y) {
  const float d = h(b.d);
  int lo[QK / 2], hi[QK / 2];
  fifth_bits(b, lo, hi);
  for (size_t j = 0; j < QK / 2; ++j) {
    y[j] = static_cast<float>(lo[j] - 16) * d;
    y[j + QK / 2] = static_cast<float>(hi[j] - 16) * d;
  }
}

void q5_1(const BlockQ5_1& b, float* y) {
  const float d = h(b.d), m = h(b.m);
  int lo[QK / 2], hi[QK / 2];
  fifth_bits(b, lo, hi);
  for (size_t j = 0; j < QK / 2; ++j) {
    y[j] = static_cast<float>(lo[j]) * d + m;
    y[j + QK / 2] = static_cast<float>(hi[j]) * d + m;
  }
}

void q8_0(const BlockQ8_0& b, float* y) {
  const float d = h(b.d);
  for (size_t j = 0; j < QK; ++j) y[j] = static_cast<float>(b.qs[j]) * d;
}

// Q2_K: two halves of 128 values, each read 4 times (bits 0-1, 2-3, 4-5, 6-7 of 32 bytes), each
// time as two sub-blocks of 16 with their own scale and minimum.
void q2_k(const BlockQ2_K& b, float* y) {
  const float d = h(b.d), dmin = h(b.dmin);
  const uint8_t* q = b.qs;
  size_t is = 0;
  for (size_t n = 0; n < QK_K; n += 128, q += 32) {
    for (int shift = 0; shift < 8; shift += 2) {
      for (size_t half = 0; half < 2; ++half) {
        const uint8_t sc = b.scales[is++];
        const float dl = d * static_cast<float>(sc & 0xF), ml = dmin * static_cast<float>(sc >> 4);
        for (size_t l = 0; l < 16; ++l) {
          *y++ = dl * static_cast<float>((q[l + 16 * half] >> shift) & 3) - ml;
        }
      }
    }
  }
}

// Q3_K's 16 scales of 6 bits: low 4 bits in scales[0..7] (two per byte), high 2 bits in
// scales[8..11], unpacked as ggml does with 32-bit masks, then less 32.
void q3_k_scales(const uint8_t* packed, int8_t* scales) {
  uint32_t aux[4];
  std::memcpy(aux, packed, 12);
  const uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f, tmp = aux[2];
  aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
  aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
  aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
  aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
  std::memcpy(scales, aux, 16);
}

void q3_k(const BlockQ3_K& b, float* y) {
  const float d = h(b.d);
  int8_t scales[16];
  q3_k_scales(b.scales, scales);
  const uint8_t* q = b.qs;
  size_t is = 0;
  uint8_t m = 1;
  for (size_t n = 0; n < QK_K; n += 128, q += 32) {
    for (int shift = 0; shift < 8; shift += 2, m = static_cast<uint8_t>(m << 1)) {
      for (size_t half = 0; half < 2; ++half) {
        const float dl = d * static_cast<float>(scales[is++] - 32);
        for (size_t l = 0; l < 16; ++l) {
          const size_t i = l + 16 * half;
          const int value = ((q[i] >> shift) & 3) - ((b.hmask[i] & m) ? 0 : 4);
          *y++ = dl * static_cast<float>(value);
        }
      }
    }
  }
}

// Q4_K's and Q5_K's 8 scales and 8 minimums of 6 bits (ggml's get_scale_min_k4).
void scale_min_k4(size_t j, const uint8_t* q, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = q[j] & 63;
    *min = q[j + 4] & 63;
  } else {
    *scale = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *min = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
  }
}

// Q4_K and Q5_K: 4 runs of 64 values, each two sub-blocks of 32 (low nibbles, then high ones).
template <typename Block, bool kFifthBit>
void q45_k(const Block& b, float* y) {
  const float d = h(b.d), dmin = h(b.dmin);
  const uint8_t* ql = b.qs;
  uint8_t u1 = 1, u2 = 2;
  for (size_t j = 0, is = 0; j < QK_K; j += 64, ql += 32, is += 2) {
    uint8_t sc, m;
    scale_min_k4(is, b.scales, &sc, &m);
    const float d1 = d * static_cast<float>(sc), m1 = dmin * static_cast<float>(m);
    scale_min_k4(is + 1, b.scales, &sc, &m);
    const float d2 = d * static_cast<float>(sc), m2 = dmin * static_cast<float>(m);
    for (size_t l = 0; l < 32; ++l) {
      int v = ql[l] & 0xF;
      if constexpr (kFifthBit) v += (b.qh[l] & u1) ? 16 : 0;
      *y++ = d1 * static_cast<float>(v) - m1;
    }
    for (size_t l = 0; l < 32; ++l) {
      int v = ql[l] >> 4;
      if constexpr (kFifthBit) v += (b.qh[l] & u2) ? 16 : 0;
      *y++ = d2 * static_cast<float>(v) - m2;
    }
    u1 = static_cast<uint8_t>(u1 << 2);
    u2 = static_cast<uint8_t>(u2 << 2);
  }
}

void q6_k(const BlockQ6_K& b, float* y) {
  const float d = h(b.d);
  const uint8_t* ql = b.ql;
  const uint8_t* qh = b.qh;
  const int8_t* sc = b.scales;
  for (size_t n = 0; n < QK_K; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
    for (size_t l = 0; l < 32; ++l) {
      const size_t is = l / 16;
      const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
      const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
      const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
      const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
      y[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
      y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
      y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
      y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
    }
  }
}

template <typename Block, void (*kRead)(const Block&, float*)>
void each_block(const void* blocks, float* out, size_t n, size_t per_block) {
  for (size_t i = 0; i < n / per_block; ++i) kRead(block_at<Block>(blocks, i), out + i * per_block);
}

// The float16 scales of every block: at `offset` in each of the blocks, `count` of them.
bool halves_finite(const void* blocks, size_t n_blocks, size_t block_bytes, size_t offset,
                   size_t count) {
  const auto* p = static_cast<const unsigned char*>(blocks) + offset;
  for (size_t i = 0; i < n_blocks; ++i, p += block_bytes) {
    for (size_t c = 0; c < count; ++c) {
      uint16_t bits;
      std::memcpy(&bits, p + 2 * c, 2);
      if ((bits & 0x7C00u) == 0x7C00u) return false;  // exponent all ones: infinity or NaN
    }
  }
  return true;
}

}  // namespace

const QuantLayout* quant_layout(uint32_t ggml_type) {
  static const QuantLayout kF32{"f32", 1, 4}, kF16{"f16", 1, 2}, kBf16{"bf16", 1, 2},
      kQ4_0{"q4_0", QK, sizeof(BlockQ4_0)}, kQ4_1{"q4_1", QK, sizeof(BlockQ4_1)},
      kQ5_0{"q5_0", QK, sizeof(BlockQ5_0)}, kQ5_1{"q5_1", QK, sizeof(BlockQ5_1)},
      kQ8_0{"q8_0", QK, sizeof(BlockQ8_0)}, kQ2_K{"q2_K", QK_K, sizeof(BlockQ2_K)},
      kQ3_K{"q3_K", QK_K, sizeof(BlockQ3_K)}, kQ4_K{"q4_K", QK_K, sizeof(BlockQ4_K)},
      kQ5_K{"q5_K", QK_K, sizeof(BlockQ5_K)}, kQ6_K{"q6_K", QK_K, sizeof(BlockQ6_K)};
  switch (static_cast<QuantType>(ggml_type)) {
    case QuantType::F32:
      return &kF32;
    case QuantType::F16:
      return &kF16;
    case QuantType::BF16:
      return &kBf16;
    case QuantType::Q4_0:
      return &kQ4_0;
    case QuantType::Q4_1:
      return &kQ4_1;
    case QuantType::Q5_0:
      return &kQ5_0;
    case QuantType::Q5_1:
      return &kQ5_1;
    case QuantType::Q8_0:
      return &kQ8_0;
    case QuantType::Q2_K:
      return &kQ2_K;
    case QuantType::Q3_K:
      return &kQ3_K;
    case QuantType::Q4_K:
      return &kQ4_K;
    case QuantType::Q5_K:
      return &kQ5_K;
    case QuantType::Q6_K:
      return &kQ6_K;
  }
  return nullptr;
}

const char* ggml_type_name(uint32_t ggml_type) {
  if (const QuantLayout* l = quant_layout(ggml_type)) return l->name;
  switch (ggml_type) {  // ggml's other types (ggml.h), none of them read here
    case 9:
      return "q8_1";
    case 15:
      return "q8_K";
    case 16:
      return "iq2_xxs";
    case 17:
      return "iq2_xs";
    case 18:
      return "iq3_xxs";
    case 19:
      return "iq1_s";
    case 20:
      return "iq4_nl";
    case 21:
      return "iq3_s";
    case 22:
      return "iq2_s";
    case 23:
      return "iq4_xs";
    case 24:
      return "i8";
    case 25:
      return "i16";
    case 26:
      return "i32";
    case 27:
      return "i64";
    case 28:
      return "f64";
    case 29:
      return "iq1_m";
    case 34:
      return "tq1_0";
    case 35:
      return "tq2_0";
    case 39:
      return "mxfp4";
    case 40:
      return "nvfp4";
    case 41:
      return "q1_0";
    case 42:
      return "q2_0";
    default:
      return nullptr;
  }
}

void dequantize(QuantType type, const void* blocks, float* out, size_t n) {
  const auto* bytes = static_cast<const unsigned char*>(blocks);
  switch (type) {
    case QuantType::F32:
      std::memcpy(out, bytes, n * 4);
      return;
    case QuantType::F16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t bits;
        std::memcpy(&bits, bytes + 2 * i, 2);
        out[i] = half_to_float(bits);
      }
      return;
    case QuantType::BF16:  // the high half of a float32: a shift the compiler vectorizes
      for (size_t i = 0; i < n; ++i) {
        uint16_t half;
        std::memcpy(&half, bytes + 2 * i, 2);
        const uint32_t bits = static_cast<uint32_t>(half) << 16;
        std::memcpy(out + i, &bits, 4);
      }
      return;
    case QuantType::Q4_0:
      return each_block<BlockQ4_0, q4_0>(blocks, out, n, QK);
    case QuantType::Q4_1:
      return each_block<BlockQ4_1, q4_1>(blocks, out, n, QK);
    case QuantType::Q5_0:
      return each_block<BlockQ5_0, q5_0>(blocks, out, n, QK);
    case QuantType::Q5_1:
      return each_block<BlockQ5_1, q5_1>(blocks, out, n, QK);
    case QuantType::Q8_0:
      return each_block<BlockQ8_0, q8_0>(blocks, out, n, QK);
    case QuantType::Q2_K:
      return each_block<BlockQ2_K, q2_k>(blocks, out, n, QK_K);
    case QuantType::Q3_K:
      return each_block<BlockQ3_K, q3_k>(blocks, out, n, QK_K);
    case QuantType::Q4_K:
      return each_block<BlockQ4_K, q45_k<BlockQ4_K, false>>(blocks, out, n, QK_K);
    case QuantType::Q5_K:
      return each_block<BlockQ5_K, q45_k<BlockQ5_K, true>>(blocks, out, n, QK_K);
    case QuantType::Q6_K:
      return each_block<BlockQ6_K, q6_k>(blocks, out, n, QK_K);
  }
}

bool quant_finite(QuantType type, const void* blocks, size_t n) {
  const QuantLayout& l = *quant_layout(static_cast<uint32_t>(type));
  const size_t nb = n / l.block_values;
  switch (type) {
    case QuantType::F32: {
      const auto* p = static_cast<const unsigned char*>(blocks);
      for (size_t i = 0; i < n; ++i) {
        float f;
        std::memcpy(&f, p + 4 * i, 4);
        if (!std::isfinite(f)) return false;
      }
      return true;
    }
    case QuantType::F16:
      return halves_finite(blocks, n, 2, 0, 1);
    case QuantType::BF16: {
      const auto* p = static_cast<const unsigned char*>(blocks);
      for (size_t i = 0; i < n; ++i) {
        uint16_t bits;
        std::memcpy(&bits, p + 2 * i, 2);
        if ((bits & 0x7F80u) == 0x7F80u) return false;
      }
      return true;
    }
    case QuantType::Q4_0:
    case QuantType::Q5_0:
    case QuantType::Q8_0:
      return halves_finite(blocks, nb, l.block_bytes, 0, 1);
    case QuantType::Q4_1:
    case QuantType::Q5_1:
    case QuantType::Q4_K:
    case QuantType::Q5_K:
      return halves_finite(blocks, nb, l.block_bytes, 0, 2);
    case QuantType::Q2_K:
      return halves_finite(blocks, nb, l.block_bytes, offsetof(BlockQ2_K, d), 2);
    case QuantType::Q3_K:
      return halves_finite(blocks, nb, l.block_bytes, offsetof(BlockQ3_K, d), 1);
    case QuantType::Q6_K:
      return halves_finite(blocks, nb, l.block_bytes, offsetof(BlockQ6_K, d), 1);
  }
  return false;
}

// Tensor's packed rows (matrix.hpp).
Tensor Tensor::part(Eigen::Index row, Eigen::Index col, Eigen::Index rows,
                    Eigen::Index cols) const {
  if (!packed_) return Tensor(data() + row * outerStride() + col, rows, cols, outerStride(), keep_);
  if (col != 0 || cols != this->cols()) {
    throw Error(Err::Internal, {"a part of a quantized tensor that is not whole rows"});
  }
  Tensor t = packed(packed_, rows, cols);
  t.packed_first_ = packed_first_ + row;
  return t;
}

void Tensor::row_into(Eigen::Index i, float* out) const {
  if (!packed_) {
    std::copy(data() + i * outerStride(), data() + i * outerStride() + cols(), out);
    return;
  }
  dequantize(packed_->type, packed_->row(packed_first_ + i), out, static_cast<size_t>(cols()));
}

}  // namespace attnviz
