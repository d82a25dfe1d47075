#!/bin/sh
# report end to end: the damages engine on a generated case (six copies with
# hostile subjects, analyst findings, statute files with small caps so every
# cap is reached), then LibreOffice recalculates the workbook and must give
# `damages --format json` to the cent; same case, same bytes; every page of
# report.pdf has ink; a failed run leaves nothing under a final name.
. "$WB_ROOT/tests/lib.sh"
_t_dir=exhibits

C="$T/c.case"
wb init "$C" --name "Doe v. Spam & Co" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/report-case.py" "$C" --findings "$T/f.csv"
wb import "$C" findings "$T/f.csv" > /dev/null
# Caps made small ($1,500 per incident in California, $5 per day in
# Arkansas) so the workbook's MIN formulas have work to do.
mkdir "$T/st"
cp "$WB_ROOT"/templates/statutes/*.ini "$T/st/"
sed -i 's/^cap_cents=100000000$/cap_cents=150000/' "$T/st/ca-17529.5.ini" "$T/st/ca-17529.8.ini"
sed -i 's/^cap_cents=.*/cap_cents=500/' "$T/st/ar-4-88.ini"
# CAN-SPAM's $1,000,000 per action made $20, so that a copy outside the
# cap (7704(a)(1)) and one under it (7704(a)(2)) come apart.
sed -i 's/^cap_cents=.*/cap_cents=2000/' "$T/st/us-7706.ini"
cp "$C" "$T/copy.case"
cp "$C" "$T/copy2.case"
cp "$C" "$T/copy3.case"

# check-xlsx.py in its two phases: lo_first NAME WHAT ARGS... runs now the
# checks that need no LibreOffice and keeps the workbook without its
# values; lo_recalculate, at the end, starts LibreOffice once for all the
# workbooks kept and checks each as recalculated, under its own WHAT.
mkdir "$T/lo"
lo_first () {
	_n=$1 _what=$2
	shift 2
	expect_rc "$_what: the workbook as written" 0 \
		python3 "$WB_ROOT/tests/exhibits/check-xlsx.py" "$@" --bare-to "$T/lo/$_n.xlsx"
	[ -s "$T/.err" ] && cat "$T/.err"
	printf '%s %s\n' "$_n" "$_what" >> "$T/lo.list"
}
lo_recalculate () {
	[ -s "$T/lo.list" ] || return 0
	expect_rc "one LibreOffice start recalculates $(wc -l < "$T/lo.list") workbooks" 0 \
		python3 "$WB_ROOT/tests/exhibits/check-xlsx.py" --convert "$T/lo"
	while read -r _n _what; do
		expect_rc "$_what" 0 python3 "$WB_ROOT/tests/exhibits/check-xlsx.py" --recalculated "$T/lo/$_n.xlsx"
		[ -s "$T/.err" ] && cat "$T/.err"
	done < "$T/lo.list"
}

