#!/usr/bin/env bash
# tests/vm/guest/smoke.sh - runs INSIDE the NVMe test machine (tests/vm/t-vm-smoke.sh boots it
# with --poll-queues 1 --inject 1:read:8192 and the default namespaces): does the machine give
# the tests what they rely on? The namespaces and their LBA formats, fio's own io_uring_cmd
# engine with verify on the generic char devices, an injected media error reaching fio the two
# ways it should, polled completions on the poll queue, guest modules, the results channel.

. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "vm smoke" "not inside the NVMe test machine: run it through tests/vm/t-vm-smoke.sh"
	finish
fi
out=$(scratch)

# Every fio start costs 1-2 s under TCG (Debian's fio links 64 libraries), every jq start half
# a second: jobs share fio runs and each JSON file is read by one jq.

# ---- the namespaces: nvme-cli (the host's, through the shared root) reads their formats -------
# want: nsid data-size metadata-size extended(1)/separate(0)
want="1 512 0 0
2 4096 0 0
3 4096 8 1
4 4096 8 0"
for n in 1 2 3 4; do
	nvme id-ns -o json "/dev/ng0n$n" >"$out/id$n.json" 2>&1 || echo "{}" >"$out/id$n.json"
done
# One line per namespace: nsid flbas data-size metadata-size extended.
jq -rs 'to_entries[] | .value as $j | ($j.flbas // -1) as $f |
	"\(.key + 1) \($f) \(if $f < 0 then 0 else pow(2; $j.lbafs[$f % 16].ds) end) \($j.lbafs[$f % 16].ms // -1) \(if $f < 0 then -1 else ($f / 16 | floor) % 2 end)"' \
	"$out"/id[1-4].json >"$out/formats"
while read -r n ds ms ext; do
	read -r _ flbas got_ds got_ms got_ext < <(grep "^$n " "$out/formats")
	name="vm ng0n$n"
	if [ ! -c "/dev/ng0n$n" ]; then
		fail "$name" "/dev/ng0n$n missing: $(ls /dev/ng* 2>&1 | tr '\n' ' ')"
	elif [ "$flbas" = -1 ]; then
		fail "$name" "nvme id-ns failed: $(head -c 200 "$out/id$n.json")"
	elif [ "$got_ds" = "$ds" ] && [ "$got_ms" = "$ms" ] && { [ "$ms" = 0 ] || [ "$got_ext" = "$ext" ]; }; then
		pass "$name: LBA format $ds+$ms$([ "$ms" = 0 ] || { [ "$ext" = 1 ] && echo ' extended' || echo ' separate'; }) (flbas $(printf 0x%x "$flbas"))"
	else
		fail "$name" "LBA format $got_ds+$got_ms extended=$got_ext (flbas $flbas), wanted $ds+$ms extended=$ext"
	fi
done <<<"$want"

# ---- fio: its own io_uring_cmd engine writes and verifies; the injected fault ---------------------
# blkdebug fails reads at 512-byte sector 8192 (4 MiB) of namespace 1. One fio run, jobs:
#   v1, v2   io_uring_cmd randwrite 2 MiB of ng0n1 / ng0n2 with verify=crc32c (the control for
#            iodrill's uring_passthru: if this fails, the machine is broken, not the engine)
#   pt       io_uring_cmd read of 4 KiB at 4 MiB of ng0n1: NVMe status 0x281
#   blk      psync O_DIRECT read of 4 KiB at 4 MiB of nvme0n1: ENODATA after the block layer's retries
#   ok       io_uring_cmd read of 4 KiB at 4 MiB + 4 KiB: fine, the fault is where it was put
cat >"$out/jobs.fio" <<'JOBS'
[global]
bs=4k
[v1]
ioengine=io_uring_cmd
cmd_type=nvme
filename=/dev/ng0n1
rw=randwrite
size=2M
iodepth=16
verify=crc32c
[v2]
ioengine=io_uring_cmd
cmd_type=nvme
filename=/dev/ng0n2
rw=randwrite
size=2M
iodepth=16
verify=crc32c
[pt]
stonewall
ioengine=io_uring_cmd
cmd_type=nvme
filename=/dev/ng0n1
rw=read
offset=4M
size=4k
[blk]
ioengine=psync
direct=1
filename=/dev/nvme0n1
rw=read
offset=4M
size=4k
[ok]
ioengine=io_uring_cmd
cmd_type=nvme
filename=/dev/ng0n1
rw=read
offset=4100k
size=4k
JOBS
runfio "$out/jobs" "$out/jobs.fio"
jq -r '.jobs[] | "\(.jobname) \(.error) \(.write.io_bytes) \(.read.io_bytes)"' "$out/jobs.json" \
	>"$out/jobs.txt" 2>&1
