#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test suite:
#   unit (Catch2), end-to-end (the real binary against the loopback test backend),
#   conformance (the official MCP TypeScript clients from npm), a whole session through the real
#   Claude Code CLI (tests/claude-code, a scripted stand-in for the model), install/uninstall, and the demo,
# first with the CI build (-Werror), then unit and end-to-end again under ASan+UBSan.
# Ends with one line "N passed, 0 failed" (N counts test cases over all suites).
#   scripts/test.sh                    everything
#   NEMO_TEST_QUICK=1 scripts/test.sh  skip the sanitizer pass
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

section "Claude Code CLI (the real client, a scripted model)"
# The CLI is about 384 MB: installed once per machine (npm ci), then reused while its version
# is the one the lockfile pins.
pinned=$(node -p 'require("./tests/clients/package.json").dependencies["@anthropic-ai/claude-code"]')
if ! tests/clients/node_modules/.bin/claude --version 2>/dev/null | grep -q "^$pinned "; then
  (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
suite node_count env NEMO_SERVER_BINARY="$build/nemo-video-mcp" NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" \
  node --test tests/claude-code/

section "install and uninstall"
suite plain_count env NEMO_SERVER_BINARY="$build/nemo-video-mcp" NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" \
  bash tests/install/test_install.sh

section "demo (the README's main job)"
suite plain_count bash tests/demo/test_demo.sh ci

if [ -z "${NEMO_TEST_QUICK:-}" ]; then
  section "unit and end-to-end tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  scripts/setup.sh asan
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  suite catch_count "$root/build/asan/tests/unit-tests"
  suite catch_count "$root/build/asan/tests/e2e-tests"
fi
section "all test suites passed"
echo "$passed passed, 0 failed"
