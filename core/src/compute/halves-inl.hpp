// F16 and BF16 widened to float32 a vector at a time, for the files compiled once per instruction
// set (dequantize.cpp unpacks rows with it, matmul.cpp multiplies rows as a file holds them).
// Highway's "-inl" pattern: included again for each target, inside no namespace.
#if defined(ATTNVIZ_HALVES_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ATTNVIZ_HALVES_INL_H_
#undef ATTNVIZ_HALVES_INL_H_
#else
#define ATTNVIZ_HALVES_INL_H_
#endif

#include "attnviz/compute/quant.hpp"
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

}  // namespace HWY_NAMESPACE
}  // namespace attnviz
HWY_AFTER_NAMESPACE();

#endif  // ATTNVIZ_HALVES_INL_H_
