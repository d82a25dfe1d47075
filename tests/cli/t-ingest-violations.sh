#!/bin/sh
# ingest: how non-conforming mail is read (evidence/VIOLATIONS.md).  Dates,
# their status and decoded subjects are compared with Python's email package;
# the status and warnings with what VIOLATIONS.md says.
. "$WB_ROOT/tests/lib.sh"
python3 "$WB_ROOT/tests/gen/mail-fixtures.py" "$T/fx" "$T/exp" || { t_fail "generator"; t_done; exit 1; }
cd "$T/fx/single" || exit 1
wb init "$T/v.case" > /dev/null
wb ingest "$T/v.case" . > /dev/null 2>&1
q () { wb sql "$T/v.case" "$1" --format csv | tail -n +2; }

cat > "$T/oracle.py" <<'PY'
import email, email.header, email.policy, email.utils, glob, re
for f in sorted(glob.glob("*.eml")):
    data = open(f, "rb").read()
    m = email.message_from_bytes(data, policy=email.policy.compat32)
    d = m["Date"]
    t = email.utils.parsedate_tz(d) if d else None
    iso = email.utils.parsedate_to_datetime(d) if t else None
    # Python returns a naive datetime when the zone is missing (or -0000,
    # "zone unknown" in RFC 5322; the instant is still UTC).
    status = ("absent" if d is None else "invalid" if t is None
              else "no-zone" if iso.tzinfo is None and "-0000" not in d else "ok")
    if iso is not None and iso.tzinfo is None:
        iso = iso.replace(tzinfo=email.utils.datetime.timezone.utc)
    s = m["Subject"]
    subj = str(email.header.make_header(email.header.decode_header(s))) if s else ""
    raw = re.search(rb"^Subject: (.*?)\r?$", data, re.M)
    if raw and max(raw.group(1), default=0) > 127:
        # Raw 8-bit text: the generator wrote it in ISO-8859-1.
        subj = raw.group(1).decode("latin-1")
    print("%s|%s|%s|%s" % (f, status, iso.isoformat() if iso else "", subj))
PY
python3 "$T/oracle.py" > "$T/want"
q "SELECT replace(s.name, './', '') || '|' || m.date_status || '|' || coalesce(m.date_parsed, '') || '|' || coalesce(m.subject, '')
	FROM messages m JOIN locations l ON l.message = m.id JOIN sources s ON s.id = l.source_id
	WHERE s.name LIKE '%.eml' ORDER BY s.name" | sed 's/^"//; s/"$//' > "$T/got"
expect_file "dates, date status and subjects as Python's email package reads them" "$T/want" "$T/got"

expect_eq "status and warnings of each kind" "8bit-header.eml|malformed|unencoded 8-bit header (From)
bad-date.eml|malformed|invalid Date header
bad-encoded-word.eml|ok|
crlf.eml|ok|
no-final-newline.eml|ok|
no-headers-but-from.eml|ok|
no-zone.eml|ok|
plain.eml|ok|
quoted-from.eml|ok|
same-msgid-other-bytes.eml|ok|
two-digit-year.eml|ok|
unquoted-from.eml|ok|" \
	"$(q "SELECT replace(s.name, './', '') || '|' || m.status || '|' || coalesce(m.warnings, '')
		FROM messages m JOIN locations l ON l.message = m.id JOIN sources s ON s.id = l.source_id
		WHERE s.name LIKE '%.eml' ORDER BY s.name")"
expect_eq "receipt: topmost Received, else Date, else none" "crlf.eml|received|2008-07-01T23:30:00-04:00
no-headers-but-from.eml|none|
no-zone.eml|date|2008-07-04T09:00:00+00:00" \
	"$(q "SELECT replace(s.name, './', '') || '|' || m.received_from || '|' || coalesce(m.received_at, '')
		FROM messages m JOIN locations l ON l.message = m.id JOIN sources s ON s.id = l.source_id
		WHERE s.name IN ('./crlf.eml', './no-zone.eml', './no-headers-but-from.eml') ORDER BY s.name")"
# plain, its CRLF twin and the same-Message-ID variant (other body).
expect_eq "CRLF and LF copies are different bytes, read alike" "3|1" \
	"$(q "SELECT count(DISTINCT sha256) || '|' || count(DISTINCT subject || from_addr || date_parsed) FROM messages
		WHERE message_id IN ('plain-1@spam.example', 'crlf-1@spam.example')")"
t_done
