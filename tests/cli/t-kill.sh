#!/bin/sh
# SIGKILL 'ingest' at chosen writes to the case, twice in each of KILL_RUNS
# fresh cases (the second time in the re-run), and check that each case,
# once a last run finishes it, equals an uninterrupted run: the same
# (sha256, trap) copies at the same locations, and PRAGMA integrity_check
# ok after every kill.
#
#   make check:  KILL_RUNS=10 on KILL_MESSAGES=1200
#   check-asan:  WB_SAMPLE=N: 1200 / N messages, at least 400 (a hundred a
#                file, so the first still builds artifact_copies itself)
#   long run:    KILL_RUNS=w sh tests/cli/t-kill.sh, w the writes that
#                KILL_REPORT=1 prints (every write: 568 with schema 8);
#                KILL_RUNS=200 KILL_MESSAGES=20000 for a larger input
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
	q "$1" "SELECT m.sha256, t.address, s.chain, l.offset, l.length, m.campaign FROM locations l
		JOIN messages m ON m.id = l.message JOIN sources s ON s.id = l.source_id
		LEFT JOIN traps t ON t.id = m.trap_id ORDER BY 3, 4" | sed "s|$in/||"
}
fresh () { rm -f "$1"*; wb init "$1" > /dev/null && wb import "$1" traps traps.csv > /dev/null 2>&1; }

fresh ref.case
expect_rc "uninterrupted run" 0 killwrite_run ref.case 0 "$WB" ingest ref.case "$in/mail"
w=$(cat "$T/.writes" 2> /dev/null || echo 0)
[ "$w" -gt 1 ] || { t_fail "the uninterrupted run's writes were not counted ($w)" ""; runs=0; }
state ref.case > ref.state
expect_eq "uninterrupted: every copy, both traps" "$n|2" \
	"$(q ref.case "SELECT count(*), count(DISTINCT trap_id) FROM messages")"

# Kill k of RUNS: a fresh case, its ingest killed at the write
# w * k / (RUNS + 1) (+ KILL_SEED, default 0, to try other writes), w the
# writes the uninterrupted run made to the case and its journal; the re-run
# killed half way through what was left (w - p, at least what it must
# write again); a third run finishes, and the case must equal the
# uninterrupted one.  Every kill lands inside the work: an ingest of the
# same input into a fresh case makes the same writes (568 at 1,200
# messages with schema 8), whatever the machine's load.  KILL_RUNS=w
# tries every write.
kills=0 bad=0 compared=0
k=0
while [ $k -lt "$runs" ]; do
	k=$((k + 1))
	p=$(((w * k / (runs + 1) + ${KILL_SEED:-0}) % w + 1))
	fresh k.case
	killwrite_run k.case "$p" "$WB" ingest k.case "$in/mail" > /dev/null 2> run.err
	rc=$?
	[ $rc = 137 ] && kills=$((kills + 1)) || t_fail "kill $k: no kill at write $p of $w (exit $rc)" "$(cat run.err)"
	ic=$(q k.case "PRAGMA integrity_check")
	[ "$ic" = ok ] || { bad=$((bad + 1)); t_fail "integrity after kill $k (at write $p of $w)" "$ic"; }
	r=$(((w - p) / 2 + 1))
	killwrite_run k.case "$r" "$WB" ingest k.case "$in/mail" > /dev/null 2> run.err
	rc=$?
	[ $rc = 137 ] && kills=$((kills + 1)) || t_fail "kill $k: the re-run not killed at its write $r (exit $rc)" "$(cat run.err)"
	ic=$(q k.case "PRAGMA integrity_check")
	[ "$ic" = ok ] || { bad=$((bad + 1)); t_fail "integrity after kill $k's re-run (at write $r)" "$ic"; }
	if [ $k -lt "$runs" ]; then
		"$WB" ingest k.case "$in/mail" > /dev/null 2> run.err || t_fail "kill $k: the last run failed" "$(cat run.err)"
		state k.case > k.state
		compared=$((compared + 1))
		cmp -s ref.state k.state ||
			{ bad=$((bad + 1)); t_fail "kill $k (at writes $p, then $r): the case differs" "$(diff ref.state k.state | head)"; }
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
[ -n "${VERBOSE:-}${KILL_REPORT:-}" ] && echo "  kill: $runs cases of $n messages ($w writes uninterrupted): $kills kills, $((compared + 1)) cases compared, $bad bad"
expect_eq "every kill landed: two in each of $runs cases" "$((2 * runs))" "$kills"
t_done
