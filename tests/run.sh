#!/bin/sh
# Run every layer of tests: unit (Criterion), command line, exhibits.
# Ends with one line "N passed, N failed[, N skipped]".
#
# Each unit binary and each test script shows its wall time on its result
# line, and a closing list names the ten slowest.  They run WB_JOBS at a
# time, each with its own temporary folder (TMPDIR), results file and
# output; the output of each is printed whole, units first, then the
# scripts in name order, so a failure reads as in a serial run.
#
# Environment: WB (the binary), WB_BUILD (build folder), TESTS (a glob of
# test scripts to run instead of all, e.g. TESTS='tests/cli/t-ingest*'),
# WB_JOBS (scripts run at once; default: the number of processors; 1 runs
# them one after the other), WB_SAMPLE (passed on: corpus-scale scripts
# take every Nth message; see tests/lib.sh).
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.." || exit 1
WB_ROOT=$(pwd)
WB_BUILD=${WB_BUILD:-build}
WB=${WB:-$WB_ROOT/build/workbench}
export WB_NO_PROGRESS=1 TZ=UTC LC_ALL=C.UTF-8

now_ms () { date +%s%3N; }
# cpu_ms FILE: set $cpu to the CPU time (user + system) of this shell's
# finished children so far, in ms.  'times' must run in this shell, not in
# a command substitution or a pipe, which would be a child of its own.
cpu_ms () {
	times > "$1"
	cpu=$(awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); n += a[1] * 60000 + a[2] * 1000 }
		printf "%d\n", n }' "$1")
}

# secs MS: "12.3s"
secs () { printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# unit BINARY: run one Criterion binary, print its result line (and its
# failures), and append its count to $WB_RESULTS.
unit () {
	name=$(basename "$1")
	start=$(now_ms)
	out=$("$1" --jobs 2 2>&1)
	ms=$(($(now_ms) - start))
	line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -n 1)
	passed=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	tested=$(printf '%s' "$line" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
	if [ -z "$tested" ]; then
		printf '%s\n' "$out" | tail -n 20
		echo "unit/$name: did not finish ($(secs $ms))"
		echo "0 1 0" >> "$WB_RESULTS"
		return
	fi
	failed=$((tested - passed))
	if [ "$failed" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^\[----\]' | grep -E 'FAIL|CRASH|Assertion|\[----\]|error' | head -n 40
	fi
	printf 'unit/%-33s %d/%d  %s\n' "$name" "$passed" "$tested" "$(secs $ms)"
	echo "$passed $failed 0" >> "$WB_RESULTS"
}

# One test, run by xargs below: sh run.sh --one DIR TEST, where TEST is a
# script (*.sh) or a unit binary.  Writes DIR/out (stdout and stderr),
# DIR/results (the test's count), DIR/rc, DIR/ms, then DIR/done last.
if [ "${1:-}" = "--one" ]; then
	d=${2:?} t=${3:?}
	mkdir -p "$d/tmp" || exit 1
	: > "$d/results"
	TMPDIR=$d/tmp WB_RESULTS=$d/results
	export TMPDIR WB_RESULTS
	start=$(now_ms)
	case "$t" in
	*.sh) sh "$t" > "$d/out" 2>&1 < /dev/null ;;
	*) unit "$t" > "$d/out" 2>&1 < /dev/null ;;
	esac
	echo $? > "$d/rc"
	cpu_ms "$d/times"
	echo $(($(now_ms) - start)) "$cpu" > "$d/ms"
	rmdir "$d/tmp" 2> /dev/null
	touch "$d/done"
	exit 0
fi

WB_RUN=$(mktemp -d "${TMPDIR:-/tmp}/wbrun.XXXXXX") || exit 1
WB_RESULTS=$WB_RUN/results
WB_TIMES=$WB_RUN/times
: > "$WB_RESULTS"
: > "$WB_TIMES"
export WB WB_BUILD WB_ROOT WB_RESULTS
xargs_pid=
trap '[ -n "$xargs_pid" ] && kill "$xargs_pid" 2>/dev/null; rm -rf "$WB_RUN"; exit 130' INT TERM

# python3 itself, not a version manager's shim in front of it (pyenv's
# runs three bash scripts before each of the hundreds of python3 calls).
if py=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null) && [ -x "$py" ]; then
	mkdir -p "$WB_RUN/bin" && ln -s "$py" "$WB_RUN/bin/python3" && PATH=$WB_RUN/bin:$PATH
	export PATH
fi
# With PYTHONUNBUFFERED set (some container images set it), Python writes
# each line to its file or pipe with a system call of its own: a quarter
# of the time of a script that prints a 200,000-row case (the upgrade
# tests' read.py, run a hundred times).  No test reads a Python script's
# output while it runs, nor mixes it with another writer's.
unset PYTHONUNBUFFERED

