#!/usr/bin/env bash
# tests/saturate/guest/nvme.sh - runs INSIDE the NVMe test machine (tests/saturate/
# t-saturate-vm.sh boots it with --poll-queues 1, then 0): the system check of /dev/nvme0n1
# in iodrill devices (poll queues, queue interrupts); iodrill tune --saturate on it, quick:
# hipri tried in interleaved pairs where poll queues exist and the choice explained, polled
# points taking no queue interrupts; with no poll queues hipri not tried and --hipri on
# refused; --apply-recommended on the namespace's real queue settings, back after the run;
# uring_passthru on /dev/ng0n1. TCG timings are not NVMe timings: no speed is asserted.
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "saturate on NVMe" "not inside the NVMe test machine: run it through tests/saturate/t-saturate-vm.sh"
	finish
fi
S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"
P=$IDR_VM_POLL_QUEUES
D=/dev/nvme0n1
Q=/sys/block/nvme0n1/queue
QUICK=(--runtime 300 --ramp 0 --max-iodepth 4 --cpus 0 --no-png --no-archive)
jqok() { local f=$1; shift; [ "$(jq "$@" "$f" 2>/dev/null)" = true ]; }

"$IODRILL" devices "$D" >"$S/dev.out" 2>&1
if [ "$P" -gt 0 ]; then
	want="^  poll_queues +ok +$P poll queues?, io_poll 1"
else
	want="^  poll_queues +COSTS +nvme.poll_queues=0, io_poll 0"
fi
if grep -qE "$want" "$S/dev.out" && grep -qE "^  irq_affinity +ok +[0-9]+ queue interrupts? \(nvme0q1" "$S/dev.out" &&
	{ [ "$P" -gt 0 ] || grep -q "fix: boot with nvme.poll_queues=N" "$S/dev.out"; }; then
	pass "poll_queues=$P: devices $D: the system check's poll queues and queue interrupts"
else
	fail "poll_queues=$P: devices $D" "$(grep -A14 '^system check' "$S/dev.out" | head -c 700)"
fi

# The search, with --apply-recommended on the namespace's queue (iostats 1, nomerges 0).
before="$(cat "$Q/iostats") $(cat "$Q/nomerges")"
"$IODRILL" tune "$D" --saturate "${QUICK[@]}" --apply-recommended --json >"$S/s.json" 2>"$S/s.err"
rc=$?
after="$(cat "$Q/iostats") $(cat "$Q/nomerges")"
if [ "$rc" = 0 ] && [ "$before" = "$after" ] && grep -q "iostats: 1 -> 0" "$S/s.err" &&
	grep -q "every setting changed is back as it was" "$S/s.err" &&
	jqok "$S/s.json" '(.points | length) >= 4 and .one_core_peak.iops > 0'; then
	pass "poll_queues=$P: saturate $D --apply-recommended: iostats and nomerges changed, back after ($after)"
else
	fail "poll_queues=$P: saturate $D" "rc=$rc, before '$before' after '$after': $(tail -c 400 "$S/s.err")"
fi
if [ "$P" -gt 0 ]; then
	# Decided on interleaved pairs, and said why; the peak polled exactly when chosen.
	check "poll_queues=$P: hipri tried in 3 interleaved pairs, the choice explained ($(jq -r '.hipri | split(":")[0]' "$S/s.json"))" \
		"$(jq -c '{hipri, peak_hipri: .one_core_peak.hipri, n: ([.points[] | select(.phase == "hipri")] | length)}' "$S/s.json")" \
		jqok "$S/s.json" --arg p "$P" '(.hipri | test("^(chosen|tried, not chosen): .*\\(3 interleaved pairs at .*the device has poll queues \\(\($p) poll queues?, io_poll 1\\)"))
			and (.one_core_peak.hipri == (.hipri | startswith("chosen")))
			and ([.points[] | select(.phase == "hipri")] | length) >= 6'
	# Polled completions take no queue interrupt; interrupt-driven ones do.
	check "poll_queues=$P: polled points take no queue interrupts, the others do" \
		"$(jq -c '[.points[] | select(.phase == "hipri") | {hipri, polled, irqs_per_io}]' "$S/s.json")" \
		jqok "$S/s.json" '[.points[] | select(.phase == "hipri")] as $h
			| all($h[] | select(.hipri); .polled and .irqs_per_io < 0.01)
			and all($h[] | select(.hipri | not); .polled == false and .irqs_per_io > 0.01)'
else
	check "poll_queues=0: hipri not tried, and why" "$(jq -r .hipri "$S/s.json")" \
		jqok "$S/s.json" --arg p "$P" '(.hipri | test("^not tried: nvme0n1 cannot poll \\(nvme.poll_queues=0, io_poll 0"))
			and all(.points[]; .hipri == false)'
	"$IODRILL" tune "$D" --saturate --hipri on --no-archive >"$S/hp.out" 2>"$S/hp.err"
	rc=$?
	check "poll_queues=0: --hipri on refused, the device cannot poll" "rc=$rc: $(head -c 300 "$S/hp.err")" \
		eval '[ "$rc" = 2 ] && grep -q -- "--hipri on: $D cannot poll: nvme.poll_queues=0, io_poll 0" "$S/hp.err"'
fi

# Passthrough: /dev/ng0n1 alone picks uring_passthru; its system check is the namespace's.
"$IODRILL" tune /dev/ng0n1 --saturate --runtime 300 --ramp 0 --max-iodepth 2 --cpus 0 --hipri off \
	--no-png --no-archive --json >"$S/ng.json" 2>"$S/ng.err"
rc=$?
check "poll_queues=$P: saturate /dev/ng0n1: uring_passthru, the namespace's system check" \
	"rc=$rc: $(tail -c 300 "$S/ng.err")" \
	jqok "$S/ng.json" '.facts.engine == "uring_passthru" and .facts.system_check.disk == "nvme0n1"
		and .one_core_peak.iops > 0'
finish
