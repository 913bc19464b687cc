// Matrix products and elementwise functions with Highway: this file is compiled once per
// instruction set (foreach_target.h includes it again for each), and the table at the end calls
// the best one this CPU supports. Outside HWY_NAMESPACE nothing depends on the target, so no
// inline function or template is compiled twice with different instructions (the ODR trap).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/kernels.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// foreach_target.h must come first
#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

#ifndef ATTNVIZ_KERNELS_SHARED
#define ATTNVIZ_KERNELS_SHARED
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/error.hpp"
#include "compute/kernel_table.hpp"

namespace attnviz {
// One product, as the dispatched kernels see it: C (m, n) = A (m, k) · B, B (k, n) or (n, k).
struct Product {
  const float* a;
  size_t lda;
  const float* b;
  size_t ldb;
  bool transposed;  // B is (n, k)
  float* c;
  size_t ldc;
  size_t m, n, k;
};
// One elementwise pass over (rows, cols) with a row stride.
struct Elementwise {
  float* x;
  size_t rows, cols, stride;
};
// Depth of one pass over K: a packed block of B is kDepth × panel width. It is the same on
// every target, so AVX2 and AVX-512 add the same partial sums in the same order.
constexpr size_t kDepth = 256;
// A with at most this many rows is multiplied by B (n, k) without packing B: dot_rows.
constexpr size_t kFewRows = 16;
// B (k, n) is read where it lies for fewer rows of A than this, and packed for more: its depth
// rows lie ldb floats apart, which for GPT-2's 3072-wide MLP is 12 KiB, a multiple of 4 KiB,
// so a panel's rows all fall in the same few L1 sets and evict each other (measured at T = 1024:
// 54 GFLOP/s in place against 95 packed on AVX2); with few rows the copy costs more than it saves.
constexpr size_t kPackRows = 128;
// Below this many multiply-adds a product runs on the calling thread alone.
constexpr size_t kThreadedWork = size_t{1} << 21;
}  // namespace attnviz
#endif

