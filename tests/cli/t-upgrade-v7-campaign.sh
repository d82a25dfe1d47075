#!/bin/sh
# A case of schema version 7 (tests/cli/data/v7.case.xz, see its README) is
# refused by reading commands with the command that upgrades it, and
# upgraded by 'upgrade' to version 8, which adds the index messages_campaign
# (fingerprint, campaign) that the campaigns pass reads instead of the rows,
# and sources_run, by which ingest finds what it reports of its own run.
# No row changes: every row of every table, read by Python, is the same
# before and after, and so is the case digest.  SQLite's integrity_check
# compares the index with its table entry by entry, and the campaigns pass
# reads it: a small source ingested into the upgraded case gets the
# campaigns a new case gets.  A case the new build makes from the same mail
# reads the same.  A SIGKILL during the upgrade leaves the version 7 file
# byte for byte once SQLite has rolled its journal back, or the upgrade
# complete.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
. "$WB_ROOT/tests/cli/upgrade-kill.sh"
upgrade_refused 7 messages

cat > read.py <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
what = sys.argv[2]
if what == "version":
    print(db.execute("PRAGMA user_version").fetchone()[0])
elif what in ("rows", "sum"):
    # Every row of every table but custody (the upgrade adds its own two),
    # each table in the order of all its columns; "sum": their SHA-256.
    out = hashlib.sha256()
    for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite_%' AND name != 'custody' ORDER BY name"):
        n = len(db.execute('SELECT * FROM "%s" LIMIT 0' % t).description)
        for r in db.execute('SELECT * FROM "%s" ORDER BY %s' % (t, ", ".join(str(i + 1) for i in range(n)))):
            line = t + " " + "|".join("NULL" if x is None else repr(x) for x in r)
            if what == "rows":
                print(line)
            else:
                out.update(line.encode() + b"\n")
    if what == "sum":
        print(out.hexdigest())
elif what == "custody":
    print(db.execute("SELECT count(*) FROM custody").fetchone()[0])
elif what == "index":
    print(" ".join(str(db.execute("SELECT group_concat(name) FROM (SELECT name FROM pragma_index_info(?)"
                                  " ORDER BY seqno)", (i,)).fetchone()[0])
                   for i in ("messages_campaign", "sources_run")))
elif what == "campaigns":
    for r in db.execute("SELECT m.sha256, m.campaign FROM messages m ORDER BY m.id"):
        print("|".join(str(x) for x in r))
PY
python3 read.py old.case rows > rows.want
expect_eq "the kept case has 137 copies" "137" "$(grep -c '^messages ' rows.want)"
expect_eq "and neither index" "None None" "$(python3 read.py old.case index)"

expect_rc "upgrade" 0 wb upgrade v7.case
expect_eq "upgrade says what it did" "Upgraded 'v7.case' from schema version 7 to $UPGRADED_TO" "$(cat "$T/.out")"
expect_eq "schema version $UPGRADED_TO" "$UPGRADED_TO" "$(python3 read.py v7.case version)"
expect_eq "the indexes: on fingerprint then campaign; on run" "fingerprint,campaign run" \
	"$(python3 read.py v7.case index)"
python3 read.py v7.case rows > rows.got
expect_file "every row of every table as it was (custody aside)" rows.want rows.got
expect_eq "custody: two rows more, the upgrade's" "2" \
	"$(($(python3 read.py v7.case custody) - $(python3 read.py old.case custody)))"
expect_eq "integrity_check (the index entry by entry against the rows)" "ok" \
	"$(sqlite3 v7.case "PRAGMA integrity_check")"

# The case digest, by the SQL reports/README.md gives.
run=$(sqlite3 old.case "SELECT max(id) + 1 FROM custody")
readme_digest_sql > digest.sql
expect_eq "the digest's SQL is found" "yes" "$([ -s digest.sql ] && echo yes)"
expect_eq "the case digest is unchanged" \
	"$(sqlite3 -readonly old.case ".parameter set :run $run" ".read digest.sql" | sha256sum)" \
	"$(sqlite3 -readonly v7.case ".parameter set :run $run" ".read digest.sql" | sha256sum)"

# The same mail ingested by this build reads the same; then a small source
# ingested into each gives each copy the same campaign in both.
upgrade_new_case 7
upgrade_same_output v7.case "messages @" "show @ 5" "damages @ --format json" "artifacts @ --kind phone"
python3 "$WB_ROOT/tests/gen/many.py" more.mbox 20 500000
wb ingest new.case more.mbox > /dev/null 2>&1 || t_fail "ingest into the new case" ""
wb ingest v7.case more.mbox > /dev/null 2>&1 || t_fail "ingest into the upgraded case" ""
python3 read.py new.case campaigns > camp.want
python3 read.py v7.case campaigns > camp.got
expect_eq "157 copies with a campaign each" "157" "$(grep -c '|[0-9]' camp.got)"
expect_file "then the same campaigns in both" camp.want camp.got

# A kill during the upgrade.  The kept case upgrades in milliseconds, so
# Python gives it 50,000 more copies (rows of the kept ones with other
# SHA-256s) to make the index build long enough to be killed; under
# WB_SAMPLE=N, 50,000 / N, at least 10,000 (upgrade_rows).  The file may
# grow by the index: an entry is at most 32 bytes (a record of three
# integers of up to 8 bytes, its header, size and cell pointer), plus
# four pages for the levels above the leaves.
rows=$(upgrade_rows 50000 10000)
ROWS=$rows python3 - <<'PY'
import hashlib, os, sqlite3
db = sqlite3.connect("old.case")
cols = [r[1] for r in db.execute("PRAGMA table_info(messages)") if r[1] not in ("id", "sha256", "ident")]
rows = db.execute("SELECT %s FROM messages ORDER BY id" % ", ".join(cols)).fetchall()
def more():
    for i in range(int(os.environ["ROWS"])):
        h = hashlib.sha256(b"more %d" % i).hexdigest()
        yield (h, h) + rows[i % len(rows)]
db.executemany("INSERT INTO messages (sha256, ident, %s) VALUES (%s)" % (", ".join(cols), ", ".join("?" * (len(cols) + 2))),
               more())
db.commit()
PY
upgrade_kills 7 sum copies $(((rows + 137) * 32 + 4 * 16384))
t_done
