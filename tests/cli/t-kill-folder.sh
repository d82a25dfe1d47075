#!/bin/sh
# SIGKILL 'ingest' of a Maildir at chosen writes to the case.  The files
# of a folder are committed in groups (ingest.h: group_bytes): a kill must
# leave whole groups and nothing of the group being stored, and the next
# run must skip exactly the files complete in the case and store the rest
# in groups of the same size, ending with the rows of an uninterrupted run.
#
# Every file is 1,000 bytes and a group is committed once it holds 10,000:
# ten files a group, N/10 groups, and one more for the Maildir's tmp/
# (recorded as skipped, after cur/ and new/).  Every tenth file is a second
# copy of the one before it (tests/gen/maildir-fixed.py).
. "$WB_ROOT/tests/lib.sh"
runs=${KILL_RUNS:-5}
n=${KILL_FILES:-600}
cd "$T" || exit 1
python3 "$WB_ROOT/tests/gen/maildir-fixed.py" md $n 1000
export WB_INGEST_GROUP_BYTES=10000 WB_INGEST_GROUP_MS=600000 WB_TIMING=1
printf 'address,timezone\ntrap1@example.org,America/New_York\ntrap2@example.org,America/Los_Angeles\n' > traps.csv
q () { sqlite3 "$1" "$2"; }
state () {
	q "$1" "SELECT m.sha256, t.address, s.chain, l.offset, l.length, m.campaign FROM locations l
		JOIN messages m ON m.id = l.message JOIN sources s ON s.id = l.source_id
		LEFT JOIN traps t ON t.id = m.trap_id ORDER BY 3, 4"
}
fresh () { rm -f "$1"*; wb init "$1" > /dev/null && wb import "$1" traps traps.csv > /dev/null 2>&1; }
commits () { sed -n 's/^timing: .*, \([0-9]*\) commit(s).*/\1/p' "$1"; }

fresh ref.case
expect_rc "uninterrupted run" 0 killwrite_run ref.case 0 "$WB" ingest ref.case md
w=$(cat "$T/.writes" 2> /dev/null || echo 0)
[ "$w" -gt 1 ] || { t_fail "the uninterrupted run's writes were not counted ($w)" ""; runs=0; }
state ref.case > ref.state
# n files: n - n/10 distinct copies, n locations.
expect_eq "uninterrupted: every copy once, every location" "$((n - n / 10))|$n" \
	"$(q ref.case "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM locations)")"
expect_eq "uninterrupted: one commit per ten files, one for tmp/" "$((n / 10 + 1))" "$(commits .err)"
# The files of a group share a batch of copies for the parse workers (a
# batch per file kept eight files in flight and woke a worker for each).
expect_eq "uninterrupted: one batch of copies per group" "$((n / 10))" \
	"$(sed -n 's/^timing: .*, \([0-9]*\) batch(es).*/\1/p' .err)"
expect_eq "uninterrupted: one custody row per file" "$((n + 1))" \
	"$(q ref.case "SELECT count(*) FROM custody WHERE action = 'source'")"
# The first group's transaction drops the texts' indexes of fact_values
# and finding_texts (the tables are empty) and builds them again at its
# commit (wb_case_defer_index): they are there, as a new case has them.
keys="SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index'
	AND name IN ('fact_values_key', 'finding_texts_key') ORDER BY name"
fresh new.case
expect_eq "uninterrupted: the texts' indexes as a new case has them" "$(q new.case "$keys")" "$(q ref.case "$keys")"

# Kill i of RUNS at the write w * i / (RUNS + 1) (+ KILL_SEED, default 0)
# of the w the uninterrupted run made to the case and its journal: the
# same files into a fresh case make the same writes, so each kill lands
# inside the work whatever the machine's load.
kills=0 bad=0 i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	p=$(((w * i / (runs + 1) + ${KILL_SEED:-0}) % w + 1))
	fresh k.case
	killwrite_run k.case "$p" "$WB" ingest k.case md > /dev/null 2> run.err
	rc=$?
	[ $rc = 137 ] || { t_fail "kill $i: no kill at write $p of $w (exit $rc)" "$(cat run.err)"; continue; }
	kills=$((kills + 1))
	# Whole groups only: the complete files are a multiple of ten, every
	# row of the case belongs to one of them, and nothing is half done.
	# (A kill after the last group may find tmp/'s own custody row too:
	# only cur/'s files are counted.)
	c=$(q k.case "SELECT count(*) FROM sources WHERE depth = 0 AND complete = 1 AND name LIKE 'md/cur/%'")
	# The texts' indexes are there, whether their drop was rolled back
	# or their rebuild committed.
	got=$(q k.case "PRAGMA integrity_check; SELECT count(*) FROM sources WHERE complete = 0;
		SELECT count(*) FROM locations;
		SELECT count(*) FROM custody WHERE action = 'source' AND detail LIKE 'path=md/cur/%';
		SELECT count(*) FROM sqlite_master WHERE type = 'index'
		AND name IN ('fact_values_key', 'finding_texts_key')" | tr '\n' ' ')
	[ $((c % 10)) -eq 0 ] && [ "$got" = "ok 0 $c $c 2 " ] ||
		{ bad=$((bad + 1)); t_fail "kill $i: $c files complete: whole groups only" "$got"; }
	# The re-run reads the rest, in groups of ten again, and the case is
	# the uninterrupted one.
	expect_rc "kill $i: re-run" 0 wb ingest k.case md
	expect_match "kill $i: the re-run skips the $c complete files" "$((n - c)) ingested, $c already complete" \
		"$(cat .out)"
	expect_eq "kill $i: the re-run commits the rest in groups of ten" "$(((n - c + 9) / 10 + 1))" "$(commits .err)"
	state k.case > k.state
	cmp -s ref.state k.state || { bad=$((bad + 1)); t_fail "kill $i: the case differs" "$(diff ref.state k.state | head)"; }
	expect_eq "kill $i: every copy counted once" "$((n - n / 10))|$n" \
		"$(q k.case "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM locations)")"
done
expect_eq "every kill left whole groups and a re-run completed them" "0" "$bad"
expect_eq "every kill landed" "$runs" "$kills"
t_done
