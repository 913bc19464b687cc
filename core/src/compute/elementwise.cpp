// The elementwise kernels with Highway — the softmax of one row of scores, the finite check, the
// two GELUs and SiLU — compiled once per instruction set like the products (matmul.cpp).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/elementwise.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// foreach_target.h must come first
#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

#ifndef ATTNVIZ_ELEMENTWISE_SHARED
#define ATTNVIZ_ELEMENTWISE_SHARED
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "compute/targets.hpp"

namespace attnviz {
// One elementwise pass over (rows, cols) with a row stride.
struct Elementwise {
  float* x;
  size_t rows, cols, stride;
};
}  // namespace attnviz
#endif

HWY_BEFORE_NAMESPACE();
namespace attnviz {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

// e^x for x ≤ 0 (softmax's x - max): Cephes' expf polynomial after x = n·ln 2 + r, |r| ≤ ½ ln 2,
// within 2 ulp. Written with Highway's operations, one IEEE operation each and none fused, so
// every target computes the same bits (the compiler did not vectorize it alone on AVX2).
HWY_INLINE V ExpNonpositive(D d, V x_in) {
  const hn::RebindToSigned<D> di;
  const V x = hn::Max(x_in, hn::Set(d, -87.3f));  // e^-87.3 ≈ 1.2e-38: the smallest normal float
  const V t = hn::Mul(x, hn::Set(d, 1.44269504088896341f));  // x / ln 2
  const V magic = hn::Set(d, 12582912.0f);                   // round to nearest: 1.5·2^23
  const V n = hn::Sub(hn::Add(t, magic), magic);
  V r = hn::Sub(x, hn::Mul(n, hn::Set(d, 0.693359375f)));   // ln 2 in two parts: exact high part,
  r = hn::Sub(r, hn::Mul(n, hn::Set(d, -2.12194440e-4f)));  // then the low part
  V p = hn::Set(d, 1.9875691500e-4f);
  for (const float c :
       {1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f}) {
    p = hn::Add(hn::Mul(p, r), hn::Set(d, c));
  }
  const V e = hn::Add(hn::Add(hn::Mul(hn::Mul(p, r), r), r), hn::Set(d, 1.0f));
  const V two_n =  // 2^n from its exponent bits
      hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(hn::ConvertTo(di, n), hn::Set(di, 127))));
  // Below -87.3, e^x underflows to 0 as expf's does.
  return hn::IfThenElseZero(hn::Ge(x_in, hn::Set(d, -87.3f)), hn::Mul(e, two_n));
}

// row[j] = e^(row[j] - shift) for j < n, a vector at a time (the last one padded).
void ExpShifted(float* row, size_t n, float shift) {
  const D d;
  const size_t L = hn::Lanes(d);
  const V s = hn::Set(d, shift);
  size_t j = 0;
  for (; j + L <= n; j += L) {
    hn::StoreU(ExpNonpositive(d, hn::Sub(hn::LoadU(d, row + j), s)), d, row + j);
  }
  if (j < n) {
    HWY_ALIGN float tail[64 / sizeof(float)] = {};  // one vector, the widest
    std::copy(row + j, row + n, tail);
    hn::Store(ExpNonpositive(d, hn::Sub(hn::Load(d, tail), s)), d, tail);
    std::copy(tail, tail + (n - j), row + j);
  }
}

// One row of weights from one row of scores, in place: scale, softmax over the first n entries
// (the keys this query sees). Returns false when a score is not finite (q·kᵀ overflowed).
// The max and the sum are plain C++ that the compiler vectorizes for each target (eight running
// lanes, j mod 8, in a fixed order), e^x is ExpNonpositive's; with no multiply-adds contracted
// (-ffp-contract=off on this file), every target gives the same bits.
bool SoftmaxRow(float* row, size_t n, float scale) {
  constexpr int kLanes = 8;
  float lane_max[kLanes];
  std::fill(lane_max, lane_max + kLanes, -std::numeric_limits<float>::infinity());
  size_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      row[j + l] *= scale;
      lane_max[l] = std::max(lane_max[l], row[j + l]);
    }
  }
  for (; j < n; ++j) {
    row[j] *= scale;
    lane_max[0] = std::max(lane_max[0], row[j]);
  }
  const float row_max = *std::max_element(lane_max, lane_max + kLanes);
  if (!std::isfinite(row_max)) return false;
  // Subtract the row max first: softmax is shift-invariant and this keeps exp() finite.
  ExpShifted(row, n, row_max);
  float lane_sum[kLanes] = {};
  for (j = 0; j + kLanes <= n; j += kLanes) {
    for (int l = 0; l < kLanes; ++l) lane_sum[l] += row[j + l];
  }
  for (; j < n; ++j) lane_sum[0] += row[j];
  float sum = 0.0f;
  for (const float s : lane_sum) sum += s;
  const float inv = 1.0f / sum;  // sum ≥ 1: the max entry contributes e^0
  for (j = 0; j < n; ++j) row[j] *= inv;
  return std::isfinite(sum);
}

// True when no value is an infinity or NaN: one pass over the exponent bits, which the compiler
// vectorizes for each target.
bool AllFinite(const float* values, size_t n) {
  uint32_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, values + i, sizeof bits);
    bad |= static_cast<uint32_t>((bits & 0x7F800000u) == 0x7F800000u);
  }
  return bad == 0;
}

