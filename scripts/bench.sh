#!/usr/bin/env bash
# Builds attnviz and its benchmarks (portable and -march=native), runs the Google Benchmark
# programs, then the side-by-side comparison with PyTorch + matplotlib (tests/bench/), which prints
# one table: the lesson's heatmap, JSON, the kernel, GPT-2 small's shape, the teacher's run and
# --generate against nanoGPT's generate() and a cached PyTorch loop, and BF16 folders of SmolLM2's
# and Qwen2.5's shapes against a PyTorch reference of transformers (compare_pytorch.py says which
# rows; `compare_pytorch.py generate` and `compare_pytorch.py hf` run those alone). Needs
# libbenchmark-dev; the comparison needs python3-torch, python3-matplotlib, time and
# libopenblas0-pthread (PyTorch at its best: it refuses to compare with the reference BLAS). A GPT-2-small-shaped folder (random weights, 498 MB) is made once in
# build/gpt2-small by tests/bench/gpt2_small.py, and the decoders' (270 MB, 988 MB) in build/hf by
# tests/bench/hf_shapes.py.
# Usage: scripts/bench.sh [BENCHMARK_FILTER]     e.g. scripts/bench.sh 'BM_Attention/T:1024'
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-.}
jobs=$(nproc 2>/dev/null || echo 2)
for preset in release bench bench-native; do
  # The release preset turns the tests off; a build folder that has them keeps them.
  keep=()
  tests=$(sed -n 's/^ATTNVIZ_BUILD_TESTS:BOOL=//p' "build/$preset/CMakeCache.txt" 2>/dev/null || true)
  if [[ -n "$tests" ]]; then keep=("-DATTNVIZ_BUILD_TESTS=$tests"); fi
  cmake --preset "$preset" "${keep[@]}" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" >/dev/null
done
if [[ ! -f build/gpt2-small/model.safetensors ]] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 tests/bench/gpt2_small.py make build/gpt2-small
fi
export ATTNVIZ_BENCH_GPT2=$PWD/build/gpt2-small
for build in bench bench-native; do
  echo "== $build"
  build/"$build"/tests/bench/attnviz_bench --benchmark_filter="$filter"
done
if /usr/bin/python3 -c 'import torch, matplotlib' 2>/dev/null && [[ -x /usr/bin/time ]]; then
  /usr/bin/python3 tests/bench/compare_pytorch.py
else
  echo "bench: python3-torch, python3-matplotlib and time are needed for the PyTorch comparison" >&2
fi
