#!/usr/bin/env bash
# iodrill precondition: bad input is refused before fio runs, with a message naming the
# argument (no TARGET, a missing file, a folder, a read-only loop device, a file on a
# read-only filesystem); the engines' write guard refuses a loop device holding a
# filesystem, one with a partition table and a mounted one, with nothing written
# (checksum before and after) and nothing stored, and the refusal names this command's
# --allow-overwrite, which then works; a device is written whole in fio runs of --chunk,
# with progress, stored as a precondition run whose parts add up to the device; --size
# writes only the first part; a file whose size is not a whole number of 128 KiB writes
# is written to its last byte.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
IODRILL=$TOP/iodrill
A=$S/archive

quiet() { "$@" >/dev/null; }

# pre NAME RC REGEX ARGS...: iodrill precondition ARGS exits RC and its stderr matches REGEX.
pre()
{
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$IODRILL" precondition "$@" >"$S/out" 2>"$S/err"
	rc=$?
	check "$name" "rc=$rc (want $want): $(head -c 400 "$S/err")" \
		eval '[ "$rc" = "$want" ] && grep -qE -- "$re" "$S/err" && ! grep -q "Segmentation\|Aborted" "$S/err"'
}

# ---- bad input (no root needed) -------------------------------------------------------------
pre "no TARGET: usage, exit 2" 2 "precondition: no TARGET; usage: iodrill precondition TARGET"
pre "a missing file: named, never created, exit 2" 2 \
	"$S/nope: No such file or directory: precondition writes an existing file or device and never creates one" \
	"$S/nope"
check "a missing file: not created" "$S/nope exists" test ! -e "$S/nope"
pre "a folder: exit 2" 2 "$S is a folder: give a file or a device" "$S"
pre "two targets: exit 2" 2 "one TARGET only" "$S/a" "$S/b"
pre "--size below one write: exit 2" 2 "--size 4k is not a size of at least 128K" "$S/a" --size 4k
pre "an unknown option: exit 2" 2 "unknown or incomplete option '--bogus'" "$S/a" --bogus
pre "/dev/zero, a character device: exit 2" 2 "/dev/zero is a character device" /dev/zero

why=$(loop_why)
for tool in mkfs.ext4 sfdisk mount md5sum; do
	[ -n "$why" ] || command -v $tool >/dev/null || why="$tool not installed"
done
if [ -n "$why" ]; then
	skip "precondition on loop devices" "$why"
	finish
fi

# A file on a read-only filesystem, a read-only loop device.
mkdir -p "$S/ro"
if mount -t tmpfs -o size=8M tmpfs "$S/ro" && at_exit "umount '$S/ro'" &&
	truncate -s 4M "$S/ro/f" && mount -o remount,ro "$S/ro"; then
	pre "a file on a read-only filesystem: exit 2, said" 2 \
		"cannot write $S/ro/f: Read-only file system \(a read-only target cannot be preconditioned\)" \
		"$S/ro/f"
else
	fail "a read-only filesystem" "could not mount one"
fi
truncate -s 16M "$S/ro.img"
if dev=$(losetup -r -f --show "$S/ro.img") && at_exit "losetup -d '$dev'"; then
	pre "a read-only loop device: exit 2, said" 2 "cannot write $dev: .*read-only" "$dev"
else
	fail "a read-only loop device" "losetup -r failed"
fi

# ---- the guard: refused, nothing written, nothing stored ----------------------------------------
# refused NAME DEV REGEX [OVERRIDE]: precondition DEV fails (exit 1) naming REGEX, DEV's
# checksum unchanged, nothing in the archive; with OVERRIDE, the refusal names
# --allow-overwrite (a mounted device has none: fio's own check refuses it first).
refused()
{
	local name=$1 d=$2 re=$3 before after
	before=$(dev_sum "$d")
	pre "$name: refused, exit 1" 1 "nothing written to $d: .*$re" "$d" --results "$A"
	after=$(dev_sum "$d")
	check "$name: checksum the same before and after" "$before -> $after" test "$before" = "$after"
	[ -z "${4:-}" ] || check "$name: the refusal names --allow-overwrite" "$(tail -c 300 "$S/err")" \
		grep -q "iodrill precondition $d --allow-overwrite " "$S/err"
	check "$name: nothing stored" "$(ls -R "$A" 2>&1 | head -5)" test ! -e "$A"
}

