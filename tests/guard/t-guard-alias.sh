#!/usr/bin/env bash
# The write guard sees through aliases (issue 19), on the host's loop devices: an ext4 image
# attached as loop device A (its first 32 MiB) and mounted; a second loop device over the
# same file at a 1 MiB offset (B), one at offset 0 with a 1 MiB size limit (C), one past
# A's end (D), and the image file itself. Writes through B, C and the file are refused with
# a message naming both devices, the mount and the override, while A is mounted, and (the
# file) while A still holds the filesystem after umount; the image's bytes under A keep
# their checksum through every refused run; D is written (no overlap), the file too after
# wipefs; reads are never refused; each printed override lets the write through.
# `iodrill devices` says the same. The first engine runs every case; the others show
# that they open through the guard (B and the file refused, the file read).
. "$(dirname "$0")/../lib.sh"

needs_loops "write guard through loop device aliases" mkfs.ext4 wipefs mount md5sum jq

S=$(scratch)
IMG=$S/img
A_BYTES=$((32 << 20))

# loop_at FILE [LOSETUP-OPTION...]: attach FILE with direct I/O; detached at exit.
loop_at()
{
	local dev f=$1
	shift
	dev=$(losetup -f --show --direct-io=on "$@" "$f") || return 1
	at_exit "losetup -d '$dev'"
	echo "$dev"
}

# a_sum: the checksum of the image's bytes under A (the filesystem's, used or not).
a_sum() { head -c "$A_BYTES" "$IMG" | md5sum | cut -d' ' -f1; }

truncate -s 64M "$IMG"
# (C stays attached to the end: detaching a loop device early could, at exit, detach
# the same number attached meanwhile by another test.)
A=$(loop_at "$IMG" --sizelimit "$A_BYTES") && B=$(loop_at "$IMG" --offset 1048576) &&
	C=$(loop_at "$IMG" --sizelimit 1048576) && D=$(loop_at "$IMG" --offset "$A_BYTES") ||
	{ fail "losetup" "cannot attach $IMG at offsets"; finish; }
mkfs.ext4 -q -F "$A" && mount_at "$A" "$S/mnt" ro,noload ||
	{ fail "mkfs/mount" "mkfs.ext4 or mount of $A failed"; finish; }
