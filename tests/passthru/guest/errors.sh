#!/usr/bin/env bash
# tests/passthru/guest/errors.sh - runs INSIDE the NVMe test machine (tests/passthru/
# t-passthru-stress-vm.sh boots it with the default namespaces, a fifth with an MBR and
# ext4 in nvme0n5p1, a sixth of 16 MiB whose reads at 4 MiB fail (blkdebug), and writes at
# 32 MiB of namespace 2 failing). Every way uring_passthru can fail says so clearly: NVMe
# statuses reach fio with the status named, the LBA and the offset, once (no hang, no retry
# loop), and the block path's ENODATA passes through uring_fixed unchanged; what no command
# can carry is refused before any I/O naming the option and the limit; a block device, a
# partition or a file is refused naming the /dev/ngXnY to use; a mounted filesystem is
# never written; without CAP_SYS_ADMIN on this 6.1 kernel the user is told why.
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "uring_passthru errors (guest)" "not inside the NVMe test machine: run it through tests/passthru/t-passthru-stress-vm.sh"
	finish
fi
S=$(scratch)
E=uring_passthru
ENG=--ioengine=external:$ENGINES/$E.so
for n in 1 2 3 5 6; do
	[ -c "/dev/ng0n$n" ] || { fail "guest namespaces" "/dev/ng0n$n missing: $(ls /dev/ng* 2>&1 | tr '\n' ' ')"; finish; }
done

# ---- NVMe statuses: blkdebug's unrecovered read (0x281) and write fault (0x280) ----------------
# rerr: the 4 KiB read at 4 MiB of ng0n6 (a namespace of its own: the write guard's
# signature probe of a namespace with a bad read refuses to write it); werr: the 4 KiB
# write at 32 MiB of ng0n2; rcoe: 64 KiB around the bad read with continue_on_error=read
# (fio ignores only EIO and EILSEQ unless told: ignore_error=61, ENODATA, as the block
# layer reports it), to count attempts: one error, 16 I/Os, no resubmission; blkerr: the
# same bad read through the block device (uring_fixed, O_DIRECT): the kernel retries and
# reports ENODATA, passed through unchanged.
cat >"$S/st.fio" <<JOBS
[global]
ioengine=external:$ENGINES/$E.so
bs=4k
sidecar=$S/st.sc
[rerr]
filename=/dev/ng0n6
rw=read
offset=4M
size=4k
[werr]
filename=/dev/ng0n2
rw=write
offset=32M
size=4k
[rcoe]
filename=/dev/ng0n6
rw=read
offset=$((4096 * 1024 - 32768))
size=64k
continue_on_error=read
ignore_error=61
[blkerr]
ioengine=external:$ENGINES/uring_fixed.so
filename=/dev/nvme0n6
direct=1
rw=read
offset=4M
size=4k
JOBS
timeout -k 5 60 "$FIO" --output-format=json --output="$S/st.json" "$S/st.fio" 2>"$S/st.err" >/dev/null
rc=$?
sed -n '/^{/,$p' "$S/st.json" | jq -r '.jobs[] | "\(.jobname) \(.error) \(.total_err)"' >"$S/st.res" 2>/dev/null
jq -r '"\(.job.name) \(.counters.ios) \(.counters.errors) \(.engine_facts.nvme_status_errors) \(.engine_facts.cqe_eagain_retries) \(.engine_facts.last_nvme_status)"' \
	"$S/st.sc" >"$S/st.scres" 2>/dev/null
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail "NVMe statuses" "fio still running after 60 s: a hang"
else
	read -r _ err _ < <(grep '^rerr ' "$S/st.res")
	read -r _ ios errs nst retries last < <(grep '^rerr ' "$S/st.scres")
	check "unrecovered read (0x281): fio error ENODATA (61), one I/O, one NVMe status, no retry" \
		"error=${err:-none}; sidecar ios/errors/statuses/retries/last: ${ios:-} ${errs:-} ${nst:-} ${retries:-} ${last:-}" \
		test "${err:-}/${ios:-}/${errs:-}/${nst:-}/${retries:-}/${last:-}" = "61/1/1/1/0/641"
	check "unrecovered read: fio's error line names the status, the LBA and the offset" \
		"$(grep -m3 -E 'rerr|ng0n6|uring_passthru' "$S/st.err" | head -c 600)" \
		grep -qE "uring_passthru: read of 4096 bytes at offset 4194304 \(LBA 8192, 8 LBAs of 512 B\) of /dev/ng0n6 \(nsid 6\) failed with NVMe status 0x281 Unrecovered Read Error \(SCT 2 media and data integrity error, SC 0x81; DNR 0, More 0\), result 0x0; reported as No data available, not retried" "$S/st.err"
	read -r _ err _ < <(grep '^werr ' "$S/st.res")
	check "write fault (0x280): fio error ENODATA, the status and offset named" \
		"error=${err:-none}: $(grep -m2 -E 'werr|ng0n2|Write Fault' "$S/st.err" | head -c 400)" \
		bash -c "[ '${err:-}' = 61 ] && grep -q 'write of 4096 bytes at offset 33554432 (LBA 8192, 1 LBAs of 4096 B) of /dev/ng0n2 (nsid 2) failed with NVMe status 0x280 Write Fault' '$S/st.err'"
	read -r _ err terr < <(grep '^rcoe ' "$S/st.res")
	read -r _ ios errs nst retries _ < <(grep '^rcoe ' "$S/st.scres")
	check "continue_on_error=read over the bad block: 16 reads, exactly one failed, none resubmitted" \
		"fio error=${err:-} total_err=${terr:-}; sidecar ios/errors/statuses/retries: ${ios:-} ${errs:-} ${nst:-} ${retries:-}" \
		test "${terr:-}/${ios:-}/${errs:-}/${nst:-}/${retries:-}" = "1/16/1/1/0"
	read -r _ err _ < <(grep '^blkerr ' "$S/st.res")
	check "the same bad read through the block device (uring_fixed): ENODATA (61) passed through" \
		"error=${err:-none}: $(grep -m2 -E 'blkerr|nvme0n6' "$S/st.err" | head -c 400)" \
		test "${err:-}" = 61
