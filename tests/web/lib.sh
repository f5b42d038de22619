# tests/web/lib.sh - sourced after tests/lib.sh and
# tests/integration/client.sh: `e2e-chat web` as a named user.
#
#   web_start USER [ARGS...]   start USER's `e2e-chat web` (profile $T/USER),
#                        wait for the link it prints; sets USER_web_pid,
#                        USER_web_url (the whole link), USER_web_base
#                        (http://127.0.0.1:PORT), USER_web_port,
#                        USER_web_token (output in $T/USER.web.out/.err)
#   web_stop USER        SIGTERM, wait, require exit status 0
#   web_call USER CALL JSON   POST /api/CALL with the token; sets STATUS
#                        and BODY
#   web_events USER AFTER     GET /api/events?after=AFTER&wait=0; BODY

web_start() {
	local user=$1 url pid deadline=$((SECONDS + 60))
	shift
	: >"$T/$user.web.out" # an earlier launch's link is not this one's
	"$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/$user" --name "$user" web --interval 100 "$@" \
		>"$T/$user.web.out" 2>"$T/$user.web.err" &
	pid=$!
	eval "${user}_web_pid=$pid"
	url=$(started_line "$T/$user.web.out" 'http://' "$pid" "$deadline")
	[ -n "$url" ] || fail "$user's e2e-chat web did not start: $(cat "$T/$user.web.err")"
	eval "${user}_web_url=\$url"
	eval "${user}_web_base=\${url%%/#*}"
	eval "${user}_web_port=\$(sed -n 's|^http://127.0.0.1:\([0-9]*\)/.*|\1|p' <<<\"\$url\")"
	eval "${user}_web_token=\${url##*#}"
}

web_stop() {
	local pid_var="${1}_web_pid" rc=0
	kill -TERM "${!pid_var}" || fail "web_stop: $1's web is not running"
	wait "${!pid_var}" || rc=$?
	assert_eq 0 "$rc" "$1's e2e-chat web exit status after SIGTERM ($(tail -n 3 "$T/$1.web.err"))"
}

web_call() {
	local base_var="${1}_web_base" token_var="${1}_web_token"
	STATUS=$(curl -s -o "$T/web.body" -w '%{http_code}' -X POST \
		-H "X-E2E-Token: ${!token_var}" --data-binary "$3" "${!base_var}/api/$2") || true
	BODY=$(cat "$T/web.body" 2>/dev/null || true)
}

web_events() {
	local base_var="${1}_web_base" token_var="${1}_web_token"
	STATUS=$(curl -s -o "$T/web.body" -w '%{http_code}' -H "X-E2E-Token: ${!token_var}" \
		"${!base_var}/api/events?after=$2&wait=0") || true
	BODY=$(cat "$T/web.body" 2>/dev/null || true)
}
