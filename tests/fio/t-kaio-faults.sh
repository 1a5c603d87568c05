#!/usr/bin/env bash
# kaio under faults (strace injects into the job thread's io_submit/io_getevents; it
# cannot touch completions, which the kernel writes into the ring):
#  - io_submit EAGAIN on calls 3..7 is busy, not failure: 5 counted, every I/O done,
#    submitted == completed; io_getevents EINTR on calls 2..4 is retried (3 counted);
#  - io_submit refusing an iocb (EINVAL, once) fails that I/O alone;
#  - a batch the kernel accepts in part (512 at once into a context of 126 events): the
#    rest stays queued, randrw verify passes, submitted == completed;
#  - misaligned O_DIRECT on a 4 KiB-sector loop: EINVAL reaches fio from the completion;
#  - allow_buffered=1: runs buffered, and the sidecar shows io_submit blocked (every
#    completion appeared during io_submit, time per I/O recorded);
#  - userspace_reap reaps from the ring without system calls, also when fio needs a min;
#  - fsync=4 goes through the ring (IOCB_CMD_FSYNC), verify passes;
#  - SIGINT mid-run on a loop device: clean exit, submitted == completed.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
cd "$S" || exit 1	# fio leaves prerun output and verify state in the cwd
E=(--ioengine="external:$ENGINES/kaio.so" --bs=4k --direct=1)
truncate -s 8M "$S/f"
"$FIO" --name=prep "${E[@]}" --filename="$S/f" --size=8M --rw=write >/dev/null 2>&1
counters() { jq -r "[$2] | join(\" \")" "$1" 2>/dev/null; }

why=$(strace_why)
if [ -n "$why" ]; then
	skip "kaio: strace fault cases" "$why"
else
	out=$S/busy
	runfio_inject "$out" io_submit:error=EAGAIN:when=3..7 io_getevents:error=EINTR:when=2..4 -- \
		--name=busy "${E[@]}" --filename="$S/f" --size=1M --rw=randread --iodepth=8 \
		--sidecar="$out.sc"
	rc=$?
	got=$(counters "$out.sc" '.counters.busy, .counters.eintr, .counters.submitted, .counters.ios, .counters.errors')
	check "kaio: io_submit EAGAIN x5 is busy, io_getevents EINTR x3 retried, nothing lost" \
		"rc=$rc sidecar (busy eintr submitted ios errors)=$got" test "$rc" = 0 -a "$got" = "5 3 256 256 0"

	out=$S/inval
	runfio_inject "$out" io_submit:error=EINVAL:when=3 -- --name=inval "${E[@]}" \
		--filename="$S/f" --size=1M --rw=randread --iodepth=8 --continue_on_error=io \
		--ignore_error=EINVAL --sidecar="$out.sc"
	rc=$?
	got=$(counters "$out.sc" '.engine_facts.refused_iocbs, .counters.errors, .counters.ios')
	check "kaio: an iocb io_submit refuses fails alone (1 error of 256)" \
		"rc=$rc total_err=$(fio_job_field "$out" inval .total_err) sidecar (refused errors ios)=$got" \
		test "$rc" = 0 -a "$got" = "1 1 256" -a "$(fio_job_field "$out" inval .total_err)" = 1
fi

out=$S/buffered
runfio "$out" --name=buf --ioengine="external:$ENGINES/kaio.so" --bs=4k --direct=0 \
	--allow_buffered=1 --filename="$S/f" --size=4M --rw=randread --iodepth=16 --sidecar="$out.sc"
