#!/bin/sh
# reanalyze reads the stored copies a chunk at a time (256) while the
# writer stores the chunk before: over several chunks and transactions it
# must store what an ingest with the traps known from the start stores,
# row for row; and a trap roster imported after ingest must really change
# the stored rows (the analysis depends on the trap).
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
# 700 copies to trap1@ and trap2@example.org: three chunks and a part.
python3 "$WB_ROOT/tests/gen/many.py" "$T/many.mbox" 700
cp "$S/traps.csv" "$T/traps.csv"
printf '%s\n' "trap1@example.org,Tess One,CA,Example,CA,America/Los_Angeles,mx.example.org" \
	"trap2@example.org,Tom Two,CO,Example,CA,America/Denver,mx.example.org" >> "$T/traps.csv"

wb init "$T/first.case" > /dev/null
wb import "$T/first.case" traps "$T/traps.csv" > /dev/null
expect_rc "ingest, traps first" 0 wb ingest "$T/first.case" "$S"/mail/* "$T/many.mbox"
wb init "$T/late.case" > /dev/null
expect_rc "ingest, no traps" 0 wb ingest "$T/late.case" "$S"/mail/* "$T/many.mbox"

# Every row the analysis stores, keyed by the copy's SHA-256 and trap
# address (ids differ between the cases).
dump () {
	sqlite3 -batch "$1" <<'SQL'
.mode list
.nullvalue NULL
CREATE TEMP VIEW k AS SELECT m.id, m.sha256 || '/' || coalesce(t.address, '-') AS key
	FROM messages m LEFT JOIN traps t ON t.id = m.trap_id;
SELECT 'message', k.key, m.trap_match, b.text, m.category, m.fingerprint, m.campaign
	FROM messages m JOIN k ON k.id = m.id LEFT JOIN body_texts b ON b.id = m.body ORDER BY 2;
SELECT 'hop', k.key, h.idx, h.raw, h.from_host, h.from_rdns, h.from_ip, h.by_host, h.protocol,
	h.smtp_id, h.for_addr, h.time_text, h.time_epoch, h.time_status, h.trusted, h.origin, h.notes
	FROM hops h JOIN k ON k.id = h.message ORDER BY 2, 3;
SELECT 'artifact', k.key, a.kind, a.raw, a.value, a.location
	FROM artifacts a JOIN k ON k.id = a.message ORDER BY 2, 3, 4, 5, 6;
SELECT 'fact', k.key, f.name, f.value, f.confidence, f.evidence
	FROM facts f JOIN k ON k.id = f.message ORDER BY 2, 3;
SELECT 'attachment', k.key, x.idx, x.filename, x.declared_type, x.sniffed_type, x.size, x.sha256
	FROM attachments x JOIN k ON k.id = x.message ORDER BY 2, 3;
SELECT 'finding', k.key, f.statute, f.provision, f.finding, f.source, f.confidence, f.evidence
	FROM findings f JOIN k ON k.id = f.message ORDER BY 2, 3, 4, 5, 6, 7, 8;
SQL
}
dump "$T/first.case" > "$T/first.txt"
expect_eq "every copy stored" "$(sqlite3 "$T/first.case" "SELECT count(*) FROM messages")" \
	"$(sqlite3 "$T/late.case" "SELECT count(*) FROM messages")"
expect_eq "more than three chunks of copies" "yes" \
	"$([ "$(sqlite3 "$T/first.case" "SELECT count(*) FROM messages")" -gt 768 ] && echo yes || echo no)"
expect_eq "the dump has hops, artifacts and facts of the traps' copies" "yes yes yes" \
	"$(for r in hop artifact fact; do grep -q "^$r|[0-9a-f]*/trap1@example.org|" "$T/first.txt" && printf 'yes ' || printf 'no '; done | sed 's/ $//')"
wb import "$T/late.case" traps "$T/traps.csv" > /dev/null
dump "$T/late.case" > "$T/before.txt"
# The trap matched at import; the analysis made without it is out of date.
expect_eq "traps imported after ingest: the stored analysis differs" "differs" \
	"$(cmp -s "$T/first.txt" "$T/before.txt" && echo same || echo differs)"
expect_rc "reanalyze, a transaction per chunk" 0 env WB_TIMING=1 WB_INGEST_GROUP_BYTES=1 "$WB" reanalyze "$T/late.case"
n=$(sqlite3 "$T/late.case" "SELECT count(*) FROM messages")
expect_eq "a transaction per chunk of 256 copies" "$(( (n + 255) / 256 )) commit(s)" \
	"$(sed -n 's/^timing: .*, \([0-9]* commit(s)\)$/\1/p' "$T/.err")"
dump "$T/late.case" > "$T/late.txt"
expect_file "after reanalyze every stored row equals the traps-first ingest's" "$T/first.txt" "$T/late.txt"
t_done
