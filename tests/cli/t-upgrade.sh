#!/bin/sh
# A case of schema version 1 (tests/cli/data/v1.case.xz, see its README) is
# refused by reading commands with a hint, upgraded in place by 'upgrade'
# (custody-logged, nothing merged, no stored byte changed), and 'verify'
# then lists the copies that version 1 read by rules since changed.  The
# expected lists are worked out here by Python from the version 1 file.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
xz -dc "$WB_ROOT/tests/cli/data/v1.case.xz" > v1.case
cp v1.case old.case
before=$(sha256sum < v1.case)

expect_rc "a reading command refuses the old case" 1 wb summary v1.case
expect_match "and says how to upgrade it" "hint: 'workbench upgrade v1.case' upgrades it" "$(cat "$T/.err")"
expect_eq "the file is untouched" "$before" "$(sha256sum < v1.case)"

cat > facts.py <<'PY'
import hashlib, re, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
what = sys.argv[2]
if what == "raw":
    for sha, b in db.execute("SELECT sha256, bytes FROM raw ORDER BY id"):
        print(sha, hashlib.sha256(b).hexdigest() == sha)
elif what == "ending":
    # The last copy of each mbox source whose bytes end with an empty line.
    out = set()
    for src, in db.execute("SELECT DISTINCT source_id FROM locations WHERE split <> 'whole'"):
        msg, b = db.execute("SELECT l.message, r.bytes FROM locations l JOIN messages m ON m.id = l.message"
                            " JOIN raw r ON r.id = m.raw_id WHERE l.source_id = ? ORDER BY l.offset DESC"
                            " LIMIT 1", (src,)).fetchone()
        if b.endswith(b"\n\n") or b.endswith(b"\r\n\r\n"):
            out.add(msg)
    print(", ".join(str(x) for x in sorted(out)))
elif what == "apart":
    # Copies of one trap whose bytes are the same once >From quoting is undone.
    first, out = {}, []
    for mid, trap, b in db.execute("SELECT m.id, m.trap_id, r.bytes FROM messages m JOIN raw r"
                                   " ON r.id = m.raw_id ORDER BY m.id"):
        key = (trap, re.sub(rb"(?m)^>+(?=From )", b"", b))
        if key in first:
            out.append("%d (as %d)" % (mid, first[key]))
        else:
            first[key] = mid
    print(", ".join(out))
elif what == "merged":
    # mbox copies holding a line "From SENDER ..." with a time in it.
    out = set()
    for mid, b in db.execute("SELECT l.message, r.bytes FROM locations l JOIN messages m ON m.id = l.message"
                             " JOIN raw r ON r.id = m.raw_id WHERE l.split = 'mbox-from'"):
        if re.search(rb"(?m)^From \S+ .*\d\d?:\d\d", b):
            out.add(mid)
    print(", ".join(str(x) for x in sorted(out)))
elif what == "count":
    print(db.execute("SELECT count(*) FROM messages").fetchone()[0],
          db.execute("SELECT count(*) FROM locations").fetchone()[0])
PY
old_raw=$(python3 facts.py old.case raw)
ending=$(python3 facts.py old.case ending)
apart=$(python3 facts.py old.case apart)
merged=$(python3 facts.py old.case merged)
old_count=$(python3 facts.py old.case count)

expect_rc "upgrade" 0 wb upgrade v1.case
expect_eq "upgrade says what it did" "Upgraded 'v1.case' from schema version 1 to 8" "$(cat "$T/.out")"
expect_eq "schema version 8" "8" "$(wb sql v1.case "PRAGMA user_version" --format csv | tail -n 1)"
expect_eq "custody: the upgrade is logged" "begin|upgrade|schema version 1 -> 8;end|upgrade|schema version 1 -> 8" \
	"$(wb sql v1.case "SELECT group_concat(action || '|' || command || '|' || detail, ';') FROM custody
		WHERE command = 'upgrade'" --format csv | tail -n 1)"
expect_eq "no stored byte changed" "$old_raw" "$(python3 facts.py v1.case raw)"
expect_eq "nothing merged: the same copies and locations" "$old_count" "$(python3 facts.py v1.case count)"
expect_eq "every location has its bytes" "0" \
	"$(wb sql v1.case "SELECT count(*) FROM locations l JOIN messages m ON m.id = l.message
		WHERE l.raw_id IS NOT m.raw_id" --format csv | tail -n 1)"
expect_rc "upgrade again" 0 wb upgrade v1.case
expect_eq "a current case is left alone" "'v1.case' is current (schema version 8)" "$(cat "$T/.out")"

expect_rc "verify" 0 wb verify v1.case
out=$(cat "$T/.out")
expect_match "verify: last copies with the mbox's ending empty line" \
	"copies last in an mbox, stored with the empty line that ends it: $ending$" "$out"
expect_eq "verify: copies counted apart that differ only by quoting" "$apart" \
	"$(printf '%s\n' "$out" | sed -n 's/.*differs only by >From quoting: //p')"
expect_match "verify: possibly merged copies" "holding a dated From_ line: $merged$" "$out"
expect_match "verify: how to count them today" "ingest the same files into a new case" "$(cat "$T/.err")"
expect_eq "the lists are not empty" "yes" "$([ -n "$ending" ] && [ -n "$apart" ] && [ -n "$merged" ] && echo yes)"

# A case made today has nothing to list.
wb init new.case > /dev/null
expect_rc "verify a new case" 0 wb verify new.case
expect_eq "nothing from older rules" "OK: 0 stored messages match their SHA-256" "$(cat "$T/.out")"
t_done
