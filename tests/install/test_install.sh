#!/usr/bin/env bash
# Tests scripts/install.sh: install and uninstall into a temporary HOME (and XDG_CONFIG_HOME)
# for each target, with a pre-built server binary (--binary), diffing the whole tree before and
# after; JSONC/JSON5 configurations; and the platform and skill an installed copy reports to the
# backend (X-Skill-Platform, X-Skill-Source) when started without --skill.
#
#   tests/install/test_install.sh
#   NEMO_SERVER_BINARY   server binary (default build/ci/nemo-video-mcp, then build/release/...)
#   NEMO_BACKEND_BINARY  test backend (default build/ci/tests/nemo-test-backend, then build/release/...)
#
# Needs bash, node and the two binaries; touches nothing outside its temporary folder.
# Ends with "N passed, M failed"; exits non-zero when any check failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INSTALL="$ROOT/scripts/install.sh"
SKILL="ai-to-video"
MANIFEST="$ROOT/manifests/$SKILL/SKILL.md"

first_existing() {
  local candidate
  for candidate in "$@"; do
    if [ -x "$candidate" ]; then printf '%s\n' "$candidate"; return 0; fi
  done
  printf '%s\n' "$1"
}
SERVER_BIN="${NEMO_SERVER_BINARY:-$(first_existing "$ROOT/build/ci/nemo-video-mcp" "$ROOT/build/release/nemo-video-mcp")}"
BACKEND_BIN="${NEMO_BACKEND_BINARY:-$(first_existing "$ROOT/build/ci/tests/nemo-test-backend" "$ROOT/build/release/tests/nemo-test-backend")}"
for needed in "$SERVER_BIN" "$BACKEND_BIN"; do
  if [ ! -x "$needed" ]; then
    echo "test_install: $needed is missing; build first (cmake --preset ci && cmake --build --preset ci) or set NEMO_SERVER_BINARY / NEMO_BACKEND_BINARY" >&2
    exit 2
  fi
done
command -v node >/dev/null || { echo "test_install: node is required" >&2; exit 2; }

