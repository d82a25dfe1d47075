#!/bin/sh
# report's content sections on the sample case (four traps, a re-export
# with duplicate locations, a malformed and an undated copy, messages 56
# and 57 sharing a Message-ID): assumptions, findings, scenarios,
# reconciliation, possible duplicates, traps, incidents, sample messages,
# each checked by check-content.py against figures it recomputes from the
# case, the statute files and Python's email reader; same case, same bytes.
. "$WB_ROOT/tests/lib.sh"
_t_dir=exhibits

if ! command -v pdftotext > /dev/null; then
	skip report-content "pdftotext not installed"
	t_done
	exit 0
fi
S="$T/sample"
C="$T/s.case"
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
wb init "$C" --name "Content v. Sections" --filed 2008-09-01 > /dev/null
wb import "$C" traps "$S/traps.csv" > /dev/null
wb ingest "$C" "$S"/mail/* > /dev/null 2>&1
wb import "$C" parties "$S/parties.csv" > /dev/null
wb import "$C" findings "$S/findings.csv" > /dev/null
wb link "$C" > /dev/null
cp "$C" "$T/copy.case"
ST="$WB_ROOT/templates/statutes"

export SOURCE_DATE_EPOCH=1220227200
expect_rc "report (defaults)" 0 wb report "$C" --out "$T/o1" --statutes "$ST"
expect_rc "report of the same case again" 0 wb report "$T/copy.case" --out "$T/o2" --statutes "$ST"
same=yes
for f in "$T"/o1/*; do cmp -s "$f" "$T/o2/$(basename "$f")" || same="no: $(basename "$f")"; done
expect_eq "same case, same bytes" "yes" "$same"

out=$(python3 "$WB_ROOT/tests/exhibits/check-content.py" "$C" "$T/o1" "$ST" "$WB" 2>&1)
expect_eq "content sections agree with the case (defaults)" "" "$out"
# The generator's record: two copies share a Message-ID with different
# bytes (message 9001 and its resend); the PDF lists both, side by side.
dups=$(pdftotext -layout "$T/o1/report.pdf" - | sed -n '/^Possible duplicates (one Message-ID/,/^X | /p' | grep -c '^pharmacy\.')
expect_eq "possible duplicates: both copies in the PDF" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["possible_duplicates"])' "$S/manifest.json")" "$dups"

# Without preemption the California, Arizona and Colorado copies count:
# the incidents carry money and the scenarios' rows differ.
expect_rc "report --preemption ignore" 0 wb report "$C" --out "$T/o3" --statutes "$ST" --preemption ignore
out=$(python3 "$WB_ROOT/tests/exhibits/check-content.py" "$C" "$T/o3" "$ST" "$WB" --preemption ignore 2>&1)
expect_eq "content sections agree with the case (--preemption ignore)" "" "$out"
# The statute arithmetic, by hand, for the sample without preemption: of
# jane's copies 39 violate § 17529.2(b): 39 x $1,000 = $39,000 (no incident
# reaches $1,000,000); Arizona 32 x $10 = $320 (under the $25,000 cap);
# Colorado 24 x $10 = $240.  Total $39,560.00.
expect_match "scenarios: preemption applied as the alternative" \
	"CAN-SPAM preemption applied" "$(pdftotext -layout "$T/o1/report.pdf" - | tr -s ' \n' ' ')"
expect_match "the total without preemption" '\$39,560\.00' "$(pdftotext -layout "$T/o3/report.pdf" - | sed -n '/Scenarios that change/,/change no amount/p')"

# report.pdf as a reader finds it: the contents give the page each heading
# is printed on, every page says "Page x of N", tables and figures are
# numbered in order (check-pdf.py reads the text with pdftotext).
out=$(python3 "$WB_ROOT/tests/exhibits/check-pdf.py" --structure "$T/o3/report.pdf" 1 2>&1)
expect_eq "contents, page and table numbers (the sample)" "" "$out"
# More headings than a contents page holds: each copy its own campaign,
# so the report has a sample exhibit (a heading) for each of the 25
# largest; the contents run on to a second page and stay right.
cp "$T/copy.case" "$T/many.case"
sqlite3 "$T/many.case" "UPDATE messages SET campaign = id WHERE campaign IS NOT NULL"
samples=$(sqlite3 "$T/many.case" "SELECT min(count(DISTINCT campaign), 25) FROM messages")
expect_eq "the case has 25 campaigns to sample" "25" "$samples"
expect_rc "report of a case with many campaigns" 0 wb report "$T/many.case" --out "$T/o6" --statutes "$ST" --preemption ignore
out=$(python3 "$WB_ROOT/tests/exhibits/check-pdf.py" --structure "$T/o6/report.pdf" 2 2>&1)
expect_eq "contents over two pages, page and table numbers right" "" "$out"
expect_eq "every sample exhibit is in the contents" "$samples" \
	"$(pdftotext -f 2 -l 3 -layout "$T/o6/report.pdf" - | grep -c '^Exhibit: Sample of campaign')"

expect_rc "report --include-indicators" 0 wb report "$C" --out "$T/o4" --statutes "$ST" --include-indicators
out=$(python3 "$WB_ROOT/tests/exhibits/check-content.py" "$C" "$T/o4" "$ST" "$WB" --include-indicators 2>&1)
expect_eq "content sections agree with the case (--include-indicators)" "" "$out"

# Ann Kerr living in Connecticut: the copies of her trap give contacts with
# Connecticut under § 52-59b, which the Jurisdiction section shows per
# party (check-content.py counts them from the case).
sed 's/^ark@trapmail.test,Ann Kerr,AR,/ark@trapmail.test,Ann Kerr,CT,/' "$S/traps.csv" > "$T/traps-ct.csv"
expect_eq "the variant roster moves Ann Kerr to Connecticut" "1" "$(grep -c ',Ann Kerr,CT,' "$T/traps-ct.csv")"
CT="$T/ct.case"
wb init "$CT" --name "Content v. Connecticut" --filed 2008-09-01 > /dev/null
wb import "$CT" traps "$T/traps-ct.csv" > /dev/null 2>&1
wb ingest "$CT" "$S"/mail/* > /dev/null 2>&1
wb import "$CT" parties "$S/parties.csv" > /dev/null
wb import "$CT" findings "$S/findings.csv" > /dev/null
wb link "$CT" > /dev/null
expect_rc "report (a Connecticut holder)" 0 wb report "$CT" --out "$T/o5" --statutes "$ST"
out=$(python3 "$WB_ROOT/tests/exhibits/check-content.py" "$CT" "$T/o5" "$ST" "$WB" 2>&1)
expect_eq "content sections agree with the case (a Connecticut holder)" "" "$out"
expect_match "jurisdiction: copies in Connecticut shown" "Conn\. Gen\. Stat\. § 52-59b \(a\)\(3\) [1-9]" \
	"$(pdftotext -raw "$T/o5/report.pdf" - | tr -s ' \n' ' ')"
# The Defendants and Jurisdiction sheets, filled here (the case of
# t-report.sh has no roster), print at 8 points or more too.
if have_soffice; then
	expect_rc "the content sheets of a case with a roster print at 8 points or more" 0 \
		python3 "$WB_ROOT/tests/exhibits/check-print.py" "$T/o5/exhibits.xlsx" 8
	[ -s "$T/.err" ] && cat "$T/.err"
fi
t_done
