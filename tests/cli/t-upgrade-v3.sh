#!/bin/sh
# A case of schema version 3 (tests/cli/data/v3.case.xz, see its README) is
# refused by reading commands with the command that upgrades it, and
# upgraded by 'upgrade' to version 4, where each distinct body text is
# stored once in body_texts and messages.body names it, and each distinct
# hop name (host, address, protocol, for-address) once in hop_names, hops
# becoming a view.  What readers get is worked out by Python from the
# version 3 file: each copy's body text (or NULL), the number of distinct
# texts, each text's key (the first 8 bytes of its SHA-256, big-endian,
# signed), every hop row, the distinct names in the order they are met.  A case the new build makes from the
# same mail gives the same output for the reading commands as the upgraded
# one.  A SIGKILL during the upgrade leaves the version 3 file byte for
# byte once SQLite has rolled its journal back, or the upgrade complete.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
. "$WB_ROOT/tests/cli/upgrade-kill.sh"
upgrade_refused 3 messages

cat > read.py <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
what = sys.argv[2]
cols = [r[1] for r in db.execute("PRAGMA table_info(messages)")]
if "body_text" in cols:
    q = "SELECT id, body_text FROM messages ORDER BY id"
else:
    q = "SELECT m.id, b.text FROM messages m LEFT JOIN body_texts b ON b.id = m.body ORDER BY m.id"
if what == "bodies":
    # Each copy's text as its SHA-256 and length, or NULL.
    for i, t in db.execute(q):
        if t is None:
            print(i, "NULL")
        else:
            b = t.encode()
            print(i, hashlib.sha256(b).hexdigest(), len(b))
elif what == "distinct":
    print(len({t for i, t in db.execute(q) if t is not None}))
elif what == "keys":
    # Rows whose key is not wb_text_key of their text.
    bad = 0
    for k, t in db.execute("SELECT key, text FROM body_texts"):
        want = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big", signed=True)
        bad += k != want
    print(bad)
elif what == "order":
    # Texts numbered in the order of the first copy that has them.
    first = {}
    for i, t in db.execute(q):
        if t is not None and t not in first:
            first[t] = i
    want = sorted(first, key=first.get)
    got = [t for (t,) in db.execute("SELECT text FROM body_texts ORDER BY id")]
    print("yes" if got == want else "no")
elif what == "hops":
    # Every hop as readers get it, through the view hops (version 4) or
    # the table (version 3).
    for r in db.execute("SELECT * FROM hops ORDER BY message, idx"):
        print("|".join(str(x) for x in r))
elif what == "names":
    # The distinct host names, addresses, protocols and for-addresses, in
    # the order ingest meets them: copy, hop, column.
    seen = []
    for r in db.execute("SELECT from_host, from_rdns, from_ip, by_host, protocol, for_addr"
                        " FROM hops ORDER BY message, idx"):
        for v in r:
            if v is not None and v not in seen:
                seen.append(v)
    print("\n".join(seen))
elif what == "stored-names":
    print("\n".join(n for (n,) in db.execute("SELECT name FROM hop_names ORDER BY id")))
elif what == "raw":
    for sha, b in db.execute("SELECT sha256, bytes FROM raw ORDER BY id"):
        print(sha, hashlib.sha256(b).hexdigest() == sha)
elif what == "version":
    print(db.execute("PRAGMA user_version").fetchone()[0])
PY
python3 read.py old.case bodies > bodies.want
python3 read.py old.case raw > raw.want
python3 read.py old.case hops > hops.want
python3 read.py old.case names > names.want
expect_eq "the kept case has hops" "406" "$(wc -l < hops.want | tr -d ' ')"
expect_eq "the kept case has 137 copies" "137" "$(wc -l < bodies.want | tr -d ' ')"
distinct=$(python3 read.py old.case distinct)
expect_eq "and fewer distinct texts" "yes" "$([ "$distinct" -lt 137 ] && [ "$distinct" -gt 1 ] && echo yes)"

expect_rc "upgrade" 0 wb upgrade v3.case
expect_eq "upgrade says what it did" "Upgraded 'v3.case' from schema version 3 to $UPGRADED_TO" "$(cat "$T/.out")"
expect_eq "schema version $UPGRADED_TO" "$UPGRADED_TO" "$(python3 read.py v3.case version)"
expect_eq "custody: the upgrade is logged" "begin|upgrade|schema version 3 -> $UPGRADED_TO;end|upgrade|schema version 3 -> $UPGRADED_TO" \
	"$(wb sql v3.case "SELECT group_concat(action || '|' || command || '|' || detail, ';') FROM custody
		WHERE command = 'upgrade'" --format csv | tail -n 1)"
python3 read.py v3.case bodies > bodies.got
expect_file "every copy's body text" bodies.want bodies.got
expect_eq "each distinct text stored once" "$distinct" \
	"$(wb sql v3.case "SELECT count(*) FROM body_texts" --format csv | tail -n 1)"
