#!/bin/sh
# workbench(1): made by 'make' from the command and option tables, installed
# by 'make install' beside the binary, rendered by man, and naming every
# command and option that 'workbench help' lists.
. "$WB_ROOT/tests/lib.sh"
MAN=$WB_ROOT/$WB_BUILD/workbench.1
[ -f "$MAN" ] || MAN=$WB_BUILD/workbench.1
if [ ! -f "$MAN" ]; then
	t_fail "make builds workbench.1" "no $MAN"
	t_done
	exit 0
fi
t_pass "make builds workbench.1"

# groff's own warnings (-ww): the page is well-formed troff.
if command -v groff > /dev/null; then
	expect_eq "groff reads it without a warning" "" "$(groff -man -ww -z "$MAN" 2>&1)"
else
	skip "groff reads it without a warning" "no groff"
fi
if command -v man > /dev/null; then
	MANWIDTH=80 man -l "$MAN" 2> "$T/man.err" | col -bx > "$T/man.txt"
	expect_eq "man -l renders it" "" "$(cat "$T/man.err")"
else
	skip "man -l renders it" "no man"
	sed 's/\\-/-/g' "$MAN" > "$T/man.txt"
fi

# The oracle is the program's own help, read as a user reads it: each
# command 'workbench help' lists, and each option 'workbench help COMMAND'
# describes (its lines "  --name" or "  -o, --name").
missing=""
ncmd=0 nopt=0
for cmd in $(wb help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }'); do
	ncmd=$((ncmd + 1))
	grep -Eq "^   $cmd\$" "$T/man.txt" || missing="$missing command:$cmd"
	for opt in $(wb help "$cmd" | sed -n 's/^  \(-., \)\{0,1\}\(--[a-z-]*\).*/\2/p'); do
		nopt=$((nopt + 1))
		# The option's section runs from its command's heading to the next.
		sed -n "/^   $cmd\$/,/^   [a-z]*\$/p" "$T/man.txt" | grep -Eq -- "^       (-., )?$opt( |\$)" ||
			missing="$missing $cmd:$opt"
	done
done
expect_eq "every command and option of help is in the man page" "" "$missing"
# 26 commands (the README's table); more than 60 options in all.
expect_eq "commands counted" 26 "$ncmd"
expect_match "options counted" "^([6-9][0-9]|[1-9][0-9][0-9])\$" "$nopt"
expect_match "the damages group's help is there" "Count rule findings that are only indicators" \
	"$(sed -n '/^   why$/,/^   [a-z]*$/p' "$T/man.txt" | tr -s ' \n' '  ')"

# make install puts the binary and the page under DESTDIR/PREFIX.  -o: install
# what the suite tests, never rebuild it here (under check-asan a rebuild
# would use the plain compiler flags).
if make -s -C "$WB_ROOT" -o "$WB" -o "$WB_BUILD/workbench.1" install DESTDIR="$T/root" \
	PREFIX=/opt/wb B="$WB_BUILD" BIN="$WB" \
	> "$T/install.out" 2>&1; then
	t_pass "make install"
else
	t_fail "make install" "$(cat "$T/install.out")"
fi
expect_eq "installs workbench(1)" "ok" \
	"$(cmp -s "$MAN" "$T/root/opt/wb/share/man/man1/workbench.1" && echo ok)"
expect_eq "beside the binary" "ok" "$(test -x "$T/root/opt/wb/bin/workbench" && echo ok)"
t_done
