#!/usr/bin/env bash
# Case 11: the relay announces membership changes the creator never
# signed: dave (pending) marked admitted, carol marked removed, in its
# members table. Members ignore both (the signed state decides) and warn.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as dave join yard --no-wait </dev/null 2>/dev/null || true
as carol send yard "carol is still here"
sql "UPDATE members SET status = 'admitted' WHERE name = 'dave';
     UPDATE members SET removed_at = strftime('%s', 'now') WHERE name = 'carol';"

run_as bob members members yard
status_is 0 members
grep -q '^carol	admitted' "$T/members.out" || miss "bob dropped carol on the relay's word: $(cat "$T/members.out")"
grep -q '^dave	admitted' "$T/members.out" && miss "bob lists dave as admitted on the relay's word"
warned members "dave"
warned members "carol"
run_as bob read read yard
status_is 0 read
shown read "carol: carol is still here"
relay_serves
hostile_done case11_unsigned_events
