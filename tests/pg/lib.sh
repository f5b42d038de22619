# tests/pg/lib.sh - a private PostgreSQL server for a test, sourced after
# tests/lib.sh: Debian's PostgreSQL (scripts/install-deps), a cluster made
# by initdb in a directory of its own under /tmp, owned and run by an
# unprivileged user (as root, which CI is: `nobody`, through setpriv; else
# the caller), listening on 127.0.0.1 at a free port, trust
# authentication for the superuser e2e. Stopped and removed when the test
# ends, whatever its outcome.
#
#   pg_start             initdb and start; sets PG_URL (postgresql://e2e@
#                        127.0.0.1:PORT) and PG_PORT
#   pg_createdb NAME     a new, empty database NAME; prints its URL
#   pg_psql URL ARGS...  psql on URL, no .psqlrc, unaligned, stop at an error
#   pg_stop              stop the server (fast: sessions are ended)
#   pg_restart_server    stop it (immediate: as a crash, recovery at start)
#                        and start it again on the same port
#
# Needs tests/lib.sh's $T and fail.

PG_DIR=
PG_PORT=
PG_URL=

pg_as() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

pg_cleanup() {
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
		pg_as pg_ctl -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
		rm -rf "$PG_DIR"
	fi
}
# tests/lib.sh's trap, after ours, with the test's own exit status; the
# relays go before their server
trap 'pg_rc=$?; relays_end; pg_cleanup; (exit $pg_rc); lib_cleanup' EXIT

relays_end() {
	local p
	for p in "${RELAY_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	return 0
}

# pg_server_start PORT: start the cluster on PORT; fails if it cannot
pg_server_start() {
	pg_as pg_ctl -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 120 \
		-o "-p $1 -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" \
		start >/dev/null 2>&1
}

pg_start() {
	local try port
	PG_DIR=$(mktemp -d /tmp/e2e-pg.XXXXXX) || fail "pg: mktemp"
	[ "$(id -u)" != 0 ] || chown nobody:nogroup "$PG_DIR"
	pg_as initdb -D "$PG_DIR/data" -U e2e --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; fail "pg: initdb failed"; }
	# a free port: one taken makes the start fail, then another is tried
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 40000))
		if pg_server_start "$port"; then
			PG_PORT=$port
			break
		fi
	done
	[ -n "$PG_PORT" ] || { cat "$PG_DIR/server.log" >&2; fail "pg: the server did not start"; }
	PG_URL="postgresql://e2e@127.0.0.1:$PG_PORT"
}

pg_psql() {
	local url=$1
	shift
	psql "$url" -X -A -t -q -v ON_ERROR_STOP=1 "$@"
}

pg_createdb() {
	pg_psql "$PG_URL/postgres" -c "CREATE DATABASE $1" >/dev/null || fail "pg: createdb $1"
	printf '%s/%s' "$PG_URL" "$1"
}

pg_stop() {
	pg_as pg_ctl -D "$PG_DIR/data" -m fast -w stop >/dev/null || fail "pg: stop failed"
}

pg_restart_server() {
	pg_as pg_ctl -D "$PG_DIR/data" -m immediate -w stop >/dev/null || fail "pg: stop failed"
	pg_server_start "$PG_PORT" || { cat "$PG_DIR/server.log" >&2; fail "pg: restart failed"; }
}

# Several relays on one database.
#   relay_n_start I URL [args]  start relay I on database URL, on a free
#                        port (or its old one again: RELAY_PORTS[I] set and
#                        --port in args); sets RELAY_PIDS[I], RELAY_URLS[I],
#                        RELAY_PORTS[I] (log: $T/relay$I.log)
#   on I                 the next curl_json goes to relay I (RELAY_URL)
#   relay_n_kill9 I      SIGKILL relay I, wait
RELAY_PIDS=()
RELAY_URLS=()
RELAY_PORTS=()

relay_n_start() {
	local i=$1 url=$2 line deadline=$((SECONDS + 60))
	shift 2
	while :; do
		: >"$T/relay$i.log"
		"$E2E_RELAY" --port 0 --db "$url" --quiet "$@" 2>>"$T/relay$i.log" &
		RELAY_PIDS[i]=$!
		line=$(started_line "$T/relay$i.log" 'relay: listening on ' "${RELAY_PIDS[i]}" \
			"$deadline")
		# a restart on its old port may find it taken for a moment by a
		# client connection the kernel gave that port: try again
		[ -z "$line" ] && ! kill -0 "${RELAY_PIDS[i]}" 2>/dev/null &&
			grep -q 'cannot listen on' "$T/relay$i.log" && [ "$SECONDS" -lt "$deadline" ] ||
			break
		wait "${RELAY_PIDS[i]}" 2>/dev/null || true
		sleep 0.5
	done
	[ -n "$line" ] || { cat "$T/relay$i.log" >&2; fail "relay $i did not start"; }
	RELAY_PORTS[i]=$(sed -n 's/.*listening on http:\/\/.*:\([0-9][0-9]*\) (db .*/\1/p' <<<"$line")
	[ -n "${RELAY_PORTS[i]}" ] || fail "cannot read relay $i's port from: $line"
	RELAY_URLS[i]="http://127.0.0.1:${RELAY_PORTS[i]}"
}

on() {
	RELAY_URL=${RELAY_URLS[$1]}
}

relay_n_kill9() {
	kill -KILL "${RELAY_PIDS[$1]}"
	wait "${RELAY_PIDS[$1]}" 2>/dev/null || true
}

# relays_stop: SIGTERM each relay still running; each must exit 0
relays_stop() {
	local i rc
	for i in "${!RELAY_PIDS[@]}"; do
		rc=0
		kill -TERM "${RELAY_PIDS[i]}" 2>/dev/null || continue
		wait "${RELAY_PIDS[i]}" || rc=$?
		assert_eq 0 "$rc" "relay $i exit status after SIGTERM"
	done
	RELAY_PIDS=()
}

# room_of_three ROOM: alice creates ROOM through relay 1, bob joins it
# through relay 2 and carol through relay 3, and alice admits both
# through relay 1 (a signed state, revision 2, epoch 1); sets ALICE, BOB
# and CAROL to their tokens. Needs E2E_FORGE.
PG_PW='correct horse battery staple'
room_of_three() {
	local room=$1
	on 1
	"$E2E_FORGE" create "$room" alice "$PG_PW" >"$T/create.json"
	curl_json_file POST /v1/rooms "$T/create.json"
	assert_eq 201 "$STATUS" "create $room through relay 1"
	ALICE=$(json_get token)
	pg_join "$room" bob 2
	BOB=$PG_TOKEN
	pg_join "$room" carol 3
	CAROL=$PG_TOKEN
	on 1
	"$E2E_FORGE" state "$room" alice 2 1 bob carol --password "$PG_PW" >"$T/state.json"
	curl_json_file POST "/v1/rooms/$room/state" "$T/state.json" "$ALICE"
	assert_eq 200 "$STATUS" "admission through relay 1"
}

# pg_join ROOM NAME RELAY: NAME registers through RELAY; PG_TOKEN its token
pg_join() {
	on "$3"
	curl_json POST "/v1/rooms/$1/challenges"
	assert_eq 201 "$STATUS" "challenge through relay $3"
	"$E2E_FORGE" join "$1" "$2" "$PG_PW" "$(json_get nonce)" >"$T/join.json"
	curl_json_file POST "/v1/rooms/$1/members" "$T/join.json"
	assert_eq 201 "$STATUS" "$2 joins through relay $3"
	PG_TOKEN=$(json_get token)
}
