#!/bin/sh
# A link through a tracker or redirector advertises where it leads: the
# target carried in the link's query (url=...) or path (/go/http://...) is an
# advertised domain as much as the tracker's own, and an image's is neither.
. "$WB_ROOT/tests/lib.sh"
C="$T/c.case"
wb init "$C" > /dev/null
mkdir -p "$T/mail"
cat > "$T/mail/1.eml" <<'MSG'
From: Offers <offers@sender-one.test>
To: trap@example.org
Subject: Great deal
Message-ID: <redir-1@sender-one.test>
Date: Mon, 1 Sep 2008 10:00:00 +0000
Content-Type: text/html

<html><body><p>Click <a href="http://click.tracker-net.com/r?aff=77&amp;url=http%3A%2F%2Fwww.landing-shop.com%2Foffer">here</a>
or <a href="http://go.bouncer.org/go/http://deals.second-store.net/x">there</a>.
<img src="http://img.pixel-host.com/p.gif?url=http%3A%2F%2Fwww.image-target.com%2F"></p></body></html>
MSG
wb ingest "$C" "$T/mail" > /dev/null 2>&1
expect_rc "link" 0 wb link "$C"
expect_eq "advertised: the link domains and the targets they redirect to, not the image's" \
"bouncer.org
landing-shop.com
second-store.net
tracker-net.com" \
	"$(wb sql "$C" "SELECT DISTINCT p.name FROM message_parties mp JOIN parties p ON p.id = mp.party
		WHERE mp.role = 'advertiser' ORDER BY 1" --format csv | tail -n +2)"
expect_eq "the redirect target's row says where it was found" "body:href>redirect" \
	"$(wb sql "$C" "SELECT DISTINCT mp.location FROM message_parties mp JOIN parties p ON p.id = mp.party
		WHERE p.name = 'landing-shop.com'" --format csv | tail -n +2)"
t_done
