#!/bin/sh
# Benchmark: 'link' on one message naming 600 parties must take under 15 s
# of CPU.  The message is generated: HTML linking to P distinct advertised
# domains (BENCH_LINK_PARTIES, default 600; the limit is for 600), ingested
# into a new case under build/bench/.  Each domain is a derived advertiser
# party, and link pairs every party the message names with every other
# (rule 2 of attribution.ini): about P^2/2 links and P^2 aggregates (party,
# value, peer) in the message's plan.  Work per pair that grows with P
# shows here: a plan that checked each aggregate against its whole list
# before adding it (P^4) took 31 s of CPU where the linear one took 6 s.
set -u
: "${WB_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${WB:=$WB_ROOT/build/workbench}"
: "${WB_BUILD:=$WB_ROOT/build}"
export WB_NO_PROGRESS=1 TZ=UTC LC_ALL=C.UTF-8
D="$WB_BUILD/bench"
P=${BENCH_LINK_PARTIES:-600}
C="$D/link-many.case"
M="$D/link-many-$P.mbox"
mkdir -p "$D"
python3 - "$M" "$P" <<'PY' || exit 1
import sys
n = int(sys.argv[2])
links = "\n".join('<p><a href="http://www.brand%d-offers.com/go?x=%d">Offer %d</a></p>' % (i, i, i)
                  for i in range(n))
with open(sys.argv[1], "w") as f:
    f.write("""From sender@bulk-mailer.example Mon Jan  7 10:00:00 2008
Return-Path: <sender@bulk-mailer.example>
Received: from mx.bulk-mailer.example (mx.bulk-mailer.example [192.0.2.7])
\tby trap.example with SMTP id 1; Mon, 7 Jan 2008 10:00:00 -0800
From: Deals <sender@bulk-mailer.example>
To: trap@trap.example
Subject: %d offers
Date: Mon, 7 Jan 2008 10:00:00 -0800
Message-ID: <many-%d@bulk-mailer.example>
MIME-Version: 1.0
Content-Type: text/html; charset=us-ascii

<html><body>
%s
</body></html>

""" % (n, n, links))
PY
rm -f "$C" "$C-wal" "$C-shm" "$C.lock"
{ "$WB" init "$C" --name "link benchmark: one message, many parties" &&
	"$WB" ingest "$C" "$M"; } > /dev/null 2>&1 || { echo "bench-link-many: cannot make the case"; exit 1; }
/usr/bin/time -v "$WB" link "$C" > "$D/link-many.out" 2> "$D/link-many.time" ||
	{ cat "$D/link-many.time"; exit 1; }
secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$D/link-many.time" |
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$D/link-many.time" | awk '{ s += $1 } END { print s }')
out=$(cat "$D/link-many.out")
echo "bench-link: 1 message naming $P advertised domains: link in $secs s ($cpu s CPU)"
echo "bench-link: $out"
# The shape it is meant to have: at least P parties, every one linked to
# every other.
echo "$out" | awk -v p="$P" '{
	for (i = 1; i <= NF; i++) { if ($(i + 1) == "parties") n = $i; if ($(i + 1) == "links") l = $i }
	exit !(n >= p && l == n * (n - 1) / 2) }' ||
	{ echo "bench-link-many: FAIL (not $P parties all linked: $out)"; exit 1; }
awk -v s="$cpu" 'BEGIN { exit !(s < 15) }' || { echo "bench-link-many: FAIL (over 15 s of CPU)"; exit 1; }
