#!/usr/bin/env bash
# uring_fixed under faults, each run checked for lost completions (the sidecar's
# submitted == ios + syncs, ios == fio's total_ios) and, where it writes, by fio's verify.
#  - The setup ladder: each optional flag refused as an older kernel would (the
#    IODRILL_URING_FAULTS seam: refuse=FLAG): the ring still comes up and the sidecar
#    names what was dropped; all at once; the registered ring fd refused; a real EINVAL
#    from io_uring_setup (strace) drops the newest flag; a required flag (SQPOLL) is never
#    dropped: the job fails naming it.
#  - CQE faults through the seam: -EAGAIN (resubmitted, counted), short results (through
#    resid, fio requeues the rest), a ring and CQ far smaller than the I/Os in flight
#    (CQ overflow), with and without SQPOLL.
#  - io_uring_enter EINTR, EAGAIN and EBUSY (strace): retried, counted, nothing lost.
#  - nowait=1: EOPNOTSUPP named on tmpfs; on a loop device a -EAGAIN reaches fio.
#  - fsync, fdatasync and sync_file_range through the ring.
#  - a real short read across the end of a file.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
truncate -s 8M "$S/f"
E=(--ioengine="external:$ENGINES/uring_fixed.so" --filename="$S/f" --bs=4k)
VJOB=(--name=v "${E[@]}" --size=4M --rw=randrw --verify=crc32c --verify_backlog=64 --iodepth=32)

