# tests/lib.sh - helpers sourced by the shell tests (bash).
#
# The binaries come from the environment: E2E_RELAY (the relay) and
# E2E_CLIENT (the client). Every test gets a fresh work directory $T,
# removed on exit, and the relay it starts is stopped on exit too.
#
# The one assertion dialect of every shell suite (api, integration,
# hostile, load): a test either stops at a failed assertion or counts a
# failed check and goes on, so that one run lists every failure.
#   fail MSG             stop here: "FAIL: MSG", exit 1
#   assert_eq WANT GOT [WHAT]; assert_contains TEXT PART [WHAT]
#                        stop unless GOT is WANT / TEXT contains PART
#   miss MSG             a failed check: "FAIL: MSG", and the test goes on
#   check_eq WANT GOT WHAT; check_contains TEXT PART WHAT
#                        the checks of the two assertions above
#   checks_done NAME     "NAME: N checks passed" and exit 0, or exit 1
#                        after any failed check (a test that ends without
#                        it still fails on exit after a failed check)
#   defect MSG; defect_gone NAME
#                        a test of a defect not fixed yet (meson sets
#                        E2E_DEFECT_KNOWN=1 for it): `defect` says the
#                        defect showed and ends the test, passed while it
#                        is known, failed once it is not; `defect_gone`, at
#                        the end, fails while it is known ("fixed: make
#                        this an ordinary test"). A broken harness fails
#                        either way (fail, assert_*), never passes as the
#                        defect.
#
#   relay_start [args]   start "$E2E_RELAY --port 0 --db $RELAY_DB [args]",
#                        wait for its "listening on" line; sets RELAY_PID,
#                        RELAY_PORT, RELAY_URL (log: $T/relay.log)
#   relay_stop           SIGTERM, wait, require exit status 0
#   relay_kill9          SIGKILL, wait
#   curl_json METHOD PATH [BODY] [TOKEN]
#                        real curl; sets STATUS (HTTP code), BODY (reply
#                        body), HEADERS (reply headers); extra curl
#                        arguments may be put in the array CURL_EXTRA
#   curl_json_file METHOD PATH FILE [TOKEN]   the same, body from FILE
#   json_get PATH, json_len PATH   a field of $BODY / an array's length
#                        (with $E2E_FORGE, the API tests' helper)
#   eventually SECONDS CMD...   retry CMD every 0.1 s until it succeeds;
#                        fails after SECONDS (a bound, never a wait)
#
# Only the programs in tests/commands.txt are on the suites' PATH (see
# scripts/test); calling any other is reported and fails the test.

set -u

T=$(mktemp -d "${TMPDIR:-/tmp}/e2e-test.XXXXXX") || exit 1
RELAY_DB=${RELAY_DB:-$T/relay.db}
RELAY_PID=
RELAY_PORT=
RELAY_URL=
STATUS=
BODY=
HEADERS=
CURL_EXTRA=()
CHECKS_PASSED=0
CHECKS_FAILED=0

# AddressSanitizer reports from any process of the test (background ones,
# and ones whose exit status a test ignores, included) go to files in $T;
# a test with any such file fails. UndefinedBehaviorSanitizer cannot
# write to files beside ASan (GCC's runtime ignores its log_path), so it
# stops the process at its first report with exit status 86, which the
# tests' checks of every exit status catch.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$T/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=86:print_stacktrace=1"

lib_cleanup() {
	local rc=$? report others
	set +e # a failing step here (a relay's exit status) must not end the cleanup
	if [ -s "$T/not-found" ]; then
		echo "FAIL: programs not in tests/commands.txt were called: $(sort -u "$T/not-found" | tr '\n' ' ')" >&2
		rc=1
	fi
	if [ "$CHECKS_FAILED" -gt 0 ] && [ "$rc" = 0 ]; then
		echo "FAIL: $CHECKS_FAILED check(s) failed (above)" >&2
		rc=1
	fi
	if [ -n "$RELAY_PID" ] && kill -0 "$RELAY_PID" 2>/dev/null; then
		kill -TERM "$RELAY_PID" 2>/dev/null
		wait "$RELAY_PID" 2>/dev/null
	fi
	# whatever else the test left running (a chat after a failed check);
	# nothing here may fail: errexit still holds in this trap
	others=$(jobs -p)
	[ -z "$others" ] || kill $others 2>/dev/null || true
	for report in "$T"/sanitizer.*; do
		[ -f "$report" ] || continue
		echo "FAIL: sanitizer report from a test process:" >&2
		cat "$report" >&2
		rc=1
	done
	rm -rf "$T"
	exit "$rc"
}
trap lib_cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

