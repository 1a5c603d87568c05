#!/usr/bin/env bash
# `iodrill devices` on the host: loop devices blank, with ext4, and with a GPT whose
# first partition holds a mounted ext4 show the right "safe to write" in the table and
# in --json (which is valid JSON); a symlink alias and a partition are identified by
# PATH; listing writes nothing; without root (setpriv as nobody) it still lists, says
# what needs root, and still sees mounts; bad input (unknown option, missing or vanished
# device, a regular file) gets a clear message and exit status.
# NVMe namespaces are covered in the guest (tests/vm/t-nvme-devices.sh).
. "$(dirname "$0")/../lib.sh"

IODRILL=$TOP/iodrill
S=$(scratch)

# expect NAME RC REGEX CMD...: CMD exits RC and its stdout+stderr match REGEX.
expect()
{
	local name=$1 want=$2 re=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, wanted $want: $(head -c 300 <<<"$out")"
	elif ! grep -qE -- "$re" <<<"$out"; then
		fail "$name" "output does not match /$re/: $(head -c 400 <<<"$out")"
	else
		pass "$name"
	fi
}

# ---- bad input (no devices needed) ------------------------------------------------------
expect "unknown option names it and the help" 2 \
	"devices: unknown option '--bogus'; 'iodrill help devices' lists them" "$IODRILL" devices --bogus
expect "help devices" 0 "usage: iodrill devices \[--json\] \[--all\] \[PATH...\]" \
	"$IODRILL" help devices
expect "a missing device path" 1 "devices: /dev/iodrill-no-such-dev: no such device" \
	"$IODRILL" devices /dev/iodrill-no-such-dev
ln -s /dev/iodrill-vanished "$S/vanished"
expect "a vanished device behind an alias" 1 "devices: $S/vanished: no such device \(gone" \
	"$IODRILL" devices "$S/vanished"
touch "$S/file"
expect "a regular file is not a device" 1 \
	"devices: $S/file is not a block device or an NVMe generic char device" \
	"$IODRILL" devices "$S/file"
if [ ! -e /sys/class/nvme ]; then
	expect "no NVMe here: said, exit 0" 0 "No NVMe namespaces found \(no /sys/class/nvme" \
		"$IODRILL" devices
fi
check "--json is valid JSON with a devices array" "$("$IODRILL" devices --json 2>&1 | head -c 300)" \
	bash -c "'$IODRILL' devices --json | jq -e '.format == 1 and (.devices | type == \"array\")' >/dev/null"

# ---- loop devices -------------------------------------------------------------------------
why=$(loop_why)
for tool in mkfs.ext4 sfdisk partx mount jq; do
	[ -n "$why" ] || command -v $tool >/dev/null || why="$tool not installed"
done
if [ -n "$why" ]; then
	skip "devices on loop devices" "$why"
	finish
fi
truncate -s 16M "$S/blank.img" "$S/fs.img" "$S/gpt.img"
blank=$(loopdev "$S/blank.img") && fs=$(loopdev "$S/fs.img") && gpt=$(loopdev_parts "$S/gpt.img") ||
	{ fail "losetup" "failed"; finish; }
mkfs.ext4 -q -F "$fs" &&
	printf 'label: gpt\n,8M,L\n' | sfdisk -q "$gpt" >/dev/null 2>&1 && part_nodes "$gpt" &&
	mkfs.ext4 -q -F "${gpt}p1" && mount_at "${gpt}p1" "$S/mnt" ro,noload ||
	{ fail "set-up" "mkfs/sfdisk/mount failed"; finish; }
ln -s "$gpt" "$S/alias"
sums=$(md5sum "$blank" "$fs" "$gpt")

"$IODRILL" devices >"$S/table" 2>&1
row() { grep -E "^ *$1 " "$S/table"; }
check "table: the blank loop device is safe to write" "$(row "$blank")" \
	bash -c "grep -qE '^$blank +loop +$S/blank.img +- +16.0 MiB +512 +yes\$' '$S/table'"
check "table: the ext4 loop device is not, naming ext4" "$(row "$fs")" \
	bash -c "grep -qE '^$fs .* no: ext4\$' '$S/table'"
