#!/bin/sh
# While it writes, ingest asks the kernel to start writing the case file to
# the disk (sync_file_range, SYNC_FILE_RANGE_WRITE) every eight batches, so
# that the commit's fdatasync does not wait for every page written since
# the transaction began (evidence/ingest-writer.c, start_writeback()).
# Splitting ingest.c into six files left that call behind an #ifdef whose
# macro its new file no longer saw: it was compiled out, and the commit of
# 25,000 copies of the bench mbox waited 183 ms for the disk where it waits
# 111 ms with the call.  The shim tests/shim/writeback.c logs each call.
. "$WB_ROOT/tests/lib.sh"

# 1,500 distinct copies (tests/gen/many.py): the batches are 16, 32, 64
# and 128 copies, then 256 (ingest-pipeline.c), so the eighth ends at copy
# 16 + 32 + 64 + 128 + 4 * 256 = 1,264.
python3 "$WB_ROOT/tests/gen/many.py" "$T/m.mbox" 1500
wb init "$T/c.case" > /dev/null
log=$T/writeback.log
expect_rc "ingest the mbox" 0 env WB_WRITEBACK_LOG="$log" LD_PRELOAD="$WB_BUILD/tools/writeback.so" \
	"$WB" ingest "$T/c.case" "$T/m.mbox"
expect_eq "the copies stored" 1500 "$(wb sql "$T/c.case" "SELECT count(*) FROM locations" --format csv | tail -n 1)"
# SYNC_FILE_RANGE_WRITE is 2 (linux/fs.h).
n=$(grep -c '^sync_file_range 2$' "$log" 2>/dev/null || true)
if [ "${n:-0}" -ge 1 ]; then
	t_pass "writeback asked for while the copies were written"
else
	t_fail "writeback asked for while the copies were written: ${n:-0} calls, want 1 or more"
fi
t_done
