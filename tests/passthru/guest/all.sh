#!/usr/bin/env bash
# tests/passthru/guest/all.sh - runs INSIDE the NVMe test machine: every guest script of
# tests/passthru/t-passthru-stress-vm.sh in one boot (a boot costs ~16 s under TCG, and
# the first start of fio and jq in it several more). Each prints its own PASS/FAIL/SKIP
# lines; exits 1 when any of them failed.
cd "$(dirname "$0")/../../.." || exit 1
rc=0
# latency.sh compares timings against the twins': under TCG on a loaded machine (make
# check runs beside the host tests) its rounds swung past the 25% band (qd1 hipri slat p50
# 0.74x in a fresh-clone CI) and the boot ran past its 300 s: make stress runs it all;
# make check runs its quick part (LAT_QUICK=1: iodepth 8 by interrupt, the stamp check).
scripts=(verify errors trim iopoll latency)
quick=1
[ "${IDR_STRESS:-0}" = 1 ] && quick=0
for s in "${scripts[@]}"; do
	LAT_QUICK=$quick bash "tests/passthru/guest/$s.sh" || rc=1
done
[ "$quick" = 0 ] ||
	echo "SKIP latency (guest) 25% bands, iodepth 1 and hipri: timing pairs against the twins run in make stress (IDR_STRESS=1): TCG under make check's load is too noisy for the 25% band"
exit "$rc"
