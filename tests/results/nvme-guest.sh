#!/usr/bin/env bash
# nvme-guest.sh - device identity on real (emulated) NVMe; run inside the NVMe test machine
# (root, the tree at the same path), with one controller (serial deadbeef) and namespaces
# 1 (512 B LBA), 2 (4 KiB) and 3 (4 KiB + 8 B metadata), e.g. QEMU:
#   -device nvme,id=c0,serial=deadbeef -device nvme-ns,drive=d1,bus=c0,nsid=1
#   -device nvme-ns,drive=d2,bus=c0,nsid=2,logical_block_size=4096,physical_block_size=4096
#   -device nvme-ns,...,nsid=3,logical_block_size=4096,physical_block_size=4096,ms=8,mset=1
# Not a t-*.sh: the host has no NVMe. Checks the folder names carry model, serial,
# namespace and LBA format (libnvme), /dev/ngXnY files under its namespace, and the
# sysfs fallback (another user: libnvme cannot identify) names the same folder.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

S=$(TMPDIR=${TMPDIR:-/tmp} mktemp -d)
at_exit "rm -rf '$S'"
export IODRILL_RESULTS=$S/archive
FX=$TOP/tests/fixtures/fio-sync-nil.json
dev_of() { "$IODRILL" results add --json --target "$1" "$FX" 2>&1 | jq -r .device 2>/dev/null; }

for want in "/dev/nvme0n1 nvme-QEMU_NVMe_Ctrl-deadbeef-ns1-lba512" \
	"/dev/nvme0n2 nvme-QEMU_NVMe_Ctrl-deadbeef-ns2-lba4096" \
	"/dev/nvme0n3 nvme-QEMU_NVMe_Ctrl-deadbeef-ns3-lba4096+8" \
	"/dev/ng0n1 nvme-QEMU_NVMe_Ctrl-deadbeef-ns1-lba512" \
	"/dev/ng0n3 nvme-QEMU_NVMe_Ctrl-deadbeef-ns3-lba4096+8"; do
	set -- $want
	got=$(dev_of "$1")
	check "$1 is filed as $2" "got $got" test "$got" = "$2"
done
src=$(jq -r .facts.identity_source "$IODRILL_RESULTS/nvme-QEMU_NVMe_Ctrl-deadbeef-ns1-lba512/device.json")
check "identity from libnvme as root" "got $src" test "$src" = libnvme
chmod 755 "$S"
mkdir -m 777 "$S/other"
chmod 666 /dev/nvme0n1
got=$(IODRILL_RESULTS=$S/other setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$IODRILL" results add --json --target /dev/nvme0n1 "$FX" 2>&1 | jq -r .device 2>/dev/null)
check "another user (sysfs only) names the same folder" "got $got" \
	test "$got" = nvme-QEMU_NVMe_Ctrl-deadbeef-ns1-lba512
finish
