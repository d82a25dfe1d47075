#!/bin/sh
# The analysts' views (evidence/schema.sql) over a small hand-made case:
# the rows below are written straight into the test's case with sqlite3, and
# each expected line is worked out from them by hand (see the comments).
. "$WB_ROOT/tests/lib.sh"
if ! command -v sqlite3 > /dev/null 2>&1; then
	skip "views" "sqlite3 is not installed"
	t_done
	exit $?
fi
cd "$T" || exit 1
WB_OPERATOR=tester wb init c.case > /dev/null
sqlite3 c.case <<'SQL'
INSERT INTO traps (id, address, holder, timezone) VALUES
 (1, 'a@trap.example', 'Ann', 'America/Los_Angeles'), (2, 'b@trap.example', 'Bob', 'UTC');
INSERT INTO raw (id, sha256, size, bytes) VALUES (1, 'aa', 1, 'x'), (2, 'bb', 1, 'y');
INSERT INTO sources (id, run, parent_id, name, chain, depth, format, role, ingested_at) VALUES
 (1, 1, NULL, 'box.zip', 'box.zip', 0, 'zip', 'container', 't'),
 (2, 1, 1, 'm1.eml', 'box.zip!m1.eml', 1, 'message', 'message', 't'),
 (3, 1, 1, 'all.mbox', 'box.zip!all.mbox', 1, 'mbox', 'mailbox', 't'),
 (4, 1, 1, 'x.jpg', 'box.zip!x.jpg', 1, 'binary', 'not-mail', 't');
INSERT INTO messages (id, sha256, raw_id, trap_id, status, subject, from_addr, local_day) VALUES
 (1, 'aa', 1, 1, 'ok', 'Cheap pills', 'spam@x.example', '2008-03-01'),
 (2, 'aa', 1, 2, 'ok', 'Cheap pills', 'spam@x.example', '2008-03-01'),
 (3, 'bb', 2, 0, 'malformed', 'Hi', NULL, '2008-03-02'),
 (4, 'bb', 2, 1, 'ok', 'Hi', 'h@y.example', '2008-03-02');
INSERT INTO locations (id, message, source_id, offset, length, split) VALUES
 (1, 1, 3, 100, 1, 'mbox-from'), (2, 1, 2, 0, 1, 'whole'), (3, 2, 2, 0, 1, 'whole'),
 (4, 3, 3, 0, 1, 'mbox-from');
INSERT INTO artifacts (message, kind, raw, value, location) VALUES
 (1, 'phone', '(800) 555-1234', '+18005551234', 'body:text'),
 (2, 'phone', '800.555.1234', '+18005551234', 'body:text'),
 (4, 'phone', '(800) 555-1234', '+18005551234', 'body:text'),
 (4, 'email', 'H@y.example', 'h@y.example', 'header:From');
INSERT INTO hops (message, idx, raw, from_ip, from_rdns, time_status, origin) VALUES
 (1, 0, 'r0', NULL, NULL, 'ok', 0), (1, 1, 'r1', '192.0.2.7', 'mail.x.example', 'ok', 1);
SQL

q () { printf '.mode csv\n%s\n' "$1" | wb shell c.case | tail -n +2; }

# Copy 1 was met first in all.mbox (location 1) and also in m1.eml: 2
# places.  Copy 3 matched no trap (empty).  Copy 4 has no location yet.
expect_eq "v_copies" "1,a@trap.example,2008-03-01,spam@x.example,ok,box.zip!all.mbox,2
2,b@trap.example,2008-03-01,spam@x.example,ok,box.zip!m1.eml,1
3,,2008-03-02,,malformed,box.zip!all.mbox,1
4,a@trap.example,2008-03-02,h@y.example,ok,,0" \
	"$(q "SELECT id, trap, local_day, from_addr, status, source, locations FROM v_copies ORDER BY id;")"
# Ann's trap got copies 1 and 4 on two days; Bob's copy 2 on one.
expect_eq "v_traps" "a@trap.example,2,2,2008-03-01,2008-03-02
b@trap.example,1,1,2008-03-01,2008-03-01" \
	"$(q "SELECT address, copies, days, first_day, last_day FROM v_traps ORDER BY address;")"
expect_eq "v_days (the unmatched copy has no trap day)" "a@trap.example,2008-03-01,1
a@trap.example,2008-03-02,1
b@trap.example,2008-03-01,1" "$(q "SELECT * FROM v_days ORDER BY trap, local_day;")"
# The phone is in copies 1, 2, 4 (traps 1, 2, 1: two traps); '(' sorts
# before '8', so the example is the parenthesized form.
expect_eq "v_artifacts" "email,h@y.example,1,1,H@y.example
phone,+18005551234,3,2,(800) 555-1234" "$(q "SELECT * FROM v_artifacts ORDER BY kind, value;")"
expect_eq "v_sources (ingested by the operator of run 1)" "2,box.zip!m1.eml,message,tester
3,box.zip!all.mbox,mailbox,tester
4,box.zip!x.jpg,not-mail,tester" \
	"$(q "SELECT id, chain, role, ingested_by FROM v_sources WHERE role <> 'container' ORDER BY id;")"
expect_eq "v_origins" "1,1,192.0.2.7,mail.x.example" \
	"$(q "SELECT message, idx, from_ip, from_rdns FROM v_origins;")"
expect_eq "v_custody carries the run's command line" "begin,workbench init c.case
end,workbench init c.case" "$(q "SELECT action, run_command_line FROM v_custody WHERE action <> 'statute' ORDER BY id;")"
t_done
