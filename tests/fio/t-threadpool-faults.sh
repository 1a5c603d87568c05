#!/usr/bin/env bash
# threadpool under faults and load (strace injects into the workers' system calls; note
# strace counts when= per thread, so exact cases use tp_workers=1):
#  - concurrency is real: with 50 ms added to every pread64, 16 workers at iodepth 16 have
#    16 reads in flight at once in strace's log (asserted: >= 12), iodepth 1 never two;
#  - EIO on the 3rd pread fails that I/O alone, at its offset; with 16 workers and
#    continue_on_error=io every failed I/O is counted once and the rest complete;
#  - EINTR is retried and counted; a real short read at EOF goes through resid;
#  - fsync=4 on writes: fsyncs run (each after the writes before it), verify passes;
#  - worker CPU is counted: tp_workers=4 shows 4 workers and CPU above the job thread's;
#  - tp_spin=50: the polling path passes randrw verify;
#  - SIGINT while every worker sits in a 300 ms pread: fio exits promptly and the
#    sidecar (written after the join) shows all 16 workers accounted.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
cd "$S" || exit 1	# fio leaves prerun output and verify state in the cwd
E=(--ioengine="external:$ENGINES/threadpool.so" --bs=4k)
truncate -s 8M "$S/f"
"$FIO" --name=prep "${E[@]}" --filename="$S/f" --size=8M --rw=write >/dev/null 2>&1

# iops OUT JOB: read IOPS of a job.
iops() { fio_job_field "$1" "$2" .read.iops; }

why=$(strace_why)
if [ -n "$why" ]; then
	skip "threadpool: strace fault cases" "$why"
else
	# Concurrency, from strace's own log (which calls overlapped, not how fast: the rate
	# is the machine's load as much as the pool's): 50 ms added to every pread64, 16
	# workers, iodepth 16 then 1. The job thread hands 16 reads over at once, so 16 sit in
	# their delay together (>= 12 asserted: a worker the scheduler wakes late may miss a
	# round); at iodepth 1 never more than one: what a pool that serialised would show.
	for d in 1 16; do
		INJECT_LOG=$S/conc$d.st runfio_inject "$S/conc$d" pread64:delay_enter=50ms -- \
			--name=c "${E[@]}" --filename="$S/f" --size=8M --rw=randread --iodepth=$d \
			--tp_workers=16 --number_ios=$((d * 8))
		echo $? >"$S/conc$d.rc"
	done
	n1=$(in_flight "$S/conc1.st" 4096)
	n16=$(in_flight "$S/conc16.st" 4096)
	check "threadpool: 50 ms preads, 16 workers: $n16 in flight at once at iodepth 16 (>= 12), $n1 at iodepth 1 (1)" \
		"fio rc $(cat "$S/conc16.rc") and $(cat "$S/conc1.rc"), $(fio_job_field "$S/conc16" c .read.total_ios) and $(fio_job_field "$S/conc1" c .read.total_ios) reads; stderr: $(head -c 200 "$S/conc16.err")" \
		bash -c "[ $(cat "$S/conc16.rc") = 0 ] && [ $(cat "$S/conc1.rc") = 0 ] && [ '$n16' -ge 12 ] && [ '$n1' = 1 ]"

	out=$S/eio
	runfio_inject "$out" pread64:error=EIO:when=3 -- --name=eio "${E[@]}" --filename="$S/f" \
		--size=1M --rw=read --iodepth=8 --tp_workers=1 --sidecar="$out.sc"
	rc=$?
	if [ "$rc" != 0 ] && [ "$(fio_job_field "$out" eio .error)" = 5 ] &&
		grep -q "Input/output error: read offset=8192, buflen=4096" "$out.err" &&
		[ "$(sidecar_field "$out.sc" eio .counters.errors)" = 1 ] &&
		[ "$(sidecar_field "$out.sc" eio .cpu.workers)" = 1 ]; then
		pass "threadpool: EIO on the 3rd pread fails that read alone, at offset 8192"
	else
		fail "threadpool: EIO in a worker" "rc=$rc error=$(fio_job_field "$out" eio .error) errors=$(sidecar_field "$out.sc" eio .counters.errors) stderr: $(head -c 300 "$out.err")"
	fi

	out=$S/eio16
	runfio_inject "$out" pread64:error=EIO:when=3 -- --name=eio "${E[@]}" --filename="$S/f" \
		--size=1M --rw=randread --iodepth=16 --tp_workers=16 --continue_on_error=io \
		--sidecar="$out.sc"
	rc=$?
	nerr=$(fio_job_field "$out" eio .total_err)
	got=$(jq -r '[.counters.ios, .counters.errors, .counters.submitted] | join(" ")' "$out.sc" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "${nerr:-0}" -ge 1 ] && [ "${nerr:-0}" -le 16 ] &&
		[ "$got" = "256 $nerr 256" ]; then
		pass "threadpool: $nerr EIOs among 16 workers, each counted once, all 256 I/Os done"
	else
		fail "threadpool: EIO with 16 workers" "rc=$rc fio errors=$nerr sidecar(ios errors submitted)=$got"
	fi

	out=$S/eintr
	runfio_inject "$out" pread64:error=EINTR:when=3..5 -- --name=eintr "${E[@]}" \
		--filename="$S/f" --size=1M --rw=read --iodepth=4 --tp_workers=1 --sidecar="$out.sc"
	rc=$?
	if [ "$rc" = 0 ] && [ "$(fio_job_field "$out" eintr .read.total_ios)" = 256 ] &&
		[ "$(sidecar_field "$out.sc" eintr .counters.eintr)" = 3 ]; then
		pass "threadpool: EINTR in a worker is retried (3 counted, all 256 reads done)"
	else
		fail "threadpool: EINTR" "rc=$rc ios=$(fio_job_field "$out" eintr .read.total_ios) eintr=$(sidecar_field "$out.sc" eintr .counters.eintr)"
	fi

	# SIGINT with every worker inside a slow pread (strace -f: fio is strace's child).
	out=$S/int
	strace -f -qq -o /dev/null -e inject=pread64:delay_enter=300ms "$FIO" --output-format=json \
		--output="$out.json" --name=int "${E[@]}" --filename="$S/f" --size=8M --rw=randread \
		--iodepth=16 --tp_workers=16 --time_based --runtime=30 --sidecar="$out.sc" \
		2>"$out.err" >/dev/null &
	tracer=$!
	# Under strace start-up is slow: wait for the job's threads (16 workers), then 1 s more
	# so requests are inside their 300 ms preads, and interrupt the main fio.
	pid=$(pgrep -o -P "$tracer" fio)
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -n "$pid" ] && break; sleep 0.5; pid=$(pgrep -o -P "$tracer" fio); done
	[ -n "$pid" ] && wait_child_threads "$pid" 17 60 >/dev/null && sleep 1
	t0=$(date +%s%N)
	[ -n "$pid" ] && kill -INT "$pid"
	wait "$tracer"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	workers=$(sidecar_field "$out.sc" int .cpu.workers)
	sub=$(sidecar_field "$out.sc" int .counters.submitted)
	ios=$(sidecar_field "$out.sc" int .counters.ios)
	# fio itself exits 128 after a SIGINT; above that a signal killed it.
	if [ -n "$pid" ] && [ "$rc" -le 128 ] && ! crashed "$out" && [ "$ms" -lt 5000 ] &&
		[ "$workers" = 16 ] && [ "${sub:-0}" -ge 16 ] && [ "$sub" = "$ios" ]; then
		pass "threadpool: SIGINT with 16 workers in 300 ms preads: out in ${ms} ms, all joined, $ios submitted = completed"
	else
		fail "threadpool: SIGINT mid-run" "pid=$pid rc=$rc ${ms} ms workers=$workers submitted=$sub ios=$ios: $(head -c 300 "$out.err")"
	fi
