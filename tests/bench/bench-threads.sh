#!/bin/sh
# CPU per copy by thread, from perf's samples (cpu-clock at 1 kHz): the
# parse workers (wb-parse), the writer (wb-write) and the walker with what
# runs after it on the main thread (campaigns, rule findings), for ingest
# alone, ingest with analysis and reanalyze, over the first BENCH_THREADS_N
# (default 25,000) messages of bench-ingest's mbox.  CPU, not wall time:
# the machine is shared, and the thread whose time moved says where a
# change went.  Needs perf; skipped without it or without the mbox.
root=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$root/build/workbench}
out=${BENCH_DIR:-$root/build/bench}
N=${BENCH_THREADS_N:-25000}
command -v perf > /dev/null 2>&1 || { echo "bench-threads: skipped (no perf)"; exit 0; }
[ -f "$out/bench.mbox" ] || { echo "bench-threads: skipped (no $out/bench.mbox: run bench-ingest.sh)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The first N messages: the mbox's From_ lines start them.
awk -v n="$N" '/^From / && ++k > n { exit } { print }' "$out/bench.mbox" > "$tmp/m.mbox"
export WB_NO_PROGRESS=1
# run MODE COMMAND...: one run under perf; prints its line.
run() {
	mode=$1
	shift
	perf record -q -F 1000 -e cpu-clock -o "$tmp/perf.data" "$@" > /dev/null 2>&1 || {
		echo "bench-threads: $mode: perf record failed"; return; }
	perf report -i "$tmp/perf.data" --sort comm -n --stdio 2> /dev/null | awk -v m="$mode" -v n="$N" '
		/^ +[0-9]/ { c[$3] = $2; t += $2 }
		END { printf "bench-threads: %-9s %6.0f us/copy: parse workers %4.0f, writer %4.0f, walker and the rest %4.0f\n",
			m, t * 1000 / n, c["wb-parse"] * 1000 / n, c["wb-write"] * 1000 / n,
			(t - c["wb-parse"] - c["wb-write"]) * 1000 / n }'
}
for mode in alone analysis; do
	rm -f "$tmp/c.case"
	"$WB" init "$tmp/c.case" > /dev/null || exit 1
	args=
	[ $mode = alone ] && args=--no-analysis
	run "$mode" "$WB" ingest "$tmp/c.case" $args "$tmp/m.mbox"
done
run reanalyze "$WB" reanalyze "$tmp/c.case"
