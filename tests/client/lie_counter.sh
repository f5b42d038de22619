#!/usr/bin/env bash
# A relay that stores a post but answers 400, and hides it when the client
# reads the room back, must not get the next text sealed under the same
# counter (it could then show members two texts for one message): the
# counter stays spent, the next message takes the next one, and readers
# are told one is missing. (Review of issue 11, finding 1; seen failing:
# both texts under counter 2.)
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
room_of_two den
as bob send den "hello" || fail "bob's first send"
rules "POST /v1/rooms/den/messages status 400" 'GET /v1/rooms/den/messages body {"messages":[]}'
run_as bob first send den "the first text"
check_eq 1 "$RC" "the refused send's exit status"
check_contains "$(cat "$T/first.err")" "was not sent" "the refusal told"
# the operator keeps the stored post aside and lets its counter go
q "CREATE TABLE aside AS SELECT * FROM messages WHERE sender = 'bob' AND counter = 2"
sql "DELETE FROM messages WHERE sender = 'bob' AND counter = 2;
     UPDATE members SET last_counter = 1 WHERE name = 'bob'"
honest
run_as bob second send den "the second text"
check_eq 0 "$RC" "the next send"
check_eq "1 3" "$(q "SELECT counter FROM messages WHERE sender = 'bob' ORDER BY seq" | paste -sd' ')" \
	"bob's counters on the relay"
run_as alice read read den
check_contains "$(cat "$T/read.out")" "the second text" "alice's read"
check_contains "$(cat "$T/read.err")" "1 message(s) from bob are missing" "the gap told"
hostile_stop
checks_done lie_counter
