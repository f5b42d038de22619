#!/usr/bin/env bash
# Case 10: the relay strips the signature, lowers the version field or
# names an unknown algorithm, on a message, a room state, a wrap or the
# room's parameters. Each is refused (no downgrade, nothing shown), and
# the same records served honestly afterwards are accepted.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as bob send yard "no downgrade"

# Messages: carol has not read this one yet.
n=0
for rule in "drop-field sig" "set-field v 0" "set-field v 1" "set-field v 3" 'add-field alg "aes-128-ecb"' \
	'add-field sig_alg "none"'; do
	n=$((n + 1))
	rules "GET /v1/rooms/yard/messages $rule"
	run_as carol "msg$n" read yard
	status_is 0 "msg$n"
	not_shown "msg$n" "no downgrade"
	warned "msg$n" "room yard: malformed or out-of-order message from the relay ignored"
done
honest
run_as carol msg.honest read yard
shown msg.honest "bob: no downgrade"
not_warned msg.honest

# The room state: a new one (dave admitted) with its signature stripped or
# its version changed; carol keeps the one she has.
as dave join yard --no-wait </dev/null 2>/dev/null || true
as alice admit yard >/dev/null 2>&1
for rule in "drop-field sig" 'add-field alg "none"'; do
	rules "GET /v1/rooms/yard/state $rule"
	run_as carol state read yard
	status_is 0 state
	warned state "room yard: ignoring the room state the relay sent: it is malformed"
	run_as carol members members yard
	grep -q '^dave	admitted' "$T/members.out" &&
		miss "carol took an unsigned state ($rule): $(cat "$T/members.out")"
done
honest
run_as carol members members yard
grep -q '^dave	admitted' "$T/members.out" || miss "carol missed the signed state listing dave"

# A wrap without its signature, or of another version: dave takes no key.
rules "GET /v1/rooms/yard/wraps drop-field sig"
run_as dave wrap read yard
status_is 3 wrap
warned wrap "room yard: malformed key wrap ignored"
rules "GET /v1/rooms/yard/wraps add-field v 0"
run_as dave wrap read yard
status_is 3 wrap
warned wrap "room yard: malformed key wrap ignored"
honest
run_as dave wrap read yard
status_is 0 wrap

# The room's parameters in another version: a newcomer does not go on.
rules "GET /v1/rooms/yard set-field v 0"
run_as erin params join yard --no-wait
[ "$RC" != 0 ] && [ "$RC" != 3 ] || miss "erin joined a room with v 0 parameters (exit $RC)"
assert_eq 0 "$(q "SELECT count(*) FROM members WHERE name = 'erin'")" "erin registered"
honest
relay_serves
hostile_done case10_downgrade
