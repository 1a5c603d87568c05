#!/usr/bin/env bash
# tests/results/t-nvme-identity-vm.sh - the results archive's NVMe device identity, in one
# boot of the NVMe test machine (default namespaces: 512, 4096, 4096+8 extended, 4096+8
# separate) running tests/results/guest/nvme-identity.sh: folder names by block device and
# by /dev/ngXnY, the metadata placement, the sysfs fallback for another user.
. "$(dirname "$0")/../lib.sh"

vm_ready "NVMe identity in the archive" || finish
vm_cases --timeout 300 --cwd "$TOP" -- bash tests/results/guest/nvme-identity.sh
finish
