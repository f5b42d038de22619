#!/usr/bin/env bash
# tests/api/relay.sh - the API catalogue: the command line, the log, shutdown and durability.
# (tests/api/lib.sh says how a case reads).
. "$(dirname "$0")/lib.sh"

# ---- the command line ----

out=$("$E2E_RELAY" --version 2>&1)
check_eq "relay 0" "${out%%.*}" "cli: --version"
"$E2E_RELAY" --help >/dev/null 2>&1
check_eq 0 $? "cli: --help exits 0"
out=$(timeout 30 "$E2E_RELAY" --bogus 2>&1)
rc=$?
check_eq 2 $rc "cli: unknown option exits 2"
check_eq 1 "$(wc -l <<<"$out")" "cli: unknown option, one line"
timeout 30 "$E2E_RELAY" --port 70000 >/dev/null 2>&1
check_eq 2 $? "cli: bad --port exits 2"
timeout 30 "$E2E_RELAY" --bind not-an-address >/dev/null 2>&1
check_eq 2 $? "cli: bad --bind exits 2"
timeout 30 "$E2E_RELAY" extra-argument >/dev/null 2>&1
check_eq 2 $? "cli: stray argument exits 2"

relay_start
check_eq 600 "$(stat -c %a "$RELAY_DB")" "db file is 0600"
check_eq "" "$(grep libmicrohttpd "$T/relay.log")" "no libmicrohttpd warning at start"

# ---- the log ----
# A room with traffic: every kind of request leaves a line, and no token.
create_room TA r1 alice $PW
create_room TD r2 dave pw-two
join_room TB r1 bob $PW
join_room TC r1 carol $PW
admit r1 "$TA" alice 2 1 bob
for counter in 1 2 3 7; do
	expect "relay: bob posts counter $counter" 201 - POST /v1/rooms/r1/messages \
		"$(forge msg 1 $counter)" "$TB"
done
curl_json GET "/v1/rooms/$(printf 'a%.0s' $(seq 1 1100))"
check "relay: path over 1024 bytes" 414 uri_too_long

check_eq 0 "$(kill -0 "$RELAY_PID" 2>/dev/null; echo $?)" "relay: still running"
expect "relay: still serving" 200 - GET /v1/rooms/r1
leaked=0
for tok in "$TA" "$TB" "$TC" "$TD"; do
	grep -qF -- "$tok" "$T/relay.log" && leaked=1
