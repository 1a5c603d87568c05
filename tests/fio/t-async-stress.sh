#!/usr/bin/env bash
# Stress: randrw with verify at iodepth 1024 through threadpool, posix_aio and kaio, on a
# loop device with direct I/O (a tmpfs file when loop devices cannot be made), for
# STRESS_S seconds each: 4 in make check, 60 with IDR_STRESS=1 (make stress).
# Each must end without a hang (a 3x time limit) or a verify error, and leave no thread
# behind: fio runs with thread=1, the stress job is followed by a device-free job, and
# the fio process's task count during that job (2 s in: glibc's idle helpers leave after
# 1 s) must equal the count of a fio process running that job alone. While threadpool or
# posix_aio runs the count must be higher (kaio starts no thread), so the sampling works.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
cd "$S" || exit 1	# fio leaves prerun output in the cwd
STRESS_S=$([ "${IDR_STRESS:-0}" = 1 ] && echo 60 || echo 4)
why=$(loop_why)
if [ -z "$why" ]; then
	truncate -s 64M "$S/img"
	target=$(loopdev "$S/img" 4096) || { fail "stress: loop device" "losetup failed"; finish; }
	where="loop device"
else
	truncate -s 64M "$S/file"
	target=$S/file
	where="tmpfs file ($why)"
fi

# tasks PID: the number of threads of process PID, or empty when it is gone.
tasks() { ls "/proc/$1/task" 2>/dev/null | wc -l; }

# after_job: the device-free job that runs after the stress job, with its start marked.
after_job()
{
	printf '[after]\nstonewall\nioengine=external:%s/nil.so\nfilename=/nil\nsize=64M\n' "$ENGINES"
	printf 'rw=randread\ntime_based\nruntime=3\nexec_prerun=touch %s\n' "$1"
}

# run_sampled OUT JOBFILE MARK: run fio in the background; print "during after" task
# counts: the most seen before MARK appears, and the count 2 s after it appears.
run_sampled()
{
	local out=$1 jobs=$2 mark=$3 pid max=0 n after="" limit
	limit=$((3 * STRESS_S + 30))
	timeout -k 5 "$limit" "$FIO" --output-format=json --output="$out.json" "$jobs" \
		2>"$out.err" >/dev/null &
	pid=$!
	sleep 0.3
	pid=$(pgrep -o -P "$pid" fio || echo "$pid")
	while [ ! -e "$mark" ] && [ -d "/proc/$pid" ]; do
		n=$(tasks "$pid")
		[ "$n" -gt "$max" ] && max=$n
		sleep 0.2
	done
	sleep 2
	after=$(tasks "$pid")
	wait
	# exec_prerun's note goes to fio's output ahead of the JSON: keep the JSON only.
	sed -i '/^{/,$!d' "$out.json"
	echo "$max ${after:-gone}"
}

printf '[global]\nthread=1\n' >"$S/base.fio"
after_job "$S/base.mark" >>"$S/base.fio"
read -r _ base <<<"$(run_sampled "$S/base" "$S/base.fio" "$S/base.mark")"

for e in threadpool posix_aio kaio; do
	case $e in
	threadpool) opts="tp_workers=16" ;;
	posix_aio) opts="aio_fds=16" ;;
	kaio) opts="userspace_reap" ;;
	esac
	{
		printf '[global]\nthread=1\n[stress]\nioengine=external:%s/%s.so\n' "$ENGINES" "$e"
		printf 'filename=%s\nsize=64M\nbs=4k\ndirect=1\nrw=randrw\niodepth=1024\n' "$target"
		printf 'iodepth_batch_submit=64\nverify=crc32c\nverify_backlog=512\n' 
		printf 'verify_state_save=0\ntime_based\nruntime=%s\n%s\n' "$STRESS_S" "$opts"
		after_job "$S/$e.mark"
	} >"$S/$e.fio"
	t0=$SECONDS
	read -r during after <<<"$(run_sampled "$S/$e" "$S/$e.fio" "$S/$e.mark")"
	err=$(fio_job_field "$S/$e" stress .error)
	ios=$(fio_job_field "$S/$e" stress '.read.total_ios + .write.total_ios')
	if crashed "$S/$e"; then
		fail "$e stress" "fio crashed: $(head -c 300 "$S/$e.err")"
	elif [ "$err" != 0 ] || [ "${ios:-0}" -le 0 ]; then
		fail "$e stress" "error=$err ios=$ios after $((SECONDS - t0)) s: $(head -c 300 "$S/$e.err")"
	elif [ "$after" != "$base" ] || { [ "$e" != kaio ] && [ "$during" -le "$base" ]; }; then
		fail "$e stress" "threads: $during during, $after after, $base for the job alone"
	else
		pass "$e: ${STRESS_S} s of randrw+verify at iodepth 1024 on a $where: $ios I/Os, no error, threads $during during and $after after (= $base alone)"
	fi
done
finish
