#!/usr/bin/env bash
# IOPOLL (hipri=1): fio's verify through uring_fixed and uring_passthru with polled
# completions, with and without SQPOLL, and proof that the completions were polled (the
# I/O queues' interrupts stay flat). Needs a device with poll queues: the NVMe test
# machine with nvme.poll_queues=1 (one boot, tests/fio/guest/iopoll.sh: uring_fixed on
# /dev/nvme0n2, uring_passthru on /dev/ng0n1), or a block device of yours named by
# IODRILL_IOPOLL_DEV (its contents are overwritten; uring_fixed only). (hipri where nothing
# can poll: t-uring-badinput.sh.)
. "$(dirname "$0")/../lib.sh"

dev=${IODRILL_IOPOLL_DEV:-}
if [ -z "$dev" ]; then
	vm_ready "IOPOLL verify on NVMe poll queues" || finish
	vm_cases --timeout 300 --poll-queues 1 --cwd "$TOP" -- bash tests/fio/guest/iopoll.sh
	finish
fi
name=$(basename "$(readlink -f "$dev")")
poll=$(cat "/sys/class/block/$name/queue/io_poll" 2>/dev/null)
if [ "$poll" != 1 ]; then
	skip "uring_fixed hipri on $dev" "queue/io_poll of $name is '${poll:-missing}', not 1: no poll queues"
	finish
fi
verify_matrix uring_fixed iopoll "$dev" "1" iodepth=32 hipri=1
verify_matrix uring_fixed iopoll "$dev" "1" iodepth=32 hipri=1 sqthread_poll=1 sqthread_poll_idle=10
finish