done
check_eq 0 "$leaked" "relay: no token in the log"
badlines=$(grep -v '^relay: ' "$T/relay.log" |
	grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z [A-Z]+ /[^ ]* [0-9]{3} [0-9]+ms$')
check_eq 0 "$badlines" "relay: every log line well formed"
# logged once its answer is sent: soon, not at once
eventually 30 grep -qE ' GET /v1/rooms/a+\.\.\. 414 ' "$T/relay.log"
check_eq 1 "$(grep -cE ' GET /v1/rooms/a+\.\.\. 414 ' "$T/relay.log")" "relay: log has the 414 line"

rc=0
kill -TERM "$RELAY_PID"
wait "$RELAY_PID" || rc=$?
RELAY_PID=
check_eq 0 "$rc" "relay: SIGTERM exits 0"
check_eq 1 "$(grep -c '^relay: shutting down$' "$T/relay.log")" "relay: says it shuts down"

# ---- durability ----

relay_start --quiet
expect "restart: messages kept" 200 - GET /v1/rooms/r1/messages "" "$TB"
check_eq 4 "$(json_len messages)" "restart: four messages"
expect "restart: post after restart" 201 - POST /v1/rooms/r1/messages "$(forge msg 1 8)" "$TB"
relay_kill9
relay_start --quiet
expect "kill -9: acknowledged message kept" 200 - GET /v1/rooms/r1/messages "" "$TA"
check_eq 5 "$(json_len messages)" "kill -9: five messages"
check_eq 0 "$(grep -vc '^relay: ' "$T/relay.log")" "quiet: no request lines"
rc=0
kill -TERM "$RELAY_PID"
wait "$RELAY_PID" || rc=$?
RELAY_PID=
check_eq 0 "$rc" "relay: SIGTERM after restart exits 0"

# ---- shutdown with a post in a commit ----
# SIGTERM while a post waits for its group commit (the database locked by
# another writer, sqlite3, for as long as the test holds it): the relay
# answers new requests 503 `unavailable`, answers the post once its commit
# can run, and exits 0. (It aborted, exit 134: its drain gave parked
# requests 1 s, then libmicrohttpd's MHD_stop_daemon found the post still
# parked; under a steady post load it did so every time, wrk -c32.)
relay_start --quiet
mkfifo "$T/lock.in"
sqlite3 -cmd '.timeout 30000' "$RELAY_DB" <"$T/lock.in" >"$T/lock.out" 2>&1 &
lock_pid=$!
exec {lock_fd}>"$T/lock.in"
echo "BEGIN IMMEDIATE; SELECT 'locked';" >&"$lock_fd"
eventually 30 grep -q '^locked$' "$T/lock.out" || miss "shutdown: sqlite3 never locked the database"
forge msg 1 20 >"$T/late.json"
curl -s -o "$T/late.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TB" \
	--data-binary "@$T/late.json" "$RELAY_URL/v1/rooms/r1/messages" >"$T/late.code" &
post_pid=$!
committing() { curl -s "$RELAY_URL/metrics" | grep -q '^e2e_posts_committing 1$'; }
eventually 30 committing || miss "shutdown: the post never reached its commit"
kill -TERM "$RELAY_PID"
eventually 30 grep -q '^relay: shutting down$' "$T/relay.log" || miss "shutdown: no SIGTERM seen"
# (curl_json, not expect: the snapshot's .dump would wait for the lock)
curl_json GET /v1/rooms/r1
check "shutdown: a new request while a post waits" 503 unavailable
check_contains "$BODY" "shutting down" "shutdown: the 503's message"
check_contains "$HEADERS" "Retry-After: 1" "shutdown: the 503's Retry-After"
echo "ROLLBACK;" >&"$lock_fd"
exec {lock_fd}>&-
wait "$lock_pid" || true
rc=0
wait "$RELAY_PID" || rc=$?
RELAY_PID=
wait "$post_pid" || true
check_eq 0 "$rc" "shutdown: exit status with a post in a commit"
check_eq 201 "$(cat "$T/late.code")" "shutdown: the waiting post's answer"
check_eq 1 "$(sqlite3 "$RELAY_DB" "SELECT count(*) FROM messages WHERE sender = 'bob' AND counter = 20")" \
	"shutdown: the waiting post stored"
check_eq "" "$(grep -i 'fatal\|unanswered' "$T/relay.log")" "shutdown: the log"

# ---- shutdown with a reader that does not read ----
# A long-poll woken with a reply larger than the kernel will buffer (over 5 MB:
# 200 large messages, copied in by sqlite3 while it waits) for a reader
# with a 1 KiB receive buffer that never reads: at SIGTERM that reply can
# never be sent, yet the request is no longer parked; the relay stops
# after its drain time (the reply cut), exit 0. (It left with exit 1,
# "requests still unanswered": its drain counted the unsent reply as
# parked.)
relay_start --quiet
expect "shutdown: a large message" 201 - POST /v1/rooms/r1/messages "$(forge msg 1 30 20000)" "$TB"
big=$(json_get seq)
python3 - "$RELAY_PORT" "$TB" "$big" >"$T/stuck.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(("GET /v1/rooms/r1/messages?after=%s&limit=1000&wait=60 HTTP/1.1\r\n"
           "Host: relay\r\nAuthorization: Bearer %s\r\n\r\n"
           % (sys.argv[3], sys.argv[2])).encode())
time.sleep(300)  # the reader that never reads: killed by the test
PY
stuck_pid=$!
waiting() { curl -s "$RELAY_URL/metrics" | grep -q "^e2e_waiting_clients $1\$"; }
eventually 30 waiting 1 || miss "shutdown: the reader never parked"
sqlite3 -cmd '.timeout 10000' "$RELAY_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
	INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
	SELECT room_id, v, sender, epoch, counter, nonce, ct, sig, received_at
	FROM messages, n WHERE seq = $big;"
expect "shutdown: a message wakes the reader" 201 - POST /v1/rooms/r1/messages "$(forge msg 1 31)" "$TB"
eventually 30 waiting 0 || miss "shutdown: the reader was never woken"
rc=0
kill -TERM "$RELAY_PID"
wait "$RELAY_PID" || rc=$?
RELAY_PID=
kill "$stuck_pid" 2>/dev/null || true
wait "$stuck_pid" 2>/dev/null || true
check_eq 0 "$rc" "shutdown: exit status with a reply that cannot be sent"
check_eq "" "$(grep -i 'fatal\|unanswered' "$T/relay.log")" "shutdown: the log, a reply that cannot be sent"

checks_done api-relay
