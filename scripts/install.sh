#!/usr/bin/env bash
# Installs (or removes) one nemo-video-mcp skill for one agent platform.
#
#   scripts/install.sh --skill <slug> --target cursor|claude-code|claude-desktop|openclaw|clawhub
#                      [--uninstall] [--dry-run] [--binary <path>] [--force]
#
# What an install does, one printed line per action:
#   1. Finds the server binary: --binary <path>, else build/release/nemo-video-mcp, which is
#      built first when missing (scripts/setup.sh release, or cmake --preset release).
#   2. Copies the binary and manifests/<slug>/SKILL.md (copies, never symlinks: the server tells
#      its platform, and with no --skill its skill, from the real path of its own executable):
#        cursor          ~/.cursor/skills/<slug>/
#        openclaw        ~/.openclaw/skills/<slug>/        (OpenClaw's managed skills)
#        clawhub         ~/.clawhub/skills/<slug>/         (the ClawHub layout)
#        claude-code     ${XDG_DATA_HOME:-~/.local/share}/nemo-video-mcp/<slug>/, and SKILL.md
#                        also to ~/.claude/skills/<slug>/, where Claude Code reads skills
#        claude-desktop  ${XDG_DATA_HOME:-~/.local/share}/nemo-video-mcp/<slug>/  (shared with claude-code)
#   3. Registers the MCP server, named <slug>, where the client reads MCP servers:
#        cursor          ~/.cursor/mcp.json, "mcpServers": {"<slug>": {"command": BIN, "args": ["--skill", "<slug>"]}}
#        claude-desktop  Linux: ${XDG_CONFIG_HOME:-~/.config}/Claude/claude_desktop_config.json
#                        macOS: ~/Library/Application Support/Claude/claude_desktop_config.json
#                        same shape as Cursor
#        claude-code     `claude mcp add --scope user <slug> -- BIN --skill <slug>` when the claude
#                        CLI is on PATH; otherwise ~/.claude.json (user scope), top-level "mcpServers":
#                        {"<slug>": {"type": "stdio", "command": BIN, "args": [...], "env": {}}}
#        openclaw,       ${OPENCLAW_CONFIG_PATH:-~/.openclaw/openclaw.json}, "mcp": {"servers": {"<slug>":
#        clawhub         {"command": BIN, "args": [...]}}} (OpenClaw runs the skills ClawHub installs)
#
# Configuration files are merged, never replaced: other servers and other keys stay as they
# are, key order is kept, and the file is written with the indentation it already uses (two
# spaces for a new file), atomically (temporary file + rename), keeping its permissions (0600
# for a new file). Comments and trailing commas (JSONC; OpenClaw's JSON5 also allows unquoted
# keys and single quotes) are read; a file that had comments is written back as plain JSON
# without them (the backup keeps them), as JSON.stringify cannot carry them. A file that cannot
# be read (or whose top level or server map is not an object) is refused and left untouched.
# An empty file counts as {}.
#
# Backup: before the first change ever made to an existing configuration file, it is copied to
# <file>.bak. An existing <file>.bak is never overwritten, so it always holds the file as it was
# before nemo-video-mcp first touched it; --uninstall leaves it in place. Nothing is backed up
# when the file does not exist yet (there is nothing to keep).
#
# Idempotent: when the files are already in place and the configuration already holds the
# entry, nothing is written (the file stays byte-identical and no backup is made). An entry
# that is already ours keeps any keys the user added to it (e.g. "env": {"NEMO_TOKEN": ...}).
# A server of the same name that runs another command is refused unless --force.
#
# --uninstall removes exactly what an install added: the server entry (only while it still runs
# our installed binary), the server map if it is now empty and was not there before (judged
# from the backup), the configuration file itself if we created it and it is now {}, the copied
# binary and SKILL.md files (for the Claude targets only when the other Claude client does not
# still use them), and every folder the install created that is empty now (the install lists
# them in <skill folder>/.created-folders). Other servers are untouched.
#
# --dry-run prints what would be done and changes nothing (an invalid configuration file is
# still reported as an error).
#
# Requires bash and, for every target, node (Node.js, any version >= 12) to read and write
# JSON. Exit status: 0 done, 1 failed (nothing further changed), 2 usage.
set -euo pipefail

readonly PROGRAM="install.sh"
readonly BINARY_NAME="nemo-video-mcp"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO

usage() {
  cat <<EOF
Usage: scripts/install.sh --skill <slug> --target <target> [options]

Installs the nemo-video-mcp MCP server for one skill into one agent platform, or removes it.

Required:
  --skill <slug>      one of: $(skill_list)
  --target <target>   cursor | claude-code | claude-desktop | openclaw | clawhub

Options:
  --uninstall         remove what an install added (the backup is kept)
  --dry-run           print what would be done, change nothing
  --binary <path>     install this server binary instead of build/release/$BINARY_NAME
                      (which is built first when it is missing)
  --force             replace a server entry of the same name that runs another command
  -h, --help          show this help

Examples:
  scripts/install.sh --skill ai-to-video --target cursor
  scripts/install.sh --skill ai-to-video --target openclaw
  scripts/install.sh --skill ai-to-video --target claude-code --uninstall
EOF
}

available_skills() {
  local dir
  for dir in "$REPO"/manifests/*/; do
    [ -f "$dir/SKILL.md" ] && basename "$dir"
  done
  return 0
}

skill_list() {
  local list
  list="$(available_skills)"
  printf '%s' "${list//$'\n'/, }"
}

say() { printf '%s: %s\n' "$mode_word" "$*"; }
fail() { printf '%s: error: %s\n' "$PROGRAM" "$*" >&2; exit 1; }
usage_error() {
  printf '%s: %s\n' "$PROGRAM" "$*" >&2
  printf "Run 'scripts/install.sh --help' for usage.\n" >&2
  exit 2
}

# --------------------------------------------------------------------------------------------
# Arguments

skill=""
target=""
uninstall=0
dry_run=0
binary=""
force=0
while (($# > 0)); do
  arg="$1"
  value=""
  case "$arg" in
    --skill=* | --target=* | --binary=*) value="${arg#*=}"; arg="${arg%%=*}" ;;
    --skill | --target | --binary)
      (($# >= 2)) || usage_error "option $arg needs a value"
      value="$2"; shift ;;
  esac
  case "$arg" in
    --skill) skill="$value" ;;
    --target) target="$value" ;;
    --binary) binary="$value"; [ -n "$binary" ] || usage_error "--binary needs a path" ;;
    --uninstall) uninstall=1 ;;
    --dry-run) dry_run=1 ;;
    --force) force=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument '$arg'" ;;
  esac
  shift
done

[ -n "$skill" ] || usage_error "--skill <slug> is required (one of: $(skill_list))"
[ -n "$target" ] || usage_error "--target is required (cursor, claude-code, claude-desktop, openclaw or clawhub)"
if [[ ! "$skill" =~ ^[a-z0-9][a-z0-9-]*$ ]] || [ ! -f "$REPO/manifests/$skill/SKILL.md" ]; then
  usage_error "unknown skill '$skill' (no manifests/$skill/SKILL.md); the skills are: $(skill_list)"
fi
manifest="$REPO/manifests/$skill/SKILL.md"

if ((uninstall)); then mode_word="uninstall"; else mode_word="install"; fi
((dry_run)) && mode_word="$mode_word (dry run)"

if [[ "${HOME:-}" != /* ]]; then fail "HOME must be set to an absolute path (it is '${HOME:-}')"; fi
home="${HOME%/}"
xdg_config="${XDG_CONFIG_HOME:-}"; [[ "$xdg_config" == /* ]] || xdg_config="$home/.config"
xdg_data="${XDG_DATA_HOME:-}"; [[ "$xdg_data" == /* ]] || xdg_data="$home/.local/share"
our_data_root="$xdg_data/nemo-video-mcp"

config=""          # the client's configuration file
config_shape=""    # plain: {command,args}; claude-code: {type,command,args,env}
servers_path="mcpServers"  # where the file keeps its servers (dot-separated keys)
other_config=""    # the other Claude client's file, which may share our binary
extra_skill_dir="" # a second place that gets SKILL.md only (Claude Code's skills folder)
use_claude_cli=0   # register through `claude mcp add` rather than editing the file
client_name=""
openclaw_config="${OPENCLAW_CONFIG_PATH:-}"; [[ "$openclaw_config" == /* ]] || openclaw_config="$home/.openclaw/openclaw.json"
case "$target" in
  cursor)
    skill_dir="$home/.cursor/skills/$skill"
    config="$home/.cursor/mcp.json"; config_shape="plain"; client_name="Cursor" ;;
  openclaw | clawhub)
    if [ "$target" = "openclaw" ]; then skill_dir="$home/.openclaw/skills/$skill"; else skill_dir="$home/.clawhub/skills/$skill"; fi
    config="$openclaw_config"; config_shape="plain"; servers_path="mcp.servers"; client_name="OpenClaw" ;;
  claude-code | claude-desktop)
    skill_dir="$our_data_root/$skill"
    code_config="$home/.claude.json"
    if [ "$(uname -s)" = "Darwin" ]; then
      desktop_config="$home/Library/Application Support/Claude/claude_desktop_config.json"
    else
      desktop_config="$xdg_config/Claude/claude_desktop_config.json"
    fi
    if [ "$target" = "claude-code" ]; then
      config="$code_config"; config_shape="claude-code"; other_config="$desktop_config"; client_name="Claude Code"
      extra_skill_dir="$home/.claude/skills/$skill"
      command -v claude >/dev/null 2>&1 && use_claude_cli=1
    else
      config="$desktop_config"; config_shape="plain"; other_config="$code_config"; client_name="Claude Desktop"
    fi ;;
  *) usage_error "unknown target '$target' (use cursor, claude-code, claude-desktop, openclaw or clawhub)" ;;
esac
installed_binary="$skill_dir/$BINARY_NAME"
installed_manifest="$skill_dir/SKILL.md"
created_record="$skill_dir/.created-folders"

if ! command -v node >/dev/null 2>&1; then
  fail "node (Node.js) is required to edit $config but was not found on PATH; install it (Debian: sudo apt-get install nodejs) and run this again. Nothing was changed."
fi

# --------------------------------------------------------------------------------------------
# JSON configuration files, edited by node. Settings come in through the environment:
#   CFG_ACTION   install | uninstall | references | state
#   CFG_FILE     the configuration file        CFG_NAME   the server name
#   CFG_PATH     where the servers are kept, dot-separated ("mcpServers", "mcp.servers")
#   CFG_ENTRY    the entry to install (JSON)   CFG_BINARY our installed binary
#   CFG_DRY_RUN  1 to only report              CFG_FORCE  1 to replace a foreign entry
#   CFG_PREFIX   prefix of printed lines
# Exit status: 0 done (references: 0 = the file has a server running CFG_BINARY, 1 = not;
# state: prints absent, ours or foreign), 3 refused (unreadable file or a foreign entry),
# anything else an unexpected failure.
read -r -d '' CONFIG_EDITOR <<'NODE' || true
'use strict';
const fs = require('fs');
const path = require('path');
const env = process.env;
const file = env.CFG_FILE, name = env.CFG_NAME, dryRun = env.CFG_DRY_RUN === '1';
const serversPath = (env.CFG_PATH || 'mcpServers').split('.');
const prefix = env.CFG_PREFIX || 'install';
const say = (line) => process.stdout.write(prefix + ': ' + line + '\n');
const refuse = (why) => {
  process.stderr.write('install.sh: error: ' + why + '\n');
  process.exit(3);
};
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Client configurations are often JSONC (Cursor, VS Code) or JSON5 (OpenClaw). This turns the
// parts of those that people write (comments, trailing commas, unquoted keys, single-quoted
// strings) into strict JSON, leaving the inside of strings alone. Returns [json, hadComments].
function relaxed(text) {
  let out = '', i = 0, comments = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1, body = '';
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') { body += text[j] + text[j + 1]; j += 2; continue; }
        body += (c === "'" && text[j] === '"') ? '\\"' : text[j];
        j++;
      }
      out += '"' + (c === "'" ? body.replace(/\\'/g, "'") : body) + '"';
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      comments = true;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      comments = true;
    } else if (c === ',') {
      let j = i + 1;
      // A comma before a closing bracket (comments and blanks between) is dropped.
      for (;;) {
        while (j < n && /\s/.test(text[j])) j++;
        if (text[j] === '/' && text[j + 1] === '/') { while (j < n && text[j] !== '\n') j++; continue; }
        if (text[j] === '/' && text[j + 1] === '*') { const e = text.indexOf('*/', j + 2); j = e < 0 ? n : e + 2; continue; }
        break;
      }
      if (text[j] !== '}' && text[j] !== ']') out += ',';
      i++;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$]/.test(text[j])) j++;
      const word = text.slice(i, j);
      let k = j;
      while (k < n && /\s/.test(text[k])) k++;
      out += text[k] === ':' && !['true', 'false', 'null'].includes(word) ? '"' + word + '"' : word;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return [out, comments];
}