WORK="$(cd "$(mktemp -d "${TMPDIR:-/tmp}/nemo-install-test.XXXXXX")" && pwd -P)"
backend_pid=""
cleanup() {
  if [ -n "$backend_pid" ]; then
    kill "$backend_pid" 2>/dev/null || true
    wait "$backend_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"
same_file() { cmp "$1" "$2"; }
missing() { if [ -e "$1" ] || [ -L "$1" ]; then echo "$1 exists"; return 1; fi; }
# json FILE JS-EXPRESSION: evaluates the expression with `c` = the parsed file; true passes.
json() {
  node -e '
    const fs = require("fs");
    const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const ok = eval(process.argv[2]);
    if (!ok) { console.error("false: " + process.argv[2] + "\n" + JSON.stringify(c, null, 2)); process.exit(1); }
  ' "$1" "$2"
}
# A listing of every file under a folder with its checksum, to prove that nothing changed.
snapshot() { (cd "$1" && find . | LC_ALL=C sort && find . -type f -exec cksum {} + | LC_ALL=C sort); }

# new_home NAME: a fresh HOME (and XDG_CONFIG_HOME inside it) for one scenario.
new_home() {
  HOME="$WORK/$1/home"
  XDG_CONFIG_HOME="$HOME/.config"
  mkdir -p "$HOME"
  export HOME XDG_CONFIG_HOME
  unset XDG_DATA_HOME
}
run_install() { "$INSTALL" --skill "$SKILL" --binary "$SERVER_BIN" "$@"; }

# An existing configuration: another server and another top-level key, written the way the
# installer writes (two-space JSON), so that an uninstall can restore it byte for byte. The
# servers sit under "mcpServers", or under "mcp": {"servers": ...} for OpenClaw (SHAPE openclaw).
write_config() {
  mkdir -p "$(dirname "$1")"
  local open='  "mcpServers": {' close='  },' pad=''
  if [ "${2:-}" = "openclaw" ]; then open=$'  "mcp": {\n    "servers": {'; close=$'    }\n  },'; pad='  '; fi
  cat >"$1" <<EOF
{
  "theme": "dark",
$open
$pad    "other-server": {
$pad      "command": "/usr/local/bin/other-mcp",
$pad      "args": [
$pad        "--port",
$pad        "7"
$pad      ],
$pad      "env": {
$pad        "OTHER_TOKEN": "x"
$pad      }
$pad    }
$close
  "projects": {
    "/some/project": {
      "allowedTools": []
    }
  }
}
EOF
}
# servers_of SHAPE: a JS expression for the server map of the parsed file `c`.
servers_of() { if [ "$1" = "openclaw" ]; then echo 'c.mcp.servers'; else echo 'c.mcpServers'; fi; }
other_intact() {
  local S; S="$(servers_of "$1")"
  echo "eq($S[\"other-server\"], {command: \"/usr/local/bin/other-mcp\", args: [\"--port\", \"7\"], env: {OTHER_TOKEN: \"x\"}}) && c.theme === \"dark\" && eq(c.projects, {\"/some/project\": {allowedTools: []}})"
}
# The tree without backups (an uninstall keeps <file>.bak on purpose).
tree_without_backups() { snapshot "$1" | grep -v '\.bak$' | grep -v '\.bak ' || true; }

# test_target TARGET SKILL_DIR CONFIG SHAPE [EXTRA_SKILL_DIR]: the whole round trip for one target.
test_target() {
  local target="$1" dir="$2" config="$3" shape="$4" extra="${5:-}"
  local bin="$dir/nemo-video-mcp" out rc expected S top tree_before
  S="$(servers_of "$shape")"
  top="mcpServers"; [ "$shape" = "openclaw" ] && top="mcp"
  section "$target: install into $HOME"
  write_config "$config" "$shape"
  cp "$config" "$WORK/original.json"
  tree_before="$(tree_without_backups "$HOME")"
  rc=0; out="$(run_install --target "$target" 2>&1)" || rc=$?
  check "$target: install exits 0" test "$rc" -eq 0
  printf '%s\n' "$out" | sed 's/^/      | /'
  check "$target: binary copied to $dir" same_file "$SERVER_BIN" "$bin"
  check "$target: binary is a real file (not a symlink) and executable" test -f "$bin" -a ! -L "$bin" -a -x "$bin"
  check "$target: SKILL.md copied" same_file "$MANIFEST" "$dir/SKILL.md"
  if [ -n "$extra" ]; then
    check "$target: SKILL.md also where the client reads skills ($extra)" same_file "$MANIFEST" "$extra/SKILL.md"
  fi
  if [ "$shape" = "claude-code" ]; then
    expected="{type: \"stdio\", command: \"$bin\", args: [\"--skill\", \"$SKILL\"], env: {}}"
  else
    expected="{command: \"$bin\", args: [\"--skill\", \"$SKILL\"]}"
  fi
  check "$target: server \"$SKILL\" registered with the installed binary" json "$config" "eq($S[\"$SKILL\"], $expected)"
  check "$target: other server and other keys kept" json "$config" "$(other_intact "$shape")"
  check "$target: keys keep their order (ours appended)" json "$config" "eq(Object.keys(c), [\"theme\", \"$top\", \"projects\"]) && eq(Object.keys($S), [\"other-server\", \"$SKILL\"])"
  check "$target: backup equals the original" same_file "$WORK/original.json" "$config.bak"
  check "$target: output shows the JSON snippet" contains "$out" "\"command\": \"$bin\""
  check "$target: written with two-space indentation" contains "$(cat "$config")" "  \"$SKILL\": {"

  section "$target: second install changes nothing"
  local before after
  before="$(snapshot "$HOME")"
  rc=0; out="$(run_install --target "$target" 2>&1)" || rc=$?
  check "$target: second install exits 0" test "$rc" -eq 0
  after="$(snapshot "$HOME")"
  check "$target: every file byte-identical, no new file (no second backup)" test "$before" = "$after"
  check "$target: output says unchanged" contains "$out" "unchanged $bin"
  check "$target: configuration not rewritten" contains "$out" "unchanged $config"

  section "$target: dry-run uninstall changes nothing"
  rc=0; out="$("$INSTALL" --skill "$SKILL" --target "$target" --uninstall --dry-run 2>&1)" || rc=$?
  check "$target: dry run exits 0 and says would" test "$rc" -eq 0 -a -n "$(grep 'would remove' <<<"$out")"
  check "$target: dry run left every file as it was" test "$before" = "$(snapshot "$HOME")"

  section "$target: uninstall"
  rc=0; out="$("$INSTALL" --skill "$SKILL" --target "$target" --uninstall 2>&1)" || rc=$?
  check "$target: uninstall exits 0" test "$rc" -eq 0
  printf '%s\n' "$out" | sed 's/^/      | /'
  check "$target: binary removed" missing "$bin"
  check "$target: skill folder removed" missing "$dir"
  [ -z "$extra" ] || check "$target: the client's copy of the skill removed" missing "$extra"
  check "$target: our server removed" json "$config" "!(\"$SKILL\" in $S)"
  check "$target: other server and keys intact" json "$config" "$(other_intact "$shape")"
  check "$target: configuration back to the original, byte for byte" same_file "$WORK/original.json" "$config"
  check "$target: backup kept" same_file "$WORK/original.json" "$config.bak"
  check "$target: the tree is as before the install (no folder left behind)" test "$tree_before" = "$(tree_without_backups "$HOME")"
  before="$(snapshot "$HOME")"
  rc=0; out="$("$INSTALL" --skill "$SKILL" --target "$target" --uninstall 2>&1)" || rc=$?
  check "$target: second uninstall exits 0 and changes nothing" test "$rc" -eq 0 -a "$before" = "$(snapshot "$HOME")"
}

# ---------------------------------------------------------------------------------------------
new_home cursor
test_target cursor "$HOME/.cursor/skills/$SKILL" "$HOME/.cursor/mcp.json" plain
new_home openclaw
test_target openclaw "$HOME/.openclaw/skills/$SKILL" "$HOME/.openclaw/openclaw.json" openclaw
new_home clawhub
test_target clawhub "$HOME/.clawhub/skills/$SKILL" "$HOME/.openclaw/openclaw.json" openclaw
new_home claude-code
test_target claude-code "$HOME/.local/share/nemo-video-mcp/$SKILL" "$HOME/.claude.json" claude-code "$HOME/.claude/skills/$SKILL"
new_home claude-desktop
test_target claude-desktop "$HOME/.local/share/nemo-video-mcp/$SKILL" "$XDG_CONFIG_HOME/Claude/claude_desktop_config.json" plain

section "claude-desktop honours XDG_CONFIG_HOME"
new_home xdg
export XDG_CONFIG_HOME="$WORK/xdg/elsewhere"
rc=0; run_install --target claude-desktop >/dev/null 2>&1 || rc=$?
check "config written under \$XDG_CONFIG_HOME/Claude" json "$XDG_CONFIG_HOME/Claude/claude_desktop_config.json" "c.mcpServers[\"$SKILL\"].command === \"$HOME/.local/share/nemo-video-mcp/$SKILL/nemo-video-mcp\""
check "nothing under ~/.config" missing "$HOME/.config"

section "a fresh HOME: every target installs and uninstalls to an identical tree"
for target in cursor openclaw clawhub claude-code claude-desktop; do
  new_home "fresh-$target"
  tree_before="$(snapshot "$HOME")"
  rc=0; out="$(run_install --target "$target" 2>&1)" || rc=$?
  check "$target: install into an empty HOME exits 0" test "$rc" -eq 0
  "$INSTALL" --skill "$SKILL" --target "$target" --uninstall >/dev/null 2>&1 || true
  check "$target: after uninstall the HOME is as before, no empty folder left" test "$tree_before" = "$(snapshot "$HOME")"
done

section "JSONC and JSON5 configurations are merged, not refused"
new_home jsonc
mkdir -p "$HOME/.cursor"
cat >"$HOME/.cursor/mcp.json" <<'JSONC'
// Cursor's MCP servers
{
  "mcpServers": {
    /* a server with a URL inside a string: // is not a comment there */
    "web": {"url": "http://localhost:1/x", "note": "a, b ]"},
  },
}
JSONC
rc=0; out="$(run_install --target cursor 2>&1)" || rc=$?
check "JSONC: install exits 0" test "$rc" -eq 0
check "JSONC: ours added, the other server and its strings intact" json "$HOME/.cursor/mcp.json" "eq(Object.keys(c.mcpServers), [\"web\", \"$SKILL\"]) && eq(c.mcpServers.web, {url: \"http://localhost:1/x\", note: \"a, b ]\"})"
check "JSONC: says the comments are in the backup" contains "$out" "comments in $HOME/.cursor/mcp.json could not be kept"
check "JSONC: the backup is the original, comments included" contains "$(cat "$HOME/.cursor/mcp.json.bak")" "// Cursor's MCP servers"
rc=0; out="$("$INSTALL" --skill "$SKILL" --target cursor --uninstall 2>&1)" || rc=$?
check "JSONC: uninstall removes ours and keeps the other" json "$HOME/.cursor/mcp.json" "eq(Object.keys(c.mcpServers), [\"web\"])"
mkdir -p "$HOME/.openclaw"
cat >"$HOME/.openclaw/openclaw.json" <<'JSON5'
{
  // OpenClaw writes JSON5
  agents: { defaults: { model: 'anthropic/claude', note: "it's" } },
  mcp: { servers: {}, },
}
JSON5
rc=0; out="$(run_install --target openclaw 2>&1)" || rc=$?
check "JSON5: install exits 0" test "$rc" -eq 0
check "JSON5: ours under mcp.servers, the rest intact" json "$HOME/.openclaw/openclaw.json" "eq(c.agents, {defaults: {model: \"anthropic/claude\", note: \"it's\"}}) && c.mcp.servers[\"$SKILL\"].command === \"$HOME/.openclaw/skills/$SKILL/nemo-video-mcp\""
"$INSTALL" --skill "$SKILL" --target openclaw --uninstall >/dev/null 2>&1 || true
check "JSON5: uninstall keeps the servers map that was there" json "$HOME/.openclaw/openclaw.json" "eq(c.mcp, {servers: {}})"

section "no configuration yet: created, then removed again"
new_home fresh
rc=0; out="$(run_install --target cursor 2>&1)" || rc=$?
check "install creates ~/.cursor/mcp.json" json "$HOME/.cursor/mcp.json" "eq(Object.keys(c), [\"mcpServers\"]) && eq(Object.keys(c.mcpServers), [\"$SKILL\"])"
check "no backup of a file that did not exist" missing "$HOME/.cursor/mcp.json.bak"
check "new configuration file is private (0600)" test "$(stat -c %a "$HOME/.cursor/mcp.json" 2>/dev/null || stat -f %Lp "$HOME/.cursor/mcp.json")" = 600
"$INSTALL" --skill "$SKILL" --target cursor --uninstall >/dev/null 2>&1 || true
check "uninstall removes the file it created" missing "$HOME/.cursor/mcp.json"
check "and the skill folder" missing "$HOME/.cursor/skills/$SKILL"

section "invalid JSON is refused and nothing changes"
for target in cursor claude-code claude-desktop; do
  new_home "invalid-$target"
  case "$target" in
    cursor) config="$HOME/.cursor/mcp.json" ;;
    claude-code) config="$HOME/.claude.json" ;;
    claude-desktop) config="$XDG_CONFIG_HOME/Claude/claude_desktop_config.json" ;;
  esac
  mkdir -p "$(dirname "$config")"
  printf '{\n  "mcpServers": {\n    "other-server": {"command": "x"},\n' >"$config"
  before="$(snapshot "$HOME")"
  rc=0; out="$(run_install --target "$target" 2>&1)" || rc=$?
  check "$target: invalid JSON: install fails" test "$rc" -ne 0
  check "$target: invalid JSON: clear error" contains "$out" "is not valid JSON"
  check "$target: invalid JSON: no file changed, copied or backed up" test "$before" = "$(snapshot "$HOME")"
  rc=0; out="$("$INSTALL" --skill "$SKILL" --target "$target" --uninstall 2>&1)" || rc=$?
  check "$target: invalid JSON: uninstall fails too, nothing changed" test "$rc" -ne 0 -a "$before" = "$(snapshot "$HOME")"
