// The matrix products at T = 1024 on each instruction set attnviz compiles, beside that
// instruction set's own peak: independent multiply-adds on registers, as wide as it allows. The
// products' GFLOP/s over the peak is how much of the core they use. And how fast memory is read.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "bench_kernels.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// foreach_target.h must come first
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace attnviz {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// 2 · lanes · 12 · steps floating-point operations: twelve independent chains hide the
// multiply-add's latency on every core measured (4 cycles, 2 units), in 12 of the 16 registers
// that AVX2 has.
float PeakMultiplyAdd(size_t steps) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const V a = hn::Set(d, 0.999999f), b = hn::Set(d, 1e-7f);
  V acc[12];
  for (size_t i = 0; i < 12; ++i) acc[i] = hn::Set(d, static_cast<float>(i) * 1e-3f);
  for (size_t s = 0; s < steps; ++s) {
    for (size_t i = 0; i < 12; ++i) acc[i] = hn::MulAdd(acc[i], a, b);
  }
  V sum = acc[0];
  for (size_t i = 1; i < 12; ++i) sum = hn::Add(sum, acc[i]);
  return hn::GetLane(sum);
}

size_t Lanes() { return hn::Lanes(hn::ScalableTag<float>()); }

// The sum of n floats (n a multiple of 4 vectors) in four chains: reading them is all it does.
float SumFloats(const float* p, size_t n) {
  const hn::ScalableTag<float> d;
  const size_t L = hn::Lanes(d);
  auto s0 = hn::Zero(d), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < n; i += 4 * L) {
    s0 = hn::Add(s0, hn::LoadU(d, p + i));
    s1 = hn::Add(s1, hn::LoadU(d, p + i + L));
    s2 = hn::Add(s2, hn::LoadU(d, p + i + 2 * L));
    s3 = hn::Add(s3, hn::LoadU(d, p + i + 3 * L));
  }
  return hn::GetLane(hn::Add(hn::Add(s0, s1), hn::Add(s2, s3)));
}

}  // namespace HWY_NAMESPACE
}  // namespace attnviz
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/compute/quant.hpp"

