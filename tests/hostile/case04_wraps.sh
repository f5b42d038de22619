#!/usr/bin/env bash
# Case 4: two members' wrapped keys swapped (SQLite), or a wrap altered
# on its way (proxy): refused with a SECURITY line, no crash, no key
# taken; the honest wraps still work afterwards.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
as alice join yard </dev/null 2>/dev/null
for who in bob carol; do
	as "$who" join yard --no-wait </dev/null 2>/dev/null || true
done
as alice admit yard >/dev/null 2>&1 # one state, one new epoch, both wrapped
epoch=$(q "SELECT max(epoch) FROM wraps")
as alice send yard "alice to the newcomers"

# swap_wraps: bob's and carol's wraps of $epoch trade places (run twice:
# back where they were).
swap_wraps() {
	sql "CREATE TEMP TABLE w AS SELECT member, nonce, box, sig FROM wraps WHERE epoch = $epoch;
	     UPDATE wraps SET (nonce, box, sig) = (SELECT nonce, box, sig FROM w
	       WHERE w.member = CASE wraps.member WHEN 'bob' THEN 'carol' ELSE 'bob' END)
	     WHERE epoch = $epoch AND member IN ('bob', 'carol');"
}
swap_wraps
for who in bob carol; do
	run_as "$who" "$who.swapped" read yard
	status_is 3 "$who.swapped" # not admitted: no key for the epoch
	warned "$who.swapped" "the key wrap for epoch $epoch is not from an admin or was altered"
	not_shown "$who.swapped" "alice to the newcomers"
done
swap_wraps
for who in bob carol; do
	run_as "$who" "$who.honest" read yard
	status_is 0 "$who.honest"
	shown "$who.honest" "alice: alice to the newcomers"
done

# A new epoch; on its way to bob, the wrap's box (then its nonce) is
# replaced, its signature stripped, or its epoch relabelled.
as alice rotate yard >/dev/null
epoch=$(q "SELECT max(epoch) FROM wraps")
as alice send yard "alice in the new epoch"
zeros48=$(head -c 48 /dev/zero | base64 -w0)
zeros24=$(head -c 24 /dev/zero | base64 -w0)
n=0
for rule in "set-field box \"$zeros48\"" "set-field nonce \"$zeros24\""; do
	n=$((n + 1))
	rules "GET /v1/rooms/yard/wraps $rule"
	run_as bob "bob.alt$n" read yard
	status_is 3 "bob.alt$n"
	warned "bob.alt$n" "the key wrap for epoch $epoch is not from an admin or was altered"
	not_shown "bob.alt$n" "alice in the new epoch"
done
rules "GET /v1/rooms/yard/wraps drop-field sig"
run_as bob bob.nosig read yard
status_is 3 bob.nosig
warned bob.nosig "malformed key wrap ignored"
rules "GET /v1/rooms/yard/wraps set-field epoch 999"
run_as bob bob.epoch read yard
status_is 3 bob.epoch
warned bob.epoch "not from an admin or was altered"

honest
run_as bob bob.after read yard
status_is 0 bob.after
shown bob.after "alice: alice in the new epoch"
not_warned bob.after
relay_serves
hostile_done case04_wraps
