#!/bin/sh
# Disk full while a folder is ingested in groups (ingest.h: group_bytes),
# injected with the LD_PRELOAD shim build/tools/enospc.so at several
# budgets.  The walker reads the next group while the writer commits the
# last one, so a write or an fsync that fails is mostly found one group
# late: the failed group and the one being read must both be rolled back,
# and the summary must count only the files the case holds.
#
# Every file is 1,000 bytes and a group is committed once it holds 10,000:
# ten files a group (tests/gen/maildir-fixed.py; every tenth file is a
# second copy of the one before it, so a group holds 9 distinct copies).
. "$WB_ROOT/tests/lib.sh"
shim=$(cd "$WB_BUILD/tools" 2>/dev/null && pwd)/enospc.so
[ -f "$shim" ] || { skip "disk full, folder" "no $shim"; t_done; exit 0; }
n=300
cd "$T" || exit 1
python3 "$WB_ROOT/tests/gen/maildir-fixed.py" md $n 1000
export WB_INGEST_GROUP_BYTES=10000 WB_INGEST_GROUP_MS=600000
q () { sqlite3 "$1" "$2"; }
state () {
	q "$1" "SELECT m.sha256, s.chain, l.offset, l.length FROM locations l
		JOIN messages m ON m.id = l.message JOIN sources s ON s.id = l.source_id ORDER BY 2, 3"
}
wb init ref.case > /dev/null && wb ingest ref.case md > /dev/null 2>&1
state ref.case > ref.state
expect_eq "uninterrupted: every file" "$n" "$(wc -l < ref.state)"

# Budgets in bytes written (the case and its journal): the first group's
# commit, a few groups in, most of the way.  FSYNC: fsync fails too once
# the budget is spent.
for run in 600000: 3000000: 3000000:1 8000000: 12000000: 12000000:1; do
	budget=${run%:*} fsync=${run#*:}
	name="budget $budget${fsync:+, fsync fails}"
	rm -f k.case k.case-journal
	wb init k.case > /dev/null
	expect_rc "$name: exit 1" 1 env WB_ENOSPC_BYTES="$budget" WB_ENOSPC_FSYNC="$fsync" LD_PRELOAD="$shim" \
		"$WB" ingest k.case md
	expect_match "$name: says the disk is full" "^error: .*(disk is full|No space left)" "$(cat .err)"
	# Whole groups only, and nothing of the others.
	c=$(q k.case "SELECT count(*) FROM sources WHERE depth = 0 AND complete = 1 AND name LIKE 'md/cur/%'")
	expect_eq "$name: whole groups only ($c files)" "yes" "$([ $((c % 10)) -eq 0 ] && [ "$c" -lt $n ] && echo yes)"
	expect_eq "$name: integrity, nothing half stored" "ok 0 $c $((c - c / 10))" \
		"$(q k.case "PRAGMA integrity_check; SELECT count(*) FROM sources WHERE complete = 0;
			SELECT count(*) FROM locations; SELECT count(*) FROM messages" | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "$name: no journal left" "" "$(ls k.case-journal 2>/dev/null)"
	# The summary counts what the case holds, not the groups rolled back.
	expect_match "$name: the summary counts the $c files stored" "sources: +$c ingested" "$(cat .out)"
	expect_match "$name: the summary counts their copies" "copies: +$c found: $((c - c / 10)) added, $((c / 10)) duplicate" \
		"$(cat .out)"
	# Room again: the rest, and the case of an undisturbed run.
	expect_rc "$name: re-run" 0 wb ingest k.case md
	expect_match "$name: the re-run skips the $c files" "$((n - c)) ingested, $c already complete" "$(cat .out)"
	state k.case > k.state
	expect_file "$name: re-run = undisturbed run" ref.state k.state
done
t_done
