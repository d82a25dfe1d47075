#!/bin/sh
# A case of schema version 6 (tests/cli/data/v6.case.xz, see its README) is
# refused by reading commands with the command that upgrades it, and
# upgraded by 'upgrade' to version 7, where a copy's artifacts are one row
# of message_artifacts (items, a JSON array of [value, raw, location] in
# the order found), the view artifacts numbering them by position in the
# copy (idx), and message_parties.artifact naming that position.  What
# readers get is worked out by Python from the version 6 tables: every
# artifact (copy, kind, raw, value, location, its place among its copy's
# rows by id) and the artifact of every attribution that names one; the
# version 7 JSON is read with Python's json, and artifact_copies (each
# value's copies) checked against it.  The case digest is unchanged.
# Writes through the view work.  A case the new build makes from the same
# mail gives the same output for the reading commands as the upgraded
# one.  A SIGKILL during the upgrade leaves the version 6 file byte for
# byte once SQLite has rolled its journal back, or the upgrade complete.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
. "$WB_ROOT/tests/cli/upgrade-kill.sh"
upgrade_refused 6 artifacts

cat > read.py <<'PY'
import json, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
what = sys.argv[2]
version = db.execute("PRAGMA user_version").fetchone()[0]
def show(rows):
    for r in rows:
        print("|".join("NULL" if x is None else str(x) for x in r))
def artifacts():
    """{(message, position): (kind, raw, value, location)}, and for
    version 6 {id: (message, position)}."""
    out, ids = {}, {}
    if version == 6:
        # The tables, not the view: raw NULL where it is the value.
        pos = {}
        for i, m, k, v, raw, loc in db.execute(
                "SELECT a.id, a.message, v.kind, v.value, a.raw, a.location FROM message_artifacts a"
                " JOIN artifact_values v ON v.id = a.value ORDER BY a.message, a.id"):
            p = pos.get(m, 0)
            pos[m] = p + 1
            out[(m, p)] = (k, v if raw is None else raw, v, loc)
            ids[i] = (m, p)
    else:
        for r in db.execute("SELECT message, idx, kind, raw, value, location FROM artifacts"):
            out[(r[0], r[1])] = r[2:]
    return out, ids
if what == "rows":
    a, _ = artifacts()
    show(k + a[k] for k in sorted(a))
elif what == "named":
    # Each attribution naming an artifact, with that artifact.
    a, ids = artifacts()
    rows = []
    for m, party, role, kind, value, loc, art in db.execute(
            "SELECT message, party, role, kind, value, location, artifact FROM message_parties"
            " WHERE artifact IS NOT NULL"):
        key = ids[art] if version == 6 else (m, art)
        assert key[0] == m, (m, art)
        rows.append((m, party, role, kind, value, loc, key[1]) + a[key])
    show(sorted(rows))
elif what == "json":
    # Version 7's items read by Python's json: each element [value id,
    # raw or null, location], raw null only where it is the value; and
    # artifact_copies, each copy's distinct values, no more, no less.
    values = dict((i, (k, v)) for i, k, v in db.execute("SELECT id, kind, value FROM artifact_values"))
    want, bad = set(), 0
    for m, items in db.execute("SELECT message, items FROM message_artifacts"):
        for e in json.loads(items):
            if e is None:
                continue
            vid, raw, loc = e
            if not isinstance(vid, int) or not isinstance(loc, str) or raw == values[vid][1]:
                bad += 1
            want.add((vid, m))
    got = set(db.execute("SELECT value, message FROM artifact_copies"))
    print(bad, len(want), len(want ^ got))
elif what == "by-value":
    # For each value, its copies: from every copy's artifacts, and through
    # artifact_copies (version 6: message_artifacts.value); how many differ.
    a, _ = artifacts()
    by = {}
    for (m, p), (k, raw, v, loc) in a.items():
        by.setdefault((k, v), set()).add(m)
    bad = 0
    q = ("SELECT a.message FROM artifact_values v JOIN message_artifacts a ON a.value = v.id"
         if version == 6 else
         "SELECT c.message FROM artifact_values v JOIN artifact_copies c ON c.value = v.id")
    for (k, v), ms in by.items():
        got = {r[0] for r in db.execute(q + " WHERE v.kind = ? AND v.value = ?", (k, v))}
        bad += got != ms
    print(len(by), bad)
elif what == "version":
    print(version)
