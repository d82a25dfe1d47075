#!/bin/sh
# The writer's instructions per copy (callgrind's Ir) when a case is not
# new: ingest with analysis of INSTR_N (default 3,000) messages of
# bench-ingest's mbox, those after its first INSTR_BASE (default 25,000),
# into a copy of a case that already holds those first INSTR_BASE.  A new
# case (instructions.sh) meets mostly values it has never stored; a large
# one meets mostly values it has, as an analyst's case does.  The prepared
# case is made once with the binary WB_PREP (default WB) and kept in
# INSTR_DIR (default build/bench/instr-big) for the next runs; compare two
# builds with WB=... on the same prepared case.  Keeps the writer's
# callgrind file as INSTR_DIR/writer.NAME (NAME: INSTR_NAME, default
# "last") for callgrind_annotate.  Not run by 'make bench' (minutes under
# valgrind).
root=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$root/build/workbench}
out=${BENCH_DIR:-$root/build/bench}
N=${INSTR_N:-3000}
B=${INSTR_BASE:-25000}
dir=${INSTR_DIR:-$out/instr-big}
command -v valgrind > /dev/null 2>&1 || { echo "instructions-big: skipped (no valgrind)"; exit 0; }
[ -f "$out/bench.mbox" ] || { echo "instructions-big: skipped (no $out/bench.mbox: run bench-ingest.sh)"; exit 0; }
export WB_NO_PROGRESS=1
mkdir -p "$dir" || exit 1
if [ ! -f "$dir/base-$B.case" ]; then
	awk -v n="$B" '/^From / && ++k > n { exit } { print }' "$out/bench.mbox" > "$dir/base.mbox"
	rm -f "$dir/tmp.case"
	"${WB_PREP:-$WB}" init "$dir/tmp.case" > /dev/null && "${WB_PREP:-$WB}" ingest "$dir/tmp.case" "$dir/base.mbox" > /dev/null \
		|| { echo "instructions-big: cannot prepare the case"; exit 1; }
	mv "$dir/tmp.case" "$dir/base-$B.case" && rm -f "$dir/base.mbox"
fi
if [ ! -f "$dir/slice-$B-$N.mbox" ]; then
	awk -v b="$B" -v n="$N" '/^From / { ++k } k > b + n { exit } k > b { print }' "$out/bench.mbox" > "$dir/slice-$B-$N.mbox"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$dir/base-$B.case" "$tmp/c.case" || exit 1
valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$tmp/cg.%p" \
	"$WB" ingest "$tmp/c.case" "$dir/slice-$B-$N.mbox" > /dev/null 2> "$tmp/err" || { echo "instructions-big: ingest failed"; cat "$tmp/err"; exit 1; }
for f in "$tmp"/cg.*-*; do
	grep -q '^c\?fn=.* wb_ingest_writer_main$' "$f" || continue
	ir=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$f" | head -1)
	cp "$f" "$dir/writer.${INSTR_NAME:-last}"
	awk -v ir="$ir" -v n="$N" -v b="$B" 'BEGIN { printf "instructions-big: ingest of %d into a case of %d: writer %.0f k/copy\n", n, b, ir / n / 1000 }'
done
