#!/bin/sh
# Instructions per copy (callgrind's Ir, in thousands) of ingest with
# analysis over the first BENCH_INSTR_N (default 1,000) messages of
# bench-ingest's mbox: the whole run, the parse workers
# (wb_ingest_worker_main), wb_analyze and wb_html_to_text, each inclusive.
# Unlike CPU time, the count does not move with the load of a shared
# machine, so a change of a few percent shows in one run of each build:
#   WB=old/workbench sh tests/bench/bench-instructions.sh
#   WB=new/workbench sh tests/bench/bench-instructions.sh
# Needs valgrind; skipped without it or without the mbox.  Slow: valgrind
# runs about 50 times slower than the program.
root=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$root/build/workbench}
out=${BENCH_DIR:-$root/build/bench}
N=${BENCH_INSTR_N:-1000}
command -v valgrind > /dev/null 2>&1 && command -v callgrind_annotate > /dev/null 2>&1 || {
	echo "bench-instructions: skipped (no valgrind)"; exit 0; }
[ -f "$out/bench.mbox" ] || { echo "bench-instructions: skipped (no $out/bench.mbox: run bench-ingest.sh)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$N" '/^From / && ++k > n { exit } { print }' "$out/bench.mbox" > "$tmp/m.mbox"
export WB_NO_PROGRESS=1
"$WB" init "$tmp/c.case" > /dev/null || exit 1
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$WB" ingest "$tmp/c.case" "$tmp/m.mbox" \
	> /dev/null 2> "$tmp/err" || { echo "bench-instructions: valgrind failed"; exit 1; }
callgrind_annotate --inclusive=yes --threshold=100 "$tmp/cg.out" 2> /dev/null | awk -v n="$N" '
	/PROGRAM TOTALS/ { gsub(",", "", $1); all = $1 }
	/:wb_ingest_worker_main \[/ { gsub(",", "", $1); wk = $1 }
	/analyze\.c:wb_analyze \[/ { gsub(",", "", $1); an = $1 }
	/:wb_html_to_text \[/ { gsub(",", "", $1); ht = $1 }
	END { printf "bench-instructions: %.0f kIr/copy: parse workers %.0f, wb_analyze %.0f (HTML %.0f)\n",
		all / n / 1000, wk / n / 1000, an / n / 1000, ht / n / 1000 }'
