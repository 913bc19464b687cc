// The matrix products with Highway: this file is compiled once per instruction set
// (foreach_target.h includes it again for each), and the table at the end calls the one the
// calling thread's Compute runs. Outside HWY_NAMESPACE nothing depends on the target, so no inline
// function or template is compiled twice with different instructions (the ODR trap).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/matmul.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// foreach_target.h must come first
#include "hwy/highway.h"
// per target, after highway.h
#include "compute/unpack-inl.hpp"

#ifndef ATTNVIZ_MATMUL_SHARED
#define ATTNVIZ_MATMUL_SHARED
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/compute/quant.hpp"
#include "attnviz/error.hpp"
#include "compute/targets.hpp"

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
  // B (n, k) kept quantized (b is null): its row j is packed->row(packed_first + j), unpacked
  // into float32 a panel at a time, so the sums are those of the unpacked matrix.
  const PackedRows* packed = nullptr;
  size_t packed_first = 0;
};

// Rows [j0, j0 + rows) of a quantized B (n, k), depths [k0, k0 + kc), as float32 into out
// (rows, kc). k0 and kc are whole blocks: kDepth and every K are multiples of them.
inline void unpack_rows(const Product& p, size_t j0, size_t rows, size_t k0, size_t kc,
                        float* out) {
  const QuantLayout& layout = *quant_layout(static_cast<uint32_t>(p.packed->type));
  const size_t skip = k0 / layout.block_values * layout.block_bytes;
  for (size_t r = 0; r < rows; ++r) {
    const auto row = static_cast<int64_t>(p.packed_first + j0 + r);
    dequantize(p.packed->type, p.packed->row(row) + skip, out + r * kc, kc);
  }
}
// Depth of one pass over K: a packed block of B is kDepth × panel width. It is the same on
// every target, so AVX2 and AVX-512 add the same partial sums in the same order.
constexpr size_t kDepth = 256;
// A with at most this many rows is multiplied by B (n, k) without packing B: dot_rows.
constexpr size_t kFewRows = 16;
// B (k, n) is read where it lies for fewer rows of A than this, and packed for more: its depth
// rows lie ldb floats apart, which for GPT-2's 3072-wide MLP is 12 KiB, a multiple of 4 KiB,
// so a panel's rows all fall in the same few L1 sets and evict each other (measured at T = 1024:
// 54 GFLOP/s in place against 87 packed on AVX2); with few rows the copy costs more than it saves.
constexpr size_t kPackRows = 128;
// Below this many multiply-adds a product runs on the calling thread alone.
constexpr size_t kThreadedWork = size_t{1} << 21;
// The same for few rows against B (n, k) (dot_rows: a new token's products), which read every
// value of B once and so wait on memory; spread over the threads 128 rows of B at a time (a Q8_0
// SmolLM2-135M writing 128 tokens on 2 threads: 3.9 s at kThreadedWork, 2.2 s here).
constexpr size_t kThreadedFewRows = size_t{1} << 18;
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
    // (a quantized B's w rows unpacked first, (w, kc))
    const float* b;
    size_t ldb = p.ldb;
    thread_local std::vector<float> unpacked;
    if (p.packed != nullptr) {
      unpacked.resize(w * kc);
      unpack_rows(p, n0, w, k0, kc, unpacked.data());
      b = unpacked.data();
      ldb = kc;
    } else {
      b = p.b + n0 * p.ldb + k0;
    }
    for (size_t kb = 0; kb < kc; kb += 16) {
      const size_t ke = std::min(kc, kb + 16);
      for (size_t j = 0; j < w; ++j) {
        const float* src = b + j * ldb;
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

// Rows of B as dot_block reads them, Lanes(d) depths at a time: float32 rows where they lie (or
// unpacked), and the last depths (fewer than kSums) as float32 into out.
struct FloatRows {
  const float* const* b;  // row r of the block
  HWY_INLINE V load(size_t r, size_t j) const { return hn::LoadU(D(), b[r] + j); }
  void tail(size_t r, size_t from, size_t k, float* out) const {
    std::copy(b[r] + from, b[r] + k, out);
  }
};
// Rows of B as a file holds them in F16 or BF16, widened as they are read: no copy of B, and the
// sums of the unpacked rows.
template <QuantType kType>
struct HalfRows {
  const unsigned char* const* bytes;  // row r of the block
  HWY_INLINE V load(size_t r, size_t j) const { return widen_halves<kType>(D(), bytes[r] + 2 * j); }
  void tail(size_t r, size_t from, size_t k, float* out) const {
    dequantize(kType, bytes[r] + 2 * from, out, k - from);
  }
};

constexpr size_t kSumVectors = kSums / hn::MaxLanes(D());

// The kSums running sums of one row, added up in a fixed tree: 8, 4, 2, 1.
HWY_INLINE float add_up(const V* acc) {
  HWY_ALIGN float sums[kSums];
  for (size_t v = 0; v < kSumVectors; ++v) hn::Store(acc[v], D(), sums + v * hn::Lanes(D()));
  for (size_t half = kSums / 2; half > 0; half /= 2) {
    for (size_t s = 0; s < half; ++s) sums[s] += sums[s + half];
  }
  return sums[0];
}

// Row a of A against rows 0, …, NB − 1 of B, all kSums · NB running sums in registers:
// c[r] = the sums of row r, added up in a fixed tree.
template <size_t NB, class Rows>
HWY_INLINE void dot_block(const float* HWY_RESTRICT a, const Rows& rows, size_t k,
                          float* HWY_RESTRICT c) {
  const D d;
  constexpr size_t L = hn::MaxLanes(D());
  V acc[NB][kSumVectors];
  for (size_t r = 0; r < NB; ++r) {
    for (size_t v = 0; v < kSumVectors; ++v) acc[r][v] = hn::Zero(d);
  }
  const auto step = [&](const float* a16, const auto& b, size_t j) {  // depths j … j + 15 of b
    for (size_t v = 0; v < kSumVectors; ++v) {
      const V av = hn::LoadU(d, a16 + v * L);
      for (size_t r = 0; r < NB; ++r) acc[r][v] = hn::MulAdd(av, b.load(r, j + v * L), acc[r][v]);
    }
  };
  const size_t full = k / kSums * kSums;
  for (size_t j = 0; j < full; j += kSums) step(a + j, rows, j);
  if (full < k) {  // the last depths, zero-padded to 16 (adding 0·0 changes no sum)
    HWY_ALIGN float a_tail[kSums] = {}, b_tail[NB][kSums] = {};
    std::copy(a + full, a + k, a_tail);
    const float* tails[NB];
    for (size_t r = 0; r < NB; ++r) {
      rows.tail(r, full, k, b_tail[r]);
      tails[r] = b_tail[r];
    }
    step(a_tail, FloatRows{tails}, 0);
  }
  for (size_t r = 0; r < NB; ++r) c[r] = add_up(acc[r]);
}

// Rows [j0, j1) of a packed B (n, k) cut into R runs read side by side, row i of each at once, so
// that each run is one stream and the R rows' sums are independent chains of multiply-adds; the
// last (j1 − j0) mod R rows one at a time. dot(nb, rows, c) writes the sums of nb rows (nb a
// std::integral_constant).
template <size_t R, class Dot>
HWY_INLINE void runs_of(const Product& p, size_t j0, size_t j1, const Dot& dot) {
  const auto row = [&](size_t j) {
    return p.packed->row(static_cast<int64_t>(p.packed_first + j));
  };
  const size_t run = (j1 - j0) / R;
  for (size_t i = 0; i < run; ++i) {
    const unsigned char* rows[R];
    float c[R];
    for (size_t r = 0; r < R; ++r) rows[r] = row(j0 + r * run + i);
    dot(std::integral_constant<size_t, R>(), rows, c);
    for (size_t r = 0; r < R; ++r) p.c[j0 + r * run + i] = c[r];
  }
  for (size_t j = j0 + R * run; j < j1; ++j) {
    const unsigned char* rows[1] = {row(j)};
    dot(std::integral_constant<size_t, 1>(), rows, p.c + j);
  }
}

// One row of A against rows [j0, j1) of a B (n, k) held as F16 or BF16, 8 runs side by side. One
// row's sums are a chain of multiply-adds, each waiting on the one before (AVX-512 keeps the 16
// sums in one vector), slower than memory delivers BF16 rows. SmolLM2-135M's BF16 folder writing
// 128 tokens on one thread, paired: 2 runs took 0.88 of the time of 1, 4 runs 0.92 of 2's, 8 runs
// 0.95 of 4's (AVX2: 0.93; SSE4, with no FMA: 4 runs 0.76 of 2's, 8 runs 0.85 of 4's).
template <QuantType kType>
void dot_half_rows(const Product& p, size_t j0, size_t j1) {
  runs_of<8>(p, j0, j1, [&](auto nb, const unsigned char* const* rows, float* c) {
    dot_block<decltype(nb)::value>(p.a, HalfRows<kType>{rows}, p.k, c);
  });
}

// Row a of A against NB rows of B (n, k) held in ggml's blocks of kType, each block unpacked as
// it is read (unpack-inl.hpp) into the running sums: depth i of a row into sum i mod kSums, in
// order, as dot_block sums the unpacked row. The NB rows' blocks taken in turn: with one row,
// each multiply-add waits on the one before (AVX-512 keeps the 16 sums in one vector).
template <QuantType kType, size_t NB>
HWY_INLINE void dot_blocks(const float* HWY_RESTRICT a, const unsigned char* const* rows,
                           size_t blocks, float* HWY_RESTRICT c) {
  using Block = ggml::BlockOf<kType>;
  static_assert(Block::values % kSums == 0, "a block fills whole vectors of sums");
  const D d;
  constexpr size_t L = hn::MaxLanes(D());
  V acc[NB][kSumVectors];
  for (size_t r = 0; r < NB; ++r) {
    for (size_t v = 0; v < kSumVectors; ++v) acc[r][v] = hn::Zero(d);
  }
  for (size_t b = 0; b < blocks; ++b) {
    const float* ab = a + b * Block::values;
    for (size_t r = 0; r < NB; ++r) {
      unpack_block<kType>(d, rows[r] + b * sizeof(typename Block::type), [&](size_t i, V w) {
        V& sum = acc[r][i / L % kSumVectors];
        sum = hn::MulAdd(hn::LoadU(d, ab + i), w, sum);
      });
    }
  }
  for (size_t r = 0; r < NB; ++r) c[r] = add_up(acc[r]);
}

// One row of A against rows [j0, j1) of a B (n, k) held in ggml's blocks of kType, two runs side
// by side. Measured on tests/bench's BM_PackedRow, Q8_0 with AVX-512: 13 GB/s a row at a time, 17
// two runs side by side, 16 four; 4 neighbouring rows side by side (short streams back and forth
// in the same pages) took SmolLM2-135M's Q8_0 writing from 2.3 s to 4.1 s.
template <QuantType kType>
void dot_block_rows(const Product& p, size_t j0, size_t j1) {
  const size_t blocks = p.k / ggml::BlockOf<kType>::values;
  runs_of<2>(p, j0, j1, [&](auto nb, const unsigned char* const* rows, float* c) {
    dot_blocks<kType, decltype(nb)::value>(p.a, rows, blocks, c);
  });
}

void dot_rows(const Product& p, size_t j0, size_t j1) {
  // One row of A against packed rows: each row unpacked as it is read (unpacking 4 rows, then
  // multiplying them, left memory idle: SmolLM2-135M's BF16 folder writing 128 tokens on one
  // thread took 1.4 times as long as with float32 weights; its Q8_0 GGUF 3.1 s, now 2.3).
  if (p.m == 1 && p.packed != nullptr) {
    switch (p.packed->type) {
      case QuantType::BF16:
        return dot_half_rows<QuantType::BF16>(p, j0, j1);
      case QuantType::F16:
        if constexpr (kWidensF16) return dot_half_rows<QuantType::F16>(p, j0, j1);
        break;
      case QuantType::Q8_0:
        return dot_block_rows<QuantType::Q8_0>(p, j0, j1);
      case QuantType::Q4_0:
        return dot_block_rows<QuantType::Q4_0>(p, j0, j1);
      case QuantType::Q4_1:
        return dot_block_rows<QuantType::Q4_1>(p, j0, j1);
      case QuantType::Q5_0:
        return dot_block_rows<QuantType::Q5_0>(p, j0, j1);
      case QuantType::Q5_1:
        return dot_block_rows<QuantType::Q5_1>(p, j0, j1);
      case QuantType::Q4_K:
        return dot_block_rows<QuantType::Q4_K>(p, j0, j1);
      case QuantType::Q5_K:
        return dot_block_rows<QuantType::Q5_K>(p, j0, j1);
      case QuantType::Q6_K:
        return dot_block_rows<QuantType::Q6_K>(p, j0, j1);
      default:  // Q2_K, Q3_K: unpacked 4 rows at a time below
        break;
    }
  }
  // Rows of B per pass: 4, each row of A loaded once for the 4 (and a quantized B's 4 rows
  // unpacked in one call, reading them in order); but for one row of A against float32 rows,
  // one, so that B is read as one stream from start to end, which the processor fetches ahead at
  // memory speed (measured: twice the speed of 4 rows side by side, 4 short streams).
  constexpr size_t kB = 4;
  const size_t per_pass = p.m == 1 && p.packed == nullptr ? 1 : kB;
  thread_local std::vector<float> unpacked;  // (kB, k): a quantized B's rows, unpacked
  for (size_t j = j0; j < j1; j += per_pass) {
    const size_t nb = std::min(per_pass, j1 - j);
    const float* b[kB];  // row j + r of B
    if (p.packed != nullptr) {
      unpacked.resize(kB * p.k);
      unpack_rows(p, j, nb, 0, p.k, unpacked.data());
      for (size_t r = 0; r < nb; ++r) b[r] = unpacked.data() + r * p.k;
    } else {
      for (size_t r = 0; r < nb; ++r) b[r] = p.b + (j + r) * p.ldb;
    }
    const FloatRows rows{b};
    for (size_t i = 0; i < p.m; ++i) {
      const float* a = p.a + i * p.lda;
      float* c = p.c + i * p.ldc + j;
      switch (nb) {
        case 4:
          dot_block<4>(a, rows, p.k, c);
          break;
        case 3:
          dot_block<3>(a, rows, p.k, c);
          break;
        case 2:
          dot_block<2>(a, rows, p.k, c);
          break;
        default:
          dot_block<1>(a, rows, p.k, c);
      }
    }
  }
}

// One row of A against B (k, n) read where it lies, row after row from start to end (what a new
// token's products are: each weight read once, in order, as one stream, which the processor
// fetches ahead at memory speed; measured: 1.4 times the speed of 8 rows side by side):
// c[j] = Σ_k a[k]·b[k][j] summed over k in order, one multiply-add at a time, as tile() sums it,
// so the same bits. Columns [j0, j1), a whole number of vectors; c, in the first level of cache,
// takes each row's multiply-adds kV vectors at a time.
void row_times(const Product& p, size_t j0, size_t j1) {
  const D d;
  const size_t L = hn::Lanes(d);
  constexpr size_t kV = 4;
  for (size_t k = 0; k < p.k; ++k) {
    const V a = hn::Set(d, p.a[k]);
    const float* b = p.b + k * p.ldb;
    const auto times = [&](size_t j) {
      const V acc = k == 0 ? hn::Zero(d) : hn::LoadU(d, p.c + j);
      hn::StoreU(hn::MulAdd(a, hn::LoadU(d, b + j), acc), d, p.c + j);
    };
    size_t j = j0;
    for (; j + kV * L <= j1; j += kV * L) {
      for (size_t v = 0; v < kV; ++v) times(j + v * L);
    }
    for (; j < j1; j += L) times(j);
  }
}

void Matmul(const Product& p) {
  const D d;
  if (!p.transposed && p.m == 1) {
    // Whole panels by row_times(), a last partial panel by product_part(): both sum each entry in
    // the same order. On the calling thread alone: the threads could only share the columns (each
    // entry's sum runs over k in order), each then reading part of every row, and two threads
    // read GPT-2's 48 matrices at 13–17 GB/s that way against 19.5 for one reading them whole
    // (writing 256 tokens on two threads: 7.1 s against 7.9 split).
    const size_t W = kVectors * hn::Lanes(d), panels = p.n / W;
    row_times(p, 0, panels * W);
    if (panels * W < p.n) product_part(p, 0, 1, panels, panels + 1);
    return;
  }
  if (p.transposed && p.m <= kFewRows) {
    const size_t chunks = p.m * p.n * p.k < kThreadedFewRows ? 1 : (p.n + 127) / 128;
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

}  // namespace HWY_NAMESPACE
}  // namespace attnviz
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace attnviz {
namespace {

#define ATTNVIZ_MATMUL_OF(NS, NAME) &NS::Matmul,
void (*const kMatmul[])(const Product&) = {ATTNVIZ_EACH_TARGET(ATTNVIZ_MATMUL_OF)};

}  // namespace

namespace {

// Checks the shapes, then runs the product (b_data null for a quantized B).
void run_product(const ConstMatrixRef& a, const float* b_data, Eigen::Index b_stride,
                 Eigen::Index b_rows, Eigen::Index b_cols, Operand b_is, MatrixRef c,
                 const PackedRows* packed = nullptr, Eigen::Index packed_first = 0) {
  const bool transposed = b_is == Operand::Transposed;
  const Eigen::Index k = a.cols(), n = transposed ? b_rows : b_cols;
  if ((transposed ? b_cols : b_rows) != k || c.rows() != a.rows() || c.cols() != n ||
      (packed != nullptr && !transposed)) {
    throw Error(Err::Internal, {"matmul() given shapes that do not fit"});
  }
  if (c.size() == 0) return;
  if (k == 0) {
    c.setZero();
    return;
  }
  Product p{a.data(),
            static_cast<size_t>(a.outerStride()),
            b_data,
            static_cast<size_t>(b_stride),
            transposed,
            c.data(),
            static_cast<size_t>(c.outerStride()),
            static_cast<size_t>(a.rows()),
            static_cast<size_t>(n),
            static_cast<size_t>(k),
            packed,
            static_cast<size_t>(packed_first)};
  kMatmul[compute().kernels()](p);
}

}  // namespace

void matmul(const ConstMatrixRef& a, const ConstMatrixRef& b, Operand b_is, MatrixRef c) {
  run_product(a, b.data(), b.outerStride(), b.rows(), b.cols(), b_is, c);
}

void matmul_weight(const ConstMatrixRef& a, const Tensor& b, Operand b_is, MatrixRef c) {
  if (b.packed() == nullptr) return matmul(a, ConstMatrixRef(b), b_is, c);
  run_product(a, nullptr, b.cols(), b.rows(), b.cols(), b_is, c, b.packed(), b.packed_first());
}

}  // namespace attnviz
#endif
