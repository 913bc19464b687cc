#!/usr/bin/env bash
# Builds attnviz and its benchmarks (portable and -march=native), runs the Google Benchmark
# programs, then the side-by-side comparison with PyTorch + matplotlib (tests/bench/).
# Needs libbenchmark-dev; the comparison needs python3-torch and python3-matplotlib.
# Usage: scripts/bench.sh [BENCHMARK_FILTER]     e.g. scripts/bench.sh 'BM_Attention/T:1024'
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-.}
jobs=$(nproc 2>/dev/null || echo 2)
for preset in release bench bench-native; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" >/dev/null
done
for build in bench bench-native; do
  echo "== $build"
  build/"$build"/tests/bench/attnviz_bench --benchmark_filter="$filter"
done
if /usr/bin/python3 -c 'import torch, matplotlib' 2>/dev/null; then
  /usr/bin/python3 tests/bench/compare_pytorch.py
else
  echo "bench: python3-torch and python3-matplotlib are needed for the PyTorch comparison" >&2
fi
