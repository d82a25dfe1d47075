#!/bin/sh
# The progress bar: on a terminal (a pty made by script(1)) ingest draws it,
# then says what it does once everything is read (campaigns), and erases it
# before the summary; reanalyze the same.  Not on a terminal, no bar and no
# escape sequence at all.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
if ! command -v script > /dev/null; then
	skip "progress bar" "script(1) not installed"
	t_done
	exit
fi
python3 "$WB_ROOT/tests/gen/many.py" m.mbox 3000 > /dev/null
wb init c.case > /dev/null
wb init d.case > /dev/null
esc=$(printf '\033')
# script(1) gives the command a terminal for stdout and stderr alike.
env -u WB_NO_PROGRESS script -qec "'$WB' ingest c.case m.mbox" /dev/null > tty.out
rc=$?
expect_eq "ingest on a terminal" "0" "$rc"
expect_match "draws the bar: label, bar, copies, MB, rate" "ingest \[[#.]{20}\] [0-9]+  [0-9.]+ MB  [0-9]+/s" "$(cat tty.out)"
expect_match "says what it does after the reading" "${esc}\[Kingest: grouping near-duplicate copies into campaigns" "$(cat tty.out)"
expect_match "erases the line before the summary" "${esc}\[Ksources:    1 ingested" "$(cat tty.out)"
expect_match "the summary" "copies:     3000 found: 3000 added" "$(cat tty.out)"

env -u WB_NO_PROGRESS script -qec "'$WB' reanalyze c.case" /dev/null > tty2.out
expect_match "reanalyze: its bar" "analysing \[[#.]{20}\] [0-9]+" "$(cat tty2.out)"
expect_match "reanalyze: then campaigns" \
	"analysing: grouping near-duplicate copies into campaigns" "$(cat tty2.out | tr -d '\n')"
# Its rule findings were made as the copies were stored: no phase of their own.
expect_eq "reanalyze: no rule findings phase" 0 "$(grep -c 'analysing: rule findings' tty2.out)"

env -u WB_NO_PROGRESS "$WB" ingest d.case m.mbox > pipe.out 2> pipe.err
expect_eq "not a terminal: no escape sequence on stderr" "0" "$(grep -c "$esc" pipe.err)"
expect_match "not a terminal: the summary still" "copies:     3000 found: 3000 added" "$(cat pipe.out)"
t_done
