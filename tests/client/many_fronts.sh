#!/usr/bin/env bash
# Issue 11: two chats and a `read --follow --json` bot on one profile,
# with the relay restarted under them: each shows every message exactly
# once; the bot prints one JSON object per line and ends with status 0 on
# SIGTERM.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
port=$RELAY_PORT
room_of_two den
as_tty bob den bob1
as_tty bob den bob2
eventually 60 shows bob1 "keeps joined history" || fail "bob's first chat never started"
eventually 60 shows bob2 "keeps joined history" || fail "bob's second chat never started"
"$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/bob" --name bob read den --follow --json \
	>"$T/bot.out" 2>"$T/bot.err" &
bot_pid=$!
as alice send den "hello bot" || fail "alice's first send"
bot_has() { grep -qF -- "$1" "$T/bot.out"; }
eventually 60 bot_has '"text":"hello bot"' || fail "the bot never printed: $(cat "$T/bot.err")"

for i in 1 2 3; do as alice send den "before the restart $i" || fail "send $i"; done
relay_stop
relay_start --port "$port"
for i in 1 2 3; do as alice send den "after the restart $i" || fail "send $i after"; done
all_three() {
	shows bob1 "after the restart 3" && shows bob2 "after the restart 3" &&
		bot_has "after the restart 3"
}
eventually 90 all_three ||
	fail "not everyone showed the last message: bob1: $(tail -n 3 "$T/bob1.out"); bot: $(tail -n 2 "$T/bot.err")"

for text in "hello bot" "before the restart 1" "before the restart 2" "before the restart 3" \
	"after the restart 1" "after the restart 2" "after the restart 3"; do
	for f in bob1 bob2 bot; do
		n=$(grep -cF -- "$text" "$T/$f.out")
		check_eq 1 "$n" "$f showed '$text'"
	done
done
# one JSON object per line, each a message
objects=$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    m = json.loads(line)
    assert m["seq"] > 0 and m["sender"] == "alice" and isinstance(m["text"], str), line
    n += 1
print(n)' "$T/bot.out" 2>&1)
check_eq 7 "$objects" "the bot's lines, each a message object"

kill -TERM "$bot_pid"
rc=0
wait "$bot_pid" || rc=$?
check_eq 0 "$rc" "the bot's exit status on SIGTERM"
say bob1 /quit
say bob2 /quit
checks_done many_fronts
