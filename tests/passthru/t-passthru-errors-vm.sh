#!/usr/bin/env bash
# uring_passthru's failures in the NVMe test machine (one boot: the default namespaces, a
# fifth with ext4 in an MBR partition, blkdebug failing reads at 4 MiB of namespace 1 and
# writes at 32 MiB of namespace 2): NVMe statuses named with LBA and offset, never retried, no hang; bad
# bs/offset/limits refused before I/O; block devices, partitions and files refused naming
# /dev/ngXnY; a mounted filesystem never written; no CAP_SYS_ADMIN on 6.1 explained
# (tests/passthru/guest/errors.sh).
. "$(dirname "$0")/../lib.sh"

vm_ready "uring_passthru errors on NVMe" || finish
vm_cases --timeout 300 --ns default --ns part=mbr,fs=ext4 --inject 1:read:8192 \
	--inject 2:write:65536 --cwd "$TOP" -- bash tests/passthru/guest/errors.sh
finish
