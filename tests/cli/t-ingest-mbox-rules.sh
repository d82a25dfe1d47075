#!/bin/sh
# ingest: how an mbox is split and how copies are identified (issue 14:
# the empty line that ends the last message, From_ lines of other date forms
# and without an empty line before them, mboxcl2 without empty lines, one
# delivery exported to a Maildir and to mboxes).  The oracle is
# tests/gen/mbox-rules.py: Python's mailbox module, or the generator's own
# record where Python reads a file wrong (it says which).
. "$WB_ROOT/tests/lib.sh"

python3 "$WB_ROOT/tests/gen/mbox-rules.py" "$T/mr" || { t_fail "generator"; t_done; exit 1; }
cd "$T/mr" || exit 1

# got CASE FILE: "sha length status" of the copies found in FILE, in order.
got () {
	wb sql "$1" "SELECT r.sha256 || ' ' || l.length || ' ' || m.status AS x
		FROM locations l JOIN sources s ON s.id = l.source_id JOIN raw r ON r.id = l.raw_id
		JOIN messages m ON m.id = l.message
		WHERE s.chain = '$2' OR s.chain LIKE '$2!%' ORDER BY s.id, l.offset" --format csv | tail -n +2
}

for f in *.mbox *.mbox.*; do
	case "$f" in *.expect) continue ;; esac
	wb init "$f.case" > /dev/null
	wb ingest "$f.case" "$f" > /dev/null 2>&1
	got "$f.case" "$f" > "$f.got"
	expect_file "copies of $f" "$f.expect" "$f.got"
done

expect_eq "the last message of a Python mbox is 30 bytes, without the ending empty line" \
	"30" "$(cut -d' ' -f2 one.mbox.got)"
expect_eq "possibly merged: the line of the copy is named" \
	"possibly merged: From_ line at line 6 of the copy" \
	"$(wb sql merged.mbox.case "SELECT warnings FROM messages WHERE status = 'malformed'" --format csv | tail -n 1)"

# One delivery, three exports: a Maildir file and two mboxes that quote its
# "From " lines.  One copy with three locations, each location's bytes as
# found (sha256sum of the Maildir file; Python's mailbox for the mboxo).
wb init x.case > /dev/null
expect_rc "ingest the three exports" 0 wb ingest x.case export
expect_eq "one copy" "1" "$(wb sql x.case "SELECT count(*) FROM messages" --format csv | tail -n 1)"
expect_eq "three locations" "3" "$(wb sql x.case "SELECT count(*) FROM locations" --format csv | tail -n 1)"
maildir_sha=$(sha256sum "$(find export/Maildir -type f | grep /new/)" | cut -c1-64)
mboxo_sha=$(python3 -c "import mailbox,hashlib; b=mailbox.mbox('export/mboxo.mbox'); print(hashlib.sha256(b.get_bytes(b.keys()[0])).hexdigest())")
expect_eq "the Maildir location keeps its bytes" "$maildir_sha" \
	"$(wb sql x.case "SELECT r.sha256 FROM locations l JOIN sources s ON s.id = l.source_id
		JOIN raw r ON r.id = l.raw_id WHERE s.chain LIKE 'export/Maildir/%'" --format csv | tail -n 1)"
expect_eq "the mboxo location keeps its quoted bytes" "$mboxo_sha" \
	"$(wb sql x.case "SELECT r.sha256 FROM locations l JOIN sources s ON s.id = l.source_id
		JOIN raw r ON r.id = l.raw_id WHERE s.chain = 'export/mboxo.mbox'" --format csv | tail -n 1)"
expect_eq "three distinct stored bytes" "3" \
	"$(wb sql x.case "SELECT count(DISTINCT raw_id) FROM locations" --format csv | tail -n 1)"
expect_rc "verify re-hashes every location's bytes" 0 wb verify x.case
t_done
