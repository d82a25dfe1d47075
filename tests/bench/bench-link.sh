#!/bin/sh
# Benchmark: 'link' over 1,000,000 message copies and 10,000 roster parties
# must take under 60 seconds.  The case is generated with SQL under
# build/bench/ (about 1 GB of nothing but rows) and reused when present.
#
# Shape: 2,000 campaigns; message m belongs to campaign m % 2000, which has
# one From address (a roster affiliate's for three campaigns in four, else an
# unknown sender domain), one origin IP (of 1,000), one advertised domain (of
# 200) and one affiliate id (a roster id, or an unknown one).  The roster's
# 10,000 parties share phones in pairs, payees in threes, and 20 countries.
set -u
: "${WB_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${WB:=$WB_ROOT/build/workbench}"
: "${WB_BUILD:=$WB_ROOT/build}"
export WB_NO_PROGRESS=1 TZ=UTC LC_ALL=C.UTF-8
D="$WB_BUILD/bench"
C="$D/link.case"
N=${BENCH_LINK_MESSAGES:-1000000}
mkdir -p "$D"
if [ ! -f "$C.done-$N" ]; then
	rm -f "$C" "$C".done-* "$C-wal" "$C-shm"
	"$WB" init "$C" --name "link benchmark" > /dev/null || exit 1
	python3 - "$D/parties.csv" <<'PY'
import csv, sys
countries = ["US", "CA", "GB", "DE", "FR", "PA", "RU", "CN", "NL", "BR",
             "MX", "IN", "JP", "KR", "AU", "ES", "IT", "SE", "PL", "UA"]
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "role", "email", "phone", "country", "payee", "domain", "affiliate_id"])
    for i in range(10000):
        role = "affiliate" if i % 10 < 8 else ("advertiser" if i % 10 == 8 else "sender")
        w.writerow(["Party %d LLC" % i, role, "a%d@aff%d.example" % (i, i),
                    "(800) %03d-%04d" % (200 + i // 2 % 800, i // 2),
                    countries[i % 20], "Payee %d Inc" % (i // 3),
                    "adv%d.example" % i if role == "advertiser" else "",
                    "cashsite.com aff=%d" % i])
PY
	"$WB" import "$C" parties "$D/parties.csv" > /dev/null || exit 1
	sqlite3 "$C" > /dev/null <<SQL || exit 1
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO raw (id, sha256, size, bytes) VALUES (1, printf('%064d', 0), 1, x'00');
WITH RECURSIVE s(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM s WHERE m < $N)
INSERT INTO messages (id, sha256, raw_id, status, from_addr)
SELECT m, printf('%064d', m), 1, 'ok',
       CASE WHEN m % 2000 % 4 < 3 THEN printf('a%d@aff%d.example', m % 2000 * 5, m % 2000 * 5)
            ELSE printf('news@spam%d.example', m % 2000) END
FROM s;
INSERT INTO artifacts (message, kind, raw, value, location)
SELECT id, 'affiliate_id', 'x', printf('cashsite.com aff=%d', id % 2000 * 7 % 12000), 'body:href' FROM messages;
INSERT INTO artifacts (message, kind, raw, value, location)
SELECT id, 'domain', 'x', printf('adv%d.example', id % 200 * 10 + 8), 'body:href' FROM messages;
INSERT INTO hops (message, idx, raw, from_host, from_ip, time_status, origin)
SELECT id, 1, 'x', printf('mx%d.sender.example', id % 1000), printf('10.%d.%d.%d', id % 1000 / 250, id % 250, 7), 'ok', 1 FROM messages;
COMMIT;
SQL
	touch "$C.done-$N"
fi
/usr/bin/time -v "$WB" link "$C" > "$D/link.out" 2> "$D/link.time" || { cat "$D/link.time"; exit 1; }
secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$D/link.time" |
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$D/link.time")
echo "bench-link: $N copies, 10000 roster parties: link in $secs s, peak RSS $((rss / 1024)) MB"
echo "bench-link: $(cat "$D/link.out")"
awk -v s="$secs" 'BEGIN { exit !(s < 60) }' || { echo "bench-link: FAIL (over 60 s)"; exit 1; }
