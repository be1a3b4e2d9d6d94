#!/usr/bin/env bash
# Builds the release artifacts into dist/ (Debian 12, x86_64):
#   nemo-video-mcp-<version>-linux-<x86_64|aarch64>.tar.gz   the binary, the five skills, README, notices
#   nemo-video-mcp_<version>_<amd64|arm64>.deb                /usr/bin/nemo-video-mcp and the skills
#   nemo-video-mcp-<version>.tgz, nemo-video-mcp-linux-<x64|arm64>-<version>.tgz   npm packages
#   server.json                                               the MCP Registry entry
# The x86_64 binary is the ci build's (the one every test suite runs), the aarch64 one the same
# sources cross-built; both link everything but glibc statically and load libcurl when needed.
#   scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"

version="$(sed -n 's/^project(nemo-video-mcp VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
# The version lives in CMakeLists.txt; the npm and registry files must say the same.
for file in packaging/npm/nemo-video-mcp/package.json server.json; do
  if ! node -e '
    const [file, version] = process.argv.slice(1);
    const json = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const versions = [json.version, ...Object.values(json.optionalDependencies ?? {}), ...(json.packages ?? []).map((p) => p.version)];
    process.exit(versions.every((v) => v === version) ? 0 : 1);' "$file" "$version"; then
    echo "package: $file does not say version $version everywhere (CMakeLists.txt does)" >&2
    exit 1
  fi
done

scripts/setup.sh ci
scripts/setup-aarch64.sh
cmake --preset aarch64 >/dev/null
cmake --build --preset aarch64

dist="$root/dist"
stage="$root/build/package"
rm -rf "$dist" "$stage"
mkdir -p "$dist" "$stage"

# arch name: uname (archives), Debian (deb), Node (npm)
package_platform() {
  local build="$1" arch="$2" node_arch="$3"
  local strip="strip"
  [ "$arch" = aarch64 ] && strip="aarch64-linux-gnu-strip"

  local name="nemo-video-mcp-$version-linux-$arch"
  local dir="$stage/$name"
  mkdir -p "$dir/skills"
  "$strip" -o "$dir/nemo-video-mcp" "$build/nemo-video-mcp"
  cp -r manifests/. "$dir/skills/"
  cp README.md "$dir/"
  cp "$build/THIRD-PARTY-NOTICES.txt" "$dir/"
  tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$dist/$name.tar.gz" "$name"

  (cd "$build" && cpack -G DEB -B "$stage/cpack-$arch" >/dev/null)
  cp "$stage/cpack-$arch"/*.deb "$dist/"

  # The npm package of this platform: just the binary, picked by npm through os/cpu/libc.
  local npm_dir="$stage/npm-linux-$node_arch"
  mkdir -p "$npm_dir/bin"
  cp "$dir/nemo-video-mcp" "$npm_dir/bin/"
  cp "$dir/THIRD-PARTY-NOTICES.txt" "$npm_dir/"
  node -e '
    const [dir, version, cpu] = process.argv.slice(1);
    const pkg = {
      name: `nemo-video-mcp-linux-${cpu}`,
      version,
      description: `The nemo-video-mcp server for Linux ${cpu} (glibc); installed by the nemo-video-mcp package.`,
      license: "UNLICENSED",
      os: ["linux"],
      cpu: [cpu],
      libc: ["glibc"],
      files: ["bin/nemo-video-mcp", "THIRD-PARTY-NOTICES.txt"],
      // Yarn PnP would otherwise leave the binary inside a zip, where it cannot be run.
      preferUnplugged: true,
    };
    require("fs").writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + "\n");' \
    "$npm_dir" "$version" "$node_arch"
  (cd "$npm_dir" && npm pack --silent --pack-destination "$dist" >/dev/null)
}

package_platform "$root/build/ci" x86_64 x64
package_platform "$root/build/aarch64" aarch64 arm64

# The main npm package: the launcher, which runs the platform package's binary.
cp -r packaging/npm/nemo-video-mcp "$stage/npm-main"
cp README.md "$stage/npm-main/"
(cd "$stage/npm-main" && npm pack --silent --pack-destination "$dist" >/dev/null)

cp server.json "$dist/"
ls -l "$dist"
