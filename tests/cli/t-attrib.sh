#!/bin/sh
# Attribution: roster import, link, message attribution, explain, review.
# The case is made by tests/gen/gen-attrib-case.py (its docstring lists the
# parties and messages).  Expected scores follow from the formula documented
# in templates/attribution/attribution.ini, computed here by python3.
. "$WB_ROOT/tests/lib.sh"
C="$T/c.case"
wb init "$C" > /dev/null
python3 "$WB_ROOT/tests/gen/gen-attrib-case.py" "$C" "$T/parties.csv"
q () { wb sql "$C" "$1" --format csv | tail -n +2; }

# --- import ---
printf 'name,role,email\nGood Co,affiliate,a@b.example\nBad Co,boss,c@d.example\n' > "$T/bad.csv"
expect_rc "import refuses a bad role" 1 wb import "$C" parties "$T/bad.csv"
expect_match "the error names file and line" "bad.csv:3: role 'boss'" "$(cat "$T/.err")"
expect_eq "a failed import leaves no party" "0" "$(q "SELECT count(*) FROM parties")"
printf 'role,email\naffiliate,a@b.example\n' > "$T/noname.csv"
expect_rc "import needs a name column" 1 wb import "$C" parties "$T/noname.csv"
expect_rc "import of a missing file fails" 1 wb import "$C" parties "$T/none.csv"
expect_rc "import the roster" 0 wb import "$C" parties "$T/parties.csv"
expect_match "import counts parties" "^Imported 9 parties" "$(cat "$T/.out")"
sha=$(sha256sum "$T/parties.csv" | cut -d' ' -f1)
expect_match "custody names the roster's SHA-256" "sha256 $sha: 9 parties" \
	"$(q "SELECT detail FROM custody WHERE action = 'import'")"
expect_eq "names are normalized" "PURECASH|IMATRIX|NORTHWIND MEDIA" \
	"$(q "SELECT group_concat(value, '|') FROM (SELECT value FROM party_attributes WHERE kind = 'name' AND party <= 3 ORDER BY party)")"
expect_eq "countries are normalized" "US US US US PA US CA US US" \
	"$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM party_attributes WHERE kind = 'country' ORDER BY party)")"
expect_eq "other columns are kept" "signed 2006-03-01" \
	"$(q "SELECT raw FROM party_attributes WHERE kind = 'notes'")"

# --- link ---
expect_rc "link" 0 wb link "$C"
expect_eq "derived parties: advertised domain, HELO domain, unknown sender domain and IP, other sender domain" \
	"cashsite.com,advertiser
rapidmailer.example,sender
unknownsender.example,sender
198.51.100.9,sender
other.example,sender" "$(q "SELECT name, role FROM parties WHERE derived = 1 ORDER BY id")"

