#!/usr/bin/env bash
# Bad input to threadpool, posix_aio and kaio: each must end with a clear message naming
# the option and what to do, a non-zero fio exit within 60 s, and no crash.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
cd "$S" || exit 1	# fio leaves prerun output and verify state in the cwd
truncate -s 1M "$S/f"
job() { echo --name=t --ioengine="external:$ENGINES/$1.so" --filename="$S/f" --size=1M --bs=4k; }

# threadpool
expect_refusal "threadpool: tp_workers=0 names the option and the range" \
	"tp_workers=0: the pool needs at least one worker thread; use 1 to 1024" $(job threadpool) --tp_workers=0
expect_refusal "threadpool: tp_workers=-1 is read as -1, not 4 billion" \
	"tp_workers=-1: the pool needs at least one worker" $(job threadpool) --tp_workers=-1
expect_refusal "threadpool: tp_workers=5000 names the bound and numjobs=" \
	"tp_workers=5000 is above the bound of 1024 threads per job; .*numjobs=" $(job threadpool) --tp_workers=5000
expect_refusal "threadpool: tp_spin=2000000 names the range" \
	"tp_spin=2000000: spin 0 to 1000000 us" $(job threadpool) --tp_spin=2000000

# posix_aio
expect_refusal "posix_aio: aio_threads=0 names the option and glibc's default" \
	"aio_threads=0: glibc needs 1 to 1024 helper threads \(its default is 20\)" $(job posix_aio) --aio_threads=0
expect_refusal "posix_aio: aio_num=0 names the option" "aio_num=0: use 1 to 65536" \
	$(job posix_aio) --aio_num=0
expect_refusal "posix_aio: aio_fds=0 names the option and what 1 means" \
	"aio_fds=0: use 1 to 256 descriptors per file \(1, the default, is plain glibc" $(job posix_aio) --aio_fds=0
expect_refusal "posix_aio: aio_fds=300 names the range" "aio_fds=300: use 1 to 256" \
	$(job posix_aio) --aio_fds=300

# kaio (direct=0 runs, as with libaio: tests/fio/t-kaio-buffered.sh)
max=$(cat /proc/sys/fs/aio-max-nr 2>/dev/null)
if [ -n "$max" ]; then
	expect_refusal "kaio: iodepth above fs.aio-max-nr names both" \
		"iodepth=$((max + 1)) is above the kernel's limit on AIO events, fs.aio-max-nr=$max" \
		$(job kaio) --direct=1 --iodepth=$((max + 1))
	expect_refusal "kaio: nr_events above fs.aio-max-nr names nr_events" \
		"nr_events=$((max + 1)) is above the kernel's limit on AIO events" \
		$(job kaio) --direct=1 --nr_events=$((max + 1))
else
	skip "kaio: iodepth above fs.aio-max-nr" "/proc/sys/fs/aio-max-nr is not readable"
fi
expect_refusal "kaio: nr_events=-1 names the option" "nr_events=-1: use 0" \
	$(job kaio) --direct=1 --nr_events=-1
why=$(strace_why)
if [ -z "$why" ]; then
	out=$S/setup
	runfio_inject "$out" io_setup:error=EAGAIN -- $(job kaio) --direct=1 --iodepth=64
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" -lt 128 ] && ! crashed "$out" &&
		grep -qE "io_setup\(64 events for iodepth=64\) failed: EAGAIN: .*fs.aio-max-nr=[0-9]+, in use fs.aio-nr=[0-9]+" "$out.err"; then
		pass "kaio: io_setup EAGAIN names iodepth, fs.aio-max-nr and what is in use"
	else
		fail "kaio: io_setup EAGAIN" "rc=$rc: $(head -c 400 "$out.err")"
	fi
else
	skip "kaio: io_setup EAGAIN" "$why"
fi

# Limits: a user's thread limit for tp_workers, the descriptor limit for aio_fds. Root
# ignores RLIMIT_NPROC, so that case runs fio as nobody.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && command -v prlimit >/dev/null; then
	chmod 0711 "$S" && mkdir -m 0777 "$S/u" && truncate -s 1M "$S/u/f" && chmod 0666 "$S/u/f"
	out=$S/u/nproc
	timeout -k 5 60 prlimit --nproc=24:24 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$FIO" --name=t --ioengine="external:$ENGINES/threadpool.so" --filename="$S/u/f" \
		--size=1M --thread --tp_workers=64 >"$out.err" 2>&1
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" -lt 124 ] &&
		grep -qE "tp_workers=64: only [0-9]+ worker threads could start .*ulimit -u" "$out.err"; then
		pass "threadpool: a thread limit below tp_workers names tp_workers and ulimit -u"
	else
		fail "threadpool: thread limit" "rc=$rc: $(head -c 400 "$out.err")"
	fi
else
	skip "threadpool: thread limit" "needs root, setpriv and prlimit to run fio as another user"
fi
if command -v prlimit >/dev/null; then
	out=$S/nofile
	timeout -k 5 60 prlimit --nofile=40:40 "$FIO" $(job posix_aio) --aio_fds=64 >"$out.err" 2>&1
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" -lt 124 ] &&
		grep -q "aio_fds=64: duplicating the descriptor of $S/f failed: Too many open files; lower aio_fds or raise the descriptor limit (ulimit -n)" "$out.err"; then
		pass "posix_aio: a descriptor limit below aio_fds names aio_fds and ulimit -n"
	else
		fail "posix_aio: descriptor limit" "rc=$rc: $(head -c 400 "$out.err")"
	fi
else
	skip "posix_aio: descriptor limit" "prlimit is not installed (util-linux)"
fi

# A file system that refuses O_DIRECT (ramfs has no direct I/O at all).
if [ "$(id -u)" = 0 ] && grep -qw ramfs /proc/filesystems; then
	mkdir -p "$S/ram" && mount -t ramfs none "$S/ram" && at_exit "umount '$S/ram'"
	truncate -s 1M "$S/ram/f"
	for e in threadpool posix_aio kaio; do
		expect_refusal "$e: a file system without O_DIRECT names direct=1" \
			"does not support direct=1" --name=t --ioengine="external:$ENGINES/$e.so" \
			--filename="$S/ram/f" --size=1M --direct=1 --rw=read
	done
else
	skip "O_DIRECT refused by the file system" "needs root and ramfs to mount a file system without O_DIRECT"
fi
finish
