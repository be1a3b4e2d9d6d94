#!/usr/bin/env bash
# The main job, end to end, on this machine: sets up and builds (scripts/setup.sh), starts the
# bundled NemoVideo TEST backend on loopback (not the real cloud: no account, no network), and
# drives the real nemo-video-mcp binary through a whole session as an agent would: create a
# session, upload a sample image, chat, read the timeline, export, download. Ends with the MP4's path.
#   scripts/demo.sh            (NEMO_DEMO_HOME=<dir> keeps the demo's files there)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
preset="${NEMO_DEMO_PRESET:-release}"

scripts/setup.sh "$preset" >&2
build="build/$preset"

demo_home="${NEMO_DEMO_HOME:-$(mktemp -d /tmp/nemo-demo.XXXXXX)}"
mkdir -p "$demo_home"
export HOME="$demo_home" XDG_CONFIG_HOME="$demo_home/.config" XDG_STATE_HOME="$demo_home/.local/state"
export NEMO_OUTPUT_DIR="$demo_home/Videos/NemoVideo" NEMO_RENDER_POLL_MS=500

coproc BACKEND { exec "$root/$build/tests/nemo-test-backend"; }
trap 'exec {BACKEND[1]}>&- 2>/dev/null || true; wait 2>/dev/null || true' EXIT
read -r ports <&"${BACKEND[0]}"
port=$(node -e 'console.log(JSON.parse(process.argv[1]).port)' "$ports")
# The test backend answers a turn with the default 3-track timeline and a short reply in chunks.
node -e 'fetch(process.argv[1] + "/_test/config", {method: "POST", body: JSON.stringify({sse_script: [
  {tool: "generate_video", delay_ms: 300}, {text: "Here is your 10-second promo: a city timelapse with lo-fi music and the title \"Urban Dreams\".", chunks: 4, chunk_delay_ms: 150, edit: "default"}]})})
  .then((r) => { if (!r.ok) process.exit(1); })' "http://127.0.0.1:$port"

echo "== nemo-video-mcp demo against the bundled TEST backend at http://127.0.0.1:$port (not the NemoVideo cloud)"
node scripts/demo.mjs "$root/$build/nemo-video-mcp" "http://127.0.0.1:$port" "$root/scripts/demo-assets/sample.png"
