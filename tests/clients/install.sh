#!/usr/bin/env bash
# Installs the pinned clients (tests/clients/package.json and its lockfile: Claude Code, OpenClaw and
# the Node 24 that OpenClaw needs) once per machine, and prints the folder that holds them.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# The pinned clients, installed once per machine (and again when the lockfile changes) into a
# cache folder outside the clone, so that a fresh clone (CI) finds them. OpenClaw's install
# script refuses Node < 24.16, and npm runs install scripts with its own Node: so npm runs with
# the Node 24 of the npm package `node`, installed first.
CACHE="${NEMO_CLIENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nemo-video-mcp-tests}/clients-$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -c1-16)"
NODE24_VERSION="$(node -e 'console.log(require(process.argv[1]).dependencies.node)' "$HERE/package.json")"
if [ ! -x "$CACHE/node_modules/.bin/openclaw" ] || [ ! -x "$CACHE/node_modules/.bin/claude" ]; then
  echo "clients: installing the pinned clients into $CACHE (once per machine)" >&2
  rm -rf "$CACHE.part" && mkdir -p "$CACHE.part/node24"
  (cd "$CACHE.part/node24" && echo '{"private": true}' >package.json &&
    npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node@$NODE24_VERSION" >/dev/null)
  cp "$HERE/package.json" "$HERE/package-lock.json" "$CACHE.part/"
  (cd "$CACHE.part" && PATH="$CACHE.part/node24/node_modules/.bin:$PATH" npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  rm -rf "$CACHE" && mv "$CACHE.part" "$CACHE"
fi
echo "$CACHE"
