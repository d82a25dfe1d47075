#!/bin/sh
# ingest: messages with defects are copies, not "not mail" (issue 14, items
# 2 to 5).  Fixtures and oracle: tests/gen/ingest-defects.py, which writes
# them with Python's email, mailbox, tarfile and zipfile, cpio and ln, and
# computes each expected SHA-256, offset and warning from the bytes it wrote.
. "$WB_ROOT/tests/lib.sh"
F=$T/fx
python3 "$WB_ROOT/tests/gen/ingest-defects.py" "$F" || { t_fail "generator"; t_done; exit 1; }
cd "$T" || exit 1
wb init tpl.case > /dev/null
fresh () { rm -f c.case c.case.lock && cp tpl.case c.case; }
q () { sqlite3 c.case "$1"; }
# of NAME: "sha status warnings|subject|from" of the copies found in NAME.
of () {
	q "SELECT m.sha256 || ' ' || m.status || ' ' || coalesce(m.warnings, '') || '|' || coalesce(m.subject, '')
		|| '|' || coalesce(m.from_addr, '') FROM messages m JOIN locations l ON l.message = m.id
		JOIN sources s ON s.id = l.source_id WHERE s.name LIKE '%/$1' ORDER BY l.offset"
}

# --- 2: a NUL byte makes a copy malformed, never the file "not mail" ---
fresh
expect_rc "NUL: ingest" 0 wb ingest c.case "$F/nul/nul.eml" "$F/nul/three.mbox"
expect_eq "NUL in a delivered .eml: a copy, malformed, the NUL's offset named" \
	"$(cat "$F/expect/nul.eml")" "$(of nul.eml | cut -d'|' -f1)"
expect_eq "NUL in one message of an mbox: every message kept, that one flagged" \
	"$(cat "$F/expect/three.mbox")" \
	"$(q "SELECT m.status || ' ' || coalesce(m.warnings, '') FROM messages m JOIN locations l ON l.message = m.id
		JOIN sources s ON s.id = l.source_id WHERE s.name LIKE '%/three.mbox' ORDER BY l.offset")"
expect_eq "NUL: the files are mail" "message|mailbox" \
	"$(q "SELECT group_concat(role, '|') FROM (SELECT role FROM sources ORDER BY id)")"

# --- 3: .eml files with defects are copies, flagged with the defect ---
fresh
expect_rc "defects: ingest" 0 wb ingest c.case "$F/defects" "$F/notmail"
for f in obsolete nocolon noblank bom blank cut; do
	expect_eq "defect $f.eml: a copy, its defect named, fields read" "$(cat "$F/expect/$f.eml")" "$(of $f.eml)"
