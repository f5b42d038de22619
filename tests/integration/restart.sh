#!/usr/bin/env bash
# What the relay acknowledged survives a clean restart and a kill -9, and
# clients carry on afterwards.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

relay_start
as alice join harbor </dev/null 2>/dev/null
as bob join harbor --no-wait </dev/null 2>/dev/null || true
as alice admit harbor >/dev/null
as alice send harbor "before restart"

# A membership belongs to the relay's URL: restart on the same port.
port=$RELAY_PORT
relay_stop                    # SIGTERM: must exit 0
relay_start --port "$port"    # same database, same address
as bob read harbor >"$T/after-term"
assert_contains "$(cat "$T/after-term")" "alice: before restart"

# Acknowledged posts, then kill -9 at once: all of them are there.
for i in $(seq 1 20); do as bob send harbor "burst $i"; done
relay_kill9
relay_start --port "$port"
as alice read harbor >"$T/after-kill"
for i in $(seq 1 20); do
	grep -qF "bob: burst $i" "$T/after-kill" || fail "burst $i lost by kill -9"
done
assert_eq 20 "$(grep -c 'burst' "$T/after-kill")" "no message twice"

# Room, members and keys survived too: new messages flow both ways.
as alice send harbor "after the crash"
eventually 60 reads bob harbor "after the crash" || fail "bob cannot read after restart"
as bob send harbor "bob still here"
eventually 60 reads alice harbor "bob still here" || fail "alice cannot read after restart"

relay_stop
echo "restart: ok"