namespace attnviz {
namespace {

HWY_EXPORT(PeakMultiplyAdd);
HWY_EXPORT(Lanes);
HWY_EXPORT(SumFloats);

// attnviz's names for Highway's targets (kernel_targets()), as Highway numbers them.
int64_t hwy_target(const std::string& name) {
  if (name == "AVX3") return HWY_AVX3;
  if (name == "AVX2") return HWY_AVX2;
  if (name == "SSE4") return HWY_SSE4;
  if (name == "SSSE3") return HWY_SSSE3;
  return HWY_EMU128;
}

void BM_Peak(benchmark::State& state, const std::string& target) {
  hwy::SetSupportedTargetsForTest(hwy_target(target));
  const size_t lanes = HWY_DYNAMIC_DISPATCH(Lanes)();
  constexpr size_t kSteps = 4096;
  for (auto _ : state) benchmark::DoNotOptimize(HWY_DYNAMIC_DISPATCH(PeakMultiplyAdd)(kSteps));
  hwy::SetSupportedTargetsForTest(0);
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * static_cast<double>(lanes * 12 * kSteps),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// How fast this machine reads memory: 512 MiB of floats summed, each thread its own part. A new
// token reads every weight once, so this bounds how fast a model writes (compare_pytorch.py).
void BM_MemoryRead(benchmark::State& state) {
  const auto threads = static_cast<size_t>(state.range(0));
  const size_t n = size_t{128} << 20, part = n / threads;
  const std::vector<float> data(n, 1.0f);
  std::vector<float> sums(threads);
  for (auto _ : state) {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t) {
      pool.emplace_back(
          [&, t] { sums[t] = HWY_DYNAMIC_DISPATCH(SumFloats)(&data[t * part], part); });
    }
    for (std::thread& thread : pool) thread.join();
    benchmark::DoNotOptimize(sums.data());
  }
  state.counters["bytes/s"] = benchmark::Counter(static_cast<double>(n * sizeof(float)),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MemoryRead)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// C (m, n) = A (m, k) · B: (k, n) as stored, or (n, k) transposed, on one thread.
void BM_Product(benchmark::State& state, const std::string& target, Operand b_is) {
  const Eigen::Index m = state.range(0), k = state.range(1), n = state.range(2);
  const Matrix a = Matrix::Random(m, k);
  const Matrix b = b_is == Operand::Transposed ? Matrix::Random(n, k) : Matrix::Random(k, n);
  Matrix c(m, n);
  Compute compute(ComputeSettings{1, target});
  const ComputeScope scope(compute);
  for (auto _ : state) {
    matmul(a, b, b_is, c);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * static_cast<double>(m * n * k),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// The T = 1024 products of the comparison's rows: the kernel row's projections (n_embd 256, as
// nn.Linear stores them), its weights·v, and GPT-2 small's c_attn and MLP (Conv1D: as stored).
void product_args(benchmark::internal::Benchmark* b) {
  b->Args({1024, 256, 256})->Args({1024, 768, 2304})->Args({1024, 768, 3072});
  b->Args({1024, 3072, 768})->ArgNames({"m", "k", "n"})->Unit(benchmark::kMillisecond);
}

// A new token's product: one row times a (n, k) matrix kept as a file holds it (20 MiB for
// Q4_K to 144 MiB for F32), on one thread; bytes/s of the matrix read, to set beside
// BM_MemoryRead's (a type read at memory speed reads as fast as it).
void BM_PackedRow(benchmark::State& state, const std::string& target, QuantType type) {
  const QuantLayout& layout = *quant_layout(static_cast<uint32_t>(type));
  const Eigen::Index k = 1536, n = 24576;  // 37.7 M values
  const size_t row_bytes = static_cast<size_t>(k) / layout.block_values * layout.block_bytes;
  std::string blocks(row_bytes * static_cast<size_t>(n), '\0');
  std::mt19937 gen(1);
  for (char& c : blocks) c = static_cast<char>(gen() & 0x3B);  // finite scales, small values
  auto rows = std::make_shared<PackedRows>();
  rows->type = type;
  rows->data = reinterpret_cast<const unsigned char*>(blocks.data());
  rows->row_bytes = row_bytes;
  const Tensor b = Tensor::packed(rows, n, k);
  const Matrix dense = type == QuantType::F32 ? Matrix::Random(n, k) : Matrix();  // F32: in place
  const Matrix a = Matrix::Random(1, k);
  Matrix c(1, n);
  Compute compute(ComputeSettings{1, target});
  const ComputeScope scope(compute);
  for (auto _ : state) {
    if (type == QuantType::F32) {
      matmul(a, dense, Operand::Transposed, c);
    } else {
      matmul_weight(a, b, Operand::Transposed, c);
    }
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["bytes/s"] = benchmark::Counter(static_cast<double>(blocks.size()),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

const bool registered = [] {
  for (const std::string& target : kernel_targets()) {
    benchmark::RegisterBenchmark(("BM_Peak/" + target).c_str(), BM_Peak, target);
    benchmark::RegisterBenchmark(("BM_Product/" + target + "/as_stored").c_str(), BM_Product,
                                 target, Operand::AsIs)
        ->Apply(product_args);
    benchmark::RegisterBenchmark(("BM_Product/" + target + "/transposed").c_str(), BM_Product,
                                 target, Operand::Transposed)
        ->Args({1024, 256, 256})
        ->Args({1024, 64, 1024})
        ->ArgNames({"m", "k", "n"})
        ->Unit(benchmark::kMillisecond);
    for (const QuantType type : {QuantType::F32, QuantType::BF16, QuantType::Q8_0, QuantType::Q5_0,
                                 QuantType::Q4_0, QuantType::Q4_K, QuantType::Q6_K}) {
      const std::string name = quant_layout(static_cast<uint32_t>(type))->name;
      benchmark::RegisterBenchmark(("BM_PackedRow/" + target + "/" + name).c_str(), BM_PackedRow,
                                   target, type)
          ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}();

}  // namespace
}  // namespace attnviz
#endif
