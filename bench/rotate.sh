#!/usr/bin/env bash
# The cost of a rotation for the creator: rooms of 10, 100 and 1,000
# members against a real relay on a free port (release build).
#   bench/rotate.sh [BUILD_DIR]   (default build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-bench}
# built first: the compilers are not on the benchmarks' PATH (bench/lib.sh)
[ -f "$dir/build.ninja" ] || meson setup "$dir" --buildtype=release >/dev/null
ninja -C "$dir" bench >/dev/null
BUILD=$dir . bench/lib.sh
work=$(mktemp -d)
trap 'kill "$relay" 2>/dev/null; wait 2>/dev/null; rm -rf "$work" /tmp/bench-rotate.*' EXIT
"$dir/relay/relay" --port 0 --quiet --db "$work/relay.db" --rate-ip 0 --rate-member 0 \
	--join-failures 0 2>"$work/relay.log" &
relay=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/relay.log" && break; sleep 0.1; done
port=$(sed -n 's/.*listening on http:\/\/.*:\([0-9]*\) (db.*/\1/p' "$work/relay.log")
echo "machine: $(nproc) cores, $(uname -m); relay and bench on the same cores"
"$dir/bench/bench-rotate" "http://127.0.0.1:$port"
