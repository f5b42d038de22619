#!/usr/bin/env bash
# Issue 11, defect 5 (fixed): a newcomer to a room that keeps `joined` history is
# told once how many earlier messages it may not read, not once per
# message, and not again on every read.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
as alice join den </dev/null 2>/dev/null || fail "alice could not create den"
for i in 1 2 3 4 5; do as alice send den "early $i" || fail "alice's send $i"; done
as bob join den --no-wait </dev/null 2>/dev/null || true
as alice admit den >/dev/null 2>&1 || fail "alice could not admit bob"
as alice send den "welcome bob" || fail "alice's welcome"
as bob read den >"$T/read1.out" 2>"$T/read1.err" || fail "bob's first read: $(cat "$T/read1.err")"
assert_contains "$(cat "$T/read1.out")" "welcome bob" "bob's first read"
lines=$(grep -c . "$T/read1.err")
[ "$lines" -le 1 ] || defect "bob's first read printed $lines lines about earlier messages: $(head -n 2 "$T/read1.err")"
assert_contains "$(cat "$T/read1.err")" "5 earlier messages were sent before you joined" "the one line"
as bob read den >/dev/null 2>"$T/read2.err" || fail "bob's second read"
assert_eq "" "$(cat "$T/read2.err")" "bob's second read says nothing again"
defect_gone newcomer_history
