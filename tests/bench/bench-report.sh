#!/bin/sh
# report for a case of 100,000 counted copies (goal: under 30 s, memory
# bounded: the workbook is written in libxlsxwriter's constant_memory mode).
# The case is generated with SQL under build/bench/ and reused when present
# (delete it to regenerate).  Copies over two traps (California and
# Arkansas), 300 days, campaigns of 250 copies; an invalid From domain on
# every copy and no legal name on Arkansas copies make each one count.
cd "$(dirname "$0")/../.." || exit 1
WB=${WB:-build/workbench}
B=${WB_BUILD:-build}/bench
N=${BENCH_COPIES:-100000}
C=$B/report-$N.case
mkdir -p "$B"
if [ ! -f "$C" ]; then
	echo "bench-report: generating $N copies in $C"
	rm -f "$C.tmp"
	"$WB" init "$C.tmp" --name "bench v. report" --filed 2008-05-01 > /dev/null || exit 1
	sqlite3 "$C.tmp" <<SQL || exit 1
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO traps (id, address, state, provider_state, timezone) VALUES
 (1, 'ca1@trap.test', 'CA', 'CA', 'America/Los_Angeles'), (2, 'ar1@trap.test', 'AR', 'AR', 'America/Chicago');
INSERT INTO raw (id, sha256, size, bytes) VALUES (1, printf('%064d', 0), 1, x'00');
INSERT INTO sources (id, run, name, chain, depth, size, sha256, format, role, messages, complete, ingested_at)
 VALUES (1, 1, 'bench.mbox', 'bench.tar.gz!bench.mbox', 0, 1, printf('%064d', 1), 'mbox', 'mailbox', $N, 1, '2008-05-01T00:00:00Z');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO messages (id, sha256, raw_id, trap_id, status, message_id, from_addr, subject, received_epoch,
                      received_from, local_day, campaign)
SELECT i, printf('%064x', i), 1, 1 + (i % 4 = 0), 'ok', 'b' || i || '@bench', 'sender' || (i % 97) || '@spam' || (i % 13) || '.test',
       CASE i % 5 WHEN 0 THEN '=cmd|'' /C calc''!A0 offer ' || i ELSE 'Offer number ' || i END,
       1180700000 + (i % 300) * 86400 + i % 3600, 'received', date('2007-06-01', '+' || (i % 300) || ' days'), i / 250 FROM n;
INSERT INTO locations (message, source_id, offset, length, split) SELECT id, 1, id * 100, 100, 'mboxrd' FROM messages;
INSERT INTO facts (message, name, value, confidence) SELECT id, 'from_domain_valid', '0', 'certain' FROM messages;
INSERT INTO facts (message, name, value, confidence) SELECT id, 'sender_legal_name', '0', 'certain' FROM messages WHERE trap_id = 2;
COMMIT;
SQL
	mv "$C.tmp" "$C"
fi
rm -rf "$B/report-out"
# The load when the run starts: a wall time far above the CPU time on a
# loaded machine says nothing about the report.
read -r load _ < /proc/loadavg
/usr/bin/time -f "%e %U %S %M" -o "$B/time.txt" "$WB" report "$C" --out "$B/report-out" > "$B/report.out" || exit 1
read -r wall user sys kb < "$B/time.txt"
counted=$("$WB" damages "$C" --format json | python3 -c "import json,sys; print(sum(s['violating_messages'] for s in json.load(sys.stdin)['statutes']))")
awk -v n="$N" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kb" -v c="$counted" -v l="$load" 'BEGIN {
	printf "bench-report: %d copies, %d counted rows (copy x statute)  %6.2f s wall  %6.2f s cpu  %4d MB  load %s  (goal 30 s)%s\n", n, c, w, u + s, k / 1024, l, \
		(w > 30 ? (u + s > 30 ? "  SLOW" : "  (machine loaded)") : "")
	exit (u + s > 30) }'
