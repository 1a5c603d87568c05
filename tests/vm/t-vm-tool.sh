#!/usr/bin/env bash
# tests/vm/t-vm-tool.sh - tests/vm/run itself: clear refusals (bad options, no qemu, no kernel
# package), the guest kernel log check, output/status/environment/results coming back (one
# boot), and cleanup: no QEMU left behind after a timeout, Ctrl-C or a SIGKILL of the tool.

. "$(dirname "$0")/../lib.sh"

s=$(scratch)

# vm_expect_refusal CASE WANT-RC WANT-TEXT [ENV=VAL...] -- ARGS...: tests/vm/run ARGS exits WANT-RC
# and says WANT-TEXT on stderr (or stdout for --why). PREPARE=1 runs tests/vm/prepare instead.
vm_expect_refusal()
{
	local name=$1 want_rc=$2 want=$3 envs=() rc cmd=$VM_RUN
	shift 3
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	[ -n "${PREPARE:-}" ] && cmd=$TOP/tests/vm/prepare
	env "${envs[@]}" "$cmd" "$@" >"$s/r.out" 2>"$s/r.err"
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -qF -- "$want" "$s/r.out" "$s/r.err"; then
		pass "vm run $name: exit $rc, says '$want'"
	else
		fail "vm run $name" "exit $rc (wanted $want_rc), output: $(cat "$s/r.out" "$s/r.err" | head -c 300)"
	fi
}

# ---- refusals, no boot ----------------------------------------------------------------------
vm_expect_refusal "bad lba" 2 "--ns lba=1000: lba must be 512 or 4096" -- --ns lba=1000 -- true
vm_expect_refusal "bad key" 2 "unknown key 'sz'" -- --ns sz=1G -- true
vm_expect_refusal "gpt on 4K" 2 "part=gpt needs lba=512" -- --ns lba=4096,part=gpt -- true
vm_expect_refusal "fs with metadata" 2 "part= and fs= need a namespace without metadata" \
	-- --ns lba=4096,ms=8,fs=ext4 -- true
vm_expect_refusal "inject nsid" 2 "--inject 5:read:8: NSID must be 1-4" -- --inject 5:read:8 -- true
vm_expect_refusal "inject op" 2 "OP must be read or write" -- --inject 1:trim:8 -- true
vm_expect_refusal "inject beyond" 2 "sector 262144 is beyond namespace 2 (128M" -- --inject 2:read:262144 -- true
vm_expect_refusal "no command" 2 "no command to run" --
vm_expect_refusal "bad share" 2 "--share /nonexistent-iodrill: no such folder" -- --share /nonexistent-iodrill -- true
vm_expect_refusal "no qemu" 77 "vm: cannot run: /nonexistent/qemu-system-x86_64 not installed (apt-get install qemu-system-x86)" \
	IDR_VM_QEMU=/nonexistent/qemu-system-x86_64 -- -- true
vm_expect_refusal "no qemu --why" 77 "/nonexistent/qemu-system-x86_64 not installed" \
	IDR_VM_QEMU=/nonexistent/qemu-system-x86_64 -- --why
# The kernel package, asked of tests/vm/prepare (run would stop first on a missing qemu).
# Its checks of the host (x86-64, busybox-static, cpio) come first: without those, SKIP.
pre=$(IDR_VM_CACHE="$s/cache0" IDR_VM_KERNEL_DEB=/nonexistent.deb "$TOP/tests/vm/prepare" 2>&1 >/dev/null)
if [[ $pre == *IDR_VM_KERNEL_DEB* ]]; then
	PREPARE=1 vm_expect_refusal "unknown kernel package" 77 "vm: cannot run: apt knows no package linux-image-0.0-0-amd64" \
		IDR_VM_CACHE="$s/cache" IDR_VM_KERNEL_PKG=linux-image-0.0-0-amd64 --
	PREPARE=1 vm_expect_refusal "missing kernel .deb" 77 "vm: cannot run: IDR_VM_KERNEL_DEB=/nonexistent.deb does not exist" \
		IDR_VM_CACHE="$s/cache" IDR_VM_KERNEL_DEB=/nonexistent.deb --