a=${A#/dev/}
MNT=$S/mnt
SUM_A=$(a_sum)

# refused_alias ENGINE NAME REGEX TARGET [FIO-ARG...]: refused, and A's bytes unchanged.
refused_alias()
{
	CHECK_DEV=$IMG SUM_BYTES=$A_BYTES guard_refused "$@"
}

mounted_cases()
{
	local e=$1
	refused_alias "$e" "a loop device at an offset into a mounted image refused" \
		"refusing to write to $B: it overlaps $A \(both reach bytes 1048576-33554431 of $IMG\): $a is mounted on $MNT \(ext4\); ext4 signature on $a at offset 1080\. Nothing was written\. To destroy what is on $A, add allow_overwrite=$A to the job \(it names that device only\)\.$" \
		"$B"
	# C (below) sees the filesystem's superblock too: it is named as well, in any order.
	refused_alias "$e" "the image file itself refused while mounted" \
		"refusing to write to $IMG: (.*; )?it backs $A \(bytes 0-33554431 of $IMG\): $a is mounted on $MNT \(ext4\).*add allow_overwrite=([^ ]*:)?$A(:[^ ]*)? to the job" \
		"$IMG"
	guard_read_ok "$e" "reads through the aliasing loop device are never refused" "$B"
	guard_read_ok "$e" "reads of the mounted image file are never refused" "$IMG"
}

sync_cases()
{
	local e=$1
	# It holds the start of the filesystem, its superblock: that is found on it as well.
	refused_alias "$e" "a loop device at offset 0 with a size limit inside the filesystem refused" \
		"refusing to write to $C: ext4 signature on ${C#/dev/} at offset 1080; it overlaps $A \(both reach bytes 0-1048575 of $IMG\): $a is mounted on $MNT \(ext4\).*add allow_overwrite=$C:$A to the job \(it names these devices only\)" \
		"$C"
	refused_alias "$e" "naming the target is not naming what it would destroy" \
		"allow_overwrite=$B does not name $A\." "$B" --allow_overwrite="$B"
	refused_alias "$e" "a write at an offset into the file is refused the same" \
		"it backs $A" "$IMG" --offset=40M
	CHECK_DEV=$D guard_allowed "$e" "a loop device past the filesystem's end is written" "$D"
	check "$e: the image's filesystem bytes did not change through D" "$(a_sum) vs $SUM_A" \
		test "$(a_sum)" = "$SUM_A"
}

# The listing says the same as the guard (look-only: nothing held, nothing changed).
listing_cases()
{
	local out=$S/devices
	"$TOP/iodrill" devices "$A" "$B" "$C" "$D" >"$out.txt" 2>"$out.err"
	check "iodrill devices: the aliasing loop device is not safe to write, and says why" \
		"$(grep -F "$B " "$out.txt")" \
		grep -qE "^$B .* no: overlaps $A, mounted on $MNT, ext4$" "$out.txt"
	check "iodrill devices: the size-limited alias too" "$(grep -F "$C " "$out.txt")" \
		grep -qE "^$C .* no: ext4, overlaps $A, mounted on $MNT, ext4$" "$out.txt"
	check "iodrill devices: the loop device past the filesystem is safe" \
		"$(grep -F "$D " "$out.txt")" grep -qE "^$D .* yes$" "$out.txt"
	# Without root the alias's mount is still seen (the image's folder searchable).
	if command -v setpriv >/dev/null; then
		chmod 0711 "$S"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$TOP/iodrill" devices "$B" \
			>"$out.nobody" 2>&1
		check "iodrill devices as nobody: the mount through the alias is still seen" \
			"$(grep -F "$B " "$out.nobody")" \
			grep -qE "^$B .* no: overlaps $A, mounted on $MNT\$" "$out.nobody"
	else
		skip "iodrill devices as nobody" "setpriv not installed (util-linux)"
	fi
	"$TOP/iodrill" devices --json "$B" >"$out.json" 2>>"$out.err"
	check "iodrill devices --json: the finding names the alias, how and the bytes" \
		"$(jq -c '.devices[0].safe_to_write.findings[0]' "$out.json" 2>&1 | head -c 300)" \
		test "$(jq -r '.devices[0].safe_to_write.findings[] | select(.kind == "mount") | .via | "\(.device) \(.relation) \(.start) \(.end)"' "$out.json" 2>/dev/null)" = "$A overlaps 1048576 33554432"
}

engines=$(guard_engines file direct)
[ -n "$engines" ] || { fail "engines" "no engine with target file or direct is built"; finish; }
first=$(echo "$engines" | head -n 1)
for e in $engines; do
	GUARD_ARGS=()
	[ "$(engine_row "$e" | awk '{ print $5 }')" = direct ] && GUARD_ARGS=(--direct=1)
	mounted_cases "$e"
	[ "$e" = "$first" ] && sync_cases "$e"
done
listing_cases
check "the image's filesystem bytes unchanged by every refused run while mounted" \
	"$(a_sum) vs $SUM_A" test "$(a_sum)" = "$SUM_A"

# Unmounted, the filesystem still in it: the file and B still refused, as a filesystem.
e=$first
GUARD_ARGS=()
[ "$(engine_row "$e" | awk '{ print $5 }')" = direct ] && GUARD_ARGS=(--direct=1)
umount "$MNT" || { fail "umount" "umount $MNT failed"; finish; }
refused_alias "$e" "the image file refused after umount: the filesystem is still in it" \
	"refusing to write to $IMG: (.*; )?it backs $A \(bytes 0-33554431 of $IMG\): ext4 signature on $a at offset 1080[.;].*add allow_overwrite=([^ ]*:)?$A(:[^ ]*)? to the job" \
	"$IMG"
file_value=$(guard_suggested)
refused_alias "$e" "the aliasing loop device refused after umount" \
	"it overlaps $A .*: ext4 signature on $a at offset 1080" "$B"
check "the image's filesystem bytes unchanged by the refused runs after umount" \
	"$(a_sum) vs $SUM_A" test "$(a_sum)" = "$SUM_A"

# The printed overrides work, for the alias and for the file (each writes into the
# filesystem: last, on a fresh one).
CHECK_DEV=$IMG SUM_BYTES=$A_BYTES guard_allowed "$e" \
	"allow_overwrite=$A lets the write through the aliasing loop device" "$B" --allow_overwrite="$A"
mkfs.ext4 -q -F "$A"
CHECK_DEV=$IMG SUM_BYTES=$A_BYTES guard_allowed "$e" \
	"the printed allow_overwrite=$file_value lets the write into the image file" "$IMG" \
	--allow_overwrite="$file_value"

# After wipefs nothing is on A: the file is written, and says what it backs.
mkfs.ext4 -q -F "$A" && wipefs -q -a "$A" || { fail "wipefs" "mkfs/wipefs on $A failed"; finish; }
CHECK_DEV=$IMG SUM_BYTES=$A_BYTES guard_allowed "$e" "the image file after wipefs is written" "$IMG"
check "$e: the image file's announcement says what it backs" "$(head -c 300 "$GUARD_SAY")" \
	grep -q "^writing to $IMG (a regular file backing .*$A.*): no filesystem, partition table, mount or holder on .*$A (backed by it)" "$GUARD_SAY"
finish
