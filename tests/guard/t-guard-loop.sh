#!/usr/bin/env bash
# The destructive-write guard on the host's loop devices, through every built engine that
# writes to files or devices (engines.tbl target file or direct): a blank device is
# written (and says so first); a filesystem, an MBR or GPT partition table, a filesystem
# inside a partition, a mounted partition or whole device (also through a symlink alias,
# and by name with fio's own allow_mounted_write=1 out of the way), and a device another
# fio run holds are refused with a message naming what was found and the exact override,
# and the target's checksum is the same before and after; the printed override works;
# "yes" is refused up front; reads are never refused; regular files are not guarded;
# jobs of one run share the device. The first engine (sync) runs all of it, the others
# the cases that prove they open through the guard.
. "$(dirname "$0")/../lib.sh"

needs_loops "write guard on loop devices" mkfs.ext4 sfdisk partx blkid mount md5sum

S=$(scratch)

# fresh_loop NAME [SIZE]: a new blank image and its loop device (partition scanning on).
fresh_loop()
{
	truncate -s "${2:-32M}" "$S/$1.img" && loopdev_parts "$S/$1.img"
}

# other_run ENGINE DEV: while one fio run writes DEV (at 16 MiB), a second run's write
# (at 0) is refused as "in exclusive use"; its region is unchanged.
other_run()
{
	local e=$1 d=$2 bg i
	# In normal output mode the announcement goes to fio's log: the --output file.
	"$FIO" --name=bg --ioengine="external:$ENGINES/$e.so" --filename="$d" --rw=write \
		--bs=4k --offset=16M --size=1M --time_based --runtime=20 "${GUARD_ARGS[@]}" \
		--output="$S/$e-bg.out" 2>"$S/$e-bg.err" &
	bg=$!
	at_exit "kill $bg"
	for i in $(seq 50); do grep -qs "writing to" "$S/$e-bg.out" && break; sleep 0.1; done
	SUM_BYTES=1048576 guard_refused "$e" "a device another fio run writes is refused" \
		"refusing to write to $d: ${d#/dev/} is in exclusive use by another program" "$d"
	kill -INT "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
}

# unprivileged ENGINE DEV: a user who cannot open DEV is told so, naming it; DEV unchanged.
unprivileged()
{
	local e=$1 d=$2 before rc
	if ! command -v setpriv >/dev/null; then
		skip "$e: a device the user cannot open" "setpriv not installed (util-linux)"
		return
	fi
	chmod 0711 "$S" && mkdir -p -m 0777 "$S/nobody"
	before=$(dev_sum "$d")
	setpriv --reuid=65534 --regid=65534 --clear-groups "$FIO" --name=g \
		--ioengine="external:$ENGINES/$e.so" --filename="$d" --rw=write --bs=4k --size=1M \
		"${GUARD_ARGS[@]}" --output="$S/nobody/out.json" >"$S/nobody/err" 2>&1
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" -lt 128 ] && [ "$(dev_sum "$d")" = "$before" ] &&
		grep -q "filename=$d: cannot open $d to check it before writing: Permission denied" \
			"$S/nobody/err" "$S/nobody/out.json"; then
		pass "$e: a device the user cannot open: refused, naming it; nothing written"
	else
		fail "$e: a device the user cannot open" "rc=$rc: $(cat "$S/nobody/err" "$S/nobody/out.json" 2>/dev/null | grep -m2 -E 'iodrill|err' | head -c 400)"
	fi
}

# held_run ENGINE DEV: DEV holds ext4; while a run writes it (override given, at 16 MiB),
# mounting it fails: the claim is held for the whole run, not just checked at open.
held_run()
{
	local e=$1 d=$2 bg i
	"$FIO" --name=bg --ioengine="external:$ENGINES/$e.so" --filename="$d" --rw=write \
		--bs=4k --offset=16M --size=1M --time_based --runtime=20 --allow_overwrite="$d" \
		"${GUARD_ARGS[@]}" --output="$S/$e-held.out" 2>"$S/$e-held.err" &
	bg=$!
	at_exit "kill $bg"
	for i in $(seq 50); do grep -qs "writing to" "$S/$e-held.out" && break; sleep 0.1; done
	mkdir -p "$S/$e-m2"
	if mount -o ro,noload "$d" "$S/$e-m2" 2>"$S/$e-m2.err"; then
		umount "$S/$e-m2"
		fail "$e: the claim is held for the run" "mounting $d succeeded while fio wrote to it"
	else
		check "$e: the claim is held for the run: mounting meanwhile fails (busy)" \
			"mount said: $(cat "$S/$e-m2.err")" grep -qi busy "$S/$e-m2.err"
	fi
	kill -INT "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
}