// erf(x) = 1 - erfc(x) for x ≥ 0, odd: erfc by Numerical Recipes' Chebyshev fit (erfcc, fractional
// error under 1.2e-7), t = 1/(1 + x/2), erfc = t·exp(-x² + P(t)).
HWY_INLINE V erf(D d, V x) {
  const V ax = hn::Abs(x);
  const V t = hn::Div(hn::Set(d, 1.0f), hn::MulAdd(hn::Set(d, 0.5f), ax, hn::Set(d, 1.0f)));
  static constexpr float kP[] = {0.17087277f, -0.82215223f, 1.48851587f, -1.13520398f,
                                 0.27886807f, -0.18628806f, 0.09678418f, 0.37409196f,
                                 1.00002368f, -1.26551223f};
  V poly = hn::Set(d, kP[0]);
  for (size_t i = 1; i < sizeof kP / sizeof kP[0]; ++i)
    poly = hn::MulAdd(poly, t, hn::Set(d, kP[i]));
  const V erfc = hn::Mul(t, hn::CallExp(d, hn::Sub(poly, hn::Mul(ax, ax))));
  return hn::CopySign(hn::Sub(hn::Set(d, 1.0f), erfc), x);
}

template <class F>
void each_vector(const Elementwise& e, F f) {
  const D d;
  const size_t L = hn::Lanes(d);
  parallel_for((e.rows + 63) / 64, [&](size_t chunk) {
    const size_t r1 = std::min(e.rows, chunk * 64 + 64);
    for (size_t r = chunk * 64; r < r1; ++r) {
      float* row = e.x + r * e.stride;
      size_t j = 0;
      for (; j + L <= e.cols; j += L) hn::StoreU(f(d, hn::LoadU(d, row + j)), d, row + j);
      if (j < e.cols) {
        HWY_ALIGN float tail[64 / sizeof(float)] = {};  // one vector, the widest
        std::copy(row + j, row + e.cols, tail);
        hn::Store(f(d, hn::Load(d, tail)), d, tail);
        std::copy(tail, tail + (e.cols - j), row + j);
      }
    }
  });
}

void GeluErf(const Elementwise& e) {
  each_vector(e, [](D d, V x) {
    const V half_x = hn::Mul(hn::Set(d, 0.5f), x);
    return hn::MulAdd(half_x, erf(d, hn::Mul(x, hn::Set(d, 0.70710678118654752f))), half_x);
  });
}

void GeluTanh(const Elementwise& e) {
  each_vector(e, [](D d, V x) {
    const V half_x = hn::Mul(hn::Set(d, 0.5f), x);
    const V cube = hn::Mul(hn::Mul(x, x), x);
    const V inner =
        hn::Mul(hn::Set(d, 0.79788456080286536f), hn::MulAdd(hn::Set(d, 0.044715f), cube, x));
    return hn::MulAdd(half_x, hn::CallTanh(d, inner), half_x);
  });
}

// x·σ(x) = x / (1 + e^−x), as PyTorch's CPU kernel writes it: Llama's, Mistral's and Qwen's
// gate (nn.SiLU). e^−x by Highway's Exp (the argument may be positive here).
void Silu(const Elementwise& e) {
  each_vector(e, [](D d, V x) {
    return hn::Div(x, hn::Add(hn::Set(d, 1.0f), hn::CallExp(d, hn::Neg(x))));
  });
}

}  // namespace HWY_NAMESPACE
}  // namespace attnviz
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace attnviz {
namespace {

#define ATTNVIZ_SOFTMAX_OF(NS, NAME) &NS::SoftmaxRow,
#define ATTNVIZ_ALL_FINITE_OF(NS, NAME) &NS::AllFinite,
#define ATTNVIZ_GELU_ERF_OF(NS, NAME) &NS::GeluErf,
#define ATTNVIZ_GELU_TANH_OF(NS, NAME) &NS::GeluTanh,
#define ATTNVIZ_SILU_OF(NS, NAME) &NS::Silu,
bool (*const kSoftmaxRow[])(float*, size_t, float) = {ATTNVIZ_EACH_TARGET(ATTNVIZ_SOFTMAX_OF)};
bool (*const kAllFinite[])(const float*, size_t) = {ATTNVIZ_EACH_TARGET(ATTNVIZ_ALL_FINITE_OF)};
void (*const kGeluErf[])(const Elementwise&) = {ATTNVIZ_EACH_TARGET(ATTNVIZ_GELU_ERF_OF)};
void (*const kGeluTanh[])(const Elementwise&) = {ATTNVIZ_EACH_TARGET(ATTNVIZ_GELU_TANH_OF)};
void (*const kSilu[])(const Elementwise&) = {ATTNVIZ_EACH_TARGET(ATTNVIZ_SILU_OF)};

Elementwise elementwise(MatrixRef x) {
  return Elementwise{x.data(), static_cast<size_t>(x.rows()), static_cast<size_t>(x.cols()),
                     static_cast<size_t>(x.outerStride())};
}

}  // namespace

bool softmax_row(float* row, Eigen::Index n, float scale) {
  return kSoftmaxRow[compute().kernels()](row, static_cast<size_t>(n), scale);
}

bool all_finite(const float* values, size_t n) {
  return kAllFinite[compute().kernels()](values, n);
}

void gelu_erf(MatrixRef x) { kGeluErf[compute().kernels()](elementwise(x)); }

void gelu_tanh(MatrixRef x) { kGeluTanh[compute().kernels()](elementwise(x)); }

void silu(MatrixRef x) { kSilu[compute().kernels()](elementwise(x)); }

}  // namespace attnviz
#endif
