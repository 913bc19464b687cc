// A whole model's forward pass at GPT-2 small's size: the folder tests/bench/gpt2_small.py makes
// (ATTNVIZ_BENCH_GPT2=DIR; scripts/bench.sh sets it), every layer's attention kept and the logits
// of every position, as its PyTorch peer computes them, with useful GFLOP/s.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include "attnviz/compute/compute.hpp"
#include "attnviz/formats/model_folder.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/io/io.hpp"
#include "attnviz/model/transformer.hpp"
#include "bench_compute.hpp"

namespace attnviz {
namespace {

struct Loaded {
  std::unique_ptr<io::FileBytes> bytes;  // the mapped file the F32 weights are views of
  std::unique_ptr<StateDict> state_dict;
  Transformer model;
};

const Loaded* gpt2() {
  static const std::unique_ptr<Loaded> loaded = []() -> std::unique_ptr<Loaded> {
    const char* dir = std::getenv("ATTNVIZ_BENCH_GPT2");
    if (dir == nullptr) return nullptr;
    auto l = std::make_unique<Loaded>();
    const std::string folder = dir;
    l->bytes = std::make_unique<io::FileBytes>(folder + "/model.safetensors", 0);
    l->state_dict = open_state_dict(l->bytes->view(), "model.safetensors");
    const std::string config = folder + "/config.json";
    std::vector<Words> warnings;
    l->model = load_transformer(
        *l->state_dict, parse_model_config(io::read_file(config, 1 << 20), config), warnings);
    return l;
  }();
  return loaded.get();
}

// FLOPs a forward pass needs: per layer the q, k, v and output projections and the MLP (24·T·C²
// with hidden 4C), the causal halves of q·kᵀ and weights·v (4·C·T(T+1)/2), then the logits.
double forward_flops(double T, double C, double L, double V) {
  return L * (24 * T * C * C + 4 * C * T * (T + 1) / 2) + 2 * T * C * V;
}

// Args: T, threads.
void BM_Gpt2Forward(benchmark::State& state) {
  const Loaded* l = gpt2();
  if (l == nullptr) {
    state.SkipWithError("ATTNVIZ_BENCH_GPT2 names no folder (tests/bench/gpt2_small.py make DIR)");
    return;
  }
  const auto T = static_cast<int>(state.range(0));
  const Compute compute(bench_compute(static_cast<int>(state.range(1))));
  const ComputeScope scope(compute);
  const std::vector<int> ids = [&] {  // "the the the …": 1169, then 262
    std::vector<int> v(static_cast<size_t>(T), 262);
    v.front() = 1169;
    return v;
  }();
  for (auto _ : state) {
    ForwardTrace trace = forward(l->model, ids);
    benchmark::DoNotOptimize(trace.logits.data());
  }
  const Transformer& m = l->model;
  state.counters["FLOP/s"] =
      benchmark::Counter(forward_flops(T, m.n_embd, m.n_layer(), m.vocab_size()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Gpt2Forward)
    ->Args({64, 1})
    ->Args({64, 2})
    ->Args({1024, 1})
    ->Args({1024, 2})
    ->ArgNames({"T", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace attnviz
