#!/bin/sh
# Party and link ids stay the same across 'link' runs for the same parties
# and pairs (notes and reviews cite them), and a new party or link gets an
# id never given before.
. "$WB_ROOT/tests/lib.sh"
C="$T/c.case"
wb init "$C" > /dev/null
python3 "$WB_ROOT/tests/gen/gen-attrib-case.py" "$C" "$T/parties.csv"
q () { wb sql "$C" "$1" --format csv | tail -n +2; }
parties_q="SELECT id, role, name FROM parties ORDER BY id"
links_q="SELECT l.id, a.name, b.name FROM links l JOIN parties a ON a.id = l.party_a JOIN parties b ON b.id = l.party_b ORDER BY l.id"

wb import "$C" parties "$T/parties.csv" > /dev/null
expect_rc "link" 0 wb link "$C"
q "$parties_q" > "$T/parties1"
q "$links_q" > "$T/links1"
max_party=$(q "SELECT max(id) FROM parties")
max_link=$(q "SELECT max(id) FROM links")
expect_match "derived parties exist" "sender" "$(q "SELECT group_concat(role) FROM parties WHERE derived = 1")"

# The same case linked again: the same ids.
expect_rc "link again" 0 wb link "$C"
q "$parties_q" > "$T/parties2"
q "$links_q" > "$T/links2"
expect_file "same party ids" "$T/parties1" "$T/parties2"
expect_file "same link ids" "$T/links1" "$T/links2"

# A party added to the roster between runs (it shares Delta Leads's
# e-mail, and so its messages: new links).  Before, the new roster party took the next id and
# every derived party moved up by one, and links were renumbered.
{ cat "$T/parties.csv"; printf 'Delta Twin,affiliate,,leads@delta.example,,,,,,,,\n'; } > "$T/parties3.csv"
expect_rc "import with a new party" 0 wb import "$C" parties "$T/parties3.csv"
expect_rc "link after it" 0 wb link "$C"
q "$parties_q" | grep -v ',Delta Twin$' > "$T/parties3"
expect_file "old parties keep their ids" "$T/parties1" "$T/parties3"
expect_eq "the new party's id is new" "$((max_party + 1))" "$(q "SELECT id FROM parties WHERE name = 'Delta Twin'")"
q "$links_q" | grep -v 'Delta Twin' > "$T/links3"
expect_file "old links keep their ids" "$T/links1" "$T/links3"
expect_match "a link to Delta Leads" "^[0-9]+,Delta Leads,Delta Twin$" "$(q "$links_q" | grep 'Delta Twin')"
expect_eq "the new links' ids are new" "$((max_link + 1))" "$(q "SELECT min(l.id) FROM links l JOIN parties p ON p.id IN (l.party_a, l.party_b) WHERE p.name = 'Delta Twin'")"
t_done
