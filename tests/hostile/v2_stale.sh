#!/usr/bin/env bash
# Protocol v2, stale views (issue 12, item 6). carol reaches the relay
# through a proxy of her own, which withholds every room state newer than
# the one she holds. Each message carries (authenticated) the state its
# sender held, so:
# - carol, reading bob's message sent under a newer state, is told the
#   relay withholds the room state from her;
# - bob and alice (an admin), reading what carol sends under the epoch
#   before a removal, once they have held the removal's state long enough
#   for it to have reached her, are told she is shown an old state.
set -euo pipefail
. "$(dirname "$0")/hostile.sh"

hostile_start
RULES2=$T/rules2
: >"$RULES2"
: >"$T/proxy2.log"
"$E2E_PROXY" "http://127.0.0.1:$RELAY_PORT" "$RULES2" 2>>"$T/proxy2.log" &
PROXY2_PID=$!
line=$(started_line "$T/proxy2.log" 'proxy: listening on ' "$PROXY2_PID" $((SECONDS + 60)))
[ -n "$line" ] || fail "the second proxy did not start: $(cat "$T/proxy2.log")"
PROXY2_URL=${line#proxy: listening on }
carol() {
	local tag=$1
	shift
	RC=0
	E2E_CHAT_PASSWORD=$PASSWORD timeout 90 "$E2E_CLIENT" --relay "$PROXY2_URL" --home "$T/carol" \
		--name carol "$@" >"$T/$tag.out" 2>"$T/$tag.err" </dev/null || RC=$?
}

as alice join watch --history shared </dev/null 2>/dev/null
as bob join watch --no-wait </dev/null 2>/dev/null || true
as alice admit watch >/dev/null 2>&1
carol c0 join watch --no-wait
as alice admit watch >/dev/null 2>&1
carol c1 read watch
status_is 0 c1
withheld=$(q "SELECT max(revision) FROM states")

# From now on carol is shown no newer state.
printf '%s\n' 'GET /v1/rooms/watch/states body {"states":[]}' >"$RULES2"
as erin join watch --no-wait </dev/null 2>/dev/null || true
as alice admit watch >/dev/null 2>&1        # a new revision, the same epoch (shared)
[ "$(q "SELECT max(revision) FROM states")" -gt "$withheld" ] || fail "no new revision"
as bob send watch "bob under the newer state"
carol c2 read watch
shown c2 "bob under the newer state"
warned c2 "newer than any the relay serves you"

# alice removes erin: a new epoch carol never hears of. bob and alice
# have held that state for ten minutes (their stores say so) when carol
# sends under the old epoch.
as alice kick watch erin >/dev/null
as bob read watch >/dev/null 2>&1
for who in alice bob; do
	sqlite3 "$(find "$T/$who" -name store.db)" \
		"UPDATE states SET accepted_ms = accepted_ms - 600000" || fail "editing $who's store"
done
carol c3 send watch "carol on the old state"
status_is 0 c3
run_as bob stale read watch
shown stale "carol on the old state"
warned stale "carol is being shown an old room state"
run_as alice admin_sees read watch
warned admin_sees "carol is being shown an old room state"
# ... and not about bob, whose view is current.
grep -q "bob is being shown an old" "$T/admin_sees.err" && miss "bob reported stale" || pass

kill -TERM "$PROXY2_PID"
wait "$PROXY2_PID" || true
relay_serves
hostile_done v2_stale
