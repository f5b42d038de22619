#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - runs each libFuzzer harness for SECONDS
# (default 30) with a fixed seed on a copy of its checked-in corpus, in a
# clang build of its own (build-fuzz-clang, or $FUZZ_BUILD_DIR) with
# AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero if any
# harness crashed; each crash input is left in the work directory printed
# at the end: copy it into tests/fuzz/corpus/NAME/ as a regression test.
# Without clang it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/../.."

secs=${1:-30}
harnesses=(wire relay routes client tui)
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: skipped (clang is not installed; scripts/install-deps installs it)"
	exit 0
fi

dir=${FUZZ_BUILD_DIR:-build-fuzz-clang}
if [ ! -f "$dir/build.ninja" ]; then
	# fuzzer-no-link everywhere: coverage feedback from the code under test
	CC=clang meson setup "$dir" --buildtype=debugoptimized -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
meson compile -C "$dir" "${harnesses[@]/#/fuzz_}" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/e2e-fuzz.XXXXXX")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
rc=0
for h in "${harnesses[@]}"; do
	mkdir -p "$work/$h"
	cp tests/fuzz/corpus/"$h"/* "$work/$h/"
	status=0
	"$dir/tests/fuzz/fuzz_$h" -seed=1 -max_total_time="$secs" -timeout=10 -max_len=16384 \
		-print_final_stats=1 -artifact_prefix="$work/$h-" "$work/$h" \
		>"$work/$h.log" 2>&1 || status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h.log" | tail -n 1)
	if [ "$status" -eq 0 ]; then
		echo "fuzz: fuzz_$h: ok, ${execs:-?} runs in ${secs} s (seed 1)"
	else
		rc=1
		echo "fuzz: fuzz_$h: CRASH (exit $status) after ${execs:-?} runs; log $work/$h.log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_[a-z]+: )' "$work/$h.log" |
			head -n 5 | sed 's/^/fuzz:   /'
		for f in "$work/$h-"*; do
			[ -e "$f" ] && echo "fuzz:   input: $f"
		done
	fi
done
if [ "$rc" -eq 0 ]; then
	rm -rf "$work"
else
	echo "fuzz: crash inputs and logs kept in $work"
fi
exit "$rc"
