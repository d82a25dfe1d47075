#!/bin/sh
# Analyst findings: import and the finding command, Message-ID forms, the
# trap column, overrides seen in damages, custody, and whole-file rollback.
. "$WB_ROOT/tests/lib.sh"

C="$T/f.case"
wb init "$C" --filed 2008-05-01 > /dev/null
# Two Colorado traps (resident, CO provider) each receive the same message
# (one Message-ID, two copies) and a second message; none has "ADV:"
# (6-2.5-103(4)): 4 copies x $10 = $40 by rule.
python3 - "$C" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO traps (id, address, state, provider_state, timezone) VALUES"
           " (1, 'one@trap.test', 'CO', 'CO', 'America/Denver'), (2, 'two@trap.test', 'CO', 'CO', 'America/Denver')")
rows = [(1, 'a', 1, 'same@spam.test'), (2, 'a', 2, 'same@spam.test'), (3, 'b', 1, 'other@spam.test'), (4, 'b', 2, 'other@spam.test')]
for i, sha, trap, mid in rows:
    h = (sha * 64)
    db.execute("INSERT OR IGNORE INTO raw (id, sha256, size, bytes) VALUES (?, ?, 1, x'00')", (ord(sha), h))
    db.execute("INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, local_day)"
               " VALUES (?, ?, ?, ?, 'ok', ?, '2008-01-15')", (i, h, ord(sha), trap, mid))
    db.execute("INSERT INTO facts (message, name, value, evidence) VALUES (?, 'subject_adv', '0', 'Subject: Hello')", (i,))