PY
python3 read.py old.case rows > rows.want
python3 read.py old.case named > named.want
expect_eq "the kept case has 1,711 artifacts" "1711" "$(wc -l < rows.want | tr -d ' ')"
expect_eq "and 701 attributions naming one" "701" "$(wc -l < named.want | tr -d ' ')"

expect_rc "upgrade" 0 wb upgrade v6.case
expect_eq "upgrade says what it did" "Upgraded 'v6.case' from schema version 6 to $UPGRADED_TO" "$(cat "$T/.out")"
expect_eq "schema version $UPGRADED_TO" "$UPGRADED_TO" "$(python3 read.py v6.case version)"
python3 read.py v6.case rows > rows.got
python3 read.py v6.case named > named.got
expect_file "every artifact, in its copy's order, through the view" rows.want rows.got
expect_file "every attribution names the same artifact, by its position" named.want named.got
expect_eq "one row a copy" "$(cut -d'|' -f1 rows.want | sort -u | wc -l | tr -d ' ')" \
	"$(sqlite3 v6.case "SELECT count(*) FROM message_artifacts")"
expect_eq "the JSON, read by Python: well formed; artifact_copies as it gives" "0 1514 0" \
	"$(python3 read.py v6.case json)"
expect_eq "each value's copies, through artifact_copies" "$(python3 read.py old.case by-value)" \
	"$(python3 read.py v6.case by-value)"
expect_eq "values stay as they were" "$(sqlite3 old.case "SELECT group_concat(id || kind || value) FROM artifact_values")" \
	"$(sqlite3 v6.case "SELECT group_concat(id || kind || value) FROM artifact_values")"
expect_eq "integrity_check" "ok" "$(sqlite3 v6.case "PRAGMA integrity_check")"
expect_eq "foreign_key_check" "" "$(sqlite3 v6.case "PRAGMA foreign_key_check")"
expect_eq "the old index is gone" "" "$(sqlite3 v6.case "SELECT name FROM sqlite_schema WHERE name LIKE 'artifacts_%'
	AND type = 'index'")"

# The case digest gives message_parties.artifact as version 6 numbered it:
# the upgraded case digests as the version 6 file did (its SQL naming the
# artifact by its id there).
run=$(sqlite3 old.case "SELECT max(id) + 1 FROM custody")
readme_digest_sql > digest.sql
sed 's/quote(coalesce((SELECT a.first_id FROM message_artifacts a WHERE a.message = message_parties.message) + artifact, artifact))/quote(artifact)/' \
	digest.sql > digest6.sql
expect_eq "the digest's SQL is the README's" "yes" "$([ -s digest.sql ] && ! cmp -s digest.sql digest6.sql && echo yes)"
expect_eq "the case digest is unchanged" \
	"$(sqlite3 -readonly old.case ".parameter set :run $run" ".read digest6.sql" | sha256sum)" \
	"$(sqlite3 -readonly v6.case ".parameter set :run $run" ".read digest.sql" | sha256sum)"

# Writes through the view: an insert is appended to its copy's items; a
# delete leaves null in its place, the others keeping their positions.
cp v6.case w.case
n1=$(grep -c '^1|' rows.want)
sqlite3 w.case "INSERT INTO artifacts (message, kind, raw, value, location)
	VALUES (1, 'phone', '(800) 555-0000', '+18005550000', 'test')" || t_fail "insert through the view" ""
expect_eq "inserted through the view: last in its copy" "1|$n1|phone|(800) 555-0000|+18005550000|test" \
	"$(sqlite3 w.case "SELECT message, idx, kind, raw, value, location FROM artifacts WHERE location = 'test'")"
expect_eq "and artifact_copies names the copy" "1" \
	"$(sqlite3 w.case "SELECT group_concat(c.message) FROM artifact_copies c JOIN artifact_values v
		ON v.id = c.value WHERE v.value = '+18005550000'")"
sqlite3 w.case "INSERT INTO artifacts (message, kind, raw, value, location)
	VALUES (999999, 'email', 'x@y.test', 'x@y.test', 'test')" || t_fail "insert for a copy with none" ""
sqlite3 w.case "DELETE FROM artifacts WHERE message = 1 AND idx = 1"
expect_eq "deleted through the view: the others keep their positions" \
	"$(grep '^1|' rows.want | grep -v '^1|1|' | cut -d'|' -f1,2,3)" \
	"$(sqlite3 w.case "SELECT message, idx, kind FROM artifacts WHERE message = 1 AND location IS NOT 'test' ORDER BY idx")"
