#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test suite:
#   unit (Catch2), end-to-end (the real binary against the loopback test backend),
#   the release artifacts (scripts/package.sh): conformance (the official MCP TypeScript clients
#   from npm) against the shipped x86_64 binary, the aarch64 one under qemu and the npm packages
#   through npx, and their contents; a whole session through the real Claude Code CLI
#   (tests/claude-code, a scripted stand-in for the model; in print mode, and interactive in a
#   pseudo-terminal, where a slow export becomes an MCP task); install/uninstall, the real Claude Code
#   CLI and OpenClaw against the plugins and the installer, the demo, and each libFuzzer target for
#   a short fixed time (one test per target that ran without a finding),
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

section "release artifacts (scripts/package.sh: x86_64 and aarch64 binaries, archives, .deb, npm)"
scripts/package.sh
release=$(mktemp -d /tmp/nemo-release.XXXXXX)
trap 'rm -f "$log"; rm -rf "$release"' EXIT
version="$(sed -n 's/^project(nemo-video-mcp VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
for arch in x86_64 aarch64; do tar -xzf "dist/nemo-video-mcp-$version-linux-$arch.tar.gz" -C "$release"; done
# The npm packages as a user gets them, installed without the network into a prefix of their own
# (absolute paths: npm reads "dist/x.tgz" as a GitHub repository).
npm install --offline --no-audit --no-fund --loglevel=error --prefix "$release/npm" \
  "$root/dist/nemo-video-mcp-$version.tgz" "$root/dist/nemo-video-mcp-linux-x64-$version.tgz" >/dev/null

(cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
conformance() {
  suite node_count env -C tests/conformance NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" "$@" node --test
}
section "conformance (official MCP TypeScript clients), x86_64 release binary"
conformance NEMO_SERVER_BINARY="$release/nemo-video-mcp-$version-linux-x86_64/nemo-video-mcp"
section "conformance, aarch64 release binary under qemu"
conformance NEMO_SERVER_COMMAND="[\"qemu-aarch64-static\", \"-L\", \"$root/build/aarch64-sysroot\", \"$release/nemo-video-mcp-$version-linux-aarch64/nemo-video-mcp\"]"
section "conformance through the npm packages: npx nemo-video-mcp"
conformance NEMO_SERVER_COMMAND="[\"npx\", \"--offline\", \"--prefix\", \"$release/npm\", \"nemo-video-mcp\"]"
section "release artifacts: contents, linking, start-up, .deb, npm launcher, server.json"
suite node_count node --test tests/package/

section "Claude Code CLI (the real client, a scripted model)"
# The pinned clients (Claude Code is about 384 MB) are installed once per machine, outside the clone.
clients="$(bash tests/clients/install.sh)"
suite node_count env NEMO_SERVER_BINARY="$build/nemo-video-mcp" NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" \
  CLAUDE_BINARY="$clients/node_modules/.bin/claude" node --test tests/claude-code/

section "install and uninstall"
suite plain_count env NEMO_SERVER_BINARY="$build/nemo-video-mcp" NEMO_BACKEND_BINARY="$build/tests/nemo-test-backend" \
  bash tests/install/test_install.sh

section "clients (the real Claude Code CLI: plugins, claude mcp add, claude mcp list)"
suite plain_count env NEMO_SERVER_BINARY="$build/nemo-video-mcp" bash tests/clients/test_clients.sh

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