fi

# ---- refused at init, each naming its option and limit, or the /dev/ngXnY to use ---------------
# One fio run, one job per case (a job whose init fails does not stop the others; every
# process start costs 0.5-1 s under TCG, so the checks below use no grep either).
head -c 1M /dev/zero >"$S/file"
cat >"$S/bad.fio" <<JOBS
[global]
ioengine=external:$ENGINES/$E.so
rw=read
size=1M
bs=4k
[bs512-on-4k]
filename=/dev/ng0n2
bs=512
[bs4k-on-extended]
filename=/dev/ng0n3
[blockalign]
filename=/dev/ng0n2
rw=randread
blockalign=512
bs=4k
[offset-misaligned]
filename=/dev/ng0n2
offset=512
[offset-beyond]
filename=/dev/ng0n1
offset=200M
[bs-above-mdts]
filename=/dev/ng0n1
bs=1M
size=2M
[bs-above-segments]
filename=/dev/ng0n1
bs=512k
size=2M
fixedbufs=0
[nowait]
filename=/dev/ng0n1
nowait=1
[trim-misaligned]
filename=/dev/ng0n2
rw=randtrim
bs=512
[trim-above-dsm]
filename=/dev/ng0n1
rw=trim
bs=2M
size=2M
dsm_range_lbas=8
[vectored-fixed]
filename=/dev/ng0n1
nonvectored=0
[block-device]
filename=/dev/nvme0n1
[partition]
filename=/dev/nvme0n5p1
[regular-file]
filename=$S/file
JOBS
timeout -k 5 120 "$FIO" --output-format=json --output="$S/bad.json" "$S/bad.fio" 2>"$S/bad.err" >/dev/null
bad_rc=$?
# (fio writes its notices, e.g. on blockalign, into the --output file before the JSON.)
sed -n '/^{/,$p' "$S/bad.json" | jq -r '.jobs[] | "\(.jobname) \(.error) \(.read.io_bytes + .write.io_bytes + .trim.io_bytes)"' >"$S/bad.res" 2>/dev/null
declare -A bad_res=()
while read -r job err bytes; do bad_res[$job]="$err $bytes"; done <"$S/bad.res"
bad_err=$(<"$S/bad.err")
# refused JOB ERRNO REGEX: the job did no I/O, failed with ERRNO, and stderr matches REGEX.
refused()
{
	local err bytes
	read -r err bytes <<<"${bad_res[$1]:-}"
	if [ "${err:-}" = "$2" ] && [ "${bytes:-}" = 0 ] && [[ $bad_err =~ $3 ]]; then
		pass "refused before any I/O: $1"
	else
		fail "refused before any I/O: $1" "error=${err:-none} (want $2), read ${bytes:-?} bytes; message /$3/ not in: $(grep -m16 iodrill "$S/bad.err" | head -c 2000); JSON: $(head -c 300 "$S/bad.json")"
	fi
}
refused bs512-on-4k 22 "bs=512 is not a multiple of the 4096-byte LBA of /dev/ng0n2: NVMe commands move whole LBAs; use bs=4096 or a multiple"
refused bs4k-on-extended 22 "bs=4096 is not a multiple of the 4104-byte LBA of /dev/ng0n3 \(4096 B data \+ 8 B metadata inline: an extended-LBA format is addressed in blocks of both\).*use bs=4104"
refused blockalign 22 "blockalign=512 is not a multiple of the 4096-byte LBA of /dev/ng0n2"
refused offset-misaligned 22 "offset=512 is not a multiple of the 4096-byte LBA of /dev/ng0n2"
refused offset-beyond 34 "offset=209715200 size=1048576 reaches past the end of /dev/ng0n1: the namespace holds 134217728 bytes \(262144 LBAs of 512 B\)"
refused bs-above-mdts 7 "bs=1048576 is above the largest transfer /dev/ng0n1 takes: 512 KiB \(MDTS 7, queue/max_hw_sectors_kb 512\).*use bs<=512k"
refused bs-above-segments 7 "bs=524288 spans 128 pages.*/dev/ng0n1 takes 127 segments \(queue/max_segments\); use bs<=508k"
refused nowait 22 "nowait=1: passthrough commands have no RWF_NOWAIT"
refused trim-misaligned 22 "bs=512 is not a multiple of the 4096-byte LBA of /dev/ng0n2: NVMe commands move whole LBAs"
refused trim-above-dsm 7 "bs=2097152: a trim is one Dataset Management command, and /dev/ng0n1 takes [0-9]+ bytes in one \([0-9]+ ranges of 8 LBAs\); use bs<="
refused vectored-fixed 22 "nonvectored=0 with fixedbufs=1: the kernel takes registered buffers only for NVME_URING_CMD_IO"

