#!/usr/bin/env bash
# uring_fixed stress: several jobs side by side for a while (4 s in make check, 60 s
# under make stress), each checked for errors and lost completions (the sidecar's
# submitted == ios + syncs, ios == fio's total_ios):
#  - randrw with verify_backlog at iodepth 128, batched, thread=0 and 1, fsync every
#    64 writes, every 97th completion turned into -EAGAIN by the seam;
#  - SQPOLL with a short idle and think time (wake-ups all along);
#  - randrw with batches of 64 on a loop device with direct I/O.
# (A ring smaller than the depth, CQ overflow: t-uring-faults.sh.)
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
runtime=4
[ "${IDR_STRESS:-0}" = 1 ] && runtime=60
truncate -s 64M "$S/f"
dev=""
if [ -z "$(loop_why)" ]; then
	truncate -s 64M "$S/img"
	dev=$(loopdev "$S/img" 512) || dev=""
fi
{
	printf '[global]\nioengine=external:%s/uring_fixed.so\nbs=4k\nsize=16M\n' "$ENGINES"
	printf 'time_based\nruntime=%s\nsidecar=%s\n' "$runtime" "$S/sc"
	for t in 0 1; do
		printf '[rw-thread%s]\nfilename=%s\noffset=%sM\nrw=randrw\nverify=crc32c\n' "$t" "$S/f" $((t * 16))
		printf 'verify_backlog=64\niodepth=128\niodepth_batch_submit=16\n'
		printf 'iodepth_batch_complete_min=4\nfsync=64\nthread=%s\n' "$t"
	done
	printf '[sqpoll]\nfilename=%s\noffset=32M\nrw=randwrite\nverify=md5\nverify_backlog=32\n' "$S/f"
	printf 'iodepth=16\nsqthread_poll=1\nsqthread_poll_idle=5\nthinktime=20000\nthinktime_blocks=64\n'
	if [ -n "$dev" ]; then
		printf '[loop]\nfilename=%s\nrw=randrw\nverify=crc32c\nverify_backlog=64\n' "$dev"
		printf 'direct=1\niodepth=64\niodepth_batch_submit=64\n'
	fi
} >"$S/job.fio"
out=$S/run
IODRILL_URING_FAULTS=cqe_eagain=97 runfio "$out" "$S/job.fio"
rc=$?
[ -z "$dev" ] && skip "stress: loop device job" "$(loop_why)"
for job in $(jq -r '.jobs[].jobname' "$out.json" 2>/dev/null); do
	err=$(fio_job_field "$out" "$job" .error)
	fio_ios=$(fio_job_field "$out" "$job" '.read.total_ios + .write.total_ios')
	got=$(sidecar_field "$S/sc" "$job" '"\(.counters.submitted) \(.counters.ios) \(.counters.syncs) \(.engine_facts.cqe_eagain_retries)"')
	set -- $got
	check "stress ${runtime}s $job: no error, nothing lost, counts match fio's" \
		"rc=$rc error=$err fio_ios=$fio_ios sidecar(submitted ios syncs retries)=$got $(head -c 200 "$out.err")" \
		test "$rc" = 0 -a "$err" = 0 -a $# = 4 -a "${1:-x}" = "$((${2:-0} + ${3:-0}))" -a "${2:-x}" = "$fio_ios" -a "${4:-0}" -gt 0
done
[ -s "$out.json" ] || fail "stress" "fio wrote no report: rc=$rc $(head -c 300 "$out.err")"
finish
