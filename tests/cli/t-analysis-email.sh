#!/bin/sh
# Decoded Subject and From address over the whole SpamAssassin corpus,
# compared with Python's email package (policy=default): at least 99.5% of
# messages agree; each disagreement is explained in
# evidence/VIOLATIONS.md (the Subject and From section) (the eight listed there).
. "$WB_ROOT/tests/lib.sh"

if ! tgz=$(corpus_tgz 2>/dev/null); then
	skip "python email comparison" "SpamAssassin corpus not available"
	t_done
	exit
fi
# WB_SAMPLE=N (make check-asan): every Nth message (corpus_sample, which
# says how the messages of the sample are numbered).
N=${WB_SAMPLE:-1}
tgz=$(corpus_sample "$tgz") || exit 1
python3 "$WB_ROOT/tests/tools/corpus-mbox.py" "$tgz" "$T/corpus.mbox"
"$WB_BUILD/tools/dump-headers" "$T/corpus.mbox" > "$T/dump.txt"
python3 "$WB_ROOT/tests/tools/compare-email.py" "$T/corpus.mbox" "$T/dump.txt" v > "$T/report.txt" 2> "$T/ratio.txt"
ratio=$(cat "$T/ratio.txt")
expect_eq "messages compared" "messages $(((6046 + N - 1) / N))" "$(grep -o '^messages [0-9]*' "$T/report.txt")"
expect_eq "agreement at least 99.5%" "yes" "$(awk -v r="$ratio" 'BEGIN { print (r >= 0.995 ? "yes" : "no") }')"
# Every disagreement is one VIOLATIONS.md explains.
listed=$(grep -E '^[0-9]+ [a-z]' "$T/report.txt" | cut -d' ' -f1 | sort -n | tr '\n' ' ')
expect_eq "disagreements are the explained ones" \
	"$(for k in 3938 3941 4412 4460 4469 4472 4473 4729; do [ $((k % N)) -ne 0 ] || printf '%d ' $((k / N)); done)" "$listed"
t_done
