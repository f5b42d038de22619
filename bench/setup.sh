#!/usr/bin/env bash
# bench/setup.sh URL DIR [MEMBERS]: on the relay at URL, create room
# "bench" (creator alice) with MEMBERS more members (m0, m1, ...) joined
# and admitted, and room "big"; write into DIR: tokens (one member token
# per line, alice's first), alice.token, msg.json (a 300-byte-ciphertext
# message, counter 1, the template the load uses). Needs FORGE (the
# forge binary, e.g. build-bench/tests/forge).
set -euo pipefail
url=$1 dir=$2 members=${3:-256}
: "${FORGE:?set FORGE to build-bench/tests/forge}"
pw='correct horse battery staple'
mkdir -p "$dir"

post() { # post PATH FILE [TOKEN] -> body on stdout, fails unless 2xx
	local auth=()
	[ -n "${3-}" ] && auth=(-H "Authorization: Bearer $3")
	curl -sf -X POST "${auth[@]}" --data-binary "@$2" "$url$1"
}

for room in bench big; do
	"$FORGE" create "$room" alice "$pw" >"$dir/create.json"
	post /v1/rooms "$dir/create.json" | "$FORGE" get token >"$dir/$room.alice.token"
done
cp "$dir/bench.alice.token" "$dir/alice.token"
cp "$dir/bench.alice.token" "$dir/tokens"
names=()
for ((i = 0; i < members; i++)); do
	nonce=$(curl -sf -X POST "$url/v1/rooms/bench/challenges" | "$FORGE" get nonce)
	"$FORGE" join bench "m$i" "$pw" "$nonce" >"$dir/join.json"
	post /v1/rooms/bench/members "$dir/join.json" | "$FORGE" get token >>"$dir/tokens"
	names+=("m$i")
done
"$FORGE" state bench alice 2 1 "${names[@]}" --password "$pw" >"$dir/state.json"
post /v1/rooms/bench/state "$dir/state.json" "$(cat "$dir/alice.token")" >/dev/null
"$FORGE" msg 1 1 300 >"$dir/msg.json"
echo "setup: room bench with $((members + 1)) admitted members, room big; files in $dir"
