#!/bin/sh
# Every version 1 case upgrades to the schema of a new case.  Version 1
# cases come in two shapes: with party_attributes.peer (made from a
# schema.sql that had it, as tests/cli/data/v1.case.xz was) and without
# (made before it; the 'link' of those versions then added it with ALTER
# TABLE).  The schemas are compared by Python: the names in sqlite_master
# and each table's columns, indexes and foreign keys, each index's keys.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
xz -dc "$WB_ROOT/tests/cli/data/v1.case.xz" > has.case

cat > shape.py <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
what = sys.argv[2]
if what == "schema":
    for t, n, tb in db.execute("SELECT type, name, tbl_name FROM sqlite_master ORDER BY type, name"):
        print(t, n, tb)
        if t == "table":
            for r in db.execute("SELECT * FROM pragma_table_info(?)", (n,)):
                print("  column", r)
            for r in db.execute("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)"
                                " ORDER BY name", (n,)):
                print("  index", r)
            for r in db.execute("SELECT * FROM pragma_foreign_key_list(?)", (n,)):
                print("  foreign key", r)
        elif t == "index":
            for r in db.execute("SELECT * FROM pragma_index_xinfo(?)", (n,)):
                print("  key", r)
    print("user_version", db.execute("PRAGMA user_version").fetchone()[0])
elif what == "sql":
    for r in db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name"):
        print(r)
elif what == "peer":
    print(db.execute("SELECT count(*) FROM pragma_table_info('party_attributes')"
                     " WHERE name = 'peer'").fetchone()[0])
PY

# The shape without peer, from the kept case; two roster parties, and a
# value a 'link' of that time took from message 1.
cp has.case lacks.case
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("lacks.case")
db.execute("ALTER TABLE party_attributes DROP COLUMN peer")
db.execute("INSERT INTO parties(id, name, role, derived) VALUES (1, 'Acme', 'sender', 0),"
           " (2, 'Beta', 'advertiser', 0)")
db.execute("INSERT INTO party_attributes(party, kind, raw, value, source, message, messages)"
           " VALUES (1, 'domain', 'acme.test', 'acme.test', 'message 1 python.mbox', 1, 1)")
db.commit()
PY
# A case without it whose 'link' added it, as that 'link' did.
cp lacks.case added.case
python3 -c 'import sqlite3; sqlite3.connect("added.case").execute("ALTER TABLE party_attributes ADD COLUMN peer INTEGER")'

expect_eq "the kept case has peer" "1" "$(python3 shape.py has.case peer)"
expect_eq "the other shape has not" "0" "$(python3 shape.py lacks.case peer)"
wb init new.case > /dev/null
python3 shape.py new.case schema > new.schema
expect_eq "a new case has peer" "1" "$(python3 shape.py new.case peer)"
for c in has lacks added; do
	expect_rc "upgrade $c" 0 wb upgrade $c.case
	python3 shape.py $c.case schema > $c.schema
	expect_eq "$c: the schema of a new case" "" "$(diff new.schema $c.schema)"
done
expect_eq "the two ways of adding peer leave the same sqlite_master" \
	"$(python3 shape.py added.case sql)" "$(python3 shape.py lacks.case sql)"

# Values a 'link' without peer stored name no peer: explain asks for a new
# 'link' until one is run.
expect_rc "explain after the upgrade" 1 wb explain lacks.case Acme Beta
expect_eq "asks for link" "error: the links of this case were built by an older version; run 'link' again" \
	"$(cat "$T/.err")"
expect_rc "explain in a case that had peer" 0 wb explain added.case Acme Beta
expect_rc "link" 0 wb link lacks.case
expect_rc "explain after link" 0 wb explain lacks.case Acme Beta
expect_eq "explains" "A: Acme (party 1)" "$(head -n 1 "$T/.out")"
t_done
