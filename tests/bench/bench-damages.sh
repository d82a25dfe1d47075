#!/bin/sh
# damages over a case of 1,000,000 copies (goal: under 5 s), the
# scenarios table (goal: under 30 s) and damages per defendant (goal: under
# 10 s).  The case is generated with SQL under
# build/bench/ and reused when present (delete it to regenerate).
# Copies over 8 traps in 6 states, 300 days, campaigns of 500 copies, and 10
# facts per copy (10,000,000 fact rows); the rule findings are then stored
# as ingest does (build/tools/apply-rules).  'damages' reads the stored
# masks; 'from-facts' uses an edited copy of the statutes (one comment
# added), so every check is evaluated from the facts in memory.
cd "$(dirname "$0")/../.." || exit 1
WB=${WB:-build/workbench}
B=${WB_BUILD:-build}/bench
C=$B/damages-1m.case
N=${BENCH_COPIES:-1000000}
mkdir -p "$B"
if [ ! -f "$C" ]; then
	echo "bench-damages: generating $N copies in $C"
	rm -f "$C.tmp"
	"$WB" init "$C.tmp" --name bench --filed 2008-05-01 > /dev/null || exit 1
	sqlite3 "$C.tmp" <<SQL || exit 1
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO traps (id, address, state, provider_state, timezone) VALUES
 (1, 'ca1@t', 'CA', 'CA', 'America/Los_Angeles'), (2, 'ca2@t', 'CA', 'WA', 'America/Los_Angeles'),
 (3, 'co1@t', 'CO', 'CO', 'America/Denver'), (4, 'ar1@t', 'AR', 'AR', 'America/Chicago'),
 (5, 'ar2@t', 'TX', 'AR', 'America/Chicago'), (6, 'az1@t', 'AZ', 'AZ', 'America/Phoenix'),
 (7, 'tx1@t', 'TX', 'TX', 'America/Chicago'), (8, 'ny1@t', 'NY', 'NY', 'America/New_York');
INSERT INTO raw (id, sha256, size, bytes) VALUES (1, printf('%064d', 0), 1, x'00');
DROP INDEX messages_damages;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, local_day, campaign)
SELECT i, printf('%064x', i), 1, 1 + i % 8, 'ok', 'b' || i || '@bench',
       date('2007-06-01', '+' || (i % 300) || ' days'), i / 500 FROM n;
CREATE INDEX messages_damages ON messages(trap_id, local_day, campaign);
WITH f(name, m, k) AS (VALUES ('subject_adv', 3, 0), ('subject_adv_adult', 2, 1), ('opt_out', 4, 1),
  ('sender_legal_name', 2, 1), ('sender_street_address', 3, 2), ('from_domain_valid', 5, 1),
  ('header_forged', 2, 0), ('helo_mismatch', 7, 0), ('sexual_content', 9, 0), ('category', 0, 0))
INSERT INTO facts (message, name, value, confidence)
SELECT messages.id, f.name,
       CASE WHEN f.name = 'category' THEN 'pharmacy' WHEN messages.id % f.m = f.k THEN '0' ELSE '1' END,
       CASE WHEN f.name IN ('header_forged', 'helo_mismatch', 'sexual_content') THEN 'indicator' ELSE 'certain' END
FROM messages, f ORDER BY messages.id;
COMMIT;
SQL
	${WB_BUILD:-build}/tools/apply-rules "$C.tmp" > /dev/null || exit 1
	mv "$C.tmp" "$C"
fi
# The attribution 'link' would make: each copy sent by one of two senders,
# for one of two affiliates, advertising one of two advertisers (3,000,000
# message_parties rows); two strong links make two groups.  Added to a case
# generated before it was part of the bench.
if [ "$(sqlite3 "$C" "SELECT count(*) FROM parties")" = 0 ]; then
	echo "bench-damages: attributing the copies in $C"
	sqlite3 "$C" <<SQL || exit 1
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO parties (id, name, role, derived) VALUES (1, 'Send One', 'sender', 0), (2, 'Send Two', 'sender', 0),
 (3, 'Aff One', 'affiliate', 0), (4, 'Aff Two', 'affiliate', 0), (5, 'Adv One', 'advertiser', 0),
 (6, 'Adv Two', 'advertiser', 0), (7, '192.0.2.7', 'sender', 1), (8, 'mailer.test', 'sender', 1);
INSERT INTO links (id, party_a, party_b, score, strength, review) VALUES
 (1, 1, 3, 8.0, 'strong', NULL), (2, 3, 5, 7.0, 'strong', NULL), (3, 2, 7, 6.0, 'strong', NULL),
 (4, 4, 6, 2.0, 'weak', NULL), (5, 2, 4, 4.0, 'moderate', 'confirmed');
DROP INDEX IF EXISTS message_parties_party;
INSERT INTO message_parties (message, party, role, kind, value, location)
SELECT id, 1 + id % 2, 'sender', 'domain', 'x.test', 'header:From' FROM messages;
INSERT INTO message_parties (message, party, role, kind, value, location)
SELECT id, 3 + (id / 7) % 2, 'affiliate', 'affiliate_id', 'x.test aff=1', 'body:href' FROM messages;
INSERT INTO message_parties (message, party, role, kind, value, location)
SELECT id, 5 + (id / 500) % 2, 'advertiser', 'domain', 'y.test', 'body:href' FROM messages;
CREATE INDEX message_parties_party ON message_parties(party);
COMMIT;
SQL
fi
rm -rf "$B/statutes" && mkdir -p "$B/statutes" && cp templates/statutes/*.ini "$B/statutes/" &&
	echo "# edited copy" >> "$B/statutes/co-6-2.5.ini" || exit 1
# Wall time is the goal; CPU time (user + sys) is printed beside it because
# this machine is shared and a loaded machine stretches wall time.
measure () {   # label goal-seconds command...
	label=$1 goal=$2; shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$B/time.txt" "$@" > "$B/$label.out" || exit 1
	read -r wall user sys kb < "$B/time.txt"
	awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kb" -v g="$goal" 'BEGIN {
		printf "bench-damages: %-12s %6.2f s wall  %6.2f s cpu  %4d MB  (goal %s s)%s\n", l, w, u + s, k / 1024, g, \
			(w > g ? (u + s > g ? "  SLOW" : "  (machine loaded)") : "")
		exit (u + s > g) }'
}
measure damages 5 "$WB" damages "$C"
measure from-facts 5 "$WB" damages "$C" --statutes "$B/statutes"
measure scenarios 30 "$WB" damages "$C" --scenarios --format csv
measure by-incident 30 "$WB" damages "$C" --by incident --format csv
measure by-defendant 10 "$WB" damages "$C" --by defendant