sqlite3 w.case "DELETE FROM artifacts WHERE location = 'test'"
expect_eq "deleting a copy's last artifact deletes its row" "0" \
	"$(sqlite3 w.case "SELECT count(*) FROM message_artifacts WHERE message = 999999")"
expect_eq "artifact_copies follows the deletes" "0|0" \
	"$(sqlite3 w.case "SELECT (SELECT count(*) FROM artifact_copies WHERE message = 999999) || '|' ||
		(SELECT count(*) FROM artifact_copies c JOIN artifact_values v ON v.id = c.value
		WHERE v.value = '+18005550000')")"
python3 read.py w.case json > json.got
expect_eq "after the writes: artifact_copies as the items give it" "0 0" "$(cut -d' ' -f1,3 json.got)"

# The same mail ingested by this build: the reading commands print the
# same on both cases, and ingest writes what the upgrade writes.
upgrade_new_case 6
upgrade_same_output v6.case "artifacts @" "artifacts @ --kind phone --format csv" "show @ 5" \
	"show @ 40 --format json" "messages @ --has affiliate_id" "links @" "parties @" "why @ 5"
python3 read.py new.case rows > rows.new
expect_file "ingest: every artifact as the upgrade gives it" rows.want rows.new
python3 read.py new.case named > named.new
expect_file "link: every attribution names the same artifact" named.want named.new
expect_eq "ingest: the JSON well formed; artifact_copies as it gives" "0 1514 0" "$(python3 read.py new.case json)"
expect_eq "ingest: the same JSON text as the upgrade's (SQLite's json_array)" "" \
	"$(sqlite3 new.case "ATTACH 'v6.case' AS u; SELECT a.message FROM message_artifacts a
		JOIN u.message_artifacts b ON b.message = a.message WHERE a.items IS NOT b.items")"
expect_eq "ingest: no first_id (version 6 numbers only)" "0" \
	"$(sqlite3 new.case "SELECT count(first_id) FROM message_artifacts")"
# reanalyze gives the same items: every row is left as it is.
cp new.case re.case
before=$(sqlite3 re.case "SELECT group_concat(message || items) FROM message_artifacts")
wb reanalyze re.case > /dev/null 2>&1 || t_fail "reanalyze" ""
expect_eq "reanalyze: the same items" "$before" \
	"$(sqlite3 re.case "SELECT group_concat(message || items) FROM message_artifacts")"
expect_eq "reanalyze: artifact_copies as the items give it" "0 1514 0" "$(python3 read.py re.case json)"
# A copy whose row lost an artifact, and one whose row is gone: reanalyze
# writes them again, and artifact_copies with them.
sqlite3 re.case "UPDATE message_artifacts SET items = json_remove(items, '\$[0]') WHERE message = 5;
	DELETE FROM message_artifacts WHERE message = 6"
expect_eq "changed by hand: artifact_copies follows" "0 0" "$(python3 read.py re.case json | cut -d' ' -f1,3)"
expect_eq "changed by hand: the copy without its row has none" "0" \
	"$(sqlite3 re.case "SELECT count(*) FROM artifact_copies WHERE message = 6")"
wb reanalyze re.case > /dev/null 2>&1 || t_fail "reanalyze again" ""
expect_eq "reanalyze: the rows written again" "$before" \
	"$(sqlite3 re.case "SELECT group_concat(message || items) FROM message_artifacts")"
expect_eq "reanalyze: artifact_copies with them" "0 1514 0" "$(python3 read.py re.case json)"

# A kill during the upgrade.  The kept case upgrades in milliseconds, so
# Python gives it 200,000 more artifacts (the kept ones again, each
# appended to its copy) to make the upgrade last long enough to be killed;
# under WB_SAMPLE=N, 200,000 / N, at least 50,000 (upgrade_rows).
ROWS=$(upgrade_rows 200000 50000) python3 - <<'PY'
import os, sqlite3
db = sqlite3.connect("old.case")
rows = db.execute("SELECT message, kind, raw, value, location FROM artifacts ORDER BY id").fetchall()
db.executemany("INSERT INTO artifacts (message, kind, raw, value, location) VALUES (?, ?, ?, ?, ?)",
               (rows[i % len(rows)] for i in range(int(os.environ["ROWS"]))))
db.commit()
PY
upgrade_kills 6 rows artifacts
t_done