# N = 14 parties (9 roster, 5 derived); US is the country of 7 of them.
oracle=$(python3 -c 'import math
n, df = 14, 7
spec = math.log(n / df) / math.log(n / 2)
print("%.4f %.4f %.2f" % (2.0 + 0.2 * spec, 0.2 * spec, 2.0 + 0.2 * spec))')
set -- $oracle
expect_eq "PureCash/Imatrix: phone and country only, weak" "weak" \
	"$(q "SELECT strength FROM links WHERE party_a = 1 AND party_b = 2")"
expect_match "and the summary says why" "weak at most: only unspecific values are shared \\(phone, country never enough alone\\); differs in name, contact, email, address, payee" \
	"$(q "SELECT summary FROM links WHERE party_a = 1 AND party_b = 2")"
wb explain "$C" "purecash, l.l.c." "IMATRIX CORP." --format json > "$T/pi.json"
expect_eq "explain JSON: score, strength, shared values and weights" \
	"PureCash, L.L.C.|Imatrix Corp.|$1|weak|country US $2|phone +12065550142 2.0000" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("|".join([j["a"], j["b"], "%.4f" % j["score"], j["strength"]] +
      ["%s %s %.4f" % (s["kind"], s["value"], s["weight"]) for s in j["shared"]]))' "$T/pi.json")"
expect_eq "explain JSON: sources and differing fields" \
	"roster parties.csv:2 phone|roster parties.csv:3 phone|name contact email address payee domain affiliate_id|0" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
p = [s for s in j["shared"] if s["kind"] == "phone"][0]
print("|".join([p["a_sources"][0], p["b_sources"][0], " ".join(d["kind"] for d in j["differing"]), str(len(j["messages"]))]))' "$T/pi.json")"
expect_match "explain text says weak at most" "Weak at most" "$(wb explain "$C" 1 2)"
expect_match "explain text gives the score" "Strength: weak \\(score $3\\)" "$(wb explain "$C" 1 2)"

expect_eq "a shared country alone is no link" "none" \
	"$(wb explain "$C" "Acme Advertising" "Orbit Ads" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["strength"])')"
expect_eq "and is not listed" "0" "$(q "SELECT count(*) FROM links WHERE party_a = 8 AND party_b = 9")"

expect_eq "messages with aff=5005 are attributed to Gamma Promo" "1 2 3" \
	"$(q "SELECT group_concat(message, ' ') FROM (SELECT message FROM message_parties WHERE role = 'affiliate' AND party = 7 ORDER BY message)")"
expect_eq "the message with aff=1001 to PureCash" "5|1" \
	"$(q "SELECT message || '|' || party FROM message_parties WHERE role = 'affiliate' AND kind = 'affiliate_id' AND value = 'cashsite.com aff=1001'")"
# The roster's role governs: Delta Leads (an affiliate on the roster) is
# named by its From address as the affiliate, Rapid Mailer as the sender.
expect_eq "Rapid Mailer the sender by origin IP, Delta Leads the affiliate by From" \
	"5 sender ip hop:origin|6 affiliate email header:From" \
	"$(q "SELECT group_concat(x, '|') FROM (SELECT party || ' ' || role || ' ' || kind || ' ' || location AS x FROM message_parties WHERE message = 1 AND role <> 'mentioned' AND party IN (5, 6) ORDER BY party)")"

wb explain "$C" "Rapid Mailer" "Delta Leads" --format json > "$T/rd.json"
expect_eq "a sender using an affiliate's From address is linked to it through messages" \
	"moderate-or-strong|[1, 2, 3]|message 1 header:From (attributed as sender; names Delta Leads by email, affiliate); also messages 2, 3|roster parties.csv:7 email" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
e = [s for s in j["shared"] if s["kind"] == "email"][0]
print("|".join(["moderate-or-strong" if j["strength"] in ("moderate", "strong") else j["strength"],
      str(j["messages"]), e["a_sources"][0], e["b_sources"][0]]))' "$T/rd.json")"
expect_eq "so they share a cluster" "1" \
	"$(q "SELECT count(DISTINCT cluster) FROM cluster_members WHERE party IN (5, 6)")"
expect_eq "PureCash and Imatrix do not" "0" \
	"$(q "SELECT count(*) FROM cluster_members a JOIN cluster_members b ON a.cluster = b.cluster WHERE a.party = 1 AND b.party = 2")"

expect_eq "parties --role advertiser" "Acme Advertising
Orbit Ads
cashsite.com" "$(wb parties "$C" --role advertiser --format csv | tail -n +2 | cut -d, -f2)"
expect_rc "parties --role rejects a bad role" 2 wb parties "$C" --role boss
expect_eq "links --party --min weak lists PureCash's links" "3" \
	"$(wb links "$C" --party 1 --min weak --format csv | tail -n +2 | wc -l)"
expect_eq "scores print with two decimals" "$3" \
	"$(wb links "$C" --party 2 | tail -n +3 | awk '{ for (i = 1; i <= NF; i++) if ($i == "weak") { print $(i - 1); exit } }')"
expect_rc "links --min rejects a bad strength" 2 wb links "$C" --min huge

wb links "$C" --format csv > "$T/links1"
wb link "$C" > /dev/null
wb links "$C" --format csv > "$T/links2"
expect_file "link is deterministic" "$T/links1" "$T/links2"

# --- review ---
expect_rc "reject a link" 0 wb review "$C" PureCash,\ L.L.C. "Imatrix Corp." reject --note "phone is a shared call center"
expect_rc "review wants confirm or reject" 2 wb review "$C" 1 2 maybe
expect_match "custody records the review" "Imatrix Corp. \\(2\\): rejected: phone is a shared call center" \
	"$(q "SELECT detail FROM custody WHERE action = 'review'")"
wb link "$C" > /dev/null
expect_eq "a rebuild keeps the review, visible as rejected" "weak,rejected,phone is a shared call center" \
	"$(q "SELECT strength, review, note FROM links WHERE party_a = 1 AND party_b = 2")"
expect_match "explain shows the review" "Review: rejected: phone is a shared call center" "$(wb explain "$C" 2 1)"
expect_rc "confirm a link that 'link' did not make" 0 wb review "$C" 3 9 confirm
expect_eq "a confirmed link joins a cluster at once" "1 2" \
	"$(q "SELECT count(*) FROM cluster_members a JOIN cluster_members b ON a.cluster = b.cluster WHERE a.party IN (3, 9) AND b.party IN (3, 9) AND a.party < b.party") $(q "SELECT count(*) FROM cluster_members WHERE party IN (3, 9)")"
wb link "$C" > /dev/null
expect_eq "and after a rebuild" "1" \
	"$(q "SELECT count(DISTINCT cluster) FROM cluster_members WHERE party IN (3, 9)")"

# --- errors ---
expect_rc "explain an unknown party" 1 wb explain "$C" "Nobody" 1
expect_match "names it" "no party named 'Nobody'" "$(cat "$T/.err")"
# Importing the name again updates party 9; a derived party of the same
# name (found in the evidence) makes the name ambiguous.
printf 'name,role\nOrbit Ads,other\n' > "$T/dup.csv"
wb import "$C" parties "$T/dup.csv" > /dev/null
expect_eq "re-import keeps one roster party" "9" "$(q "SELECT group_concat(id) FROM parties WHERE name = 'Orbit Ads'")"
python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute("INSERT INTO parties (id, name, role, derived, source) VALUES (15, '"'"'Orbit Ads'"'"', '"'"'sender'"'"', 1, '"'"'test'"'"')"); db.commit()' "$C"
expect_rc "explain an ambiguous name" 1 wb explain "$C" "orbit ads" 1
expect_match "says so" "names two parties \\(ids 9, 15\\); give an id" "$(cat "$T/.err")"
expect_rc "explain needs two parties" 2 wb explain "$C" 1
t_done
