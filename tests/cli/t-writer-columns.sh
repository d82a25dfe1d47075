#!/bin/sh
# The writer binds each value to its own column: a message whose every
# header is distinct, ingested, gives each messages and sources column the
# value Python's email package (and hashlib) reads from the same bytes.
. "$WB_ROOT/tests/lib.sh"
python3 - "$T/m.eml" <<'PY'
import sys
open(sys.argv[1], 'w', newline='').write(
    "Return-Path: <bounce@return.test>\n"
    "Received: from helo.sender.test (rdns.sender.test [203.0.113.7])\n"
    "\tby mx.trap.test (Postfix) with ESMTP id ABC123\n"
    "\tfor <trap@trap.test>; Tue, 2 Jan 2024 10:00:05 +0000\n"
    "From: \"Sender Name\" <from@sender.test>\n"
    "Reply-To: reply@reply.test\n"
    "Sender: sender@sender.test\n"
    "To: trap@trap.test, other@trap.test\n"
    "Cc: cc@cc.test\n"
    "Subject: A subject line\n"
    "Date: Tue, 2 Jan 2024 09:58:00 +0000\n"
    "Message-ID: <mid-1@sender.test>\n"
    "\n"
    "Body text here.\n")
PY
wb init "$T/c.case" > /dev/null
expect_rc "ingest" 0 wb ingest "$T/c.case" "$T/m.eml"
# The reference: each column from the message as Python's email reads it.
python3 - "$T/m.eml" > "$T/want" <<'PY'
import email, email.utils, hashlib, sys, time
raw = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(raw)
name, addr = email.utils.parseaddr(m['From'])
d = email.utils.parsedate_to_datetime(m['Date'])
rcv = m['Received'].split(';')[-1].strip()
r = email.utils.parsedate_to_datetime(rcv)
sha = hashlib.sha256(raw).hexdigest()
def a(h): return email.utils.parseaddr(m[h])[1]
rows = [sha, sha, m['Message-ID'].strip('<>'), m['Date'], d.isoformat(), addr, name, a('Reply-To'),
        a('Return-Path'), a('Sender'), ', '.join(x for _, x in email.utils.getaddresses([m['To']])),
        a('Cc'), m['Subject'], r.isoformat(), str(int(r.timestamp())), r.date().isoformat(), '0', 'ok']
print('|'.join(rows))
print('|'.join(['m.eml', str(len(raw)), hashlib.sha256(raw).hexdigest(), '1']))
PY
sqlite3 "$T/c.case" "SELECT sha256, ident, message_id, date_header, date_parsed, from_addr,
	from_name, reply_to, return_path, sender, to_addrs, cc_addrs, subject, received_at,
	received_epoch, local_day, trap_id, status FROM messages;
	SELECT replace(name, rtrim(name, replace(name, '/', '')), ''), size, sha256, messages
	FROM sources WHERE parent_id IS NULL" > "$T/got"
expect_eq "each column holds its own value" "$(cat "$T/want")" "$(cat "$T/got")"
expect_eq "the stored bytes are the file's" "$(sha256sum < "$T/m.eml" | cut -d' ' -f1)" \
	"$(sqlite3 "$T/c.case" "SELECT sha256 FROM raw")"
t_done