done
new_home array
mkdir -p "$HOME/.cursor"; echo '[1, 2]' >"$HOME/.cursor/mcp.json"
rc=0; out="$(run_install --target cursor 2>&1)" || rc=$?
check "a JSON array at the top level is refused" test "$rc" -ne 0 -a "$(cat "$HOME/.cursor/mcp.json")" = "[1, 2]"

section "a foreign server of the same name"
new_home foreign
mkdir -p "$HOME/.cursor"
printf '{\n  "mcpServers": {\n    "%s": {\n      "command": "/opt/someone-else"\n    }\n  }\n}\n' "$SKILL" >"$HOME/.cursor/mcp.json"
cp "$HOME/.cursor/mcp.json" "$WORK/foreign.json"
before="$(snapshot "$HOME")"
rc=0; out="$(run_install --target cursor 2>&1)" || rc=$?
check "install refuses to replace it" test "$rc" -ne 0
check "and says to use --force" contains "$out" "--force"
check "nothing changed, nothing copied" test "$before" = "$(snapshot "$HOME")"
rc=0; out="$("$INSTALL" --skill "$SKILL" --target cursor --uninstall 2>&1)" || rc=$?
check "uninstall leaves a foreign entry alone" same_file "$WORK/foreign.json" "$HOME/.cursor/mcp.json"
rc=0; run_install --target cursor --force >/dev/null 2>&1 || rc=$?
check "--force replaces it" json "$HOME/.cursor/mcp.json" "c.mcpServers[\"$SKILL\"].command === \"$HOME/.cursor/skills/$SKILL/nemo-video-mcp\""

