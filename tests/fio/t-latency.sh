#!/usr/bin/env bash
# fio's own latency figures with our engines mean what they mean with fio's (issue 18).
# Target with a known service time, completions by interrupt: a loop device with direct
# I/O over a file on a disk (LATENCY_DIR, default /var/tmp; virtio-blk here, ~70 us per
# 4 KiB read). 4 KiB random reads at iodepth 1 and 8 (sync engines: 1). Each engine with
# a fio twin runs beside it in one fio call (five rounds of 0.6 s, ours and the twin side
# by side on one CPU in each: see ROUNDS) and must show
#   - clat p50 >= 0.5 x lat p50, ours and the twin's: the device's time is in clat;
#   - slat, clat and lat means and p50s (and slat p90) within 25% of the twin's (the
#     median over the rounds of ours/twin); slat, a few us, may also be less than a
#     quarter of the twin's clat p50 apart (why: CHECK_AWK).
# threadpool has no twin: clat p50 >= 0.5 x lat p50 alone. An engine that stamps fio's
# issue time after a wait fails both: its device time lands in slat and clat p50 reads
# near zero (issue 18: uring_fixed at iodepth 1 had clat p50 0.25 us of a 48 us lat).
. "$(dirname "$0")/../lib.sh"

needs_loops "latency: loop device over a file on a disk" losetup jq
DIR=${LATENCY_DIR:-/var/tmp}
fstype=$(stat -f -c %T "$DIR" 2>/dev/null)
case $fstype in
"" | tmpfs | ramfs)
	skip "latency" "$DIR is ${fstype:-missing}: needs a folder on a disk (LATENCY_DIR=)"
	finish
	;;
esac
img=$(mktemp "$DIR/iodrill-latency.XXXXXX") || {
	skip "latency" "cannot make a file in $DIR"
	finish
}
at_exit "rm -f '$img'"
# Written, not sparse: a hole would be answered without touching the disk.
if ! dd if=/dev/urandom of="$img" bs=1M count=64 conv=fsync status=none; then
	fail "latency" "cannot write 64 MiB to $img"
	finish
fi
if ! dev=$(loopdev "$img"); then
	skip "latency" "losetup --direct-io=on over $img failed"
	finish
fi

LAT_DEV=$dev
. "$TOP/tests/fio/latency.sh"

for qd in 1 8; do
	run_pair uring_fixed $qd "io_uring;ioengine=io_uring;fixedbufs=1;registerfiles=1"
	run_pair kaio $qd "libaio;ioengine=libaio"
	run_pair posix_aio $qd "posixaio;ioengine=posixaio"
	run_alone threadpool $qd
done
run_pair sync 1 "psync;ioengine=psync"
finish
