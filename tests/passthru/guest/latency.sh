#!/usr/bin/env bash
# tests/passthru/guest/latency.sh - runs INSIDE the NVMe test machine (tests/passthru/
# t-passthru-stress-vm.sh boots it with nvme.poll_queues=1 and the default namespaces):
# fio's slat/clat/lat with uring_passthru and uring_fixed against their twins (issue 18),
# with tests/fio/latency.sh's checks: clat p50 >= lat p50 / 2, and slat, clat and lat
# means and p50s within 25% of the twin's (medians over the rounds), iodepth 1 and 8:
#  - completions by interrupt: uring_passthru vs io_uring_cmd on /dev/ng0n1, uring_fixed
#    vs io_uring on /dev/nvme0n1 (O_DIRECT), side by side in each round as on the host;
#  - polled (hipri=1, IOPOLL, on the poll queue): the same pairs, one after the other in
#    each round (see LAT_SERIAL). clat is then the time the enter that reaped spent
#    polling: an issue time stamped after that wait would move it all into slat, so the
#    same checks fail wrong stamps.
# Under TCG (tests/vm/README.md: timings there are not NVMe timings) the checks keep to
# what held in 3 runs of this script (figures: t-passthru-stress-vm.sh): the means are
# printed, not held to 25%: a stall of the emulator, one 10 ms hiccup in a 0.6 s round,
# makes a round's mean (11.1 ms ours, 5.6 ms the twin's, side by side), and their median
# ratio came out 0.66-1.56 in 5 of 24 pairs. At iodepth 1 clat p50 >= lat p50 / 2 fails
# for fio's engines too (see LAT_HALF in tests/fio/latency.sh) and clat p50 is not held
# to the twin's either; what is held there: lat p50, slat p50 and slat p90 within 25%. A
# stamp after the wait still fails that: it adds the device time of every I/O that was
# not done when its submitting enter returned (half or more of them) to slat. At iodepth
# 8 every check but the means holds. Under KVM (not on this machine kind) all apply.
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "latency (guest)" "not inside the NVMe test machine: run it through tests/passthru/t-passthru-stress-vm.sh"
	finish
fi
. "$TOP/tests/fio/latency.sh"

# Rounds of RUNTIME: TCG's timing swings from run to run more than a host's; see the
# spread measured in tests/passthru/t-passthru-stress-vm.sh.
ROUNDS=${LAT_ROUNDS:-7} LAT_MIN_IOS=20
LAT_TAG="latency: "
# Threads: a fork of fio costs ~1 s of TCG per job.
LAT_GLOBAL=${LAT_GLOBAL-thread=1}
CMD_TWIN="io_uring_cmd;ioengine=io_uring_cmd;fixedbufs=1;registerfiles=1"
BLK_TWIN="io_uring;ioengine=io_uring;fixedbufs=1;registerfiles=1"
if [ "${LAT_QUICK:-0}" = 1 ]; then
	# make check (guest/all.sh): iodepth 8 by interrupt only, 5 rounds. The stamp check
	# alone is held: clat p50 >= lat p50 / 2, ours and the twin's. It fails a stamp taken
	# after the wait (clat then reads near zero: issue 18) and held in every run of this
	# script under TCG; the 25% bands against the twin need a quieter machine than make
	# check's (header), so their ratios are printed here and held in make stress.
	ROUNDS=${LAT_ROUNDS:-5} LAT_SERIAL=0 LAT_HALF=1 LAT_JUDGE=none
	LAT_DEV=/dev/ng0n1 LAT_DIRECT=0
	run_pair uring_passthru 8 "$CMD_TWIN"
	LAT_DEV=/dev/nvme0n1 LAT_DIRECT=1
	run_pair uring_fixed 8 "$BLK_TWIN"
	finish
fi
for serial in 0 1; do
	LAT_SERIAL=$serial
	hipri=()
	[ "$serial" = 1 ] && hipri=(hipri=1)
	for qd in 1 8; do
		LAT_HALF=1 LAT_JUDGE=$LAT_ALL
		if [ "${IDR_VM_ACCEL:-}" != kvm ]; then
			# TCG: see the header.
			LAT_JUDGE="clat_p50 lat_p50 slat_p50 slat_p90"
			[ "$qd" = 1 ] && LAT_HALF=0 LAT_JUDGE="lat_p50 slat_p50 slat_p90"
		fi
		LAT_DEV=/dev/ng0n1 LAT_DIRECT=0
		run_pair uring_passthru "$qd" "$CMD_TWIN" "${hipri[@]}"
		LAT_DEV=/dev/nvme0n1 LAT_DIRECT=1
		run_pair uring_fixed "$qd" "$BLK_TWIN" "${hipri[@]}"
	done
done
finish
