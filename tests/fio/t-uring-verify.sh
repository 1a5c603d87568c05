#!/usr/bin/env bash
# fio's own verify (crc32c, md5, pattern; write, randwrite, randrw with verify_backlog;
# buffered and direct; thread=0 and 1: see verify_matrix in tests/lib.sh) through
# uring_fixed on a tmpfs file, in each mode: registered buffers and files (the defaults),
# neither (READ/WRITE, and every 4th request through io-wq: force_async), vectored
# READV/WRITEV at iodepth 1 (files registered, buffers not), iodepth 1024 with batched
# submission (buffers registered, files not), SQPOLL with unregistered files. Then the
# mangle test: verify can fail.
# Loop devices: t-uring-verify-loop.sh. IOPOLL: passthru/t-passthru-stress-vm.sh (NVMe poll queues in the test machine).
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
truncate -s 40M "$S/file"
m() { verify_matrix uring_fixed tmpfs "$S/file" "0 1" "$@"; }
m iodepth=32
m iodepth=32 fixedbufs=0 registerfiles=0 force_async=4
m iodepth=1 fixedbufs=0 nonvectored=0
# bs=512: 2048 blocks per 1 MiB region, so 1024 can really be in flight.
m iodepth=1024 bs=512 iodepth_batch_submit=32 iodepth_batch_complete_max=64 registerfiles=0
m iodepth=32 sqthread_poll=1 sqthread_poll_idle=10 registerfiles=0
truncate -s 2M "$S/m"
verify_mangle uring_fixed tmpfs "$S/m" 0
finish