done
expect_eq "files that are not mail stay not mail" "README|not-mail|no mail headers
blob.bin|not-mail|binary data
data.json|not-mail|no mail headers
prose.txt|not-mail|no mail headers" \
	"$(q "SELECT replace(name, '$F/notmail/', '') || '|' || role || '|' || reason FROM sources
		WHERE name LIKE '%/notmail/%' ORDER BY name")"
# GMime reads the body of a message with no blank line before it as the body
# (not as bad header lines): the analysis sees its text.
expect_eq "no blank line: the body is the body" "Buy now, no blank line above." \
	"$(q "SELECT trim(b.text) FROM messages m JOIN body_texts b ON b.id = m.body WHERE subject = 'defect 20' AND warnings = 'no blank line after header'")"

# --- 4: hard links in tar (GNU, pax, Python) and cpio newc ---
wb import tpl.case traps "$F/traps.csv" > /dev/null
# per_trap: "trap sha" for every location of the case, sorted.
per_trap () {
	q "SELECT t.address || ' ' || m.sha256 FROM locations l JOIN messages m ON m.id = l.message
		JOIN traps t ON t.id = m.trap_id" | sort
}
for a in linked-gnu.tar linked-pax.tar linked-py.tar linked.cpio; do
	fresh
	expect_rc "hard links, $a: ingest" 0 wb ingest c.case "$F/$a"
	expect_eq "hard links, $a: every name a location, a copy per trap by path" \
		"$(cat "$F/expect/linked")" "$(per_trap)"
	expect_eq "hard links, $a: nothing recorded as skipped or empty" "" \
		"$(q "SELECT name || '|' || role || '|' || reason FROM sources WHERE role IN ('skipped', 'not-mail', 'flagged')")"
done
# cpio newc writes a file's data with its last name; GNU cpio writes the
# names of a linked file last, in its own order: the names with no data are
# the two that say they are hard links, one of them where the data came.
expect_eq "hard links, cpio: the names without data say so" "2|1" \
	"$(q "SELECT count(*) || '|' || sum(reason LIKE 'hard link: its data came with ''%/new/%''')
		FROM sources WHERE reason LIKE 'hard link%'")"
# The same Maildirs as a folder (each name a file): the same copies.
fresh
expect_rc "hard links, folder: ingest" 0 wb ingest c.case "$F/linked"
expect_eq "hard links, folder: the same copies" "$(cat "$F/expect/linked")" "$(per_trap)"
fresh
expect_rc "dangling hard link: ingest (no copy: exit 1)" 1 wb ingest c.case "$F/dangling.tar"
expect_match "dangling hard link: flagged with its reason" \
	"^flagged\\|hard link to 'trap1@example.org/new/[^']*': no member of the archive holds its data$" \
	"$(q "SELECT role || '|' || reason FROM sources WHERE parent_id IS NOT NULL")"
fresh
expect_rc "hard links to an archive and to not mail: ingest" 0 wb ingest c.case "$F/link-other.tar"
expect_eq "hard link to an archive or to not mail: no copy, said so" "inner-link.tar|skipped|hard link to 'inner.tar' (container): read under that name
notes-link.txt|not-mail|hard link to 'notes.txt' (not-mail): read under that name" \
	"$(q "SELECT name || '|' || role || '|' || reason FROM sources WHERE name LIKE '%-link%' ORDER BY id")"
expect_eq "hard link to an archive: its message once" "$(cat "$F/expect/link-other.tar")" \
	"$(q "SELECT m.sha256 FROM messages m JOIN locations l ON l.message = m.id")"

# --- 5: Maildir tmp/ in archives: maildir(5)'s rule, as for folders ---
fresh
expect_rc "tmp/ alone: ingest" 0 wb ingest c.case "$F/tmp-alone.zip"
expect_eq "tmp/ with no cur/ or new/ beside it: the message counts" "$(cat "$F/expect/tmp-alone.zip")" \
	"$(q "SELECT m.sha256 FROM messages m JOIN locations l ON l.message = m.id")"
expect_eq "tmp/ alone: the reason recorded" "message|read: no cur/ or new/ beside tmp/ (not a Maildir)" \
	"$(q "SELECT role || '|' || reason FROM sources WHERE name = 'export/tmp/offer.eml'")"
for a in inside.tar inside-files.tar; do
	fresh
	expect_rc "tar made inside a Maildir ($a): ingest" 0 wb ingest c.case "$F/$a"
	expect_eq "$a: tmp/ skipped though it comes before new/" "$(cat "$F/expect/inside.tar")" \
		"$(q "SELECT m.sha256 FROM messages m JOIN locations l ON l.message = m.id")"
	expect_eq "$a: tmp/ recorded as skipped" "tmp/2.host|skipped|Maildir tmp/ (delivery in progress)" \
		"$(q "SELECT name || '|' || role || '|' || reason FROM sources WHERE name LIKE 'tmp/%'")"
done
fresh
expect_rc "tmp/ over the hold limit: ingest" 0 wb ingest c.case "$F/inside-big.tar"
expect_eq "tmp/ over the hold limit: read, kept" "$(cat "$F/expect/inside-big.tar")" \
	"$(q "SELECT m.sha256 FROM messages m JOIN locations l ON l.message = m.id ORDER BY 1")"
expect_eq "tmp/ over the hold limit: flagged with the reason" \
	"tmp/3.host|flagged|Maildir tmp/ not decided (over 16 MiB of tmp/ held before a cur/ or new/ beside it): read as delivered" \
	"$(q "SELECT name || '|' || role || '|' || reason FROM sources WHERE name LIKE 'tmp/%'")"

# --- The summary names what gave no copy, counts malformed copies, and
# fails when no input gave any copy ---
fresh
wb ingest c.case "$F/notmail" > .out 2> .err
expect_eq "only files that are not mail: exit 1" "1" "$?"
expect_eq "each file that gave no copy named, with why" "note: not-mail '$F/notmail/README': no mail headers
note: not-mail '$F/notmail/blob.bin': binary data
note: not-mail '$F/notmail/data.json': no mail headers
note: not-mail '$F/notmail/prose.txt': no mail headers
error: no message copy found in the input" "$(grep -v '^hint:' .err)"
fresh
wb ingest c.case "$F/many" "$F/defects" > .out 2> .err
expect_eq "one input with copies: exit 0" "0" "$?"
expect_eq "at most 20 notes, then how many more" "20|note: and 5 more not mail, skipped or flagged" \
	"$(grep -c "^note: not-mail '$F/many/note-" .err)|$(grep '^note: and' .err)"
expect_match "the hint lists them all" "^hint: list them all: workbench sql c.case \"SELECT role, chain, reason FROM sources WHERE run = [0-9]+ AND role IN \\('flagged', 'skipped', 'not-mail'\\) ORDER BY id\"$" \
	"$(grep '^hint:' .err)"
# defects/: six files, five with a defect (cut.eml has none).
expect_eq "malformed copies counted in the summary" \
	"malformed:  5 copies kept with a defect (5 distinct; 'messages --status malformed' lists them)" \
	"$(grep '^malformed:' .out)"
t_done
