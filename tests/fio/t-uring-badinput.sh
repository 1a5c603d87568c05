#!/usr/bin/env bash
# Bad input to uring_fixed: each ends with a clear message naming the option (and the
# device), a non-zero fio exit, and no crash.
#  - sqthread_poll_cpu beyond the CPUs online; iodepth beyond io_uring's ring limit and,
#    with fixedbufs, beyond its registered-buffer limit;
#  - hipri where nothing can poll: a loop device (the kernel's -EOPNOTSUPP on the first
#    I/O becomes a message naming hipri, the device and its io_poll setting), a tmpfs
#    file with direct=1, and buffered I/O;
#  - registerfiles with more files than RLIMIT_NOFILE allows.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
truncate -s 4M "$S/f"
E=(--name=t --ioengine="external:$ENGINES/uring_fixed.so" --bs=4k)
online=$(cat /sys/devices/system/cpu/online)

expect_refusal_run "sqthread_poll_cpu=99 names the option and the CPUs online" \
	"sqthread_poll_cpu=99 but the CPUs online here are $online; pick one of those" \
	"$FIO" "${E[@]}" --filename="$S/f" --size=1M --sqthread_poll=1 --sqthread_poll_cpu=99
expect_refusal_run "iodepth=40000 names io_uring's ring limit" \
	"iodepth=40000 is beyond io_uring's 32768 entries per ring" \
	"$FIO" "${E[@]}" --filename="$S/f" --size=1M --iodepth=40000
expect_refusal_run "iodepth=20000 with fixedbufs names the registered-buffer limit" \
	"fixedbufs=1 registers one buffer per I/O and io_uring takes at most 16384: iodepth=20000" \
	"$FIO" "${E[@]}" --filename="$S/f" --size=1M --iodepth=20000 --bs=512
expect_refusal_run "hipri on a tmpfs file with direct=1: not a block device" \
	"hipri=1: $S/f is not a block device, and cannot complete I/O by polling" \
	"$FIO" "${E[@]}" --filename="$S/f" --size=1M --rw=randread --hipri --direct=1
expect_refusal_run "hipri with direct=0: polled completions need O_DIRECT" \
	"hipri=1 on $S/f with direct=0: polled completions exist only for O_DIRECT" \
	"$FIO" "${E[@]}" --filename="$S/f" --size=1M --rw=randread --hipri --direct=0

hipri_loop()
{
	expect_refusal_run "hipri on $1: names hipri, the device and io_poll" \
		"hipri=1: $2 cannot complete I/O by polling \(EOPNOTSUPP; queue/io_poll is 0: no poll queues\)" \
		"$FIO" "${E[@]}" --filename="$2" --size=1M --rw=randread --hipri --direct=1 --iodepth=8
}
with_loops hipri_loop 4M

if [ "$(id -u)" = 0 ] && command -v prlimit >/dev/null; then
	mkdir -p "$S/many"
	expect_refusal_run "registerfiles with nrfiles above RLIMIT_NOFILE names both" \
		"registerfiles=1: cannot register a table of 100 files: Too many open files \(RLIMIT_NOFILE" \
		prlimit --nofile=64:64 "$FIO" "${E[@]}" --directory="$S/many" --nrfiles=100 \
		--openfiles=4 --size=400k
else
	skip "registerfiles above RLIMIT_NOFILE" "needs root and prlimit to lower the hard limit"
fi
finish
