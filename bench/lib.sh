# bench/lib.sh - sourced by the benchmark scripts (from the top of the
# checkout).
#
#   nolimit_args RELAY  prints the options that turn RELAY's abuse limits
#                       off: the load is the point of a benchmark, and all
#                       of it comes from one address. A build of the relay
#                       older than an option is given nothing for it.
#   relay_port LOG      waits up to 10 s for the relay's "listening on"
#                       line in LOG and prints its port; fails (showing
#                       LOG) if it never comes.
#
# Sourcing it puts the benchmarks on the tests' PATH: the programs of
# tests/commands.txt and nothing else (tests/tools/commands.sh), so that
# one that scripts/install-deps does not bring is named at once.

bench_path=${BUILD:-build-bench}/bench-path
tests/tools/commands.sh path "$bench_path" || exit 1
PATH=$PWD/$bench_path

nolimit_args() {
	local help
	help=$("$1" --help 2>/dev/null || true)
	if [[ $help == *--rate-member* ]]; then
		printf '%s ' --rate-ip 0 --rate-member 0
	fi
	if [[ $help == *--max-conns-per-ip* ]]; then
		printf '%s ' --max-conns-per-ip 0
	fi
}

relay_port() {
	local port= i
	for i in $(seq 1 100); do
		port=$(sed -n 's/.*listening on https\{0,1\}:\/\/.*:\([0-9][0-9]*\) (db .*/\1/p' \
			"$1" 2>/dev/null) # the log may not exist yet
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { cat "$1" >&2; return 1; }
	echo "$port"
}
