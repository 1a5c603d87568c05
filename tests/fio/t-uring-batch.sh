#!/usr/bin/env bash
# uring_fixed honours fio's iodepth_batch_* options, counting io_uring_enter calls in the
# sidecar (tmpfs randread):
#  - iodepth_batch_submit=1 (the default): one submitting enter per I/O, as fio's own engine;
#  - batches of 32 submitted and reaped: two enters per 32 I/Os, one that submits (fio's
#    issue time is stamped right after it) and one that waits, as fio's own engine;
#  - the same with fio's slat, clat and bandwidth off (no issue time wanted): the commit
#    shares getevents' enter, about one enter per 32 I/Os (enter_merged counts them);
#  - iodepth_batch_complete_max=4: getevents never hands fio more than 4 (fio's own
#    iodepth_complete histogram; only fio's final drain asks for more);
#  - iodepth_batch_complete_min=0 (fio's "poll" mode: never block);
#  - SQPOLL: the poller submits; an enter that submits is a wake-up, the exception.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
head -c 16M /dev/zero >"$S/f"
E=(--name=b --ioengine="external:$ENGINES/uring_fixed.so" --filename="$S/f" --size=16M
	--io_size=16M --bs=4k --rw=randread --iodepth=32)
# brun OUT ARGS...: run; prints "syscalls ios merged errors submit_calls" from the sidecar,
# or nothing.
brun()
{
	local out=$1
	shift
	runfio "$out" "${E[@]}" "$@" --sidecar="$out.sc" &&
		jq -r '"\(.counters.syscalls) \(.counters.ios) \(.engine_facts.enter_merged) \(.counters.errors) \(.counters.submit_calls)"' "$out.sc"
}

# One submitting enter per I/O; the enters that wait come on top when fio's getevents finds
# the CQ empty (on 6.18 a tmpfs read goes through io-wq, so that is a matter of scheduling).
set -- $(brun "$S/b1")
check "batch_submit=1: one submitting enter per I/O (submit $5, syscalls $1, for $2 reads)" "got: $*" \
	test "${2:-0}" = 4096 -a "${4:-1}" = 0 -a "${5:-0}" -ge 4096 -a "${5:-0}" -le 4100 \
	-a "${1:-0}" -le 8192
B32=(--iodepth_batch_submit=32 --iodepth_batch_complete_min=32 --iodepth_batch_complete_max=32)
set -- $(brun "$S/b32s" "${B32[@]}")
check "batch_submit=32, complete_min=32: a submitting enter and a waiting one per 32 I/Os, none merged (syscalls $1, merged $3)" \
	"got: $*" test "${2:-0}" = 4096 -a "${4:-1}" = 0 -a "${1:-9999}" -le 256 -a "${3:-1}" = 0
set -- $(brun "$S/b32" "${B32[@]}" --disable_slat=1 --disable_clat=1 --disable_bw_measurement=1)
check "batch_submit=32, complete_min=32, no issue times: ~one merged enter per 32 I/Os (syscalls $1, merged $3)" \
	"got: $*" test "${2:-0}" = 4096 -a "${4:-1}" = 0 -a "${1:-9999}" -le 160 -a "${3:-0}" -ge 100
out=$S/max4
set -- $(brun "$out" --iodepth_batch_submit=8 --iodepth_batch_complete_max=4)
over=$(jq -r '.jobs[0].iodepth_complete | (.["8"] + .["16"] + .["32"] + .["64"] + .[">=64"])' "$out.json" 2>/dev/null)
check "complete_max=4: no getevents returns more than 4 but fio's final drain ($over% of calls)" \
	"got: $* over-4 share $over%" \
	test "${2:-0}" = 4096 -a "${4:-1}" = 0 -a "$(awk -v o="${over:-100}" 'BEGIN{print (o < 1)}')" = 1
set -- $(brun "$S/min0" --iodepth_batch_complete_min=0)
check "complete_min=0 (poll, never block): all reads done" "got: $*" \
	test "${2:-0}" = 4096 -a "${4:-1}" = 0
# Under SQPOLL the poller submits: an enter that submits is only a wake-up of a sleeping
# poller. Enters that wait for completions are fio's getevents finding the CQ empty, a
# matter of scheduling (many on a loaded machine), so they are not what this case counts.
out=$S/sqpoll
set -- $(brun "$out" --sqthread_poll=1)
read -r sub wk < <(jq -r '"\(.counters.submit_calls) \(.engine_facts.sqpoll_wakeups)"' "$out.sc" 2>/dev/null)
check "SQPOLL: submitting enters are only the poller's wake-ups, far fewer than I/Os (submit $sub, wake-ups $wk, for $2 reads)" \
	"got: $* submit=$sub wakeups=$wk" \
	test "${2:-0}" = 4096 -a "${4:-1}" = 0 -a "${sub:-9999}" -le 1024 -a "${sub:-x}" = "${wk:-y}"
finish
