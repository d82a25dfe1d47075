#!/bin/sh
# Run every benchmark tests/bench/bench-*.sh (make bench).
cd "$(dirname "$0")/../.." || exit 1
rc=0
# bench-ingest first: it builds the corpus that bench-floor measures too.
for b in tests/bench/bench-ingest.sh tests/bench/bench-floor.sh tests/bench/bench-*.sh; do
	[ -f "$b" ] || continue
	case " $ran " in *" $b "*) continue ;; esac
	ran="$ran $b"
	sh "$b" || rc=1
done
exit $rc
