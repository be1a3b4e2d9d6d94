#!/usr/bin/env bash
# Installs what nemo-video-mcp needs on Debian 12 (only the missing packages; apt-get update
# at most once; non-interactive) and builds it. Idempotent: a second run changes nothing.
#   scripts/setup.sh [preset]     preset: release (default), dev, ci, asan, fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"

packages=(
  build-essential cmake pkg-config ccache
  nlohmann-json3-dev libcurl4-openssl-dev libboost-dev libboost-filesystem-dev
  libspdlog-dev catch2 libcpp-httplib-dev libvalijson-dev libyaml-cpp-dev libpcre2-dev
  poppler-utils unzip nodejs npm
  bsdutils  # `script`: the pseudo-terminal of tests/claude-code/interactive-tasks.test.mjs (Essential on Debian)
  clang libclang-rt-14-dev  # the fuzz preset: libFuzzer's runtime is only "recommended" by clang
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# node and npm may come from elsewhere than Debian (e.g. nodesource); then they are not missing.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]}"
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The conformance tests' @modelcontextprotocol/client 2.x needs Node.js 20 or newer; Debian 12's
# own nodejs is 18. Our machines come with Node 20; elsewhere, say so early.
if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup: warning: Node.js $(node --version) is older than 20; the conformance tests need 20 or newer" >&2
fi

export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
