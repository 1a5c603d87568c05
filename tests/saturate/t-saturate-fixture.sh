#!/usr/bin/env bash
# iodrill tune --saturate --apply-recommended on the CPU settings this machine does not
# have (cpufreq governors, cpuidle states), through a fake /sys (IODRILL_SYSCHECK_ROOT): the
# run's CPU switched to performance and its deep idle state disabled while fio runs, every
# value back after success and after Ctrl-C. And a device whose NUMA node has no CPU this
# process may use: refused by tune --saturate and named by iodrill devices.
. "$(dirname "$0")/../lib.sh"

tune_scratch 8M
online=$(cat /sys/devices/system/cpu/online)
first=$(cut -d, -f1 <<<"$online" | cut -d- -f1)
QUICK=(--runtime 100 --ramp 0 --max-iodepth 1 --cpus "$first" --no-png --no-archive)

# A fake /sys: this machine's CPUs with powersave governors and a 133 µs C6 state enabled.
R=$S/root
C=$R/sys/devices/system/cpu
mkdir -p "$C/cpuidle" "$R/proc"
echo "$online" >"$C/online"
echo intel_idle >"$C/cpuidle/current_driver"
echo menu >"$C/cpuidle/current_governor_ro"
for c in $(seq 0 "$(nproc --all)"); do
	mkdir -p "$C/cpu$c/cpufreq" "$C/cpu$c/cpuidle/state0" "$C/cpu$c/cpuidle/state1"
	echo powersave >"$C/cpu$c/cpufreq/scaling_governor"
	echo "performance powersave" >"$C/cpu$c/cpufreq/scaling_available_governors"
	printf 'POLL\n' >"$C/cpu$c/cpuidle/state0/name"
	printf '0\n' >"$C/cpu$c/cpuidle/state0/latency"
	printf '0\n' >"$C/cpu$c/cpuidle/state0/disable"
	printf 'C6\n' >"$C/cpu$c/cpuidle/state1/name"
	printf '133\n' >"$C/cpu$c/cpuidle/state1/latency"
	printf '0\n' >"$C/cpu$c/cpuidle/state1/disable"
done
values() { echo "$(cat "$C/cpu$first/cpufreq/scaling_governor") $(cat "$C/cpu$first/cpuidle/state1/disable")"; }
others() { awk 1 "$C"/cpu*/cpufreq/scaling_governor | sort | uniq -c | tr -s ' \n' ' '; }
BAD="powersave 0"
GOOD="performance 1"
before_others=$(others)

# A fio that records the run CPU's governor and C6 switch at every call.
cat >"$S/fio" <<EOF
#!/bin/bash
[ "\$1" = --version ] && exec $FIO --version
echo "\$(cat $C/cpu$first/cpufreq/scaling_governor) \$(cat $C/cpu$first/cpuidle/state1/disable)" >>"$S/seen"
exec $FIO "\$@"
EOF
chmod +x "$S/fio"
export IODRILL_SYSCHECK_ROOT=$R

IODRILL_FIO=$S/fio "$IODRILL" tune "$S/f" --saturate "${QUICK[@]}" --apply-recommended \
	>"$S/ok.out" 2>"$S/ok.err"
rc=$?
seen=$(sort -u "$S/seen" 2>/dev/null | tr '\n' '|')
if [ "$rc" = 0 ] && [ "$(values)" = "$BAD" ] && [ "$seen" = "$GOOD|" ] &&
	grep -q "changed 2 settings" "$S/ok.err" && [ "$(others)" = "$before_others" ] &&
	grep -qE "^  cpu_governor +COSTS +powersave on CPUs $first" "$S/ok.out" &&
	grep -qE "^  cpu_idle +COSTS +intel_idle, governor menu; enabled: C6 \(133 µs\)" "$S/ok.out" &&
	grep -qx "  system: changed for this run (--apply-recommended): cpu_governor cpu_idle" "$S/ok.out"; then
	pass "saturate fake /sys --apply-recommended: CPU $first at $GOOD while fio ran, $BAD after; other CPUs untouched"