defect() {
	# what the defect is seen through must still be there
	if [ -n "$RELAY_PID" ] && ! kill -0 "$RELAY_PID" 2>/dev/null; then
		fail "harness: the relay is gone, so this proves no defect: $*"
	fi
	if [ -n "${PROXY_PID:-}" ] && ! kill -0 "$PROXY_PID" 2>/dev/null; then
		fail "harness: the proxy is gone, so this proves no defect: $*"
	fi
	if [ "${E2E_DEFECT_KNOWN:-0}" = 1 ]; then
		echo "known defect, still there: $*"
		exit 0
	fi
	fail "$*"
}

defect_gone() {
	[ "${E2E_DEFECT_KNOWN:-0}" = 1 ] &&
		fail "$1: the known defect did not show: if it is fixed, drop E2E_DEFECT_KNOWN for this test in tests/meson.build"
	echo "$1: ok"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_contains() {
	case "$1" in
	*"$2"*) ;;
	*) fail "${3:-text}: expected to contain '$2', got '$1'" ;;
	esac
}

miss() {
	echo "FAIL: $*" >&2
	CHECKS_FAILED=$((CHECKS_FAILED + 1))
}

pass() {
	CHECKS_PASSED=$((CHECKS_PASSED + 1))
}

check_eq() {
	if [ "$1" = "$2" ]; then pass; else miss "$3: expected '$1', got '$2'"; fi
}

check_contains() {
	case "$1" in
	*"$2"*) pass ;;
	*) miss "$3: expected to contain '$2', got '$1'" ;;
	esac
}

checks_done() {
	[ "$((CHECKS_PASSED + CHECKS_FAILED))" -gt 0 ] || fail "$1: no check ran"
	[ "$CHECKS_FAILED" = 0 ] ||
		fail "$1: $CHECKS_FAILED of $((CHECKS_PASSED + CHECKS_FAILED)) checks failed (above)"
	echo "$1: $CHECKS_PASSED checks passed"
}

# Under scripts/test the PATH holds tests/commands.txt's programs only; a
# call to any other is reported here, and lib_cleanup fails the test even
# where the call's exit status was ignored.
command_not_found_handle() {
	echo "FAIL: $1: not a program the tests may run; add it to tests/commands.txt and its package to scripts/install-deps" >&2
	echo "$1" >>"$T/not-found"
	return 127
}

# eventually SECONDS CMD...: retry CMD every 0.1 s until it succeeds;
# returns 1 once SECONDS have passed without success.
eventually() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# started_line LOG TEXT PID DEADLINE: the first line of LOG with TEXT, once
# it is there; nothing if PID ends first or SECONDS reaches DEADLINE.
started_line() {
	local line
	while :; do
		line=$(grep -m1 -- "$2" "$1" || true)
		[ -n "$line" ] && break
		kill -0 "$3" 2>/dev/null || break
		[ "$SECONDS" -lt "$4" ] || break
		sleep 0.1
	done
	printf '%s' "$line"
}

