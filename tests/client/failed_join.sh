#!/usr/bin/env bash
# Issue 11, defect 9 (fixed): failed attempts leave nothing behind. A join
# refused (wrong password, no such room with --no-wait) leaves no room
# file, no lock and no empty relay directory in the profile; a join that
# works afterwards is not hindered.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
as alice join den </dev/null 2>/dev/null || fail "alice could not create den"
rc=0
E2E_CHAT_PASSWORD=wrong-password-here as carol join den --no-wait </dev/null 2>/dev/null || rc=$?
assert_eq 4 "$rc" "carol's join with a wrong password"
rc=0
as carol read nosuchroom </dev/null 2>/dev/null || rc=$?
assert_eq 5 "$rc" "carol's read of a room she never joined"
left=$(find "$T/carol/rooms" -mindepth 1 2>/dev/null)
[ -z "$left" ] || defect "failed attempts left behind: $left"
as carol join den --no-wait </dev/null 2>/dev/null || true
as alice admit den >/dev/null 2>&1 || fail "alice could not admit carol"
as carol send den "carol got in" || fail "carol's send after the failed attempts"
eventually 30 reads alice den "carol got in" || fail "carol's message never arrived"
defect_gone failed_join
