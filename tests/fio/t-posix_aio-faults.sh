#!/usr/bin/env bash
# posix_aio under faults and load (strace -f reaches glibc's helper threads, which do the
# preads; it counts when= per thread, so exact cases run one request at a time):
#  - glibc serialises requests per descriptor: with 20 ms added to every pread64, one
#    descriptor at iodepth 16 is no faster than at iodepth 1 (< 1.5x), and 8 descriptors
#    at iodepth 16 beat one descriptor by >= 4x;
#  - EIO on the 3rd pread reaches fio through aio_error, at its offset;
#  - EINTR in a helper is retried by glibc: every read done, no error;
#  - a real short read at EOF goes through resid; fsync=4 runs aio_fsync, verify passes;
#  - aio_poll=1 (polling instead of aio_suspend) passes randrw verify;
#  - aio_wait_spread=4 at iodepth 32 on one descriptor: with 2 ms preads, a quarter of the
#    reaping calls of aio_wait_spread=0 or fewer (it sleeps on the 8th request, not the
#    1st); randrw verify passes and the sidecar says its latencies are batched;
#  - the helpers' CPU is counted with thread=0, and said to be unmeasured with thread=1;
#  - SIGINT with requests inside 300 ms preads: fio exits promptly, submitted = completed.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
cd "$S" || exit 1	# fio leaves prerun output and verify state in the cwd
E=(--ioengine="external:$ENGINES/posix_aio.so" --bs=4k)
truncate -s 8M "$S/f"
"$FIO" --name=prep "${E[@]}" --filename="$S/f" --size=8M --rw=write >/dev/null 2>&1
iops() { fio_job_field "$1" c .read.iops; }

why=$(strace_why)
if [ -n "$why" ]; then
	skip "posix_aio: strace fault cases" "$why"
else
	for cfg in "1 1" "1 16" "8 16"; do
		set -- $cfg
		runfio_inject "$S/conc-$1-$2" pread64:delay_enter=20ms -- --name=c "${E[@]}" \
			--filename="$S/f" --size=8M --rw=randread --aio_fds="$1" --iodepth="$2" \
			--time_based --runtime=2
	done
	r=$(ratio "$(iops "$S/conc-1-16")" "$(iops "$S/conc-1-1")")
	check "posix_aio: 20 ms preads, one descriptor: iodepth 16 vs 1 is ${r}x (glibc serialises, < 1.5x)" \
		"rates $(iops "$S/conc-1-16") vs $(iops "$S/conc-1-1") IOPS" ge 1.5 "$r"
	r=$(ratio "$(iops "$S/conc-8-16")" "$(iops "$S/conc-1-16")")
	check "posix_aio: 20 ms preads at iodepth 16: aio_fds=8 vs 1 is ${r}x (>= 4x)" \
		"rates $(iops "$S/conc-8-16") vs $(iops "$S/conc-1-16") IOPS" ge "$r" 4

	out=$S/eio
	runfio_inject "$out" pread64:error=EIO:when=3 -- --name=eio "${E[@]}" --filename="$S/f" \
		--size=1M --rw=read --sidecar="$out.sc"
	rc=$?
	if [ "$rc" != 0 ] && [ "$(fio_job_field "$out" eio .error)" = 5 ] &&
		grep -q "Input/output error: read offset=8192, buflen=4096" "$out.err" &&
		[ "$(sidecar_field "$out.sc" eio .counters.errors)" = 1 ]; then
		pass "posix_aio: EIO in a helper's 3rd pread reaches fio, at offset 8192"
	else
		fail "posix_aio: EIO in a helper" "rc=$rc error=$(fio_job_field "$out" eio .error) stderr: $(head -c 300 "$out.err")"
	fi

	out=$S/eintr
	runfio_inject "$out" pread64:error=EINTR:when=3..5 -- --name=eintr "${E[@]}" \
		--filename="$S/f" --size=1M --rw=read --iodepth=4 --sidecar="$out.sc"
	rc=$?
	got=$(jq -r '[.counters.ios, .counters.errors] | join(" ")' "$out.sc" 2>/dev/null)
	check "posix_aio: EINTR in a helper is retried by glibc (256 reads, no error)" \
		"rc=$rc sidecar (ios errors)=$got" test "$rc" = 0 -a "$got" = "256 0"

	out=$S/int
	strace -f -qq -o /dev/null -e inject=pread64:delay_enter=300ms "$FIO" --output-format=json \
		--output="$out.json" --name=int "${E[@]}" --filename="$S/f" --size=8M --rw=randread \
		--iodepth=16 --aio_fds=8 --time_based --runtime=30 --sidecar="$out.sc" \
		2>"$out.err" >/dev/null &
	tracer=$!
	# Under strace start-up is slow: wait for the job's threads (glibc helpers), then 1 s more
	# so requests are inside their 300 ms preads, and interrupt the main fio.
	pid=$(pgrep -o -P "$tracer" fio)
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -n "$pid" ] && break; sleep 0.5; pid=$(pgrep -o -P "$tracer" fio); done
	[ -n "$pid" ] && wait_child_threads "$pid" 2 60 >/dev/null && sleep 1
	t0=$(date +%s%N)
	[ -n "$pid" ] && kill -INT "$pid"
	wait "$tracer"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	sub=$(sidecar_field "$out.sc" int .counters.submitted)
	ios=$(sidecar_field "$out.sc" int .counters.ios)
	if [ -n "$pid" ] && [ "$rc" -le 128 ] && ! crashed "$out" && [ "$ms" -lt 5000 ] &&
		[ "${sub:-0}" -ge 8 ] && [ "$sub" = "$ios" ]; then
		pass "posix_aio: SIGINT with requests in 300 ms preads: out in ${ms} ms, $ios submitted = completed"
	else
		fail "posix_aio: SIGINT mid-run" "pid=$pid rc=$rc ${ms} ms submitted=$sub ios=$ios: $(head -c 300 "$out.err")"
	fi

	# Slow preads, so every reap finds the queue's head still running.
	for sp in 0 4; do
		runfio_inject "$S/spread-$sp" pread64:delay_enter=2ms -- --name=sp "${E[@]}" \
			--filename="$S/f" --size=8M --rw=randread --iodepth=32 --number_ios=256 \
			--aio_wait_spread=$sp --sidecar="$S/spread-$sp.sc"
	done
	r0=$(sidecar_field "$S/spread-0.sc" sp .counters.reap_calls)
	r4=$(sidecar_field "$S/spread-4.sc" sp .counters.reap_calls)
	check "posix_aio: 2 ms preads at iodepth 32: aio_wait_spread=4 reaps in $r4 calls, =0 in $r0 (<= 1/4)" \
		"reap_calls $r4 vs $r0" test -n "$r0" -a -n "$r4" -a "$((4 * ${r4:-1}))" -le "${r0:-0}"
