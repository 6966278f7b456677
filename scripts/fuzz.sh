#!/usr/bin/env bash
# make fuzz: every fuzzer for FUZZ_SECONDS, growing its corpus in
# tests/fuzz/corpus/NAME (commit what is worth keeping).
set -euo pipefail
cd "$(dirname "$0")/.."
for fz in build/fuzz/fuzz_*; do
  name=$(basename "$fz"); corpus=tests/fuzz/corpus/${name#fuzz_}
  mkdir -p "$corpus"
  echo "== $name (${FUZZ_SECONDS}s)"
  "$fz" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 "$corpus"
done
