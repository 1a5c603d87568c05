#!/usr/bin/env bash
# uring_passthru and IOPOLL in the NVMe test machine, in one boot (each boot costs ~16 s
# under TCG): tests/passthru/guest/all.sh runs
#  - guest/verify.sh: fio's verify on every LBA format (512 B, 4 KiB, 4 KiB + 8 B extended,
#    4 KiB + 8 B separate), fixed buffers on and off, iodepth 1/32/256, thread=0/1; verify
#    can fail; the data lands at the LBAs the offsets name;
#  - guest/errors.sh: NVMe statuses named with LBA and offset, never retried, no hang; bad
#    bs/offset/limits refused before I/O; block devices, partitions and files refused naming
#    /dev/ngXnY; a mounted filesystem never written; no CAP_SYS_ADMIN on 6.1 explained;
#  - guest/trim.sh: trim as NVMe Dataset Management (deallocate): trimmed LBAs read as DLFEAT
#    says (zeros), the pattern elsewhere; one range and multi-range commands counted in the
#    sidecar; fio's io_uring_cmd cannot trim (BLKDISCARD on the char device); the write guard
#    refuses a trim of a namespace with a partition table;
#  - guest/iopoll.sh: hipri=1 on poll queues for uring_fixed and uring_passthru, under verify,
#    and proof that the completions were polled;
#  - guest/latency.sh: fio's slat/clat/lat with uring_passthru and uring_fixed against
#    io_uring_cmd and io_uring (tests/fio/latency.sh's checks, issue 18), by interrupt and
#    polled (hipri=1), iodepth 1 and 8.
# make check runs a subset that takes every value of each dimension; IDR_STRESS=1 (make
# stress) runs their product. Namespaces: the default four, a fifth with ext4 in an MBR
# partition, a sixth of 16 MiB whose reads at 4 MiB fail; writes at 32 MiB of namespace 2
# fail (blkdebug).
. "$(dirname "$0")/../lib.sh"

timeout=300
[ "${IDR_STRESS:-0}" = 1 ] && timeout=1500
vm_ready "uring_passthru and IOPOLL on NVMe" || finish
vm_cases --timeout "$timeout" --poll-queues 1 --ns default --ns part=mbr,fs=ext4 \
	--ns lba=512,size=16M --inject 6:read:8192 --inject 2:write:65536 \
	--env "IDR_STRESS=${IDR_STRESS:-0}" --cwd "$TOP" -- bash tests/passthru/guest/all.sh
finish
