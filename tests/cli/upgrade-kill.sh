# Sourced by the t-upgrade-vN.sh scripts (after tests/lib.sh, in $T).
#
# UPGRADED_TO: the schema version this build upgrades a case to.
UPGRADED_TO=8

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

# upgrade_rows FULL LEAST: how many rows a script adds to the old case so
# that its upgrade writes many pages: FULL, or under WB_SAMPLE=N (make
# check-asan) FULL / N, at least LEAST.  upgrade_kills counts the writes
# of the upgrade of that same case and kills at fractions of them, so the
# kills land at the same points of the routine at any size, each of them
# far from the last write; the plain build runs the full size.
upgrade_rows () {
	_n=$(($1 / ${WB_SAMPLE:-1}))
	[ "$_n" -ge "$2" ] || _n=$2
	echo "$_n"
}

# upgrade_kills OLD MODE WHAT [GROW]: old.case (schema OLD, made large
# enough for its upgrade to write many pages) is copied to big.case and
# upgraded whole; what `python3 read.py CASE MODE` prints must be the same
# before and after, and the file no larger (or larger by at most GROW
# bytes, for an upgrade that adds an index).  The writes that upgrade made
# to the case and its journal are counted (killwrite_run, tests/lib.sh),
# and six copies are upgraded and killed with SIGKILL at the write 1/7 ..
# 6/7 of the way through: each must be the old file byte for byte once
# SQLite has rolled its journal back, or the upgrade complete with the
# same rows, and pass integrity_check.  upgrade_hot is set to the number
# of kills that left a journal (a hot one, for SQLite to roll back).  The
# kills land at those writes whatever the machine's load (a kill after a
# sleep of 1/7 .. 6/7 of the time a first run took once landed after the
# commit on a busy machine, and the check that kills land inside the
# upgrade failed).
upgrade_kills () {
	_old=$1 _mode=$2 _what=$3 _grow=${4:-0}
	cp old.case big.case
	_big=$(sha256sum < big.case)
	_size=$(stat -c %s big.case)
	python3 read.py big.case "$_mode" > big.want
	killwrite_run big.case 0 "$WB" upgrade big.case > /dev/null 2>&1
	_w=$(cat "$T/.writes" 2> /dev/null || echo 0)
	python3 read.py big.case "$_mode" > big.got
	expect_file "the large copy upgrades too" big.want big.got
	if [ "$_grow" = 0 ]; then
		expect_eq "the new tables take the pages the old ones freed: no larger ($_size bytes)" "yes" \
			"$([ "$(stat -c %s big.case)" -le "$_size" ] && echo yes)"
	else
		expect_eq "larger by at most what the upgrade adds ($_grow bytes)" "yes" \
			"$([ "$(stat -c %s big.case)" -le $((_size + _grow)) ] && echo yes)"
	fi
	_kills=0 _bad=0 _done=0 _last=0 upgrade_hot=0
	for _i in 1 2 3 4 5 6; do
		_at=$((_w * _i / 7 + 1))
		[ "$_at" -gt "$_last" ] || continue
		_last=$_at
		cp old.case k.case
		rm -f k.case-journal
		killwrite_run k.case "$_at" "$WB" upgrade k.case > /dev/null 2>&1
		[ $? = 137 ] && _kills=$((_kills + 1))
		[ -f k.case-journal ] && upgrade_hot=$((upgrade_hot + 1))
		rm -f k.case.lock
		# Opening rolls a hot journal back.
		_v=$(sqlite3 k.case "PRAGMA user_version")
		if [ "$_v" = "$_old" ]; then
			[ "$(sha256sum < k.case)" = "$_big" ] ||
				{ _bad=$((_bad + 1)); t_fail "kill $_i (at write $_at of $_w): version $_old but changed" ""; }
		else
			_done=$((_done + 1))
			python3 read.py k.case "$_mode" > k.got
			cmp -s big.want k.got ||
				{ _bad=$((_bad + 1)); t_fail "kill $_i (at write $_at of $_w): version $_v $_what differ" ""; }
		fi
		[ "$(sqlite3 k.case "PRAGMA integrity_check")" = ok ] ||
			{ _bad=$((_bad + 1)); t_fail "kill $_i: integrity" ""; }
	done
	[ -n "${VERBOSE:-}" ] && echo "  upgrade ($_what): $_w writes; $_kills kills, $_done finished"
	expect_eq "every kill left the old case or the upgraded one" "0" "$_bad"
	# Six kills when the upgrade wrote 7 times or more (each of the six at
	# its own write); each is inside the upgrade's one transaction, so none
	# finds it finished.
	expect_eq "each kill landed inside the upgrade ($_w writes)" "6 0" \
		"$([ "$_w" -ge 7 ] && echo "$_kills $_done")"
}