check "table: the GPT disk names the mount, the table and the fs" "$(row "$gpt")" \
	bash -c "grep -qE '^$gpt .* no: ${gpt#/dev/}p1 mounted on $S/mnt, gpt partition table, ext4 on ${gpt#/dev/}p1\$' '$S/table'"
check "table: its partition listed under it, mounted" "$(row "${gpt}p1")" \
	bash -c "grep -A1 -E '^$gpt ' '$S/table' | grep -qE '^  ${gpt}p1 +part .* no: mounted on $S/mnt, ext4\$'"

"$IODRILL" devices --json >"$S/json" 2>&1
jdev() { jq -c -r --arg n "$1" ".devices[] | select(.node == \$n) | $2" "$S/json"; }
check "json: verdicts yes / no / no" \
	"$(jdev "$blank" .safe_to_write.verdict) $(jdev "$fs" .safe_to_write.verdict) $(jdev "$gpt" .safe_to_write.verdict)" \
	test "$(jdev "$blank" .safe_to_write.verdict) $(jdev "$fs" .safe_to_write.verdict) $(jdev "$gpt" .safe_to_write.verdict)" = "yes no no"
check "json: findings carry kind, device, type, offset, mount point" "$(jdev "$gpt" .safe_to_write.findings)" \
	test "$(jdev "$gpt" '[.safe_to_write.findings[] | [.kind, .device, .what, (.where // ""), (.offset // -1)]]')" = \
	"[[\"mount\",\"${gpt#/dev/}p1\",\"ext4\",\"$S/mnt\",-1],[\"partition_table\",\"${gpt#/dev/}\",\"gpt\",\"\",512],[\"signature\",\"${gpt#/dev/}p1\",\"ext4\",\"\",1080]]"
check "json: loop identity and engines" "$(jdev "$blank" '[.kind, .backing_file, .size_bytes, .engines]')" \
	test "$(jdev "$blank" '[.kind, .backing_file, .size_bytes, (.engines | index("sync") != null), .nvme]')" = \
	"[\"loop\",\"$S/blank.img\",16777216,true,null]"
check "json: the partition names its disk" "$(jq -c --arg n "${gpt}p1" '.devices[] | select(.node == $n)' "$S/json" | head -c 200)" \
	test "$(jdev "${gpt}p1" .partition_of)" = "$gpt"

expect "PATH: an alias and a partition, identified" 0 \
	"^$gpt .* no: .*gpt partition table.*
  ${gpt}p1 .* no: mounted on $S/mnt" "$IODRILL" devices "$S/alias" "${gpt}p1"
check "listing wrote nothing to the devices" "checksums changed" \
	test "$(md5sum "$blank" "$fs" "$gpt")" = "$sums"

# ---- without root ---------------------------------------------------------------------------
if ! command -v setpriv >/dev/null; then
	skip "devices without root" "setpriv not installed (util-linux)"
	finish
fi
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
nobody "$IODRILL" devices >"$S/nr" 2>&1
rc=$?
check "non-root: lists, exit 0, says what needs root" "rc=$rc: $(tail -c 300 "$S/nr")" \
	bash -c "[ $rc = 0 ] && grep -q '^Not root: filesystem and partition-table signatures cannot be read' '$S/nr'"
check "non-root: an unmounted device is unknown, needs root" "$(grep -E "^$fs " "$S/nr")" \
	bash -c "grep -qE '^$fs .* unknown: needs root to read $fs for signatures\$' '$S/nr'"
check "non-root: a mounted partition is still seen (no privilege needed)" \
	"$(grep -E "^ *$gpt" "$S/nr")" bash -c "grep -qE '^$gpt .* no: ${gpt#/dev/}p1 mounted on $S/mnt\$' '$S/nr'"
check "non-root: --json says root false and unknown verdicts" "$(nobody "$IODRILL" devices --json 2>&1 | head -c 200)" \
	bash -c "setpriv --reuid=65534 --regid=65534 --clear-groups '$IODRILL' devices --json | jq -e --arg n '$fs' '.root == false and ([.devices[] | select(.node == \$n) | .safe_to_write.verdict] == [\"unknown\"])' >/dev/null"
finish
