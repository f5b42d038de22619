#!/usr/bin/env bash
# The command line and the files on disk: help, version, usage errors with
# their exit codes, an unreachable relay, and secret files at mode 0600 in
# 0700 directories.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

"$E2E_CLIENT" --help >"$T/help"
for verb in join send read admit members; do
	assert_contains "$(cat "$T/help")" "  $verb "
done
assert_contains "$("$E2E_CLIENT" --version)" "e2e-chat "
assert_contains "$("$E2E_RELAY" --help 2>&1)" "--port"
assert_contains "$("$E2E_RELAY" --version 2>&1)" "relay "

expect_exit() { # CODE MESSAGE-PART CMD...
	local code=$1 part=$2 rc=0
	shift 2
	"$@" </dev/null >/dev/null 2>"$T/err" || rc=$?
	assert_eq "$code" "$rc" "exit code of: ${*:2}"
	assert_contains "$(cat "$T/err")" "$part"
}
C=("$E2E_CLIENT" --home "$T/u" --name u)
expect_exit 2 "no verb given" "${C[@]}"
expect_exit 2 "unknown verb 'frobnicate'" "${C[@]}" frobnicate
expect_exit 2 "unknown option --bogus" "${C[@]}" join --bogus
expect_exit 2 "room names are" "${C[@]}" join ../etc
expect_exit 2 "usage: e2e-chat read ROOM" "${C[@]}" read
expect_exit 2 "not a valid member name" "$E2E_CLIENT" --home "$T/u" --name 'bad name' join r
expect_exit 2 "--interval takes" "${C[@]}" join r --interval 0
expect_exit 2 "must start with http" "${C[@]}" --relay ftp://x join r
expect_exit 2 "unknown option" "$E2E_RELAY" --bogus
expect_exit 2 "" "$E2E_RELAY" --port 70000

# Nothing listens on port 9 (discard) on loopback in the test machine.
E2E_CHAT_PASSWORD="$PASSWORD" expect_exit 6 "127.0.0.1:9" "${C[@]}" --relay http://127.0.0.1:9 join r
expect_exit 5 "you are not a member of room r" "${C[@]}" send r "hello"

relay_start
as alice join files </dev/null 2>/dev/null
as alice send files "x"
mode() { stat -c '%a' "$1"; }
assert_eq 700 "$(mode "$T/alice")" "profile directory"
assert_eq 600 "$(mode "$T/alice/identity")" "identity file"
room_file=$(find "$T/alice/rooms" -name files.json)
assert_eq 600 "$(mode "$room_file")" "room file"
assert_eq 700 "$(mode "$(dirname "$room_file")")" "rooms directory"
assert_eq 104 "$(stat -c '%s' "$T/alice/identity")" "identity file size"

# An identity readable by others is refused, like ssh does.
chmod 644 "$T/alice/identity"
expect_exit 1 "accessible by other users" "$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/alice" read files
chmod 600 "$T/alice/identity"
as alice read files >/dev/null

# XDG: without --home the profile lives under $XDG_DATA_HOME/e2e-chat/PROFILE.
XDG_DATA_HOME="$T/xdg" E2E_CHAT_PASSWORD="$PASSWORD" \
	"$E2E_CLIENT" --relay "$RELAY_URL" --name xdguser --profile work join xdgroom </dev/null 2>/dev/null
[ -f "$T/xdg/e2e-chat/work/identity" ] || fail "no identity under XDG_DATA_HOME"

relay_stop
echo "cli: ok"