db.commit()
PY
# The label duty of 103(4) is preempted by CAN-SPAM for copies of 2008
# (15 U.S.C. 7707(b)(1)): preemption is ignored here, where the findings are
# the subject (t-damages.sh tests preemption).
total () { wb damages "$C" --statute co-6-2.5 --preemption ignore --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_cents"])'; }
expect_eq "rule findings: 4 copies x \$10" "4000" "$(total)"

# The trap column limits a Message-ID to one trap's copy.
cat > "$T/f1.csv" <<CSV
message,statute,provision,finding,note,trap
<same@spam.test>,co-6-2.5,(4),no-violation,"business relationship, 6-2.5-103(4)(c)",TWO@trap.test
CSV
expect_rc "import with trap" 0 wb import "$C" findings "$T/f1.csv"
expect_match "one copy" "Imported 1 findings \(1 copies\)" "$(cat "$T/.out")"
expect_eq "one copy out: 3 x \$10" "3000" "$(total)"

# Without trap, every copy of the Message-ID; a SHA-256 names a copy too.
printf 'message,statute,provision,finding,note\nother@spam.test,*,commercial,no-violation,consented\n' > "$T/f2.csv"
expect_rc "import without trap" 0 wb import "$C" findings "$T/f2.csv"
expect_match "two copies" "\(2 copies\)" "$(cat "$T/.out")"
expect_eq "not commercial: 1 x \$10" "1000" "$(total)"

# The analyst puts one back with a specific provision over '*'.
expect_rc "finding *" 0 wb finding "$C" "$(printf 'a%.0s' $(seq 64))" co-6-2.5 '*' no-violation --trap one@trap.test
expect_eq "all out" "0" "$(total)"
expect_rc "finding provision" 0 wb finding "$C" same@spam.test co-6-2.5 5 violation --trap one@trap.test --note "no opt-out link works"
expect_eq "specific beats *" "1000" "$(total)"
expect_eq "stored as analyst findings" "5" "$(wb sql "$C" "SELECT count(*) FROM findings WHERE source='analyst' AND message IN (1,2,3,4) AND run > 0" --format csv | tail -n 1)"
expect_eq "custody rows" "4" "$(wb sql "$C" "SELECT count(*) FROM custody WHERE action='finding'" --format csv | tail -n 1)"
expect_match "custody keeps the note" "no opt-out link works" "$(wb sql "$C" "SELECT detail FROM custody WHERE action='finding' ORDER BY id DESC LIMIT 1" --format csv)"

# Changing a finding replaces it; custody says what it was.
expect_rc "finding changed" 0 wb finding "$C" same@spam.test co-6-2.5 5 no-violation --trap one@trap.test
expect_match "custody shows the old finding" "#1 was violation" "$(wb sql "$C" "SELECT detail FROM custody WHERE action='finding' ORDER BY id DESC LIMIT 1" --format csv)"
expect_eq "back to 0" "0" "$(total)"

# Errors: the CSV line named, nothing imported.
n=$(wb sql "$C" "SELECT count(*) FROM findings" --format csv | tail -n 1)
printf 'message,statute,provision,finding,note\nsame@spam.test,co-6-2.5,4,violation,\nsame@spam.test,co-6-2.5,4,maybe,\n' > "$T/bad.csv"
expect_rc "bad finding word" 1 wb import "$C" findings "$T/bad.csv"
expect_match "names line 3" "bad.csv:3: finding 'maybe' is not violation or no-violation" "$(cat "$T/.err")"
printf 'message,statute,provision,finding\nsame@spam.test,*,4,violation\n' > "$T/bad2.csv"
expect_rc "statute * needs commercial" 1 wb import "$C" findings "$T/bad2.csv"
expect_match "says so" "bad2.csv:2: statute '\*' takes only provision 'commercial'" "$(cat "$T/.err")"
printf 'message,statute,finding\nx,co-6-2.5,violation\n' > "$T/bad3.csv"
expect_rc "missing column" 1 wb import "$C" findings "$T/bad3.csv"
expect_match "names the column" "no column 'provision'" "$(cat "$T/.err")"
printf 'message,statute,provision,finding,notes\nx,co-6-2.5,4,violation,typo\n' > "$T/bad4.csv"
expect_rc "unknown column" 1 wb import "$C" findings "$T/bad4.csv"
expect_match "names file, line and column" "bad4.csv:1: unknown column 'notes' \(column 5\)" "$(cat "$T/.err")"
expect_rc "no such trap: a usage error" 2 wb finding "$C" same@spam.test co-6-2.5 4 violation --trap nobody@trap.test
expect_match "no such trap: the traps listed" "^error: unknown trap 'nobody@trap.test'
hint: a trap is one of one@trap.test, two@trap.test$" "$(cat "$T/.err")"
expect_eq "nothing changed" "$n" "$(wb sql "$C" "SELECT count(*) FROM findings" --format csv | tail -n 1)"
expect_rc "usage" 2 wb finding "$C" same@spam.test co-6-2.5 4 perhaps

# '* commercial violation' replaces the no-violation: copies 3 and 4 are
# back, each with its 6-2.5-103(4) violation, one in each trap.
expect_rc "commercial after all" 0 wb finding "$C" other@spam.test '*' commercial violation
expect_eq "by provision" "co-6-2.5,6-2.5-103(4),2,2000" "$(wb damages "$C" --statute co-6-2.5 --preemption ignore --by provision --format csv | tail -n +2)"
# The last column is each trap's share of its plaintiff's action: no cap
# in Colorado, so its per-copy sum.
expect_eq "by trap" "co-6-2.5,one@trap.test,1,1000,1000 co-6-2.5,two@trap.test,1,1000,1000" "$(wb damages "$C" --statute co-6-2.5 --preemption ignore --by trap --format csv | tail -n +2 | tr '\n' ' ' | sed 's/ $//')"
# The analyst denies the nexus of one copy: out of Colorado's reach.
expect_rc "nexus finding" 0 wb finding "$C" other@spam.test co-6-2.5 nexus no-violation --trap one@trap.test
expect_eq "one copy left" "1000" "$(total)"
expect_match "nexus counted as excluded" '"excluded_nexus": 1' "$(wb damages "$C" --statute co-6-2.5 --preemption ignore --format json)"
t_done
