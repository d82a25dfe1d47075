#!/bin/sh
# make demo: generate the bundled sample case and run the whole pipeline on
# it, printing each command as a person would type it.
set -e
cd "$(dirname "$0")/.."
WB=${WB:-$(pwd)/build/workbench}
OUT=${DEMO_DIR:-demo}
export WB_NO_PROGRESS=1
rm -rf "$OUT"
mkdir -p "$OUT"
python3 tests/gen/gen-sample.py "$OUT/sample"
CASE=$OUT/sample.case
run () {
	echo
	echo "\$ workbench $*"
	"$WB" "$@"
}
run init "$CASE" --name "People v. Spam Senders (sample)" --filed 2008-09-01
run case "$CASE" set court="Superior Court of California, County of Sample (sample)" \
	number="SAMPLE-2008-0001" caption="People v. Spam Senders et al. (sample)" \
	expert="A. Analyst, sample expert"
run import "$CASE" traps "$OUT/sample/traps.csv"
run ingest "$CASE" "$OUT"/sample/mail/*
run import "$CASE" parties "$OUT/sample/parties.csv"
run import "$CASE" findings "$OUT/sample/findings.csv"
run messages "$CASE" --limit 5
run link "$CASE"
run explain "$CASE" "PureCash LLC" "Imatrix Ltd"
run jurisdiction "$CASE" --defendant "Lowrate Lending Corp"
run damages "$CASE"
run damages "$CASE" --by plaintiff --preemption ignore
run damages "$CASE" --by defendant --preemption ignore
run report "$CASE" --out "$OUT/exhibits"
echo
echo "The exhibits are in $OUT/exhibits/ (exhibits.xlsx, report.pdf, charts, manifest.txt)."
