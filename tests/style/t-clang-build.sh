#!/usr/bin/env bash
# t-clang-build.sh - every source (engines, core, nvme/, cli/, unit tests) also compiles
# with clang under the same -Werror warnings as with gcc (`make clang-build`: objects only,
# in build/obj-clang; the gcc build is untouched).
. "$(dirname "$0")/../lib.sh"

if ! command -v clang >/dev/null; then
	skip "clang build" "clang is not installed (optional: apt-get install clang)"
	finish
fi
log=$(scratch)/clang.log
if make -C "$TOP" -s -j2 clang-build >"$log" 2>&1; then
	n=$(find "$TOP/build/obj-clang" -name '*.o' | wc -l)
	if [ "$n" -gt 50 ]; then
		pass "clang build: $n objects, no warning"
	else
		fail "clang build" "only $n objects in build/obj-clang"
	fi
else
	fail "clang build" "$(grep -m 5 -E 'error|warning' "$log")"
fi
finish
