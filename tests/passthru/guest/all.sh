#!/usr/bin/env bash
# tests/passthru/guest/all.sh - runs INSIDE the NVMe test machine: every guest script of
# tests/passthru/t-passthru-stress-vm.sh in one boot (a boot costs ~16 s under TCG, and
# the first start of fio and jq in it several more). Each prints its own PASS/FAIL/SKIP
# lines; exits 1 when any of them failed.
cd "$(dirname "$0")/../../.." || exit 1
rc=0
for s in verify errors trim iopoll latency; do
	bash "tests/passthru/guest/$s.sh" || rc=1
done
exit "$rc"