fi

out=$S/cpu
runfio "$out" --name=cpu "${E[@]}" --filename="$S/f" --size=8M --rw=randread --iodepth=8 \
	--tp_workers=4 --loops=4 --sidecar="$out.sc"
got=$(jq -r '[.cpu.workers, (.cpu.workers_ns > 0), (.cpu.total_ns > .cpu.job_ns)] | join(" ")' "$out.sc" 2>/dev/null)
check "threadpool: tp_workers=4 counts 4 workers' CPU on top of the job thread's" \
	"sidecar (workers, workers_ns>0, total>job) = $got" test "$got" = "4 true true"

out=$S/spin
runfio "$out" --name=spin "${E[@]}" --filename="$S/spin.dat" --size=2M --rw=randrw --iodepth=16 \
	--tp_workers=4 --tp_spin=50 --verify=crc32c --sidecar="$out.sc"
rc=$?
got=$(jq -r '[.engine_facts.tp_spin_us, .counters.errors, (.counters.ios > 0)] | join(" ")' "$out.sc" 2>/dev/null)
check "threadpool: tp_spin=50 (workers and reaper poll before sleeping): randrw verify passes" \
	"rc=$rc sidecar (tp_spin_us errors ios>0)=$got" test "$rc" = 0 -a "$got" = "50 0 true"

out=$S/eof
head -c 16384 /dev/urandom >"$S/eof.dat"
runfio "$out" --name=eof "${E[@]}" --bs=8k --filename="$S/eof.dat" --size=16k --rw=read \
	--iodepth=2 --exec_prerun="truncate -s 10000 $S/eof.dat" --sidecar="$out.sc"
rc=$?
if [ "$rc" = 0 ] && [ "$(fio_job_field "$out" eof .read.short_ios)" = 1 ] &&
	[ "$(sidecar_field "$out.sc" eof .counters.short_ios)" = 1 ] &&
	[ "$(sidecar_field "$out.sc" eof .counters.bytes)" = 10000 ]; then
	pass "threadpool: a real short read at end of file is reported through resid"
else
	fail "threadpool: short read at EOF" "rc=$rc fio short=$(fio_job_field "$out" eof .read.short_ios) sidecar=$(head -c 300 "$out.sc")"
fi

out=$S/fsync
runfio "$out" --name=fs "${E[@]}" --filename="$S/fs" --size=1M --rw=randwrite --iodepth=16 \
	--fsync=4 --verify=crc32c --sidecar="$out.sc"
rc=$?
got=$(jq -r '[(.counters.syncs > 0), .counters.errors] | join(" ")' "$out.sc" 2>/dev/null)
check "threadpool: fsync=4 on random writes: fsyncs run, no error, verify passes" \
	"rc=$rc sidecar (syncs>0 errors)=$got" test "$rc" = 0 -a "$got" = "true 0"
finish