# Not a generic device: refused naming the one to use.
refused block-device 25 "filename=/dev/nvme0n1 is the namespace's block device: NVMe passthrough goes through its generic char device; use filename=/dev/ng0n1"
refused partition 25 "filename=/dev/nvme0n5p1 is partition 1 of nvme0n5: NVMe commands address the whole namespace; its generic char device is /dev/ng0n5"
refused regular-file 25 "filename=$S/file is a regular file: uring_passthru sends NVMe commands to an NVMe generic char device, /dev/ngXnY"
if [ "$bad_rc" = 0 ] || [ "$bad_rc" -ge 124 ]; then
	fail "refusals: fio's exit" "fio exited $bad_rc (want 1: every job refused, no hang, no crash)"
fi

# ---- a namespace whose partition is mounted: never written --------------------------------------
modprobe ext4 2>/dev/null
if mount_at /dev/nvme0n5p1 "$S/mnt"; then
	CHECK_DEV=/dev/nvme0n5 SUM_BYTES=$((2 << 20)) guard_refused $E \
		"writes to ng0n5 refused while nvme0n5p1 is mounted (fio's own check misses it)" \
		"refusing to write to /dev/ng0n5 \(namespace /dev/nvme0n5\): nvme0n5p1 is mounted on $S/mnt" \
		/dev/ng0n5
	guard_read_ok $E "reads of ng0n5 with nvme0n5p1 mounted are allowed" /dev/ng0n5
	umount "$S/mnt"
else
	fail "mount nvme0n5p1" "mount failed: $(dmesg | tail -n 2)"
fi

# ---- without CAP_SYS_ADMIN on this 6.1 kernel --------------------------------------------------
chmod 666 /dev/ng0n1 /dev/nvme0n1
expect_refusal_run "as nobody on kernel $(uname -r | cut -d. -f1-2): CAP_SYS_ADMIN named, even for reads" \
	"filename=/dev/ng0n1: kernel 6\.1 sends NVMe passthrough commands, reads included, only for CAP_SYS_ADMIN, which this process lacks" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$FIO" --name=x "$ENG" --filename=/dev/ng0n1 \
	--rw=read --size=1M
chmod 600 /dev/ng0n1 /dev/nvme0n1
finish
