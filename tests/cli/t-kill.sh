#!/bin/sh
# SIGKILL 'ingest' at random moments, re-run it after each kill, and check
# that the final case equals an uninterrupted run: the same (sha256, trap)
# copies at the same locations, and PRAGMA integrity_check ok after every kill.
#
#   make check:  KILL_RUNS=10 on KILL_MESSAGES=1200 (about 20 s)
#   check-asan:  WB_SAMPLE=N: 1200 / N messages, at least 400 (a hundred a
#                file, so the first still builds artifact_copies itself)
#   long run:    KILL_RUNS=200 KILL_MESSAGES=20000 sh tests/cli/t-kill.sh
#
# The input (generated once under $WB_BUILD/kill-N/, reused) is a folder of
# four top-level files, each one transaction: an mbox, a gzipped mbox, a tar
# of two mboxes and a zip of one, N messages in all, to two traps.
. "$WB_ROOT/tests/lib.sh"
runs=${KILL_RUNS:-10}
n=$((1200 / ${WB_SAMPLE:-1}))
[ $n -ge 400 ] || n=400
n=${KILL_MESSAGES:-$n}
in=$(cd "$WB_BUILD" && pwd)/kill-$n
if [ ! -f "$in/.done" ]; then
	rm -rf "$in" && mkdir -p "$in/mail" "$in/tmp" || exit 1
	q=$((n / 4)); e=$((q / 2))
	python3 "$WB_ROOT/tests/gen/many.py" "$in/mail/1.mbox" $q 0
	python3 "$WB_ROOT/tests/gen/many.py" "$in/tmp/2.mbox" $q $q && gzip -n < "$in/tmp/2.mbox" > "$in/mail/2.mbox.gz"
	python3 "$WB_ROOT/tests/gen/many.py" "$in/tmp/3a.mbox" $e $((2 * q))
	python3 "$WB_ROOT/tests/gen/many.py" "$in/tmp/3b.mbox" $((q - e)) $((2 * q + e))
	(cd "$in/tmp" && bsdtar -cf ../mail/3.tar 3a.mbox 3b.mbox)
	python3 "$WB_ROOT/tests/gen/many.py" "$in/tmp/4.mbox" $((n - 3 * q)) $((3 * q))
	(cd "$in/tmp" && bsdtar --format zip -cf ../mail/4.zip 4.mbox)
	rm -rf "$in/tmp"
	touch "$in/.done"
fi
cd "$T" || exit 1
# The first file is larger than this many artifact rows, and than the case
# holds before it: its transaction adds its copies' artifact_copies rows
# before its commit (ingest.h), so kills land in that window too.
export WB_INGEST_INDEX_REBUILD_MIN=100
printf 'address,timezone\ntrap1@example.org,America/New_York\ntrap2@example.org,America/Los_Angeles\n' > traps.csv
q () { sqlite3 "$1" "$2"; }
state () {
	q "$1" "SELECT m.sha256, t.address, s.chain, l.offset, l.length FROM locations l
		JOIN messages m ON m.id = l.message JOIN sources s ON s.id = l.source_id
		LEFT JOIN traps t ON t.id = m.trap_id ORDER BY 3, 4" | sed "s|$in/||"
}
fresh () { rm -f "$1"*; wb init "$1" > /dev/null && wb import "$1" traps traps.csv > /dev/null 2>&1; }

fresh ref.case
t0=$(date +%s%N)
expect_rc "uninterrupted run" 0 wb ingest ref.case "$in/mail"
ms=$((($(date +%s%N) - t0) / 1000000))
state ref.case > ref.state
expect_eq "uninterrupted: every copy, both traps" "$n|2" \
	"$(q ref.case "SELECT count(*), count(DISTINCT trap_id) FROM messages")"

# Kill at a uniformly random moment within the time the rest of the input
# should take (80 % of the uninterrupted time times the share of top-level
# files not yet complete, plus 30 ms; some runs still finish).  After a kill the
# next run is the re-run; when a run finishes the case is compared with the
# uninterrupted one and a fresh case begun.  Runs until RUNS kills landed.
fresh k.case
kills=0 finished=0 compared=0 bad=0
i=0
while [ $kills -lt "$runs" ] && [ $i -lt $((runs * 3)) ]; do
	i=$((i + 1))
	done4=$(q k.case "SELECT count(*) FROM sources WHERE depth = 0 AND complete = 1")
	limit=$((ms * (4 - done4) / 5 + 30))
	"$WB" ingest k.case "$in/mail" > /dev/null 2> run.err &
	pid=$!
	r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	delay=$(printf '%d.%03d' $((r % limit / 1000)) $((r % limit % 1000)))
	sleep "$delay"
	if kill -9 $pid 2>/dev/null; then
		wait $pid 2>/dev/null
		kills=$((kills + 1))
		ic=$(q k.case "PRAGMA integrity_check")
		[ "$ic" = ok ] || { bad=$((bad + 1)); t_fail "integrity after kill $i (at ${delay}s)" "$ic"; }
	else
		wait $pid || t_fail "run $i failed" "$(cat run.err)"
		finished=$((finished + 1))
	fi
	if [ "$(q k.case "SELECT count(*) FROM sources WHERE depth = 0 AND complete = 1")" = 4 ]; then
		state k.case > k.state
		cmp -s ref.state k.state || { bad=$((bad + 1)); t_fail "after $kills kills the case differs" "$(diff ref.state k.state | head)"; }
		compared=$((compared + 1))
		fresh k.case
	fi
done
# The last case: finish it uninterrupted and compare.
expect_rc "final re-run" 0 wb ingest k.case "$in/mail"
state k.case > k.state
expect_file "final case = uninterrupted run" ref.state k.state
expect_eq "final case: integrity_check" "ok" "$(q k.case "PRAGMA integrity_check")"
arts () { q "$1" "SELECT v.kind, v.value, count(*) FROM artifact_copies c
	JOIN artifact_values v ON v.id = c.value GROUP BY 1, 2"; }
expect_eq "final case: the copies of each value, read through artifact_copies" "$(arts ref.case)" "$(arts k.case)"
expect_eq "final case: artifact_copies as each copy's items give it" "0|0" \
	"$(q k.case "SELECT count(*) FROM (SELECT DISTINCT j.value->>0, a.message FROM message_artifacts a,
		json_each(a.items) j EXCEPT SELECT value, message FROM artifact_copies)")|$(q k.case "SELECT
		count(*) FROM (SELECT value, message FROM artifact_copies EXCEPT SELECT DISTINCT j.value->>0,
		a.message FROM message_artifacts a, json_each(a.items) j)")"
expect_match "(the reference run built it again)" "built again in 1 source" \
	"$(fresh r2.case; WB_TIMING=1 "$WB" ingest r2.case "$in/mail" 2>&1 >/dev/null)"
expect_rc "final case: verify" 0 wb verify k.case
expect_eq "every kill left an intact case" "0" "$bad"
[ -n "${VERBOSE:-}${KILL_REPORT:-}" ] && echo "  kill: $i runs on $n messages (${ms} ms uninterrupted): $kills killed, $finished finished, $((compared + 1)) cases compared, $bad bad"
expect_eq "$runs kills landed" "yes" "$([ "$kills" -ge "$runs" ] && echo yes)"
t_done
