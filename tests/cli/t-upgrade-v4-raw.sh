#!/bin/sh
# A case of schema version 4 (tests/cli/data/v4.case.xz, see its README)
# upgraded to version 5, where raw gains codec: every stored row stays as
# it was, byte for byte, 'none'; the case goes on storing new mail as it
# did (case_info raw_codec 'none'), and its digest is unchanged.  What the
# rows hold is read by Python from the version 4 file.  A SIGKILL during
# the upgrade leaves the version 4 file byte for byte once SQLite has
# rolled its journal back, or the upgrade complete.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
. "$WB_ROOT/tests/cli/upgrade-kill.sh"
upgrade_refused 4 messages

cat > read.py <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
what = sys.argv[2]
if what == "raw":
    # Every stored row: its columns of version 4, and its blob by hash and length.
    for i, sha, size, b in db.execute("SELECT id, sha256, size, bytes FROM raw ORDER BY id"):
        print(i, sha, size, hashlib.sha256(b).hexdigest(), len(b))
elif what == "version":
    print(db.execute("PRAGMA user_version").fetchone()[0])
PY
python3 read.py old.case raw > raw.want
expect_eq "(the kept case has its 137 copies' bytes)" "137" "$(wc -l < raw.want)"

expect_rc "upgrade" 0 wb upgrade v4.case
expect_eq "upgrade says what it did" "Upgraded 'v4.case' from schema version 4 to $UPGRADED_TO" "$(cat "$T/.out")"
expect_eq "schema version $UPGRADED_TO" "$UPGRADED_TO" "$(python3 read.py v4.case version)"
python3 read.py v4.case raw > raw.got
expect_file "every stored row as it was, byte for byte" raw.want raw.got
expect_eq "every old row is 'none'" "none|137" "$(sqlite3 v4.case "SELECT codec, count(*) FROM raw GROUP BY codec")"
expect_eq "the case goes on storing the bytes as they are" "none" \
	"$(sqlite3 v4.case "SELECT value FROM case_info WHERE key = 'raw_codec'")"
expect_rc "verify the upgraded case" 0 wb verify v4.case
expect_eq "every stored message matches" "OK: 137 stored messages match their SHA-256" "$(head -n 1 "$T/.out")"

# The digest: version 4's SQL (raw by the length of its bytes) on the old
# file, the README's on the upgraded one.
run=$(sqlite3 old.case "SELECT max(id) + 1 FROM custody")
readme_digest_sql > digest.sql
sed -e "s/quote(CASE codec WHEN 'none' THEN length(bytes) ELSE size END)/quote(length(bytes))/" \
	-e 's/quote(coalesce((SELECT a.first_id FROM message_artifacts a WHERE a.message = message_parties.message) + artifact, artifact))/quote(artifact)/' \
	digest.sql > digest4.sql
expect_eq "the digest's SQL is the README's" "yes" "$([ -s digest.sql ] && ! cmp -s digest.sql digest4.sql && echo yes)"
expect_eq "the case digest is unchanged" \
	"$(sqlite3 -readonly old.case ".parameter set :run $run" ".read digest4.sql" | sha256sum)" \
	"$(sqlite3 -readonly v4.case ".parameter set :run $run" ".read digest.sql" | sha256sum)"

# New mail into the upgraded case: stored as the case says, as it is, with
# Python's hashes; the same mail into a new case is stored as frames.
python3 - <<'PY'
import email.message, hashlib
with open("new.want", "w") as w:
    for i in range(3):
        m = email.message.EmailMessage()
        m["From"] = "new%d@example.test" % i
        m["To"] = "jane@trapmail.test"
        m["Subject"] = "After the upgrade %d" % i
        m["Message-ID"] = "<new%d@example.test>" % i
        m.set_content(("The same line of text again and again, copy %d.\n" % i) * 60)
        b = m.as_bytes()
        open("new%d.eml" % i, "wb").write(b)
        print(hashlib.sha256(b).hexdigest(), len(b), file=w)
PY
sort new.want > new.sorted
expect_rc "ingest new mail into the upgraded case" 0 wb ingest v4.case new0.eml new1.eml new2.eml
expect_eq "stored as they are, with Python's hashes" "$(sed 's/^/none /' new.sorted)" \
	"$(sqlite3 -separator ' ' v4.case "SELECT codec, sha256, size FROM raw WHERE id > 137 AND length(bytes) = size
		ORDER BY sha256")"
python3 read.py v4.case raw | head -n 137 > raw.after
expect_file "the old rows still as they were" raw.want raw.after
wb init fresh.case > /dev/null
wb ingest fresh.case new0.eml new1.eml new2.eml > /dev/null 2>&1
expect_eq "a new case stores the same mail as frames" "$(sed 's/^/zstd /' new.sorted)" \
	"$(sqlite3 -separator ' ' fresh.case "SELECT codec, sha256, size FROM raw ORDER BY sha256")"

# A kill during the upgrade, in a case with 20,000 more stored rows (by
# Python): adding a column rewrites no row, and the old rows must come
# back byte for byte whichever of the upgrade's writes the kill stops.
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("old.case")
db.executemany("INSERT INTO raw (sha256, size, bytes) VALUES (?, ?, ?)",
               (("%064x" % (10**12 + i), 1000, bytes([i % 251]) * 1000) for i in range(20000)))
db.commit()
PY
upgrade_kills 4 raw "raw rows"
# Each kill left a journal, and the checks above found the version 4 file
# byte for byte after SQLite rolled it back.
expect_eq "the six kills inside the upgrade's transaction each left a journal" "6" "$upgrade_hot"
t_done
