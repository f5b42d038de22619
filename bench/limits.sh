# bench/limits.sh - sourced by the benchmark scripts. nolimit_args RELAY
# prints the options that turn RELAY's abuse limits off: the load is the
# point of a benchmark, and all of it comes from one address. A build of
# the relay older than an option is given nothing for it.
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
