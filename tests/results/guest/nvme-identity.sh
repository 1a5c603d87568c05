#!/usr/bin/env bash
# nvme-guest.sh - device identity on (emulated) NVMe, run as root inside the NVMe test
# machine (the tree at the same path): tests/vm/run -- bash tests/results/nvme-guest.sh.
# Not a t-*.sh: the host has no NVMe. Checks that each namespace's folder name carries
# the controller's model and serial, the nsid and the LBA format (libnvme), that
# /dev/ngXnY files under its namespace, and that the sysfs fallback (another user, whom
# libnvme cannot identify for) names the same folder.
# Namespaces: $IDR_VM_NS ("1:512 2:4096 3:4096+8ext ..."), else 1:512 2:4096 3:4096+8.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

S=$(TMPDIR=${TMPDIR:-/tmp} mktemp -d)
at_exit "rm -rf '$S'"
export IODRILL_RESULTS=$S/archive
FX=$TOP/tests/fixtures/fio-sync-nil.json
dev_of() { "$IODRILL" results add --json --target "$1" "$FX" 2>&1 | jq -r .device 2>/dev/null; }
clean() { tr -c 'A-Za-z0-9.+\n-' _ | sed 's/__*/_/g; s/^_//; s/_$//'; }

if [ ! -e /sys/class/nvme/nvme0 ]; then
	skip "NVMe identity" "no NVMe controller here (run it in tests/vm/run)"
	finish
fi
model=$(clean </sys/class/nvme/nvme0/model)
serial=$(clean </sys/class/nvme/nvme0/serial)
for ns in ${IDR_VM_NS:-1:512 2:4096 3:4096+8}; do
	nsid=${ns%%:*}
	fmt=${ns#*:}
	fmt=${fmt%%[a-z,]*}	# 4096+8ext -> 4096+8; 512,mbr,ext4 -> 512
	want=nvme-$model-$serial-ns$nsid-lba$fmt
	got=$(dev_of "/dev/nvme0n$nsid")
	check "/dev/nvme0n$nsid is filed as $want" "got $got" test "$got" = "$want"
	got=$(dev_of "/dev/ng0n$nsid")
	check "/dev/ng0n$nsid is filed under its namespace" "got $got" test "$got" = "$want"
done
src=$(jq -r .facts.identity_source "$IODRILL_RESULTS/nvme-$model-$serial-ns1-lba"*/device.json)
check "identity from libnvme as root" "got $src" test "$src" = libnvme
chmod 755 "$S"
mkdir -m 777 "$S/other"
chmod 666 /dev/nvme0n1
got=$(IODRILL_RESULTS=$S/other setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$IODRILL" results add --json --target /dev/nvme0n1 "$FX" 2>&1 | jq -r .device 2>/dev/null)
check "another user (sysfs only) names the same folder" "got $got" \
	test "$got" = "$(dev_of /dev/nvme0n1)"
finish