relay_start() {
	: "${E2E_RELAY:?set E2E_RELAY to the relay binary}"
	local line
	# up to E2E_RELAY_START_SECONDS (60; valgrind starts it slowly)
	local deadline=$((SECONDS + ${E2E_RELAY_START_SECONDS:-60}))
	while :; do
		: >"$T/relay.log"
		# E2E_RELAY_WRAPPER: e.g. valgrind (scripts/test-valgrind); its error
		# exit code makes relay_stop fail on any memcheck error or leak.
		# A relay started after a background client (client.sh's as_bg,
		# as_tty) must not hold the write end of that client's input, or
		# the client would never see it end.
		(
			for f in ${AS_BG_FDS[@]+"${AS_BG_FDS[@]}"}; do eval "exec $f>&-"; done
			exec ${E2E_RELAY_WRAPPER:-} "$E2E_RELAY" --port 0 --db "$RELAY_DB" "$@" \
				2>>"$T/relay.log"
		) &
		RELAY_PID=$!
		line=$(started_line "$T/relay.log" 'relay: listening on ' "$RELAY_PID" "$deadline")
		# A restart on its old port (--port N) can find the port taken for
		# a moment by a client connection of another test, which the kernel
		# gave that port while the relay was down: try again until it ends.
		[ -z "$line" ] && ! kill -0 "$RELAY_PID" 2>/dev/null &&
			grep -q 'cannot listen on' "$T/relay.log" && [ "$SECONDS" -lt "$deadline" ] ||
			break
		wait "$RELAY_PID" 2>/dev/null || true
		sleep 0.5
	done
	if [ -z "$line" ]; then
		cat "$T/relay.log" >&2
		fail "relay did not start"
	fi
	RELAY_PORT=$(sed -n 's/.*listening on https\{0,1\}:\/\/.*:\([0-9][0-9]*\) (db .*/\1/p' <<<"$line")
	[ -n "$RELAY_PORT" ] || fail "cannot read the port from: $line"
	RELAY_URL="http://127.0.0.1:$RELAY_PORT"
}

relay_stop() {
	local rc=0
	[ -n "$RELAY_PID" ] || fail "relay_stop: no relay running"
	kill -TERM "$RELAY_PID" || fail "relay_stop: relay $RELAY_PID is not running"
	wait "$RELAY_PID" || rc=$?
	RELAY_PID=
	assert_eq 0 "$rc" "relay exit status after SIGTERM"
}

relay_kill9() {
	[ -n "$RELAY_PID" ] || fail "relay_kill9: no relay running"
	kill -KILL "$RELAY_PID"
	wait "$RELAY_PID" 2>/dev/null || true # 137: killed, as intended
	RELAY_PID=
}

# curl_json_file METHOD PATH FILE [TOKEN]; FILE "" sends no body.
curl_json_file() {
	local method=$1 path=$2 file=$3 token=${4-}
	local args=(-s -o "$T/reply.body" -D "$T/reply.headers" -w '%{http_code}' -X "$method")
	[ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
	[ -n "$file" ] && args+=(--data-binary "@$file")
	STATUS=$(curl "${args[@]}" ${CURL_EXTRA[@]+"${CURL_EXTRA[@]}"} "$RELAY_URL$path") || true
	BODY=$(cat "$T/reply.body" 2>/dev/null || true)
	HEADERS=$(tr -d '\r' <"$T/reply.headers" 2>/dev/null || true)
	rm -f "$T/reply.body" "$T/reply.headers"
}

# curl_json METHOD PATH [BODY] [TOKEN]; an empty BODY sends no body.
curl_json() {
	local method=$1 path=$2 body=${3-} token=${4-}
	if [ -n "$body" ]; then
		printf '%s' "$body" >"$T/request.json"
		curl_json_file "$method" "$path" "$T/request.json" "$token"
	else
		curl_json_file "$method" "$path" "" "$token"
	fi
}

# json_get PATH: a field of $BODY (a.b.0.c; strings raw), read with the
# API tests' helper ($E2E_FORGE get), so the tests need no jq.
json_get() {
	: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"
	"$E2E_FORGE" get "$1" <<<"$BODY" || true
}

# json_len PATH: the length of the array at PATH in $BODY.
json_len() {
	: "${E2E_FORGE:?set E2E_FORGE to the forge helper}"
	"$E2E_FORGE" len "$1" <<<"$BODY" || true
}
