#!/bin/sh
# The layers hold: evidence/ < workbench/engine/ < reports/ < workbench/cli/.
# Each layer's sources compile with the include paths of itself and the
# layers below only (the Makefile's print-layer-cc), so a header of a higher
# layer is not found from a lower one; the archives agree (no symbol of a
# higher layer is used by a lower one).
. "$WB_ROOT/tests/lib.sh"
cd "$WB_ROOT" || exit 1

layers="evidence engine reports cli"
dir_of () {
	case $1 in
	engine|cli) echo "workbench/$1" ;;
	*) echo "$1" ;;
	esac
}
headers_of () { (cd "$(dir_of "$1")" && ls *.h); }

# cc_of LAYER: the command the Makefile compiles LAYER's sources with.
cc_of () { make -s --no-print-directory print-layer-cc LAYER="$1"; }

below=""        # the layers under the current one, itself included
for l in $layers; do
	below="$below $l"
	cc=$(cc_of "$l")
	expect_match "the $l compile command has its own include path" "-I$(dir_of "$l")( |\$)" "$cc"

	# Legal: every header of this layer and the ones below, in one file.
	: > "$T/legal-$l.c"
	for b in $below; do
		for h in $(headers_of "$b"); do echo "#include \"$h\"" >> "$T/legal-$l.c"; done
	done
	# shellcheck disable=SC2086
	if $cc -fsyntax-only "$T/legal-$l.c" 2> "$T/legal-$l.err"; then
		t_pass "$l compiles with the headers of$below"
	else
		t_fail "$l compiles with the headers of$below" "$(cat "$T/legal-$l.err")"
	fi

	# Illegal: each header of a higher layer, one file each; the compile
	# must fail because the header is not found, not for another reason.
	above=0
	for a in $layers; do
		case " $below " in *" $a "*) continue ;; esac
		for h in $(headers_of "$a"); do
			above=$((above + 1))
			printf '#include "%s"\nint x;\n' "$h" > "$T/up.c"
			# shellcheck disable=SC2086
			if $cc -fsyntax-only "$T/up.c" 2> "$T/up.err"; then
				t_fail "$l cannot include $a's $h" "it compiled"
			elif grep -q "$h.*No such file" "$T/up.err"; then
				t_pass "$l cannot include $a's $h"
			else
				t_fail "$l cannot include $a's $h" "failed for another reason:" "$(cat "$T/up.err")"
			fi
		done
	done
	[ "$l" = cli ] || [ "$above" -gt 0 ] || t_fail "$l has headers above it to try"
done

# Each layer states its contract in a README.md that the top README links.
for l in $layers; do
	d=$(dir_of "$l")
	expect_eq "$d has a README.md linked from the top README" "yes" \
		"$([ -s "$d/README.md" ] && grep -qF "]($d/README.md)" README.md && echo yes || echo no)"
done

# A path in an include ("../cli/wb.h") would get round the include paths.
expect_eq "no include names a folder" "" \
	"$(grep -n '#[[:space:]]*include[[:space:]]*"[^"]*/' evidence/*.[ch] workbench/*/*.[ch] reports/*.[ch])"

# The archives: no layer uses a symbol defined by a layer above it.
defined () { nm -g --defined-only "$WB_BUILD/lib$1.a" | awk 'NF == 3 { print $3 }' | sort -u; }
undefined () { nm -g --undefined-only "$WB_BUILD/lib$1.a" | awk '{ print $NF }' | sort -u; }
if [ -f "$WB_BUILD/libevidence.a" ]; then
	lower=""
	for l in $layers; do
		for low in $lower; do
			defined "$l" > "$T/def"
			undefined "$low" > "$T/und"
			expect_eq "lib$low.a uses no symbol of lib$l.a" "" "$(comm -12 "$T/def" "$T/und" | tr '\n' ' ')"
		done
		lower="$lower $l"
	done
	expect_match "the evidence archive holds the embedded schema" "^wb_schema_sql\$" "$(defined evidence)"
else
	skip "archives" "no $WB_BUILD/libevidence.a (run make first)"
fi
t_done
