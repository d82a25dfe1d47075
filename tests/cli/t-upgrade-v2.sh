#!/bin/sh
# A case of schema version 2 (tests/cli/data/v2.case.xz, see its README) is
# refused by reading commands with the command that upgrades it, and
# upgraded by 'upgrade' to version 3, where artifacts is a view over
# artifact_values (each distinct value once) and message_artifacts, and on
# to version 4 (body texts and hop names stored once: t-upgrade-v3.sh), the
# copies' texts and hops read as before, and on to version 7 (a copy's
# artifacts in one row, each named by its position in the copy).  What
# readers get is worked out by Python from the version 2 file: every
# artifacts row with its copy, its position there (the order of the ids),
# kind, raw text, value and location; the counts 'artifacts' prints; the
# artifact rows that message_parties names; each copy's text; every hop.
# A SIGKILL during the upgrade leaves the version 2 file byte for byte once
# SQLite has rolled its journal back.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
. "$WB_ROOT/tests/cli/upgrade-kill.sh"
upgrade_refused 2 artifacts

cat > read.py <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
what = sys.argv[2]
cols = [r[1] for r in db.execute("PRAGMA table_info(artifacts)")]
def positioned():
    # (message, position, kind, raw, value, location, id): before version
    # 7 the position is the rank of the row's id among its copy's.
    if "idx" in cols:
        return [r + (None,) for r in db.execute("SELECT message, idx, kind, raw, value, location"
                                                " FROM artifacts ORDER BY message, idx")]
    out, pos = [], {}
    for i, m, k, raw, v, loc in db.execute("SELECT id, message, kind, raw, value, location"
                                           " FROM artifacts ORDER BY message, id"):
        out.append((m, pos.get(m, 0), k, raw, v, loc, i))
        pos[m] = pos.get(m, 0) + 1
    return out
if what == "rows":
    for r in positioned():
        print("|".join(str(x) for x in r[:6]))
elif what == "counts":
    # 'artifacts --format csv': kind, value, copies, distinct senders
    # (lower case From), by kind, most copies first, then value.
    copies, senders, sender = {}, {}, {}
    for mid, frm in db.execute("SELECT id, from_addr FROM messages"):
        sender[mid] = frm.lower() if frm is not None else None
    for mid, kind, value in db.execute("SELECT message, kind, value FROM artifacts"):
        copies.setdefault((kind, value), set()).add(mid)
        if sender[mid] is not None:
            senders.setdefault((kind, value), set()).add(sender[mid])
    keys = sorted(copies, key=lambda k: (k[0].encode(), -len(copies[k]), k[1].encode()))
    print("kind,value,copies,senders")
    for k in keys:
        v = k[1]
        if any(c in v for c in ',"\n'):
            v = '"' + v.replace('"', '""') + '"'
        print("%s,%s,%d,%d" % (k[0], v, len(copies[k]), len(senders.get(k, ()))))
elif what == "named":
    # The artifact row behind each attribution that names one.
    rows = positioned()
    art = {((r[0], r[1]) if "idx" in cols else r[6]): r for r in rows}
    out = []
    for m, party, role, a in db.execute("SELECT message, party, role, artifact FROM message_parties"
                                        " WHERE artifact IS NOT NULL"):
        r = art[(m, a) if "idx" in cols else a]
        assert r[0] == m
        out.append((m, party, role, r[2], r[4], r[5], r[1]))
    for r in sorted(out):
        print("|".join(str(x) for x in r))
elif what == "raw":
    for sha, b in db.execute("SELECT sha256, bytes FROM raw ORDER BY id"):
        print(sha, hashlib.sha256(b).hexdigest() == sha)
elif what == "bodies":
    # Each copy's displayed text: messages.body_text before version 4,
    # body_texts through messages.body since.
    cols = [r[1] for r in db.execute("PRAGMA table_info(messages)")]
    q = ("SELECT id, body_text FROM messages ORDER BY id" if "body_text" in cols else
         "SELECT m.id, b.text FROM messages m LEFT JOIN body_texts b ON b.id = m.body ORDER BY m.id")
    for i, t in db.execute(q):
        print(i, "NULL" if t is None else hashlib.sha256(t.encode()).hexdigest())
elif what == "hops":
    for r in db.execute("SELECT * FROM hops ORDER BY message, idx"):
        print("|".join(str(x) for x in r))
elif what == "version":
    print(db.execute("PRAGMA user_version").fetchone()[0])
