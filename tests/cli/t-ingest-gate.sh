#!/bin/sh
# The parse workers' gate (evidence/ingest-pipeline.c, worker_gate) holds
# all but one worker while a parsed batch waits for the writer, so that
# the writer keeps a core.  It must open while the writer itself waits for
# a batch still being parsed: the batches parsed after that one wait for
# it, not for the writer.  Counted by batches parsed and unwritten alone,
# the gate stayed shut then, one worker parsed and a core was idle (0.88
# of the time of ingest alone over 50,000 bench copies once it opens).
#
# The shim tests/shim/slowparse.c makes one copy of the second batch take
# a second to parse.  The batches are 16, 32, 64, 128, then 256 copies
# (ingest-pipeline.c), eight in flight at most (INFLIGHT_MAX, a batch
# weighs 512 of 4,096).  Copy 20 is the fifth of the second batch.
#  - Gate shut: the other worker parses the third batch, then waits, since
#    that batch waits to be written; at most 16 + 4 + 64 = 84 others are
#    parsed when the slow copy is.
#  - Gate open: it parses the batches after, up to the eighth, while the
#    writer waits: at least the fourth's 128 more, 212 in all.
# One processor (taskset: the first this process may run on, not always
# 0 in a container), so the gate lets one worker of the two parse while
# the writer is behind (parse_behind = processors - 1, at least 1).
. "$WB_ROOT/tests/lib.sh"

python3 "$WB_ROOT/tests/gen/many.py" "$T/m.mbox" 1500
wb init "$T/c.case" > /dev/null
log=$T/slow.log
cpu=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
expect_rc "ingest with one slow copy" 0 env WB_SLOW_SUBJECT="offer number 20" WB_SLOW_MS=1000 \
	WB_SLOW_LOG="$log" LD_PRELOAD="$WB_BUILD/tools/slowparse.so" \
	taskset -c "$cpu" "$WB" ingest "$T/c.case" --no-analysis --threads 2 "$T/m.mbox"
expect_eq "the copies stored" 1500 "$(wb sql "$T/c.case" "SELECT count(*) FROM locations" --format csv | tail -n 1)"
n=$(sed -n 's/^parsed //p' "$log" 2>/dev/null)
if [ "${n:-0}" -ge 212 ]; then
	t_pass "the gate opened while the writer waited for the slow batch ($n parsed meanwhile)"
else
	t_fail "the gate opened while the writer waited for the slow batch: ${n:-none} parsed meanwhile, want 212 or more"
fi
t_done
