# Sourced by the t-upgrade-vN.sh scripts (after tests/lib.sh, in $T).
#
# UPGRADED_TO: the schema version this build upgrades a case to.
UPGRADED_TO=7

# upgrade_refused V COMMAND: tests/cli/data/vV.case.xz is unpacked to
# vV.case and kept as old.case; COMMAND, a reading command, refuses it,
# says why and names the command that upgrades it, and leaves the file
# byte for byte as it was.
upgrade_refused () {
	xz -dc "$WB_ROOT/tests/cli/data/v$1.case.xz" > "v$1.case"
	cp "v$1.case" old.case
	_before=$(sha256sum < "v$1.case")
	expect_rc "a reading command refuses the old case" 1 wb "$2" "v$1.case"
	expect_eq "and says why" \
		"error: case 'v$1.case' has schema version $1 and must be upgraded to $UPGRADED_TO" \
		"$(head -n 1 "$T/.err")"
	expect_match "and names the command that upgrades it" "hint: 'workbench upgrade v$1.case' upgrades it" \
		"$(cat "$T/.err")"
	expect_eq "the file is untouched" "$_before" "$(sha256sum < "v$1.case")"
}

# upgrade_new_case V: new.case, the sample case made by this build by the
# commands that made tests/cli/data/vV.case.xz (its README), so that it
# holds what the upgraded case should.
upgrade_new_case () {
	python3 "$WB_ROOT/tests/gen/gen-sample.py" sample > /dev/null
	export SOURCE_DATE_EPOCH=1220227200 WB_NO_PROGRESS=1
	{
		wb init new.case --name "Version $1 case" --filed 2008-09-01 &&
		wb import new.case traps sample/traps.csv &&
		wb ingest new.case sample/mail/* &&
		wb import new.case parties sample/parties.csv &&
		wb import new.case findings sample/findings.csv &&
		wb link new.case
	} > /dev/null 2>&1 || t_fail "the new case" ""
}

# upgrade_same_output CASE COMMAND...: each COMMAND ('@' for the case, one
# word each after it) prints the same for new.case and the upgraded CASE.
upgrade_same_output () {
	_case=$1
	shift
	for _c in "$@"; do
		wb $(echo "$_c" | sed 's/@/new.case/') > want.out 2>&1
		wb $(echo "$_c" | sed "s/@/$_case/") > got.out 2>&1
		expect_file "'$_c': the same on the upgraded case" want.out got.out
	done
}

# upgrade_kills OLD MODE WHAT: old.case (schema OLD, made large enough to
# be killed mid-upgrade) is copied to big.case and upgraded whole, timed;
# what `python3 read.py CASE MODE` prints must be the same before and
# after, and the file no larger.  Then six copies are upgraded and killed
# with SIGKILL at 1/7 .. 6/7 of that time: each must be the old file byte
# for byte once SQLite has rolled its journal back, or the upgrade
# complete with the same rows, and pass integrity_check.
upgrade_kills () {
	_old=$1 _mode=$2 _what=$3
	cp old.case big.case
	_big=$(sha256sum < big.case)
	_size=$(stat -c %s big.case)
	python3 read.py big.case "$_mode" > big.want
	_start=$(date +%s%N)
	wb upgrade big.case > /dev/null 2>&1
	_ms=$((($(date +%s%N) - _start) / 1000000))
	python3 read.py big.case "$_mode" > big.got
	expect_file "the large copy upgrades too" big.want big.got
	expect_eq "the new tables take the pages the old ones freed: no larger ($_size bytes)" "yes" \
		"$([ "$(stat -c %s big.case)" -le "$_size" ] && echo yes)"
	_kills=0 _bad=0 _done=0
	for _i in 1 2 3 4 5 6; do
		cp old.case k.case
		rm -f k.case-journal
		"$WB" upgrade k.case > /dev/null 2>&1 &
		_pid=$!
		_delay=$(printf '%d.%03d' $((_ms * _i / 7 / 1000)) $((_ms * _i / 7 % 1000)))
		sleep "$_delay"
		if kill -9 $_pid 2> /dev/null; then
			wait $_pid 2> /dev/null
			_kills=$((_kills + 1))
		else
			wait $_pid
		fi
		rm -f k.case.lock
		# Opening rolls a hot journal back.
		_v=$(sqlite3 k.case "PRAGMA user_version")
		if [ "$_v" = "$_old" ]; then
			[ "$(sha256sum < k.case)" = "$_big" ] ||
				{ _bad=$((_bad + 1)); t_fail "kill $_i (at ${_delay}s): version $_old but changed" ""; }
		else
			_done=$((_done + 1))
			python3 read.py k.case "$_mode" > k.got
			cmp -s big.want k.got ||
				{ _bad=$((_bad + 1)); t_fail "kill $_i (at ${_delay}s): version $_v $_what differ" ""; }
		fi
		[ "$(sqlite3 k.case "PRAGMA integrity_check")" = ok ] ||
			{ _bad=$((_bad + 1)); t_fail "kill $_i: integrity" ""; }
	done
	[ -n "${VERBOSE:-}" ] && echo "  upgrade of $(wc -l < big.want) $_what: ${_ms} ms; $_kills kills, $_done finished"
	expect_eq "every kill left the old case or the upgraded one" "0" "$_bad"
	expect_eq "kills landed before the commit" "yes" "$([ "$_kills" -ge 3 ] && echo yes)"
}