truncate -s 32M "$S/fs.img"
mkfs.ext4 -q "$S/fs.img"
fsdev=$(loopdev "$S/fs.img")
refused "a loop device holding ext4" "$fsdev" "ext4" override
truncate -s 32M "$S/pt.img"
ptdev=$(loopdev "$S/pt.img")
echo 'start=2048, type=83' | sfdisk -q "$ptdev" >/dev/null 2>&1
refused "a loop device with an MBR partition table" "$ptdev" "dos" override
truncate -s 32M "$S/mnt.img"
mkfs.ext4 -q "$S/mnt.img"
mntdev=$(loopdev "$S/mnt.img")
# mounted read-only: ext4 writes to a device mounted rw by itself (lazy init, its journal)
if mount_at "$mntdev" "$S/mnt" ro; then
	refused "a mounted loop device" "$mntdev" "mounted"
else
	fail "a mounted loop device" "could not mount it"
fi

# The override the refusal printed: the ext4 device is written whole.
ov=$(sed -n 's/.*--allow-overwrite \([^ ]*\)$/\1/p' <(
	"$IODRILL" precondition "$fsdev" --no-archive 2>&1))
"$IODRILL" precondition "$fsdev" --allow-overwrite "$ov" --no-archive >"$S/ov.out" 2>"$S/ov.err"
rc=$?
check "--allow-overwrite $ov: written, the filesystem gone" "rc=$rc: $(tail -c 300 "$S/ov.err")" \
	eval '[ "$rc" = 0 ] && [ -n "$ov" ] && ! blkid -p "$fsdev" >/dev/null 2>&1 &&
		[ "$(zero_blocks "$S/fs.img")" = 0 ]'

# ---- writing: chunks, progress, the record ---------------------------------------------------
truncate -s 64M "$S/blank.img"
blank=$(loopdev "$S/blank.img")
"$IODRILL" precondition "$blank" --chunk 16M --results "$A" --json >"$S/w.json" 2>"$S/w.err"
rc=$?
check "64 MiB in --chunk 16M: exit 0, 4 fio runs, every block written" \
	"rc=$rc, $(jq -c '{written_bytes, fio_runs}' "$S/w.json" 2>&1), $(zero_blocks "$S/blank.img") zero blocks" \
	eval '[ "$rc" = 0 ] && quiet jq -e ".written_bytes == 67108864 and .fio_runs == 4" "$S/w.json" &&
		[ "$(zero_blocks "$S/blank.img")" = 0 ]'
check "progress on stderr: 25%, 50%, 75%, 100%" "$(grep -c '%' "$S/w.err") lines: $(head -c 300 "$S/w.err")" \
	eval '[ "$(grep -cE "precondition $blank: +(25|50|75|100)% \([0-9]+ MiB of 64 MiB\)" "$S/w.err")" = 4 ]'
id=$(jq -r '.archive.id' "$S/w.json")
"$IODRILL" results show "$id" --results "$A" --json >"$S/show.json" 2>"$S/show.err"
check "stored: kind precondition, complete, 4 parts of sequential 128k writes adding up to 64 MiB" \
	"$(jq -c '[.provenance.kind, .provenance.status, [.jobs[] | [.engine, .rw, .bs, .write.bytes]]]' "$S/show.json" 2>&1 | head -c 400)" \
	quiet jq -e '.provenance.kind == "precondition" and .provenance.status == "complete" and
		(.jobs | length) == 4 and ([.jobs[] | select(.engine == "sync" and .rw == "write"
		and .bs == "128k")] | length) == 4 and ([.jobs[].write.bytes] | add) == 67108864
		and .provenance.facts.written_bytes == 67108864' "$S/show.json"

# --size: only the first MiB of a fresh device.
truncate -s 32M "$S/part.img"
partdev=$(loopdev "$S/part.img")
"$IODRILL" precondition "$partdev" --size 1M --no-archive >/dev/null 2>"$S/p.err"
rc=$?
check "--size 1M: the first MiB written, the rest not" "rc=$rc, $(zero_blocks "$S/part.img") zero blocks" \
	eval '[ "$rc" = 0 ] && [ "$(zero_blocks "$S/part.img")" = $(((32 - 1) * 256)) ] &&
		[ "$(head -c 1M "$S/part.img" | od -An -tx1 -v | tr -d " \n0" | wc -c)" -gt 0 ]'

# A regular file of 1 MiB + 4 KiB: the last 4 KiB too (bs of the tail).
truncate -s $((1024 * 1024 + 4096)) "$S/odd.dat"
"$IODRILL" precondition "$S/odd.dat" --no-archive >/dev/null 2>"$S/o.err"
rc=$?
check "a file of 1 MiB + 4 KiB: written to its last byte, its size unchanged" \
	"rc=$rc, $(zero_blocks "$S/odd.dat") zero blocks, size $(stat -c %s "$S/odd.dat"): $(tail -c 300 "$S/o.err")" \
	eval '[ "$rc" = 0 ] && [ "$(zero_blocks "$S/odd.dat")" = 0 ] && [ "$(stat -c %s "$S/odd.dat")" = 1052672 ]'
finish