section "what the user added to our entry survives a re-install"
new_home user-env
run_install --target claude-code >/dev/null 2>&1 || true
node -e '
  const fs = require("fs"); const f = process.argv[1]; const c = JSON.parse(fs.readFileSync(f, "utf8"));
  c.mcpServers[process.argv[2]].env = {NEMO_LOG_LEVEL: "debug"};
  fs.writeFileSync(f, JSON.stringify(c, null, 2) + "\n");' "$HOME/.claude.json" "$SKILL"
cp "$HOME/.claude.json" "$WORK/user-env.json"
run_install --target claude-code >/dev/null 2>&1 || true
check "env kept, file unchanged" same_file "$WORK/user-env.json" "$HOME/.claude.json"
"$INSTALL" --skill "$SKILL" --target claude-code --uninstall >/dev/null 2>&1 || true
check "uninstall still removes our entry (it runs our binary)" missing "$HOME/.claude.json"

section "claude-code and claude-desktop share one folder"
new_home shared
run_install --target claude-code >/dev/null 2>&1 || true
run_install --target claude-desktop >/dev/null 2>&1 || true
shared_bin="$HOME/.local/share/nemo-video-mcp/$SKILL/nemo-video-mcp"
"$INSTALL" --skill "$SKILL" --target claude-code --uninstall >/dev/null 2>&1 || true
check "uninstalling claude-code keeps the binary claude-desktop still runs" test -x "$shared_bin"
check "claude-code entry gone" missing "$HOME/.claude.json"
"$INSTALL" --skill "$SKILL" --target claude-desktop --uninstall >/dev/null 2>&1 || true
check "uninstalling claude-desktop too removes our folder" missing "$HOME/.local/share/nemo-video-mcp"
check "and every folder the installs created (~/.claude, ~/.local, ~/.config/Claude)" test -z "$(ls -A "$HOME")"

