#!/bin/sh
# Install the Debian packages the build needs when a pkg-config probe fails.
# Usage: deps.sh PKGCONFIG_NAME... -- DEBIAN_PACKAGE...
missing=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	pkg-config --exists "$1" 2>/dev/null || missing="$missing $1"
	shift
done
shift
debs="$*"
need_debs=""
for d in $debs; do
	dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q "ok installed" || need_debs="$need_debs $d"
done
[ -z "$missing" ] && [ -z "$need_debs" ] && exit 0
echo "note: missing:${missing:+ pkg-config$missing}${need_debs:+; packages$need_debs}" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $need_debs >/dev/null || {
		echo "error: apt-get install failed for:$need_debs" >&2; exit 1; }
else
	echo "error: missing packages:$need_debs" >&2
	echo "hint: run: sudo apt-get install -y$need_debs" >&2
	exit 1
fi
