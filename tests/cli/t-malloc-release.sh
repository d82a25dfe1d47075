#!/bin/sh
# Memory goes back to the system only from a process holding
# WB_MALLOC_RELEASE_RSS (192 MiB) or more (evidence/case.h): each free span
# given back is a system call that flushes the other cores' TLBs, 48-66 ms
# at the end of a 6,046-file folder's ingest, while the peaks the releases
# keep down are those of 200,000 copies and more.  The shim
# tests/shim/malloc-props.c logs every call of tcmalloc's
# MallocExtension_ReleaseFreeMemory(), and can make the process larger by a
# ballast of its own.  A build without tcmalloc (the sanitizers') skips.
. "$WB_ROOT/tests/lib.sh"

if ! ldd "$WB" 2>/dev/null | grep -q tcmalloc; then
	skip "giving memory back" "this build does not link tcmalloc"
	t_done
	exit
fi
# 200 distinct small copies in an mbox (tests/gen/many.py).
python3 "$WB_ROOT/tests/gen/many.py" "$T/m.mbox" 200
shim=$WB_BUILD/tools/malloc-props.so

# ingest LOG [BALLAST_MIB]: a new case, the mbox ingested under the shim.
ingest () {
	rm -f "$T/c.case" "$T/c.case.lock" "$1"
	wb init "$T/c.case" > /dev/null
	WB_MALLOC_LOG=$1 WB_MALLOC_BALLAST_MIB=${2:-0} LD_PRELOAD=$shim \
		"$WB" ingest "$T/c.case" "$T/m.mbox" > "$T/out" 2>&1
}
releases () { grep -c '^release$' "$1" 2>/dev/null || true; }

# The process stays far under 192 MiB: nothing is given back.  (Before,
# ingest gave memory back when it set its page cache, when it put the
# cache back, and campaigns did the same: four calls or more.)
expect_rc "ingest a small mbox" 0 ingest "$T/small.log"
expect_eq "releases from a process under 192 MiB" 0 "$(releases "$T/small.log")"
expect_eq "the copies stored" 200 "$(wb sql "$T/c.case" "SELECT count(*) FROM locations" --format csv | tail -n 1)"

# With 256 MiB more held, the same ingest gives memory back at each of
# those places: the page cache raised and put back, by ingest and by
# campaigns, is four calls.
expect_rc "ingest it again with a ballast of 256 MiB" 0 ingest "$T/large.log" 256
n=$(releases "$T/large.log")
if [ "$n" -ge 4 ]; then
	t_pass "releases from a process over 192 MiB"
else
	t_fail "releases from a process over 192 MiB: $n, want 4 or more"
fi
t_done
