#!/usr/bin/env bash
# fio's own verify through uring_fixed on loop devices with direct I/O (512 B and 4 KiB
# sectors: they enforce O_DIRECT alignment and complete asynchronously, unlike tmpfs):
# registered buffers and files (buffered and direct), neither with batched submission,
# and SQPOLL (direct: buffered I/O on a loop device is tmpfs's path). Then the
# mangle test on each. tmpfs and the other modes: t-uring-verify.sh.
. "$(dirname "$0")/../lib.sh"

matrix()
{
	local label=$1 dev=$2
	verify_matrix uring_fixed "$label" "$dev" "0 1" iodepth=32
	verify_matrix uring_fixed "$label" "$dev" "1" iodepth=32 fixedbufs=0 registerfiles=0 \
		iodepth_batch_submit=32
	verify_matrix uring_fixed "$label" "$dev" "1" iodepth=32 sqthread_poll=1 sqthread_poll_idle=10
}
mangle() { verify_mangle uring_fixed "$1" "$2" 1; }

with_loops matrix 40M
with_loops mangle 2M
finish
