#!/usr/bin/env bash
# Protocol v2, password change (issue 12, item 4): an admin sets a new
# room password (new salt, limits and access key, signed). The old one
# stops working for new joins at once; members already in the room are
# not affected; another admin, who never typed the new password, admits
# a newcomer who used it (its admission key comes inside the signed state,
# sealed under the epoch key); the relay refuses a change by a non-admin.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
room3 vault
as alice admin vault bob >/dev/null
printf 'the-new-password-1\n' >"$T/newpw"
run_as alice change password vault --password-file "$T/newpw"
status_is 0 change
shown change "the password of vault changed"

# The old password no longer lets anyone in.
E2E_CHAT_PASSWORD=$PASSWORD run_as erin old join vault --no-wait
status_is 4 old
# Members are not affected.
as carol send vault "carol after the change"
eventually 60 grep -q "carol after the change" <(as bob read vault 2>/dev/null) && pass ||
	miss "bob does not read carol after the password change"
# The new password works; bob (an admin who never typed it) admits.
E2E_CHAT_PASSWORD=the-new-password-1 run_as erin new join vault --no-wait
status_is 3 new
run_as bob admit admit vault
shown admit "admitted erin"
not_warned admit
E2E_CHAT_PASSWORD=the-new-password-1 run_as erin in send vault "erin is in"
status_is 0 in
# The relay serves the signed parameters, which members check.
run_as carol params read vault
not_warned params

# A member who is not an admin cannot change it.
run_as carol nope password vault --password-file "$T/newpw"
status_is 2 nope
relay_serves
hostile_done v2_password
