#!/usr/bin/env bash
# The client on its store (issue 11), against a real relay on a free port
# (release build), all in one run:
#  - read --tail 20 with 5 messages kept, then with 100,000 (filled by
#    bench-store-fill): medians of ROUNDS runs and their ratio (target:
#    under 50 ms at 100,000);
#  - a read --follow --json bot's delay behind a bare long-poll on the
#    same room (bench/client_latency.py; target: within 5 ms);
#  - an idle chat on a terminal: CPU time and relay requests over IDLE
#    seconds (target: about 0 %, one long-poll open).
#   bench/client.sh [BUILD_DIR] [ROUNDS] [IDLE]   (build-bench, 7, 30)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-bench} rounds=${2:-7} idle=${3:-30}
# built first: the compilers are not on the benchmarks' PATH (bench/lib.sh)
[ -f "$dir/build.ninja" ] || meson setup "$dir" --buildtype=release >/dev/null
ninja -C "$dir" bench >/dev/null
BUILD=$dir . bench/lib.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/e2e-bench-client.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
"$dir/relay/relay" --port 0 --quiet --db "$work/relay.db" $(nolimit_args "$dir/relay/relay") \
	--join-failures 0 2>"$work/relay.log" &
pids+=($!)
url=http://127.0.0.1:$(relay_port "$work/relay.log")
export E2E_CHAT_PASSWORD="correct horse battery staple"
chat() { "$dir/client/e2e-chat" --relay "$url" --home "$work/$1" --name "$1" "${@:2}"; }
chat alice join den </dev/null 2>/dev/null
chat bob join den --no-wait </dev/null 2>/dev/null || true
chat alice admit den >/dev/null
for i in 1 2 3 4 5; do chat alice send den "message $i"; done
chat bob read den >/dev/null
echo "machine: $(nproc) cores, $(uname -m); relay, clients and bench on the same cores"

ms() { # run the command, print its wall time in ms
	local t0
	t0=$(date +%s%N)
	"$@" >/dev/null
	echo $((($(date +%s%N) - t0) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
tail_ms() { for _ in $(seq "$rounds"); do ms chat bob read den --tail 20; done | median; }
small=$(tail_ms)
"$dir/bench/bench-store-fill" "$work/bob" "$url" den 100000
large=$(tail_ms)
echo "read --tail 20, median of $rounds: 5 kept: $small ms; 100,000 kept: $large ms" \
	"(ratio $(echo "scale=2; $large / ($small + 0.001)" | bc); target < 50 ms)"

token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$(find "$work/bob/rooms" -name den.json)")

python3 bench/client_latency.py "$dir/client/e2e-chat" "$url" "$work/alice" "$work/bob" den \
	"$token" "$rounds"

# an idle chat on a terminal, after it has started
mkfifo "$work/in"
script -qfec "$dir/client/e2e-chat --relay $url --home $work/bob join den" /dev/null \
	<"$work/in" >"$work/chat.out" 2>&1 &
pids+=($!)
exec {in}>"$work/in"
for _ in $(seq 100); do grep -q 'You are in' "$work/chat.out" && break; sleep 0.1; done
sleep 2
pid=
for p in /proc/[0-9]*; do
	{ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q "^$dir/client/e2e-chat .* join den" &&
		pid=${p#/proc/} && break
done
[ -n "$pid" ] || { echo "the chat did not start: $(cat "$work/chat.out")" >&2; exit 1; }
requests() {
	curl -s "$url/metrics" | awk '/^e2e_http_requests_total/ && /route="\/v1\// { n += $2 } END { print n + 0 }'
}
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
r0=$(requests) c0=$(ticks)
sleep "$idle"
r1=$(requests) c1=$(ticks)
hz=$(getconf CLK_TCK)
echo "idle chat over $idle s: CPU $(echo "scale=3; 100 * ($c1 - $c0) / $hz / $idle" | bc) %," \
	"$((r1 - r0)) relay requests (one long-poll each ${idle}s at most 30 s apart, and its step)"
exec {in}>&-
