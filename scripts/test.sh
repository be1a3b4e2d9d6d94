#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test: unit, end-to-end (the real binary against the
# loopback test backend) and conformance (the official MCP TypeScript clients from npm).
#   scripts/test.sh            the CI build (-Werror), then the ASan+UBSan build, all suites
#   NEMO_TEST_QUICK=1 scripts/test.sh   only the CI build
set -euo pipefail
cd "$(dirname "$0")/.."

run_suites() {
  local build="$1"
  echo "== unit tests ($build)"
  "$build/tests/unit-tests"
  echo "== end-to-end tests ($build)"
  "$build/tests/e2e-tests"
}

scripts/setup.sh ci
run_suites build/ci

echo "== conformance (official MCP TypeScript clients)"
(cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error >/dev/null && \
  NEMO_SERVER_BINARY="$PWD/../../build/ci/nemo-video-mcp" NEMO_BACKEND_BINARY="$PWD/../../build/ci/tests/nemo-test-backend" \
  node --test)

if [ -z "${NEMO_TEST_QUICK:-}" ]; then
  scripts/setup.sh asan
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_suites build/asan
fi
echo "all test suites passed"
