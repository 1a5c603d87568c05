#!/usr/bin/env bash
# iodrill drill and tune on bad input: a missing target, a folder on a read-only
# filesystem, a device this user cannot read, a device that is not storage, an unknown
# engine, an iodepth outside 1..1000, fio missing or of another version. Each: a clear
# message, a non-zero exit, and nothing left behind; so is an archive folder that cannot
# be written (refused before the run) and one that fills up while storing (the table is
# printed, the exit is 1, the run's files are kept). Then Ctrl-C (SIGINT) and SIGTERM in
# the middle of a run: exit 128+N, the run's folder and the drill file removed, no fio
# left, and what completed stored in the archive with status "interrupted" (nothing when
# no fio run finished: Ctrl-C while the drill file is written).
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
refused "iodepth 0 is refused" 2 "--iodepth 0 is outside 1..1000" drill "$S/f" --iodepth 0
refused "iodepth 1001 is refused (the drill has 1,000 reads)" 2 "--iodepth 1001 is outside 1..1000" drill "$S/f" --iodepth 1001
refused "tune's depth limit outside its sweep is refused" 2 "--max-iodepth 2048 is outside 1..1024" \
	tune "$S/f" --engine nil --max-iodepth 2048
refused "tune without TARGET" 2 "tune: no TARGET" tune --engine nil
refused "--results with --no-archive is refused" 2 "give one of them" \
	drill "$S/f" --results "$S/a" --no-archive
refused "an archive folder under a file is refused before the run" 2 \
	"cannot store the run in the results archive $S/f/archive \\($S/f/archive: Not a directory\\): give --results DIR where you can write, or --no-archive" \
	tune "$S/f" --engine nil --results "$S/f/archive"
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
	# --no-archive: nobody cannot write the scratch archive, which is checked first
	setpriv --reuid=65534 --regid=65534 --clear-groups "$IODRILL" drill "$dev" --no-png \
		--no-archive >"$out.out" 2>"$out.err"
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

# stored_interrupted NAME ARCHIVE KIND JQ: ARCHIVE holds one run, of KIND, status
# interrupted, said on stderr, and JQ holds on iodrill results show --json of it.
stored_interrupted()
{
	local name=$1 a=$2 kind=$3 cond=$4 list
	list=$("$IODRILL" results list --results "$a" --json 2>&1)
	if [ "$(jq -c '[.devices[].runs[] | [.kind, .status]]' <<<"$list")" != "[[\"$kind\",\"interrupted\"]]" ]; then
		fail "$name" "not one $kind run, interrupted: $(head -c 300 <<<"$list")"
	elif ! grep -q "stored (interrupted) in the results archive: $a/" "$LAST.err"; then
		fail "$name" "not said: $(tail -c 300 "$LAST.err")"
	elif ! "$IODRILL" results show latest --results "$a" --json | jq -e "$cond" >/dev/null; then
		fail "$name" "$(set -o pipefail; "$IODRILL" results show latest --results "$a" --json 2>&1 |
			jq -c '[.jobs[] | [.engine, .iodepth, .read.ios]]' 2>&1 | head -c 300)"
	else
		pass "$name"
	fi
}

interrupted "Ctrl-C (SIGINT) mid-drill: exit 130, folder removed, fio stopped" INT \
	'grep -q "repetition 2/" $OUT.err' drill "$S/f" --reps 500 --no-png --results "$S/int-drill"
# Repetition 1 ran every engine to the end: at least sync and nil are stored, 1,000 reads
# each (the other engines built here too: threadpool, kaio, ...).
stored_interrupted "... what ran is stored, status interrupted, each complete fio run with 1,000 reads" \
	"$S/int-drill" drill '([.jobs[] | select(.read.ios == 1000)] | length >= 2) and
	([.jobs[] | select(.read.ios == 1000) | .engine] | contains(["nil", "sync"])) and
	.provenance.status == "interrupted"'
interrupted "SIGTERM mid-drill: exit 143, folder removed, fio stopped" TERM \
	'grep -q "repetition 2/" $OUT.err' drill "$S/f" --reps 500 --no-png --results "$S/int-term"
stored_interrupted "... SIGTERM: stored as interrupted too" "$S/int-term" drill '.jobs | length >= 2'
interrupted "Ctrl-C while the drill file is written: exit 130, nothing left" INT \
	'[ -n "$(find "$TMPDIR" -name drill.dat -size +1M)" ]' drill --size 2G --no-png \
	--results "$S/int-none"
check "... and it was stopped while writing, before any fio run" "it got as far as: \
$(tail -c 200 "$LAST.err")" lacks "iodrill: drill on" "$LAST.err"
# No fio run finished: nothing is stored (no empty run), and that is said.
check "... nothing completed: nothing stored in the archive, and said" "$(ls -R "$S/int-none" 2>&1 |
	head -3); $(tail -c 200 "$LAST.err")" eval '[ ! -e "$S/int-none" ] &&
	grep -q "nothing stored in the results archive: no fio run was started" "$LAST.err"'
interrupted "Ctrl-C mid-sweep (tune): exit 130, folder removed, fio stopped" INT \
	'grep -q "iodepth 2 " $OUT.err' tune "$S/f" --engine nil --runtime 2000 --ramp 0 --no-png \
	--results "$S/int-tune"
stored_interrupted "... the depths that ran are stored, status interrupted" "$S/int-tune" tune \
	'[.jobs[] | select(.iodepth == 1 and .read.ios > 0)] | length == 1'

# An archive that fills up while the run is stored: the table is still printed, the exit
# is 1, the message says why, nothing is left in the archive, and the run's files are kept.
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$S/full" && mount -t tmpfs -o size=4k tmpfs "$S/full" && at_exit "umount '$S/full'"
	"$IODRILL" drill "$S/f" --reps 1 --no-png --engines nil --results "$S/full/archive" \
		>"$S/full.out" 2>"$S/full.err"
	rc=$?
	kept=$(sed -n "s/^iodrill: the run's files are in //p" "$S/full.err")
	if [ "$rc" = 1 ] && grep -q '^nil (no I/O) ' "$S/full.out" &&
		grep -q 'drill: not stored in the results archive: .*No space left on device' "$S/full.err" &&
		[ -z "$(ls -A "$S/full")" ] && [ -f "$kept/manifest.json" ] && [ -f "$kept/r01-nil.json" ]; then
		pass "archive full: table printed, exit 1, says why, archive untouched, run's files kept"
	else
		fail "archive full" "rc=$rc, kept '$kept', archive: $(ls -A "$S/full"); $(tail -c 300 "$S/full.err")"
	fi
	[ -n "$kept" ] && rm -rf "$kept"
else
	skip "an archive that fills up while storing" "mounting a small tmpfs needs root"
fi
finish
