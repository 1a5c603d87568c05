#!/usr/bin/env bash
# The archive's writes are atomic: a writer killed (kill -9) before its rename, or in the
# middle of writing the file, leaves no visible result and nothing half-read; eight
# writers at the same millisecond all land; a full disk (a small tmpfs) and a writer
# without permission each get a clear message and change nothing in the archive.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/results/lib.sh"

S=$(scratch)
A=$S/archive
export IODRILL_RESULTS=$A
fio_nil_sync "$S/r" || { fail "fio run" "$(head -c 300 "$S/r.err")"; finish; }
add() { "$IODRILL" results add --sidecar "$S/r.sc" "$@" "$S/r.json"; }

# kill_traced PID: kill -9 the iodrill strace PID runs (its child, by id), then strace
kill_traced()
{
	local child
	child=$(pgrep -P "$1")
	[ -n "$child" ] && kill -9 $child 2>/dev/null
	kill -9 "$1" 2>/dev/null
}

# killed writer: strace holds the process at a system call, we kill -9 it there
killed_at()	# NAME INJECT: start a store under strace, kill -9 it at the injected delay
{
	local name=$1 inject=$2 before pid i
	before=$(archive_sum "$A")
	strace -f -qq -o /dev/null -e inject="$inject" "$IODRILL" results add --sidecar "$S/r.sc" \
		"$S/r.json" >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 50); do	# wait for its temporary file to appear
		[ -n "$(find "$A" -name '.tmp-*' 2>/dev/null | head -1)" ] && break
		sleep 0.1
	done
	sleep 0.3
	kill_traced "$pid"
	wait "$pid" 2>/dev/null
	local l
	l=$("$IODRILL" results list --json 2>&1)
	if [ "$(archive_sum "$A")" != "$before" ] && [ -n "$(find "$A" -name '.tmp-*')" ] &&
		[ "$(jq '[.devices[].runs[]] | length' <<<"$l")" = "$(jq '[.devices[].runs[]] | length' <<<"$L0")" ] &&
		[ "$(jq '.stale_temp_files' <<<"$l")" -ge 1 ]; then
		pass "$name: no visible result, its temporary file ignored and counted"
	else
		fail "$name" "list: $(head -c 300 <<<"$l"), temps: $(find "$A" -name '.tmp-*' | head -3)"
	fi
	find "$A" -name '.tmp-*' -prune -exec rm -rf {} +
}

if ! command -v strace >/dev/null; then
	skip "killed writers" "strace is not installed (apt-get install strace)"
else
	L0='{"devices":[]}'
	killed_at "writer of a new device killed before its rename" "renameat2:delay_enter=5s"
	add >/dev/null 2>&1
	L0=$("$IODRILL" results list --json)
	killed_at "writer into an existing device killed before its rename" "renameat2:delay_enter=5s"
	# several parts make a file larger than one 64 KiB write: kill between the writes
	set -- "$S/r.json" "$S/r.json" "$S/r.json" "$S/r.json" "$S/r.json" "$S/r.json"
	big=$(printf -- '--sidecar %s ' "$S/r.sc" "$S/r.sc" "$S/r.sc" "$S/r.sc" "$S/r.sc" "$S/r.sc")
	before=$(archive_sum "$A")
	# shellcheck disable=SC2086
	strace -f -qq -o /dev/null -e inject=write:delay_enter=5s:when=2 "$IODRILL" results add $big "$@" \
		>/dev/null 2>&1 &
	pid=$!
	sleep 1.5
	kill_traced "$pid"
	wait "$pid" 2>/dev/null
	part=$(find "$A" -name '.tmp-*' -size +1k | head -1)
	l=$("$IODRILL" results list --json 2>&1)
	if [ -n "$part" ] && ! jq -e . "$part" >/dev/null 2>&1 &&
		[ "$(jq '[.devices[].runs[]] | length' <<<"$l")" = 1 ]; then
		pass "writer killed mid-file: a half-written temporary file, never read as a result"
	else
		fail "writer killed mid-file" "partial=$part list=$(head -c 300 <<<"$l")"
	fi
	find "$A" -name '.tmp-*' -prune -exec rm -rf {} +
	expect "after the killed writers, a store succeeds" 0 "stored" add
fi

# eight writers at the same millisecond, into a new archive: all land, the device once
rm -rf "$A"
for i in 1 2 3 4 5 6 7 8; do add --time 2026-11-25T16:19:59.617Z >"$S/c$i.out" 2>&1 & done
wait
n=$(find "$A" -name '*.json' ! -name device.json | wc -l)
ids=$(cat "$S"/c*.out | grep -c '^stored 20261125T161959.617Z-fio-')
bad=0
for f in "$A"/*/2*.json; do jq -e .provenance.id "$f" >/dev/null || bad=$((bad + 1)); done
check "eight concurrent stores of the same moment: eight distinct runs, one device folder" \
	"runs=$n stored=$ids devices=$(ls "$A") unreadable=$bad $(cat "$S"/c*.out | grep -v ^stored | grep -v '^  in' | head -3)" \
	test "$n" = 8 -a "$ids" = 8 -a "$(ls "$A" | wc -l)" = 1 -a "$bad" = 0 \
	-a "$(ls "$A"/*/ | sort -u | grep -c json)" = 9

# a full disk: a 256 KiB tmpfs
if [ "$(id -u)" != 0 ]; then
	skip "disk full" "mounting a small tmpfs needs root"
else
	M=$S/small
	mkdir -p "$M"
	if mount -t tmpfs -o size=256k iodrill-test "$M"; then
		at_exit "umount '$M'"
		export IODRILL_RESULTS=$M/archive
		add >/dev/null || fail "disk full" "first store on the small tmpfs failed"
		dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null
		before=$(archive_sum "$M/archive")
		expect "disk full: a clear message" 1 "No space left on device" add
		check "disk full: nothing in the archive changed, no temporary left" \
			"$(find "$M/archive" | head)" test "$(archive_sum "$M/archive")" = "$before"
		expect "disk full: the earlier run still reads" 0 "sync-qd1" "$IODRILL" results show latest
		rm -rf "$M/archive"
		dd if=/dev/zero of="$M/fill2" bs=4k 2>/dev/null
		expect "disk full on a new archive: a clear message" 1 "nothing was stored" add
		check "disk full on a new archive: no folder left behind" "$(ls -A "$M")" \
			test ! -e "$M/archive"
		export IODRILL_RESULTS=$A
	else
		fail "disk full" "mount -t tmpfs failed"
	fi
fi

# no permission: another user stores into root's archive, reads a closed one
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	skip "no permission" "needs root and setpriv to run as another user"
else
	chmod 755 "$S"
	chmod o+r "$S"/r.*
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups env IODRILL_RESULTS="$A")
	before=$(archive_sum "$A")
	expect "no permission to write: a clear message" 1 "Permission denied" \
		"${nobody[@]}" "$IODRILL" results add --sidecar "$S/r.sc" "$S/r.json"
	check "no permission to write: nothing changed" "" test "$(archive_sum "$A")" = "$before"
	chmod 700 "$A"
	expect "no permission to read: a clear message" 1 "cannot read the results archive" \
		"${nobody[@]}" "$IODRILL" results list
	chmod 755 "$A"
	chmod 700 "$S"
fi
finish
