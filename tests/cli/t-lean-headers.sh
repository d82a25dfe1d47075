#!/bin/sh
# The parse a copy gets in a parse worker (wb_ingest_parse_lean(): GMime
# is not given the fields no reader asks for, nor the Received fields,
# kept aside) against the parse that gives GMime every field
# (wb_ingest_parse()): the copy's fields, trap, Received fields, analysis
# and warnings the same on every message of the SpamAssassin corpus
# (tests/tools/lean-diff.c, tests/unit/lean-ref.h).
. "$WB_ROOT/tests/lib.sh"

if ! tgz=$(corpus_tgz 2>/dev/null); then
	skip "lean header parse" "SpamAssassin corpus not available"
	t_done
	exit
fi
tgz=$(corpus_sample "$tgz") || exit 1
python3 "$WB_ROOT/tests/tools/corpus-mbox.py" "$tgz" "$T/corpus.mbox" || { t_fail "corpus-mbox.py"; t_done; exit 1; }
# Python's mailbox module counts the messages, and the ones with a Received
# field and with a field no reader asks for (most of the corpus).
set -- $(python3 - "$T/corpus.mbox" <<'PY'
import mailbox, sys
keep = {"from", "sender", "reply-to", "to", "cc", "bcc", "subject", "date", "message-id",
        "mime-version", "in-reply-to", "references", "return-path", "list-unsubscribe",
        "x-mailer", "dkim-signature", "delivered-to", "x-original-to", "envelope-to", "received"}
n = rec = other = 0
for m in mailbox.mbox(sys.argv[1]):
    n += 1
    names = [k.lower() for k in m.keys()]
    rec += "received" in names
    other += any(k not in keep and not k.startswith("content-") for k in names)
print(n, rec, other)
PY
)
n=$1 rec=$2 other=$3
out=$("$WB_BUILD/tools/lean-diff" "$T/corpus.mbox" | tail -n 1)
expect_eq "every message compared, none differs" "messages $n, differ 0" \
	"$(echo "$out" | sed 's/, aside [0-9]*, fewer [0-9]*//')"
# Most copies take the lean path: Received fields aside (all but the few
# with an 8-bit or encoded Received field) and fewer fields for GMime.
aside=$(echo "$out" | sed -n 's/.*aside \([0-9]*\).*/\1/p')
fewer=$(echo "$out" | sed -n 's/.*fewer \([0-9]*\).*/\1/p')
expect_eq "Received fields kept aside in most copies that have one" "yes" \
	"$([ "$aside" -ge $((rec * 9 / 10)) ] && [ "$aside" -le "$rec" ] && echo yes || echo "no ($aside of $rec)")"
expect_eq "GMime given fewer fields in most copies with one to leave out" "yes" \
	"$([ "$fewer" -ge $((other * 9 / 10)) ] && echo yes || echo "no ($fewer of $other)")"
t_done
