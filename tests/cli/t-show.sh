#!/bin/sh
# show: one copy by id, SHA-256 or Message-ID; --raw gives the stored bytes.
. "$WB_ROOT/tests/lib.sh"

python3 "$WB_ROOT/tests/cli/gen-analysis-msgs.py" "$T/m"
wb init "$T/c.case" > /dev/null
python3 "$WB_ROOT/tests/tools/corpus-case.py" --trap "alice@trapmail.example,mx.trapmail.example" \
	"$T/c.case" --files "$T"/m/m1.eml "$T"/m/m4.eml "$T"/m/m5.eml
wb reanalyze "$T/c.case" > /dev/null

expect_rc "show --raw" 0 wb show "$T/c.case" 1 --raw
expect_file "raw bytes exactly" "$T/m/m1.eml" "$T/.out"
sha=$(sha256sum "$T/m/m4.eml" | cut -d' ' -f1)
expect_rc "show by sha256" 0 wb show "$T/c.case" "$sha" --raw
expect_file "by sha256" "$T/m/m4.eml" "$T/.out"
expect_rc "show by message-id" 0 wb show "$T/c.case" "<m5@spammer.example>" --raw
expect_file "by message-id" "$T/m/m5.eml" "$T/.out"
expect_rc "show text" 0 wb show "$T/c.case" 1
out=$(cat "$T/.out")
expect_match "subject line" "^Subject +ADV: special offer" "$(printf '%s\n' "$out" | grep '^Subject')"
expect_match "origin hop marked" "1 +origin +helo.spammer.example +dsl-11.isp.example +198.51.100.11" "$out"
expect_match "provider hop marked" "0 +trusted +mx.trapmail.example" "$out"
expect_match "raw header block shown" "== Headers
Received: from mx.trapmail.example" "$out"
expect_match "Message-ID header shown" "^Message-ID: <m1@spammer.example>" "$(printf '%s\n' "$out" | grep '^Message-ID')"
expect_match "text shown" "Dear friend, we have a special offer" "$out"
expect_match "links shown" "http://offers.example.com/go\\?affid=A11&subid=7 +body:text" "$out"
expect_match "facts shown" "subject_adv +1 +certain" "$out"
expect_rc "show json" 0 wb show "$T/c.case" 3 --format json
expect_eq "json parses" "3 invoice.pdf application/pdf 1" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["id"], d["attachments"][0]["filename"], d["attachments"][0]["sniffed_type"],
      sum(1 for a in d["artifacts"] if a["kind"] == "affiliate_id"))' "$T/.out")"
expect_rc "decoded subject in json" 0 wb show "$T/c.case" 2 --format json
expect_eq "subject decoded" "Quarterly réport" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["subject"])' "$T/.out")"
expect_rc "unknown message" 1 wb show "$T/c.case" 99
expect_match "unknown message error" "no message copy '99'" "$(cat "$T/.err")"
expect_rc "no argument" 2 wb show "$T/c.case"
expect_rc "bad format" 2 wb show "$T/c.case" 1 --format csv
t_done
