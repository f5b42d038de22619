#!/usr/bin/env bash
# A room created with --approve: the creator's client admits nobody on its
# own; it shows each newcomer's fingerprint and waits for the user's word,
# by `admit ROOM NAME` or /approve NAME in the chat; /deny turns one away.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

relay_start
as alice join gate --approve </dev/null 2>/dev/null
as bob join gate --no-wait </dev/null 2>/dev/null || true
bob_fp=$(as bob verify gate bob 2>/dev/null | cut -f2 || true)

as alice admit gate >"$T/admit.out" 2>"$T/admit.err"
assert_eq "" "$(cat "$T/admit.out")" "admitted without approval"
assert_contains "$(cat "$T/admit.err")" "waiting: bob (fingerprint "
assert_contains "$(cat "$T/admit.err")" "admit with: e2e-chat admit gate bob"
rc=0
as bob send gate "too early" 2>/dev/null || rc=$?
assert_eq 3 "$rc" "send before approval"

assert_eq "admitted bob" "$(as alice admit gate bob 2>/dev/null)" "admit by name"
as bob send gate "bob approved"
eventually 60 reads alice gate "bob approved" || fail "alice cannot read bob"

# In the chat: carol is approved, dave is turned away.
as carol join gate --no-wait </dev/null 2>/dev/null || true
as dave join gate --no-wait </dev/null 2>/dev/null || true
as_bg alice gate
eventually 60 grep -q "carol asks to join gate (fingerprint" "$T/alice.err" ||
	fail "the chat does not ask about carol"
eventually 60 grep -q "dave asks to join gate" "$T/alice.err" ||
	fail "the chat does not ask about dave"
say alice "/approve carol"
say alice "/deny dave"
eventually 60 grep -q "admitted carol to gate" "$T/alice.err" || fail "/approve did not admit"
as carol send gate "carol approved"
eventually 60 reads bob gate "carol approved" || fail "bob cannot read carol"
rc=0
as dave send gate "let me in" 2>"$T/dave.err" || rc=$?
assert_eq 5 "$rc" "dave after /deny"
as alice members gate >"$T/members.out" || fail "alice's members"
grep -q "^dave	removed" "$T/members.out" || fail "dave is not listed as removed"

hang_up alice
relay_stop
echo "approve: ok"
