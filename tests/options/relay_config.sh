#!/usr/bin/env bash
# Issue 17: relay --config FILE. The file's options are in force (a
# --max-rooms of 1 refuses a second room; quiet drops the request log);
# the command line overrides the file; every mistake in the file stops
# the relay with exit code 2 and a line naming the file and the line; a
# file every user may read is warned about (it may hold a secret).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

conf=$T/relay.conf
cat >"$conf" <<CONF
# a relay for this test
max-rooms 1

rate-ip=0
   quiet
join-failures = 0
CONF
chmod 600 "$conf"

relay_start --config "$conf"
as alice join one </dev/null 2>/dev/null
rc=0; as alice join two </dev/null 2>"$T/two.err" || rc=$?
check_eq 1 "$rc" "a second room with max-rooms 1 from the file"
check_contains "$(cat "$T/two.err")" "limit" "a second room with max-rooms 1 from the file"
check_eq 0 "$(grep -c ' /v1/' "$T/relay.log" || true)" "request lines with quiet from the file"
check_eq 0 "$(grep -c 'readable by every user' "$T/relay.log" || true)" "a warning for a 0600 file"
relay_stop

# the command line overrides the file
relay_start --config "$conf" --max-rooms 2
as alice join two </dev/null 2>/dev/null
check_contains "$(as alice rooms)" "two" "a second room with --max-rooms 2 over the file's 1"
relay_stop

# a file every user may read: a warning, and the relay runs
chmod 644 "$conf"
relay_start --config "$conf"
check_contains "$(cat "$T/relay.log")" "$conf is readable by every user" "the warning"
relay_stop
chmod 600 "$conf"

bad() { # WHAT EXPECTED-PART FILE-TEXT: the relay refuses the file
	local rc=0
	printf '%s\n' "$3" >"$T/bad.conf"
	chmod 600 "$T/bad.conf"
	timeout 20 "$E2E_RELAY" --port 0 --db :memory: --config "$T/bad.conf" >/dev/null \
		2>"$T/bad.err" || rc=$?
	check_eq 2 "$rc" "exit code for $1"
	check_eq 1 "$(grep -c . "$T/bad.err")" "lines on stderr for $1"
	check_contains "$(cat "$T/bad.err")" "$2" "message for $1"
}
bad "an unknown name" "$T/bad.conf:2: unknown option 'prot'" $'quiet\nprot 8000'
bad "a missing value" "$T/bad.conf:1: max-rooms needs a value (N)" 'max-rooms'
bad "a value to a flag" "$T/bad.conf:1: quiet takes no value" 'quiet yes'
bad "a name twice" "$T/bad.conf:3: rate-ip given twice (first on line 1)" \
	$'rate-ip 1\n# again\nrate-ip=2'
bad "a bad value" "$T/bad.conf:2: --max-rooms wants 1..1000000000: lots" $'\nmax-rooms lots'
bad "a bad address" "$T/bad.conf:1: --bind wants an IPv4 or IPv6 address" 'bind example.org'
bad "config in the file" "$T/bad.conf:1: config cannot be given in a file" "config $T/bad.conf"
bad "dashes" "$T/bad.conf:1: unknown option '--quiet'" '--quiet'
bad "half a TLS pair" "--tls-cert and --tls-key go together" 'tls-cert /dev/null'

rc=0
"$E2E_RELAY" --config "$T/none.conf" 2>"$T/none.err" || rc=$?
check_eq 2 "$rc" "exit code for a missing file"
check_contains "$(cat "$T/none.err")" "cannot read --config $T/none.conf" "a missing file"
rc=0
"$E2E_RELAY" --config "$T" 2>"$T/dir.err" || rc=$?
check_eq 2 "$rc" "exit code for a directory"
checks_done relay_config