PY
python3 read.py old.case rows > rows.want
python3 read.py old.case counts > counts.want
python3 read.py old.case named > named.want
python3 read.py old.case raw > raw.want
python3 read.py old.case bodies > bodies.want
python3 read.py old.case hops > hops.want
expect_eq "the kept case has artifacts" "1711" "$(wc -l < rows.want | tr -d ' ')"

expect_rc "upgrade" 0 wb upgrade v2.case
expect_eq "upgrade says what it did" "Upgraded 'v2.case' from schema version 2 to $UPGRADED_TO" "$(cat "$T/.out")"
expect_eq "no verify hint: version 2 read copies as version 3 does" "" "$(cat "$T/.err")"
expect_eq "schema version $UPGRADED_TO" "$UPGRADED_TO" "$(python3 read.py v2.case version)"
expect_eq "custody: the upgrade is logged" "begin|upgrade|schema version 2 -> $UPGRADED_TO;end|upgrade|schema version 2 -> $UPGRADED_TO" \
	"$(wb sql v2.case "SELECT group_concat(action || '|' || command || '|' || detail, ';') FROM custody
		WHERE command = 'upgrade'" --format csv | tail -n 1)"
python3 read.py v2.case rows > rows.got
expect_file "every artifacts row, its position in its copy and all" rows.want rows.got
expect_eq "each distinct value stored once" \
	"$(cut -d'|' -f3,5 rows.want | sort -u | wc -l | tr -d ' ')" \
	"$(wb sql v2.case "SELECT count(*) FROM artifact_values" --format csv | tail -n 1)"
wb artifacts v2.case --format csv > counts.got
expect_file "'artifacts' counts as before" counts.want counts.got
python3 read.py v2.case named > named.got
expect_file "message_parties names the same artifact rows" named.want named.got
python3 read.py v2.case raw > raw.got
python3 read.py v2.case bodies > bodies.got
expect_file "version 4: every copy's body text" bodies.want bodies.got
python3 read.py v2.case hops > hops.got
expect_file "version 4: every hop" hops.want hops.got
expect_file "no stored byte changed" raw.want raw.got
expect_eq "integrity_check" "ok" "$(sqlite3 v2.case "PRAGMA integrity_check")"
expect_eq "foreign_key_check" "" "$(sqlite3 v2.case "PRAGMA foreign_key_check")"

# Rows added through the view land in the two tables, one value row for a
# value seen before; deleting through the view deletes the row.
sqlite3 v2.case "INSERT INTO artifacts (message, kind, raw, value, location)
	SELECT message, kind, 'X' || raw, value, 'test' FROM artifacts WHERE message = 1 AND idx = 0" ||
	t_fail "insert through the view" ""
expect_eq "insert through the view: no new value" \
	"$(cut -d'|' -f3,5 rows.want | sort -u | wc -l | tr -d ' ')" \
	"$(sqlite3 v2.case "SELECT count(*) FROM artifact_values")"
expect_eq "insert through the view: read back, after the copy's others" \
	"$(sed -n 1p rows.want | cut -d'|' -f1)|$(grep -c '^1|' rows.want)|$(sed -n 1p rows.want | cut -d'|' -f3,5)|X$(sed -n 1p rows.want | cut -d'|' -f4)" \
	"$(sqlite3 v2.case "SELECT message, idx, kind, value, raw FROM artifacts WHERE location = 'test'")"
sqlite3 v2.case "DELETE FROM artifacts WHERE location = 'test'"
python3 read.py v2.case rows > rows.got
expect_file "delete through the view" rows.want rows.got

# A kill during the upgrade.  The kept case upgrades in milliseconds, so
# Python gives a copy 200,000 more artifact rows (the same rows again, ids
# after the kept ones) to make the upgrade last long enough to be killed;
# under WB_SAMPLE=N, 200,000 / N, at least 50,000 (upgrade_rows).
ROWS=$(upgrade_rows 200000 50000) python3 - <<'PY'
import os, sqlite3
db = sqlite3.connect("old.case")
rows = db.execute("SELECT message, kind, raw, value, location FROM artifacts ORDER BY id").fetchall()
db.executemany("INSERT INTO artifacts (message, kind, raw, value, location) VALUES (?, ?, ?, ?, ?)",
               (rows[i % len(rows)] for i in range(int(os.environ["ROWS"]))))
db.commit()
PY
upgrade_kills 2 rows rows
t_done
