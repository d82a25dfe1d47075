#!/bin/sh
# One table per fact: the embedded templates are declared once
# (evidence/templates.h) and looked up by one function; commands' options
# are parsed only from their option tables; the shell's dot-commands are
# one table; attribution kinds are wb_attrib_kinds, SQL included.  A second declaration or a private getopt table fails here.
. "$WB_ROOT/tests/lib.sh"
cd "$WB_ROOT" || exit 1
src="evidence workbench reports"
expect_eq "wb_templates is declared only in templates.h" "evidence/templates.h" \
	"$(grep -rl --include='*.[ch]' 'wb_templates\[\];' $src | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "no file looks a template up by path but templates.c" "evidence/templates.c" \
	"$(grep -rlE --include='*.c' 'strcmp \(wb_templates\[|g_str_has_suffix \(wb_templates\[' $src | tr '\n' ' ' | sed 's/ $//')"
expect_eq "no command has a getopt table of its own" "" \
	"$(grep -lE 'struct option [a-z_]+\[\]|getopt_long \(' workbench/cli/*.c | grep -v '^workbench/cli/options.c$')"
expect_eq "no second list of dot-command names" "" \
	"$(grep -n '"\.bail"' workbench/cli/*.c | grep -v '^workbench/cli/shell.c:.*dot_bail')"
expect_eq "no SQL list of attribution kinds" "" \
	"$(grep -rn --include='*.c' "'affiliate_id'" $src)"
t_done
