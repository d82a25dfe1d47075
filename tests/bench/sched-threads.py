#!/usr/bin/env python3
"""Where each thread of one workbench command spends its life, from the
kernel's schedstat (sampled every 20 ms): run (on a CPU), runq (ready but
waiting for a CPU: the machine's load) and blocked (waiting for work or a
lock: the pipeline's stalls).  On a shared machine wall time moves with
the load, and blocked time much less: a pipeline whose parse workers
block a third of their life has a stall to find.

  python3 tests/bench/sched-threads.py BINARY ARG...
  e.g. python3 tests/bench/sched-threads.py build/workbench reanalyze 25k.case

Prints the wall time, the command's stderr (WB_TIMING=1 is set), and per
thread name (wb-parse, wb-write, the main thread): count, seen, run, runq,
blocked in seconds (seen: first to last sample)."""
import collections, os, subprocess, sys, time

if len(sys.argv) < 3:
    sys.exit(__doc__)
env = dict(os.environ, WB_NO_PROGRESS="1", WB_TIMING="1")
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
first, last, stat, name = {}, {}, {}, {}
t0 = time.monotonic()
while p.poll() is None:
    now = time.monotonic()
    try:
        tids = os.listdir("/proc/%d/task" % p.pid)
    except OSError:
        tids = []
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/schedstat" % (p.pid, tid)) as f:
                run, wait, _ = map(int, f.read().split())
            with open("/proc/%d/task/%s/comm" % (p.pid, tid)) as f:
                name[tid] = f.read().strip()
        except (OSError, ValueError):
            continue
        first.setdefault(tid, now)
        last[tid] = now
        stat[tid] = (run, wait)
    time.sleep(0.02)
wall = time.monotonic() - t0
err = p.stderr.read().decode(errors="replace")
tot = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0])
for tid, (run, wait) in stat.items():
    t = tot[name[tid]]
    t[0] += 1
    t[1] += last[tid] - first[tid]
    t[2] += run / 1e9
    t[3] += wait / 1e9
print("wall %.2f s, exit %d  %s" % (wall, p.returncode, err.strip().replace("\n", " | ")))
for n, (k, seen, run, wait) in sorted(tot.items()):
    print("  %-14s x%d  seen %7.2f  run %7.2f  runq %7.2f  blocked %7.2f"
          % (n, k, seen, run, wait, max(0.0, seen - run - wait)))
