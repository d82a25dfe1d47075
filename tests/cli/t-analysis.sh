#!/bin/sh
# reanalyze, artifacts, campaigns over messages stored as ingest stores them.
. "$WB_ROOT/tests/lib.sh"

python3 "$WB_ROOT/tests/cli/gen-analysis-msgs.py" "$T/m"
wb init "$T/c.case" > /dev/null
python3 "$WB_ROOT/tests/tools/corpus-case.py" --trap "alice@trapmail.example,mx.trapmail.example" \
	"$T/c.case" --files "$T"/m/m1.eml "$T"/m/m2.eml "$T"/m/m3.eml "$T"/m/m4.eml "$T"/m/m5.eml
q () { wb sql "$T/c.case" "$1" --format csv | tail -n +2; }

expect_rc "reanalyze" 0 wb reanalyze "$T/c.case"
expect_eq "reanalyze reports" "analysed 5 copies; 3 campaigns" "$(cat "$T/.out")"
# m1-m3 differ only in a number, a link and the recipient: one campaign,
# numbered 1 after its smallest id; m4 is 2, m5 3.
expect_eq "campaigns" "1,1
2,1
3,1
4,2
5,3" "$(q "SELECT id, campaign FROM messages ORDER BY id")"
expect_eq "categories" "1,other
4,other" "$(q "SELECT id, category FROM messages WHERE id IN (1,4) ORDER BY id")"
expect_eq "origin hop" "1,198.51.100.11,dsl-11.isp.example,helo.spammer.example" \
	"$(q "SELECT idx, from_ip, from_rdns, from_host FROM hops WHERE message = 1 AND origin = 1")"
expect_eq "trusted hops" "0,1,0
1,1,1" "$(q "SELECT idx, trusted, origin FROM hops WHERE message = 1 ORDER BY idx")"
expect_eq "helo mismatch fact" "1,indicator" "$(q "SELECT value, confidence FROM facts WHERE message = 1 AND name = 'helo_mismatch'")"
expect_eq "ADV label" "1" "$(q "SELECT value FROM facts WHERE message = 2 AND name = 'subject_adv'")"
expect_eq "opt-out kinds" "reply;instruction" "$(q "SELECT value FROM facts WHERE message = 1 AND name = 'opt_out_kinds'")"
expect_eq "phones across copies" "phone,+18005550199,3,1" "$(wb artifacts "$T/c.case" --kind phone --format csv | tail -n +2)"
# The phone the three copies share is stored once; each row keeps its own
# raw text only where it differs from the normalized value.
expect_eq "a shared value is stored once" "1" \
	"$(q "SELECT count(*) FROM artifact_values WHERE kind = 'phone' AND value = '+18005550199'")"
expect_eq "three copies refer to it" "3" "$(q "SELECT count(*) FROM message_artifacts a, json_each(a.items) j
	JOIN artifact_values v ON v.id = j.value->>0 WHERE v.kind = 'phone' AND v.value = '+18005550199'")"
expect_eq "artifact_copies names the three" "1 2 3" "$(q "SELECT group_concat(c.message, ' ') FROM artifact_copies c
	JOIN artifact_values v ON v.id = c.value WHERE v.kind = 'phone' AND v.value = '+18005550199'")"
expect_eq "raw stored only where it differs" "0" "$(q "SELECT count(*) FROM message_artifacts a, json_each(a.items) j
	JOIN artifact_values v ON v.id = j.value->>0 WHERE j.value->>1 = v.value")"
expect_eq "postal" "postal,\"123 MAIN ST STE 4, SPRINGFIELD, IL 62701\",3,1" "$(wb artifacts "$T/c.case" --kind postal --format csv | tail -n +2)"
expect_eq "affiliate ids" "affiliate_id,example.com subid=7,3,1
affiliate_id,example.com affid=A11,1,1
affiliate_id,example.com affid=A12,1,1
affiliate_id,example.com affid=A13,1,1
affiliate_id,example.net ref=R55,1,1" "$(wb artifacts "$T/c.case" --kind affiliate_id --format csv | tail -n +2)"
expect_eq "attachment inventory" "invoice.pdf,application/octet-stream,application/pdf,48" \
	"$(q "SELECT filename, declared_type, sniffed_type, size FROM attachments WHERE message = 5")"
expect_eq "attachment hash" "$(printf '%%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%%%EOF\n' | sha256sum | cut -d' ' -f1)" \
	"$(q "SELECT sha256 FROM attachments WHERE message = 5")"
expect_eq "html body text" "See the attached invoice & pay at our site" "$(q "SELECT b.text FROM messages m JOIN body_texts b ON b.id = m.body WHERE m.id = 5")"
# A body text's key is the first 8 bytes of its SHA-256, big-endian and
# signed (body_texts in schema.sql), by Python's hashlib.
expect_eq "body text keys" "ok" "$(python3 - "$T/c.case" <<'PY'
import hashlib, sqlite3, struct, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT key, text FROM body_texts").fetchall()
bad = [t for k, t in rows if struct.unpack(">q", hashlib.sha256(t.encode()).digest()[:8])[0] != k]
print("ok" if rows and not bad else "%d rows, %d keys wrong" % (len(rows), len(bad)))
PY
)"
expect_rc "bad kind" 2 wb artifacts "$T/c.case" --kind nope
# Analysis is replaced whole, not appended: a second run gives the same rows.
before=$(q "SELECT count(*) FROM artifacts")
wb reanalyze "$T/c.case" > /dev/null
expect_eq "reanalyze replaces" "$before" "$(q "SELECT count(*) FROM artifacts")"
expect_eq "custody: begin, the rule findings made again, end" "begin,reanalyze
rules,reanalyze
end,reanalyze" "$(q "SELECT action, command FROM custody WHERE command = 'reanalyze' AND run = (SELECT max(run) FROM custody)")"
wb init "$T/empty.case" > /dev/null
expect_rc "reanalyze an empty case" 0 wb reanalyze "$T/empty.case"
expect_eq "nothing to analyse" "analysed 0 copies; 0 campaigns" "$(cat "$T/.out")"
expect_rc "reanalyze takes no arguments" 2 wb reanalyze "$T/c.case" extra
t_done
