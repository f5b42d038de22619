#!/usr/bin/env bash
# Issue 14: `join` in a terminal and `e2e-chat web` on one profile at
# once, on the same session engine: each shows every message exactly
# once (alice's from the command line, bob's typed in the terminal, bob's
# sent from the web UI), and a page that opens the room again gets each
# once in its history; a SECURITY: line reaches the page as an event.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"
. "$(dirname "$0")/lib.sh"

relay_start
room_of_two den
web_start bob
web_call bob open '{"room":"den"}'
assert_eq 200 "$STATUS" "bob's web opens den ($BODY)"
admitted() { web_call bob open '{"room":"den"}' && [[ $BODY == *'"admitted":true'* ]]; }
eventually 60 admitted || fail "bob's web never saw itself admitted: $BODY"
as_tty bob den bob1
eventually 60 shows bob1 "keeps joined history" || fail "bob's terminal chat never started"

for i in 1 2 3; do as alice send den "from alice $i" || fail "alice's send $i"; done
say bob1 "from the terminal"
web_call bob send '{"room":"den","text":"from the web"}'
assert_eq 200 "$STATUS" "bob's web sends ($BODY)"

texts=("from alice 1" "from alice 2" "from alice 3" "from the terminal" "from the web")
web_has_all() {
	web_events bob 0
	local t
	for t in "${texts[@]}"; do [[ $BODY == *"\"text\":\"$t\""* ]] || return 1; done
}
terminal_has_all() {
	local t
	for t in "from alice 3" "from the web"; do shows bob1 "$t" || return 1; done
}
eventually 60 web_has_all || fail "bob's web did not show everything: $BODY"
eventually 60 terminal_has_all || fail "bob's terminal did not show everything: $(tail -n 5 "$T/bob1.out")"
# settle: a message shown twice would come with the next step; one more
# round trip through both front ends makes sure every step has run
as alice send den "last" || fail "alice's last send"
eventually 60 shows bob1 "last" || fail "bob's terminal never showed the last message"
last_in_web() { web_events bob 0 && [[ $BODY == *'"text":"last"'* ]]; }
eventually 60 last_in_web || fail "bob's web never showed the last message"

web_events bob 0
events=$BODY
for t in "${texts[@]}" last; do
	n=$(grep -oF "\"text\":\"$t\"" <<<"$events" | wc -l)
	check_eq 1 "$n" "bob's web showed '$t'"
done
for t in "from alice 1" "from alice 2" "from alice 3" "from the web" last; do
	n=$(grep -cF -- "$t" "$T/bob1.out")
	check_eq 1 "$n" "bob's terminal showed '$t'"
done
# the line typed in the terminal: its echo, and the message once
n=$(grep -cF -- "bob: from the terminal" "$T/bob1.out")
check_eq 1 "$n" "bob's terminal showed its own line as a message"
web_call bob open '{"room":"den"}'
for t in "${texts[@]}" last; do
	n=$(grep -oF "\"text\":\"$t\"" <<<"$BODY" | wc -l)
	check_eq 1 "$n" "the room's history as a page reopening it gets it: '$t'"
done
as alice read den >"$T/alice.read" 2>/dev/null || fail "alice's read"
for t in "from the terminal" "from the web"; do
	check_eq 1 "$(grep -cF -- "$t" "$T/alice.read")" "alice reads '$t'"
done
# a new launch of the web UI starts from the kept history: each message
# once in it, and what comes after once as news (none of it again)
web_stop bob
web_start bob
web_call bob open '{"room":"den"}'
assert_eq 200 "$STATUS" "bob's second web opens den ($BODY)"
for t in "${texts[@]}" last; do
	n=$(grep -oF "\"text\":\"$t\"" <<<"$BODY" | wc -l)
	check_eq 1 "$n" "the second launch's history: '$t'"
done
as alice send den "after the relaunch" || fail "alice's send after the relaunch"
relaunch_news() { web_events bob 0 && [[ $BODY == *'"text":"after the relaunch"'* ]]; }
eventually 60 relaunch_news || fail "bob's second web never showed the news: $BODY"
eventually 60 shows bob1 "after the relaunch" || fail "bob's terminal never showed the news"
web_events bob 0
check_eq 1 "$(grep -oF '"text":"after the relaunch"' <<<"$BODY" | wc -l)" "the news after the relaunch"
check_eq 0 "$(grep -oF '"text":"from alice 1"' <<<"$BODY" | wc -l)" "old messages as news after the relaunch"
check_eq 1 "$(grep -cF -- "after the relaunch" "$T/bob1.out")" "bob's terminal: the news after the relaunch"

# the relay's operator serves alice's first message again under a new
# number: the web UI gets the SECURITY: line as an event (the page shows
# it in its red band) and does not show the message again. (The line goes
# to the front end whose step checked the message; the terminal is gone
# first, so that is the web UI here.)
say bob1 /quit
wait "$bob1_pid" || fail "bob's terminal chat did not end cleanly"
port=$RELAY_PORT
relay_stop
sqlite3 "$RELAY_DB" "INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
	SELECT room_id, v, sender, epoch, counter, nonce, ct, sig, received_at
	FROM messages WHERE sender = 'alice' ORDER BY seq LIMIT 1;" || fail "sqlite3"
relay_start --port "$port"
as alice send den "after the replay" || fail "alice's send after the replay"
web_warned() { web_events bob 0 && [[ $BODY == *'"type":"security"'* ]]; }
eventually 90 web_warned || fail "bob's web never told the SECURITY: line: $BODY"
check_contains "$BODY" '"text":"SECURITY: ' "the security event's text"
replay_in_web() { web_events bob 0 && [[ $BODY == *'"text":"after the replay"'* ]]; }
eventually 60 replay_in_web || fail "bob's web never showed the message after the replay"
check_eq 0 "$(grep -oF '"text":"from alice 1"' <<<"$BODY" | wc -l)" "the replayed message in bob's web"
check_contains "$(cat "$T/bob.web.err")" "SECURITY: " "bob's web's standard error"
web_stop bob

# the rooms list with unread counts: a message alice's client fetched for
# its duties but did not show is unread in her web UI until she opens den
as bob send den "unread for alice" || fail "bob's send"
as alice admit den >/dev/null 2>&1 || fail "alice's admit"
web_start alice
web_call alice state '{}'
assert_eq 200 "$STATUS" "alice's state ($BODY)"
check_contains "$BODY" '"room":"den","role":"admin","unread":1,' "alice's rooms, den unread"
web_call alice open '{"room":"den"}'
check_contains "$BODY" '"text":"unread for alice"' "alice's page's history"
web_call alice state '{}'
check_contains "$BODY" '"room":"den","role":"admin","unread":0,' "den read once opened"
web_stop alice
checks_done web_fronts