guard_engine()
{
	local e=$1 d p a m
	# A blank device: written, and the line before the first write names it.
	d=$(fresh_loop "$e-blank") || { fail "$e: losetup" "failed"; return; }
	guard_allowed "$e" "blank loop device written" "$d"
	check "$e: announcement names the device, kind and size" "$(head -c 300 "$GUARD_SAY")" \
		grep -qE "^writing to $d \(loop over $S/$e-blank.img, 32.0 MiB, 512 B blocks\): no filesystem" "$GUARD_SAY"

	# Jobs of one run share the device (processes and threads); another run may not.
	guard_allowed "$e" "4 jobs of one run (processes) share the device" "$d" --numjobs=4 \
		--group_reporting --time_based --runtime=1
	check "$e: 4 jobs, each sidecar line says what it wrote to" "$(grep -c 'writing to' "$GUARD_SAY") lines" \
		test "$(grep -c "^writing to $d" "$GUARD_SAY")" = 4
	# (time_based: a job that ended before another started would release the claim.)
	"$FIO" "${NODU[@]}" --name=g --ioengine="external:$ENGINES/$e.so" --filename="$d" --rw=write --bs=4k \
		--size=1M --numjobs=4 --time_based --runtime=1 "${GUARD_ARGS[@]}" \
		>"$S/$e-4jobs.out" 2>"$S/$e-4jobs.err"
	check "$e: 4 jobs, one announcement on fio's log (normal output)" \
		"$(grep -c 'writing to' "$S/$e-4jobs.out") lines; stderr: $(head -c 200 "$S/$e-4jobs.err")" \
		bash -c "[ \"\$(grep -c 'iodrill-$e: writing to $d' '$S/$e-4jobs.out')\" = 1 ] && [ ! -s '$S/$e-4jobs.err' ]"
	guard_allowed "$e" "4 jobs of one run (threads) share the device" "$d" --numjobs=4 \
		--group_reporting --thread
	other_run "$e" "$d"
	unprivileged "$e" "$d"

	# A filesystem on the whole device; then the printed override, an alias, "yes".
	mkfs.ext4 -q -F "$d" || { fail "$e: mkfs" "mkfs.ext4 $d failed"; return; }
	guard_refused "$e" "ext4 refused, naming it and the override" \
		"refusing to write to $d: ext4 signature on ${d#/dev/} at offset 1080\. Nothing was written\..*add allow_overwrite=$d to the job" "$d"
	a=$(guard_suggested)
	ln -sf "$d" "$S/$e-alias"
	guard_refused "$e" "ext4 through a symlink alias refused" \
		"refusing to write to $S/$e-alias \($d\): ext4 signature" "$S/$e-alias"
	guard_refused "$e" "allow_overwrite=yes is refused before any I/O" \
		"allow_overwrite=yes: 'yes' names no device here" "$d" --allow_overwrite=yes
	guard_refused "$e" "allow_overwrite=1 is refused before any I/O" \
		"allow_overwrite=1: '1' names no device here" "$d" --allow_overwrite=1
	guard_refused "$e" "allow_overwrite naming another device does not override" \
		"allow_overwrite=/dev/null does not name this device" "$d" --allow_overwrite=/dev/null
	guard_refused "$e" "a read-write job is a write job" "ext4 signature" "$d" --rw=randrw
	guard_read_ok "$e" "reads of a device holding ext4 are never refused" "$d"
	guard_allowed "$e" "the printed override ($a) lets the write through" "$d" --allow_overwrite="$a"
	check "$e: the override is said before writing" "$(head -c 300 "$GUARD_SAY")" \
		grep -q "overwriting $d as allow_overwrite=$d asks: ext4 signature" "$GUARD_SAY"
	check "$e: the sidecar records what was overwritten" "$(head -c 300 "$GUARD_SC")" \
		test "$(jq -r .engine_facts.overwritten "$GUARD_SC" 2>&1)" = "$d"
	mkfs.ext4 -q -F "$d"
	held_run "$e" "$d"
	guard_allowed "$e" "the override through an alias path" "$S/$e-alias" --allow_overwrite="$S/$e-alias"

	# A regular file that backs no loop device is not guarded, even one holding a
	# filesystem image (tests/guard/t-guard-alias.sh: one that does).
	truncate -s 8M "$S/$e-fsfile" && mkfs.ext4 -q -F "$S/$e-fsfile" &&
		runfio "$S/$e-file" --name=g --ioengine="external:$ENGINES/$e.so" \
			--filename="$S/$e-fsfile" --rw=write --bs=4k --size=1M "${GUARD_ARGS[@]}" \
			--sidecar="$S/$e-file.sc"
	check "$e: a regular file holding ext4 is written, unguarded" \
		"$(head -c 300 "$S/$e-file.err") $(jq -c .engine_facts "$S/$e-file.sc" 2>&1 | head -c 200)" \
		bash -c "[ ! -s '$S/$e-file.err' ] && ! jq -e .engine_facts.guard '$S/$e-file.sc' >/dev/null && ! blkid -p '$S/$e-fsfile' >/dev/null"

	# Partition tables: MBR (whole device refused, its blank partition written), GPT
	# with ext4 inside a partition (both refused).
	p=$(fresh_loop "$e-mbr") || { fail "$e: losetup" "failed"; return; }
	printf 'label: dos\n,16M,L\n' | sfdisk -q "$p" >/dev/null 2>&1 && part_nodes "$p" ||
		{ fail "$e: sfdisk" "no ${p}p1 after writing an MBR"; return; }
	guard_refused "$e" "MBR partition table refused" "dos partition table on ${p#/dev/} at offset 510" "$p"
	CHECK_DEV=$p guard_allowed "$e" "a blank partition of a partitioned disk is written" "${p}p1"
	check "$e: the partition table survived the partition's write" "sfdisk -d changed" \
		bash -c "sfdisk -d '$p' 2>/dev/null | grep -q '${p}p1 : start=        2048, size=       32768, type=83'"

	p=$(fresh_loop "$e-gpt") || { fail "$e: losetup" "failed"; return; }
	printf 'label: gpt\n,16M,L\n' | sfdisk -q "$p" >/dev/null 2>&1 && part_nodes "$p" &&
		mkfs.ext4 -q -F "${p}p1" || { fail "$e: gpt" "sfdisk/mkfs on $p failed"; return; }
	guard_refused "$e" "GPT disk with ext4 in a partition refused, naming both" \
		"gpt partition table on ${p#/dev/} at offset 512; ext4 signature on ${p#/dev/}p1 at offset 1080" "$p"
	CHECK_DEV=$p guard_refused "$e" "the ext4 partition itself refused" \
		"refusing to write to ${p}p1: ext4 signature on ${p#/dev/}p1" "${p}p1"

	# Mounted (read-only, so the checksums hold still): the partition, then the whole
	# disk through an alias, and by name with fio's own name check switched off.
	mount_at "${p}p1" "$S/$e-mnt" ro,noload || { fail "$e: mount" "mount ${p}p1 failed"; return; }
	guard_refused "$e" "disk with a mounted partition refused (EBUSY)" \
		"${p#/dev/}p1 is mounted on $S/$e-mnt \(ext4\).*allow_mounted_write=1" "$p"
	check "$e: a mounted device is refused as busy" "$(grep -m1 'err=' "$GUARD_ERR")" \
		grep -q "error=Device or resource busy" "$GUARD_ERR"
	ln -sf "$p" "$S/$e-palias"
	guard_refused "$e" "disk with a mounted partition, through a symlink alias" \
		"refusing to write to $S/$e-palias \($p\): .*is mounted on $S/$e-mnt" "$S/$e-palias" \
		--allow_mounted_write=1
	CHECK_DEV=$p guard_refused "$e" "the mounted partition, fio's allow_mounted_write=1 set" \
		"${p#/dev/}p1 is mounted on $S/$e-mnt" "${p}p1" --allow_mounted_write=1
	guard_read_ok "$e" "reads of a mounted partition are never refused" "${p}p1"

	m=$(fresh_loop "$e-whole") && mkfs.ext4 -q -F "$m" && mount_at "$m" "$S/$e-wmnt" ro,noload ||
		{ fail "$e: whole-device mount" "failed"; return; }
	ln -sf "$m" "$S/$e-walias"
	guard_refused "$e" "mounted whole device through an alias (fio's name check misses it)" \
		"${m#/dev/} is mounted on $S/$e-wmnt" "$S/$e-walias"
}

