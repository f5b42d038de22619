#!/usr/bin/env bash
# The relay is blind: after a conversation with a known password and a
# known plaintext marker, neither is in the relay's database files or its
# log, nor is any session key, room subkey or token in clear.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/client.sh"

MARKER="PLAINTEXT-MARKER-$$-$RANDOM"
export E2E_CHAT_PASSWORD="pw-marker-$$-$RANDOM-secret"

relay_start
as alice join secrets </dev/null 2>/dev/null
as bob join secrets --no-wait </dev/null 2>/dev/null || true
as alice admit secrets >/dev/null
as alice send secrets "$MARKER from alice"
as bob send secrets "$MARKER from bob"
eventually 60 reads alice secrets "$MARKER from bob" || fail "the conversation did not happen"
relay_stop   # the WAL is checkpointed; look at every file the relay wrote

needles=("$MARKER" "$E2E_CHAT_PASSWORD")
# Secrets from the clients' room files (base64): epoch key, subkeys, token
# (the relay keeps only a hash of the token). grep -a reads the raw bytes.
for who in alice bob; do
	file=$(find "$T/$who/rooms" -name 'secrets.json')
	[ -f "$file" ] || fail "no room file for $who"
	for field in key access_seed admission token; do
		value=$(grep -o "\"$field\":\"[^\"]*\"" "$file" | head -1 | cut -d'"' -f4)
		[ -n "$value" ] || fail "no $field in $who's room file"
		needles+=("$value")
	done
done

for needle in "${needles[@]}"; do
	for f in "$RELAY_DB"* "$T/relay.log"; do
		[ -f "$f" ] || continue
		if grep -qaF -- "$needle" "$f"; then
			fail "$(basename "$f") contains a secret or plaintext (${needle:0:12}...)"
		fi
	done
done
echo "blindness: ok (${#needles[@]} secrets checked)"
