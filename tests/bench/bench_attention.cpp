// The attention kernel (weights and output of every head) over T × n_embd × heads, with the
// useful work it does in GFLOP/s, and the core's peak multiply-add rate to compare it with.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>

#include "attnviz/compute/compute.hpp"
#include "attnviz/model/attention.hpp"
#include "attnviz/model/weights.hpp"
#include "bench_compute.hpp"

namespace attnviz {
namespace {

// Floating-point operations the causal module needs: the q, k, v projections, the lower triangle
// of q·kᵀ and of weights·v per head (T(T+1)/2 pairs), and the output projection with heads > 1.
double useful_flops(double T, double C, double H) {
  const double hs = C / H;
  const double pairs = T * (T + 1) / 2;
  double flops = 2 * T * C * 3 * C + H * 2 * (2 * pairs * hs);
  if (H > 1) flops += 2 * T * C * C;
  return flops;
}

// Args: T, n_embd, heads (0: the lesson's SelfAttention), threads.
void BM_Attention(benchmark::State& state) {
  const Compute compute(bench_compute(static_cast<int>(state.range(3))));
  const ComputeScope scope(compute);
  const auto T = static_cast<int>(state.range(0));
  RandomInit init;
  init.n_embd = static_cast<int>(state.range(1));
  init.n_head = static_cast<int>(state.range(2));
  init.block_size = T;
  init.positions = false;
  const RandnInput input = random_input(T, init, kMaxEmbdCeiling);
  AttentionOptions options;
  options.keep_scores = false;  // what a run without --trace computes
  for (auto _ : state) {
    AttentionTrace trace = attend(input.x, input.weights, options);
    benchmark::DoNotOptimize(trace.out.data());
  }
  const double flops = useful_flops(T, init.n_embd, std::max(init.n_head, 1));
  state.counters["FLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
}

void attention_args(benchmark::internal::Benchmark* b) {
  for (const int T : {16, 128, 1024, 4096}) {
    for (const int C : {16, 64, 256, 768}) b->Args({T, C, 0, 1});
    b->Args({T, 768, 12, 1});  // 12 heads of 64, as GPT-2 small; 12 divides no smaller width here
  }
  b->Args({1024, 256, 0, 2});  // the kernel row of the comparison, on both cores
  b->Args({1024, 768, 12, 2});
  b->ArgNames({"T", "n_embd", "heads", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
}
BENCHMARK(BM_Attention)->Apply(attention_args);

// The core's peak: independent multiply-adds on registers, in whatever vector width and with
// whatever fused multiply-add this build allows (SSE2 without -march=native).
void BM_PeakMultiplyAdd(benchmark::State& state) {
  constexpr int kLanes = 128;  // enough independent chains to hide the latency
  alignas(64) float acc[kLanes];
  for (int i = 0; i < kLanes; ++i) acc[i] = static_cast<float>(i) * 1e-3f;
  const float a = 0.999999f, b = 1e-7f;
  constexpr int kSteps = 1000;
  for (auto _ : state) {
    for (int s = 0; s < kSteps; ++s) {
#ifdef __FMA__
      for (int i = 0; i < kLanes; ++i) acc[i] = std::fma(acc[i], a, b);
#else
      for (int i = 0; i < kLanes; ++i) acc[i] = acc[i] * a + b;
#endif
    }
    benchmark::DoNotOptimize(acc);
  }
  state.counters["FLOP/s"] =
      benchmark::Counter(2.0 * kLanes * kSteps, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PeakMultiplyAdd);

}  // namespace
}  // namespace attnviz