# urun NAME OUT ARGS...: run fio; on success echo nothing and return 0, else print why.
# Checks: rc 0, error 0, sidecar written, no completion lost, ios == fio's total_ios.
urun()
{
	local out=$1 rc got
	shift
	runfio "$out" "$@" --sidecar="$out.sc"
	rc=$?
	got=$(jq -r '"\(.counters.submitted) \(.counters.ios) \(.counters.syncs)"' "$out.sc" 2>/dev/null)
	set -- $got
	local fio_ios
	# verify_only=1 counts the writes it skips: compare reads alone then.
	fio_ios=$(jq -r "[.jobs[] | ${URUN_IOS:-.read.total_ios + .write.total_ios}] | add" "$out.json" 2>/dev/null)
	if [ "$rc" != 0 ] || [ "$(jq -r '[.jobs[].error] | add' "$out.json" 2>/dev/null)" != 0 ]; then
		echo "fio rc=$rc: $(grep -v '^$' "$out.err" | head -c 300)"
	elif [ $# != 3 ]; then
		echo "no sidecar line"
	elif [ "$1" != $(($2 + $3)) ]; then
		echo "lost completions: submitted=$1 ios=$2 syncs=$3"
	elif [ "$2" != "$fio_ios" ]; then
		echo "sidecar ios=$2 but fio counted $fio_ios"
	fi
}
fact() { jq -r ".engine_facts.$2" "$1.sc" | head -1; }

# ---- the setup ladder ------------------------------------------------------------------
for flag in NO_SQARRAY DEFER_TASKRUN SINGLE_ISSUER COOP_TASKRUN TASKRUN_FLAG SUBMIT_ALL CQSIZE; do
	out=$S/refuse-$flag
	why=$(IODRILL_URING_FAULTS=refuse=$flag urun "$out" "${VJOB[@]}")
	flags=$(fact "$out" ring_flags) dropped=$(fact "$out" ring_dropped)
	if [ -n "$why" ]; then
		fail "ladder: $flag refused" "$why"
	elif [[ "|$flags|" == *"|$flag|"* ]] || [[ "|$dropped|" != *"|$flag|"* ]]; then
		fail "ladder: $flag refused" "ring_flags=$flags ring_dropped=$dropped"
	else
		pass "ladder: $flag refused: ring up without it, verify passes, sidecar drops $dropped"
	fi
done
out=$S/refuse-all
why=$(IODRILL_URING_FAULTS="refuse=NO_SQARRAY|DEFER_TASKRUN|SINGLE_ISSUER|COOP_TASKRUN|TASKRUN_FLAG|SUBMIT_ALL|CQSIZE|RING_FD" \
	urun "$out" "${VJOB[@]}")
check "ladder: every optional flag and the ring fd refused: a plain ring runs, all named" \
	"${why:-flags=$(fact "$out" ring_flags) dropped=$(fact "$out" ring_dropped)}" \
	test -z "$why" -a "$(fact "$out" ring_flags)" = "" -a \
	"$(fact "$out" ring_dropped)" = "CQSIZE|SUBMIT_ALL|COOP_TASKRUN|TASKRUN_FLAG|SINGLE_ISSUER|DEFER_TASKRUN|NO_SQARRAY|REGISTER_RING_FD" \
	-a "$(fact "$out" ring_fd_registered)" = false
out=$S/refuse-sqpoll
why=$(IODRILL_URING_FAULTS="refuse=COOP_TASKRUN" urun "$out" "${VJOB[@]}" --sqthread_poll=1 --sqthread_poll_idle=10)
check "ladder: SQPOLL ring never asks for task-run flags (refusing them changes nothing)" \
	"${why:-flags=$(fact "$out" ring_flags) dropped=$(fact "$out" ring_dropped)}" \
	test -z "$why" -a "$(fact "$out" ring_dropped)" = "" -a \
	"$(fact "$out" ring_flags)" = "SQPOLL|CQSIZE|SUBMIT_ALL|SINGLE_ISSUER|NO_SQARRAY"
expect_refusal_run "ladder: a required flag (SQPOLL) is never dropped: the job fails naming it" \
	"refused the ring even with only the flags this job needs \(SQPOLL\)" \
	env IODRILL_URING_FAULTS=refuse=SQPOLL "$FIO" "${VJOB[@]}" --sqthread_poll=1
expect_refusal_run "a bad fault spec is refused, naming the variable" \
	"IODRILL_URING_FAULTS=refuse=BOGUS: cannot parse 'refuse=BOGUS'" \
	env IODRILL_URING_FAULTS=refuse=BOGUS "$FIO" "${VJOB[@]}"
if command -v strace >/dev/null; then
	out=$S/einval
	why=$(strace -f -qq -o /dev/null -e inject=io_uring_setup:error=EINVAL:when=1 \
		bash -c "$(declare -f urun runfio); FIO=$FIO urun $out $(printf '%q ' "${VJOB[@]}")")
	check "ladder: a real EINVAL from io_uring_setup drops the newest flag (NO_SQARRAY)" \
		"${why:-dropped=$(fact "$out" ring_dropped)}" \
		test -z "$why" -a "$(fact "$out" ring_dropped)" = NO_SQARRAY
else
	skip "ladder: a real EINVAL" "strace is not installed"
fi

# ---- CQE faults (the seam) ---------------------------------------------------------------
out=$S/eagain
why=$(IODRILL_URING_FAULTS=cqe_eagain=7 urun "$out" "${VJOB[@]}")
check "CQE -EAGAIN on every 7th: resubmitted and counted, verify passes, nothing lost" \
	"${why:-retries=$(fact "$out" cqe_eagain_retries) faults=$(fact "$out" faults_injected)}" \
	test -z "$why" -a "$(fact "$out" cqe_eagain_retries)" -gt 0 -a \
	"$(fact "$out" cqe_eagain_retries)" = "$(fact "$out" faults_injected)"
out=$S/short
SJOB=(--name=s "${E[@]}" --size=4M --rw=write --verify=crc32c --iodepth=32)
why=$(urun "$out.w" "${SJOB[@]}" --do_verify=0)
[ -z "$why" ] && why=$(IODRILL_URING_FAULTS=cqe_short=5 URUN_IOS=.read.total_ios \
	urun "$out" "${SJOB[@]}" --verify_only=1)
short=$(jq -r .counters.short_ios "$out.sc" 2>/dev/null)
fshort=$(jq -r '.jobs[0].read.short_ios + .jobs[0].write.short_ios' "$out.json" 2>/dev/null)
check "CQE short read on every 5th: resid, fio requeues the rest, verify passes" \
	"${why:-sidecar short_ios=$short fio short_ios=$fshort}" \
	test -z "$why" -a "${short:-0}" -gt 0 -a "$short" = "$fshort"
# Batches of 64 into an SQ of 4: the SQ fills (queue hands SQEs over, or says busy).
# Without SQPOLL our reaps must flush the overflow backlog (counted); the SQPOLL poller
# may flush it itself.
# (verify_backlog matters: without it fio 3.33 regenerates expected seeds in issue order,
# and a write that went back after FIO_Q_BUSY consumed one seed too many, whatever the
# engine.)
for sq in "" "--sqthread_poll=1 --sqthread_poll_idle=10"; do
	out=$S/overflow-${sq:+sqpoll}
	why=$(IODRILL_URING_FAULTS=sq_entries=4 urun "$out" "${VJOB[@]}" --iodepth=64 \
		--iodepth_batch_submit=64 $sq)
	check "ring of 4 entries under iodepth=64${sq:+ with SQPOLL}: SQ full, CQ overflows, nothing lost" \
		"${why:-cq=$(fact "$out" ring_cq_entries) flushes=$(fact "$out" cq_overflow_flushes) sq_full=$(fact "$out" sq_full) dropped=$(fact "$out" cq_dropped)}" \
		test -z "$why" -a "$(fact "$out" ring_cq_entries)" = 4 -a "$(fact "$out" cq_dropped)" = null \
		-a "$(fact "$out" sq_full)" -gt 0 -a \( -n "$sq" -o "$(fact "$out" cq_overflow_flushes)" -gt 0 \)
done

# nowait=1: a -EAGAIN is the answer asked for, so it reaches fio (error 11), not
# resubmitted. tmpfs takes no RWF_NOWAIT (EOPNOTSUPP, named); a loop device does.
expect_refusal_run "nowait=1 on tmpfs: EOPNOTSUPP, named with the file and the option" \
	"nowait=1: $S/f does not take RWF_NOWAIT I/O \(EOPNOTSUPP\)" \
	"$FIO" "${VJOB[@]}" --rw=randread --verify=0 --nowait=1
if [ -z "$(loop_why)" ] && truncate -s 8M "$S/nw.img" && dev=$(loopdev "$S/nw.img"); then
	NJOB=(--name=v --ioengine="external:$ENGINES/uring_fixed.so" --filename="$dev" --bs=4k
		--size=4M --rw=randread --direct=1 --iodepth=32 --nowait=1)
	out=$S/nowait
	why=$(urun "$out" "${NJOB[@]}")
	check "nowait=1 on a loop device: reads go through with RWF_NOWAIT" "$why" test -z "$why"
	out=$S/nowait-eagain
	IODRILL_URING_FAULTS=cqe_eagain=7 runfio "$out" "${NJOB[@]}" --sidecar="$out.sc"
	rc=$?
	check "nowait=1 and a CQE -EAGAIN: it reaches fio as error 11, no resubmission" \
		"rc=$rc error=$(fio_job_field "$out" v .error) retries=$(fact "$out" cqe_eagain_retries)" \
		test "$rc" != 0 -a "$(fio_job_field "$out" v .error)" = 11 -a \
		"$(fact "$out" cqe_eagain_retries)" = 0
else
	skip "nowait=1 on a loop device" "$(loop_why)"
fi

# ---- io_uring_enter errors (strace) --------------------------------------------------------
if command -v strace >/dev/null; then
	for e in "EINTR:when=2..3 eintr 2" "EAGAIN:when=5..6 busy 2" "EBUSY:when=4..7 busy 4"; do
		set -- $e
		out=$S/enter-${1%%:*}
		why=$(strace -f -qq -o /dev/null -e inject=io_uring_enter:error=$1 \
			bash -c "$(declare -f urun runfio); FIO=$FIO urun $out $(printf '%q ' "${VJOB[@]}")")
		n=$(jq -r ".counters.$2" "$out.sc" 2>/dev/null)
		check "io_uring_enter ${1%%:*} (${1#*:}): retried, $2 counted, nothing lost" \
			"${why:-$2=$n}" test -z "$why" -a "${n:-0}" -ge "$3"
	done
else
	skip "io_uring_enter errors" "strace is not installed"
fi

# ---- syncs through the ring ---------------------------------------------------------------
for s in "fsync=8" "fdatasync=8" "sync_file_range=write:8"; do
	out=$S/sync-${s%%=*}
	why=$(urun "$out" --name=s "${E[@]}" --size=1M --rw=write --iodepth=8 --$s)
	n=$(jq -r .counters.syncs "$out.sc" 2>/dev/null)
	check "$s: syncs go through the ring (32 of them), none lost" "${why:-syncs=$n}" \
		test -z "$why" -a "${n:-0}" -ge 32
done

# ---- a real short read across the end of a file ------------------------------------------
out=$S/eof
head -c 16384 /dev/urandom >"$S/eof.dat"
runfio "$out" --name=eof --ioengine="external:$ENGINES/uring_fixed.so" --bs=8k --filename="$S/eof.dat" \
	--size=16k --rw=read --exec_prerun="truncate -s 10000 $S/eof.dat" --sidecar="$out.sc"
rc=$?
check "a real short read at end of file goes through resid" \
	"rc=$rc fio short=$(fio_job_field "$out" eof .read.short_ios) sidecar=$(head -c 300 "$out.sc" 2>/dev/null)" \
	test "$rc" = 0 -a "$(fio_job_field "$out" eof .read.short_ios)" = 1 -a \
	"$(sidecar_field "$out.sc" eof .counters.short_ios)" = 1 -a \
	"$(sidecar_field "$out.sc" eof .counters.bytes)" = 10000
finish
