#!/bin/sh
# Instructions per copy by thread (callgrind's Ir): the parse workers
# (wb-parse), the writer (wb-write) and the rest, for ingest with analysis
# and reanalyze, over the first INSTR_N (default 2,000) messages of
# bench-ingest's mbox; and, inclusive in the workers, wb_analyze and the
# HTML parse within it (wb_html_to_text).  Not run by 'make bench' (a few minutes under
# valgrind).  Where bench-threads.sh gives CPU time, which on a shared
# machine moves by more than a change of a few per cent, the instruction
# counts are the same run after run whatever the load: compare two builds
# with WB=... (cache misses and the kernel's work are not counted).
root=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$root/build/workbench}
out=${BENCH_DIR:-$root/build/bench}
N=${INSTR_N:-2000}
command -v valgrind > /dev/null 2>&1 && command -v callgrind_annotate > /dev/null 2>&1 || { echo "instructions: skipped (no valgrind)"; exit 0; }
[ -f "$out/bench.mbox" ] || { echo "instructions: skipped (no $out/bench.mbox: run bench-ingest.sh)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$N" '/^From / && ++k > n { exit } { print }' "$out/bench.mbox" > "$tmp/m.mbox"
export WB_NO_PROGRESS=1
"$WB" init "$tmp/c.case" > /dev/null || exit 1
for mode in ingest reanalyze; do
	if [ $mode = ingest ]; then set -- ingest "$tmp/c.case" "$tmp/m.mbox"; else set -- reanalyze "$tmp/c.case"; fi
	valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$tmp/$mode.%p" \
		"$WB" "$@" > /dev/null 2> "$tmp/err" || { echo "instructions: $mode failed"; cat "$tmp/err"; exit 1; }
	# One file per thread; the thread is known by its function.
	for f in "$tmp/$mode".*-*; do
		ir=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$f" | head -1)
		if grep -q '^c\?fn=.* wb_ingest_writer_main$' "$f"; then echo "writer $ir"
		elif grep -q '^c\?fn=.* wb_ingest_worker_main$' "$f"; then echo "workers $ir"
		else echo "rest $ir"; fi
	done > "$tmp/by-thread"
	# wb_analyze and the HTML parse, inclusive, summed over the workers.
	an=0 ht=0
	for f in "$tmp/$mode".*-*; do
		grep -q '^c\?fn=.* wb_ingest_worker_main$' "$f" || continue
		set -- $(callgrind_annotate --inclusive=yes --threshold=100 "$f" 2> /dev/null | awk '
			/:wb_analyze \[/ { gsub(",", "", $1); a = $1 }
			/:wb_html_to_text \[/ { gsub(",", "", $1); h = $1 }
			END { printf "%.0f %.0f\n", a, h }')
		an=$((an + $1)) ht=$((ht + $2))
	done
	awk -v m=$mode -v n="$N" -v an=$an -v ht=$ht '{ c[$1] += $2; t += $2 }
		END { printf "instructions: %-9s %6.0f k/copy: parse workers %5.0f (wb_analyze %4.0f, its HTML %4.0f), writer %5.0f, the rest %4.0f\n",
			m, t / n / 1000, c["workers"] / n / 1000, an / n / 1000, ht / n / 1000, c["writer"] / n / 1000, c["rest"] / n / 1000 }' "$tmp/by-thread"
done
