#!/usr/bin/env bash
# fio's own verify through the posix_aio engine in every mode it supports (see
# verify_matrix in tests/lib.sh): buffered and direct, thread=0 and 1, iodepth 1, 32 and
# 1024 on a tmpfs file (1, 4 and 16 descriptors per file; polling at 32), and iodepth
# 32 over 8 descriptors on loop devices with direct I/O (512 B and 4 KiB sectors). The
# sidecar's I/O count must equal fio's in every job. Then the mangle test.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
matrix() { verify_matrix posix_aio "$@"; }
loop_matrix() { local label=$1 dev=$2; shift 2; matrix "$label" "$dev" "0 1" "$@"; }
mangle() { verify_mangle posix_aio "$1" "$2" 1 --iodepth=32 --aio_fds=4; }

truncate -s 40M "$S/file"
matrix tmpfs "$S/file" "0 1" iodepth=1
matrix tmpfs "$S/file" "0 1" iodepth=32 aio_fds=4 aio_poll=1
matrix tmpfs "$S/file" "0 1" iodepth=1024 aio_fds=16
with_loops loop_matrix 40M iodepth=32 aio_fds=8
truncate -s 2M "$S/m"
verify_mangle posix_aio tmpfs "$S/m" 0 --iodepth=32 --aio_fds=4
with_loops mangle 2M
finish