HWY_BEFORE_NAMESPACE();
namespace attnviz {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

// A tile of C is kRows rows × kVectors vectors, all in registers: 6 × 4 = 24 of AVX-512's 32,
// 6 × 2 = 12 of the 16 that AVX2 and SSE have.
constexpr size_t kRows = 6;
#if HWY_TARGET <= HWY_AVX3
constexpr size_t kVectors = 4;
#else
constexpr size_t kVectors = 2;
#endif

// c (R, W) (+)= a (R, kc) · panel (kc, W), the panel's rows ldp floats apart: each row of a
// broadcast, W = kVectors vectors wide. Each entry of c is summed over k in order, one
// multiply-add at a time.
template <size_t R>
HWY_INLINE void tile(const float* HWY_RESTRICT a, size_t lda, const float* HWY_RESTRICT panel,
                     size_t ldp, float* HWY_RESTRICT c, size_t ldc, size_t kc, bool accumulate) {
  const D d;
  const size_t L = hn::Lanes(d);
  V acc[R][kVectors];
  for (size_t i = 0; i < R; ++i) {
    for (size_t j = 0; j < kVectors; ++j) {
      acc[i][j] = accumulate ? hn::LoadU(d, c + i * ldc + j * L) : hn::Zero(d);
    }
  }
  for (size_t k = 0; k < kc; ++k) {
    V b[kVectors];
    for (size_t j = 0; j < kVectors; ++j) b[j] = hn::LoadU(d, panel + k * ldp + j * L);
    for (size_t i = 0; i < R; ++i) {
      const V ai = hn::Set(d, a[i * lda + k]);
      for (size_t j = 0; j < kVectors; ++j) acc[i][j] = hn::MulAdd(ai, b[j], acc[i][j]);
    }
  }
  for (size_t i = 0; i < R; ++i) {
    for (size_t j = 0; j < kVectors; ++j) hn::StoreU(acc[i][j], d, c + i * ldc + j * L);
  }
}

void tile_rows(size_t rows, const float* a, size_t lda, const float* panel, size_t ldp, float* c,
               size_t ldc, size_t kc, bool accumulate) {
  switch (rows) {
    case 6:
      return tile<6>(a, lda, panel, ldp, c, ldc, kc, accumulate);
    case 5:
      return tile<5>(a, lda, panel, ldp, c, ldc, kc, accumulate);
    case 4:
      return tile<4>(a, lda, panel, ldp, c, ldc, kc, accumulate);
    case 3:
      return tile<3>(a, lda, panel, ldp, c, ldc, kc, accumulate);
    case 2:
      return tile<2>(a, lda, panel, ldp, c, ldc, kc, accumulate);
    default:
      return tile<1>(a, lda, panel, ldp, c, ldc, kc, accumulate);
  }
}

// Copies B's columns [n0, n0 + w) and depths [k0, k0 + kc) into panel (kc, W), zero past w.
void pack(const Product& p, size_t n0, size_t w, size_t k0, size_t kc, size_t W, float* panel) {
  if (w < W) std::fill(panel, panel + kc * W, 0.0f);
  if (p.transposed) {  // B (n, k): a transpose, 16 depths at a time so the panel rows it
    // writes (16 × W floats) stay in the L1 cache while each row of B is read a line at a time
    for (size_t kb = 0; kb < kc; kb += 16) {
      const size_t ke = std::min(kc, kb + 16);
      for (size_t j = 0; j < w; ++j) {
        const float* src = p.b + (n0 + j) * p.ldb + k0;
        for (size_t k = kb; k < ke; ++k) panel[k * W + j] = src[k];
      }
    }
  } else {  // B (k, n): rows copy straight
    for (size_t k = 0; k < kc; ++k) std::memcpy(panel + k * W, p.b + (k0 + k) * p.ldb + n0, w * 4);
  }
}

// Rows [m0, m1) × panels [p0, p1) of C: for each depth block, one panel of B, then every row
// tile over it. For fewer than kPackRows rows B (k, n) is read where it lies, each depth's W
// columns one contiguous run (no copy to make); otherwise, and for B (n, k) and a panel past B's
// right edge, the panel is packed first. Either way the same multiply-adds in the same order.
void product_part(const Product& p, size_t m0, size_t m1, size_t p0, size_t p1) {
  const D d;
  const size_t W = kVectors * hn::Lanes(d);
  thread_local std::vector<float> panel, edge;  // (kDepth, W); a (kRows, W) tile past C's edge
  panel.resize(kDepth * W);
  edge.resize(kRows * W);
  for (size_t pi = p0; pi < p1; ++pi) {
    const size_t n0 = pi * W, w = std::min(W, p.n - n0);
    for (size_t k0 = 0; k0 < p.k; k0 += kDepth) {
      const size_t kc = std::min(kDepth, p.k - k0);
      const bool accumulate = k0 > 0;
      const bool in_place = !p.transposed && w == W && p.m < kPackRows;
      const float* b = in_place ? p.b + k0 * p.ldb + n0 : panel.data();
      const size_t ldp = in_place ? p.ldb : W;
      if (!in_place) pack(p, n0, w, k0, kc, W, panel.data());
      for (size_t i = m0; i < m1; i += kRows) {
        const size_t rows = std::min(kRows, m1 - i);
        const float* a = p.a + i * p.lda + k0;
        float* c = p.c + i * p.ldc + n0;
        if (w == W) {
          tile_rows(rows, a, p.lda, b, ldp, c, p.ldc, kc, accumulate);
          continue;
        }
        for (size_t r = 0; r < rows && accumulate; ++r) {
          std::copy(c + r * p.ldc, c + r * p.ldc + w, edge.data() + r * W);
        }
        tile_rows(rows, a, p.lda, b, ldp, edge.data(), W, kc, accumulate);
        for (size_t r = 0; r < rows; ++r) {
          std::copy(edge.data() + r * W, edge.data() + r * W + w, c + r * p.ldc);
        }
      }
    }
  }
}

// Few rows of A against B (n, k), without packing: C[i][j] = Σ_k a[i][k]·b[j][k] with k spread
// over 16 running sums (k mod 16) whatever the vector width, added up at the end in one fixed
// order, so every target with FMA gives the same bits. Rows j0..j1 of B are read once.
constexpr size_t kSums = 16;

void dot_rows(const Product& p, size_t j0, size_t j1) {
  const D d;
  const size_t L = hn::Lanes(d), vectors = kSums / L;  // per set of 16 sums
  constexpr size_t kB = 4;                             // rows of B per pass
  HWY_ALIGN float sums[kSums];
  for (size_t j = j0; j < j1; j += kB) {
    const size_t nb = std::min(kB, j1 - j);
    for (size_t i = 0; i < p.m; ++i) {
      const float* a = p.a + i * p.lda;
      V acc[kB][kSums];  // acc[r][v]: only the first `vectors` are used
      for (size_t r = 0; r < kB; ++r) {
        for (size_t v = 0; v < vectors; ++v) acc[r][v] = hn::Zero(d);
      }
      const size_t full = p.k / kSums * kSums;
      const auto step = [&](const float* a16, const float* const* b16) {  // 16 depths
        for (size_t v = 0; v < vectors; ++v) {
          const V av = hn::LoadU(d, a16 + v * L);
          for (size_t r = 0; r < nb; ++r) {
            acc[r][v] = hn::MulAdd(av, hn::LoadU(d, b16[r] + v * L), acc[r][v]);
          }
        }
      };
      const float* rows[kB];
      for (size_t k = 0; k < full; k += kSums) {
        for (size_t r = 0; r < nb; ++r) rows[r] = p.b + (j + r) * p.ldb + k;
        step(a + k, rows);
      }
      if (full < p.k) {  // the last depths, zero-padded to 16 (adding 0·0 changes no sum)
        HWY_ALIGN float a_tail[kSums] = {}, b_tail[kB][kSums] = {};
        std::copy(a + full, a + p.k, a_tail);
        for (size_t r = 0; r < nb; ++r) {
          std::copy(p.b + (j + r) * p.ldb + full, p.b + (j + r) * p.ldb + p.k, b_tail[r]);
          rows[r] = b_tail[r];
        }
        step(a_tail, rows);
      }
      for (size_t r = 0; r < nb; ++r) {
        for (size_t v = 0; v < vectors; ++v) hn::Store(acc[r][v], d, sums + v * L);
        for (size_t half = kSums / 2; half > 0; half /= 2) {  // a fixed tree: 8, 4, 2, 1
          for (size_t s = 0; s < half; ++s) sums[s] += sums[s + half];
        }
        p.c[i * p.ldc + j + r] = sums[0];
      }
    }
  }
}

void Matmul(const Product& p) {
  const D d;
  if (p.transposed && p.m <= kFewRows) {
    const size_t chunks = p.m * p.n * p.k < kThreadedWork ? 1 : (p.n + 255) / 256;
    parallel_for(chunks, [&](size_t c) { dot_rows(p, p.n * c / chunks, p.n * (c + 1) / chunks); });
    return;
  }
  const size_t W = kVectors * hn::Lanes(d);
  const size_t panels = (p.n + W - 1) / W;
  if (p.m * p.n * p.k < kThreadedWork || threads() == 1) {
    product_part(p, 0, p.m, 0, panels);
    return;
  }
  // Tasks: column chunks of about 256 columns, and row chunks (whole tiles) when there are too
  // few column chunks to keep every thread busy. Each task packs its own panels.
  const size_t chunk_panels = std::max<size_t>(1, 256 / W);
  const size_t column_chunks = (panels + chunk_panels - 1) / chunk_panels;
  const size_t want = 4 * static_cast<size_t>(threads());
  size_t row_chunks = column_chunks >= want ? 1 : (want + column_chunks - 1) / column_chunks;
  row_chunks = std::max<size_t>(1, std::min(row_chunks, p.m / (8 * kRows)));
  const size_t tiles = (p.m + kRows - 1) / kRows;
  parallel_for(row_chunks * column_chunks, [&](size_t task) {
    const size_t rc = task / column_chunks, cc = task % column_chunks;
    const size_t m0 = std::min(p.m, tiles * rc / row_chunks * kRows);
    const size_t m1 = std::min(p.m, tiles * (rc + 1) / row_chunks * kRows);
    const size_t p0 = cc * chunk_panels, p1 = std::min(panels, p0 + chunk_panels);
    product_part(p, m0, m1, p0, p1);
  });
}

// e^x for x ≤ 0 (softmax's x - max): Cephes' expf polynomial after x = n·ln 2 + r, |r| ≤ ½ ln 2,
// within 2 ulp. Plain arithmetic with no branches, so the compiler vectorizes the loops using it.
inline float exp_nonpositive(float x_in) {
  const float x = std::max(x_in, -87.3f);    // e^-87.3 ≈ 1.2e-38: the smallest normal float
  const float t = x * 1.44269504088896341f;  // x / ln 2
  const float n = (t + 12582912.0f) - 12582912.0f;  // round to nearest (1.5·2^23 trick)
  float r = x - n * 0.693359375f;                   // ln 2 in two parts: exact high part,
  r = r - n * -2.12194440e-4f;                      // then the low part
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * r * r + r + 1.0f;
  const auto bits = static_cast<uint32_t>(static_cast<int32_t>(n) + 127) << 23;  // 2^n
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return x_in < -87.3f ? 0.0f : e * scale;  // below, e^x underflows to 0 as expf's does
}

// One row of weights from one row of scores, in place: scale, softmax over the first n entries
// (the keys this query sees). Returns false when a score is not finite (q·kᵀ overflowed).
// Plain C++ that the compiler vectorizes for each target (eight running lanes for the max and
// the sum); with no multiply-adds contracted (-ffp-contract=off on this file), every target gives
// the same bits.
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
  float lane_sum[kLanes] = {};
  for (j = 0; j + kLanes <= n; j += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      row[j + l] = exp_nonpositive(row[j + l] - row_max);
      lane_sum[l] += row[j + l];
    }
  }
  for (; j < n; ++j) {
    row[j] = exp_nonpositive(row[j] - row_max);
    lane_sum[0] += row[j];
  }
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

}  // namespace HWY_NAMESPACE
}  // namespace attnviz
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace attnviz {
namespace {

// The kernels foreach_target.h compiled, fastest first, each with the CPU features it needs.
// Chosen here, not by Highway's run-time library: loading that costs every run 2.5 ms (it
// measures a timer as it loads), a fifth of the lesson's whole PNG.
struct Kernels {
  const char* name;  // Highway's name: AVX3 is AVX-512 (F, VL, DQ, BW)
  bool (*supported)();
  void (*matmul)(const Product&);
  void (*gelu_erf)(const Elementwise&);
  void (*gelu_tanh)(const Elementwise&);
  bool (*softmax_row)(float*, size_t, float);
  bool (*all_finite)(const float*, size_t);
};

#define ATTNVIZ_KERNELS_OF(NS) \
  &NS::Matmul, &NS::GeluErf, &NS::GeluTanh, &NS::SoftmaxRow, &NS::AllFinite

[[maybe_unused]] bool has_ssse3() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse3") && __builtin_cpu_supports("ssse3");
}
[[maybe_unused]] bool has_sse4() {
  return has_ssse3() && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("sse4.2") &&
         __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("aes");
}
// The CPU's support and the operating system's (libgcc checks XCR0 for the AVX registers).
[[maybe_unused]] bool has_avx2() {
  return has_sse4() && __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
         __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2");
}
[[maybe_unused]] bool has_avx512() {
  return has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
}
bool always() { return true; }

const Kernels kCompiled[] = {
#if defined(HWY_COMPILE_ONLY_STATIC)  // -march=native: this CPU's instructions only
    {"native", always, ATTNVIZ_KERNELS_OF(HWY_NAMESPACE)},
#else
#if HWY_TARGETS & HWY_AVX3
    {"AVX3", has_avx512, ATTNVIZ_KERNELS_OF(N_AVX3)},
#endif
#if HWY_TARGETS & HWY_AVX2
    {"AVX2", has_avx2, ATTNVIZ_KERNELS_OF(N_AVX2)},
#endif
#if HWY_TARGETS & HWY_SSE4
    {"SSE4", has_sse4, ATTNVIZ_KERNELS_OF(N_SSE4)},
#endif
#if HWY_TARGETS & HWY_SSSE3
    {"SSSE3", has_ssse3, ATTNVIZ_KERNELS_OF(N_SSSE3)},
#endif
#if HWY_TARGETS & HWY_EMU128
    {"EMU128", always, ATTNVIZ_KERNELS_OF(N_EMU128)},
#endif
#if HWY_TARGETS & HWY_SCALAR
    {"SCALAR", always, ATTNVIZ_KERNELS_OF(N_SCALAR)},
#endif
#endif
};

// The calling thread's Compute's kernels.
const Kernels& kernels() { return kCompiled[compute().kernels()]; }

}  // namespace