function parse(text) {
  try { return [JSON.parse(text), false]; } catch (e) { /* not strict JSON: try the relaxed forms */ }
  const [json, comments] = relaxed(text);
  return [JSON.parse(json), comments];
}

// The object at the servers path (undefined when a part is missing).
function serversOf(data) {
  let node = data;
  for (const key of serversPath) {
    if (!isObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

// Reads and checks a configuration file; null when it does not exist.
function load(p, what) {
  if (!fs.existsSync(p)) return null;
  const stat = fs.statSync(p);
  if (!stat.isFile()) refuse(what + ' ' + p + ' is not a regular file; nothing was changed');
  const text = fs.readFileSync(p, 'utf8');
  let data = {}, comments = false;
  if (text.trim() !== '') {
    try {
      [data, comments] = parse(text);
    } catch (e) {
      refuse(p + ' is not valid JSON (' + e.message + '); fix it or move it away, then run this again. Nothing was changed.');
    }
  }
  if (!isObject(data)) refuse(p + ' does not hold a JSON object at the top level; nothing was changed');
  let node = data;
  for (const key of serversPath) {
    if (!(key in node)) break;
    if (!isObject(node[key])) refuse('"' + serversPath.join('.') + '" in ' + p + ' is not a JSON object; nothing was changed');
    node = node[key];
  }
  return { text, data, comments, mode: stat.mode & 0o7777 };
}

// The indentation the file already uses (two spaces for a new or one-line file).
function indentOf(text) {
  const m = /^\{[ \t]*\r?\n(?:[ \t]*\/\/.*\r?\n)*([ \t]+)\S/.exec(text || '');
  return m ? m[1] : '  ';
}

const serialize = (data, text) => JSON.stringify(data, null, indentOf(text)) + '\n';

// Writes atomically next to the real file (a symlinked config stays a symlink), keeping the
// mode; copies the original to <file>.bak first unless a backup already exists.
function write(current, data) {
  const backup = file + '.bak';
  if (current && !fs.existsSync(backup)) {
    fs.copyFileSync(file, backup);
    fs.chmodSync(backup, current.mode);
    say('backed up ' + file + ' -> ' + backup);
  }
  const real = current ? fs.realpathSync(file) : file;
  const dir = path.dirname(real);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, '.' + path.basename(real) + '.nemo-install-' + process.pid);
  const fd = fs.openSync(tmp, 'w', current ? current.mode : 0o600);
  try {
    fs.writeSync(fd, serialize(data, current && current.text));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, current ? current.mode : 0o600);
  fs.renameSync(tmp, real);
  if (current && current.comments) say('note: the comments in ' + file + ' could not be kept; ' + backup + ' has them');
}

const unchanged = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const snippet = (entry) =>
  JSON.stringify({ [name]: entry }, null, 2).split('\n').slice(1, -1).map((l) => l.slice(2)).join('\n');

const action = env.CFG_ACTION;
if (action === 'references') {
  const current = load(file, 'configuration file');
  const servers = current && serversOf(current.data);
  const uses = isObject(servers) && Object.values(servers).some((s) => isObject(s) && s.command === env.CFG_BINARY);
  process.exit(uses ? 0 : 1);
}

if (action === 'state') {
  const current = load(file, 'configuration file');
  const servers = current && serversOf(current.data);
  const existing = isObject(servers) ? servers[name] : undefined;
  if (existing === undefined) process.stdout.write('absent\n');
  else process.stdout.write(isObject(existing) && existing.command === env.CFG_BINARY ? 'ours\n' : 'foreign\n');
  process.exit(0);
}

if (action === 'install') {
  const entry = JSON.parse(env.CFG_ENTRY);
  const current = load(file, 'configuration file');
  const data = current ? JSON.parse(JSON.stringify(current.data)) : {};
  let parent = data;
  for (const key of serversPath) {
    if (!isObject(parent[key])) parent[key] = {};
    parent = parent[key];
  }
  const servers = parent;
  const existing = servers[name];
  let merged = entry;
  if (existing !== undefined) {
    const ours = isObject(existing) && existing.command === entry.command;
    if (!ours && env.CFG_FORCE !== '1') {
      const runs = isObject(existing) && typeof existing.command === 'string' ? 'runs ' + existing.command : 'is not ours';
      refuse(file + ' already has a server named "' + name + '" that ' + runs +
             '; remove it, or run again with --force to replace it. Nothing was changed.');
    }
    if (ours) {
      // Keep what the user added to our entry (extra keys, environment variables).
      merged = Object.assign({}, existing, entry);
      if ('env' in entry && isObject(existing.env)) merged.env = existing.env;
    }
  }
  servers[name] = merged;
  if (current && unchanged(data, current.data)) {
    say('unchanged ' + file + ' (server "' + name + '" already registered)');
  } else if (dryRun) {
    say('would ' + (current ? 'update ' : 'create ') + file + ' with server "' + name + '"');
  } else {
    write(current, data);
    say((current ? 'registered' : 'created ' + file + ' and registered') + ' server "' + name + '" in ' + file);
  }
  say('entry in ' + file + ' under "' + serversPath.join('.') + '":');
  process.stdout.write(snippet(merged) + '\n');
  process.exit(0);
}

if (action === 'uninstall') {
  const current = load(file, 'configuration file');
  if (!current) { say('nothing to remove from ' + file + ' (it does not exist)'); process.exit(0); }
  const servers = serversOf(current.data);
  const existing = isObject(servers) ? servers[name] : undefined;
  if (existing === undefined) { say('no server "' + name + '" in ' + file + ' (nothing to remove)'); process.exit(0); }
  if (!isObject(existing) || existing.command !== env.CFG_BINARY) {
    const runs = isObject(existing) && typeof existing.command === 'string' ? existing.command : 'something else';
    say('left server "' + name + '" in ' + file + ': it runs ' + runs + ', not ' + env.CFG_BINARY);
    process.exit(0);
  }
  const data = JSON.parse(JSON.stringify(current.data));
  delete serversOf(data)[name];
  // Undo the rest of what the first install added: the objects on the servers path that were
  // not there before (the backup shows the file before our first change), and a file we created.
  const backupPath = file + '.bak';
  let before = null;
  try { before = fs.existsSync(backupPath) ? (parse(fs.readFileSync(backupPath, 'utf8') || '{}')[0]) : null; } catch (e) { before = undefined; }
  if (before !== undefined) {
    for (let depth = serversPath.length; depth > 0; depth--) {
      const keys = serversPath.slice(0, depth);
      let node = data, old = before;
      for (const key of keys.slice(0, -1)) { node = node[key]; old = isObject(old) ? old[key] : undefined; }
      const last = keys[keys.length - 1];
      const hadIt = isObject(old) && last in old;
      if (isObject(node[last]) && Object.keys(node[last]).length === 0 && !hadIt) delete node[last];
    }
  }
  if (before === null && Object.keys(data).length === 0) {
    if (dryRun) say('would remove server "' + name + '" and ' + file + ' (it was created by the install)');
    else { fs.unlinkSync(file); say('removed server "' + name + '" and ' + file + ' (it was created by the install)'); }
    process.exit(0);
  }
  if (dryRun) say('would remove server "' + name + '" from ' + file);
  else { write(current, data); say('removed server "' + name + '" from ' + file); }
  process.exit(0);
}
process.stderr.write('install.sh: internal error: unknown action ' + action + '\n');
process.exit(1);
NODE

# edit_config ACTION  (uses the settings above; exit status as described there)
edit_config() {
  CFG_ACTION="$1" CFG_FILE="$config" CFG_NAME="$skill" CFG_ENTRY="${entry_json:-}" CFG_PATH="$servers_path" \
    CFG_BINARY="$installed_binary" CFG_DRY_RUN="$dry_run" CFG_FORCE="$force" CFG_PREFIX="$mode_word" \
    node -e "$CONFIG_EDITOR"
}

# --------------------------------------------------------------------------------------------
# Files

# install_file SOURCE DEST MODE: copy (temporary file + rename, so a running copy is not
# disturbed), unless DEST already has the same content.
install_file() {
  local source="$1" dest="$2" mode="$3" dir tmp
  dir="$(dirname "$dest")"
  if [ -f "$dest" ] && cmp -s "$source" "$dest"; then
    ((dry_run)) || chmod "$mode" "$dest"
    say "unchanged $dest"
    return 0
  fi
  if ((dry_run)); then
    say "would copy $source -> $dest"
    return 0
  fi
  ensure_dir "$dir"
  tmp="$(mktemp "$dir/.$(basename "$dest").XXXXXX")"
  if ! cp "$source" "$tmp" || ! chmod "$mode" "$tmp" || ! mv -f "$tmp" "$dest"; then
    rm -f "$tmp"
    fail "could not copy $source to $dest"
  fi
  say "copied $source -> $dest"
}

# ensure_dir DIR: creates DIR and its missing parents, remembering each one created (in
# created_dirs, written to the skill folder's record at the end) so that an uninstall can
# remove them again once they are empty.
created_dirs=()
ensure_dir() {
  local dir="$1" missing=() parent
  [ -d "$dir" ] && return 0
  parent="$dir"
  while [ ! -d "$parent" ]; do missing=("$parent" ${missing[@]+"${missing[@]}"}); parent="$(dirname "$parent")"; done
  mkdir -p "$dir" || fail "could not create the folder $dir"
  created_dirs+=("${missing[@]}")
  say "created folder $dir"
}

# Adds the folders this run created to the record in the skill folder (kept across runs).
save_created_dirs() {
  ((${#created_dirs[@]})) || return 0
  printf '%s\n' "${created_dirs[@]}" >>"$created_record"
}

# Removes the folders an install created (deepest first) where they are empty now.
remove_created_dirs() {
  local record="$1" dir
  [ -f "$record" ] || return 0
  local dirs
  dirs="$(awk '{ print length($0) "\t" $0 }' "$record" | sort -rn | cut -f2- | uniq)"
  remove_file "$record"
  while IFS= read -r dir; do
    [ -n "$dir" ] && [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ] && remove_dir_if_empty "$dir"
  done <<<"$dirs"
  return 0
}

remove_file() {
  local file="$1"
  if [ ! -e "$file" ] && [ ! -L "$file" ]; then
    say "nothing to remove at $file (not there)"
  elif ((dry_run)); then
    say "would remove $file"
  else
    rm -f "$file"
    say "removed $file"
  fi
}

remove_dir_if_empty() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  if ((dry_run)); then
    say "would remove folder $dir if it is empty then"
    return 0
  fi
  if [ -n "$(ls -A "$dir")" ]; then
    say "kept $dir (not empty)"
    return 0
  fi
  rmdir "$dir" && say "removed empty folder $dir"
}

# --------------------------------------------------------------------------------------------
# Install

find_binary() {
  if [ -n "$binary" ]; then
    [ -f "$binary" ] || fail "--binary $binary: no such file"
    [ -x "$binary" ] || fail "--binary $binary is not executable"
    source_binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
    return 0
  fi
  source_binary="$REPO/build/release/$BINARY_NAME"
  [ -x "$source_binary" ] && return 0
  if ((dry_run)); then
    say "would build $source_binary (it is missing)"
    return 0
  fi
  say "building $source_binary (it is missing)"
  if [ -f "$REPO/scripts/setup.sh" ]; then
    bash "$REPO/scripts/setup.sh" release >&2 || fail "the build failed (scripts/setup.sh release)"
  else
    command -v cmake >/dev/null 2>&1 || fail "cmake is needed to build $BINARY_NAME; install it or pass --binary <path>"
    (cd "$REPO" && cmake --preset release >&2 && cmake --build --preset release >&2) || fail "the build failed (cmake --preset release)"
  fi
  [ -x "$source_binary" ] || fail "the build finished but $source_binary is missing"
  say "built $source_binary"
}

# The binary must run here and know the skill (manifests are compiled in): serve on an empty
# stdin, which exits 0 at once, or 2 for an unknown skill.
check_binary() {
  [ -x "$source_binary" ] || return 0   # dry run without a build
  local runner=()
  command -v timeout >/dev/null 2>&1 && runner=(timeout 20)
  if ! ${runner[@]+"${runner[@]}"} "$source_binary" --skill "$skill" --log-level off </dev/null >/dev/null 2>&1; then
    fail "$source_binary does not run or does not know the skill '$skill' (try: $source_binary --skill $skill </dev/null); nothing was changed"
  fi
}

# Claude Code keeps its user-scope servers in ~/.claude.json; its own CLI is the supported way
# to change them, so it is used when it is on PATH (the file is edited directly otherwise).
register_with_claude_cli() {
  local state
  state="$(edit_config state)" || { [ $? -eq 3 ] && exit 1; fail "could not read $config"; }
  if [ "$state" = "ours" ]; then
    say "unchanged $config (server \"$skill\" already registered; checked with the claude CLI's file)"
    return 0
  fi
  if ((dry_run)); then
    say "would run: claude mcp add --scope user $skill -- $installed_binary --skill $skill"
    return 0
  fi
  if [ "$state" = "foreign" ]; then
    claude mcp remove --scope user "$skill" >/dev/null || fail "claude mcp remove --scope user $skill failed"
  fi
  claude mcp add --scope user "$skill" -- "$installed_binary" --skill "$skill" >/dev/null \
    || fail "claude mcp add --scope user $skill failed"
  say "registered server \"$skill\" with: claude mcp add --scope user $skill -- $installed_binary --skill $skill"
}

do_install() {
  entry_json="$(CFG_BIN="$installed_binary" CFG_SKILL="$skill" CFG_SHAPE="$config_shape" node -e '
    const e = process.env;
    const entry = e.CFG_SHAPE === "claude-code"
      ? { type: "stdio", command: e.CFG_BIN, args: ["--skill", e.CFG_SKILL], env: {} }
      : { command: e.CFG_BIN, args: ["--skill", e.CFG_SKILL] };
    process.stdout.write(JSON.stringify(entry));')"
  # Check the configuration first (readable, no foreign server of that name), so that a
  # refusal leaves everything as it was, the skill folder included.
  dry_run=1 edit_config install >/dev/null || { [ $? -eq 3 ] && exit 1; fail "could not read $config"; }
  find_binary
  check_binary
  install_file "$source_binary" "$installed_binary" 755
  install_file "$manifest" "$installed_manifest" 644
  [ -z "$extra_skill_dir" ] || install_file "$manifest" "$extra_skill_dir/SKILL.md" 644

  if ((use_claude_cli)); then
    register_with_claude_cli
  else
    ((dry_run)) || ensure_dir "$(dirname "$config")"
    edit_config install || { [ $? -eq 3 ] && exit 1; fail "could not update $config"; }
  fi
  ((dry_run)) || save_created_dirs
  ((dry_run)) || say "restart $client_name to load the server \"$skill\""
}

unregister_with_claude_cli() {
  local state
  state="$(edit_config state)" || { [ $? -eq 3 ] && exit 1; fail "could not read $config"; }
  if [ "$state" != "ours" ]; then
    say "no server \"$skill\" running $installed_binary in $config (nothing to remove)"
  elif ((dry_run)); then
    say "would run: claude mcp remove --scope user $skill"
  else
    claude mcp remove --scope user "$skill" >/dev/null || fail "claude mcp remove --scope user $skill failed"
    say "removed server \"$skill\" with: claude mcp remove --scope user $skill"
  fi
}

do_uninstall() {
  if ((use_claude_cli)); then
    unregister_with_claude_cli
  else
    edit_config uninstall || { [ $? -eq 3 ] && exit 1; fail "could not update $config"; }
  fi
  if [ -n "$extra_skill_dir" ]; then
    remove_file "$extra_skill_dir/SKILL.md"
    remove_dir_if_empty "$extra_skill_dir"
  fi
  # The Claude targets share one folder: keep the files while the other client still uses them.
  if [ -n "$other_config" ] && [ -f "$other_config" ]; then
    local rc=0
    CFG_ACTION=references CFG_FILE="$other_config" CFG_BINARY="$installed_binary" node -e "$CONFIG_EDITOR" 2>/dev/null || rc=$?
    if [ "$rc" -eq 0 ]; then
      say "kept $skill_dir: $other_config still runs $installed_binary"
      return 0
    elif [ "$rc" -ne 1 ]; then
      say "kept $skill_dir: could not read $other_config to tell whether it still runs $installed_binary"
      return 0
    fi
  fi
  remove_file "$installed_binary"
  remove_file "$installed_manifest"
  if ((dry_run)); then
    say "would remove the folders the install created, where empty"
  else
    remove_created_dirs "$created_record"
  fi
  remove_dir_if_empty "$skill_dir"
  # Installs made before the record existed: our own data folder is ours to remove when empty.
  case "$target" in
    claude-code | claude-desktop) remove_dir_if_empty "$our_data_root" ;;
  esac
}

if ((uninstall)); then do_uninstall; else do_install; fi
say "done ($target, skill $skill)"
