// ggml's blocks read back to float32 as ggml-quants.c's dequantize_row_* does, one rounding at a
// time in the same order (compiled without contraction into FMAs, which would round once where
// ggml rounds twice). All but Q2_K and Q3_K (and F16 below AVX2) are read a vector at a time,
// lane by lane the operations ggml does one value at a time, so the same bits. This file is
// compiled once per instruction set (foreach_target.h includes it again for each), as matmul.cpp
// is: on the SCALAR target a vector is one value.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/dequantize.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// foreach_target.h must come first
#include "hwy/highway.h"
// per target, after highway.h
#include "compute/halves-inl.hpp"

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

uint16_t bits_at(const unsigned char* p) {
  uint16_t bits;
  std::memcpy(&bits, p, 2);
  return bits;
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
using DI = hn::RebindToSigned<D>;
using VI = hn::Vec<DI>;

// L bytes from p, each an int32 lane.
HWY_INLINE VI unsigned_bytes(const uint8_t* p) {
  return hn::PromoteTo(DI(), hn::LoadU(hn::Rebind<uint8_t, D>(), p));
}
HWY_INLINE VI signed_bytes(const int8_t* p) {
  return hn::PromoteTo(DI(), hn::LoadU(hn::Rebind<int8_t, D>(), p));
}
HWY_INLINE V as_float(VI v) { return hn::ConvertTo(D(), v); }

// Each kernel reads its blocks where they lie: a copy on the stack, read back by vectors, would
// wait on the copy's stores.

// y = q · d
void q8_0(const unsigned char* blocks, float* y, size_t n) {
  const D d;
  for (size_t i = 0; i < n / QK; ++i, y += QK, blocks += sizeof(BlockQ8_0)) {
    const V scale = hn::Set(d, half_to_float(bits_at(blocks)));
    const auto* q = reinterpret_cast<const int8_t*>(blocks + offsetof(BlockQ8_0, qs));
    for (size_t j = 0; j < QK; j += hn::Lanes(d)) {
      hn::StoreU(hn::Mul(as_float(signed_bytes(q + j)), scale), d, y + j);
    }
  }
}

// Q4_0, Q4_1, Q5_0, Q5_1: value j < 16 in qs[j]'s low nibble, j + 16 in its high one, Q5's fifth
// bits in qh (bit j for value j); y = (value − 8, or 16) · d for _0, value · d + m for _1.
template <typename Block, bool kFifthBit, bool kMinimum>
void q_small(const unsigned char* blocks, float* y, size_t n) {
  const D d;
  const DI di;
  const VI low4 = hn::Set(di, 0xF), one = hn::Set(di, 1);
  const VI offset = hn::Set(di, kFifthBit ? 16 : 8);
  for (size_t i = 0; i < n / QK; ++i, y += QK, blocks += sizeof(Block)) {
    const V scale = hn::Set(d, half_to_float(bits_at(blocks + offsetof(Block, d))));
    for (size_t j = 0; j < QK / 2; j += hn::Lanes(d)) {
      const VI v = unsigned_bytes(blocks + offsetof(Block, qs) + j);
      VI lo = hn::And(v, low4), hi = hn::ShiftRight<4>(v);
      if constexpr (kFifthBit) {
        const hn::RebindToUnsigned<D> du;
        uint32_t qh;
        std::memcpy(&qh, blocks + offsetof(Block, qh), sizeof qh);
        const auto bits = hn::Set(du, qh);
        const auto at = hn::Iota(du, static_cast<uint32_t>(j));  // value j + lane's bit
        const auto fifth = [&](auto shift) {
          return hn::ShiftLeft<4>(hn::And(hn::BitCast(di, hn::operator>>(bits, shift)), one));
        };
        lo = hn::Or(lo, fifth(at));
        hi = hn::Or(hi, fifth(hn::Add(at, hn::Set(du, 16u))));
      }
      if constexpr (kMinimum) {
        const V m = hn::Set(d, half_to_float(bits_at(blocks + offsetof(Block, m))));
        hn::StoreU(hn::Add(hn::Mul(as_float(lo), scale), m), d, y + j);
        hn::StoreU(hn::Add(hn::Mul(as_float(hi), scale), m), d, y + QK / 2 + j);
      } else {
        hn::StoreU(hn::Mul(as_float(hn::Sub(lo, offset)), scale), d, y + j);
        hn::StoreU(hn::Mul(as_float(hn::Sub(hi, offset)), scale), d, y + QK / 2 + j);
      }
    }
  }
}

// Q4_K and Q5_K: 4 runs of 64 values, each two sub-blocks of 32 (low nibbles, then high ones, with
// Q5_K's fifth bits from qh: bit 2·run of qh[l] for the first, 2·run + 1 for the second), each
// y = d·scale · value − dmin·min.
template <typename Block, bool kFifthBit>
void q45_k(const unsigned char* blocks, float* y, size_t n) {
  const D d;
  const DI di;
  for (size_t i = 0; i < n / QK_K; ++i, blocks += sizeof(Block)) {
    const float dd = half_to_float(bits_at(blocks + offsetof(Block, d)));
    const float dmin = half_to_float(bits_at(blocks + offsetof(Block, dmin)));
    const uint8_t* scales = blocks + offsetof(Block, scales);
    const uint8_t* ql = blocks + offsetof(Block, qs);
    for (int run = 0; run < 4; ++run, ql += 32, y += 64) {
      uint8_t sc, m;
      scale_min_k4(static_cast<size_t>(2 * run), scales, &sc, &m);
      const V d1 = hn::Set(d, dd * static_cast<float>(sc));
      const V m1 = hn::Set(d, dmin * static_cast<float>(m));
      scale_min_k4(static_cast<size_t>(2 * run + 1), scales, &sc, &m);
      const V d2 = hn::Set(d, dd * static_cast<float>(sc));
      const V m2 = hn::Set(d, dmin * static_cast<float>(m));
      for (size_t l = 0; l < 32; l += hn::Lanes(d)) {
        const VI v = unsigned_bytes(ql + l);
        VI lo = hn::And(v, hn::Set(di, 0xF)), hi = hn::ShiftRight<4>(v);
        if constexpr (kFifthBit) {
          const VI h = unsigned_bytes(blocks + offsetof(Block, qh) + l);
          const VI one = hn::Set(di, 1);
          lo = hn::Add(lo, hn::ShiftLeft<4>(hn::And(hn::ShiftRightSame(h, 2 * run), one)));
          hi = hn::Add(hi, hn::ShiftLeft<4>(hn::And(hn::ShiftRightSame(h, 2 * run + 1), one)));
        }
        hn::StoreU(hn::Sub(hn::Mul(d1, as_float(lo)), m1), d, y + l);
        hn::StoreU(hn::Sub(hn::Mul(d2, as_float(hi)), m2), d, y + 32 + l);
      }
    }
  }
}

// Q6_K: two halves of 128 values; in each, value l, l + 32, l + 64, l + 96 (l < 32) take 4 bits
// from ql and 2 from qh, less 32, times d·scale (scale 16 values apart: is = l / 16, + 2, + 4, +
// 6).
void q6_k(const unsigned char* blocks, float* y, size_t n) {
  const D d;
  const DI di;
  const VI low4 = hn::Set(di, 0xF), low2 = hn::Set(di, 3), bias = hn::Set(di, 32);
  const auto value = [&](VI four, VI two) {
    return as_float(hn::Sub(hn::Or(four, hn::ShiftLeft<4>(hn::And(two, low2))), bias));
  };
  for (size_t i = 0; i < n / QK_K; ++i, blocks += sizeof(BlockQ6_K)) {
    const float dd = half_to_float(bits_at(blocks + offsetof(BlockQ6_K, d)));
    const uint8_t* ql = blocks + offsetof(BlockQ6_K, ql);
    const uint8_t* qh = blocks + offsetof(BlockQ6_K, qh);
    const auto* sc = reinterpret_cast<const int8_t*>(blocks + offsetof(BlockQ6_K, scales));
    for (size_t half = 0; half < 2; ++half, y += 128, ql += 64, qh += 32, sc += 8) {
      for (size_t l = 0; l < 32; l += hn::Lanes(d)) {
        const size_t is = l / 16;
        const VI a = unsigned_bytes(ql + l), c = unsigned_bytes(ql + l + 32);
        const VI h = unsigned_bytes(qh + l);
        const V q1 = value(hn::And(a, low4), h);
        const V q2 = value(hn::And(c, low4), hn::ShiftRight<2>(h));
        const V q3 = value(hn::ShiftRight<4>(a), hn::ShiftRight<4>(h));
        const V q4 = value(hn::ShiftRight<4>(c), hn::ShiftRight<6>(h));
        const auto scale = [&](size_t s) { return hn::Set(d, dd * static_cast<float>(sc[s])); };
        hn::StoreU(hn::Mul(scale(is), q1), d, y + l);
        hn::StoreU(hn::Mul(scale(is + 2), q2), d, y + l + 32);
        hn::StoreU(hn::Mul(scale(is + 4), q3), d, y + l + 64);
        hn::StoreU(hn::Mul(scale(is + 6), q4), d, y + l + 96);
      }
    }
  }
}

// F16 and BF16 a vector at a time (halves-inl.hpp; F16 only where kWidensF16), the last values
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
      return q8_0(bytes, out, n);
    case QuantType::Q4_0:
      return q_small<BlockQ4_0, false, false>(bytes, out, n);
    case QuantType::Q4_1:
      return q_small<BlockQ4_1, false, true>(bytes, out, n);
    case QuantType::Q5_0:
      return q_small<BlockQ5_0, true, false>(bytes, out, n);
    case QuantType::Q5_1:
      return q_small<BlockQ5_1, true, true>(bytes, out, n);
    case QuantType::Q4_K:
      return q45_k<BlockQ4_K, false>(bytes, out, n);
    case QuantType::Q5_K:
      return q45_k<BlockQ5_K, true>(bytes, out, n);
    case QuantType::Q6_K:
      return q6_k(bytes, out, n);
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
