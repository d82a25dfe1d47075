#!/bin/sh
# The HTML parse, with the attributes no callback reads taken out before
# libxml2 reads the document (evidence/analyze-html.c), against the
# reference that gives libxml2 the document whole (tests/unit/html-ref.h):
# equal text and links on every text/html part of the SpamAssassin corpus,
# as its bytes and as UTF-8, whole and cut short (tests/tools/html-diff.c).
. "$WB_ROOT/tests/lib.sh"

if ! tgz=$(corpus_tgz 2>/dev/null); then
	skip "HTML differential" "SpamAssassin corpus not available"
	t_done
	exit
fi
N=${WB_SAMPLE:-1}
tgz=$(corpus_sample "$tgz") || exit 1
written=$(python3 "$WB_ROOT/tests/tools/html-parts.py" "$tgz" "$T/html") || { t_fail "html-parts.py"; t_done; exit 1; }
# Python's count of the parts is the oracle for how many were compared.
expect_eq "every part compared, none differs" "documents $written, differ 0" \
	"$("$WB_BUILD/tools/html-diff" "$T/html" | tail -n 1)"
expect_eq "parts found" "yes" "$([ "$written" -ge $((1000 / N)) ] && echo yes || echo no)"
t_done
