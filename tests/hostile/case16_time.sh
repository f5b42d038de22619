#!/usr/bin/env bash
# Case 16: the relay rewrites received_at (in its database, and on the
# wire). The client shows the sender's authenticated time, not the relay's.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 yard
before=$(($(date +%s) - 5))
as bob send yard "what time is it"
after=$(($(date +%s) + 5))

# check TAG: the JSON time is the sender's (now), and the plain line shows
# that time (local), with its date, not the relay's.
check() {
	local ms hhmmss
	run_as carol "$1.json" read yard --json
	ms=$(grep -F 'what time is it' "$T/$1.json.out" | sed 's/.*"time":\([0-9]*\).*/\1/' || true)
	[ -n "$ms" ] || { miss "$1: the message was not shown: $(cat "$T/$1.json.err")"; return; }
	[ $((ms / 1000)) -ge "$before" ] && [ $((ms / 1000)) -le "$after" ] ||
		miss "$1: shown time $ms is not the sender's (between $before and $after)"
	hhmmss=$(date -d "@$((ms / 1000))" "+%Y-%m-%d %H:%M:%S")
	run_as carol "$1" read yard
	shown "$1" "[$hhmmss] bob: what time is it"
	not_warned "$1"
}
# (Not older than the relay's retention, which would rightly delete them.)
sql "UPDATE messages SET received_at = received_at - 5 * 3600;"
check past
sql "UPDATE messages SET received_at = 4102444800;" # 2100-01-01
check future
rules "GET /v1/rooms/yard/messages set-field received_at 86400"
check wire
honest
relay_serves
hostile_done case16_time
