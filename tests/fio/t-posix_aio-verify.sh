#!/usr/bin/env bash
# fio's own verify through the posix_aio engine in every mode it supports (see
# verify_matrix in tests/lib.sh): buffered and direct, thread=0 and 1, iodepth 1, 32 and
# 1024 on a tmpfs file (1, 4 and 16 descriptors per file), iodepth 32 over 8 descriptors
# on loop devices with direct I/O (512 B and 4 KiB sectors), and iodepth 1024 over 16
# on the 4 KiB one. The
# sidecar's I/O count must equal fio's in every job. Then the mangle test. (aio_poll=1
# is verified in t-posix_aio-faults.sh.)
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
matrix() { verify_matrix posix_aio "$@"; }
loop_matrix() { local label=$1 dev=$2; shift 2; matrix "$label" "$dev" "0 1" "$@"; }
mangle() { verify_mangle posix_aio "$1" "$2" 1 --iodepth=32 --aio_fds=4; }

truncate -s 40M "$S/file"
matrix tmpfs "$S/file" "0 1" iodepth=1
matrix tmpfs "$S/file" "0 1" iodepth=32 aio_fds=4
matrix tmpfs "$S/file" "0 1" iodepth=1024 aio_fds=16
with_loops loop_matrix 40M iodepth=32 aio_fds=8
# iodepth 1024 on the 4 KiB-sector loop only: the same engine path, half the time.
why=$(loop_why)
if [ -n "$why" ]; then
	skip "posix_aio loop4k iodepth=1024" "$why"
else
	truncate -s 40M "$S/img4k"
	if dev=$(loopdev "$S/img4k" 4096); then
		matrix loop4k "$dev" "0 1" iodepth=1024 aio_fds=16
	else
		fail "posix_aio loop4k iodepth=1024" "losetup failed"
	fi
fi
truncate -s 2M "$S/m"
verify_mangle posix_aio tmpfs "$S/m" 0 --iodepth=32 --aio_fds=4
with_loops mangle 2M
finish
