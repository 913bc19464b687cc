// ggml's blocks read back to float32 as ggml-quants.c's dequantize_row_* does, one rounding at a
// time in the same order: all but Q2_K and Q3_K (and F16 below AVX2) a vector at a time by
// unpack-inl.hpp, the rest here a value at a time. This file is compiled once per instruction set
// (foreach_target.h includes it again for each), as matmul.cpp is: on the SCALAR target a vector
// is one value.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/dequantize.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// foreach_target.h must come first
#include "hwy/highway.h"
// per target, after highway.h
#include "compute/unpack-inl.hpp"

#ifndef ATTNVIZ_DEQUANTIZE_SHARED
#define ATTNVIZ_DEQUANTIZE_SHARED
#include <cstring>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/quant.hpp"
#include "compute/quant_blocks.hpp"
#include "compute/targets.hpp"

namespace attnviz {
namespace {

using namespace ggml;  // NOLINT: the block layouts

template <typename Block>
Block block_at(const void* blocks, size_t i) {  // a copy: the file's blocks are not aligned
  Block b;
  std::memcpy(&b, static_cast<const unsigned char*>(blocks) + i * sizeof(Block), sizeof b);
  return b;
}

// Q2_K: two halves of 128 values, each read 4 times (bits 0-1, 2-3, 4-5, 6-7 of 32 bytes), each
// time as two sub-blocks of 16 with their own scale and minimum.
void q2_k(const BlockQ2_K& b, float* y) {
  const float d = half_to_float(b.d), dmin = half_to_float(b.dmin);
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
  const float d = half_to_float(b.d);
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

template <typename Block, void (*kRead)(const Block&, float*)>
void each_block(const void* blocks, float* out, size_t n, size_t per_block) {
  for (size_t i = 0; i < n / per_block; ++i) kRead(block_at<Block>(blocks, i), out + i * per_block);
}

// A value at a time: Q2_K, Q3_K, F32; F16 without F16C; the last values of F16 and BF16 runs.
void one_at_a_time(QuantType type, const unsigned char* bytes, float* out, size_t n) {
  switch (type) {
    case QuantType::F16:
      for (size_t i = 0; i < n; ++i) out[i] = half_to_float(bits_at(bytes + 2 * i));
      return;
    case QuantType::BF16:
      for (size_t i = 0; i < n; ++i) out[i] = bfloat16_to_float(bits_at(bytes + 2 * i));
      return;
    case QuantType::Q2_K:
      return each_block<BlockQ2_K, q2_k>(bytes, out, n, QK_K);
    case QuantType::Q3_K:
      return each_block<BlockQ3_K, q3_k>(bytes, out, n, QK_K);
    default:  // F32
      std::memcpy(out, bytes, n * 4);
  }
}

}  // namespace
}  // namespace attnviz
#endif

HWY_BEFORE_NAMESPACE();
namespace attnviz {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using namespace ggml;  // NOLINT: the block layouts

using D = hn::ScalableTag<float>;  // L lanes: 16 (AVX-512), 8 (AVX2), 4 (SSE4), 1; L divides 16
using V = hn::Vec<D>;

// Whole blocks of kType a vector at a time (unpack-inl.hpp), read where they lie: a copy on the
// stack, read back by vectors, would wait on the copy's stores.
template <QuantType kType>
void whole_blocks(const unsigned char* bytes, float* y, size_t n) {
  const D d;
  using Block = BlockOf<kType>;
  for (size_t i = 0; i < n / Block::values; ++i, y += Block::values) {
    unpack_block<kType>(d, bytes + i * sizeof(typename Block::type),
                        [&](size_t j, V v) { hn::StoreU(v, d, y + j); });
  }
}

// F16 and BF16 a vector at a time (unpack-inl.hpp; F16 only where kWidensF16), the last values
// (fewer than a vector) one at a time.
template <QuantType kType>
void halves(const unsigned char* bytes, float* y, size_t n) {
  const D d;
  const size_t L = hn::Lanes(d);
  size_t i = 0;
  if constexpr (kType == QuantType::BF16 || kWidensF16) {
    for (; i + L <= n; i += L) hn::StoreU(widen_halves<kType>(d, bytes + 2 * i), d, y + i);
  }
  one_at_a_time(kType, bytes + 2 * i, y + i, n - i);
}

void Dequantize(QuantType type, const void* blocks, float* out, size_t n) {
  const auto* bytes = static_cast<const unsigned char*>(blocks);
  switch (type) {
    case QuantType::Q8_0:
      return whole_blocks<QuantType::Q8_0>(bytes, out, n);
    case QuantType::Q4_0:
      return whole_blocks<QuantType::Q4_0>(bytes, out, n);
    case QuantType::Q4_1:
      return whole_blocks<QuantType::Q4_1>(bytes, out, n);
    case QuantType::Q5_0:
      return whole_blocks<QuantType::Q5_0>(bytes, out, n);
    case QuantType::Q5_1:
      return whole_blocks<QuantType::Q5_1>(bytes, out, n);
    case QuantType::Q4_K:
      return whole_blocks<QuantType::Q4_K>(bytes, out, n);
    case QuantType::Q5_K:
      return whole_blocks<QuantType::Q5_K>(bytes, out, n);
    case QuantType::Q6_K:
      return whole_blocks<QuantType::Q6_K>(bytes, out, n);
    case QuantType::BF16:
      return halves<QuantType::BF16>(bytes, out, n);
    case QuantType::F16:
      return halves<QuantType::F16>(bytes, out, n);
    default:
      return one_at_a_time(type, bytes, out, n);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace attnviz
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace attnviz {
namespace {

#define ATTNVIZ_DEQUANTIZE_OF(NS, NAME) &NS::Dequantize,
void (*const kDequantize[])(QuantType, const void*, float*,
                            size_t) = {ATTNVIZ_EACH_TARGET(ATTNVIZ_DEQUANTIZE_OF)};

}  // namespace

void dequantize(QuantType type, const void* blocks, float* out, size_t n) {
  kDequantize[compute().kernels()](type, blocks, out, n);
}

}  // namespace attnviz
#endif
