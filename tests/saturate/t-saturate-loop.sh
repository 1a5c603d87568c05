#!/usr/bin/env bash
# iodrill tune --saturate on a loop device (direct I/O, quick settings), and
# --apply-recommended on its real queue settings (scheduler, iostats, nomerges): changed
# while fio runs (a fio wrapper records them at each call), and every value back after
# success, after a failed fio, after Ctrl-C; after SIGKILL the undo script left in the
# run's folder puts them back. iodrill devices LOOP prints the same system check.
# hipri on a loop device is refused (it has no poll queues).
. "$(dirname "$0")/../lib.sh"

why=$(loop_why)
if [ -n "$why" ]; then
	skip "saturate loop" "$why"
	finish
fi
S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"
truncate -s 64M "$S/img"
L=$(loopdev "$S/img") || { fail "saturate loop" "losetup failed"; finish; }
Q=/sys/block/${L#/dev/}/queue
QUICK=(--runtime 100 --ramp 0 --max-iodepth 2 --cpus "$(cut -d, -f1 /sys/devices/system/cpu/online | cut -d- -f1)" --no-png)

# The loop driver's defaults (none, 1, 0) but the scheduler: mq-deadline, so that all three
# cost IOPS; put back at exit whatever the test does.
orig="$(sed 's/.*\[\(.*\)\].*/\1/' "$Q/scheduler") $(cat "$Q/iostats") $(cat "$Q/nomerges")"
at_exit "echo ${orig%% *} >$Q/scheduler; echo $(cut -d' ' -f2 <<<"$orig") >$Q/iostats; echo ${orig##* } >$Q/nomerges"
echo mq-deadline >"$Q/scheduler" && echo 1 >"$Q/iostats" && echo 0 >"$Q/nomerges"
values() { echo "$(sed 's/.*\[\(.*\)\].*/\1/' "$Q/scheduler") $(cat "$Q/iostats") $(cat "$Q/nomerges")"; }
BAD="mq-deadline 1 0"
GOOD="none 0 2"

# A fio that records the queue settings at every call, and fails from call FAIL_AT on.
cat >"$S/fio" <<EOF
#!/bin/bash
[ "\$1" = --version ] && exec $FIO --version
n=\$((\$(cat "$S/calls" 2>/dev/null || echo 0) + 1))
echo \$n >"$S/calls"
echo "\$(sed 's/.*\[\(.*\)\].*/\1/' $Q/scheduler) \$(cat $Q/iostats) \$(cat $Q/nomerges)" >>"$S/seen"
if [ "\$n" -ge "\${FAIL_AT:-999}" ]; then echo "fio: injected failure at call \$n" >&2; exit 1; fi
exec $FIO "\$@"
EOF
chmod +x "$S/fio"
fresh() { rm -f "$S/calls" "$S/seen"; }

# ---- the system check, in iodrill devices and at the top of the search --------------------
"$IODRILL" devices "$L" >"$S/dev.out" 2>&1
if grep -q "^system check: ${L#/dev/}" "$S/dev.out" &&
	grep -qE "^  scheduler +COSTS +mq-deadline" "$S/dev.out" &&
	grep -qF "fix: echo none > /sys/class/block/${L#/dev/}/queue/scheduler" "$S/dev.out" &&
	grep -qE "^  iostats +COSTS +1" "$S/dev.out" && grep -qE "^  nomerges +COSTS +0" "$S/dev.out" &&
	grep -qE "^  poll_queues +n/a" "$S/dev.out"; then
	pass "devices $L: the system check names each costly setting and its fix"
else
	fail "devices $L: system check" "$(grep -A12 '^system check' "$S/dev.out" | head -c 600)"
fi
"$IODRILL" devices --json "$L" >"$S/dev.json" 2>&1
check "devices --json $L: system_check" "$(head -c 300 "$S/dev.json")" \
	test "$(jq -r '.devices[0].system_check.settings | [.scheduler.state, .iostats.state,
		.nomerges.state, .poll_queues.state] | join(" ")' "$S/dev.json" 2>/dev/null)" = "costs costs costs n/a"

# ---- success: changed during the run, back after it --------------------------------------
fresh
IODRILL_FIO=$S/fio "$IODRILL" tune "$L" --saturate "${QUICK[@]}" --apply-recommended --json \
	--no-archive >"$S/ok.json" 2>"$S/ok.err"
rc=$?
seen=$(sort -u "$S/seen" 2>/dev/null | tr '\n' '|')
if [ "$rc" = 0 ] && [ "$(values)" = "$BAD" ] && [ "$seen" = "$GOOD|" ] &&
	grep -q "changed 3 settings for this run" "$S/ok.err" &&
	grep -q "every setting changed is back as it was" "$S/ok.err" &&
	[ "$(jq -r .facts.apply_recommended.restored "$S/ok.json" 2>/dev/null)" = true ]; then
	pass "saturate loop --apply-recommended: none/0/2 while fio ran, $BAD again after"
