#!/bin/sh
# Run every layer of tests: unit (Criterion), command line, exhibits.
# Ends with one line "N passed, N failed[, N skipped]".
# Environment: WB (the binary), WB_BUILD (build folder), TESTS (a glob of
# test scripts to run instead of all, e.g. TESTS='tests/cli/t-ingest*').
cd "$(dirname "$0")/.." || exit 1
WB_ROOT=$(pwd)
WB_BUILD=${WB_BUILD:-build}
WB=${WB:-$WB_ROOT/build/workbench}
WB_RESULTS=$(mktemp)
export WB WB_BUILD WB_ROOT WB_RESULTS
export WB_NO_PROGRESS=1 TZ=UTC LC_ALL=C.UTF-8

if [ -z "${TESTS:-}" ]; then
	for t in "$WB_BUILD"/tests/test-*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		out=$("$t" --jobs 2 2>&1)
		line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -n 1)
		passed=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
		tested=$(printf '%s' "$line" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
		if [ -z "$tested" ]; then
			printf '%s\n' "$out" | tail -n 20
			echo "unit/$name: did not finish"
			echo "0 1 0" >> "$WB_RESULTS"
			continue
		fi
		failed=$((tested - passed))
		if [ "$failed" -ne 0 ]; then
			printf '%s\n' "$out" | grep -v '^\[----\]' | grep -E 'FAIL|CRASH|Assertion|\[----\]|error' | head -n 40
		fi
		printf 'unit/%-32s %d/%d\n' "$name" "$passed" "$tested"
		echo "$passed $failed 0" >> "$WB_RESULTS"
	done
fi

for t in ${TESTS:-tests/cli/t-*.sh tests/exhibits/t-*.sh}; do
	[ -f "$t" ] || continue
	before=$(wc -l < "$WB_RESULTS")
	sh "$t"
	rc=$?
	after=$(wc -l < "$WB_RESULTS")
	if [ "$after" -eq "$before" ]; then
		# The script died before it could count: one failure.
		echo "$t: exited $rc before finishing"
		echo "0 1 0" >> "$WB_RESULTS"
	fi
done

awk '{ p += $1; f += $2; s += $3 }
     END { if (s) printf "%d passed, %d failed, %d skipped\n", p, f, s;
           else printf "%d passed, %d failed\n", p, f; exit (f > 0) }' "$WB_RESULTS"
rc=$?
rm -f "$WB_RESULTS"
exit $rc
