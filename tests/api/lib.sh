# tests/api/lib.sh - sourced by the API catalogue (tests/api/*.sh): the
# real curl against a real relay, each endpoint's success path and the
# error paths of docs/PROTOCOL.md. One file per resource (rooms, members,
# states, messages, limits, caches, relay), each a meson test of its own
# with its own relay, so that they run in parallel.
#
# Needs E2E_RELAY (the relay) and E2E_FORGE (tests/api/forge.c, which
# makes the signed bodies). API_VERBOSE=1 shows every reply. Assertions
# are tests/lib.sh's; this adds the API's own:
#
#   check NAME STATUS CODE   the last reply had STATUS and error code CODE
#                            ("-": a success body, with no "error")
#   expect NAME STATUS CODE METHOD PATH [BODY] [TOKEN]
#                            the request, then check; a refused request
#                            must also leave the stored data as it was
#   run_table                one expect per line on stdin:
#                            NAME | STATUS | CODE | METHOD | PATH | BODY | TOKEN | CURL ARGS
#                            (PATH, BODY, TOKEN, CURL ARGS are shell words,
#                            evaluated when the row runs; # lines skipped)
#   nonce ROOM               a fresh join challenge nonce for ROOM
#   create_room VAR ROOM CREATOR PASSWORD    the room; its token in VAR
#   join_room VAR ROOM NAME PASSWORD         a pending member; token in VAR
#   admit ROOM TOKEN BY REVISION EPOCH MEMBER... [FORGE OPTIONS]
#                            an admin (TOKEN) posts a signed state of
#                            REVISION and EPOCH made by the admin BY,
#                            listing BY and the MEMBERs (forge state)
#   b64zeros N               N zero bytes in base64

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"

forge() {
	"$E2E_FORGE" "$@"
}

check() {
	local code
	code=$(json_get error.code)
	if [ "$STATUS" = "$2" ] && [ "${code:--}" = "$3" ]; then
		pass
		[ -z "${API_VERBOSE:-}" ] || echo "ok: $1: $STATUS $(head -c 200 <<<"$BODY")" >&2
	else
		miss "$1: expected $2 $3, got $STATUS ${code:--}: $(head -c 300 <<<"$BODY")"
	fi
}

# The stored rooms, members, states, wraps and messages, as one hash
# (challenges left out: a join attempt uses up its nonce, by design).
# On PostgreSQL (RELAY_DB a postgresql:// URL: tests/pg/api.sh) the same
# tables through psql, each in its key's order.
db_snapshot() {
	local dump
	if [[ $RELAY_DB == postgresql://* ]]; then
		dump=$(psql "$RELAY_DB" -X -A -t -q -v ON_ERROR_STOP=1 \
			-c "SELECT 'snapshot'" -c "SELECT * FROM rooms ORDER BY id" \
			-c "SELECT * FROM members ORDER BY room_id, name" \
			-c "SELECT * FROM states ORDER BY room_id, revision" \
			-c "SELECT * FROM wraps ORDER BY room_id, member, epoch" \
			-c "SELECT * FROM messages ORDER BY room_id, seq") || dump=
		[[ $dump == snapshot* ]] || dump="unreadable $RANDOM $RANDOM $SECONDS"
	else
		dump=$(sqlite3 -readonly -cmd '.timeout 10000' "$RELAY_DB" \
			".dump rooms members states wraps messages") || dump=
		# Unreadable: a value that never repeats, so the comparison fails loudly.
		[[ $dump == *"CREATE TABLE rooms"* ]] || dump="unreadable $RANDOM $RANDOM $SECONDS"
	fi
	sha256sum <<<"$dump"
}

expect() {
	local name=$1 status=$2 code=$3 before
	shift 3
	before=$(db_snapshot)
	curl_json "$@"
	check "$name" "$status" "$code"
	if [ "$status" -ge 400 ] && [ "$(db_snapshot)" != "$before" ]; then
		miss "$name: a refused request changed the stored data"
	fi
}

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
	printf '%s' "$s"
}

run_table() {
	local row name status code method path body token extra
	while IFS= read -r row; do
		[[ -z "${row//[[:space:]]/}" || $row == \#* ]] && continue
		IFS='|' read -r name status code method path body token extra <<<"$row"
		name=$(trim "$name") status=$(trim "$status") code=$(trim "$code")
		method=$(trim "$method")
		eval "path=$(trim "$path")"
		eval "body=$(trim "${body:-}")"
		eval "token=$(trim "${token:-}")"
		eval "CURL_EXTRA=($(trim "${extra:-}"))"
		expect "$name" "$status" "$code" "$method" "$path" "$body" "$token"
		CURL_EXTRA=()
	done
}

nonce() {
	local out
	out=$(curl -s -X POST "$RELAY_URL/v1/rooms/$1/challenges")
	forge get nonce <<<"$out"
}

# Setup steps: each must work, or nothing after it means anything.
create_room() {
	curl_json POST /v1/rooms "$(forge create "$2" "$3" "$4")"
	assert_eq 201 "$STATUS" "setup: create $2 as $3: $BODY"
	printf -v "$1" '%s' "$(json_get token)"
}

join_room() {
	curl_json POST "/v1/rooms/$2/members" "$(forge join "$2" "$3" "$4" "$(nonce "$2")")"
	assert_eq 201 "$STATUS" "setup: $3 joins $2: $BODY"
	printf -v "$1" '%s' "$(json_get token)"
}

admit() {
	local room=$1 token=$2
	shift 2
	curl_json POST "/v1/rooms/$room/state" "$(forge state "$room" "$@")" "$token"
	assert_eq 200 "$STATUS" "setup: state $* of $room: $BODY"
}

b64zeros() {
	head -c "$1" /dev/zero | base64 -w0
}

B15=$(b64zeros 15)
B31=$(b64zeros 31)
B32=$(b64zeros 32)
B33=$(b64zeros 33)
LONG65=$(printf 'a%.0s' $(seq 1 65))
PW=pw-one
