#!/bin/sh
# The program bounds what tcmalloc's thread caches keep free to 8 MiB in
# all (wb_malloc_limit_caches(), evidence/case.c): tcmalloc's own bound,
# 32 MiB, let the free memory of the parse workers' and the writer's
# caches take the peak RSS of 1,000,000 copies past 300 MiB.  The shim
# tests/shim/malloc-props.c records the call and reads the value back from
# tcmalloc itself.  A build without tcmalloc (the sanitizers') skips.
. "$WB_ROOT/tests/lib.sh"

if ! ldd "$WB" 2>/dev/null | grep -q tcmalloc; then
	skip "tcmalloc's thread caches" "this build does not link tcmalloc"
	t_done
	exit
fi
log=$T/malloc.log
WB_MALLOC_LOG=$log LD_PRELOAD=$WB_BUILD/tools/malloc-props.so "$WB" init "$T/c.case" > /dev/null 2>&1
# 8 MiB = 8 * 1024 * 1024 bytes, set and read back.
expect_eq "the thread caches' bound, as tcmalloc reads it back" \
	"tcmalloc.max_total_thread_cache_bytes 8388608 8388608" "$(cat "$log" 2>/dev/null)"
t_done