export SOURCE_DATE_EPOCH=1209600000
expect_rc "report runs" 0 wb report "$C" --out "$T/o1" --statutes "$T/st"
expect_match "report prints the manifest" "exhibits.xlsx" "$(cat "$T/.out")"
expect_rc "report of the same case again" 0 wb report "$T/copy.case" --out "$T/o2" --statutes "$T/st"
same=yes
for f in "$T"/o1/*; do cmp -s "$f" "$T/o2/$(basename "$f")" || { same="no: $(basename "$f")"; }; done
expect_eq "same case, same bytes" "yes" "$same"
expect_eq "twelve files" "12" "$(ls "$T/o1" | wc -l)"
expect_eq "manifest matches sha256sum" "$(cd "$T/o1" && sha256sum $(grep -v '^#' manifest.txt | awk '{print $3}'))" \
	"$(grep -v '^#' "$T/o1/manifest.txt" | awk '{print $1 "  " $3}')"
expect_eq "custody row holds the manifest" "1" \
	"$(wb sql "$C" "SELECT count(*) FROM custody WHERE command='report' AND action='exhibit' AND detail LIKE '%exhibits.xlsx%'" --format csv | tail -n 1)"
unset SOURCE_DATE_EPOCH
# Without SOURCE_DATE_EPOCH the case clock (last change to the evidence)
# dates the exhibits: two runs two seconds apart give the same bytes.
wb report "$T/copy2.case" --out "$T/o4" > /dev/null
sleep 2
wb report "$T/copy3.case" --out "$T/o5" > /dev/null
same=yes
for f in "$T"/o4/*; do cmp -s "$f" "$T/o5/$(basename "$f")" || { same="no: $(basename "$f")"; }; done
expect_eq "same bytes on the case clock, whatever the wall clock" "yes" "$same"

# LibreOffice (one start per option set): the totals of the engine.
n=0
# The copies are of 2007 and violate labels and disclosure duties that
# CAN-SPAM preempts: the first three runs ignore preemption so that the caps
# are reached and the hostile subjects are on the Messages sheet; the last
# applies it (the default), which leaves those copies out.
for opts in "--preemption ignore" "--ar-day-rule aggregate --plaintiff provider --preemption ignore" \
	"--due-care --incident campaign --preemption ignore" ""; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	expect_rc "report ($opts)" 0 wb report "$C" --out "$T/x$n" --statutes "$T/st" $opts
	# shellcheck disable=SC2086
	wb damages "$C" --statutes "$T/st" --format json $opts > "$T/d$n.json"
	if have_soffice; then
		lo_first "x$n" "LibreOffice recalculates to the engine's totals, each scenario the engine's ($opts)" \
			"$T/x$n/exhibits.xlsx" "$T/d$n.json" \
			$([ -n "$opts" ] && echo --hostile) --scenarios "$C" --statutes-dir "$T/st" --options "$opts"
	fi
done
expect_match "a cap was reached (the check can fail)" '"amount_cents": 250000' "$(cat "$T/d1.json")"

# Changing a per-copy amount on the Statutes sheet recalculates the
# workbook as the statute's arithmetic says.  California's amount per copy
# from $1,000 to $2,000 under the test's cap of $1,500 per incident: every
# incident holds at least one copy, so each now reaches the cap and the
# statute's amount is incidents x $1,500 (elect the lesser, § 17529.5(b)(1)(B)
# as the rule file reads it); the total moves by the difference.
if have_soffice; then
	set -- $(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
st = [s for s in d["statutes"] if s["id"].startswith("ca-") and s["violating_messages"]][0]
new = st["incidents"] * 150000
print(st["id"], new, d["total_cents"] - st["amount_cents"] + new)' "$T/d1.json")
	lo_first per-copy "a per-copy amount changed on the Statutes sheet recalculates the totals" \
		"$T/x1/exhibits.xlsx" "$T/d1.json" \
		--per-copy "$1=200000" --expect "$1=$2" --expect-total "$3"
fi

# Outside the cap.  For the provider (one action, both traps), CAN-SPAM
# counts copies 1, 2 and 4 under 7704(a)(1) at $100, outside the cap
# (15 U.S.C. 7706(g)(3)(A)(i), (B)), and copy 3 under 7704(a)(2) at $25,
# under the test's $20 cap: 3 x $100 + min($25, $20) = $320.  Marked as
# capped on the Provision amounts sheet, 7704(a)(1) falls under the cap:
# min(3 x $100 + $25, $20) = $20, and the total moves by $300.
expect_eq "CAN-SPAM for the provider, worked by hand" "32000" \
	"$(python3 -c 'import json,sys; print([s["amount_cents"] for s in json.load(open(sys.argv[1]))["statutes"] if s["id"] == "us-7706"][0])' "$T/d2.json")"
if have_soffice; then
	lo_first outside "a provision made capped on the Provision amounts sheet recalculates the totals" \
		"$T/x2/exhibits.xlsx" "$T/d2.json" \
		--outside 'us-7706/7704(a)(1)=0' --expect us-7706=2000 \
		--expect-total "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_cents"] - 30000)' "$T/d2.json")"
fi

# Defendants: the sheets are formulas over the Defendant copies sheet.
# The case of tests/gen/gen-defendants-case.py (a sender, an affiliate and
# an advertiser sharing copies, a group, copies of nobody's), whose record
# of who sent what gives each defendant's amounts independently.
D="$T/def.case"
wb init "$D" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/gen-defendants-case.py" "$D" > "$T/dexp.json"
S="--preemption ignore --statute az-44-1372 --statute co-6-2.5 --statute ca-17529.8"
# shellcheck disable=SC2086
expect_rc "report on the defendants' case" 0 wb report "$D" --out "$T/dx" $S
# shellcheck disable=SC2086
wb damages "$D" --format json $S > "$T/dd.json"
# shellcheck disable=SC2086
wb damages "$D" --format json --by defendant $S > "$T/ddef.json"
# shellcheck disable=SC2086
wb damages "$D" --format json --by plaintiff $S > "$T/ddp.json"
expect_eq "the engine's defendants are the generator's" \
	"$(python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); print(sorted((n, x["amount_cents"]) for n, x in d["defendants"].items()), d["total_cents"])' "$T/dexp.json")" \
	"$(python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); print(sorted((x["name"], x["amount_cents"]) for x in d["defendants"]), d["total_cents"])' "$T/ddef.json")"
if have_soffice; then
	lo_first dx "LibreOffice: per defendant, per plaintiff, each scenario" \
		"$T/dx/exhibits.xlsx" "$T/dd.json" \
		--defendants "$T/ddef.json" --plaintiffs "$T/ddp.json" --scenarios "$D" --options "$S"
	# California's $1,000 per copy made $2,000 on the Statutes sheet.
	# The attributed California copies are one incident (campaign 3, one
	# day) of 10 copies: 10 x $2,000 = $20,000, under the $1,000,000 cap
	# per incident (17529.8(a)(1)(B)), so each defendant's California
	# amount doubles, and so does the share of all of them; the case's 15
	# copies (two incidents, 10 and 5) go from $15,000 to $30,000.
	set -- $(python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
ca = {n: x["statutes"]["ca-17529.8"]["amount_cents"] for n, x in g["defendants"].items()}
assert all(c in (0, 10 * 100000) for c in ca.values()), ca
json.dump({n: x["amount_cents"] + ca[n] for n, x in g["defendants"].items()}, open(sys.argv[2], "w"))
print(g["case_cents"] + 15 * 100000, g["total_cents"] + 10 * 100000)' "$T/dexp.json" "$T/dwant.json")
	lo_first dx-per-copy "a per-copy amount changed recalculates each defendant's exposure" \
		"$T/dx/exhibits.xlsx" "$T/dd.json" \
		--defendants "$T/ddef.json" --per-copy ca-17529.8=200000 --expect ca-17529.8=3000000 \
		--expect-total "$1" --expect-defendants "$T/dwant.json" --expect-defendant-total "$2"
fi

if command -v pdftoppm > /dev/null; then
	expect_rc "every page of report.pdf has ink" 0 python3 "$WB_ROOT/tests/exhibits/check-pdf.py" "$T/o1/report.pdf" 7
	expect_match "PDF dates are the case clock" "CreationDate: +Thu May  1 00:00:00 2008" "$(pdfinfo "$T/o1/report.pdf" 2>&1)"
	for c in timeline senders attribution; do
		expect_rc "chart-$c.pdf renders" 0 python3 "$WB_ROOT/tests/exhibits/check-pdf.py" "$T/o1/chart-$c.pdf" 1
	done
else
	skip "PDF checks" "pdftoppm not installed"
fi

# Every sheet prints at 8 points or more through LibreOffice, landscape,
# with "page x of y" and the header row repeated.
if command -v pdftotext > /dev/null && have_soffice; then
	expect_rc "every sheet prints at 8 points or more" 0 \
		python3 "$WB_ROOT/tests/exhibits/check-print.py" "$T/x1/exhibits.xlsx" 8
	[ -s "$T/.err" ] && cat "$T/.err"
fi

# report.pdf: a contents page, an outline entry per section, and
# "page x of N" with N the page count.
if command -v pdfinfo > /dev/null; then
	pages=$(pdfinfo "$T/o1/report.pdf" | awk '/^Pages:/ {print $2}')
	expect_match "the last page says it is page N of N" "Page $pages of $pages" \
		"$(pdftotext -f "$pages" -l "$pages" "$T/o1/report.pdf" - 2>&1)"
	expect_match "a contents page" "Contents" "$(pdftotext -f 2 -l 2 "$T/o1/report.pdf" - 2>&1)"
	expect_eq "an outline entry per section" "Summary of damages" \
		"$(python3 -c '
import re, sys, zlib
data = open(sys.argv[1], "rb").read()
print("Summary of damages" if b"/Outlines" in data and b"(Summary of damages)" in data else "no outline")' "$T/o1/report.pdf")"
fi

# The custody rows and the renames succeed or fail together: a custody
# write that fails (a trigger refuses it) leaves no exhibit behind.
cp "$C" "$T/refuse.case"
wb sql "$T/refuse.case" "CREATE TRIGGER refuse BEFORE INSERT ON custody WHEN NEW.command = 'report'
	BEGIN SELECT RAISE(FAIL, 'custody refused'); END" > /dev/null 2>&1 ||
	sqlite3 "$T/refuse.case" "CREATE TRIGGER refuse BEFORE INSERT ON custody WHEN NEW.command = 'report'
	BEGIN SELECT RAISE(FAIL, 'custody refused'); END"
expect_rc "report whose custody row is refused fails" 1 wb report "$T/refuse.case" --out "$T/refused" --statutes "$T/st"
expect_eq "and leaves no file in the folder" "" "$(ls -A "$T/refused" 2>/dev/null)"

# A failed run: the output path is a file.  Nothing is written.
: > "$T/afile"
expect_rc "report into a file fails" 1 wb report "$C" --out "$T/afile/sub" --statutes "$T/st"
expect_match "the error names the folder" "afile" "$(cat "$T/.err")"
expect_rc "report without --out is a usage error" 2 wb report "$C"
expect_rc "report with a bad option value" 2 wb report "$C" --out "$T/o3" --incident weekly
expect_eq "no output folder from a usage error" "no" "$([ -e "$T/o3" ] && echo yes || echo no)"

# Several plaintiffs: caps apply within each plaintiff's action (two
# Arizona holders, two Arkansas residents on the same days, a California
# incident shared by three), and the workbook's formulas must still give
# the engine's amounts, for recipients and providers, per day and
# aggregate, the incident cap shared and each.
P="$T/p.case"
wb init "$P" --filed 2008-05-01 > /dev/null
python3 "$WB_ROOT/tests/gen/gen-plaintiffs-case.py" "$P" > /dev/null
n=0
for opts in "--preemption ignore" "--plaintiff provider --ar-day-rule aggregate --preemption ignore" \
	"--incident-scope each --ar-day-rule aggregate --preemption ignore"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	expect_rc "report on several plaintiffs ($opts)" 0 wb report "$P" --out "$T/p$n" $opts
	# shellcheck disable=SC2086
	wb damages "$P" --format json $opts > "$T/p$n.json"
	# shellcheck disable=SC2086
	wb damages "$P" --format json --by plaintiff $opts > "$T/pp$n.json"
	if have_soffice; then
		lo_first "p$n" "LibreOffice: several plaintiffs ($opts)" \
			"$T/p$n/exhibits.xlsx" "$T/p$n.json" \
			--plaintiffs "$T/pp$n.json" --scenarios "$P" --options "$opts"
	fi
done
lo_recalculate
t_done
