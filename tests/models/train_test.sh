#!/usr/bin/env bash
# The shipped model's training script still works: a seconds-long --tiny run on the committed
# corpus lowers the validation loss and writes a safetensors file that attnviz loads as a whole
# nanoGPT model. (The real training run takes minutes and is documented in the model card.)
# Usage: train_test.sh ATTNVIZ_BINARY
set -euo pipefail
. "$(dirname "$0")/../dist/check.sh"
attnviz=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log=$(/usr/bin/python3 "$root/data/models/train.py" --tiny --out "$work/tiny.safetensors") ||
  fail "train.py --tiny failed"
echo "$log"
first=$(grep '^step' <<<"$log" | head -1 | awk '{print $6}')
last=$(grep '^step' <<<"$log" | tail -1 | awk '{print $6}')
awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a - 0.1) }' ||
  fail "validation loss did not fall: $first → $last"
[ -f "$work/tiny.safetensors" ] || fail "no safetensors file written"
[ ! -e "$work/tiny.safetensors.part" ] || fail "the temporary file was left behind"

out=$("$attnviz" --weights "$work/tiny.safetensors" --text "Salam dünya" --heads-report) ||
  fail "attnviz could not run the trained file"
expect_contains "$out" "What each head does" "the tiny model's heads report"
json=$("$attnviz" --weights "$work/tiny.safetensors" --text "Salam dünya" --json - --no-table)
expect_contains "$json" '"family": "nanogpt"' "the tiny model's family"
finish
