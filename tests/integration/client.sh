# Sourced after tests/lib.sh: run real e2e-chat processes as named users.
# Each user has its own profile directory under $T; the relay is $RELAY_URL.

# Room password used by the tests unless a test says otherwise.
PASSWORD='correct horse battery staple'

# as USER ARGS...: run e2e-chat as USER (profile $T/USER, name USER).
as() {
	local user=$1
	shift
	E2E_CHAT_PASSWORD=${E2E_CHAT_PASSWORD-$PASSWORD} \
		"$E2E_CLIENT" --relay "$RELAY_URL" --home "$T/$user" --name "$user" "$@"
}

# as_bg USER ROOM [ARGS...]: a running `join` fed from a FIFO ($T/USER.in),
# output in $T/USER.out and $T/USER.err; its pid in the variable USER_pid.
# The writers of the FIFOs opened so far: each new background client
# closes them, or it would hold another's input open past its hang_up.
AS_BG_FDS=()
as_bg() {
	local user=$1 room=$2
	shift 2
	mkfifo "$T/$user.in"
	(
		for f in ${AS_BG_FDS[@]+"${AS_BG_FDS[@]}"}; do eval "exec $f>&-"; done
		# `as`, not the binary: tests may redefine it (tests/hostile does).
		# The subshell lives exactly as long as the client.
		as "$user" join "$room" --interval 100 "$@" <"$T/$user.in" >"$T/$user.out" \
			2>"$T/$user.err"
	) &
	eval "${user}_pid=$!"
	# Hold the FIFO open for writing so the client does not see end of input.
	exec {fd}>"$T/$user.in"
	eval "${user}_fd=$fd"
	AS_BG_FDS+=("$fd")
}

# say USER TEXT: type a line into USER's background join.
say() {
	local fd_var="${1}_fd"
	printf '%s\n' "$2" >&"${!fd_var}"
}

# hang_up USER: end USER's input; the join exits; assert it exited 0.
hang_up() {
	local fd_var="${1}_fd" pid_var="${1}_pid" rc=0
	eval "exec ${!fd_var}>&-"
	wait "${!pid_var}" || rc=$?
	[ "$rc" = 0 ] || fail "$1's join exited $rc: $(cat "$T/$1.err")"
}

# as_tty USER ROOM [TAG]: USER's `join` on a pseudo-terminal (script(1)),
# typed into through the FIFO $T/TAG.in, everything it prints in
# $T/TAG.out; its pid in TAG_pid, the FIFO's writer in TAG_fd (TAG: USER
# unless given, for two chats of one profile). The line mode (--plain):
# the full-screen chat has its own test (tui.sh). Through the hostile proxy
# when one runs ($PROXY_URL).
as_tty() {
	local user=$1 room=$2 tag=${3:-$1} cmd
	mkfifo "$T/$tag.in"
	printf -v cmd '%q ' env "E2E_CHAT_PASSWORD=$PASSWORD" "$E2E_CLIENT" --relay "${PROXY_URL:-$RELAY_URL}" \
		--home "$T/$user" --name "$user" join "$room" --interval 100 --plain
	(
		for f in ${AS_BG_FDS[@]+"${AS_BG_FDS[@]}"}; do eval "exec $f>&-"; done
		exec script -qfec "$cmd" /dev/null <"$T/$tag.in" >"$T/$tag.out" 2>&1
	) &
	eval "${tag}_pid=$!"
	exec {fd}>"$T/$tag.in"
	eval "${tag}_fd=$fd"
	AS_BG_FDS+=("$fd")
}

shows() { # TAG TEXT: the terminal of as_tty TAG has shown TEXT
	grep -qF -- "$2" "$T/$1.out"
}

# reads USER ROOM TEXT: USER's `read` of ROOM shows a message with TEXT
# (read whole, then searched: grep -q on a pipe could end the read early
# and make a message found look missing).
reads() {
	as "$1" read "$2" >"$T/reads.out" 2>/dev/null || return 1
	grep -qF -- "$3" "$T/reads.out"
}

# room_of_two ROOM: alice creates ROOM, bob joins and alice admits him.
room_of_two() {
	as alice join "$1" </dev/null 2>/dev/null || fail "alice could not create $1"
	as bob join "$1" --no-wait </dev/null 2>/dev/null || true
	as alice admit "$1" >/dev/null 2>&1 || fail "alice could not admit bob to $1"
}
