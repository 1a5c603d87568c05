#!/usr/bin/env bash
# iodrill tune --saturate and the system check on NVMe, in the NVMe test machine: two
# boots (two guest CPUs: see vm_cases), with a poll queue and with none, running
# tests/saturate/guest/nvme.sh.
. "$(dirname "$0")/../lib.sh"

vm_ready "saturate on NVMe" || finish
vm_cases --timeout 400 --poll-queues 1 --cwd "$TOP" -- bash tests/saturate/guest/nvme.sh
vm_cases --timeout 400 --poll-queues 0 --cwd "$TOP" -- bash tests/saturate/guest/nvme.sh
finish
