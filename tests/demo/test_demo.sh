#!/usr/bin/env bash
# Runs scripts/demo.sh (the README's "main job") and checks that it ends with the path of a
# real MP4 file: it exists, is not empty, and starts with an MP4 `ftyp` box.
set -euo pipefail
cd "$(dirname "$0")/../.."
preset="${1:-ci}"
home=$(mktemp -d /tmp/nemo-demo-test.XXXXXX)
trap 'rm -rf "$home"' EXIT
output=$(NEMO_DEMO_PRESET="$preset" NEMO_DEMO_HOME="$home" scripts/demo.sh 2>/dev/null)
printf '%s\n' "$output" | tail -n 8
path=$(printf '%s\n' "$output" | sed -n 's/^Your video: //p' | tail -n 1)
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1"; fi; }
check "the demo names the MP4" '[ -n "$path" ]'
check "the MP4 exists under the demo's output folder" '[ -s "$path" ] && [[ "$path" == "$home"/Videos/* ]]'
check "the file starts with an ftyp box" '[ "$(dd if="$path" bs=1 skip=4 count=4 2>/dev/null)" = ftyp ]'
check "the demo says it used the test backend" 'grep -q "TEST backend" <<< "$output"'
check "the demo showed the timeline summary" 'grep -q "Timeline (3 tracks)" <<< "$output"'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
