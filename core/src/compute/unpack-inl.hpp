// Values as a file holds them read into float32 a vector at a time: F16 and BF16, and ggml's
// blocks lane by lane as ggml-quants.c's dequantize_row_* computes them one value at a time, so
// the same bits (the files including this are compiled without contraction into FMAs, which would
// round once where ggml rounds twice). For the files compiled once per instruction set:
// dequantize.cpp stores the vectors (rows unpacked), matmul.cpp multiplies them as they come (a
// row read as the file holds it). Highway's "-inl" pattern: included again for each target,
// inside no namespace.
#if defined(ATTNVIZ_UNPACK_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ATTNVIZ_UNPACK_INL_H_
#undef ATTNVIZ_UNPACK_INL_H_
#else
#define ATTNVIZ_UNPACK_INL_H_
#endif

#include <cstddef>
#include <cstring>

#include "attnviz/compute/quant.hpp"
#include "compute/quant_blocks.hpp"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace attnviz {
namespace HWY_NAMESPACE {

// Whether this target widens F16 a vector at a time: only where F16C converts it (AVX2 and up),
// which makes a NaN quiet as half_to_float does; elsewhere F16 is read one value at a time.
constexpr bool kWidensF16 = HWY_TARGET <= HWY_AVX2;

// Lanes(d) values from `bytes` as float32: BF16 is the top half of a float32 (exact), F16 as
// F16C converts it (exact; only where kWidensF16).
template <QuantType kType, class D>
HWY_INLINE hwy::HWY_NAMESPACE::Vec<D> widen_halves(D d, const unsigned char* bytes) {
  namespace hn = hwy::HWY_NAMESPACE;
  static_assert(kType == QuantType::BF16 || kType == QuantType::F16, "F16 or BF16");
  if constexpr (kType == QuantType::BF16) {
    const hn::Rebind<uint16_t, D> d16;
    const hn::RebindToUnsigned<D> du;
    const auto top = hn::LoadU(d16, reinterpret_cast<const uint16_t*>(bytes));
    return hn::BitCast(d, hn::ShiftLeft<16>(hn::PromoteTo(du, top)));
  } else {
#if HWY_TARGET <= HWY_AVX2
    const hn::Rebind<hwy::float16_t, D> d16;
    return hn::PromoteTo(d, hn::LoadU(d16, reinterpret_cast<const hwy::float16_t*>(bytes)));
#else
    static_assert(kType != QuantType::F16, "F16 is widened only where kWidensF16");
    return hn::Zero(d);
#endif
  }
}

// The float16 at p (a block's scale): widened as above, one lane, where kWidensF16 (one
// instruction), else by half_to_float; the same value.
HWY_INLINE float half_at(const unsigned char* p) {
#if HWY_TARGET <= HWY_AVX2
  namespace hn = hwy::HWY_NAMESPACE;
  return hn::GetLane(widen_halves<QuantType::F16>(hn::CappedTag<float, 1>(), p));
#else
  return half_to_float(ggml::bits_at(p));
#endif
}

// Lanes(d) bytes from p, each an int32 lane.
template <class D>
HWY_INLINE hwy::HWY_NAMESPACE::Vec<hwy::HWY_NAMESPACE::RebindToSigned<D>> unsigned_bytes(
    D, const uint8_t* p) {
  namespace hn = hwy::HWY_NAMESPACE;
  return hn::PromoteTo(hn::RebindToSigned<D>(), hn::LoadU(hn::Rebind<uint8_t, D>(), p));
}

// One block of kType (ggml::BlockOf<kType>) from `block`: emit(j, v) for its values j … j +
// Lanes(d) − 1, j = 0, Lanes(d), 2·Lanes(d), … in that order (a sum over them, taken in the order
// given, is the sum over the unpacked row).
template <QuantType kType, class D, class Emit>
HWY_INLINE void unpack_block(D d, const unsigned char* block, const Emit& emit) {
  namespace hn = hwy::HWY_NAMESPACE;
  using Block = typename ggml::BlockOf<kType>::type;
  const hn::RebindToSigned<D> di;
  const size_t L = hn::Lanes(d);
  const auto as_float = [&](auto v) { return hn::ConvertTo(d, v); };
  if constexpr (kType == QuantType::Q8_0) {  // y = q · d
    const auto scale = hn::Set(d, half_at(block + offsetof(Block, d)));
    const auto* q = reinterpret_cast<const int8_t*>(block + offsetof(Block, qs));
    for (size_t j = 0; j < ggml::QK; j += L) {
      emit(j,
           hn::Mul(as_float(hn::PromoteTo(di, hn::LoadU(hn::Rebind<int8_t, D>(), q + j))), scale));
    }
  } else if constexpr (kType == QuantType::Q4_0 || kType == QuantType::Q4_1 ||
                       kType == QuantType::Q5_0 || kType == QuantType::Q5_1) {
    // Value j < 16 in qs[j]'s low nibble, j + 16 in its high one, Q5's fifth bits in qh (bit j
    // for value j); y = (value − 8, or 16) · d for _0, value · d + m for _1.
    constexpr bool kFifthBit = kType == QuantType::Q5_0 || kType == QuantType::Q5_1;
    constexpr bool kMinimum = kType == QuantType::Q4_1 || kType == QuantType::Q5_1;
    const auto scale = hn::Set(d, half_at(block + offsetof(Block, d)));
    const auto value = [&](size_t j, bool high) {  // values j … j + L − 1 of the block
      const auto v = unsigned_bytes(d, block + offsetof(Block, qs) + j % 16);
      auto q = high ? hn::ShiftRight<4>(v) : hn::And(v, hn::Set(di, 0xF));
      if constexpr (kFifthBit) {  // 16 where the lane's value's bit is set (no shift by lane)
        uint32_t qh;
        std::memcpy(&qh, block + offsetof(Block, qh), sizeof qh);
        const auto bit = hn::LoadU(di, ggml::kBitOf + j);
        q = hn::Or(q, hn::IfThenElseZero(hn::TestBit(hn::Set(di, static_cast<int32_t>(qh)), bit),
                                         hn::Set(di, 16)));
      }
      if constexpr (kMinimum) {
        return hn::Add(hn::Mul(as_float(q), scale),
                       hn::Set(d, half_at(block + offsetof(Block, m))));
      } else {
        return hn::Mul(as_float(hn::Sub(q, hn::Set(di, kFifthBit ? 16 : 8))), scale);
      }
    };
    for (size_t j = 0; j < 16; j += L) emit(j, value(j, false));
    for (size_t j = 16; j < ggml::QK; j += L) emit(j, value(j, true));
  } else if constexpr (kType == QuantType::Q4_K || kType == QuantType::Q5_K) {
    // 4 runs of 64 values, each two sub-blocks of 32 (low nibbles, then high ones, with Q5_K's
    // fifth bits from qh: bit 2·run of qh[l] for the first, 2·run + 1 for the second), each
    // y = d·scale · value − dmin·min.
    constexpr bool kFifthBit = kType == QuantType::Q5_K;
    const float dd = half_at(block + offsetof(Block, d)),
                dmin = half_at(block + offsetof(Block, dmin));
    const uint8_t* scales = block + offsetof(Block, scales);
    for (size_t sub = 0; sub < 8; ++sub) {  // values 32·sub …
      uint8_t sc, m;
      ggml::scale_min_k4(sub, scales, &sc, &m);
      const auto d1 = hn::Set(d, dd * static_cast<float>(sc));
      const auto m1 = hn::Set(d, dmin * static_cast<float>(m));
      const uint8_t* ql = block + offsetof(Block, qs) + 32 * (sub / 2);
      for (size_t l = 0; l < 32; l += L) {
        const auto v = unsigned_bytes(d, ql + l);
        auto q = sub % 2 ? hn::ShiftRight<4>(v) : hn::And(v, hn::Set(di, 0xF));
        if constexpr (kFifthBit) {
          const auto h = unsigned_bytes(d, block + offsetof(Block, qh) + l);
          q = hn::Add(q, hn::ShiftLeft<4>(hn::And(hn::ShiftRightSame(h, static_cast<int>(sub)),
                                                  hn::Set(di, 1))));
        }
        emit(32 * sub + l, hn::Sub(hn::Mul(d1, as_float(q)), m1));
      }
    }
  } else {
    static_assert(kType == QuantType::Q6_K, "a type read a vector at a time");
    // Two halves of 128 values; in each, value l, l + 32, l + 64, l + 96 (l < 32) take 4 bits
    // from ql (low nibbles of ql[l], ql[l + 32], then high ones) and 2 from qh[l] (bits 0-1,
    // 2-3, 4-5, 6-7), less 32, times d·scale (one scale per 16 values).
    const float dd = half_at(block + offsetof(Block, d));
    const auto* sc = reinterpret_cast<const int8_t*>(block + offsetof(Block, scales));
    for (size_t quarter = 0; quarter < 8; ++quarter) {  // values 32·quarter …
      const size_t half = quarter / 4, part = quarter % 4;
      const uint8_t* ql = block + offsetof(Block, ql) + 64 * half + 32 * (part % 2);
      const uint8_t* qh = block + offsetof(Block, qh) + 32 * half;
      for (size_t l = 0; l < 32; l += L) {
        const auto a = unsigned_bytes(d, ql + l), h = unsigned_bytes(d, qh + l);
        const auto four = part / 2 ? hn::ShiftRight<4>(a) : hn::And(a, hn::Set(di, 0xF));
        const auto two = hn::And(hn::ShiftRightSame(h, static_cast<int>(2 * part)), hn::Set(di, 3));
        const auto q = as_float(hn::Sub(hn::Or(four, hn::ShiftLeft<4>(two)), hn::Set(di, 32)));
        const float scale = dd * static_cast<float>(sc[8 * half + 2 * part + l / 16]);
        emit(32 * quarter + l, hn::Mul(hn::Set(d, scale), q));
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace attnviz
HWY_AFTER_NAMESPACE();

#endif  // ATTNVIZ_UNPACK_INL_H_