int kernel_index(const std::string& name) {
  for (size_t i = 0; i < std::size(kCompiled); ++i) {
    if ((name.empty() || name == kCompiled[i].name) && kCompiled[i].supported())
      return static_cast<int>(i);
  }
  std::string names;
  for (const std::string& t : kernel_targets()) names += (names.empty() ? "" : ", ") + t;
  throw Error(Err::UnknownKernels, {name, names});
}

bool softmax_row(float* row, Eigen::Index n, float scale) {
  return kernels().softmax_row(row, static_cast<size_t>(n), scale);
}

bool all_finite(const float* values, size_t n) { return kernels().all_finite(values, n); }

void matmul(const ConstMatrixRef& a, const ConstMatrixRef& b, Operand b_is, MatrixRef c) {
  const bool transposed = b_is == Operand::Transposed;
  const Eigen::Index k = a.cols(), n = transposed ? b.rows() : b.cols();
  if ((transposed ? b.cols() : b.rows()) != k || c.rows() != a.rows() || c.cols() != n) {
    throw Error(Err::Internal, {"matmul() given shapes that do not fit"});
  }
  if (c.size() == 0) return;
  if (k == 0) {
    c.setZero();
    return;
  }
  kernels().matmul(Product{a.data(), static_cast<size_t>(a.outerStride()), b.data(),
                           static_cast<size_t>(b.outerStride()), transposed, c.data(),
                           static_cast<size_t>(c.outerStride()), static_cast<size_t>(a.rows()),
                           static_cast<size_t>(n), static_cast<size_t>(k)});
}

namespace {

Elementwise elementwise(MatrixRef x) {
  return Elementwise{x.data(), static_cast<size_t>(x.rows()), static_cast<size_t>(x.cols()),
                     static_cast<size_t>(x.outerStride())};
}

}  // namespace

void gelu_erf(MatrixRef x) { kernels().gelu_erf(elementwise(x)); }

void gelu_tanh(MatrixRef x) { kernels().gelu_tanh(elementwise(x)); }

std::vector<std::string> kernel_targets() {
  std::vector<std::string> names;
  for (const Kernels& k : kCompiled) {
    if (k.supported()) names.emplace_back(k.name);
  }
  return names;
}

std::string kernel_target() { return kernels().name; }

}  // namespace attnviz
#endif
