#!/usr/bin/env bash
# The io_uring engines' CPU figure counts the kernel threads that do their work: on this
# kernel every read of a tmpfs file goes to an io-wq worker (iou-wrk-TID, a thread of the
# job's process), which neither fio's usr/sys nor the job thread's clock sees; before this
# was counted the sidecar said 0.9 µs of CPU per I/O where the process used 2.2.
#  - thread=0 (fio's default), tmpfs reads: the sidecar's cpu.total_ns is as large a share
#    of what the fio process tree used as the sync engine's (whose job thread does all its
#    work) less 0.1, and no more than all of it: fio's parent process is the rest (~0.25 s
#    of a 2 s run here); the io-wq share is in engine_facts.iowq_cpu_ns and workers_ns;
#  - the same with SQPOLL: the poller is counted once (total still ≤ the process tree's);
#  - thread=1: only live workers can be read; the sidecar says so.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
truncate -s 64M "$S/f"
dd if=/dev/urandom of="$S/f" bs=1M count=64 conv=notrunc status=none

# tree_cpu NAME ARGS...: run fio with ARGS; print the CPU seconds (user+sys) of fio and
# every process it waited for, from bash's `times` in a shell of its own.
tree_cpu()
{
	local name=$1
	shift
	bash -c '"$@" >/dev/null 2>"$0.err"; rc=$?; times >"$0.times"; exit $rc' \
		"$S/$name" "$FIO" "${NODU[@]}" --name="$name" --filename="$S/f" --rw=randread --bs=4k \
		--ioengine="external:$ENGINES/${ENGINE:-uring_fixed}.so" --time_based --runtime=2 \
		--sidecar="$S/$name.sc" --output-format=json --output="$S/$name.json" "$@" || return 1
	# "0m0.012s 0m0.004s\n0m0.49s 0m1.73s": the children's line.
	awk '{ for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } }
		END { printf "%.3f\n", s }' <(tail -n 1 "$S/$name.times")
}

# case NAME WHAT ARGS...: the fork-mode checks.
fork_case()
{
	local name=$1 what=$2 tree total iowq live how
	shift 2
	if ! tree=$(tree_cpu "$name" "$@"); then
		fail "$what" "fio failed: $(head -c 300 "$S/$name.err")"
		return
	fi
	total=$(jq -r '.cpu.total_ns / 1e9' "$S/$name.sc")
	iowq=$(jq -r '.engine_facts.iowq_cpu_ns // 0' "$S/$name.sc")
	live=$(jq -r '.engine_facts.iowq_workers_at_cleanup // 0' "$S/$name.sc")
	how=$(jq -r '.engine_facts.iowq_cpu // ""' "$S/$name.sc")
	[ -s "$S/$name.err" ] && { fail "$what" "stderr: $(head -c 300 "$S/$name.err")"; return; }
	check "$what" "sidecar total ${total}s of the process tree's ${tree}s, sync's share $base (io-wq ${iowq} ns, $live live; $how)" \
		awk -v a="$total" -v b="$tree" -v r="$base" -v w="$iowq" -v h="$how" \
		'BEGIN { exit !(a >= (r - 0.1) * b && a <= 1.02 * b + 0.02 && h ~ /^process CPU/) }'
}

# The baseline: sync's share of its process tree's CPU (all of its work is the job's).
if ! tree=$(ENGINE=sync tree_cpu base); then
	fail "sync baseline" "fio failed: $(head -c 300 "$S/base.err")"
	finish
fi
base=$(jq -r --arg t "$tree" '.cpu.total_ns / 1e9 / ($t | tonumber)' "$S/base.sc")

fork_case fork "uring_fixed thread=0 tmpfs: io-wq workers' CPU counted (share of the process tree's as sync's)" \
	--iodepth=32
fork_case sqp "uring_fixed SQPOLL thread=0 tmpfs: poller and io-wq counted once each" \
	--iodepth=32 --sqthread_poll=1

rm -f "$S/t1.sc"
"$FIO" "${NODU[@]}" --name=t1 --filename="$S/f" --rw=randread --bs=4k --iodepth=32 --thread=1 \
	--ioengine="external:$ENGINES/uring_fixed.so" --time_based --runtime=1 \
	--sidecar="$S/t1.sc" --output=/dev/null 2>"$S/t1.err"
how=$(jq -r '.engine_facts.iowq_cpu // ""' "$S/t1.sc" 2>/dev/null)
check "uring_fixed thread=1: io-wq CPU of live workers only, and the sidecar says so" \
	"iowq_cpu='$how' $(head -c 200 "$S/t1.err")" \
	test ! -s "$S/t1.err" -a -n "$(printf '%s' "$how" | grep 'alive at cleanup only (thread=1')"
finish
