#!/usr/bin/env bash
# fio's own verify through the sync engine in every mode it supports (see verify_matrix
# in tests/lib.sh): buffered and direct, thread=0 and 1, on a tmpfs file and on loop
# devices with direct I/O (512 B and 4 KiB sectors: tmpfs does not enforce O_DIRECT
# alignment, loop devices do). Then the mangle test: verify must be able to fail.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
matrix() { verify_matrix sync "$1" "$2" "0 1"; }
mangle() { verify_mangle sync "$1" "$2" 1; }

truncate -s 40M "$S/file"
matrix tmpfs "$S/file"
with_loops matrix 40M
truncate -s 2M "$S/m"
verify_mangle sync tmpfs "$S/m" 0
with_loops mangle 2M
finish
