# bench/peers/nchan.sh - sourced by the benchmark scripts (after
# bench/lib.sh): nginx with the nchan module (bench/peers/nchan.conf.in),
# started unprivileged-style on a free port with its prefix, temp
# directories and pid file in a directory of the run; no system service
# and nothing outside that directory is touched.
#
#   nchan_start DIR   makes DIR, writes DIR/nginx.conf and starts nginx
#                     in the foreground (daemon off, errors in
#                     DIR/error.log); sets nchan_port and nchan_pid (the
#                     master). Tries up to 20 random ports in
#                     20000..59999 until one is free. Fails (showing the
#                     log) if nginx never answers on /status.
#   nchan_pids        the master's and its workers' pids, one a line
#   nchan_rss         their resident memory together, in KiB: the
#                     whole server, as the relay's RSS is
#   nchan_cpu_ticks   their CPU time together (user + system), in ticks
#   nchan_waiting     the subscribers nchan counts (waiting readers)
#
# When bench/lib.sh was run as root, nginx's workers run as nobody (nginx
# drops them there), so DIR is made readable and its temp directories
# writable for them.

nchan_conf_in=$PWD/bench/peers/nchan.conf.in

nchan_start() {
	local dir=$1 try port i
	mkdir -p "$dir"
	chmod 0755 "$dir"
	for try in $(seq 1 20); do
		port=$((20000 + RANDOM % 40000))
		sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" "$nchan_conf_in" >"$dir/nginx.conf"
		nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >/dev/null 2>>"$dir/error.log" &
		nchan_pid=$!
		pids+=("$nchan_pid")
		for i in $(seq 1 100); do
			if curl -sf "http://127.0.0.1:$port/status" >/dev/null 2>&1; then
				nchan_port=$port
				return 0
			fi
			kill -0 "$nchan_pid" 2>/dev/null || break # it gave up: port taken?
			sleep 0.1
		done
		kill "$nchan_pid" 2>/dev/null || true
		wait "$nchan_pid" 2>/dev/null || true
		grep -q 'Address already in use' "$dir/error.log" || break
	done
	cat "$dir/error.log" >&2
	return 1
}

nchan_pids() { # the master and its children (the kernel's own list)
	echo "$nchan_pid"
	tr ' ' '\n' <"/proc/$nchan_pid/task/$nchan_pid/children" 2>/dev/null | grep . || true
}

nchan_rss() {
	local p sum=0 v
	for p in $(nchan_pids); do
		v=$(awk '/VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

nchan_cpu_ticks() {
	local p sum=0 v
	for p in $(nchan_pids); do
		v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

nchan_waiting() {
	curl -s "http://127.0.0.1:$nchan_port/status" | awk '/^subscribers:/ { print $2 }'
}