rc=$?
got=$(counters "$out.sc" '.engine_facts.submission_blocks, (.engine_facts.io_submit_ns_per_io > 0),
	(.engine_facts.events_during_submit == .counters.submitted)')
check "kaio: allow_buffered=1 runs and records that io_submit blocked (all 1024 done inside it)" \
	"rc=$rc sidecar (blocks, ns/io>0, all done in submit)=$got" test "$rc" = 0 -a "$got" = "true true true"

part() # part LABEL DEV: a 512-deep batch into the smallest AIO context
{
	local out=$S/part-$1
	runfio "$out" --name=part "${E[@]}" --filename="$2" --size=8M --rw=randrw --verify=crc32c \
		--iodepth=512 --iodepth_batch_submit=512 --nr_events=1 --sidecar="$out.sc"
	rc=$?
	got=$(counters "$out.sc" '(.engine_facts.partial_submits > 0), (.counters.busy > 0),
		(.counters.submitted == .counters.ios), .counters.errors')
	check "kaio $1: io_submit takes part of a 512 batch: rest queued, verify passes, nothing lost" \
		"rc=$rc sidecar (partial>0 busy>0 submitted==ios errors)=$got" \
		test "$rc" = 0 -a "$got" = "true true true 0"
}
reap() # reap LABEL DEV: userspace_reap on a device where completions arrive later
{
	local out=$S/reap-$1
	runfio "$out" --name=reap "${E[@]}" --filename="$2" --size=8M --rw=randread --iodepth=32 \
		--userspace_reap --sidecar="$out.sc"
	rc=$?
	got=$(counters "$out.sc" '(.engine_facts.user_reaped > 0), (.counters.reap_calls < .counters.ios),
		(.counters.submitted == .counters.ios)')
	check "kaio $1: userspace_reap reaps from the ring, fewer reap calls than I/Os" \
		"rc=$rc sidecar (user_reaped>0 reap_calls<ios submitted==ios)=$got" \
		test "$rc" = 0 -a "$got" = "true true true"
}
fsyncs() # fsyncs LABEL TARGET
{
	local out=$S/fsync-$1
	runfio "$out" --name=fs "${E[@]}" --filename="$2" --size=1M --rw=randwrite --iodepth=16 \
		--fsync=4 --verify=crc32c --sidecar="$out.sc"
	rc=$?
	got=$(counters "$out.sc" '(.counters.syncs > 0), .counters.errors')
	check "kaio $1: fsync=4 through the ring, verify passes" \
		"rc=$rc sidecar (syncs>0 errors)=$got" test "$rc" = 0 -a "$got" = "true 0"
}
misaligned() # misaligned LABEL DEV: 512 B direct reads on a 4 KiB-sector device
{
	local out=$S/mis-$1
	[ "$1" = loop4k ] || return 0
	runfio "$out" --name=mis "${E[@]}" --bs=512 --filename="$2" --size=1M --rw=randread \
		--iodepth=8 --sidecar="$out.sc"
	rc=$?
	if [ "$rc" != 0 ] && ! crashed "$out" && [ "$(fio_job_field "$out" mis .error)" = 22 ] &&
		grep -q "Invalid argument: read offset=" "$out.err"; then
		pass "kaio $1: misaligned O_DIRECT reads fail with EINVAL from the completion, no crash"
	else
		fail "kaio $1: misaligned O_DIRECT" "rc=$rc error=$(fio_job_field "$out" mis .error): $(head -c 300 "$out.err")"
	fi
}
interrupt() # interrupt LABEL DEV: SIGINT mid-run
{
	local out=$S/int-$1 pid rc
	"$FIO" --output-format=json --output="$out.json" --name=int "${E[@]}" --filename="$2" \
		--size=8M --rw=randread --iodepth=32 --time_based --runtime=30 --sidecar="$out.sc" \
		2>"$out.err" >/dev/null &
	pid=$!
	# Interrupt 1 s after the job process is up, so I/O is under way.
	wait_child_threads "$pid" 1 30 >/dev/null
	sleep 1
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	got=$(counters "$out.sc" '(.counters.ios > 0), (.counters.submitted == .counters.ios)')
	check "kaio $1: SIGINT mid-run: clean exit, submitted == completed" \
		"rc=$rc sidecar (ios>0 submitted==ios)=$got $(head -c 200 "$out.err")" \
		test "$rc" -le 128 -a "$got" = "true true"
}
loop_cases() { part "$@"; reap "$@"; fsyncs "$@"; misaligned "$@"; interrupt "$@"; }
fsyncs tmpfs "$S/fs"
with_loops loop_cases 16M
finish