job() { grep "^$1 " "$out/jobs.txt"; }
for n in 1 2; do
	read -r _ err w r < <(job "v$n")
	if [ "${err:-}" = 0 ] && [ "$w" = 2097152 ] && [ "$r" = 2097152 ]; then
		pass "vm ng0n$n: fio io_uring_cmd randwrite 2 MiB, verify=crc32c read it all back"
	else
		fail "vm ng0n$n: fio io_uring_cmd verify" "error=${err:-none} wrote=${w:-} verified=${r:-}: $(head -c 300 "$out/jobs.err")"
	fi
done
read -r _ err _ < <(job pt)
# fio 3.33 keeps the CQE's positive NVMe status as a negative errno: -641 in 32 bits.
[ -n "${err:-}" ] && [ "$err" -gt 2147483647 ] && err=$(((1 << 32) - err))
if [ "${err:-}" = 641 ] && grep -q 'ng0n1: .*offset=4194304' "$out/jobs.err"; then
	pass "vm blkdebug: passthrough read at 4 MiB fails with NVMe status 0x281 (unrecovered read)"
else
	fail "vm blkdebug: passthrough" "error=${err:-none}, wanted 641 (0x281) at offset 4194304: $(grep ng0n1 "$out/jobs.err" | head -c 300)"
fi
read -r _ err _ < <(job blk)
if [ "${err:-}" = 61 ] && grep -q 'nvme0n1: No data available: read offset=4194304' "$out/jobs.err"; then
	pass "vm blkdebug: block-path read at 4 MiB fails with ENODATA"
else
	fail "vm blkdebug: block path" "error=${err:-none}, wanted 61 (ENODATA) at offset 4194304: $(grep nvme0n1 "$out/jobs.err" | head -c 300)"
fi
read -r _ err _ r < <(job ok)
if [ "${err:-}" = 0 ] && [ "$r" = 4096 ]; then
	pass "vm blkdebug: the next 4 KiB (sector 8200) reads fine: the fault is where it was put"
else
	fail "vm blkdebug: control read" "error=${err:-none} read=${r:-} at 4 MiB + 4 KiB"
fi

# ---- poll queues: hipri I/O completes on the poll queue, without interrupts -----------------------
# io_irqs: interrupts taken so far by the I/O queues of nvme0 (nvme0q1...; q0 is the admin queue).
io_irqs()
{
	awk '$NF ~ /^nvme0q[1-9]/ { for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i } END { print s + 0 }' \
		/proc/interrupts
}
mount -t debugfs none /sys/kernel/debug 2>/dev/null
pq=$(cat /sys/module/nvme/parameters/poll_queues)
types=$(cat /sys/kernel/debug/block/nvme0n1/hctx*/type 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')
if [ "$pq" = "$IDR_VM_POLL_QUEUES" ] && [[ $types == *" poll"* ]] && [ "$(cat /sys/block/nvme0n1/queue/io_poll)" = 1 ]; then
	pass "vm poll queues: nvme.poll_queues=$pq, hardware queues:$types"
else
	fail "vm poll queues" "poll_queues=$pq (wanted $IDR_VM_POLL_QUEUES), queues:$types, io_poll=$(cat /sys/block/nvme0n1/queue/io_poll)"
fi
declare -A perr pirqs
for hipri in 1 0; do
	before=$(io_irqs)
	runfio "$out/poll$hipri" --name=p --ioengine=io_uring --hipri=$hipri --direct=1 \
		--filename=/dev/nvme0n1 --rw=randread --bs=4k --size=1M
	pirqs[$hipri]=$(($(io_irqs) - before))
	perr[$hipri]=$(jq -r '.jobs[0].error' "$out/poll$hipri.json" 2>/dev/null)
done
# 256 reads: polled ones raise no interrupt; the control run without hipri raises about one each.
if [ "${perr[1]}" = 0 ] && [ "${perr[0]}" = 0 ] && [ "${pirqs[1]}" -lt 8 ] && [ "${pirqs[0]}" -ge 128 ]; then
	pass "vm poll queues: 256 hipri reads took ${pirqs[1]} I/O interrupts (polled), 256 plain reads ${pirqs[0]}"
else
	fail "vm poll queues: polled completions" "hipri: error=${perr[1]} irqs=${pirqs[1]}; plain: error=${perr[0]} irqs=${pirqs[0]} (want <8 and >=128)"
fi

# ---- guest modules: the kernel's full module tree, loadable from the chroot -------------------------
if modprobe null_blk nr_devices=1 2>"$out/mod.err" && [ -b /dev/nullb0 ]; then
	pass "vm modules: modprobe null_blk gives /dev/nullb0"
else
	fail "vm modules" "modprobe null_blk: $(cat "$out/mod.err"); $(ls /dev/nullb* 2>&1)"
fi

if [ -c /dev/loop-control ] && [ -z "$(loop_why)" ]; then
	pass "vm modules: loop is loaded, lib.sh's loop devices work in the guest"
else
	fail "vm modules: loop" "no /dev/loop-control: $(loop_why)"
fi

# ---- the results channel and stderr, checked by the host --------------------------------------------
echo "smoke $(uname -r)" >"$IDR_VM_OUT/smoke.txt"
echo "smoke: to stderr" >&2
finish