section "two skills side by side"
new_home two-skills
run_install --target cursor >/dev/null 2>&1 || true
"$INSTALL" --skill video-generation-free --target cursor --binary "$SERVER_BIN" >/dev/null 2>&1 || true
check "both servers registered, each with its own folder and --skill" json "$HOME/.cursor/mcp.json" "eq(Object.keys(c.mcpServers), [\"$SKILL\", \"video-generation-free\"]) && c.mcpServers[\"video-generation-free\"].command === \"$HOME/.cursor/skills/video-generation-free/nemo-video-mcp\" && eq(c.mcpServers[\"video-generation-free\"].args, [\"--skill\", \"video-generation-free\"])"
"$INSTALL" --skill "$SKILL" --target cursor --uninstall >/dev/null 2>&1 || true
check "uninstalling one leaves the other skill registered and installed" json "$HOME/.cursor/mcp.json" "eq(Object.keys(c.mcpServers), [\"video-generation-free\"])"
check "the other skill's files stay" same_file "$ROOT/manifests/video-generation-free/SKILL.md" "$HOME/.cursor/skills/video-generation-free/SKILL.md"

section "usage errors"
rc=0; out="$("$INSTALL" --skill "$SKILL" 2>&1)" || rc=$?
check "missing --target: exit 2 with a message" test "$rc" -eq 2 -a -n "$(grep -e '--target' <<<"$out")"
rc=0; out="$("$INSTALL" --skill no-such-skill --target cursor 2>&1)" || rc=$?
check "unknown skill: exit 2, lists the skills" test "$rc" -eq 2 -a -n "$(grep -F "$SKILL" <<<"$out")"
rc=0; out="$("$INSTALL" --skill "$SKILL" --target vscode 2>&1)" || rc=$?
check "unknown target: exit 2" test "$rc" -eq 2
rc=0; out="$("$INSTALL" --skill "$SKILL" --target cursor --binary "$WORK/nope" 2>&1)" || rc=$?
check "missing --binary: exit 1 with a message" test "$rc" -eq 1 -a -n "$(grep -F "$WORK/nope" <<<"$out")"

