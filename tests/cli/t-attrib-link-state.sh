#!/bin/sh
# What 'link' built, and when: 'links' and 'clusters' before 'link' say to
# run it; 'review ... confirm' says which clusters it merged (read here
# from the clusters table before and after, not from the command's
# output); 'report' warns when parties were imported after the last 'link'.
. "$WB_ROOT/tests/lib.sh"
C="$T/c.case"
wb init "$C" > /dev/null
python3 "$WB_ROOT/tests/gen/gen-attrib-case.py" "$C" "$T/parties.csv"
wb import "$C" parties "$T/parties.csv" > /dev/null
q () { wb sql "$C" "$1" --format csv | tail -n +2; }
# One CSV value without its quotes (the names hold no '"').
qv () { q "$1" | sed 's/^"\(.*\)"$/\1/'; }

for cmd in links clusters; do
	expect_rc "$cmd before link" 1 wb $cmd "$C"
	wb $cmd "$C" > "$T/out" 2> "$T/err"
	expect_eq "$cmd before link: no table" "" "$(cat "$T/out")"
	expect_match "$cmd before link: says to run link" "^hint: run 'workbench link .*c.case' first" "$(cat "$T/err")"
done
wb link "$C" > /dev/null
expect_rc "links after link" 0 wb links "$C"
expect_rc "clusters after link" 0 wb clusters "$C"

# A party's cluster as the clusters table holds it: "cluster N (A, B)"
# with members by party id, or "NAME (in no cluster)".
cl () {
	id=$(q "SELECT m.cluster FROM cluster_members m JOIN parties p ON p.id = m.party WHERE p.name = '$1'")
	if [ -z "$id" ]; then
		echo "$1 (in no cluster)"
	else
		echo "cluster $id ($(qv "SELECT group_concat(name, ', ') FROM (SELECT p.name FROM cluster_members m JOIN parties p ON p.id = m.party WHERE m.cluster = $id ORDER BY p.id)"))"
	fi
}
# Two clusters joined by the analyst's confirmation.
A="Northwind Media LLC"; B="Acme Advertising"
before_a=$(cl "$A"); before_b=$(cl "$B")
expect_match "two clusters before" "^cluster" "$before_a"
[ "$before_a" != "$before_b" ] && t_pass "apart before" || t_fail "apart before"
wb review "$C" "$A" "$B" confirm > "$T/out"
after=$(cl "$A")
expect_eq "same cluster after" "$after" "$(cl "$B")"
expect_eq "confirm says which clusters it merged" \
	"Link $A - $B confirmed
Merged $before_a and $before_b into $after" "$(cat "$T/out")"
expect_eq "custody says it too" 1 "$(qv "SELECT detail FROM custody WHERE action = 'review'" | grep -cF "; Merged $before_a and $before_b into $after")"
# A party in no cluster joined to one.
A="PureCash, L.L.C."; B="Imatrix Corp."
before_a=$(cl "$A"); before_b=$(cl "$B")
expect_eq "Imatrix in no cluster before" "Imatrix Corp. (in no cluster)" "$before_b"
wb review "$C" "$A" "$B" confirm > "$T/out"
expect_eq "confirm: a party in no cluster" "Link $A - $B confirmed
Merged $before_a and $before_b into $(cl "$B")" "$(cat "$T/out")"
wb review "$C" "$A" "$B" confirm > "$T/out"
expect_eq "confirm again: nothing merged" "Link $A - $B confirmed
Already together in $(cl "$B"): no clusters merged" "$(cat "$T/out")"
# Rejecting it splits the cluster again.
before=$(cl "$A")
wb review "$C" "$A" "$B" reject > "$T/out"
expect_eq "Imatrix in no cluster after the reject" "Imatrix Corp. (in no cluster)" "$(cl "$B")"
expect_eq "reject says which cluster it split" "Link $A - $B rejected
Split $before into $(cl "$A") and $(cl "$B")" "$(cat "$T/out")"
# Rejecting a link whose parties other links join: still together.
A="Delta Leads"; B="Gamma Promo"
wb review "$C" "$A" "$B" reject > "$T/out"
expect_eq "reject: other links keep them together" "Link $A - $B rejected
Still together in $(cl "$A"): other links join them" "$(cat "$T/out")"

# report: warned when the roster changed after 'link', not before.
J="$T/j"
mkdir -p "$J"
python3 "$WB_ROOT/tests/gen/gen-jurisdiction-case.py" "$J"
R="$J/r.case"
wb init "$R" > /dev/null
wb import "$R" traps "$J/traps.csv" > /dev/null 2>&1
wb import "$R" parties "$J/parties.csv" > /dev/null
wb ingest "$R" "$J/box.mbox" > /dev/null 2>&1
wb link "$R" > /dev/null
# expect_rc keeps the command's stderr in $T/.err: each report is run once.
expect_rc "report after link" 0 wb report "$R" --out "$J/ex1"
expect_eq "report: no warning while links are current" "" "$(grep 'parties were imported' "$T/.err")"
wb import "$R" parties "$J/parties.csv" > /dev/null
wb report "$R" --out "$J/ex3" > /dev/null 2> "$T/err"
expect_eq "report: an import that changed nothing is no warning" "" "$(grep 'parties were imported' "$T/err")"
printf 'name,role,email\nDelta Leads,sender,x@delta.test\n' > "$J/more.csv"
wb import "$R" parties "$J/more.csv" > /dev/null
expect_rc "report after a parties import" 0 wb report "$R" --out "$J/ex4"
expect_match "report warns links are older than the parties" \
	"^warning: parties were imported after the last 'link'.*run 'workbench link .*r.case' again" "$(cat "$T/.err")"
wb link "$R" > /dev/null
wb report "$R" --out "$J/ex6" > /dev/null 2> "$T/err"
expect_eq "report: no warning after link again" "" "$(grep 'parties were imported' "$T/err")"
t_done
