#!/usr/bin/env bash
# The chat on a terminal (script(1) gives `join` a pseudo-terminal): the
# creator's client shows what others say as it arrives (long-poll), and
# the same read serves its duties: a member's signed leave is noticed and
# a new epoch begins; /list and /quit work; commands are parsed as in the
# terminal chat. The other suites drive `join` through pipes, which take
# the non-terminal path. This is the line mode (as_tty: --plain); tui.sh
# drives the full-screen chat.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"
relay_start
as_tty alice hall
eventually 60 as alice members hall >/dev/null || fail "alice never created the room"
echo "bob is here" | as bob join hall --interval 100 2>/dev/null
echo "carol is here" | as carol join hall --interval 100 2>/dev/null
eventually 60 shows alice "carol is here" || fail "alice's terminal never showed carol: $(cat "$T/alice.out")"
assert_contains "$(cat "$T/alice.out")" "bob is here" "alice's terminal"

epoch_before=$(as carol read hall --json | tail -1 | sed 's/.*"epoch":\([0-9]*\).*/\1/')
as bob leave hall >/dev/null
eventually 60 shows alice "bob left or was removed" ||
	fail "the creator's terminal did not notice bob leaving: $(cat "$T/alice.out")"
# noticed, then rotated: carol must send after the new epoch exists
eventually 60 shows alice "epoch $((epoch_before + 1)) began" ||
	fail "the creator's terminal did not start epoch $((epoch_before + 1)): $(cat "$T/alice.out")"
as carol send hall "after bob left"
eventually 60 shows alice "after bob left" || fail "alice's terminal never showed carol again"
epoch_after=$(as carol read hall --json | tail -1 | sed 's/.*"epoch":\([0-9]*\).*/\1/')
[ "$epoch_after" -gt "$epoch_before" ] || fail "no new epoch after bob left ($epoch_after)"

say alice "/list"
eventually 60 shows alice $'bob\tremoved' || fail "/list: $(cat "$T/alice.out")"
shows alice $'carol\tadmitted' || fail "/list does not show carol admitted"
# the line mode parses commands as the terminal chat does: spaces around
# the argument do not matter, control characters are dropped, and an
# unknown command is never sent
say alice "/verify  carol "
eventually 60 shows alice "carol " || fail "/verify with spaces: $(cat "$T/alice.out")"
shows alice "Usage: /verify" && fail "/verify with spaces gave the usage: $(cat "$T/alice.out")"
say alice $'\x0c/frobnicate now'
eventually 60 shows alice "Unknown command /frobnicate: not sent" ||
	fail "an unknown command: $(cat "$T/alice.out")"
as carol read hall >"$T/carol.read" 2>/dev/null
grep -q "frobnicate" "$T/carol.read" && fail "an unknown command was sent: $(cat "$T/carol.read")"
say alice "/quit"
rc=0
wait "$alice_pid" || rc=$?
assert_eq 0 "$rc" "alice's join after /quit"
relay_stop
echo "terminal: ok"
