#!/bin/sh
# verify re-hashes the exhibits as well as the messages: the folders the
# custody log says 'report' wrote to (the latest report of each), or the
# copy counsel holds (--exhibits DIR), whose manifest.txt must be one the
# case recorded.  Expected hashes come from sha256sum, not from the tool.
. "$WB_ROOT/tests/lib.sh"
_t_dir=exhibits

C="$T/c.case"
wb init "$C" --name "Doe v. Spam & Co" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/report-case.py" "$C" --findings "$T/f.csv"
wb import "$C" findings "$T/f.csv" > /dev/null
msgs=$(sqlite3 "$C" "SELECT count(*) FROM raw")
# Written to a relative folder: the custody log keeps where it is.
(cd "$T" && "$WB" report c.case --out o1 > /dev/null) || t_fail "report runs"
files=$(($(ls "$T/o1" | wc -l) - 1))
run=$(sqlite3 "$C" "SELECT run FROM custody WHERE action = 'exhibit'")

cd / || exit 1
expect_rc "verify from elsewhere: messages and exhibits" 0 wb verify "$C"
expect_eq "both are said" "OK: $msgs stored messages match their SHA-256
OK: $files exhibit files in '$T/o1' match report run $run ($(sqlite3 "$C" "SELECT at FROM custody WHERE action = 'exhibit'"))
OK: case digest $(sed -n 's/^# case digest \([0-9a-f]*\) before run .*/\1/p' "$T/o1/manifest.txt") before run $run still matches the exhibits" \
	"$(cat "$T/.out")"

# The copy counsel holds, checked by itself.
cp -r "$T/o1" "$T/copy"
expect_rc "an untouched copy" 0 wb verify "$C" --exhibits "$T/copy"
expect_match "names the copy" "^OK: $files exhibit files in '$T/copy' match report run $run " "$(sed -n 2p "$T/.out")"

# One byte more in the workbook, one chart gone.
old=$(sha256sum "$T/copy/exhibits.xlsx" | cut -c1-64)
size=$(wc -c < "$T/copy/exhibits.xlsx")
printf 'x' >> "$T/copy/exhibits.xlsx"
new=$(sha256sum "$T/copy/exhibits.xlsx" | cut -c1-64)
svg=$(sha256sum "$T/copy/chart-senders.svg" | cut -c1-64)
svgsize=$(wc -c < "$T/copy/chart-senders.svg")
rm "$T/copy/chart-senders.svg"
expect_rc "a changed and a missing exhibit fail" 1 wb verify "$C" --exhibits "$T/copy"
expect_match "the changed one, with both hashes" \
	"^MISMATCH exhibit '$T/copy/exhibits.xlsx': recorded sha256 $old size $size \(report run $run\), file hashes to $new size $((size + 1))$" \
	"$(cat "$T/.out")"
expect_match "the missing one" \
	"^MISSING exhibit '$T/copy/chart-senders.svg': recorded sha256 $svg size $svgsize \(report run $run\)$" \
	"$(cat "$T/.out")"
expect_match "the error counts both" "error: 2 exhibit file\(s\) missing or not as the custody log records them" \
	"$(cat "$T/.err")"

# A manifest rewritten to fit the changed file is not one the case recorded.
cp "$T/o1/chart-senders.svg" "$T/copy/"
sed -i "s/^$old  $size  exhibits.xlsx$/$new  $((size + 1))  exhibits.xlsx/" "$T/copy/manifest.txt"
expect_match "(the forged manifest fits the file)" "$new" "$(cat "$T/copy/manifest.txt")"
expect_rc "a forged manifest fails" 1 wb verify "$C" --exhibits "$T/copy"
expect_eq "and is named" "MISMATCH exhibits in '$T/copy': manifest.txt is not the manifest of any report in the custody log" \
	"$(sed -n 2p "$T/.out")"
