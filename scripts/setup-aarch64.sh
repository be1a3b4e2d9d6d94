#!/usr/bin/env bash
# Prepares the aarch64 cross build on Debian 12 (x86_64): Debian's cross compiler and qemu-user
# (to run the result), and build/aarch64-sysroot, where arm64 Debian packages are unpacked:
# the dependencies' headers and archives for the build, libcurl and its libraries for qemu.
# Unpacked rather than installed: libyaml-cpp-dev:arm64 would replace the x86_64 one (they are
# not co-installable), and arm64 libraries would drag the host's x86_64 ones to their versions.
# Idempotent: a second run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
sysroot="$PWD/build/aarch64-sysroot"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for package in g++-aarch64-linux-gnu qemu-user-static; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# arm64 package lists are needed to download arm64 packages (nothing arm64 gets installed).
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
  updated=""
else
  updated=yes
fi
if ((${#missing[@]} > 0)) || [ -z "$updated" ]; then
  echo "setup-aarch64: installing ${missing[*]:-arm64 package lists}" >&2
  $sudo apt-get update -qq
  if ((${#missing[@]} > 0)); then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# Build: what CMakeLists.txt finds (the -dev packages' CMake files check that their shared
# libraries exist, hence the runtime packages). Run: libcurl with everything it loads.
# Header-only packages are architecture-independent (no :arm64 suffix).
build_packages=(libyaml-cpp-dev:arm64 libyaml-cpp0.7:arm64 libspdlog-dev:arm64 libspdlog1.10:arm64
  libfmt-dev:arm64 libfmt9:arm64 libcurl4-openssl-dev:arm64 libpcre2-dev:arm64 libpcre2-8-0:arm64
  nlohmann-json3-dev libvalijson-dev)
mapfile -t run_packages < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances libcurl4:arm64 | grep -v '^ ')
mapfile -t wanted < <(printf '%s\n' "${build_packages[@]}" "${run_packages[@]}" | sort -u)
# The stamp records which packages (and versions) the sysroot holds: the same list skips the work.
stamp="$(apt-cache policy "${wanted[@]}" 2>/dev/null | grep -E '^[^ ]|Candidate')"
if [ -f "$sysroot/.packages" ] && [ "$(cat "$sysroot/.packages")" = "$stamp" ]; then
  exit 0
fi
echo "setup-aarch64: unpacking ${#wanted[@]} arm64 packages into $sysroot" >&2
rm -rf "$sysroot" && mkdir -p "$sysroot"
debs="$(mktemp -d)"
trap 'rm -rf "$debs"' EXIT
# apt-get download resolves names like apt-get install; arch-independent packages keep no suffix.
# (As root it warns that the download is not sandboxed: shown only when the download fails.)
if ! (cd "$debs" && apt-get download -qq "${wanted[@]}" 2>"$debs/log"); then
  cat "$debs/log" >&2
  exit 1
fi
for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
echo "$stamp" > "$sysroot/.packages"