else
	skip "vm prepare: kernel package refusals" "prepare stops earlier here: $pre"
fi

# ---- the guest kernel log check, on logs written here -----------------------------------------
cat >"$s/clean.log" <<'EOF'
[    9.101] nvme0n1: I/O Cmd(0x2) @ LBA 8192, 8 blocks, I/O Error (sct 0x2 / sc 0x81)
[    9.102] critical medium error, dev nvme0n1, sector 8192 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 2
[    9.500] reboot: Power down
EOF
printf '[ 3.1] WARNING: CPU: 1 PID: 77 at block/blk-mq.c:1 blk_mq_x+0x1/0x2\n' >"$s/warn.log"
printf '[ 3.1] BUG: kernel NULL pointer dereference, address: 0000000000000008\n' >"$s/bug.log"
printf '[ 3.1] Kernel panic - not syncing: Attempted to kill init!\n' >"$s/panic.log"
printf '[ 3.1] nvme nvme0: I/O 128 (I/O Cmd) QID 1 timeout, aborting\n' >"$s/nvmeto.log"
if "$VM_RUN" --check-log "$s/clean.log" 2>"$s/c.err"; then
	pass "vm kernel check: NVMe media-error lines are not a kernel problem"
else
	fail "vm kernel check: clean log" "flagged: $(cat "$s/c.err")"
fi
for k in warn bug panic nvmeto; do
	"$VM_RUN" --check-log "$s/clean.log" "$s/$k.log" 2>"$s/c.err"
	rc=$?
	if [ "$rc" = 125 ] && grep -q "$(head -c 30 "$s/$k.log" | cut -c8-)" "$s/c.err"; then
		pass "vm kernel check: a '$(cut -c8-22 "$s/$k.log")' line fails the run (125) and is shown"
	else
		fail "vm kernel check: $k" "exit $rc, said: $(cat "$s/c.err")"
	fi
done

vm_ready "vm run boots" || finish

# new_runs BEFORE: the run folders made since BEFORE (a listing of build/vm/runs).
runs=$TOP/build/vm/runs
new_runs() { comm -13 <(printf '%s\n' "$1") <(ls "$runs" 2>/dev/null); }
# qemu_of DIR: QEMU processes (pids) whose command line names the run folder DIR.
qemu_of() { pgrep -f -- "qemu-system.*$1" | tr '\n' ' '; }

# ---- stopping: timeout, Ctrl-C, SIGKILL of the tool --------------------------------------------
before=$(ls "$runs" 2>/dev/null)
start=$SECONDS
"$VM_RUN" --timeout 3 -- sleep 120 >"$s/t.out" 2>"$s/t.err"
rc=$? took=$((SECONDS - start)) left=$(new_runs "$before")
if [ "$rc" = 124 ] && [ "$took" -lt 30 ] && [ -z "$left" ] && grep -q "timed out after 3s" "$s/t.err"; then
	pass "vm run --timeout 3: exit 124 after ${took}s, says so, machine and run folder gone"
else
	fail "vm run timeout" "exit $rc after ${took}s, left: ${left:-nothing}; $(tail -n 3 "$s/t.err")"
fi

