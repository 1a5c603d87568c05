#!/usr/bin/env bash
# SQPOLL: the poller goes idle between batches and must be woken.
#  - sqthread_poll_idle=10 (ms) and a 50 ms think time after every 8 writes: the run
#    must not stall (a timeout guards it), every I/O completes, verify passes, and the
#    sidecar counts a wake-up for (nearly) every gap;
#  - the poller's CPU time is read from its /proc entry into the sidecar (fio's own
#    report shows sys 0% with SQPOLL): sqpoll_cpu_ns > 0 and counted in cpu.workers_ns;
#  - sqthread_poll_cpu pins the poller to the CPU named (read back from /proc).
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
truncate -s 4M "$S/f"
E=(--ioengine="external:$ENGINES/uring_fixed.so" --filename="$S/f" --bs=4k --size=256k
	--sqthread_poll=1 --sqthread_poll_idle=10)
out=$S/idle
start=$SECONDS
timeout -s INT -k 5 30 "$FIO" --output-format=json --output="$out.json" --name=idle "${E[@]}" \
	--rw=write --iodepth=4 --verify=crc32c --thinktime=50000 --thinktime_blocks=8 \
	--sidecar="$out.sc" >/dev/null 2>"$out.err"
rc=$?
took=$((SECONDS - start))
wake=$(jq -r .engine_facts.sqpoll_wakeups "$out.sc" 2>/dev/null)
ios=$(jq -r .counters.ios "$out.sc" 2>/dev/null)
# 64 writes in batches of 8 with a 50 ms gap after each: 7 gaps at least.
check "SQPOLL idle 10 ms, 50 ms gaps: no stall, all I/O done, verify passes, wake-ups counted" \
	"rc=$rc after ${took}s, ios=$ios (64 writes + 64 verify reads), wakeups=$wake: $(head -c 300 "$out.err")" \
	test "$rc" = 0 -a "${ios:-0}" = 128 -a "${wake:-0}" -ge 7
cpu=$(jq -r .engine_facts.sqpoll_cpu_ns "$out.sc" 2>/dev/null)
workers=$(jq -r .cpu.workers_ns "$out.sc" 2>/dev/null)
check "SQPOLL thread CPU time read from /proc and counted with the workers" \
	"sqpoll_cpu_ns=$cpu workers_ns=$workers" \
	test "${cpu:-0}" -gt 0 -a "${workers:-0}" -ge "${cpu:-1}"

# Pin to the last online CPU; check where the poller ran while the job was going
# (thread=1: the job, and so its poller iou-sqp-TID, live in fio's own process).
online=$(cat /sys/devices/system/cpu/online)
last=${online##*[-,]}
out=$S/pin
"$FIO" --output-format=json --output="$out.json" --name=pin "${E[@]}" --size=4M --rw=randread \
	--iodepth=8 --sqthread_poll_cpu="$last" --time_based --runtime=3 --thread=1 \
	--sidecar="$out.sc" \
	>/dev/null 2>"$out.err" &
fpid=$!
cpus=""
# Look for the poller for as long as fio runs (a loaded machine may take seconds to start it).
while kill -0 "$fpid" 2>/dev/null; do
	sleep 0.1
	for t in /proc/$fpid/task/*; do
		[[ "$(cat "$t/comm" 2>/dev/null)" == iou-sqp-* ]] || continue
		cpus="$cpus $(awk '{print $39}' "$t/stat" 2>/dev/null)"
	done
done
wait $fpid
rc=$?
seen=$(echo $cpus | tr ' ' '\n' | sort -u | tr '\n' ' ')
check "sqthread_poll_cpu=$last: the poller runs on CPU $last only" \
	"rc=$rc, poller seen on CPUs: ${seen:-never found}" \
	test "$rc" = 0 -a -n "$cpus" -a "$(echo $seen)" = "$last"
finish
