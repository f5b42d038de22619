#!/usr/bin/env bash
# Readers parked in long-polls while the relay restarts (SIGTERM, then
# kill -9) reconnect with after=<last seq seen> and end up with every
# message exactly once, in order.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"

N=40
# posts come faster than a chat's: no rate limits, if the relay has them
NOLIMIT=()
if "$E2E_RELAY" --help 2>/dev/null | grep -q -- --rate-member; then
	NOLIMIT=(--rate-ip 0 --rate-member 0)
fi
relay_start "${NOLIMIT[@]}"
port=$RELAY_PORT
"$E2E_FORGE" create restarts alice 'correct horse battery staple' >"$T/create.json"
curl_json_file POST /v1/rooms "$T/create.json"
assert_eq 201 "$STATUS" "create"
TOKEN=$(json_get token)
URL="http://127.0.0.1:$port/v1/rooms/restarts/messages"

# reader FILE: long-poll from after=0, appending "seq counter" lines,
# reconnecting (0.1 s apart) whenever the relay is away, until counter N.
reader() {
	# a bound, not a wait: under valgrind the restarts alone take minutes
	local out=$1 after=0 body deadline=$((SECONDS + 250))
	: >"$out"
	while [ "$SECONDS" -lt "$deadline" ]; do
		body=$(curl -sf -m 20 -H "Authorization: Bearer $TOKEN" \
			"$URL?after=$after&wait=10") || { sleep 0.1; continue; }
		case "$body" in '{"messages":'*) ;; *) sleep 0.1; continue ;; esac
		# an empty answer (deadline, shutdown) matches nothing: not an error
		{ grep -o '"counter":[0-9]*\|"seq":[0-9]*' <<<"$body" || true; } |
			paste -d' ' - - |
			sed 's/"counter":\([0-9]*\) "seq":\([0-9]*\)/\2 \1/' >>"$out"
		[ -s "$out" ] && after=$(tail -n1 "$out" | cut -d' ' -f1)
		grep -q " $N\$" "$out" && return 0
	done
	return 1
}

for r in 1 2 3; do
	reader "$T/reader$r" &
	eval "reader$r=$!"
done

"$E2E_FORGE" msg 1 1 >"$T/msg.json"
post() {
	sed "s/\"counter\":1,/\"counter\":$1,/" "$T/msg.json" >"$T/m.json"
	curl_json_file POST /v1/rooms/restarts/messages "$T/m.json" "$TOKEN"
	assert_eq 201 "$STATUS" "post $1"
}
for i in $(seq 1 $N); do
	post "$i"
	sleep 0.05
	if [ "$i" = 15 ]; then
		sleep 0.3
		relay_stop                  # readers parked now are answered, then gone
		sleep 0.3
		relay_start --port "$port" "${NOLIMIT[@]}"
	elif [ "$i" = 30 ]; then
		sleep 0.3
		relay_kill9                 # readers parked now just lose the connection
		sleep 0.3
		relay_start --port "$port" "${NOLIMIT[@]}"
	fi
done

# The relay's own list is the reference.
curl_json GET "/v1/rooms/restarts/messages?after=0&limit=1000" "" "$TOKEN"
grep -o '"counter":[0-9]*\|"seq":[0-9]*' <<<"$BODY" | paste -d' ' - - |
	sed 's/"counter":\([0-9]*\) "seq":\([0-9]*\)/\2 \1/' >"$T/stored"
assert_eq "$N" "$(wc -l <"$T/stored")" "messages stored"
for r in 1 2 3; do
	pid_var="reader$r"
	wait "${!pid_var}" || fail "reader $r did not see message $N: $(tail -n2 "$T/reader$r")"
	cmp -s "$T/stored" "$T/reader$r" ||
		fail "reader $r lost, repeated or reordered messages: $(diff "$T/stored" "$T/reader$r" | head -n5)"
done
relay_stop
echo "longpoll_restart: ok"
