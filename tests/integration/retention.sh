#!/usr/bin/env bash
# What the relay keeps (issue 5, abuse limits): --max-rooms refuses a room
# beyond the limit with 403 limit_reached; --max-messages keeps a room's
# newest messages only; --retention-days expires old ones, both when a
# room is posted to and, for rooms nobody posts to, by the sweep of the
# committer thread (its first slice runs as the relay starts). Restarts
# with other limits, and a version-2 database, keep the limits honest.
#
# Old messages are made by the test itself: with the relay stopped,
# sqlite3 moves their received_at 40 days back (no hidden option needed).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"
command -v sqlite3 >/dev/null || fail "sqlite3 is needed (scripts/install-deps)"

PW='correct horse battery staple'
DAY=86400
# Several HTTP threads (so the group committer and its sweep run) and no
# request rate limits (this test posts faster than a person would).
START=(--threads 2 --rate-ip 0 --rate-member 0)
"$E2E_RELAY" --help | grep -q -- --rate-member || START=(--threads 2)

sql() {
	sqlite3 "$RELAY_DB" "$1"
}

# sql_live SQL: the same while the relay runs (waits for its write lock).
sql_live() {
	sqlite3 -cmd '.timeout 10000' "$RELAY_DB" "$1"
}

# create ROOM: POST /v1/rooms with a forged body (creator alice).
create() {
	"$E2E_FORGE" create "$1" alice "$PW" >"$T/create.json"
	curl_json_file POST /v1/rooms "$T/create.json"
}

# post ROOM TOKEN COUNTER: one message; prints its seq.
post() {
	"$E2E_FORGE" msg 1 "$3" >"$T/msg.json"
	curl_json_file POST "/v1/rooms/$1/messages" "$T/msg.json" "$2"
	assert_eq 201 "$STATUS" "post $1 #$3: $BODY"
	json_get seq
}

# counters ROOM TOKEN: the counters the relay serves for ROOM, in order
# (nothing for an empty room).
counters() {
	curl_json GET "/v1/rooms/$1/messages?after=0&limit=1000" "" "$2"
	assert_eq 200 "$STATUS" "read $1"
	"$E2E_FORGE" get messages <<<"$BODY" | { grep -o '"counter":[0-9]*' || true; } |
		cut -d: -f2 | tr '\n' ' ' | sed 's/ $//'
}

# seqs ROOM TOKEN: the same, seq numbers.
seqs() {
	curl_json GET "/v1/rooms/$1/messages?after=0&limit=1000" "" "$2"
	"$E2E_FORGE" get messages <<<"$BODY" | grep -o '"seq":[0-9]*' | cut -d: -f2 |
		tr '\n' ' ' | sed 's/ $//'
}

# prints_soon WANT CMD...: CMD prints WANT within 30 s (the sweep runs
# every second; the rest is margin for a loaded machine).
prints_soon() {
	local want=$1 got= deadline=$((SECONDS + 30))
	shift
	while :; do
		got=$("$@")
		[ "$got" = "$want" ] && return 0
		[ "$SECONDS" -lt "$deadline" ] || break
		sleep 0.1
	done
	fail "$*: expected '$want', got '$got'"
}

# ---- the options ----
for bad in "--max-rooms 0" "--max-rooms x" "--max-messages 0" "--max-messages -1" \
	"--retention-days -1" "--retention-days 36501" "--retention-days 1.5"; do
	rc=0
	# shellcheck disable=SC2086 # one option and its value
	timeout 30 "$E2E_RELAY" $bad --port 0 --db "$T/unused.db" >/dev/null 2>&1 || rc=$?
	assert_eq 2 "$rc" "relay $bad"
done
"$E2E_RELAY" --help | grep -q -- '--retention-days D' || fail "--help lacks --retention-days"

# ---- rooms per relay ----
relay_start "${START[@]}" --max-rooms 3 --max-messages 5
for r in r1 r2 r3; do
	create "$r"
	assert_eq 201 "$STATUS" "create $r: $BODY"
	eval "TOKEN_$r=\$(json_get token)"
done
create r4
assert_eq 403 "$STATUS" "create r4 beyond --max-rooms 3"
assert_eq limit_reached "$(json_get error.code)" "create r4: code"
assert_contains "$BODY" "a limit of this relay is reached" "create r4: message"
create r1
assert_eq 409 "$STATUS" "create r1 again at the limit"
assert_eq room_exists "$(json_get error.code)" "create r1 again: code"
assert_eq 3 "$(sql 'SELECT count(*) FROM rooms')" "rooms stored"
curl_json GET /v1/rooms/r4
assert_eq 404 "$STATUS" "r4 was not kept"

