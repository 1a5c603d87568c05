#!/usr/bin/env bash
# IOPOLL (hipri=1): fio's verify through uring_fixed with polled completions, with and
# without SQPOLL. Needs O_DIRECT on a block device with poll queues: null_blk with
# poll_queues or the emulated NVMe with nvme.poll_queues on the NVMe test machine
# (tests/vm/, issue 8), or a device of yours named by IODRILL_IOPOLL_DEV (its contents
# are overwritten). Without one every case SKIPs with the reason. (hipri where nothing
# can poll: t-uring-badinput.sh.)
. "$(dirname "$0")/../lib.sh"

dev=${IODRILL_IOPOLL_DEV:-}
if [ -z "$dev" ]; then
	why="no block device with poll queues here: the NVMe test machine (tests/vm/, issue 8) is"
	why="$why not in this tree yet; set IODRILL_IOPOLL_DEV=/dev/... (overwritten) to run it"
	skip "uring_fixed hipri verify matrix" "$why"
	skip "uring_fixed hipri+SQPOLL verify matrix" "$why"
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