else
	fail "saturate loop --apply-recommended" "rc=$rc, now '$(values)', fio saw '$seen': $(tail -c 400 "$S/ok.err")"
fi
if [ "$(jq -r '.points | length' "$S/ok.json" 2>/dev/null)" -ge 4 ] &&
	[ "$(jq -r '.ranked_by + " " + (all(.points[]; .score == .iops) | tostring)' "$S/ok.json")" = "iops true" ] &&
	[ "$(jq -r '[.one_core_per_bs[].bs] | sort | map(tostring) | join(",")' "$S/ok.json")" = 512,4096 ] &&
	jq -r .hipri "$S/ok.json" | grep -q "not tried: ${L#/dev/} cannot poll (io_poll 0; a loop device has no poll queues"; then
	pass "saturate loop: ranked by IOPS (a device); a one-core peak at 512 B and 4 KiB; hipri not tried, and why"
else
	fail "saturate loop: the search" "$(jq -c '{n: (.points | length), bs: [.one_core_per_bs[].bs], hipri}' "$S/ok.json" 2>&1 | head -c 400)"
fi

# ---- a failed fio: the search stops, the settings go back -----------------------------------
fresh
FAIL_AT=3 IODRILL_FIO=$S/fio "$IODRILL" tune "$L" --saturate "${QUICK[@]}" --apply-recommended \
	--no-archive >"$S/fail.out" 2>"$S/fail.err"
rc=$?
if [ "$rc" = 1 ] && [ "$(values)" = "$BAD" ] && [ "$(cat "$S/calls")" = 3 ] &&
	grep -q "injected failure at call 3" "$S/fail.err" &&
	grep -q "every setting changed is back as it was" "$S/fail.err"; then
	pass "saturate loop --apply-recommended: fio fails at the 3rd point: exit 1, $BAD again"
else
	fail "saturate loop: failure" "rc=$rc, now '$(values)', calls $(cat "$S/calls"): $(tail -c 400 "$S/fail.err")"
fi

# ---- Ctrl-C and SIGKILL in the middle of a point ---------------------------------------------
# start_long: a search whose points run 20 s, in the background; waits for the first fio.
start_long()
{
	fresh
	IODRILL_FIO=$S/fio "$IODRILL" tune "$L" --saturate --runtime 20000 --ramp 0 --no-png \
		--apply-recommended --no-archive >"$S/long.out" 2>"$S/long.err" &
	pid=$!
	for _ in $(seq 100); do [ -s "$S/calls" ] && break; sleep 0.1; done
	sleep 0.3
}
start_long
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" = 130 ] && [ "$(values)" = "$BAD" ] && grep -q "$GOOD" "$S/seen" &&
	grep -q "every setting changed is back as it was" "$S/long.err" &&
	[ -z "$(ls -A "$TMPDIR")" ]; then
	pass "saturate loop --apply-recommended: Ctrl-C mid-point: exit 130, $BAD again, run folder gone"
else
	fail "saturate loop: Ctrl-C" "rc=$rc, now '$(values)', fio saw '$(cat "$S/seen")', left: $(ls -A "$TMPDIR"): $(tail -c 300 "$S/long.err")"
fi

start_long
kill -KILL "$pid"
{ wait "$pid"; } 2>/dev/null
# fio runs in its own process group and outlives a killed iodrill: stop it (by its pid).
for p in $(pgrep -f -- "$TMPDIR/iodrill-saturate-"); do kill "$p" 2>/dev/null; done
undo=$(ls "$TMPDIR"/iodrill-saturate-*/undo-settings.sh 2>/dev/null | head -1)
during=$(values)
if [ -n "$undo" ] && [ "$during" = "$GOOD" ] && sh "$undo" && [ "$(values)" = "$BAD" ]; then
	pass "saturate loop --apply-recommended: SIGKILL leaves $GOOD and an undo script that puts $BAD back"
else
	fail "saturate loop: SIGKILL" "undo script '$undo', after the kill '$during', after it '$(values)'"
fi
rm -rf "$TMPDIR"/iodrill-saturate-*

"$IODRILL" tune "$L" --saturate --hipri on --no-archive >"$S/hp.out" 2>"$S/hp.err"
rc=$?
check "saturate loop --hipri on: refused, the device cannot poll" "rc=$rc: $(head -c 300 "$S/hp.err")" \
	eval '[ "$rc" = 2 ] && grep -q -- "--hipri on: $L cannot poll: io_poll 0 (a loop device has no poll queues" "$S/hp.err"'
finish
