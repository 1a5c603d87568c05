#!/usr/bin/env bash
# iodrill drill on NVMe, in one boot of the NVMe test machine: TARGET /dev/ngXnY and
# /dev/nvmeXnY, each run stored under its namespace's identity (guest/nvme.sh); a fresh
# namespace's blocks reported unwritten (DLFEAT), and not after iodrill precondition
# (guest/unwritten.sh). One boot for both: TCG is slow.
. "$(dirname "$0")/../lib.sh"

vm_ready "drill on NVMe" || finish
vm_cases --timeout 600 --cwd "$TOP" -- bash -c \
	'r=0; for s in nvme unwritten; do bash tests/drill/guest/$s.sh || r=1; done; exit $r'
finish
