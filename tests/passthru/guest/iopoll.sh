#!/usr/bin/env bash
# tests/passthru/guest/iopoll.sh - runs INSIDE the NVMe test machine (tests/passthru/
# t-passthru-stress-vm.sh boots it with nvme.poll_queues=1 and the default namespaces).
# hipri=1 (IORING_SETUP_IOPOLL) under fio's verify: uring_fixed on the block device
# /dev/nvme0n2 (O_DIRECT), uring_passthru on /dev/ng0n1, each with and without SQPOLL; then
# that their completions were polled: 256 hipri reads take (almost) no interrupt on nvme0's
# I/O queues, 256 plain reads at iodepth 1 about one each.
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "IOPOLL (guest)" "not inside the NVMe test machine: run it through tests/passthru/t-passthru-stress-vm.sh"
	finish
fi
S=$(scratch)
for d in nvme0n1 nvme0n2; do
	if [ "$(cat /sys/block/$d/queue/io_poll 2>/dev/null)" != 1 ]; then
		fail "IOPOLL: $d polls" "queue/io_poll of $d is '$(cat /sys/block/$d/queue/io_poll 2>&1)', not 1 (poll_queues=${IDR_VM_POLL_QUEUES:-?})"
		finish
	fi
done

# ---- verify with polled completions -----------------------------------------------------------
# make check: uring_fixed with and without SQPOLL, uring_passthru with fixed buffers at
# iodepth 32 and without them at 256 under SQPOLL. IDR_STRESS=1: iodepth 1/32/256 x SQPOLL
# off/on for uring_fixed; fixedbufs 1/0 x iodepth 1/32/256 for uring_passthru on the 512 B
# and the separate-metadata namespaces, and SQPOLL on each.
# Passthrough runs one job at a time (VERIFY_SERIAL): kernel 6.1 crashes (general protection
# fault in bio_poll, from nvme_ns_chr_uring_cmd_iopoll) when several rings poll passthrough
# commands on one controller at once; seen here with fio's own io_uring_cmd too, so
# uring_passthru warns.
SQP="sqthread_poll=1 sqthread_poll_idle=10"
# shellcheck disable=SC2086 # $SQP is several options
if [ "${IDR_STRESS:-0}" = 1 ]; then
	export VERIFY_REGION=$((256 * 1024)) VERIFY_KINDS="crc32c md5"
	for d in 1 32 256; do
		verify_matrix uring_fixed iopoll /dev/nvme0n2 "1" iodepth=$d hipri=1
		verify_matrix uring_fixed iopoll /dev/nvme0n2 "1" iodepth=$d hipri=1 $SQP
	done
	export VERIFY_SERIAL=1
	for n in 1 4; do
		for fb in 1 0; do
			for d in 1 32 256; do
				verify_matrix uring_passthru iopoll "/dev/ng0n$n" "0" iodepth=$d hipri=1 \
					fixedbufs=$fb
			done
			verify_matrix uring_passthru iopoll "/dev/ng0n$n" "0" iodepth=32 hipri=1 \
				fixedbufs=$fb $SQP
		done
	done
else
	export VERIFY_REGION=$((256 * 1024)) VERIFY_KINDS="crc32c md5"
	verify_matrix uring_fixed iopoll /dev/nvme0n2 "1" iodepth=32 hipri=1
	export VERIFY_KINDS=crc32c
	verify_matrix uring_fixed iopoll /dev/nvme0n2 "1" iodepth=32 hipri=1 $SQP
	export VERIFY_SERIAL=1
	verify_matrix uring_passthru iopoll /dev/ng0n1 "0" iodepth=32 hipri=1
	VERIFY_KINDS=md5 verify_matrix uring_passthru iopoll /dev/ng0n1 "0" iodepth=256 hipri=1 \
		fixedbufs=0 $SQP
fi
unset VERIFY_REGION VERIFY_KINDS VERIFY_SERIAL

# ---- polled for real: the I/O queues' interrupts ----------------------------------------------
# io_irqs: interrupts taken so far by nvme0's I/O queues (nvme0q1...; q0 is the admin queue).
io_irqs()
{
	awk '$NF ~ /^nvme0q[1-9]/ { for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i } END { print s + 0 }' \
		/proc/interrupts
}
# irqs_of NAME ENGINE FILE ARGS...: 256 random 4 KiB reads; prints "error irqs".
irqs_of()
{
	local out=$S/$1 before
	shift
	before=$(io_irqs)
	runfio "$out" --name=p --ioengine="external:$ENGINES/$1.so" --filename="$2" \
		--rw=randread --bs=4k --size=1M --iodepth=4 "${@:3}"
	echo "$(jq -r '.jobs[0].error' "$out.json" 2>/dev/null) $(($(io_irqs) - before))"
}
read -r perr pirq < <(irqs_of pt uring_passthru /dev/ng0n1 --hipri=1 --sidecar="$S/pt.sc")
read -r ferr firq < <(irqs_of fx uring_fixed /dev/nvme0n2 --hipri=1 --direct=1)
# The control at iodepth 1: at 4 the controller may complete several reads per interrupt
# (119 for 256 reads seen once).
read -r cerr cirq < <(irqs_of ctl uring_passthru /dev/ng0n1 --iodepth=1)
check "uring_passthru hipri: 256 reads took $pirq I/O interrupts (polled); without hipri $cirq" \
	"errors: hipri ${perr:-none}, plain ${cerr:-none}; want <8 interrupts polled, >=64 plain" \
	bash -c "[ '$perr' = 0 ] && [ '$cerr' = 0 ] && [ '$pirq' -lt 8 ] && [ '$cirq' -ge 64 ]"
check "uring_fixed hipri on nvme0n2: 256 reads took $firq I/O interrupts (polled)" \
	"error ${ferr:-none}; want <8 interrupts" bash -c "[ '$ferr' = 0 ] && [ '$firq' -lt 8 ]"
if [[ $(uname -r) == 6.1.* ]]; then
	# A notice, not an error: in the sidecar (and fio's log in normal mode), stderr empty.
	check "uring_passthru hipri on kernel 6.1: warns that concurrent polling rings crash it" \
		"sidecar warning: $(jq -r .engine_facts.warning "$S/pt.sc" 2>&1 | head -c 200); stderr: $(head -c 200 "$S/pt.err")" \
		bash -c "jq -r .engine_facts.warning '$S/pt.sc' | grep -q 'hipri=1 on kernel 6.1: several jobs polling NVMe passthrough commands on one controller at once crash this kernel' && [ ! -s '$S/pt.err' ]"
fi
finish