# guard_short ENGINE: what proves an engine opens through the guard: a blank device
# written and announced, ext4 refused and the printed override honoured, a mounted device
# refused through an alias, reads untouched. (The guard itself is the core's; sync runs
# the whole matrix above.)
guard_short()
{
	local e=$1 d m
	d=$(fresh_loop "$e-blank") || { fail "$e: losetup" "failed"; return; }
	guard_allowed "$e" "blank loop device written" "$d"
	mkfs.ext4 -q -F "$d" || { fail "$e: mkfs" "mkfs.ext4 $d failed"; return; }
	guard_refused "$e" "ext4 refused" "refusing to write to $d: ext4 signature" "$d"
	guard_read_ok "$e" "reads of a device holding ext4 are never refused" "$d"
	guard_allowed "$e" "the printed override lets the write through" "$d" --allow_overwrite="$(guard_suggested)"
	m=$(fresh_loop "$e-whole") && mkfs.ext4 -q -F "$m" && mount_at "$m" "$S/$e-wmnt" ro,noload ||
		{ fail "$e: whole-device mount" "failed"; return; }
	ln -sf "$m" "$S/$e-walias"
	guard_refused "$e" "mounted whole device through an alias" \
		"${m#/dev/} is mounted on $S/$e-wmnt" "$S/$e-walias"
}

engines=$(awk '!/^#/ && NF == 5 && ($5 == "file" || $5 == "direct") { print $1 }' "$ENGINES/engines.tbl")
n=0
for e in $engines; do
	[ -f "$ENGINES/$e.so" ] || continue
	n=$((n + 1))
	GUARD_ARGS=()
	[ "$(engine_row "$e" | awk '{ print $5 }')" = direct ] && GUARD_ARGS=(--direct=1)
	if [ "$n" = 1 ]; then guard_engine "$e"; else guard_short "$e"; fi
done
[ "$n" -gt 0 ] || fail "engines" "no engine with target file or direct is built"
finish
