#!/bin/sh
# One way to name a copy in finding, show and findings CSVs: the copy id
# that 'messages' prints, a SHA-256 or a unique prefix of 8+ hex digits, a
# Message-ID.  Ambiguous prefixes are refused with the candidates.
. "$WB_ROOT/tests/lib.sh"

C="$T/c.case"
wb init "$C" --filed 2008-05-01 > /dev/null
# Two Colorado traps.  Message A (sha 'a'*64) in both traps (copies 1, 2);
# message B (sha 'a'*63 'b') in trap one (copy 3); message C (sha
# '12345678' 'c'*56) as copy 4; and copy 12345678 (sha 'd'*64).  None has
# "ADV:" (6-2.5-103(4)): each copy is one $10 violation under co-6-2.5.
python3 - "$C" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO traps (id, address, state, provider_state, timezone) VALUES"
           " (1, 'one@trap.test', 'CO', 'CO', 'America/Denver'), (2, 'two@trap.test', 'CO', 'CO', 'America/Denver')")
A, B, Cc, D = 'a' * 64, 'a' * 63 + 'b', '12345678' + 'c' * 56, 'd' * 64
rows = [(1, A, 1, 'a@spam.test'), (2, A, 2, 'a@spam.test'), (3, B, 1, 'b@spam.test'),
        (4, Cc, 1, 'c@spam.test'), (12345678, D, 2, 'd@spam.test')]
for i, sha, trap, mid in rows:
    db.execute("INSERT OR IGNORE INTO raw (sha256, size, bytes) VALUES (?, 1, x'00')", (sha,))
    rid = db.execute("SELECT id FROM raw WHERE sha256 = ?", (sha,)).fetchone()[0]
    db.execute("INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, local_day)"
               " VALUES (?, ?, ?, ?, 'ok', ?, '2008-01-15')", (i, sha, rid, trap, mid))
    db.execute("INSERT INTO facts (message, name, value, evidence) VALUES (?, 'subject_adv', '0', 'Subject: Hello')", (i,))
db.commit()
PY
analyst () { wb sql "$C" "SELECT group_concat(message, ' ') FROM (SELECT message FROM findings WHERE source = 'analyst' ORDER BY message)" --format csv | tail -n 1; }

# The copy id as 'messages' prints it (it gave "no message copy '3'").
expect_rc "finding by copy id" 0 wb finding "$C" 3 co-6-2.5 4 no-violation
expect_match "one copy" "for 1 copy" "$(cat "$T/.out")"
expect_eq "copy 3 only" "3" "$(analyst)"
expect_rc "the old #ID form" 0 wb finding "$C" '#4' co-6-2.5 4 no-violation
expect_eq "copies 3, 4" "3 4" "$(analyst)"

# A unique prefix of 8 hex digits names one message: every copy of it.
expect_rc "prefix, two traps" 0 wb finding "$C" dddddddd co-6-2.5 4 no-violation
expect_eq "copy 12345678" "3 4 12345678" "$(analyst)"
expect_rc "prefix with --trap" 0 wb finding "$C" AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA co-6-2.5 4 no-violation --trap two@trap.test
expect_eq "copy 2 by full SHA-256 and trap" "2 3 4 12345678" "$(analyst)"

# Ambiguous: 'aaaaaaaa' starts both A and B; '12345678' is a copy id and
# a prefix of C.  Each refused, naming the candidates; nothing recorded.
expect_rc "ambiguous prefix" 1 wb finding "$C" aaaaaaaa co-6-2.5 4 violation
err=$(cat "$T/.err")
expect_match "says ambiguous" "'aaaaaaaa' is ambiguous" "$err"
expect_match "lists A with its copies" "a{64} \(copy 1, 2\)" "$err"
expect_match "lists B with its copy" "a{63}b \(copy 3\)" "$err"
expect_rc "id or prefix" 1 wb finding "$C" 12345678 co-6-2.5 4 violation
expect_match "names both" "copy 12345678" "$(cat "$T/.err")"
expect_match "and the message" "12345678c{56} \(copy 4\)" "$(cat "$T/.err")"
expect_rc "show refuses too" 1 wb show "$C" aaaaaaaa
expect_match "show says ambiguous" "is ambiguous" "$(cat "$T/.err")"
expect_rc "7 digits are not a prefix" 1 wb finding "$C" ddddddd co-6-2.5 4 violation
expect_match "not found" "no message copy 'ddddddd'" "$(cat "$T/.err")"
expect_eq "nothing changed" "2 3 4 12345678" "$(analyst)"

# show by id, prefix, Message-ID.
expect_rc "show by id" 0 wb show "$C" 3 --format json
expect_eq "copy 3" "3 b@spam.test" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["id"], d["message_id"])' "$T/.out")"
expect_rc "show by prefix" 0 wb show "$C" 12345678cc --format json
expect_eq "copy 4" "4" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/.out")"
expect_rc "show by Message-ID" 0 wb show "$C" '<a@spam.test>' --format json
expect_match "first of two, said" "2 copies match" "$(cat "$T/.err")"

# A findings CSV takes the same names; a bad one names the line.
printf 'message,statute,provision,finding\n1,co-6-2.5,4,no-violation\n' > "$T/ok.csv"
expect_rc "csv copy id" 0 wb import "$C" findings "$T/ok.csv"
expect_eq "copy 1 too" "1 2 3 4 12345678" "$(analyst)"
printf 'message,statute,provision,finding\n1,co-6-2.5,4,violation\naaaaaaaa,co-6-2.5,4,violation\n' > "$T/amb.csv"
expect_rc "csv ambiguous" 1 wb import "$C" findings "$T/amb.csv"
expect_match "names file and line" "amb.csv:3: 'aaaaaaaa' is ambiguous" "$(cat "$T/.err")"
t_done
