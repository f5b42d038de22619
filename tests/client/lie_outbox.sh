#!/usr/bin/env bash
# A relay that answers a send with 409 and hides the message from the
# read-back wedges nothing: once it is honest, the queued message and all
# later ones go out, and a chat on the same profile keeps reading its
# input. (Review of issue 11, finding 2; seen failing: nothing bob sent
# went out again, and his chat said he was not admitted.)
set -uo pipefail
. "$(dirname "$0")/../hostile/hostile.sh"

hostile_start
room_of_two den
rules "POST /v1/rooms/den/messages status 409" 'GET /v1/rooms/den/messages body {"messages":[]}'
run_as bob s1 send den "first"
check_eq 1 "$RC" "the send the relay lied about"
check_contains "$(cat "$T/s1.err")" "queued" "the lie's message"
honest
for i in 2 3; do
	run_as bob "s$i" send den "later $i"
	check_eq 0 "$RC" "send $i to an honest relay: $(cat "$T/s$i.err")"
done
printf 'typed in the chat\n/quit\n' | as bob join den --interval 100 >/dev/null 2>"$T/chat.err"
check_eq 0 "$?" "bob's chat: $(cat "$T/chat.err")"
run_as alice read read den
for text in "first" "later 2" "later 3" "typed in the chat"; do
	check_eq 1 "$(grep -c "bob: $text\$" "$T/read.out")" "'$text' read once"
done
check_eq 0 "$(sqlite3 "$T/bob/store.db" 'SELECT count(*) FROM outbox')" "bob's outbox"
hostile_stop
checks_done lie_outbox
