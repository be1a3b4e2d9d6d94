#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test suite:
#   unit (Catch2), end-to-end (the real binary against the loopback test backend),
#   conformance (the official MCP TypeScript clients from npm), install/uninstall, the demo and
#   each libFuzzer target for a short fixed time (one test per target that ran without a finding),
# first with the CI build (-Werror), then unit and end-to-end again under ASan+UBSan.
# Ends with one line "N passed, 0 failed" (N counts test cases over all suites).
#   scripts/test.sh                    everything
#   NEMO_TEST_QUICK=1 scripts/test.sh  skip the sanitizer pass
#   NEMO_FUZZ_SECONDS=60 scripts/test.sh  fuzz each target longer than the default 20 s
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
# ccache hits across clones of the repository (CI builds a fresh clone).
export CCACHE_BASEDIR="$root"
log=$(mktemp /tmp/nemo-test.XXXXXX)
trap 'rm -f "$log"' EXIT
passed=0

section() { printf '\n== %s\n' "$*"; }
# Runs a suite, shows its output, and adds its count of passed tests (read by `count`).
suite() {
  local count="$1"; shift
  "$@" 2>&1 | tee "$log"
  local n
  n=$($count < "$log")
  passed=$((passed + ${n:-0}))
}
catch_count() { sed -n 's/^All tests passed ([0-9]* assertions\{0,1\} in \([0-9]*\) test cases\{0,1\})$/\1/p' | tail -n 1; }
node_count() { sed -n 's/^# pass \([0-9]*\)$/\1/p' | tail -n 1; }
plain_count() { sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p' | tail -n 1; }

scripts/setup.sh ci
build="$root/build/ci"

section "unit tests"
suite catch_count "$build/tests/unit-tests"
section "end-to-end tests"
suite catch_count "$build/tests/e2e-tests"

section "conformance (official MCP TypeScript clients)"
(cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
suite node_count env -C tests/conformance NEMO_SERVER_BINARY="$build/nemo-video-mcp" \
  NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" node --test

section "install and uninstall"
suite plain_count env NEMO_SERVER_BINARY="$build/nemo-video-mcp" NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" \
  bash tests/install/test_install.sh

section "demo (the README's main job)"
suite plain_count bash tests/demo/test_demo.sh ci

section "fuzzing (each target ${NEMO_FUZZ_SECONDS:=20} s, fixed seed; scripts/fuzz.sh runs them longer)"
suite plain_count env NEMO_FUZZ_SEED=1 scripts/fuzz.sh "$NEMO_FUZZ_SECONDS"

if [ -z "${NEMO_TEST_QUICK:-}" ]; then
  section "unit and end-to-end tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  scripts/setup.sh asan
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  suite catch_count "$root/build/asan/tests/unit-tests"
  suite catch_count "$root/build/asan/tests/e2e-tests"
fi
section "all test suites passed"
echo "$passed passed, 0 failed"
