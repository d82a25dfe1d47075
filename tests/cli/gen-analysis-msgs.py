#!/usr/bin/env python3
"""Write the messages the analysis CLI tests use into DIR: three copies of
one campaign (differing in a tracking number, the recipient and a link), one
unrelated message, and one with an attachment.  'gen-analysis-msgs.py DIR'."""
import base64, os, sys
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
body = ("Dear friend, we have a special offer for you today only.\n"
        "Visit http://offers.example.com/go?affid=A{n}&subid=7 and use code {code} before Friday.\n"
        "Call 1-800-555-0199 now. Our address: 123 Main Street, Suite 4, Springfield, IL 62701\n"
        "To be removed from our list reply with REMOVE in the subject.\n")
hops = ("Received: from mx.trapmail.example (mx.trapmail.example [203.0.113.5]) by mx.trapmail.example"
        " with ESMTP id A1; Mon, 03 Mar 2008 10:00:05 +0000\n"
        "Received: from helo.spammer.example (dsl-{n}.isp.example [198.51.100.{n}]) by mx.trapmail.example"
        " with ESMTP id B{n}; Mon, 03 Mar 2008 10:00:01 +0000\n")
def write(name, text):
    with open(os.path.join(d, name), 'wb') as f:
        f.write(text.encode('latin-1'))
for i, (n, code, to) in enumerate([(11, 4471, 'alice'), (12, 9902, 'bob'), (13, 1234, 'carol')]):
    write('m%d.eml' % (i + 1), hops.format(n=n) +
          "From: Deals <deals@spammer.example>\nTo: %s@trapmail.example\n"
          "Subject: ADV: special offer\nDate: Mon, 03 Mar 2008 10:00:00 +0000\n"
          "Message-ID: <m%d@spammer.example>\n\n" % (to, i + 1) + body.format(n=n, code=code))
write('m4.eml', "From: Colleague <bob@work.example>\nTo: alice@trapmail.example\n"
      "Subject: =?ISO-8859-1?Q?Quarterly_r=E9port?=\nDate: Tue, 04 Mar 2008 09:00:00 +0000\n"
      "Message-ID: <q4@work.example>\n\n"
      "Revenue grew in all regions; see the spreadsheet for the figures by product line\n"
      "and the notes on the forecast for next year.\n")
pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
write('m5.eml', "From: Deals <deals@spammer.example>\nTo: alice@trapmail.example\n"
      "Subject: invoice\nMessage-ID: <m5@spammer.example>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/html; charset=utf-8\n\n"
      "<p>See the <b>attached</b> invoice &amp; pay at <a href=\"http://pay.example.net/i?ref=R55\">our site</a></p>\n"
      "--XX\nContent-Type: application/octet-stream; name=\"invoice.pdf\"\n"
      "Content-Disposition: attachment; filename=\"invoice.pdf\"\nContent-Transfer-Encoding: base64\n\n"
      + base64.b64encode(pdf).decode() + "\n--XX--\n")
