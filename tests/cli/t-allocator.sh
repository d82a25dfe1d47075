#!/bin/sh
# The program's allocator: the plain build links tcmalloc (the Makefile's
# MALLOC_LIB, from Debian's libgoogle-perftools-dev), whose figures the
# benchmarks' notes give; the sanitizers' build (build-asan) must not, as
# AddressSanitizer brings its own malloc.  Read from the libraries the
# dynamic loader gives the program (ldd), not from the link line.
. "$WB_ROOT/tests/lib.sh"
tc=$(ldd "$WB" | grep -c 'libtcmalloc_minimal\.so')
case ${WB_BUILD:-build} in
*asan*) expect_eq "the sanitizers' build keeps ASan's allocator" 0 "$tc" ;;
*) if [ "$tc" -gt 0 ]; then t_pass "the program runs on tcmalloc"
   else t_fail "the program runs on tcmalloc" "ldd $WB names no libtcmalloc_minimal.so (make deps installs libgoogle-perftools-dev)"; fi ;;
esac
t_done
