# tests/hostile/hostile.sh - sourced by each case (it sources tests/lib.sh
# and tests/integration/client.sh itself): the hostile relay operator's
# two tools.
#
# Every client talks to the proxy ($PROXY_URL, $E2E_PROXY), which forwards
# to the real relay; the rules in $RULES change its answers (proxy.c says
# how). The relay keeps its port across restarts, so the proxy and the
# clients' memberships (which belong to the URL) survive an SQL edit.
#
#   hostile_start         relay_start, then the proxy in front of it
#   rules LINE...         replace the proxy's rules (atomically)
#   honest                no rules: the proxy forwards everything as is
#   sql STATEMENTS        stop the relay, run them on its database, restart
#   q STATEMENT           a query on the (running) relay's database
#   room3 ROOM            alice creates ROOM; bob and carol are admitted
#   run_as USER TAG ARGS  `as USER ARGS` with a 90 s bound: stdout in
#                         $T/TAG.out, stderr in $T/TAG.err, status in RC
#   warned TAG TEXT       $T/TAG.err has a "SECURITY: " line with TEXT
#   not_shown TAG TEXT    $T/TAG.out does not contain TEXT
#   fingerprint SIGN_HEX BOX_HEX   a member's fingerprint, as verify shows it
#   copy_identity A B     profile B gets A's identity (same keys), no rooms
#   relay_serves          the relay still answers (GET /healthz)
#   hostile_stop          stop proxy and relay, each of which must exit 0
#   hostile_done NAME     hostile_stop; checks_done NAME
#
# Its checks (warned, shown, status_is, ...) count through tests/lib.sh's
# miss and pass: one run lists every missing defence, and fails at the end.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../integration/client.sh"

command -v sqlite3 >/dev/null || fail "sqlite3 is needed (scripts/install-deps installs it)"
: "${E2E_PROXY:?set E2E_PROXY to the hostile proxy binary}"

PROXY_PID=
PROXY_URL=
RULES=$T/rules
RC=0

hostile_cleanup() {
	local rc=$?
	set +e # under set -e, the "(exit rc)" below would end the trap early
	if [ -n "$PROXY_PID" ] && kill -0 "$PROXY_PID" 2>/dev/null; then
		kill -TERM "$PROXY_PID" 2>/dev/null
		wait "$PROXY_PID" 2>/dev/null
	fi
	(exit "$rc")
	lib_cleanup
}
trap hostile_cleanup EXIT

# Clients go through the proxy.
as() {
	local user=$1
	shift
	E2E_CHAT_PASSWORD=${E2E_CHAT_PASSWORD-$PASSWORD} \
		"$E2E_CLIENT" --relay "$PROXY_URL" --home "$T/$user" --name "$user" "$@"
}

proxy_start() {
	local line
	: >"$T/proxy.log"
	"$E2E_PROXY" "http://127.0.0.1:$RELAY_PORT" "$RULES" 2>>"$T/proxy.log" &
	PROXY_PID=$!
	line=$(started_line "$T/proxy.log" 'proxy: listening on ' "$PROXY_PID" $((SECONDS + 60)))
	[ -n "$line" ] || fail "the proxy did not start: $(cat "$T/proxy.log")"
	PROXY_URL=${line#proxy: listening on }
}

# proxy_stop: SIGTERM; it must exit 0 at once, hanging connections or not.
proxy_stop() {
	local rc=0
	kill -TERM "$PROXY_PID" || fail "the proxy is not running"
	timeout 60 tail --pid="$PROXY_PID" -f /dev/null || fail "the proxy did not stop"
	wait "$PROXY_PID" || rc=$?
	PROXY_PID=
	assert_eq 0 "$rc" "proxy exit status after SIGTERM"
}

hostile_start() {
	honest
	relay_start
	RELAY_FIXED_PORT=$RELAY_PORT
	proxy_start
}

rules() {
	printf '%s\n' "$@" >"$RULES.new"
	mv "$RULES.new" "$RULES"
}

honest() {
	: >"$RULES.new"
	mv "$RULES.new" "$RULES"
}

sql() {
	relay_stop
	sqlite3 "$RELAY_DB" "$1" || fail "sql: $1"
	relay_start --port "$RELAY_FIXED_PORT"
}

q() {
	sqlite3 "$RELAY_DB" "$1"
}

room3() {
	local who
	as alice join "$1" </dev/null 2>/dev/null
	for who in bob carol; do
		as "$who" join "$1" --no-wait </dev/null 2>/dev/null || true
		as alice admit "$1" >/dev/null 2>&1
	done
}

run_as() {
	local user=$1 tag=$2
	shift 2
	RC=0
	E2E_CHAT_PASSWORD=${E2E_CHAT_PASSWORD-$PASSWORD} timeout 90 "$E2E_CLIENT" --relay "$PROXY_URL" --home "$T/$user" --name "$user" "$@" \
		>"$T/$tag.out" 2>"$T/$tag.err" </dev/null || RC=$?
	[ "$RC" -ne 124 ] || fail "$user $*: still running after 90 s"
	[ "$RC" -lt 128 ] || fail "$user $*: killed by signal $((RC - 128)): $(cat "$T/$tag.err")"
}

hostile_stop() {
	proxy_stop
	relay_stop
}

hostile_done() {
	hostile_stop
	checks_done "$1"
}

warned() {
	grep -F 'SECURITY: ' "$T/$1.err" | grep -qF -- "$2" && pass ||
		miss "$1: expected a 'SECURITY: ' line with '$2', stderr was: $(cat "$T/$1.err")"
}

not_warned() {
	! grep -q 'SECURITY: ' "$T/$1.err" && pass ||
		miss "$1: unexpected warning: $(grep 'SECURITY: ' "$T/$1.err")"
}

shown() {
	grep -qF -- "$2" "$T/$1.out" && pass || miss "$1: '$2' not shown; stdout: $(cat "$T/$1.out")"
}

not_shown() {
	! grep -qF -- "$2" "$T/$1.out" && pass || miss "$1: '$2' was shown: $(cat "$T/$1.out")"
}

# status_is WANT TAG: the last run_as exited WANT.
status_is() {
	[ "$RC" = "$1" ] && pass || miss "$2: expected exit status $1, got $RC; stderr: $(cat "$T/$2.err")"
}

# fingerprint SIGN_HEX BOX_HEX: BLAKE2b-160 of the fingerprint transcript
# (docs/PROTOCOL.md), as ten groups of four hex digits.
fingerprint() {
	local label=e2e-chat/v1/fingerprint
	{
		printf '%08x' "${#label}"
		printf '%s' "$label" | xxd -p
		printf '%08x%s%08x%s' 32 "$1" 32 "$2"
	} | tr -d '\n' | xxd -r -p | b2sum -l 160 | cut -c1-40 | sed 's/..../& /g; s/ $//'
}

# copy_identity FROM TO: TO gets FROM's identity (the same keys) and no room.
copy_identity() {
	local src rel
	src=$(find "$T/$1" -name identity -type f | head -1)
	rel=${src#"$T/$1/"}
	mkdir -p "$(dirname "$T/$2/$rel")"
	chmod 700 "$T/$2" "$(dirname "$T/$2/$rel")"
	cp -p "$src" "$T/$2/$rel"
}

relay_serves() {
	curl -s -o /dev/null -w '%{http_code}' "$RELAY_URL/healthz" | grep -q '^200$' ||
		fail "the relay stopped serving"
}
