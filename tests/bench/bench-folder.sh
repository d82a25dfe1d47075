#!/bin/sh
# A folder against the same messages in a tar.gz, beside mu and notmuch.
# The 6,046 SpamAssassin messages (tests/gen/bench-corpus.py with N=6046)
# as a tar.gz of a Maildir and as that Maildir unpacked, built once under
# build/bench/folder/.  Ingest with analysis runs on each; 'mu index' and
# 'notmuch new' index the Maildir when they are installed (as root with
# apt-get, the script installs maildir-utils and notmuch for the benchmark
# only, or says it skipped them); the library floor (bench-floor) reads the
# same messages.  Our two ingests and mu run BENCH_RUNS rounds (default 3)
# in turn, each figure their median; notmuch (26 s here) runs once.
# Prints each figure and its ratios to the others, all measured in this
# one run: on a shared machine only ratios taken together mean anything.
root=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$root/build/workbench}
floor=${WB_BUILD:-$root/build}/tools/bench-floor
out=$root/build/bench/folder
N=6046
mkdir -p "$out"
tgz=$(sh "$root/tests/corpus.sh") || { echo "bench-folder: no corpus, skipped"; exit 0; }
if [ ! -f "$out/.done" ]; then
	echo "bench-folder: building the $N-message Maildir in $out (once)"
	rm -rf "$out/md" && mkdir -p "$out/md" || exit 1
	python3 "$root/tests/gen/bench-corpus.py" "$tgz" "$out" "$N" > /dev/null || exit 1
	tar xzf "$out/maildir.tar.gz" -C "$out/md" || exit 1
	touch "$out/.done"
fi
maildir=$out/md/Maildir
if ! command -v mu > /dev/null 2>&1 || ! command -v notmuch > /dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
		echo "bench-folder: installing maildir-utils and notmuch (for the benchmark only)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y maildir-utils notmuch > "$out/apt.log" 2>&1 ||
			echo "bench-folder: apt-get failed (see $out/apt.log)"
	fi
fi
export WB_NO_PROGRESS=1
RUNS=${BENCH_RUNS:-3}

# secs COMMAND...: wall seconds of COMMAND (output in $out/last.out).
secs () {
	t0=$(date +%s%N)
	"$@" > "$out/last.out" 2>&1
	rc=$?
	t=$(( $(date +%s%N) - t0 ))
	[ $rc -eq 0 ] || echo "bench-folder: '$*' exited $rc" >&2
	awk -v t="$t" 'BEGIN { printf "%.2f", t / 1e9 }'
}
ingest () {
	rm -f "$out/c.case" "$out/c.case.lock"
	"$WB" init "$out/c.case" > /dev/null || exit 1
	secs "$WB" ingest "$out/c.case" "$1"
}
mu_index () {
	rm -rf "$out/mu"
	mu init --muhome="$out/mu" --maildir="$maildir" > /dev/null 2>&1
	secs mu index --muhome="$out/mu"
}
# median T...: the middle of the times given (the lower middle of an even
# count).
median () {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# The tar.gz, the Maildir and mu in turn, RUNS rounds: each figure is the
# median of its rounds, so one slow minute on a shared machine moves no
# ratio alone.
has_mu=
command -v mu > /dev/null 2>&1 && has_mu=1
[ -n "$has_mu" ] || echo "bench-folder: mu not installed, skipped"
l_tgz= l_dir= l_mu=
r=0
while [ $r -lt "$RUNS" ]; do
	l_tgz="$l_tgz $(ingest "$out/maildir.tar.gz")"
	l_dir="$l_dir $(ingest "$maildir")"
	[ -z "$has_mu" ] || l_mu="$l_mu $(mu_index)"
	r=$((r + 1))
done
rm -f "$out/c.case" "$out/c.case.lock"
t_tgz=$(median $l_tgz)
t_dir=$(median $l_dir)
t_mu= t_nm=
[ -z "$has_mu" ] || t_mu=$(median $l_mu)
if command -v notmuch > /dev/null 2>&1; then
	rm -rf "$maildir/.notmuch"
	printf '[database]\npath=%s\n[new]\ntags=new\n' "$maildir" > "$out/notmuch-config"
	t_nm=$(NOTMUCH_CONFIG="$out/notmuch-config" secs notmuch new)
	rm -rf "$maildir/.notmuch"
else
	echo "bench-folder: notmuch not installed, skipped"
fi
t_floor=
if [ -x "$floor" ] && [ -f "$out/bench.mbox" ]; then
	# The +html level, the one whose work ingest's analysis includes.
	t_floor=$("$floor" "$out/bench.mbox" 2 2>/dev/null | awk '$2 == "+html" { print $7 }')
fi

awk -v n="$N" -v runs="$RUNS" -v lt="$l_tgz" -v ld="$l_dir" -v lm="$l_mu" -v tgz="$t_tgz" -v dir="$t_dir" -v mu="$t_mu" -v nm="$t_nm" -v fl="$t_floor" 'BEGIN {
	printf "folder   %d messages, with analysis, median of %d rounds (ratios are what to compare)\n", n, runs
	printf "folder   ingest tar.gz  %6.2f s  %6.0f messages/s\n", tgz, n / tgz
	printf "folder   ingest Maildir %6.2f s  %6.0f messages/s  = %.2fx the tar.gz (target <= 1.2)\n", dir, n / dir, dir / tgz
	if (mu != "")
		printf "folder   mu index       %6.2f s  %6.0f messages/s  Maildir ingest = %.2fx mu (target <= 0.25)\n", mu, n / mu, dir / mu
	if (nm != "")
		printf "folder   notmuch new    %6.2f s  %6.0f messages/s  Maildir ingest = %.2fx notmuch\n", nm, n / nm, dir / nm
	printf "folder   rounds (s): tar.gz%s, Maildir%s%s\n", lt, ld, lm != "" ? ", mu" lm : ""
	if (fl != "")
		printf "folder   floor +html    %6.2f s  %6.0f messages/s  Maildir ingest = %.2fx the floor\n", fl, n / fl, dir / fl
}'
