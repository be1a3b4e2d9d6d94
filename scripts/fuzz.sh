#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each in turn over
# its seeds in fuzz/corpus/<target>/ with the JSON-RPC/MCP dictionary (fuzz/README.md).
#   scripts/fuzz.sh [seconds-per-target] [target...]   default: 300 s each, every target
#   NEMO_FUZZ_SEED=1 scripts/fuzz.sh 20                 what scripts/test.sh runs
# Inputs that reach new code are kept in build/fuzz/corpus/<target>/. A finding (crash, sanitizer
# report, leak, timeout, out of memory, broken promise) fails the run; its reproducer is saved in
# build/fuzz/findings/ (replay: build/fuzz/fuzz/fuzz-<target> <file>). Ends with one line
# "N passed, 0 failed": N targets ran their whole time without a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  for folder in fuzz/corpus/*/; do targets+=("$(basename "$folder")"); done
fi

scripts/setup.sh fuzz

out=build/fuzz
mkdir -p "$out/findings" "$out/logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
passed=0
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$out/corpus/$target"
  log="$out/logs/$target.log"
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -print_final_stats=1
           -artifact_prefix="$out/findings/$target-")
  [ -n "${NEMO_FUZZ_SEED:-}" ] && options+=(-seed="$NEMO_FUZZ_SEED")
  # YAML is not JSON: the manifest target mutates without the dictionary.
  [ "$target" != skill-manifest ] && options+=(-dict=fuzz/jsonrpc.dict)
  # New inputs go to the first folder (build/), the seeds in the repository stay as committed.
  if nice -n 10 "$out/fuzz/fuzz-$target" "${options[@]}" "$out/corpus/$target" "fuzz/corpus/$target" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)$/\1/p' "$log" | tail -n 1)
    echo "fuzz-$target: ${runs:-?} runs in ${seconds} s, no finding"
    passed=$((passed + 1))
  else
    echo "fuzz-$target: FINDING (log: $log)"
    grep -E '^(FINDING|==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 20 || true
    grep -E '^ +#[0-9]+ ' "$log" | head -n 30 || true
    failed+=("$target")
  fi
done
echo "${passed} passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