# Unit binaries run in the same pool as the scripts: their results first.
units=
[ -n "${TESTS:-}" ] || units=$(ls "$WB_BUILD"/tests/test-* 2> /dev/null)

# The corpus is found (or fetched) once here, not by each script at once.
if [ -z "${WB_CORPUS_TGZ:-}" ] && WB_CORPUS_TGZ=$(sh tests/corpus.sh 2> /dev/null); then
	export WB_CORPUS_TGZ
fi

jobs=${WB_JOBS:-$(nproc 2> /dev/null || echo 2)}
n=0
for t in $units ${TESTS:-tests/cli/t-*.sh tests/exhibits/t-*.sh}; do
	[ -f "$t" ] || continue
	case "$t" in *.sh) ;; *) [ -x "$t" ] || continue ;; esac
	n=$((n + 1))
	printf '%s/%d %s\n' "$WB_RUN" "$n" "$t"
done > "$WB_RUN/list"
# The longest first, by the wall times of the last run (this build's, else
# the plain build's), so no long script starts last; a script without a
# time counts as long.  The output still comes in the list's order.
last=$WB_BUILD/test-times
[ -s "$last" ] || last=build/test-times
if [ -s "$last" ]; then
	awk 'NR == FNR { ms[$3] = $1; next } { print ($2 in ms ? ms[$2] : 999999999), $0 }' \
		"$last" "$WB_RUN/list" | sort -s -k1,1nr | cut -d' ' -f2- > "$WB_RUN/feed"
fi
# No times yet (a clean clone): the unit binaries and the scripts named in
# tests/slow-first first, then the rest in name order.
if [ ! -s "$WB_RUN/feed" ]; then
	awk 'NR == FNR { if ($0 !~ /^#/) rank[$0] = NR; next }
	     { r = $2 in rank ? rank[$2] : ($2 ~ /\/tests\/test-/ ? 0 : 999999); print r, FNR, $0 }' \
		tests/slow-first "$WB_RUN/list" | sort -k1,1n -k2,2n | cut -d' ' -f3- > "$WB_RUN/feed"
fi
[ -s "$WB_RUN/feed" ] || cp "$WB_RUN/list" "$WB_RUN/feed"
xargs -r -P "$jobs" -L 1 sh "$self" --one < "$WB_RUN/feed" &
xargs_pid=$!

while read -r d t; do
	while [ ! -f "$d/done" ] && kill -0 "$xargs_pid" 2> /dev/null; do
		sleep 0.1
	done
	if [ ! -f "$d/done" ]; then
		echo "$t: did not run"
		echo "0 1 0" >> "$WB_RESULTS"
		continue
	fi
	cat "$d/out"
	read -r ms cpu < "$d/ms"
	echo "$ms $cpu $t" >> "$WB_TIMES"
	if [ -s "$d/results" ]; then
		cat "$d/results" >> "$WB_RESULTS"
	else
		# The script died before it could count: one failure.
		echo "$t: exited $(cat "$d/rc") before finishing ($(secs "$ms"))"
		echo "0 1 0" >> "$WB_RESULTS"
	fi
done < "$WB_RUN/list"
wait "$xargs_pid"
xargs_pid=

# The times, kept for the next run's order (a test not run this time keeps
# its last time).
if [ -d "$WB_BUILD" ]; then
	cp "$WB_TIMES" "$WB_RUN/new-times"
	{ [ -f "$WB_BUILD/test-times" ] && awk 'NR == FNR { seen[$3] = 1; next } !($3 in seen)' \
		"$WB_RUN/new-times" "$WB_BUILD/test-times"; cat "$WB_RUN/new-times"; } > "$WB_BUILD/test-times.tmp" &&
		mv "$WB_BUILD/test-times.tmp" "$WB_BUILD/test-times"
fi
# Wall time depends on what else runs; CPU time (of every process the test
# started) says what the test itself costs.
echo "slowest (wall, cpu):"
sort -rn "$WB_TIMES" | head -n 10 | while read -r ms cpu name; do
	printf '  %8s %8s  %s\n' "$(secs "$ms")" "$(secs "$cpu")" "$name"
done
awk '{ w += $1; c += $2 } END { printf "  %d tests, wall %d s in all, cpu %d s\n", NR, w / 1000, c / 1000 }' "$WB_TIMES"
awk '{ p += $1; f += $2; s += $3 }
     END { if (s) printf "%d passed, %d failed, %d skipped\n", p, f, s;
           else printf "%d passed, %d failed\n", p, f; exit (f > 0) }' "$WB_RESULTS"
rc=$?
if [ -n "${KEEP:-}" ]; then echo "kept: $WB_RUN"; else rm -rf "$WB_RUN"; fi
exit $rc