expect_eq "each text under its key" "0" "$(python3 read.py v3.case keys)"
expect_eq "texts numbered in the order of their first copy" "yes" "$(python3 read.py v3.case order)"
python3 read.py v3.case raw > raw.got
python3 read.py v3.case hops > hops.got
expect_file "every hop, through the view hops" hops.want hops.got
python3 read.py v3.case stored-names > names.got
expect_file "each distinct name once, in the order they were met" names.want names.got
# A hop inserted through the view: its names found, or added once; one
# deleted through the view is gone.
sqlite3 v3.case "INSERT INTO hops (message, idx, raw, from_host, from_ip, by_host, time_status)
	SELECT message, 99, 'test', from_host, '192.0.2.99', by_host, 'absent' FROM hops
	WHERE from_host IS NOT NULL AND by_host IS NOT NULL ORDER BY message, idx LIMIT 1" ||
	t_fail "insert through the view" ""
expect_eq "insert through the view: one new name" "$(($(wc -l < names.want) + 1))" \
	"$(sqlite3 v3.case "SELECT count(*) FROM hop_names")"
expect_eq "insert through the view: read back" "0|0|192.0.2.99" \
	"$(sqlite3 v3.case "SELECT trusted, origin, from_ip FROM hops WHERE idx = 99")"
sqlite3 v3.case "DELETE FROM hops WHERE idx = 99"
python3 read.py v3.case hops > hops.got
expect_file "delete through the view" hops.want hops.got
expect_file "no stored byte changed" raw.want raw.got
expect_eq "integrity_check" "ok" "$(sqlite3 v3.case "PRAGMA integrity_check")"
expect_eq "foreign_key_check" "" "$(sqlite3 v3.case "PRAGMA foreign_key_check")"
expect_eq "no body_text column left" "0" \
	"$(sqlite3 v3.case "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'body_text'")"

# The case digest reads the text through messages.body: the upgraded case
# digests as the version 3 file did.  The version 3 digest is computed
# here by the sqlite3 shell, with the version 3 column (and raw by the
# length of its bytes, as before raw.codec).
run=$(sqlite3 old.case "SELECT max(id) + 1 FROM custody")
readme_digest_sql > digest.sql
sed -e 's/quote((SELECT text FROM body_texts WHERE id = messages.body))/quote(body_text)/' \
	-e 's/quote(coalesce((SELECT a.first_id FROM message_artifacts a WHERE a.message = message_parties.message) + artifact, artifact))/quote(artifact)/' \
	-e "s/quote(CASE codec WHEN 'none' THEN length(bytes) ELSE size END)/quote(length(bytes))/" digest.sql > digest3.sql
expect_eq "the digest's SQL is the README's" "yes" "$([ -s digest.sql ] && ! cmp -s digest.sql digest3.sql && echo yes)"
expect_eq "the case digest is unchanged" \
	"$(sqlite3 -readonly old.case ".parameter set :run $run" ".read digest3.sql" | sha256sum)" \
	"$(sqlite3 -readonly v3.case ".parameter set :run $run" ".read digest.sql" | sha256sum)"

# The same mail ingested by this build: the reading commands print the
# same on both cases.
upgrade_new_case 3
# Ingest stores each distinct text once too, numbered as the upgrade numbers
# them, each under its key, none that no copy names.
expect_eq "ingest: each distinct text once" "$(python3 read.py new.case distinct)" \
	"$(sqlite3 new.case "SELECT count(*) FROM body_texts")"
expect_eq "ingest: as many as in the kept case" "$distinct" "$(python3 read.py new.case distinct)"
expect_eq "ingest: each text under its key" "0" "$(python3 read.py new.case keys)"
expect_eq "ingest: in the order of their first copy" "yes" "$(python3 read.py new.case order)"
python3 read.py new.case names > names.new
python3 read.py new.case stored-names > names.newgot
expect_file "ingest: each hop name once, numbered as the upgrade numbers them" names.new names.newgot
upgrade_same_output v3.case "damages @ --format json" "links @" "artifacts @" "messages @" "why @ 5" "show @ 5" \
	"show @ 40 --format json" "summary @"

# A kill during the upgrade.  The kept case upgrades in milliseconds, so
# Python gives a copy 40,000 more copies (messages rows with the kept
# texts, and a text of their own for one in four) to make it last long
# enough to be killed; under WB_SAMPLE=N, 40,000 / N, at least 10,000
# (upgrade_rows).
ROWS=$(upgrade_rows 40000 10000) python3 - <<'PY'
import os, sqlite3
db = sqlite3.connect("old.case")
rows = db.execute("SELECT raw_id, status, body_text FROM messages ORDER BY id").fetchall()
def gen():
    for i in range(int(os.environ["ROWS"])):
        raw_id, status, text = rows[i % len(rows)]
        if i % 4 == 0:
            text = "%s\ncopy %d" % (text or "", i)
        h = "%064x" % (10**12 + i)
        yield (h, raw_id, status, text, h)
db.executemany("INSERT INTO messages (sha256, raw_id, trap_id, status, body_text, ident)"
               " VALUES (?, ?, 0, ?, ?, ?)", gen())
db.commit()
PY
upgrade_kills 3 bodies texts
t_done