else
	fail "saturate fake /sys --apply-recommended" "others $(others) vs $before_others, rc=$rc, now '$(values)', fio saw '$seen': $(tail -c 300 "$S/ok.err") $(grep -A12 '^system check' "$S/ok.out" | head -c 400)"
fi

# --max-iodepth 1: two one-job settings (4 KiB and 512 B at iodepth 1), so a duel of two.
check "saturate fake /sys: the one-core peak from a duel of the 2 settings, 3 rounds" \
	"$(grep -A3 '^  duel:' "$S/ok.out" | head -c 400)" \
	eval 'grep -q "^  duel: the 2 best one-job settings of the search, 3 interleaved rounds" "$S/ok.out" &&
	[ "$(grep -cE "^ +[0-9]+ duel " "$S/ok.out")" = 6 ] && grep -q "^    winner [AB]: " "$S/ok.out"'

rm -f "$S/seen"
IODRILL_FIO=$S/fio "$IODRILL" tune "$S/f" --saturate --runtime 20000 --ramp 0 --cpus "$first" \
	--no-png --no-archive --apply-recommended >"$S/int.out" 2>"$S/int.err" &
pid=$!
for _ in $(seq 100); do [ -s "$S/seen" ] && break; sleep 0.1; done
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" = 130 ] && [ "$(values)" = "$BAD" ] && grep -q "$GOOD" "$S/seen"; then
	pass "saturate fake /sys --apply-recommended: Ctrl-C mid-point: exit 130, $BAD again"
else
	fail "saturate fake /sys: Ctrl-C" "rc=$rc, now '$(values)', fio saw '$(cat "$S/seen")': $(tail -c 300 "$S/int.err")"
fi

# ---- a device on a NUMA node without CPUs ------------------------------------------------------
why=$(loop_why)
if [ -n "$why" ]; then
	skip "saturate: a device on a node without CPUs" "$why"
	finish
fi
truncate -s 16M "$S/img"
L=$(loopdev "$S/img") || { fail "saturate: node without CPUs" "losetup failed"; finish; }
N=${L#/dev/}
B=$R/sys/class/block/$N
mkdir -p "$B/queue" "$B/loop" "$R/sys/devices/system/node/node0" "$R/sys/devices/system/node/node1"
cat "/sys/class/block/$N/dev" >"$B/dev"
echo 1 >"$B/numa_node"
echo "$S/img" >"$B/loop/backing_file"
echo 512 >"$B/queue/logical_block_size"
echo "$online" >"$R/sys/devices/system/node/node0/cpulist"
: >"$R/sys/devices/system/node/node1/cpulist"
"$IODRILL" tune "$L" --saturate --no-archive >"$S/node.out" 2>"$S/node.err"
rc=$?
check "saturate: a device on a node without CPUs is refused, naming the node and --cpus" \
	"rc=$rc: $(head -c 300 "$S/node.err")" \
	eval '[ "$rc" = 2 ] && grep -qF "$N is on NUMA node 1, which has no CPU this process may run on (node 1'"'"'s CPUs: none; online and allowed: " "$S/node.err" && grep -q -- "--cpus LIST" "$S/node.err"'
"$IODRILL" devices "$L" >"$S/dnode.out" 2>"$S/dnode.err"
rc=$?
check "devices: a device on a node without CPUs: its system check says why" \
	"rc=$rc: $(head -c 300 "$S/dnode.err")" \
	eval '[ "$rc" = 1 ] && grep -q "system check: $N is on NUMA node 1, which has no CPU" "$S/dnode.err"'
# With --cpus the run goes ahead, and the check says the CPUs are off the device's node.
"$IODRILL" tune "$L" --saturate "${QUICK[@]}" >"$S/off.out" 2>"$S/off.err"
rc=$?
check "saturate --cpus off the device's node: runs, and the check says it costs" \
	"rc=$rc: $(grep -E '^  numa' "$S/off.out") $(tail -c 200 "$S/off.err")" \
	eval '[ "$rc" = 0 ] && grep -qE "^  numa +COSTS +node 1 \(CPUs \); run on $first" "$S/off.out"'
finish
