#!/bin/sh
# make fuzz FUZZ_SECONDS=N: run every libFuzzer harness (build-fuzz/fuzz-*)
# for N seconds each, seeded from build-fuzz/seeds/NAME/ (tests/fuzz/seeds.sh: the generated
# fixtures and SpamAssassin messages) and tests/fuzz/regress/NAME/ (inputs that
# once failed); new crashes land in build-fuzz/crashes/NAME/.
# FUZZ_ONLY='walker mbox' runs only those harnesses.
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SECONDS:-60}
status=0
for h in build-fuzz/fuzz-*; do
	[ -x "$h" ] || continue
	name=$(basename "$h")
	if [ -n "${FUZZ_ONLY:-}" ]; then
		case " $FUZZ_ONLY " in *" ${name#fuzz-} "*) ;; *) continue ;; esac
	fi
	corpus=build-fuzz/corpus/$name
	mkdir -p "$corpus" "build-fuzz/crashes/$name"
	seeds=build-fuzz/seeds/$name
	[ -d "$seeds" ] || seeds=
	# Inputs that once crashed or leaked (each also a unit test): replayed first.
	[ -d "tests/fuzz/regress/$name" ] && seeds="$seeds tests/fuzz/regress/$name"
	echo "== $name: $secs s"
	"$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
		-artifact_prefix="build-fuzz/crashes/$name/" -print_final_stats=1 \
		"$corpus" $seeds 2>&1 | tee "build-fuzz/$name.log" | grep -E 'stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done' || true
	if ls "build-fuzz/crashes/$name"/* >/dev/null 2>&1; then
		echo "$name: crashes in build-fuzz/crashes/$name/"
		status=1
	fi
done
exit $status
