#!/usr/bin/env bash
# Issue 17: every verb refuses an option it does not take, with one line
# on stderr and the usage exit code (2), before it touches the relay or
# the profile; the options it does take still work. The two cases the
# issue names come first: `members ROOM --accept --after 3` was accepted,
# and `read ROOM --rotate-seconds 5` rewrote the creator's schedule.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../integration/client.sh"

relay_start
as alice join den --rotate-seconds 3600 </dev/null 2>/dev/null
as bob join den --no-wait </dev/null 2>/dev/null || true
room_file=$(find "$T/alice/rooms" -name den.json)
schedule() { tr -d ' \n' <"$room_file" | grep -o '"rotate_seconds":[0-9]*'; }
assert_eq '"rotate_seconds":3600' "$(schedule)" "the creator's schedule as created"

refused() { # VERB OPTION ARGS...: exit 2, one line naming verb and option
	local verb=$1 opt=$2 rc=0
	shift 2
	as alice "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	check_eq 2 "$rc" "exit code of: $*"
	check_eq 1 "$(grep -c . "$T/err")" "lines on stderr of: $*"
	check_contains "$(cat "$T/err")" "$verb does not take $opt" "message of: $*"
	check_eq "" "$(cat "$T/out")" "standard output of: $*"
}

refused members --accept members den --accept --after 3
refused read --rotate-seconds read den --rotate-seconds 5
assert_eq '"rotate_seconds":3600' "$(schedule)" "the creator's schedule after read --rotate-seconds"
refused read --approve read den --approve
refused send --json send den hello --json
refused rooms --no-wait rooms --no-wait
refused passphrase --accept passphrase --accept
refused kick --history kick den bob --history shared
refused members --follow members den --follow
refused admit --password-file admit den --password-file /dev/null
refused leave --remove leave den --remove
refused rotate --tail rotate den --tail 3
# before the verb, as after it
refused members --after --after 3 members den
# nothing was sent by the refused send
check_eq 0 "$(as alice read den | grep -c hello || true)" "messages after a refused send"

# what the verbs do take
as alice members den --json >"$T/members.json"
check_contains "$(cat "$T/members.json")" '"name":"alice"' "members --json"
check_contains "$(as alice rooms --json)" '"room":"den"' "rooms --json"
as alice admit den --rotate-seconds 7200 >/dev/null 2>&1
check_eq '"rotate_seconds":7200' "$(schedule)" "admit --rotate-seconds (the creator's client)"
as alice send den "one line"
check_contains "$(as alice read den --tail 1 --json)" '"text":"one line"' "read --tail --json"
fp=$(as alice verify den alice --accept)
check_contains "$fp" "alice" "verify --accept"

# per-verb help lists what the verb takes, and only that
as alice join --help >"$T/join.help"
as alice read --help >"$T/read.help"
check_contains "$(cat "$T/join.help")" "--no-wait" "join --help"
check_eq 0 "$(grep -c -- --no-wait "$T/read.help" || true)" "read --help names --no-wait"
check_contains "$(cat "$T/read.help")" "--follow" "read --help"
check_contains "$("$E2E_CLIENT" help members)" "Usage: e2e-chat members ROOM" "help members"

# the usage errors kept
rc=0; as alice read den --tail 0 2>"$T/err" || rc=$?
check_eq 2 "$rc" "read --tail 0"
rc=0; as alice read den --json=1 2>"$T/err" || rc=$?
check_eq 2 "$rc" "a value given to a flag"
check_contains "$(cat "$T/err")" "--json takes no value" "a value given to a flag"
rc=0; as alice read den --tail 2>"$T/err" || rc=$?
check_eq 2 "$rc" "a missing value"
check_contains "$(cat "$T/err")" "--tail needs a value" "a missing value"

relay_stop
checks_done verbs
