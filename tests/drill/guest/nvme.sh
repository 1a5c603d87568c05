#!/usr/bin/env bash
# tests/drill/guest/nvme.sh - runs INSIDE the NVMe test machine (tests/drill/t-drill-vm.sh,
# default namespaces): iodrill drill with TARGET /dev/ng0n1 (an NVMe generic device, known
# by its sysfs class; the file engines read /dev/nvme0n1 beside it, whose size it takes) and
# /dev/nvme0n2; each run in the results archive under its namespace's folder (model,
# serial, nsid, LBA format), 1,000 reads per engine and per asynchronous engine's latency
# run. Every fio start costs 1-2 s under TCG:
# one repetition of sync and nil.
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "drill on NVMe" "not inside the NVMe test machine: run it through tests/drill/t-drill-vm.sh"
	finish
fi
S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"

# drill_nvme LABEL TARGET FOLDER-GLOB: the drill's table and the stored run.
drill_nvme()
{
	local label=$1 t=$2 glob=$3 out=$S/$1 rc dev n
	"$IODRILL" drill "$t" --reps 1 --engines sync,nil --no-png --json --results "$S/archive" \
		>"$out.json" 2>"$out.err"
	rc=$?
	n=$(jq '[.engines[] | select(.repetitions == 1 and .failed == null and .time_us > 0)] | length' \
		"$out.json" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "$n" = 2 ]; then
		pass "$label: drill $t: sync and nil read 1,000 blocks"
	else
		fail "$label: drill $t" "rc=$rc, $n engines: $(tail -c 300 "$out.err")"
		return
	fi
	dev=$(jq -r '.archive.device' "$out.json")
	# shellcheck disable=SC2053 # a glob on purpose
	if [[ $dev == $glob ]] && [ "$("$IODRILL" results show "$(jq -r .archive.id "$out.json")" \
		--results "$S/archive" --json | jq -c '[.jobs[] | select(.read.ios == 1000) | .name] |
		group_by(.) | map(length)')" = "[2,1]" ]; then
		pass "$label: stored under $dev, 1,000 reads per engine (and nil's latency run)"
	else
		fail "$label: archive" "device '$dev', not $glob: $(jq -c .archive "$out.json")"
	fi
}

drill_nvme ng0n1 /dev/ng0n1 'nvme-*-ns1-lba512'
drill_nvme nvme0n2 /dev/nvme0n2 'nvme-*-ns2-lba4096'
check "results list: both namespaces" "$("$IODRILL" results list --results "$S/archive" 2>&1 | head -c 400)" \
	test "$("$IODRILL" results list --results "$S/archive" --json | jq '[.devices[].runs[]] | length')" = 2
finish
