#!/bin/sh
# What message analysis costs per message: GMime parse alone against parse
# plus wb_analyze, one thread, over the SpamAssassin corpus (6,046 messages)
# read REPEAT times (default 3).  Prints messages/s for both and the cost of
# analysis per message; the combined ingest figure is bench-ingest's.
cd "$(dirname "$0")/../.." || exit 1
WB_BUILD=${WB_BUILD:-build}
tgz=$(sh tests/corpus.sh) || { echo "bench-analyze: skipped (no corpus)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 tests/tools/corpus-mbox.py "$tgz" "$tmp/corpus.mbox" || exit 1
echo "bench-analyze: $(wc -c < "$tmp/corpus.mbox") bytes"
"$WB_BUILD/tools/bench-analyze" "$tmp/corpus.mbox" "${REPEAT:-3}" | sed 's/^/bench-analyze: /'
