#!/bin/bash
# The SHA-256 and size recorded for each top-level source (and in custody)
# are those of the file as sha256sum sees it, whichever way ingest read it:
# hashed while read in order (mbox, tar.gz, tar.xz) or hashed on its own
# after libarchive seeked in it (zip, 7z).  A second ingest of the same
# files skips them all; the same name with other bytes is read again.
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
C=$T/c.case
wb init "$C" > /dev/null
expect_rc "ingest" 0 wb ingest "$C" "$S"/mail/*
for f in "$S"/mail/*; do
	want="$(sha256sum "$f" | cut -c1-64) $(stat -c %s "$f")"
	got=$(sqlite3 "$C" "SELECT sha256 || ' ' || size FROM sources WHERE parent_id IS NULL AND name = '$f'")
	expect_eq "source hash and size: $(basename "$f")" "$want" "$got"
	expect_eq "custody names that hash: $(basename "$f")" "1" \
		"$(sqlite3 "$C" "SELECT count(*) FROM custody WHERE detail LIKE 'path=$f sha256=$(sha256sum "$f" | cut -c1-64) %'")"
done
expect_rc "ingest again" 0 wb ingest "$C" "$S"/mail/*
expect_match "every file skipped" "sources: +0 ingested, $(ls "$S"/mail | wc -l) already complete" "$(cat "$T/.out")"
# Same name, same size, other bytes: not the complete source, read again.
f=$T/one.mbox
printf 'From a@b.test Mon Sep  1 10:00:00 2008\nFrom: a@b.test\nSubject: one\n\nbody A\n' > "$f"
expect_rc "ingest an mbox" 0 wb ingest "$C" "$f"
printf 'From a@b.test Mon Sep  1 10:00:00 2008\nFrom: a@b.test\nSubject: one\n\nbody B\n' > "$f"
expect_rc "ingest it again with one byte changed" 0 wb ingest "$C" "$f"
expect_match "read again, not skipped" "sources: +1 ingested, 0 already complete" "$(cat "$T/.out")"
expect_eq "both versions recorded with their hashes" \
	"$(printf 'From a@b.test Mon Sep  1 10:00:00 2008\nFrom: a@b.test\nSubject: one\n\nbody A\n' | sha256sum | cut -c1-64)
$(sha256sum "$f" | cut -c1-64)" \
	"$(sqlite3 "$C" "SELECT sha256 FROM sources WHERE parent_id IS NULL AND name = '$f' ORDER BY id")"
expect_rc "and once more" 0 wb ingest "$C" "$f"
expect_match "now skipped" "sources: +0 ingested, 1 already complete" "$(cat "$T/.out")"
t_done
