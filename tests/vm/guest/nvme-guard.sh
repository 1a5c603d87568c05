#!/usr/bin/env bash
# tests/vm/guest/nvme-guard.sh - runs INSIDE the NVMe test machine; tests/vm/t-nvme-guard.sh
# boots it with one controller (serial iodrill-vm, MDTS 7) and four namespaces:
#   1  512 B LBA, a GPT with one ext4 partition (nvme0n1p1)
#   2  4 KiB LBA, bare
#   3  512 B LBA, ext4 on the whole namespace
#   4  4 KiB + 8 B metadata, extended LBA (the block layer shows it as size 0)
# `iodrill devices` shows each as it is (table and JSON; as root and as nobody; with a
# /dev/ngXnY missing), and writes through every engine, by the namespace's block device
# and by its generic char device, are refused where they must be (checksums held),
# allowed with the override, and allowed on the bare namespace.
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "NVMe guard (guest)" "not inside the NVMe test machine: run it through tests/vm/t-nvme-guard.sh"
	finish
fi
IODRILL=$TOP/iodrill
S=$(scratch)
SERIAL=iodrill-vm
# The writes land in the first MiB, as do the GPT and the ext4 superblock: checksum that
# (under TCG, 8 MiB takes 4 s to read).
export SUM_BYTES=$((1 << 20))

for n in 1 2 3 4; do
	if [ ! -b "/dev/nvme0n$n" ] || [ ! -c "/dev/ng0n$n" ]; then
		fail "guest namespaces" "/dev/nvme0n$n or /dev/ng0n$n missing: $(ls /dev/nvme* /dev/ng* 2>&1 | tr '\n' ' ')"
		finish
	fi
done
[ -b /dev/nvme0n1p1 ] || { fail "guest partition" "no /dev/nvme0n1p1 (GPT on namespace 1)"; finish; }
modprobe ext4 2>/dev/null

# jqt FILE FILTER: the filter holds on FILE (jq -e, quiet).
jqt() { jq -e "$2" "$1" >/dev/null; }

# Every start of fio costs 3-4 s under TCG: the first block engine (sync) runs every case,
# the others the two that prove they open through the guard; the passthrough engines
# every case on the generic devices.
blk_engines=$(guard_engines file direct)
first_blk=${blk_engines%%$'\n'*}
ng_engines=$(guard_engines ngdev)
# with_args ENGINE: the engine's own fio arguments (O_DIRECT-only engines need direct=1).
with_args()
{
	GUARD_ARGS=()
	[ "$(engine_row "$1" | awk '{ print $5 }')" = direct ] && GUARD_ARGS=(--direct=1)
}
# no_ng CASE: the passthrough engine is not in this tree (issue 8 builds it).
no_ng() { skip "$1" "no engine with target ngdev is built (uring_passthru: issue 8)"; }

# ---- iodrill devices: what is there --------------------------------------------------------
"$IODRILL" devices --json >"$S/dev.json" 2>"$S/dev.err"
check "devices --json exits 0, valid JSON" "$(head -c 300 "$S/dev.err")" jqt "$S/dev.json" .devices
# One line per namespace: node generic serial model transport nsid data meta extended
# mdts_bytes verdict passthrough (jq prints null for what is missing).
jq -r '.devices[] | select(.kind == "nvme" and .partition == 0) |
	[.node, .nvme.generic, .serial, .model, .nvme.transport, .nvme.nsid,
	 .nvme.lba_format.data_bytes, .nvme.lba_format.meta_bytes, .nvme.lba_format.extended,
	 .nvme.mdts_bytes, .safe_to_write.verdict, .nvme.passthrough.usable] | map(tostring) | join("|")' \
	"$S/dev.json" >"$S/ns"
want="/dev/nvme0n1|/dev/ng0n1|$SERIAL|QEMU NVMe Ctrl|pcie|1|512|0|false|524288|no|true
/dev/nvme0n2|/dev/ng0n2|$SERIAL|QEMU NVMe Ctrl|pcie|2|4096|0|false|524288|yes|true
/dev/nvme0n3|/dev/ng0n3|$SERIAL|QEMU NVMe Ctrl|pcie|3|512|0|false|524288|no|true
/dev/nvme0n4|/dev/ng0n4|$SERIAL|QEMU NVMe Ctrl|pcie|4|4096|8|true|524288|unknown|true"
check "devices --json: the four namespaces, formats, MDTS, safe to write, passthrough" \
	"got: $(tr '\n' ';' <"$S/ns")" test "$(cat "$S/ns")" = "$want"
