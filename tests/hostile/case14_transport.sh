#!/usr/bin/env bash
# Case 14: the relay answers garbage. Truncated JSON, wrong types, huge
# fields, invalid base64, HTTP 500, an empty 200 body, an answer that
# never comes. One-shot verbs (read, send, members) end within a bounded
# time with a one-line error and a non-zero exit; bad records inside a
# good answer are skipped with a SECURITY line; nothing crashes; a running
# `join` rides the outage out and recovers; the trusted state is intact
# (an honest read afterwards shows everything).
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
as bob send yard "honest text"

# one_line_error TAG WANT: exit WANT, a single stderr line, no SECURITY
# claim, nothing shown.
one_line_error() {
	status_is "$2" "$1"
	[ "$(wc -l <"$T/$1.err")" = 1 ] || miss "$1: expected a one-line error, got: $(cat "$T/$1.err")"
	not_shown "$1" "honest text"
}

# Whole answers spoiled: read fails cleanly.
n=0
for rule in "status 500" "empty" "truncate 40" "body {\"messages\":\"nope\"}" \
	"body {\"messages\":[1,2,3]" "body [\"messages\"]" "status 200"; do
	n=$((n + 1))
	rules "GET /v1/rooms/yard/messages $rule"
	run_as carol "whole$n" read yard
	case $rule in
	"status 200") status_is 0 "whole$n" ;; # the relay's body as it is: honest
	*) one_line_error "whole$n" 1 ;;
	esac
done
rules "GET /v1/rooms/yard/state status 500"
run_as carol members members yard
one_line_error members 1
rules "GET /v1/rooms/yard/state truncate 10"
run_as carol members2 members yard
one_line_error members2 1
rules "GET /v1/rooms/yard/wraps body {\"wraps\":{}}"
as dave join yard --no-wait </dev/null 2>/dev/null || true
as alice admit yard >/dev/null 2>&1
run_as dave wraps read yard
one_line_error wraps 1

# Bad records inside a good answer: skipped and warned, the rest shown.
# (Each case spoils a message carol has not fetched yet: what she keeps
# is never fetched again.)
n=0
for rule in 'set-field ct "!!!not base64!!!"' 'set-field nonce "AAAA"' 'set-field seq "7"' \
	'set-field epoch -1' 'set-field counter 1.5' 'set-field sender 42' \
	'set-field sender "../../etc"'; do
	n=$((n + 1))
	honest
	as bob send yard "record $n"
	rules "GET /v1/rooms/yard/messages $rule"
	run_as carol "rec$n" read yard
	status_is 0 "rec$n"
	not_shown "rec$n" "record $n"
	grep -q 'SECURITY: ' "$T/rec$n.err" || miss "rec$n ($rule): no SECURITY line: $(cat "$T/rec$n.err")"
done

# A huge field: one stored message far above the client's reply limit.
sql "INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
     SELECT room_id, v, sender, epoch, counter + 1000, nonce, randomblob(4000000), sig,
            strftime('%s', 'now')
     FROM messages ORDER BY seq LIMIT 1;"
honest
run_as carol huge read yard
[ "$RC" != 0 ] || miss "huge: a 5 MB answer was accepted"
[ "$(wc -l <"$T/huge.err")" = 1 ] || miss "huge: expected a one-line error, got: $(cat "$T/huge.err")"
sql "DELETE FROM messages WHERE length(ct) = 4000000;"

# A send whose answer is spoiled (500, though the relay stored it): the
# client reads the room back, finds its message there, and is done; it is
# not sent again, and the next send works.
rules "POST /v1/rooms/yard/messages status 500"
run_as bob send500 send yard "answered 500"
status_is 0 send500
honest
run_as bob send send yard "sent after the 500"
status_is 0 send

# An answer that never comes: read gives up in bounded time, while a
# running join waits it out, reads on once the relay behaves, and still
# ends at the end of its input. (A join fed from a pipe prints nothing it
# reads; its requests in the proxy's log, "after=SEQ", say how far it read.)
# Two joins: the creator's (it polls) and a member's (it long-polls).
seen=$(wc -l <"$T/proxy.log")
polls() { tail -n +"$((seen + 1))" "$T/proxy.log" | grep -q "$1"; }
as_bg alice yard
as_bg dave yard
eventually 60 polls 'GET /v1/rooms/yard/messages?after=' ||
	fail "dave's join did not start: $(cat "$T/dave.err"; grep -v "yard/state\|yard/members" "$T/proxy.log" | tail -20)"
rules "GET /v1/rooms/yard/messages hang"
start=$SECONDS
run_as carol hang read yard
[ "$RC" != 0 ] || miss "hang: read exited 0 on an answer that never came"
[ "$(wc -l <"$T/hang.err")" = 1 ] || miss "hang: expected a one-line error, got: $(cat "$T/hang.err")"
echo "hang: read gave up after $((SECONDS - start)) s, exit $RC: $(cat "$T/hang.err")" >&2
as bob send yard "during the hang"
honest
as bob send yard "after the hang"
last=$(q "SELECT max(seq) FROM messages")
seen=$(wc -l <"$T/proxy.log")
gone() { ! kill -0 "$1" 2>/dev/null; }
# recovered: a join has asked for what follows the last message, or
# neither join is running any more.
recovered() {
	polls "messages?after=$last&" ||
		! { kill -0 "$alice_pid" 2>/dev/null || kill -0 "$dave_pid" 2>/dev/null; }
}
eventually 60 recovered || miss "the joins did not recover within 60 s (backoff is capped at 5 s)"
sleep 2 # one more poll each
for who in alice dave; do
	pid_var=${who}_pid
	kill -0 "${!pid_var}" 2>/dev/null || miss "$who's join ended during the hang: $(cat "$T/$who.err")"
done
for who in alice dave; do
	pid_var=${who}_pid fd_var=${who}_fd
	eval "exec ${!fd_var}>&-"
	if ! eventually 60 gone "${!pid_var}"; then
		miss "$who's join did not exit within 20 s of the end of its input"
		kill "${!pid_var}" 2>/dev/null || true
	fi
	rc=0
	wait "${!pid_var}" || rc=$?
	[ "$rc" = 0 ] || miss "$who's join exited $rc: $(cat "$T/$who.err")"
done

echo "joins checked after $((SECONDS - start)) s" >&2
# The trusted state is intact: everything honest reads back.
run_as carol final read yard
status_is 0 final
for text in "honest text" "answered 500" "sent after the 500" "during the hang" "after the hang"; do
	shown final "bob: $text"
done
[ "$(grep -c 'answered 500' "$T/final.out")" = 1 ] || miss "the message answered 500 was not shown once"
# A lost answer to a send must not make the sender's next message look
# forged to everyone: no warning on an honest relay.
not_warned final
relay_serves
hostile_done case14_transport
