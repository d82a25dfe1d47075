#!/bin/sh
# ingest: one test per input kind.  The oracle is tests/gen/mail-fixtures.py,
# which writes beside each fixture the SHA-256, offset, length and From_ line
# of every copy it put there; Maildir files are whole messages (sha256sum).
. "$WB_ROOT/tests/lib.sh"

python3 "$WB_ROOT/tests/gen/mail-fixtures.py" "$T/fx" "$T/exp" || { t_fail "generator"; t_done; exit 1; }

# copies CASE CHAIN: "sha offset length from_line" of the copies found in
# CHAIN, the SHA-256 of the bytes found at each location.
copies () {
	wb sql "$1" "SELECT r.sha256 || ' ' || l.offset || ' ' || l.length || ' ' || coalesce(l.from_line, '-') AS x
		FROM locations l JOIN sources s ON s.id = l.source_id JOIN raw r ON r.id = l.raw_id
		WHERE s.chain = '$2' ORDER BY l.offset" --format csv | tail -n +2
}
# all CASE: the same for every copy in the case, sorted.
all () {
	wb sql "$1" "SELECT r.sha256 || ' ' || l.offset || ' ' || l.length || ' ' || coalesce(l.from_line, '-') AS x
		FROM locations l JOIN raw r ON r.id = l.raw_id" --format csv | tail -n +2 | sort
}
q () { wb sql "$1" "$2" --format csv | tail -n +2; }

# The expected copies of the whole tree: every expect file, plus the Maildir
# messages of cur/ and new/ (tmp/ is skipped).
(cat $(find "$T/exp" -type f)
 for f in $(find "$T/fx/maildir" -type f | grep -v '/tmp/[^/]*$'); do
	echo "$(sha256sum < "$f" | cut -c1-64) 0 $(wc -c < "$f" | tr -d ' ') -"
 done) | sort > "$T/tree.expect"

cd "$T" || exit 1
expect_rc "init" 0 wb init c.case
expect_rc "ingest a folder" 0 wb ingest c.case fx
for f in $(cd exp && find . -type f | sed 's|^\./||' | sort); do
	copies c.case "fx/$f" > "$T/got"
	expect_file "copies of $f" "exp/$f" "$T/got"
done
all c.case > "$T/got"
expect_file "every copy of the tree" "$T/tree.expect" "$T/got"
expect_eq "Maildir tmp/ skipped and recorded" "skipped,maildir" \
	"$(q c.case "SELECT role, format FROM sources WHERE chain = 'fx/maildir/trap3@example.org/tmp'")"
expect_eq "not mail, by reason" "fx/notmail/README,not-mail,no mail headers
fx/notmail/data.json,not-mail,no mail headers
fx/notmail/empty,not-mail,empty
fx/notmail/zeros.bin,not-mail,binary data" \
	"$(q c.case "SELECT chain, role, reason FROM sources WHERE chain LIKE 'fx/notmail/%' ORDER BY chain")"
expect_eq "splits" "mbox-from 23
mboxcl-length 3
whole 15" "$(q c.case "SELECT split || ' ' || count(*) FROM locations GROUP BY split ORDER BY split")"
# One copy per trap and identity: the bytes with mbox quoting undone
# (every '>' taken off lines matching ^>+From ), computed here by Python
# from the bytes of each location.
cat > ident.py <<'PY'
import hashlib, os, re, sqlite3, sys
sys.path.insert(0, os.environ["WB_ROOT"] + "/tests/tools")
import rawbytes
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
ids = set()
for trap, b in rawbytes.rows(db, "SELECT m.trap_id, r.codec, r.bytes, r.size FROM locations l JOIN messages m"
                             " ON m.id = l.message JOIN raw r ON r.id = l.raw_id"):
    ids.add((trap, hashlib.sha256(re.sub(rb"(?m)^>+(?=From )", b"", b)).hexdigest()))
print(len(ids))
PY
expect_eq "a copy met again is a location, not a message" \
	"$(python3 ident.py c.case)" \
	"$(q c.case "SELECT count(*) FROM messages")"
