#!/usr/bin/env bash
# Protocol v2, a password change while a joiner is pending (issue 12,
# item 4), on an honest relay: erin asked to join with the old password;
# alice then changes it. erin is not admitted on the old password, and
# nobody is told of an attack that is not one: no SECURITY: line for
# alice (erin's record carries the old password's MAC) nor for erin (the
# newest state carries the new password's MAC); erin is told plainly that
# the password changed.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
as alice join shed --approve </dev/null 2>/dev/null
as erin join shed --no-wait </dev/null 2>/dev/null || true
printf 'the-new-password-1\n' >"$T/newpw"
run_as alice change password shed --password-file "$T/newpw"
status_is 0 change
run_as alice admit admit shed erin
not_shown admit "admitted erin"
not_warned admit
run_as erin wait join shed --no-wait
not_warned wait
grep -qi "password.*changed\|changed.*password" "$T/wait.err" && pass ||
	miss "erin was not told the password changed: $(cat "$T/wait.err")"
relay_serves
hostile_done v2_pwpending
