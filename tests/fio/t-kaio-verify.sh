#!/usr/bin/env bash
# fio's own verify through the kaio engine (see verify_matrix in tests/lib.sh): direct
# I/O only (kernel AIO is synchronous without it), thread=0 and 1, iodepth 1, 32 and
# 1024 on a tmpfs file (where kernel AIO completes inside io_submit) and iodepth 32 and
# 1024 on loop devices with direct I/O (512 B and 4 KiB sectors: really asynchronous),
# with and without userspace_reap. The sidecar's I/O count must equal fio's in every
# job. Then the mangle test.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
matrix() { verify_matrix kaio "$@"; }
loop_matrix() { local label=$1 dev=$2; shift 2; matrix "$label" "$dev" 1 "$@"; }
mangle() { verify_mangle kaio "$1" "$2" 1 --iodepth=32; }

truncate -s 40M "$S/file"
matrix tmpfs "$S/file" 1 iodepth=1
matrix tmpfs "$S/file" 1 iodepth=32 userspace_reap
matrix tmpfs "$S/file" 1 iodepth=1024
with_loops loop_matrix 40M iodepth=32
with_loops loop_matrix 40M iodepth=1024 userspace_reap
truncate -s 2M "$S/m"
verify_mangle kaio tmpfs "$S/m" 1 --iodepth=32
with_loops mangle 2M
finish
