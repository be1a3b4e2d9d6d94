# Checks for the shell test scripts (sourced): each check prints "ok" or "FAIL" with what the
# failing command said, and the script ends with "N passed, M failed" (what scripts/test.sh counts).
passed=0
failed=0
section() { printf '\n== %s\n' "$*"; }
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
flunk() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/      /'; }
# check DESCRIPTION COMMAND...: one check, passed when the command succeeds.
check() {
  local description="$1"; shift
  local output rc=0
  output="$("$@" 2>&1)" || rc=$?
  if [ "$rc" -eq 0 ]; then pass "$description"; else flunk "$description" "$output"; fi
}
contains() { grep -qF -- "$2" <<<"$1" || { echo "expected to find: $2"; echo "in: $1"; return 1; }; }
lacks() { ! grep -qF -- "$2" <<<"$1" || { echo "did not expect: $2"; echo "in: $1"; return 1; }; }
# Prints the tally; fails when any check failed.
finish() {
  printf '\n%d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
}