# stop_with SIGNAL WANT-RC: start a long guest command, send SIGNAL to tests/vm/run once its
# QEMU runs, and check what is left. Sets stopped_dir to the run folder's name. (env --default-signal: a background job of a
# script starts with SIGINT ignored, where an interactive Ctrl-C would not be.)
stop_with()
{
	local sig=$1 want=$2 before pid rc dir="" q i
	before=$(ls "$runs" 2>/dev/null)
	env --default-signal=INT "$VM_RUN" -- sleep 120 >"$s/k.out" 2>"$s/k.err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		dir=$(new_runs "$before")
		[ -n "$dir" ] && [ -n "$(qemu_of "$runs/$dir")" ] && break
		sleep 0.2
	done
	sleep 1
	kill -"$sig" "$pid"
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	for ((i = 0; i < 20; i++)); do
		q=$(qemu_of "$runs/$dir")
		[ -z "$q" ] && break
		sleep 0.25
	done
	if [ -z "$dir" ]; then
		fail "vm run $sig" "no run folder appeared: $(cat "$s/k.err")"
	elif [ "$rc" = "$want" ] && [ -z "$q" ]; then
		pass "vm run stopped by SIG$sig: exit $rc, no QEMU left"
	else
		fail "vm run $sig" "exit $rc (wanted $want), QEMU left: ${q:-none}; $(tail -n 2 "$s/k.err")"
		[ -n "$q" ] && kill $q
	fi
	stopped_dir=$dir
}
stop_with INT 130
if [ -n "$stopped_dir" ] && [ ! -e "$runs/$stopped_dir" ]; then
	pass "vm run stopped by SIGINT: run folder removed"
else
	fail "vm run SIGINT cleanup" "run folder '$stopped_dir' left"
fi
stop_with KILL 137
killed=$stopped_dir

# ---- one boot: output, status, environment, folder, results, and the kernel check ---------------
mkdir -p "$s/res"
"$VM_RUN" --keep --ns lba=512 --timeout 300 --env "GREETING=a b  c" --out "$s/res" --cwd "$TOP/engines" \
	-- sh -c 'echo "out $GREETING"; pwd; echo err >&2; echo ok >"$IDR_VM_OUT/f"; touch made-in-guest
		echo "WARNING: iodrill kernel-check test" >/dev/kmsg; exit 3' >"$s/b.out" 2>"$s/b.err"
rc=$?
kept=$(sed -n 's/^vm: kept //p' "$s/b.err")
at_exit "rm -rf '$kept'"
check "vm run: stdout" "stdout: $(head -c 200 "$s/b.out")" \
	grep -qx "out a b  c" "$s/b.out"
check "vm run: --cwd" "pwd said: $(sed -n 2p "$s/b.out")" grep -qx "$TOP/engines" "$s/b.out"
check "vm run: stderr" "stderr: $(head -c 300 "$s/b.err")" grep -qx "err" "$s/b.err"
check "vm run: \$IDR_VM_OUT comes back" "$s/res/f: $(cat "$s/res/f" 2>&1)" grep -qx ok "$s/res/f"
check "vm run: guest writes to the shared root stay in the guest" "$TOP/engines/made-in-guest exists" \
	test ! -e "$TOP/engines/made-in-guest"
if [ "$rc" = 125 ] && grep -q "WARNING: iodrill kernel-check test" "$s/b.err" &&
	grep -q "the command exited 3" "$s/b.err"; then
	pass "vm run: a WARNING in the guest's dmesg fails the run (125), naming the line and the command's status 3"
else
	fail "vm run: kernel check" "exit $rc; stderr: $(head -c 400 "$s/b.err")"
fi
check "vm run --keep: run folder kept with serial log and dmesg" "kept: '$kept'" \
	test -s "$kept/serial.log" -a -s "$kept/dmesg"
check "vm run: no QEMU left after the boot" "left: $(qemu_of "$kept")" test -z "$(qemu_of "$kept")"
# The SIGKILLed run's folder: its owner is gone, so the next run removed it.
if [ -n "$killed" ] && [ ! -e "$runs/$killed" ]; then
	pass "vm run: the SIGKILLed run's folder was removed by the next run"
else
	fail "vm run: stale folder" "${killed:-no folder} still in $runs"
	[ -n "$killed" ] && rm -rf "${runs:?}/$killed"
fi
finish