# ---- messages per room: the newest 5 of 8 ----
# The limit holds at every commit: the post that makes 6 drops the oldest
# in its own transaction (the sweep, once a second, would be too late).
all=()
for c in 1 2 3 4 5 6 7 8; do
	all+=("$(post r1 "$TOKEN_r1" "$c")")
	rows=$(sql_live "SELECT count(*) FROM messages WHERE room_id =
		(SELECT id FROM rooms WHERE name = 'r1')")
	[ "$rows" -le 5 ] || fail "r1 holds $rows messages after post $c (--max-messages 5)"
done
assert_eq "4 5 6 7 8" "$(counters r1 "$TOKEN_r1")" "r1 keeps the newest 5"
assert_eq "${all[*]:3:5}" "$(seqs r1 "$TOKEN_r1")" "r1's seqs are the last 5 posted"
assert_eq 5 "$(sql "SELECT count(*) FROM messages WHERE room_id = (SELECT id FROM rooms WHERE name = 'r1')")" \
	"r1 rows"
assert_eq 5 "$(sql "SELECT n_messages FROM rooms WHERE name = 'r1'")" "r1 count"
# reading after an expired seq still works: what is left, oldest first
curl_json GET "/v1/rooms/r1/messages?after=${all[0]}" "" "$TOKEN_r1"
assert_eq 5 "$(json_len messages)" "read after an expired seq"
# another room is not touched by r1's limit
post r2 "$TOKEN_r2" 1 >/dev/null
post r2 "$TOKEN_r2" 2 >/dev/null
post r2 "$TOKEN_r2" 3 >/dev/null
assert_eq "1 2 3" "$(counters r2 "$TOKEN_r2")" "r2 unaffected"

# ---- retention: the sweep (nobody posts) ----
relay_stop
sql "UPDATE messages SET received_at = received_at - 40 * $DAY WHERE counter <= 2 AND
	room_id = (SELECT id FROM rooms WHERE name = 'r2')"
relay_start "${START[@]}" --max-rooms 3 --max-messages 5
prints_soon "3" counters r2 "$TOKEN_r2"
assert_eq "4 5 6 7 8" "$(counters r1 "$TOKEN_r1")" "r1 untouched by r2's expiry"
assert_eq 1 "$(sql "SELECT n_messages FROM rooms WHERE name = 'r2'")" "r2 count after expiry"

# ---- retention: the sweep on a running relay forgets cached replies ----
# A read fills the relay's reply cache; the message then grows old while
# the relay runs (sqlite3 beside it, as WAL allows). The sweep must expire
# it from what readers are served, not only from the disk.
post r2 "$TOKEN_r2" 4 >/dev/null
assert_eq "3 4" "$(counters r2 "$TOKEN_r2")" "r2 before it grows old"
assert_eq "3 4" "$(counters r2 "$TOKEN_r2")" "r2 again (a cached reply)"
sql_live "UPDATE messages SET received_at = received_at - 40 * $DAY WHERE counter = 3 AND
	room_id = (SELECT id FROM rooms WHERE name = 'r2')"
prints_soon "4" counters r2 "$TOKEN_r2"

# ---- retention with one shared connection ----
# --threads 1 (also a one-CPU machine's default, and ":memory:"): the
# group committer and its sweep share the one connection with the HTTP
# thread, so a room nobody posts to still expires.
relay_stop
sql "UPDATE messages SET received_at = received_at - 40 * $DAY WHERE counter = 4 AND
	room_id = (SELECT id FROM rooms WHERE name = 'r2')"
relay_start --threads 1 --max-rooms 3 --max-messages 5
prints_soon "" counters r2 "$TOKEN_r2"
post r2 "$TOKEN_r2" 5 >/dev/null
assert_eq "5" "$(counters r2 "$TOKEN_r2")" "r2 after a post with --threads 1"
# 0 keeps forever (up to --max-messages)
relay_stop
sql "UPDATE messages SET received_at = received_at - 4000 * $DAY WHERE
	room_id = (SELECT id FROM rooms WHERE name = 'r2')"
relay_start "${START[@]}" --max-rooms 3 --max-messages 5 --retention-days 0
post r2 "$TOKEN_r2" 6 >/dev/null
# Two sweep slices end after the post: one has run whole since (a slice
# a second; a busy machine may take longer, so this counts them).
sweeps() {
	curl -s "$RELAY_URL/metrics" | sed -n 's/^e2e_retention_sweeps_total //p'
}
since=$(sweeps)
[ -n "$since" ] || fail "/metrics has no e2e_retention_sweeps_total"
swept() { [ "$(sweeps)" -ge $((since + 2)) ]; }
eventually 60 swept || fail "no sweep slice ran within 60 s"
assert_eq "5 6" "$(counters r2 "$TOKEN_r2")" "--retention-days 0 keeps old messages"

# ---- restarts keep the limits honest ----
relay_stop
relay_start "${START[@]}" --max-rooms 3 --max-messages 3
prints_soon "6 7 8" counters r1 "$TOKEN_r1"
create r4
assert_eq 403 "$STATUS" "create r4 after a restart, still 3 rooms"
assert_eq limit_reached "$(json_get error.code)" "create r4 after a restart: code"
post r1 "$TOKEN_r1" 9 >/dev/null
assert_eq "7 8 9" "$(counters r1 "$TOKEN_r1")" "r1 at --max-messages 3"
relay_stop
relay_start "${START[@]}" --max-rooms 4
create r4
assert_eq 201 "$STATUS" "create r4 with --max-rooms 4"
create r5
assert_eq 403 "$STATUS" "create r5 beyond --max-rooms 4"

# ---- a version-2 database is upgraded: count, index, limits ----
# (version 2 had neither the columns of version 3 nor those of version 4,
# protocol v2's: its rooms are v1 rooms, still read)
relay_stop
assert_eq 4 "$(sql 'PRAGMA user_version')" "schema version"
r1_key=$(sql "SELECT hex(room_key) FROM rooms WHERE name = 'r1'")
sql "DROP INDEX messages_room_time; ALTER TABLE rooms DROP COLUMN n_messages;
	ALTER TABLE rooms DROP COLUMN room_key; ALTER TABLE states DROP COLUMN mac;
	ALTER TABLE wraps DROP COLUMN made_by; UPDATE rooms SET v = 1; PRAGMA user_version = 2"
relay_start "${START[@]}" --max-messages 2
assert_eq 4 "$(sql 'PRAGMA user_version')" "schema version after the upgrade"
assert_eq messages_room_time "$(sql "SELECT name FROM sqlite_master WHERE name = 'messages_room_time'")" \
	"retention index after the upgrade"
prints_soon "8 9" counters r1 "$TOKEN_r1"
assert_eq 2 "$(sql "SELECT n_messages FROM rooms WHERE name = 'r1'")" "r1 count after the upgrade"
relay_stop

# ---- a full room drops 1 % of the limit at once, not one per post ----
# (the slack is max_messages / 100: none below 100, as above). r1 (made a
# protocol v2 room again: the upgrade above left it a v1 one, which takes
# no posts) is filled to exactly 100 messages with the relay stopped; the
# post that makes 101 brings it to 99, the next to 100, the next to 99.
sql "UPDATE rooms SET v = 2, room_key = X'$r1_key' WHERE name = 'r1';
	INSERT INTO messages (room_id, v, sender, epoch, counter, nonce, ct, sig, received_at)
	SELECT r.id, 1, 'alice', 1, 0, randomblob(24), randomblob(300), randomblob(64),
	       CAST(strftime('%s') AS INTEGER)
	FROM rooms AS r, (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c
	                  WHERE i < 98) SELECT i FROM c) WHERE r.name = 'r1';
	UPDATE rooms SET n_messages = 100 WHERE name = 'r1'"
relay_start "${START[@]}" --max-messages 100
full() { # the rows of r1 and its stored count
	sql_live "SELECT count(*) FROM messages m JOIN rooms r ON r.id = m.room_id
		  WHERE r.name = 'r1'; SELECT n_messages FROM rooms WHERE name = 'r1'" | tr '\n' ' '
}
assert_eq "100 100 " "$(full)" "r1 full, before posting"
post r1 "$TOKEN_r1" 10 >/dev/null
assert_eq "99 99 " "$(full)" "r1 after the post that took it over 100"
post r1 "$TOKEN_r1" 11 >/dev/null
assert_eq "100 100 " "$(full)" "r1 after one more post (no delete)"
post r1 "$TOKEN_r1" 12 >/dev/null
assert_eq "99 99 " "$(full)" "r1 over 100 again"
relay_stop
echo "retention: ok"
