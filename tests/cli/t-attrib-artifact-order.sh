#!/bin/sh
# link reads every artifact with WB_LINK_ARTIFACTS_SQL (attrib-private.h),
# ordered by copy only, and takes each copy's rows in the order the view
# gives them.  On the sample case, after deletes through the view (null
# holes), inserts through it (appended after the holes) and copies added
# with ids below and above the others, that statement must give exactly
# the rows Python's json finds reading message_artifacts and
# artifact_values directly, in (message, idx) order, with no sort in its
# plan (tests/unit/test-attrib-read.c pins the same at a larger scale).
# And link refuses a copy whose positions do not rise.
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
C=$T/s.case
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
wb init "$C" > /dev/null
wb ingest "$C" "$S"/mail/* > /dev/null 2>&1
SQL=$(sed -n 's/^[[:space:]]*"\(SELECT message, idx, .*FROM artifacts.*\)"$/\1/p' \
	"$WB_ROOT/workbench/engine/attrib-private.h")
expect_match "link's statement found in attrib-private.h" "^SELECT message, idx, kind, value, location FROM artifacts" "$SQL"

sqlite3 "$C" "INSERT INTO raw (id, sha256, size, bytes) VALUES (900001, 'r1', 1, x'00');
	INSERT INTO messages (id, sha256, raw_id, status) VALUES (900000, 'a', 900001, 'ok'), (0, 'b', 900001, 'ok');
	INSERT INTO artifacts (message, kind, raw, value, location)
	SELECT 900000, kind, raw, value, location FROM artifacts WHERE message = 2 ORDER BY idx;
	INSERT INTO artifacts (message, kind, raw, value, location)
	SELECT 0, kind, raw, value, location FROM artifacts WHERE message = 3 ORDER BY idx;
	DELETE FROM artifacts WHERE message IN (1, 5, 900000) AND idx % 3 = 1;
	DELETE FROM artifacts WHERE message = 7 AND idx = 0;
	INSERT INTO artifacts (message, kind, raw, value, location) VALUES
	(5, 'phone', '(800) 555-0100', '+18005550100', 'body:text'),
	(900000, 'email', 'X@Y.test', 'x@y.test', 'body:text');"
expect_eq "holes left in the items" "yes" \
	"$(sqlite3 "$C" "SELECT 'yes' FROM message_artifacts, json_each(items) WHERE message = 5 AND type = 'null' LIMIT 1")"

python3 - "$C" > "$T/want" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
vals = {i: (k, v) for i, k, v in db.execute("SELECT id, kind, value FROM artifact_values")}
rows = []
for m, items in db.execute("SELECT message, items FROM message_artifacts"):
    for idx, it in enumerate(json.loads(items)):
        if it is not None and it[0] in vals:
            rows.append((m, idx, vals[it[0]][0], vals[it[0]][1], it[2]))
for r in sorted(rows):
    print("|".join(str(x) for x in r))
PY
sqlite3 "$C" "$SQL" > "$T/got"
expect_eq "rows compared" "yes" "$( [ "$(wc -l < "$T/want")" -gt 1000 ] && echo yes)"
expect_file "link's read gives Python's rows in (message, idx) order" "$T/want" "$T/got"
expect_eq "its plan sorts nothing" "" "$(sqlite3 "$C" "EXPLAIN QUERY PLAN $SQL" | grep 'TEMP B-TREE')"
expect_rc "link runs on it" 0 wb link "$C"

# A case whose view was edited to number a copy's positions backwards:
# link refuses it, rather than attribute in another order, and leaves the
# links of the run before.
R=$T/r.case
cp "$C" "$R"
sqlite3 "$R" "DROP VIEW artifacts; CREATE VIEW artifacts (message, idx, kind, raw, value, location) AS
	SELECT a.message, json_array_length(a.items) - 1 - j.key, v.kind, coalesce(j.value->>1, v.value),
	v.value, j.value->>2 FROM message_artifacts a CROSS JOIN json_each(a.items) j
	CROSS JOIN artifact_values v ON v.id = j.value->>0"
first=$(sqlite3 "$R" "SELECT min(message) FROM message_artifacts WHERE json_array_length(items) > 1")
links=$(sqlite3 "$R" "SELECT count(*) || ' ' || total(id) FROM links")
expect_rc "link on positions out of order fails" 1 wb link "$R"
expect_match "and says which copy" "^error: artifacts of copy $first not read in position order" "$(cat "$T/.err")"
expect_eq "and leaves the links as they were" "$links" "$(sqlite3 "$R" "SELECT count(*) || ' ' || total(id) FROM links")"
t_done
