#!/usr/bin/env bash
# tests/vm/t-nvme-guard.sh - `iodrill devices` and the write guard on NVMe, in the NVMe test
# machine (tests/vm/run, issue 8): one boot with four namespaces on one controller
#   1  512 B LBA, a GPT with one ext4 partition (nvme0n1p1)
#   2  4 KiB LBA, bare
#   3  512 B LBA, ext4 on the whole namespace
#   4  4 KiB + 8 B metadata, extended LBA
# running tests/vm/guest/nvme-guard.sh: the listing (table, JSON, as root and as nobody, a
# missing /dev/ngXnY) and writes through every engine, by the block device and by the
# generic char device, refused or allowed as they must be, checksums held.
. "$(dirname "$0")/../lib.sh"

if [ ! -x "$TOP/tests/vm/run" ] || ! declare -F vm_cases >/dev/null; then
	skip "NVMe devices and write guard in the guest" \
		"the NVMe test machine (tests/vm/run and lib.sh's vm_ready/vm_cases, issue 8) is not in this tree: none of the NVMe cases of tests/vm/guest/nvme-guard.sh ran"
	finish
fi
vm_ready "NVMe devices and write guard in the guest" || finish
vm_cases --timeout 500 --ns lba=512,part=gpt,fs=ext4 --ns lba=4096 --ns lba=512,fs=ext4 \
	--ns lba=4096,ms=8,mset=1 --cwd "$TOP" -- bash tests/vm/guest/nvme-guard.sh
finish
