#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test suite:
#   unit (Catch2), end-to-end (the real binary against the loopback test backend),
#   conformance (the official MCP TypeScript clients from npm), install/uninstall, and the demo.
# First with the CI build (-Werror), then unit and end-to-end again under ASan+UBSan.
#   scripts/test.sh                    everything
#   NEMO_TEST_QUICK=1 scripts/test.sh  skip the sanitizer pass
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
# ccache hits across clones of the repository (CI builds a fresh clone).
export CCACHE_BASEDIR="$root"

section() { printf '\n== %s\n' "$*"; }

scripts/setup.sh ci
build="$root/build/ci"

section "unit tests"
"$build/tests/unit-tests"
section "end-to-end tests"
"$build/tests/e2e-tests"

section "conformance (official MCP TypeScript clients)"
(cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
  NEMO_SERVER_BINARY="$build/nemo-video-mcp" NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" node --test)

section "install and uninstall"
NEMO_SERVER_BINARY="$build/nemo-video-mcp" NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" \
  bash tests/install/test_install.sh

section "demo (the README's main job)"
bash tests/demo/test_demo.sh ci

if [ -z "${NEMO_TEST_QUICK:-}" ]; then
  section "unit and end-to-end tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  scripts/setup.sh asan
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  "$root/build/asan/tests/unit-tests"
  "$root/build/asan/tests/e2e-tests"
fi
section "all test suites passed"
