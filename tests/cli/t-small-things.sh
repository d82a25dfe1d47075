#!/bin/sh
# No .lock file is left beside a case, while a second writer is still
# refused; init names a missing folder; a bad --threads names the option;
# a closed output pipe ends the program as it ends git (SIGPIPE, silently).
. "$WB_ROOT/tests/lib.sh"

C="$T/s.case"
expect_rc "init" 0 wb init "$C"
printf 'address,state,provider_state,timezone\na@trap.test,CA,CA,America/Los_Angeles\n' > "$T/traps.csv"
expect_rc "a writing command" 0 wb import "$C" traps "$T/traps.csv"
expect_eq "no lock file left" "s.case" "$(ls "$T" | grep '^s\.case')"

# A second writer is refused while the first holds the lock.
python3 - "$C" "$WB" "$T/traps.csv" <<'PY' > "$T/held.out" 2>&1
import fcntl, os, subprocess, sys
case, wb, traps = sys.argv[1:4]
fd = os.open(case + ".lock", os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
r = subprocess.run([wb, "import", case, "traps", traps], capture_output=True, text=True)
print(r.returncode, r.stderr.strip())
PY
expect_match "by the holder's pid" "^1 error: case in use by pid [0-9]+$" "$(cat "$T/held.out")"
# The holder above left its file (a writer that died): the next writer
# locks it, and removes it when done.
expect_rc "after the holder" 0 wb import "$C" traps "$T/traps.csv"
expect_eq "and leaves none" "s.case" "$(ls "$T" | grep '^s\.case')"

expect_rc "init in a missing folder" 1 wb init "$T/nodir/x.case"
expect_eq "names the folder" "error: cannot create case '$T/nodir/x.case': folder '$T/nodir' does not exist" "$(cat "$T/.err")"
: > "$T/plain"
expect_rc "init under a file" 1 wb init "$T/plain/x.case"
expect_match "not a folder" "folder '$T/plain' is not a folder" "$(cat "$T/.err")"

expect_rc "threads 0" 2 wb ingest "$C" --threads 0 "$T/traps.csv"
expect_match "names the option" "^error: --threads '0' is not a positive number" "$(cat "$T/.err")"

# A reader that is gone before the first write: the writer dies of SIGPIPE
# (status -13 from Python, 141 in a shell) and says nothing, as git does.
expect_eq "closed pipe" "-13 ''" "$(python3 - "$WB" "$C" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "log", sys.argv[2]], stdout=w, stderr=subprocess.PIPE)
print(p.returncode, repr(p.stderr.decode()))
PY
)"
t_done
