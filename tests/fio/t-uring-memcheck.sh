#!/usr/bin/env bash
# uring_fixed under valgrind's memcheck inside the real fio (an ASan engine cannot load
# into a plain fio): no invalid read or write, no use of uninitialised memory, with
# faults armed (a 4-entry ring under iodepth 16: SQ full and CQ overflow; every 5th CQE
# -EAGAIN): registered buffers and files, neither (READV), and SQPOLL. Leaks are not
# checked: fio 3.33 leaks in its own option parser.
. "$(dirname "$0")/../lib.sh"

if ! command -v valgrind >/dev/null; then
	skip "uring_fixed under memcheck" "valgrind is not installed (apt-get install valgrind)"
	finish
fi
S=$(scratch)
truncate -s 8M "$S/f"
for args in "--rw=randrw --verify=crc32c --verify_backlog=16 --iodepth=16" \
	"--rw=randrw --verify=crc32c --iodepth=16 --fixedbufs=0 --nonvectored=0 --registerfiles=0" \
	"--rw=write --verify=md5 --iodepth=8 --sqthread_poll=1 --sqthread_poll_idle=5"; do
	out=$S/vg-$RANDOM
	IODRILL_URING_FAULTS=cqe_eagain=5,sq_entries=4 valgrind -q --error-exitcode=99 \
		--leak-check=no "$FIO" --name=v --ioengine="external:$ENGINES/uring_fixed.so" \
		--filename="$S/f" --size=1M --bs=4k --thread=1 $args --sidecar="$out.sc" \
		>"$out.log" 2>&1
	rc=$?
	check "memcheck clean: ${args//--/}" "rc=$rc: $(grep -m5 -E '==[0-9]+==|error' "$out.log" | tr '\n' ' ')" \
		test "$rc" = 0 -a "$(jq -r .counters.errors "$out.sc" 2>/dev/null)" = 0
done
finish