# (The 'rules' row: the statutes' rule findings made from the new copies.)
expect_eq "custody: begin, one source row per file (path, SHA-256, size), rules, end" \
	"begin|fx/mbox/mboxcl2|$(sha256sum < fx/mbox/mboxcl2 | cut -c1-64)|$(wc -c < fx/mbox/mboxcl2 | tr -d ' ')|rules|end" \
	"$(q c.case "SELECT group_concat(x, '|') FROM (SELECT CASE action WHEN 'source' THEN
		replace(replace(replace(substr(detail, 1, instr(detail, ' messages=') - 1), 'path=', ''), ' sha256=', '|'), ' size=', '|')
		ELSE action END AS x FROM custody WHERE command = 'ingest'
		AND (action <> 'source' OR detail LIKE 'path=fx/mbox/mboxcl2 %') ORDER BY id)")"
expect_eq "custody: one source row per top-level file" "$(find fx -type f | grep -vc '/tmp/')" \
	"$(q c.case "SELECT count(*) FROM custody WHERE action = 'source' AND detail NOT LIKE '%skipped:%'")"
expect_eq "ingesting again adds nothing" "0 added" \
	"$(wb ingest c.case fx 2>/dev/null | sed -n 's/.*found: \([0-9]*\) added.*/\1 added/p')"

# Containers: the tree in every format and filter bsdtar writes.
(cd fx && bsdtar -cf ../tree.tar . && bsdtar -czf ../tree.tgz . && bsdtar -cjf ../tree.tbz2 . \
	&& bsdtar -cJf ../tree.txz . && bsdtar --zstd -cf ../tree.tar.zst . \
	&& bsdtar --format zip -cf ../tree.zip . && bsdtar --format 7zip -cf ../tree.7z . \
	&& bsdtar --format cpio -cf ../tree.cpio . && bsdtar --format cpio -czf ../tree.cpio.gz .) \
	|| t_fail "bsdtar could not build the archives"
for a in tree.tar tree.tgz tree.tbz2 tree.txz tree.tar.zst tree.zip tree.7z tree.cpio tree.cpio.gz; do
	rm -f a.case
	wb init a.case > /dev/null
	expect_rc "ingest $a" 0 wb ingest a.case "$a"
	all a.case > "$T/got"
	expect_file "$a holds the same copies as the tree" "$T/tree.expect" "$T/got"
	expect_eq "$a: custody counts the copies of every member" "messages=$(wc -l < "$T/tree.expect" | tr -d ' ')" \
		"$(q a.case "SELECT substr(detail, instr(detail, ' messages=') + 1) FROM custody WHERE action = 'source'")"
	expect_eq "$a: members are never extracted" "" "$(ls -d single mbox maildir 2>/dev/null)"
done
expect_eq "formats and filters recorded" "tree.cpio.gz cpio gzip" \
	"$(q a.case "SELECT name || ' ' || format || ' ' || filters FROM sources WHERE depth = 0")"

# Bare compressed mboxes.
for z in gzip bzip2 xz zstd; do
	$z -c fx/mbox/mboxrd > mboxrd.$z
	rm -f z.case
	wb init z.case > /dev/null
	expect_rc "ingest mboxrd.$z" 0 wb ingest z.case mboxrd.$z
	copies z.case mboxrd.$z > "$T/got"
	expect_file "mboxrd.$z splits like mboxrd" exp/mbox/mboxrd "$T/got"
done

# Containers inside containers: a tgz in a zip in a tar.xz.
mkdir n1 n2 && cp tree.tgz n1/ && (cd n1 && bsdtar --format zip -cf ../n2/inner.zip tree.tgz) \
	&& (cd n2 && bsdtar -cJf ../nested.tar.xz inner.zip)
rm -f n.case
wb init n.case > /dev/null
expect_rc "ingest nested archives" 0 wb ingest n.case nested.tar.xz
all n.case > "$T/got"
expect_file "nested archives hold the same copies" "$T/tree.expect" "$T/got"
expect_eq "chain of a nested member" "nested.tar.xz!inner.zip!tree.tgz!./single/plain.eml" \
	"$(q n.case "SELECT chain FROM sources WHERE name = './single/plain.eml'")"
expect_eq "depth of a nested member" "3" "$(q n.case "SELECT depth FROM sources WHERE name = './single/plain.eml'")"
t_done
