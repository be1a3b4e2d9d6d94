#!/usr/bin/env bash
# Tests the set-up against the real Claude Code CLI and OpenClaw (pinned in
# tests/clients/package-lock.json), in a temporary HOME, offline:
#   - `claude plugin validate --strict` accepts the marketplace and every skill's plugin, and
#     reads from each the skill and the MCP server that starts this skill;
#   - scripts/install.sh --target claude-code with `claude` on PATH registers through
#     `claude mcp add`, and `claude mcp list` starts the installed server: "✔ Connected";
#     the uninstall removes it again and leaves no file of ours;
#   - the plugin installed from the repository's marketplace starts its server through
#     `npx -y nemo-video-mcp` (a stand-in npx on PATH runs the built binary, as the npm package
#     is not reachable here), and `claude mcp list` reports it connected;
#   - scripts/install.sh --target openclaw: `openclaw skills info` shows the skill ready (its
#     metadata.openclaw read, the server's registration found), `openclaw mcp probe` starts the
#     server and lists its tools, and without the registration the skill is not offered.
#
#   tests/clients/test_clients.sh
#   NEMO_SERVER_BINARY   server binary (default build/ci/nemo-video-mcp, then build/release/...)
#
# Installs the pinned clients once per machine (see CACHE below). Ends with "N passed, M failed".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SKILL="ai-to-video"
SERVER_BIN="${NEMO_SERVER_BINARY:-$ROOT/build/ci/nemo-video-mcp}"
[ -x "$SERVER_BIN" ] || SERVER_BIN="$ROOT/build/release/nemo-video-mcp"
[ -x "$SERVER_BIN" ] || { echo "test_clients: no server binary; build first or set NEMO_SERVER_BINARY" >&2; exit 2; }

CACHE="$(bash "$HERE/install.sh")"
NODE24="$CACHE/node_modules/.bin/node"

WORK="$(cd "$(mktemp -d "${TMPDIR:-/tmp}/nemo-clients-test.XXXXXX")" && pwd -P)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/bin"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config"
unset XDG_DATA_HOME NEMO_SKILL NEMO_TOKEN
# Claude Code offline and quiet: no telemetry, no update checks.
export DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1
ln -s "$CACHE/node_modules/.bin/claude" "$WORK/bin/claude"
# openclaw runs on Node 24, whatever node is first on PATH.
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE24" "$CACHE/node_modules/openclaw/openclaw.mjs" >"$WORK/bin/openclaw"
chmod +x "$WORK/bin/openclaw"
# The plugin's .mcp.json runs `npx -y nemo-video-mcp ...`; here npx runs the built binary.
cat >"$WORK/bin/npx" <<EOF
#!/bin/sh
[ "\$1" = "-y" ] && shift
[ "\$1" = "nemo-video-mcp" ] || { echo "stand-in npx: only nemo-video-mcp" >&2; exit 1; }
shift
exec "$SERVER_BIN" "\$@"
EOF
chmod +x "$WORK/bin/npx"
export PATH="$WORK/bin:$PATH"

# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"
# claude_run ARGS...: the CLI's output (stdout and stderr); its exit status in $rc.
claude_run() { rc=0; out="$(timeout 120 claude "$@" 2>&1)" || rc=$?; }