# ---------------------------------------------------------------------------------------------
# The platform an installed copy reports. The test backend prints {"port":N,...} when ready and
# exits when its stdin closes; the server gets initialize, initialized and a credits call on a
# fifo that stays open until the answer arrived.

start_backend() {
  mkfifo "$WORK/backend.in"
  "$BACKEND_BIN" <"$WORK/backend.in" >"$WORK/backend.out" 2>"$WORK/backend.err" &
  backend_pid=$!
  exec {backend_fd}>"$WORK/backend.in"   # held open: the backend exits when it closes (at exit)
  export backend_fd
  local i
  for ((i = 0; i < 200; i++)); do
    if grep -q '"port"' "$WORK/backend.out" 2>/dev/null; then break; fi
    sleep 0.05
  done
  backend_port="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]).port)' "$WORK/backend.out")"
}

backend_get() {
  node -e '
    require("http").get(process.argv[1], (res) => {
      let body = ""; res.on("data", (d) => body += d); res.on("end", () => process.stdout.write(body));
    }).on("error", (e) => { console.error(e.message); process.exit(1); });' "http://127.0.0.1:$backend_port$1"
}
backend_post() {
  node -e '
    const req = require("http").request(process.argv[1], {method: "POST"}, (res) => { res.resume(); res.on("end", () => {}); });
    req.on("error", (e) => { console.error(e.message); process.exit(1); }); req.end();' "http://127.0.0.1:$backend_port$1"
}