fi

for t in 0 1; do
	out=$S/cpu$t
	runfio "$out" --name=cpu "${E[@]}" --filename="$S/f" --size=8M --rw=randread --iodepth=16 \
		--aio_fds=4 --loops=4 --thread=$t --sidecar="$out.sc"
done
got=$(jq -r '[(.cpu.workers_ns > 0), (.cpu.total_ns > .cpu.job_ns)] | join(" ")' "$S/cpu0.sc" 2>/dev/null)
check "posix_aio: thread=0 counts the helpers' CPU on top of the job thread's" \
	"sidecar (workers_ns>0, total>job) = $got" test "$got" = "true true"
got=$(jq -r '[.cpu.workers_ns, .engine_facts.helper_cpu] | join(" ")' "$S/cpu1.sc" 2>/dev/null)
check "posix_aio: thread=1 says the helpers' CPU is not measured" "sidecar: $got" \
	grep -q "^0 not measured: with thread=1" <<<"$got"

out=$S/eof
head -c 16384 /dev/urandom >"$S/eof.dat"
runfio "$out" --name=eof "${E[@]}" --bs=8k --filename="$S/eof.dat" --size=16k --rw=read \
	--iodepth=2 --exec_prerun="truncate -s 10000 $S/eof.dat" --sidecar="$out.sc"
rc=$?
if [ "$rc" = 0 ] && [ "$(fio_job_field "$out" eof .read.short_ios)" = 1 ] &&
	[ "$(sidecar_field "$out.sc" eof .counters.short_ios)" = 1 ] &&
	[ "$(sidecar_field "$out.sc" eof .counters.bytes)" = 10000 ]; then
	pass "posix_aio: a real short read at end of file is reported through resid"
else
	fail "posix_aio: short read at EOF" "rc=$rc fio short=$(fio_job_field "$out" eof .read.short_ios) sidecar=$(head -c 300 "$out.sc")"
fi

out=$S/poll
runfio "$out" --name=poll "${E[@]}" --filename="$S/poll.dat" --size=2M --rw=randrw --iodepth=16 \
	--aio_fds=4 --aio_poll=1 --verify=crc32c --sidecar="$out.sc"
rc=$?
got=$(jq -r '[.engine_facts.aio_poll, (.engine_facts.poll_passes > 0), .counters.errors] | join(" ")' "$out.sc" 2>/dev/null)
check "posix_aio: aio_poll=1 reaps by polling aio_error, randrw verify passes" \
	"rc=$rc sidecar (aio_poll poll_passes>0 errors)=$got" test "$rc" = 0 -a "$got" = "true true 0"

out=$S/spread
runfio "$out" --name=spread "${E[@]}" --filename="$S/spread.dat" --size=2M --rw=randrw \
	--iodepth=32 --aio_wait_spread=4 --verify=crc32c --sidecar="$out.sc"
rc=$?
got=$(jq -r '[.engine_facts.aio_wait_spread, .lat.batched, .counters.errors] | join(" ")' \
	"$out.sc" 2>/dev/null)
check "posix_aio: aio_wait_spread=4 at iodepth 32: randrw verify passes, latencies said batched" \
	"rc=$rc sidecar (aio_wait_spread batched errors)=$got" test "$rc" = 0 -a "$got" = "4 true 0"

out=$S/fsync
runfio "$out" --name=fs "${E[@]}" --filename="$S/fs" --size=1M --rw=randwrite --iodepth=16 \
	--aio_fds=4 --fsync=4 --verify=crc32c --sidecar="$out.sc"
rc=$?
got=$(jq -r '[(.counters.syncs > 0), .counters.errors] | join(" ")' "$out.sc" 2>/dev/null)
check "posix_aio: fsync=4 on random writes over 4 descriptors: aio_fsync runs, verify passes" \
	"rc=$rc sidecar (syncs>0 errors)=$got" test "$rc" = 0 -a "$got" = "true 0"
finish
