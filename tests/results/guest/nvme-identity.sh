#!/usr/bin/env bash
# tests/results/guest/nvme-identity.sh - runs INSIDE the NVMe test machine, as root
# (tests/results/t-nvme-identity-vm.sh, default namespaces 1:512 2:4096 3:4096+8ext
# 4:4096+8sep): the results archive files each namespace under a folder that carries the
# controller's model and serial, the nsid and the LBA format in use (nvme/'s Identify), by
# its block device and by its /dev/ngXnY alike; records whether the metadata is inline
# (extended LBA) or separate, which only Identify tells; and another user, for whom
# Identify is refused (kernel 6.1: CAP_SYS_ADMIN) so nvme/ falls back to sysfs, gets the
# same folder for the formats sysfs can describe.
. "$(dirname "$0")/../../lib.sh"
. "$TOP/tests/results/lib.sh"

if [ -z "${IDR_VM:-}" ] || [ ! -e /sys/class/nvme/nvme0 ]; then
	skip "NVMe identity in the archive" \
		"not inside the NVMe test machine (run tests/results/t-nvme-identity-vm.sh)"
	finish
fi
S=$(scratch)
export IODRILL_RESULTS=$S/archive
FX=$TOP/tests/fixtures/fio-sync-nil.json
# added TARGET [ENV...]: store the fixture run against TARGET; prints the device folder
added() { "$IODRILL" results add --json --target "$1" "$FX" 2>&1 | jq -r .device 2>/dev/null; }
# fact FOLDER KEY: a fact of a stored device, "null" when it has none
fact() { jq -c ".facts.$2" "$IODRILL_RESULTS/$1/device.json" 2>/dev/null; }
clean() { tr -c 'A-Za-z0-9.+\n-' _ | sed 's/__*/_/g; s/^_//; s/_$//'; }
model=$(clean </sys/class/nvme/nvme0/model)
serial=$(clean </sys/class/nvme/nvme0/serial)

for ns in ${IDR_VM_NS:-1:512 2:4096 3:4096+8ext 4:4096+8sep}; do
	nsid=${ns%%:*}
	fmt=${ns#*:}
	meta=${fmt%%,*}
	meta=${meta##*[0-9]}	# ext, sep or ""
	fmt=${fmt%%[a-z,]*}	# 4096+8ext -> 4096+8; 512,mbr,ext4 -> 512
	want=nvme-$model-$serial-ns$nsid-lba$fmt
	got=$(added "/dev/nvme0n$nsid")
	check "/dev/nvme0n$nsid is filed as $want" "got $got" test "$got" = "$want"
	got=$(added "/dev/ng0n$nsid")
	check "/dev/ng0n$nsid is filed under its namespace" "got $got" test "$got" = "$want"
	case $meta in
	ext) ext=true ;;
	sep) ext=false ;;
	*) ext=null ;;
	esac
	got=$(fact "$want" extended_lba)
	check "namespace $nsid: metadata ${meta:-none}: extended_lba $ext" "got $got" \
		test "$got" = "$ext"
	got=$(fact "$want" identity_source)
	check "namespace $nsid: identity from NVMe Identify (libnvme) as root" "got $got" \
		test "$got" = '"libnvme"'
done

# Another user: Identify refused, sysfs alone (the namespace opened to it: 0666).
chmod 755 "$S"
mkdir -m 777 "$S/other"
chmod 666 /dev/nvme0n1 /dev/nvme0n2
for nsid in 1 2; do
	out=$(IODRILL_RESULTS=$S/other setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$IODRILL" results add --json --target "/dev/nvme0n$nsid" "$FX" 2>&1)
	got=$(jq -r .device <<<"$out" 2>/dev/null)
	src=$(jq -c .facts.identity_source "$S/other/$got/device.json" 2>/dev/null)
	check "another user (sysfs, not Identify) names namespace $nsid's folder alike" \
		"got $got from $src: $(head -c 300 <<<"$out")" \
		test "$got" = "$(added "/dev/nvme0n$nsid")" -a "$src" = '"sysfs"'
done
finish