# talk_to BINARY NAME [ARGS...]: runs one session of the server at BINARY (with ARGS, by default
# --skill $SKILL); leaves its output in $WORK/NAME.out.
talk_to() {
  local server="$1" name="$2" pid fd i
  shift 2
  local args=("$@")
  ((${#args[@]})) || args=(--skill "$SKILL")
  mkfifo "$WORK/$name.in"
  env -u NEMO_TOKEN -u XDG_STATE_HOME -u NEMO_SKILL -u NEMO_LOG_FILE HOME="$HOME" XDG_CONFIG_HOME="$HOME/.config" \
    NEMO_BASE_URL="http://127.0.0.1:$backend_port" NEMO_OUTPUT_DIR="$HOME/Videos" \
    "$server" "${args[@]}" <"$WORK/$name.in" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  pid=$!
  exec {fd}>"$WORK/$name.in"
  printf '%s\n' \
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"install-test","version":"1"}}}' \
    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"credits","arguments":{}}}' >&"$fd"
  for ((i = 0; i < 400; i++)); do
    if grep -q '"id":2' "$WORK/$name.out" 2>/dev/null; then break; fi
    sleep 0.05
  done
  exec {fd}>&-
  for ((i = 0; i < 200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# header_seen [HEADER]: the values of a header (x-skill-platform by default) in the API requests
# so far, sorted, unique.
header_seen() {
  backend_get /_test/requests | HEADER="${1:-x-skill-platform}" node -e '
    let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
      const seen = new Set(JSON.parse(s).filter((r) => r.host === "api").map((r) => r.headers[process.env.HEADER] || "(none)"));
      process.stdout.write([...seen].sort().join(","));
    });'
}
credits_answered() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const reply = lines.find((m) => m.id === 2);
    if (!reply || !reply.result || reply.result.isError) { console.error(JSON.stringify(reply)); process.exit(1); }' "$WORK/$1.out"
}

section "an installed copy reports its platform (X-Skill-Platform) and, without --skill, its folder's skill"
start_backend
check "test backend started" test -n "$backend_port"
for target in cursor openclaw clawhub; do
  new_home "platform-$target"
  run_install --target "$target" >/dev/null 2>&1 || true
  installed="$HOME/.$target/skills/$SKILL/nemo-video-mcp"
  expected="$target"; [ "$target" = "openclaw" ] && expected="clawhub"
  backend_post "/_test/reset"
  talk_to "$installed" "$target" --log-level warn
  check "$target: the installed copy answered the credits call" credits_answered "$target"
  seen="$(header_seen)"
  check "$target: the backend saw x-skill-platform: $expected (saw: $seen)" test "$seen" = "$expected"
  seen="$(header_seen x-skill-source)"
  check "$target: started without --skill, it serves its folder's skill (saw x-skill-source: $seen)" test "$seen" = "$SKILL"
done
new_home platform-none
backend_post "/_test/reset"
talk_to "$SERVER_BIN" build-tree
seen="$(header_seen)"
check "control: the binary in the build tree sends x-skill-platform: unknown (saw: $seen)" test "$seen" = "unknown"
backend_post "/_test/reset"
talk_to "$SERVER_BIN" build-tree-default --log-level warn
seen="$(header_seen x-skill-source)"
check "control: the binary in the build tree, without --skill, serves the default skill (saw: $seen)" test "$seen" = "video-generator-free-no-limits"

finish
