#!/bin/sh
# The floor under ingest's throughput (tests/tools/bench-floor.c): SHA-256
# and GMime alone, then with parser warnings, decoded HTML parts and
# libxml2's HTML parser, on the bench mbox that bench-ingest.sh builds, two
# threads, nothing stored.  Ingest does all of this and more, so its
# messages/s cannot pass the figure of the level its work includes.
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/bench
tool=${WB_BUILD:-$root/build}/tools/bench-floor
if [ ! -f "$out/bench.mbox" ]; then
	echo "bench-floor: no $out/bench.mbox (bench-ingest.sh builds it), skipped"
	exit 0
fi
[ -x "$tool" ] || { echo "bench-floor: $tool not built (make tools)"; exit 1; }
"$tool" "$out/bench.mbox" 2
