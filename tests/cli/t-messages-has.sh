#!/bin/sh
# messages --has KIND reads artifact_copies (which copies carry each value)
# rather than every copy's items through the view.  The copies it lists
# must be those whose items hold an artifact of that kind: Python's json
# reading message_artifacts and artifact_values is the reference, and the
# view's condition it replaced must agree, on the sample case and after
# the edits that keep artifact_copies through triggers: deletes through
# the view (null holes, a copy's last phone, a copy's last artifact), an
# insert through the view, and a copy's items replaced whole.
. "$WB_ROOT/tests/lib.sh"
S=$T/sample
C=$T/s.case
python3 "$WB_ROOT/tests/gen/gen-sample.py" "$S" > /dev/null
wb init "$C" > /dev/null
wb import "$C" traps "$S/traps.csv" > /dev/null
wb ingest "$C" "$S"/mail/* > /dev/null 2>&1
KINDS="email phone url domain postal ip affiliate_id"

# The copies with an artifact of each kind, by Python from the JSON: one
# line "KIND ID ID ..." a kind, into $T/py; py_ids KIND reads it.
py_all () {
	python3 - "$C" $KINDS > "$T/py" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
kind = dict(db.execute("SELECT id, kind FROM artifact_values"))
has = {k: set() for k in sys.argv[2:]}
for m, items in db.execute("SELECT message, items FROM message_artifacts"):
    for it in json.loads(items):
        if it is not None and kind.get(it[0]) in has:
            has[kind[it[0]]].add(m)
for k in sys.argv[2:]:
    print(" ".join([k] + [str(m) for m in sorted(has[k])]))
PY
}
py_ids () { sed -n "s/^$1 *//p" "$T/py"; }
# The same through the view, as messages read it before.
view_ids () {
	sqlite3 "$C" "SELECT m.id FROM messages m WHERE EXISTS (SELECT 1 FROM artifacts a
		WHERE a.message = m.id AND a.kind = '$1') ORDER BY m.id" | tr '\n' ' ' | sed 's/ $//'
}
ids () { wb messages "$C" --format csv "$@" | tail -n +2 | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//'; }
check () {
	py_all
	for k in $KINDS; do
		want=$(py_ids "$k")
		expect_eq "$1: --has $k, as the JSON says" "$want" "$(ids --has "$k")"
		expect_eq "$1: --has $k, as the view says" "$want" "$(view_ids "$k")"
	done
}

check "sample case"
n=$(py_ids phone | wc -w)
expect_eq "the sample has copies with phones, and copies without" "yes" \
	"$( [ "$n" -gt 1 ] && [ "$n" -lt "$(sqlite3 "$C" 'SELECT count(*) FROM messages')" ] && echo yes)"

# Copy p1 loses all its phones, through the view; p2 loses one artifact of
# another kind (a hole); copy e loses every artifact (its row goes); copy n,
# which had no phone, gets one; copy r has its items replaced by its first
# artifact alone, as reanalyze writes them.
set -- $(py_ids phone)
p1=$1 p2=$2
e=$(sqlite3 "$C" "SELECT message FROM message_artifacts WHERE message NOT IN ($p1, $p2) ORDER BY message LIMIT 1")
nph=$(sqlite3 "$C" "SELECT id FROM messages WHERE id NOT IN (SELECT message FROM artifacts WHERE kind = 'phone')
	AND id != $e ORDER BY id LIMIT 1")
r=$(sqlite3 "$C" "SELECT message FROM message_artifacts WHERE message NOT IN ($p1, $p2, $e, $nph)
	AND json_array_length(items) > 1 ORDER BY message DESC LIMIT 1")
sqlite3 "$C" "DELETE FROM artifacts WHERE message = $p1 AND kind = 'phone';
	DELETE FROM artifacts WHERE message = $p2 AND idx = (SELECT min(idx) FROM artifacts WHERE message = $p2 AND kind != 'phone');
	DELETE FROM artifacts WHERE message = $e;
	INSERT INTO artifacts (message, kind, raw, value, location) VALUES ($nph, 'phone', '(800) 555-0199', '+18005550199', 'body:text');
	UPDATE message_artifacts SET items = json_array(items->0) WHERE message = $r;"
expect_eq "copy $e has no items row left" "0" "$(sqlite3 "$C" "SELECT count(*) FROM message_artifacts WHERE message = $e")"
expect_eq "copy $p1 keeps null holes" "yes" \
	"$(sqlite3 "$C" "SELECT 'yes' FROM message_artifacts, json_each(items) WHERE message = $p1 AND type = 'null' LIMIT 1")"
check "after edits"
expect_eq "copy $p1 is no longer listed with phones" "" "$(ids --has phone | tr ' ' '\n' | grep -x "$p1")"
expect_eq "copy $nph is" "$nph" "$(ids --has phone | tr ' ' '\n' | grep -x "$nph")"
# Two kinds and another filter together.
both=$(for m in $(py_ids phone); do case " $(py_ids url) " in *" $m "*) echo "$m" ;; esac; done | tr '\n' ' ' | sed 's/ $//')
expect_eq "--has phone --has url" "$both" "$(ids --has phone --has url)"
t_done
