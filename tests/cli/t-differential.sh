#!/bin/sh
# ingest, differential: one set of messages written the way real mail
# software writes them (Python's mailbox, mutt mboxo and mboxrd, Thunderbird,
# CRLF, mboxcl and mboxcl2, the compressed forms, Dovecot and Courier
# Maildirs, hard-linked deliveries, tar, pax, cpio, zip, 7z, nested archives,
# defective .eml files), each variant ingested into a case of its own and
# compared with what an independent reader says its copies must be: the set
# of (SHA-256 of a location's bytes, trap), every location (chain, offset,
# length), the number of distinct copies and the status of each.
#
# The oracle is tests/gen/mail-variants.py: the record of what it wrote,
# checked against Python's mailbox, email, tarfile and zipfile modules with
# RFC 4155's rules where they are stricter than Python's mailbox (see its
# docstring).  A variant that differs is named, with the oracle the
# workbench followed instead (Python's mailbox alone, or neither).
. "$WB_ROOT/tests/lib.sh"

python3 "$WB_ROOT/tests/gen/mail-variants.py" "$T/v" 2> "$T/gen.err" \
	|| { t_fail "generator" "$(cat "$T/gen.err")"; t_done; exit 1; }
n=$(wc -l < "$T/v/variants" | tr -d ' ')
[ "$n" -ge 60 ] && t_pass "at least 60 variants ($n)" || t_fail "at least 60 variants" "only $n"

# The oracle against arithmetic by hand: issue 14's r1.mbox is the From_
# line (43 bytes and its newline), the message "From: a@x.test\n" (15)
# "Subject: s\n" (11) "\n" (1) "hi\n" (3) = 30 bytes, and the empty line.
expect_eq "oracle: r1.mbox by hand" "at $(printf 'From: a@x.test\nSubject: s\n\nhi\n' | sha256sum | cut -c1-64) -
copies 1
loc r1.mbox 44 30" "$(grep -Ev '^copy ' "$T/v/exp/r1.mbox")"

wb init "$T/template.case" > /dev/null && wb import "$T/template.case" traps "$T/v/traps.csv" > /dev/null \
	|| { t_fail "template case"; t_done; exit 1; }

# What a case holds, in the generator's form.  The identity columns are
# locations.raw_id (the bytes found at the location) and messages.ident
# (SHA-256 with ^>+From quoting undone).
cat > "$T/q.py" <<'EOF'
import sqlite3, sys

QUERIES = [
    "SELECT 'copies ' || count(*) FROM messages",
    "SELECT 'copy ' || m.ident || ' ' || coalesce(t.address, '-') || ' ' || m.status"
    " || CASE WHEN ('; ' || coalesce(m.warnings, '')) LIKE '%; possibly merged%'"
    " THEN '(possibly merged)' ELSE '' END"
    " FROM messages m LEFT JOIN traps t ON t.id = m.trap_id",
    "SELECT DISTINCT 'at ' || r.sha256 || ' ' || coalesce(t.address, '-')"
    " FROM locations l JOIN raw r ON r.id = l.raw_id JOIN messages m ON m.id = l.message"
    " LEFT JOIN traps t ON t.id = m.trap_id",
    "SELECT 'loc ' || s.chain || ' ' || l.offset || ' ' || l.length"
    " FROM locations l JOIN sources s ON s.id = l.source_id"]

# q.py CASEDIR OUTDIR < names: OUTDIR/NAME from CASEDIR/NAME.case.
for name in sys.stdin.read().split():
    db = sqlite3.connect("file:%s/%s.case?mode=ro" % (sys.argv[1], name), uri=True)
    try:
        out = sorted(r[0] + "\n" for q in QUERIES for r in db.execute(q))
    except sqlite3.Error as e:
        out = ["cannot read the case: %s\n" % e]
    with open("%s/%s" % (sys.argv[2], name), "w") as f:
        f.write("".join(out))
    db.close()
EOF
# Cases go to memory when it can be had: ingest syncs every commit to disk
# (synchronous=FULL), which is most of this test's time on a disk.
D=$(mktemp -d /dev/shm/wbdiff.XXXXXX 2>/dev/null) || D=$T

cd "$T/v/in" || exit 1
mkdir "$T/got"
while read -r name; do
	cp "$T/template.case" "$D/$name.case"
	wb ingest "$D/$name.case" "$name" > /dev/null 2> "$T/got/$name.err"
	echo $? > "$T/got/$name.rc"
done < "$T/v/variants"
# (-S: no site packages, only the standard library.)
python3 -S "$T/q.py" "$D" "$T/got" < "$T/v/variants"

while read -r name; do
	e="$T/v/exp/$name" g="$T/got/$name"
	if [ -f "$e.disagree" ]; then
		t_fail "$name: the oracles disagree (a defect of the generator)" "$(cat "$e.disagree")"
	elif cmp -s "$e" "$g"; then
		t_pass "$name"
	else
		if cmp -s "$e.python" "$g"; then
			who="the workbench reads it as Python's mailbox alone does; the expected copies correct Python:"
		else
			who="the workbench agrees with neither the record nor Python's mailbox"
		fi
		t_fail "$name: $(head -n 1 "$e.note")" "$who" "$(tail -n +2 "$e.note" | head -n 6)" \
			"ingest exit $(cat "$g.rc"); $(grep -E '^(error|note|warning)' "$g.err" | head -n 3)" \
			"$(diff -U 0 "$e" "$g" | grep -v '^@@' | head -n 24)"
	fi
done < "$T/v/variants"
[ "$D" = "$T" ] || rm -rf "$D"
t_done