check "devices --json: several LBA formats listed, queues and controller named" \
	"$(jq -c '.devices[0].nvme | {lba_formats: (.lba_formats | length), queue_count, controller, subsystem}' "$S/dev.json")" \
	jqt "$S/dev.json" '.devices[0].nvme | (.lba_formats | length) >= 2 and .queue_count >= 2 and .controller == "nvme0" and (.subsystem | startswith("nvme-subsys"))'
check "devices --json: namespace 1 names the partition table and the partition's ext4" \
	"$(jq -c '.devices[0].safe_to_write' "$S/dev.json")" \
	jqt "$S/dev.json" '.devices[0].safe_to_write.findings | map(.kind + ":" + .device + ":" + .what) == ["partition_table:nvme0n1:gpt", "signature:nvme0n1p1:ext4"]'
check "devices --json: uring_passthru applies to the namespaces" "$(jq -c '.devices[0].engines' "$S/dev.json")" \
	jqt "$S/dev.json" '.devices[0].engines | index("uring_passthru") != null'

# nvme-cli's own `nvme list` (the host's, through the shared root) must agree: the same
# namespaces, serials, models, nsids and sizes. (nvme-cli 2.3's JSON list has no generic
# device path: GenericPath is null there.)
if command -v nvme >/dev/null; then
	nvme list -o json 2>/dev/null | jq -r '.Devices[] |
		[.DevicePath, .SerialNumber, .ModelNumber, .NameSpace, .PhysicalSize] |
		map(tostring) | join("|")' | sort >"$S/nvme-list"
	jq -r '.devices[] | select(.kind == "nvme" and .partition == 0) |
		[.node, .serial, .model, .nvme.nsid, (.nvme.nsze_bytes // .size_bytes)] |
		map(tostring) | join("|")' "$S/dev.json" | sort >"$S/ours"
	check "devices agrees with nvme-cli's nvme list (nodes, serial, model, nsid, size)" \
		"nvme list: $(tr '\n' ';' <"$S/nvme-list") ours: $(tr '\n' ';' <"$S/ours")" \
		bash -c "[ -s '$S/ours' ] && diff -q '$S/nvme-list' '$S/ours' >/dev/null"
else
	skip "devices agrees with nvme list" "nvme-cli not installed on the host (apt-get install nvme-cli)"
fi

"$IODRILL" devices >"$S/table" 2>&1
check "devices table: namespace 1 reads like nvme list" "$(grep '^/dev/nvme0n1 ' "$S/table")" \
	grep -qE "^/dev/nvme0n1 +/dev/ng0n1 +$SERIAL +QEMU NVMe Ctrl +1 +128 MiB +512 B \+ 0 B +[^ ]+ +no: gpt partition table, ext4 on nvme0n1p1$" "$S/table"
check "devices table: the extended-metadata namespace" "$(grep '^/dev/nvme0n4 ' "$S/table")" \
	grep -qE "^/dev/nvme0n4 +/dev/ng0n4 +$SERIAL .* 4 +[0-9.]+ MiB +4 KiB \+ 8 B ext " "$S/table"
check "devices table: controller, LBA formats and passthrough lines" "$(grep -A3 '^nvme0n2:' "$S/table")" \
	bash -c "grep -A3 '^nvme0n2: controller nvme0 in nvme-subsys' '$S/table' | grep -q 'LBA formats:.* 4 KiB + 0 B (in use)' &&
		grep -A3 '^nvme0n2:' '$S/table' | grep -q 'passthrough: yes; engines: .*uring_passthru'"

# ---- writes: the GPT + ext4 namespace, unmounted, then mounted --------------------------------
GUARD_ARGS=()
CHECK_DEV=/dev/nvme0n1 guard_refused sync "ng0n1 (GPT, ext4 in p1) refused through the generic device" \
	"refusing to write to /dev/ng0n1 \(namespace /dev/nvme0n1\): gpt partition table on nvme0n1 at offset 512; ext4 signature on nvme0n1p1 at offset 1080\..*add allow_overwrite=$SERIAL to the job" \
	/dev/ng0n1
mount_at /dev/nvme0n1p1 "$S/mnt" ro,noload || fail "mount nvme0n1p1" "mount failed: $(dmesg | tail -n 2)"
"$IODRILL" devices /dev/nvme0n1 >"$S/table2" 2>&1
check "devices: the mounted partition is named" "$(head -c 400 "$S/table2")" \
	grep -qE "^/dev/nvme0n1 .* no: nvme0n1p1 mounted on $S/mnt, gpt partition table" "$S/table2"
ln -s /dev/ng0n1 "$S/ng-alias"
for e in sync $ng_engines; do
	with_args "$e"
	CHECK_DEV=/dev/nvme0n1 guard_refused "$e" "ng0n1 with a mounted partition refused (fio's own check misses this)" \
		"refusing to write to /dev/ng0n1 \(namespace /dev/nvme0n1\): nvme0n1p1 is mounted on $S/mnt" /dev/ng0n1
	CHECK_DEV=/dev/nvme0n1 guard_refused "$e" "...and through a symlink to /dev/ng0n1" \
		"nvme0n1p1 is mounted on $S/mnt" "$S/ng-alias"
done
[ -n "$ng_engines" ] || no_ng "passthrough engines on a mounted namespace"
for e in $blk_engines; do
	with_args "$e"
	guard_refused "$e" "nvme0n1 with a mounted partition refused" \
		"nvme0n1p1 is mounted on $S/mnt \(ext4\)" /dev/nvme0n1
	[ "$e" = "$first_blk" ] || continue
	CHECK_DEV=/dev/nvme0n1 guard_refused "$e" "the mounted nvme0n1p1 refused, fio's allow_mounted_write=1 set" \
		"nvme0n1p1 is mounted on $S/mnt" /dev/nvme0n1p1 --allow_mounted_write=1
	guard_read_ok "$e" "reads of the mounted namespace are never refused" /dev/nvme0n1
done
for e in $ng_engines; do
	with_args "$e"
	guard_read_ok "$e" "passthrough reads of the mounted namespace are never refused" /dev/ng0n1
done
umount "$S/mnt"

# ---- the bare namespace: written by every engine, announced first -----------------------------
for e in $blk_engines; do
	with_args "$e"
	guard_allowed "$e" "bare nvme0n2 written" /dev/nvme0n2
	check "$e: the announcement names model, serial, nsid, size, block size" "$(head -c 300 "$GUARD_SAY")" \
		grep -q "^writing to /dev/nvme0n2 (nvme, model QEMU NVMe Ctrl, serial $SERIAL, nsid 2, 128 MiB, 4096 B blocks): no filesystem" "$GUARD_SAY"
done
# quiet_ok RC ERR OUT FORMAT: a good run (issue 15): fio exited 0, stderr empty; normal
# output holds the announcement once, before fio's report; JSON output is one document a
# plain parser reads whole.
quiet_ok()
{
	[ "$1" = 0 ] && [ ! -s "$2" ] || return 1
	if [ "$4" = json ]; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$3" && ! grep -q 'writing to' "$3"
	else
		[ "$(grep -c '^iodrill-[a-z_]*: writing to /dev/ng0n2 ' "$3")" = 1 ] &&
			[ "$(grep -n 'writing to' "$3" | cut -d: -f1)" -lt "$(grep -n 'Run status group' "$3" | cut -d: -f1)" ]
	fi
}
for e in $ng_engines; do
	with_args "$e"
	CHECK_DEV=/dev/nvme0n2 guard_allowed "$e" "bare ng0n2 written through passthrough" /dev/ng0n2
	check "$e: the announcement names the namespace behind ng0n2" "$(head -c 300 "$GUARD_SAY")" \
		grep -q "^writing to /dev/ng0n2 (namespace /dev/nvme0n2) (nvme, model QEMU NVMe Ctrl, serial $SERIAL, nsid 2" "$GUARD_SAY"
	for fmt in normal json; do
		"$FIO" --name=q --ioengine="external:$ENGINES/$e.so" --filename=/dev/ng0n2 --rw=write \
			--bs=4k --size=1M --output-format=$fmt "${GUARD_ARGS[@]}" >"$S/q-$e.$fmt" 2>"$S/q-$e.$fmt.err"
		rc=$?
		check "$e: a good write in $fmt output leaves stderr empty (stdout: $fmt, whole)" \
			"rc=$rc, stderr: $(head -c 200 "$S/q-$e.$fmt.err"), stdout: $(head -c 200 "$S/q-$e.$fmt")" \
			quiet_ok "$rc" "$S/q-$e.$fmt.err" "$S/q-$e.$fmt" "$fmt"
	done
done
[ -n "$ng_engines" ] || no_ng "passthrough engines on the bare namespace"

# ---- a holder: device-mapper stacked on the bare namespace (the host kernel has no dm) ------
if modprobe dm-mod 2>/dev/null && command -v dmsetup >/dev/null &&
	echo "0 $(blockdev --getsz /dev/nvme0n2) linear /dev/nvme0n2 0" |
		dmsetup create --noudevsync idr-holder 2>"$S/dm.err"; then
	holder=$(ls /sys/block/nvme0n2/holders)
	"$IODRILL" devices /dev/nvme0n2 >"$S/held" 2>&1
	check "devices: a namespace under dm is held ($holder)" "$(head -c 300 "$S/held")" \
		grep -qE "^/dev/nvme0n2 .* no: held by $holder\$" "$S/held"
	guard_refused sync "nvme0n2 held by $holder refused (EBUSY)" \
		"refusing to write to /dev/nvme0n2: nvme0n2 is held by $holder \(LVM, dm or md on top of it\)" \
		/dev/nvme0n2
	CHECK_DEV=/dev/nvme0n2 guard_refused sync "...and through its generic device" \
		"nvme0n2 is held by $holder" /dev/ng0n2
	dmsetup remove --noudevsync idr-holder || fail "dmsetup remove" "idr-holder still there"
else
	skip "holders (dm on a namespace)" "dm-mod or dmsetup unavailable in the guest: $(head -c 200 "$S/dm.err" 2>/dev/null)"
fi

# ---- ext4 on a whole namespace: refused, then the printed override ---------------------------
for e in $first_blk $ng_engines; do
	with_args "$e"
	mkfs.ext4 -q -F /dev/nvme0n3 || { fail "$e: mkfs nvme0n3" "mkfs.ext4 failed"; continue; }
	t=/dev/nvme0n3
	[[ " $ng_engines " == *" $e "* ]] && t=/dev/ng0n3
	CHECK_DEV=/dev/nvme0n3 guard_refused "$e" "ext4 on the whole namespace refused ($t)" \
		"ext4 signature on nvme0n3 at offset 1080\..*add allow_overwrite=$SERIAL" "$t"
	CHECK_DEV=/dev/nvme0n3 guard_allowed "$e" "allow_overwrite=$(guard_suggested) lets it through ($t)" \
		"$t" --allow_overwrite="$(guard_suggested)"
	check "$e: the override is said before writing" "$(head -c 300 "$GUARD_SAY")" \
		grep -q "overwriting $t .*as allow_overwrite=$SERIAL asks: ext4 signature on nvme0n3" "$GUARD_SAY"
done

# ---- the extended-LBA namespace: nothing readable through its block device -------------------
# (No checksum here: its block device shows nothing. sync cannot write through a char
# device anyway; the passthrough engines can, with the override, in whole blocks of data
# and inline metadata: 4104 bytes.)
runfio "$S/ng4" --name=g --ioengine="external:$ENGINES/sync.so" --filename=/dev/ng0n4 \
	--rw=write --bs=4k --size=1M
check "ng0n4 (block device of size 0) refused: its contents cannot be checked" "$(grep -m1 iodrill "$S/ng4.err")" \
	grep -qE "nvme0n4 could not be checked \(size 0 in the block layer.*add allow_overwrite=$SERIAL" "$S/ng4.err"
for e in $ng_engines; do
	with_args "$e"
	runfio "$S/ng4-$e" --name=g --ioengine="external:$ENGINES/$e.so" --filename=/dev/ng0n4 \
		--rw=write --bs=4104 --size=$((4104 * 256)) --allow_overwrite=/dev/ng0n4 "${GUARD_ARGS[@]}" \
		--sidecar="$S/ng4-$e.sc"
	check "$e: ng0n4 written with allow_overwrite=/dev/ng0n4" "$(grep -m2 -E 'iodrill|err' "$S/ng4-$e.err")" \
		bash -c "jq -r .engine_facts.guard '$S/ng4-$e.sc' | grep -q 'overwriting /dev/ng0n4 .*as allow_overwrite=/dev/ng0n4 asks' &&
			jq -e '.jobs[0].error == 0 and .jobs[0].write.io_bytes == 4104 * 256' '$S/ng4-$e.json' >/dev/null"
done
[ -n "$ng_engines" ] || no_ng "passthrough engines on the extended-LBA namespace"

# ---- without root; a missing generic node ---------------------------------------------------------
setpriv --reuid=65534 --regid=65534 --clear-groups "$IODRILL" devices --json >"$S/nr.json" 2>"$S/nr.err"
check "as nobody: every namespace still listed, Identify and passthrough say why not" \
	"$(jq -c '[.devices[] | select(.kind == "nvme" and .partition == 0) | [.node, .nvme.identified, .nvme.identify_missing, .nvme.passthrough.why_not]]' "$S/nr.json" 2>&1 | head -c 600)" \
	jqt "$S/nr.json" '.root == false and ([.devices[] | select(.kind == "nvme" and .partition == 0)] | length == 4 and
		all(.nvme.identified == false and (.nvme.identify_missing | test("Permission denied")) and
		    .nvme.passthrough.usable == false and (.nvme.passthrough.why_not | test("Permission denied|CAP_SYS_ADMIN"))))'
rm /dev/ng0n2
"$IODRILL" devices --json /dev/nvme0n2 >"$S/gone.json" 2>&1
check "a namespace whose /dev/ngXnY is missing: reported, not dropped" "$(head -c 400 "$S/gone.json")" \
	jqt "$S/gone.json" '.devices[0].nvme | .generic_present == false and (.passthrough.why_not | test("/dev/ng0n2 does not exist"))'
finish
