#!/bin/sh
# CPU per copy of ingest under glibc's malloc and under each other
# allocator found (jemalloc, tcmalloc, mimalloc; LD_PRELOAD), alone and with
# analysis, over the first BENCH_ALLOC_N (default 25,000) messages of
# bench-ingest's mbox.  Runs alternate allocators, BENCH_ALLOC_RUNS times
# each (default 3), and the line gives the least and the median user+sys:
# on a shared machine the least is the figure least moved by the others'
# load.  An allocator is worth linking only when it saves clearly more than
# the spread between runs.  Skipped without /usr/bin/time, the mbox or an
# allocator other than glibc's.
root=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$root/build/workbench}
out=${BENCH_DIR:-$root/build/bench}
N=${BENCH_ALLOC_N:-25000}
RUNS=${BENCH_ALLOC_RUNS:-3}
[ -x /usr/bin/time ] || { echo "bench-alloc: skipped (no /usr/bin/time)"; exit 0; }
[ -f "$out/bench.mbox" ] || { echo "bench-alloc: skipped (no $out/bench.mbox: run bench-ingest.sh)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$N" '/^From / && ++k > n { exit } { print }' "$out/bench.mbox" > "$tmp/m.mbox"
n=$(grep -c '^From ' "$tmp/m.mbox")
export WB_NO_PROGRESS=1
allocs=glibc
for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 \
	/usr/lib/x86_64-linux-gnu/libmimalloc.so.2; do
	[ -f "$lib" ] && allocs="$allocs $lib"
done
[ "$allocs" = glibc ] && { echo "bench-alloc: skipped (no other allocator installed: libjemalloc2, libtcmalloc-minimal4, libmimalloc2.0)"; exit 0; }
for r in $(seq "$RUNS"); do
	for mode in alone analysis; do
		args=
		[ $mode = alone ] && args=--no-analysis
		for a in $allocs; do
			rm -f "$tmp/c.case"
			"$WB" init "$tmp/c.case" > /dev/null || exit 1
			pre=
			[ "$a" = glibc ] || pre=$a
			LD_PRELOAD=$pre /usr/bin/time -f '%U %S' -o "$tmp/t" "$WB" ingest "$tmp/c.case" $args "$tmp/m.mbox" \
				> /dev/null 2>&1 || { echo "bench-alloc: $a $mode: ingest failed"; exit 1; }
			awk -v a="$(basename "$a")" -v m=$mode -v n="$n" '{ printf "%s %s %.1f\n", a, m, ($1 + $2) * 1e6 / n }' \
				"$tmp/t" >> "$tmp/all"
		done
	done
done
sort -k1,1 -k2,2 -k3,3n "$tmp/all" | awk '
	{ k = $1 " " $2; v[k, ++c[k]] = $3; if (!(k in seen)) { seen[k] = 1; keys[++nk] = k } }
	END { for (i = 1; i <= nk; i++) { k = keys[i]
		printf "bench-alloc: %-28s %6.1f us/copy least, %6.1f median (%d runs)\n",
			k, v[k, 1], v[k, int((c[k] + 1) / 2)], c[k] } }'