section "claude plugin validate --strict: the marketplace and each skill's plugin"
claude_run plugin validate --strict "$ROOT"
check "marketplace passes (exit $rc)" test "$rc" -eq 0
check "marketplace: 'Validation passed'" contains "$out" "Validation passed"
for dir in "$ROOT"/manifests/*/; do
  slug="$(basename "$dir")"
  claude_run plugin validate --strict "$dir"
  check "$slug: plugin passes (exit $rc)" test "$rc" -eq 0
  check "$slug: provides the skill $slug" contains "$out" "skills: $slug:$slug"
  check "$slug: provides the server, started through the npm package for this skill" \
    contains "$out" "mcpServers: $slug stdio npx [\"-y\",\"nemo-video-mcp\",\"--skill\",\"$slug\"]"
done

section "installer, claude-code target, with the claude CLI on PATH"
rc=0; out="$("$ROOT/scripts/install.sh" --skill "$SKILL" --target claude-code --binary "$SERVER_BIN" 2>&1)" || rc=$?
check "install exits 0" test "$rc" -eq 0
check "install registered through 'claude mcp add --scope user'" contains "$out" "claude mcp add --scope user $SKILL"
installed="$HOME/.local/share/nemo-video-mcp/$SKILL/nemo-video-mcp"
check "the skill is where Claude Code reads skills" test -f "$HOME/.claude/skills/$SKILL/SKILL.md"
claude_run mcp get "$SKILL"
check "claude mcp get: user scope, our binary and --skill" contains "$out" "$installed"
check "claude mcp get: user scope" contains "$out" "User config"
claude_run mcp list
check "claude mcp list starts the server: '$SKILL: ... ✔ Connected'" contains "$out" "$SKILL: $installed --skill $SKILL - ✔ Connected"
rc=0; out="$("$ROOT/scripts/install.sh" --skill "$SKILL" --target claude-code --binary "$SERVER_BIN" 2>&1)" || rc=$?
check "a second install exits 0 and changes nothing" test "$rc" -eq 0
check "a second install says unchanged" contains "$out" "unchanged $HOME/.claude.json"
rc=0; out="$("$ROOT/scripts/install.sh" --skill "$SKILL" --target claude-code --uninstall 2>&1)" || rc=$?
check "uninstall exits 0 and used 'claude mcp remove'" contains "$out" "claude mcp remove --scope user $SKILL"
claude_run mcp list
check "claude mcp list no longer has the server" lacks "$out" "$SKILL:"
check "the skill folder is gone from ~/.claude/skills" test ! -e "$HOME/.claude/skills/$SKILL"
check "the binary's folder is gone" test ! -e "$HOME/.local"

section "the plugin from the repository's marketplace"
claude_run plugin marketplace add "$ROOT"
check "marketplace add (exit $rc)" test "$rc" -eq 0
claude_run plugin install "$SKILL@nemo-video"
check "plugin install $SKILL@nemo-video (exit $rc)" test "$rc" -eq 0
claude_run mcp list
check "claude mcp list starts the plugin's server through npx: ✔ Connected" \
  contains "$out" "plugin:$SKILL:$SKILL: npx -y nemo-video-mcp --skill $SKILL - ✔ Connected"

section "installer, openclaw target: OpenClaw itself reads the skill and starts the server"
openclaw_run() { rc=0; out="$(timeout 180 openclaw "$@" 2>&1)" || rc=$?; }
rc=0; out="$("$ROOT/scripts/install.sh" --skill "$SKILL" --target openclaw --binary "$SERVER_BIN" 2>&1)" || rc=$?
check "install exits 0" test "$rc" -eq 0
openclaw_run skills info "$SKILL"
check "openclaw skills info: the skill is ready, with its emoji" contains "$out" "🎬 $SKILL ✓ Ready"
check "openclaw skills info: read from ~/.openclaw/skills" contains "$out" "Path: ~/.openclaw/skills/$SKILL/SKILL.md"
check "openclaw skills info: its requirement, the registered server, is met" contains "$out" "Config: ✓ mcp.servers.$SKILL"
check "openclaw skills info: NEMO_TOKEN is its key" contains "$out" "Primary env: NEMO_TOKEN"
openclaw_run mcp probe "$SKILL"
check "openclaw mcp probe starts the installed server and lists its 6 tools" contains "$out" "$SKILL: 6 tools"
openclaw_run mcp unset "$SKILL"
openclaw_run skills info "$SKILL"
check "without the registered server the skill is not offered to the model (requires.config)" \
  contains "$out" "Config: ✗ mcp.servers.$SKILL"
check "... and says it needs setup" contains "$out" "Visible to model: no"
rc=0; out="$("$ROOT/scripts/install.sh" --skill "$SKILL" --target openclaw --uninstall 2>&1)" || rc=$?
check "uninstall exits 0" test "$rc" -eq 0
check "uninstall removed the skill folder" test ! -e "$HOME/.openclaw/skills/$SKILL"

finish
