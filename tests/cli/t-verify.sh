#!/bin/sh
# verify: re-hash every stored message; a changed byte is found and named.
# The bytes are stored as they are (--raw-codec none), so that sqlite3 can
# change one in place; t-raw-codec.sh changes a byte of a zstd frame.
. "$WB_ROOT/tests/lib.sh"
cd "$T" || exit 1
python3 "$WB_ROOT/tests/gen/many.py" m.mbox 20
wb init c.case --raw-codec none > /dev/null
wb ingest c.case m.mbox > /dev/null
expect_rc "verify a sound case" 0 wb verify c.case
expect_eq "verify says OK" "OK: 20 stored messages match their SHA-256" "$(cat .out)"
# Change one byte of one stored message behind the tool's back.
sqlite3 c.case "UPDATE raw SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Offer 7.', 'Offer 8.') AS BLOB) WHERE id = 8"
want=$(sqlite3 c.case "SELECT sha256 FROM raw WHERE id = 8")
got=$(sqlite3 c.case "SELECT bytes FROM raw WHERE id = 8" | head -c -1 | sha256sum | cut -c1-64)
expect_rc "verify finds the change" 1 wb verify c.case
expect_eq "verify names the message and both hashes" \
	"MISMATCH raw 8 (copy $(sqlite3 c.case "SELECT id FROM messages WHERE raw_id = 8")): recorded sha256 $want size $(sqlite3 c.case "SELECT size FROM raw WHERE id = 8"), bytes hash to $got size $(sqlite3 c.case "SELECT length(bytes) FROM raw WHERE id = 8")" \
	"$(cat .out)"
expect_match "verify error line" "error: 1 stored message\(s\) and 0 copies do not match" "$(cat .err)"
# A copy pointing at other bytes.
sqlite3 c.case "UPDATE raw SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Offer 8.', 'Offer 7.') AS BLOB) WHERE id = 8; UPDATE messages SET raw_id = 3 WHERE id = 5"
expect_rc "verify finds a copy on the wrong bytes" 1 wb verify c.case
expect_match "names the copy" "MISMATCH message 5: sha256 $(sqlite3 c.case "SELECT sha256 FROM messages WHERE id = 5"), stored bytes $(sqlite3 c.case "SELECT sha256 FROM raw WHERE id = 3")" "$(cat .out)"
t_done
