#!/usr/bin/env bash
# iodrill drill and tune on bad input: a missing target, a folder on a read-only
# filesystem, a device this user cannot read, a device that is not storage, an unknown
# engine, an iodepth outside 1..65535, fio missing or of another version. Each: a clear
# message, a non-zero exit, and nothing left behind. Then Ctrl-C (SIGINT) and SIGTERM in
# the middle of a run: exit 128+N, the run's folder and the drill file removed, no fio left.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"
head -c 16M /dev/urandom >"$S/f"

# refused NAME RC REGEX ARGS...: iodrill exits RC, stderr matches REGEX, TMPDIR stays empty.
refused()
{
	local name=$1 want=$2 re=$3 out=$S/bad-$RANDOM rc
	shift 3
	"$IODRILL" "$@" >"$out.out" 2>"$out.err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, not $want: $(head -c 300 "$out.err")"
	elif ! grep -qE -- "$re" "$out.err"; then
		fail "$name" "message does not match /$re/: $(head -c 300 "$out.err")"
	elif [ -n "$(ls -A "$TMPDIR")" ]; then
		fail "$name" "left behind in \$TMPDIR: $(ls -A "$TMPDIR")"
		rm -rf "${TMPDIR:?}"/*
	else
		pass "$name"
	fi
}

refused "missing TARGET: named, exit 2, nothing created" 2 \
	"TARGET $S/nope does not exist: give an existing file" drill "$S/nope"
check "missing TARGET is not created" "$S/nope exists" test ! -e "$S/nope"
refused "a character device that is not storage is refused" 2 \
	"/dev/zero is a character device that is not an NVMe generic device" drill /dev/zero
refused "unknown engine (drill) names the known ones" 2 \
	"unknown engine 'bogus': the engines are sync nil" drill "$S/f" --engines sync,bogus
refused "unknown engine (tune) names the known ones" 2 \
	"unknown engine 'bogus': the engines are sync nil" tune "$S/f" --engine bogus
refused "iodepth 0 is refused" 2 "--iodepth 0 is outside 1..65535" drill "$S/f" --iodepth 0
refused "iodepth 65536 is refused" 2 "--iodepth 65536 is outside 1..65535" drill "$S/f" --iodepth 65536
refused "tune's depth limit outside its sweep is refused" 2 "--max-iodepth 2048 is outside 1..1024" \
	tune "$S/f" --engine nil --max-iodepth 2048
refused "tune without TARGET" 2 "tune: no TARGET" tune --engine nil
IODRILL_FIO=$S/no-fio refused "fio missing: says how to install it" 1 \
	"fio not found or not runnable at $S/no-fio: install it" drill "$S/f"
printf '#!/bin/sh\necho fio-3.99\n' >"$S/fio-3.99" && chmod +x "$S/fio-3.99"
IODRILL_FIO=$S/fio-3.99 refused "another fio version: says to rebuild" 1 \
	"is fio-3.99, but the engines were built for fio-3.33: re-run ./configure && make" drill "$S/f"

if [ "$(id -u)" = 0 ]; then
	mkdir -p "$S/ro" && mount -t tmpfs -o ro,size=1M tmpfs "$S/ro" && at_exit "umount '$S/ro'"
	refused "a folder on a read-only filesystem: says so, exit 2" 2 \
		"$S/ro is on a read-only filesystem: the drill needs to create" drill "$S/ro"
else
	skip "a folder on a read-only filesystem" "mounting a read-only tmpfs needs root"
fi

# A device this user cannot read: a loop device (root:root 0600 here) as nobody.
why=$(loop_why)
if [ -z "$why" ] && command -v setpriv >/dev/null; then
	truncate -s 16M "$S/img" && dev=$(loopdev "$S/img")
	chmod 0777 "$TMPDIR" && chmod 0711 "$S"
	out=$S/nobody
	setpriv --reuid=65534 --regid=65534 --clear-groups "$IODRILL" drill "$dev" --no-png \
		>"$out.out" 2>"$out.err"
	rc=$?
	if [ "$rc" = 2 ] && grep -q "cannot read $dev as uid 65534: Permission denied" "$out.err" &&
		[ -z "$(ls -A "$TMPDIR")" ]; then
		pass "a device this user cannot read: names it, the uid and what to do"
	else
		fail "unreadable device" "rc=$rc: $(head -c 300 "$out.err"); left: $(ls -A "$TMPDIR")"
	fi
else
	skip "a device this user cannot read" "${why:-setpriv missing}"
fi

# lacks TEXT FILE: FILE does not contain TEXT.
lacks() { ! grep -qF -- "$1" "$2"; }

# interrupted NAME SIGNAL WHEN ARGS...: start iodrill, send SIGNAL once the command WHEN
# succeeds, expect exit 128+N, an empty TMPDIR, and no fio still running on the target.
interrupted()
{
	local name=$1 sig=$2 when=$3 out=$S/int-$RANDOM pid rc i want
	shift 3
	LAST=$out
	"$IODRILL" "$@" >"$out.out" 2>"$out.err" &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		OUT=$out eval "$when" 2>/dev/null && break
		sleep 0.05
	done
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	want=$((128 + $(kill -l "$sig")))
	sleep 0.2
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, not $want: $(tail -c 300 "$out.err")"
	elif [ -n "$(ls -A "$TMPDIR")" ]; then
		fail "$name" "left behind: $(ls -A "$TMPDIR")"
	elif pgrep -f "$S" >/dev/null; then
		fail "$name" "still running: $(pgrep -af "$S" | head -3)"
	elif ! grep -q "stopped by" "$out.err"; then
		fail "$name" "no message saying it stopped: $(tail -c 300 "$out.err")"
	else
		pass "$name"
	fi
}

interrupted "Ctrl-C (SIGINT) mid-drill: exit 130, folder removed, fio stopped" INT \
	'grep -q "repetition 2/" $OUT.err' drill "$S/f" --reps 500 --no-png
interrupted "SIGTERM mid-drill: exit 143, folder removed, fio stopped" TERM \
	'grep -q "repetition 2/" $OUT.err' drill "$S/f" --reps 500 --no-png
interrupted "Ctrl-C while the drill file is written: exit 130, nothing left" INT \
	'[ -n "$(find "$TMPDIR" -name drill.dat -size +1M)" ]' drill --size 2G --no-png
check "... and it was stopped while writing, before any fio run" "it got as far as: \
$(tail -c 200 "$LAST.err")" lacks "iodrill: drill on" "$LAST.err"
interrupted "Ctrl-C mid-sweep (tune): exit 130, folder removed, fio stopped" INT \
	'grep -q "iodepth 2 " $OUT.err' tune "$S/f" --engine nil --runtime 2000 --ramp 0 --no-png
finish
