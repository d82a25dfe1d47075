#!/bin/sh
# make fuzz FUZZ_SECONDS=N: run every libFuzzer harness (build-fuzz/fuzz-*)
# for N seconds each, seeded from tests/fuzz/seeds/NAME/ and the generated
# fixtures; new crashes land in build-fuzz/crashes/NAME/.
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SECONDS:-60}
status=0
for h in build-fuzz/fuzz-*; do
	[ -x "$h" ] || continue
	name=$(basename "$h")
	corpus=build-fuzz/corpus/$name
	mkdir -p "$corpus" "build-fuzz/crashes/$name"
	seeds=tests/fuzz/seeds/$name
	[ -d "$seeds" ] || seeds=
	echo "== $name: $secs s"
	"$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
		-artifact_prefix="build-fuzz/crashes/$name/" -print_final_stats=1 \
		"$corpus" $seeds 2>&1 | grep -E 'stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done' || true
	if ls "build-fuzz/crashes/$name"/* >/dev/null 2>&1; then
		echo "$name: crashes in build-fuzz/crashes/$name/"
		status=1
	fi
done
exit $status
