#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "asan": clang, ASan + UBSan, beside the sanitized test
# suite) and runs each for SECONDS (default 20) on a working copy of its seed corpus in
# tests/fuzz/corpus. Any crash, leak or sanitizer report fails the run; libFuzzer saves the
# input as crash-* in build/asan/fuzz/findings.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(weights_json safetensors tokenize token_list render font bpe config pickle torch_file vocab
                                   tokenizer_json gguf gguf_tokenizer)

cmake --preset asan >/dev/null
targets_built=()
for target in "${targets[@]}"; do targets_built+=(--target "fuzz_$target"); done
cmake --build --preset asan -j "$(nproc 2>/dev/null || echo 2)" "${targets_built[@]}" >/dev/null

mkdir -p build/asan/fuzz/findings
for target in "${targets[@]}"; do
  work=build/asan/fuzz/corpus/$target
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true
  log=build/asan/fuzz/findings/$target.log
  if ! build/asan/tests/fuzz/fuzz_"$target" "$work" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -artifact_prefix=build/asan/fuzz/findings/"$target"- -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz: $target FAILED; see $log" >&2
    tail -30 "$log" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $target ok, $runs executions in ${seconds}s"
done
