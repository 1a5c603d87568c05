#!/usr/bin/env bash
# iodrill drill on NVMe, in one boot of the NVMe test machine (tests/drill/guest/nvme.sh):
# TARGET /dev/ngXnY and /dev/nvmeXnY, each run stored under its namespace's identity.
. "$(dirname "$0")/../lib.sh"

vm_ready "drill on NVMe" || finish
vm_cases --timeout 300 --cwd "$TOP" -- bash tests/drill/guest/nvme.sh
finish
