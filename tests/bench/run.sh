#!/bin/sh
# Run every benchmark tests/bench/bench-*.sh (make bench).
cd "$(dirname "$0")/../.." || exit 1
rc=0
for b in tests/bench/bench-*.sh; do
	[ -f "$b" ] || continue
	sh "$b" || rc=1
done
exit $rc
