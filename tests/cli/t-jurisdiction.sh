#!/bin/sh
# 'jurisdiction': each defendant's contacts with each forum, under the
# provisions of Conn. Gen. Stat. § 52-59b for CT.  The expected copies come
# from the generator's record of where each copy went (trap holder's state,
# provider's state, Received hosts the roster locates), not from our output.
. "$WB_ROOT/tests/lib.sh"
C="$T/c.case"
python3 "$WB_ROOT/tests/gen/gen-jurisdiction-case.py" "$T"
wb init "$C" > /dev/null
wb import "$C" traps "$T/traps.csv" > /dev/null 2>&1
wb import "$C" parties "$T/parties.csv" > /dev/null
wb ingest "$C" "$T/box.mbox" > /dev/null 2>&1

# Before 'link' there is no attribution: say to run it.
expect_rc "before link" 1 wb jurisdiction "$C"
wb jurisdiction "$C" > /dev/null 2> "$T/err"
expect_match "before link: says to run link" "hint: run 'workbench link .*c.case' first" "$(cat "$T/err")"

wb link "$C" > /dev/null
expect_rc "after link" 0 wb jurisdiction "$C"
wb jurisdiction "$C" --format json > "$T/out.json"
wb sql "$C" "SELECT id, message_id FROM messages" --format json > "$T/ids.json"

# Every defendant, forum, provision and contact against the record:
# copies, first and last local day, and the examples are the three
# smallest copy ids of the recorded copies.
python3 - "$T/out.json" "$T/expected.json" "$T/ids.json" > "$T/cmp" 2>&1 <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))
ids = {r["message_id"]: r["id"] for r in json.load(open(sys.argv[3]))}
bad = []
assert set(out) == {"link_run", "defendants"}, out.keys()
got = {}
for d in out["defendants"]:
    assert set(d) >= {"name", "party_id", "role", "attributed_roles", "copies", "forums"}, d.keys()
    assert isinstance(d["party_id"], int) and isinstance(d["copies"], int)
    assert [f["forum"] for f in d["forums"]] == ["CT", "MA", "NY"], [f["forum"] for f in d["forums"]]
    for f in d["forums"]:
        if f["forum"] == "CT":
            assert f["longarm"] == "ct-52-59b" and f["citation"] == "Conn. Gen. Stat. \u00a7 52-59b"
            assert [p["label"] for p in f["provisions"]] == ["(a)(1)", "(a)(2)", "(a)(3)", "(a)(4)", "(a)(5)"]
        else:
            assert f["longarm"] is None and f["provisions"] == []
        items = [(p["id"], p) for p in f["provisions"]] + list(f["contacts"].items())
        for name, s in items:
            if name in ("a1", "a4"):
                assert s["copies"] is None and s["analyst"], s
                continue
            if s["copies"]:
                got.setdefault(d["name"], {}).setdefault(f["forum"], {})[name] = s
for d in sorted(set(exp) | set(got)):
    for forum in sorted(set(exp.get(d, {})) | set(got.get(d, {}))):
        e, g = exp.get(d, {}).get(forum, {}), got.get(d, {}).get(forum, {})
        for name in sorted(set(e) | set(g)):
            if name not in g or name not in e:
                bad.append("%s %s %s: expected %s, got %s" % (d, forum, name, e.get(name), g.get(name)))
                continue
            want = (e[name]["copies"], e[name]["first"], e[name]["last"],
                    sorted(ids[m] for m in e[name]["message_ids"])[:3])
            have = (g[name]["copies"], g[name]["first"], g[name]["last"], g[name]["examples"])
            if want != have:
                bad.append("%s %s %s: expected %s, got %s" % (d, forum, name, want, have))
print("\n".join(bad) if bad else "ok")
PY
expect_eq "contacts as recorded" "ok" "$(cat "$T/cmp")"
# The record holds what the test is about: CT residents, CT equipment, a
# trusted hop by a CT host, and a claimed one that (a)(5) does not count.
expect_eq "record: Gamma's (a)(5) copies" "4" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Gamma News"]["CT"]["a5"]["copies"])' "$T/expected.json")"
expect_eq "record: Alpha's claimed CT hops" "2" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Alpha Mailers"]["CT"]["hop_claimed_in_state"]["copies"])' "$T/expected.json")"

# --defendant and --forum narrow it; names and states in any case.
wb jurisdiction "$C" --defendant "beta shop" --forum ct --format csv > "$T/one.csv"
expect_eq "one defendant, one forum: 5 provisions and 4 contacts" "9" "$(tail -n +2 "$T/one.csv" | wc -l)"
expect_match "csv row of (a)(5)" "^Beta Shop,[0-9]+,CT,provision,\(a\)\(5\),Conn. Gen. Stat. § 52-59b\(a\)\(5\),provider_in_state;hop_in_state,1,2007-04-20,2007-04-20,14," \
	"$(grep '(a)(5)' "$T/one.csv")"
wb jurisdiction "$C" --defendant "Gamma News" > "$T/gamma.txt"
expect_match "text cites the provision with its count" "^  \(a\)\(5\)   4 copies, 2007-04-10 to 2007-04-20, e\.g\. copies 11, 12, 13" "$(cat "$T/gamma.txt")"
expect_match "text: a forum without a file lists the raw contacts" "^NY  no long-arm file: the raw contacts" "$(cat "$T/gamma.txt")"

# Unknown forum or defendant: a usage error listing the valid ones.
expect_rc "unknown forum" 2 wb jurisdiction "$C" --forum ZZ
wb jurisdiction "$C" --forum ZZ 2> "$T/err"
expect_match "unknown forum lists the forums" "unknown forum 'ZZ': the case knows CT, MA, NY" "$(cat "$T/err")"
expect_rc "unknown defendant" 2 wb jurisdiction "$C" --defendant "Delta"
wb jurisdiction "$C" --defendant "Delta" 2> "$T/err"
expect_match "unknown defendant lists the roster" "unknown defendant 'Delta': the roster names Alpha Mailers, Beta Shop, Gamma News" "$(cat "$T/err")"

# A roster change after 'link': warned.
printf 'name,role,email\nDelta Leads,sender,x@delta.test\n' > "$T/more.csv"
wb import "$C" parties "$T/more.csv" > /dev/null
wb jurisdiction "$C" --forum CT > /dev/null 2> "$T/err"
expect_match "parties imported after link: warned" "warning: parties were imported after the last 'link'" "$(cat "$T/err")"
t_done
