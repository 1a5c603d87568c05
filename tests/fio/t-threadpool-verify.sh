#!/usr/bin/env bash
# fio's own verify through the threadpool engine in every mode it supports (see
# verify_matrix in tests/lib.sh): buffered and direct, thread=0 and 1, iodepth 1, 32 and
# 1024 on a tmpfs file, and iodepth 32 and 1024 on loop devices with direct I/O (512 B
# and 4 KiB sectors).
# The sidecar's I/O count must equal fio's in every job. Then the mangle test.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
matrix() { verify_matrix threadpool "$@"; }
loop_matrix() { local label=$1 dev=$2; shift 2; matrix "$label" "$dev" "0 1" "$@"; }
mangle() { verify_mangle threadpool "$1" "$2" 1 --iodepth=32; }

truncate -s 40M "$S/file"
# 36 jobs at once: fewer workers where more would only sit idle (iodepth 1) or crowd 2
# CPUs; the default 16 where the depth keeps them busy.
matrix tmpfs "$S/file" "0 1" iodepth=1 tp_workers=4
matrix tmpfs "$S/file" "0 1" iodepth=32
matrix tmpfs "$S/file" "0 1" iodepth=1024
# Loops at the depths where workers overlap (iodepth 1 is covered on tmpfs).
with_loops loop_matrix 40M iodepth=32 tp_workers=8
with_loops loop_matrix 40M iodepth=1024 tp_workers=4
truncate -s 2M "$S/m"
verify_mangle threadpool tmpfs "$S/m" 0 --iodepth=32
with_loops mangle 2M
finish
