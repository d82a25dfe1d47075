#!/bin/sh
# Turn files into C string constants, so the binary carries its schema and
# templates.  'embed.sh NAME FILE' defines 'const char NAME[]';
# 'embed.sh --table NAME FILE...' defines an array of {path, text, size}.
set -e
escape() {
	od -An -v -tx1 "$1" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//; s/ /\\x/g; s/^/\\x/' |
		fold -w 200 | sed 's/^/"/; s/$/"/'
}
if [ "$1" = "--table" ]; then
	name=$2; shift 2
	echo '#include "templates.h"'
	echo "const wb_template_t $name[] = {"
	for f in "$@"; do
		printf '{ "%s",\n' "$f"
		if [ -s "$f" ]; then escape "$f"; else echo '""'; fi
		printf ', %s },\n' "$(wc -c < "$f")"
	done
	echo '{ NULL, NULL, 0 } };'
else
	echo "const char $1[] ="
	escape "$2"
	echo ';'
fi