expect_rc "a folder that is not there" 1 wb verify "$C" --exhibits "$T/nowhere"
expect_eq "is named" "MISMATCH exhibits in '$T/nowhere': folder not found" "$(sed -n 2p "$T/.out")"

# The recorded folder changed in place is found without --exhibits.
printf 'x' >> "$T/o1/report.pdf"
expect_rc "a recorded folder changed in place" 1 wb verify "$C"
expect_match "the changed PDF" "^MISMATCH exhibit '$T/o1/report.pdf': recorded sha256 " "$(cat "$T/.out")"

# Exhibits moved away (filed) are said, not counted.
mv "$T/o1" "$T/filed"
expect_rc "a recorded folder no longer there" 0 wb verify "$C"
expect_eq "is said, not checked" "NOT CHECKED: exhibits of report run $run in '$T/o1': folder not found (check a copy with --exhibits DIR)" \
	"$(sed -n 2p "$T/.out")"

# Two reports to one folder: only the latest is checked there.
wb report "$C" --out "$T/o2" > /dev/null
wb report "$C" --out "$T/o2" --incident message > /dev/null
last=$(sqlite3 "$C" "SELECT max(run) FROM custody WHERE action = 'exhibit'")
expect_rc "the folder of two reports" 0 wb verify "$C"
expect_eq "one line for it, the latest report's" "1 1" \
	"$(grep -c "in '$T/o2'" "$T/.out") $(grep -c "in '$T/o2' match report run $last " "$T/.out")"

# A recorded manifest with a NUL byte and more after it is not that manifest;
# an exhibit replaced by a folder is named as one that cannot be read.
cp -r "$T/o2" "$T/c2"
printf '\000junk' >> "$T/c2/manifest.txt"
expect_rc "a manifest with a NUL and more" 1 wb verify "$C" --exhibits "$T/c2"
expect_eq "is not the recorded one" "MISMATCH exhibits in '$T/c2': manifest.txt is not the manifest of any report in the custody log" \
	"$(sed -n 2p "$T/.out")"
cp "$T/o2/manifest.txt" "$T/c2/manifest.txt"
rm "$T/c2/report.pdf" && mkdir "$T/c2/report.pdf"
expect_rc "an exhibit that is a folder" 1 wb verify "$C" --exhibits "$T/c2"
expect_match "is named" "^MISMATCH exhibit: cannot read '$T/c2/report.pdf': not a regular file \(report run $last\)$" \
	"$(cat "$T/.out")"

# Custody rows a hostile case file may hold: a file name that is a path,
# and a folder whose name holds a terminal escape (shown escaped).
good=$(grep -v '^#' "$T/o2/manifest.txt" | head -n 1)
sqlite3 "$C" "INSERT INTO custody(run, at, action, command, operator, tool_version, detail)
	VALUES (900, '2026-01-01T00:00:00Z', 'exhibit', 'report', 'x', 'x',
	        'out=$T/o3' || char(10) || '$(echo "$good" | cut -c1-64)  5  ../../etc/passwd' || char(10));
	INSERT INTO custody(run, at, action, command, operator, tool_version, detail)
	VALUES (901, '2026-01-01T00:00:00Z', 'exhibit', 'report', 'x', 'x',
	        'out=$T/o' || char(27) || '[31mred' || char(10) || '$good' || char(10))"
expect_rc "hostile custody rows" 0 wb verify "$C"
expect_match "a path for a file name is not understood" \
	"^NOT CHECKED: custody row [0-9]+ \(report run 900\): its list of exhibits is not understood$" "$(cat "$T/.out")"
expect_match "an escape in a folder name is shown escaped" \
	"^NOT CHECKED: exhibits of report run 901 in '$T/o\\\\x1b\[31mred': folder not found" "$(cat "$T/.out")"
expect_eq "no raw escape reaches the terminal" "0" "$(grep -c "$(printf '\033')" "$T/.out")"
t_done
