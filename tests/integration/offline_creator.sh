#!/usr/bin/env bash
# A member who joins while the creator is offline waits, clearly, and is
# admitted as soon as the creator's client runs again.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

relay_start
as alice join den </dev/null 2>/dev/null || fail "alice could not create the room"

# The creator is away: bob registers but is not admitted.
rc=0
as bob join den --no-wait </dev/null 2>"$T/bob.err" || rc=$?
assert_eq 3 "$rc" "join --no-wait before admission"
assert_contains "$(cat "$T/bob.err")" "not admitted"
rc=0
as bob send den "too early" 2>"$T/bob.err" || rc=$?
assert_eq 3 "$rc" "send before admission"
rc=0
as bob read den 2>/dev/null || rc=$?
assert_eq 3 "$rc" "read before admission"

# bob's join waits, saying so, with a message queued in its input.
as_bg bob den
say bob "bob was waiting"
eventually 60 grep -q 'Waiting for an admin of' "$T/bob.err" ||
	fail "bob's join does not say it is waiting"
sleep 0.5
kill -0 "$bob_pid" 2>/dev/null || fail "bob's join gave up waiting"
reads alice den "bob was waiting" && fail "bob could send before being admitted"

# The creator comes back: one admit pass lets bob in.
as alice admit den >"$T/admit.out"
assert_eq "admitted bob" "$(cat "$T/admit.out")" "admit output"
eventually 60 reads alice den "bob was waiting" || fail "bob's message never arrived"
hang_up bob

# Nothing left to admit: a clear message, exit 0.
as alice admit den >/dev/null 2>"$T/admit.err"
assert_contains "$(cat "$T/admit.err")" "Nobody to admit"

# Only the creator admits.
rc=0
as bob admit den 2>"$T/bob.err" || rc=$?
assert_eq 2 "$rc" "admit by a non-creator"
assert_contains "$(cat "$T/bob.err")" "only an admin of room"
# kick and the chat's /kick: the same words (issue 11)
rc=0
as bob kick den alice 2>"$T/kick.err" || rc=$?
assert_eq 2 "$rc" "kick by a non-creator"
printf '/kick alice\n/quit\n' | as bob join den 2>"$T/slash-kick.err" >/dev/null ||
	fail "bob's chat: $(cat "$T/slash-kick.err")"
assert_contains "$(cat "$T/slash-kick.err")" "$(sed 's/^e2e-chat: //' "$T/kick.err")"

relay_stop
echo "offline_creator: ok"
