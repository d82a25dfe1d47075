#!/bin/sh
# messages CASE [filters]: filters and the JSON contract, on rows written
# directly with sqlite3 (independent of ingest).
. "$WB_ROOT/tests/lib.sh"
C=$T/c.case
wb init "$C" >/dev/null
sqlite3 "$C" <<'SQL'
INSERT INTO traps(id, address, state, timezone) VALUES (1, 'a@trap.test', 'CA', 'America/Los_Angeles'), (2, 'b@trap.test', 'CO', 'America/Denver');
INSERT INTO sources(id, run, name, chain, depth, format, role, ingested_at) VALUES (1, 1, 'box.tar.gz', 'box.tar.gz', 0, 'tar', 'container', 'x'), (2, 1, 'cur/1', 'box.tar.gz!cur/1', 1, 'message', 'message', 'x');
INSERT INTO raw(id, sha256, size, bytes) VALUES (1, 'aa', 1, x'00'), (2, 'bb', 1, x'00'), (3, 'cc', 1, x'00');
INSERT INTO messages(id, sha256, raw_id, trap_id, status, message_id, from_addr, from_name, subject, local_day, category, campaign, received_at, received_from)
 VALUES (1, 'aa', 1, 1, 'ok', 'm1@x', 'sales@pills.test', 'Pill Shop', 'ADV: Cheap pills', '2008-01-01', 'pharmacy', 1, '2008-01-01T23:59:00-08:00', 'received'),
        (2, 'bb', 2, 2, 'ok', 'm2@x', 'loans@bank.test', NULL, 'Low rates 100%', '2008-01-02', 'mortgage', 2, '2008-01-02T00:01:00-07:00', 'date'),
        (3, 'cc', 3, 1, 'malformed', NULL, NULL, NULL, NULL, '2008-01-03', NULL, NULL, NULL, 'none');
INSERT INTO locations(message, source_id, offset, length, split) VALUES (1, 2, 55, 1000, 'whole'), (1, 1, 0, 1000, 'whole'), (2, 2, 0, 10, 'whole'), (3, 2, 0, 10, 'whole');
INSERT INTO artifacts(message, kind, raw, value, location) VALUES (2, 'phone', '800-555-1212', '+18005551212', 'body:text');
SQL
ids () { wb messages "$C" --format csv "$@" | tail -n +2 | cut -d, -f1 | tr '\n' ' '; }
expect_eq "all copies" "1 2 3 " "$(ids)"
expect_eq "--trap (case-insensitive address)" "1 3 " "$(ids --trap A@Trap.test)"
expect_eq "--from matches name or address" "1 " "$(ids --from 'pill shop')"
expect_eq "--subject substring, % is literal" "2 " "$(ids --subject '100%')"
expect_eq "--since/--until on the local day" "2 " "$(ids --since 2008-01-02 --until 2008-01-02)"
expect_eq "--category" "1 " "$(ids --category pharmacy)"
expect_eq "--has KIND" "2 " "$(ids --has phone)"
expect_eq "--campaign" "2 " "$(ids --campaign 2)"
expect_eq "--status" "3 " "$(ids --status malformed)"
expect_eq "--limit" "1 2 " "$(ids --limit 2)"
expect_rc "bad day is a usage error" 2 wb messages "$C" --since 2008-13-01
expect_rc "bad kind is a usage error" 2 wb messages "$C" --has fax
expect_eq "json carries the contract fields, first location" '[
  {"id": 1, "sha256": "aa", "trap": "a@trap.test", "message_id": "m1@x", "from": "sales@pills.test", "subject": "ADV: Cheap pills", "date_header": null, "received_at": "2008-01-01T23:59:00-08:00", "received_from": "received", "local_day": "2008-01-01", "source": "box.tar.gz!cur/1", "offset": 55, "length": 1000, "status": "ok", "dated_by": "received"}
]' "$(wb messages "$C" --format json --limit 1)"
expect_eq "text mode shows the brief columns" "id  trap         from              subject           local_day   status" \
	"$(wb messages "$C" --limit 1 | head -n 1)"
t_done
