#!/usr/bin/env bash
# tests/passthru/guest/trim.sh - runs INSIDE the NVMe test machine (tests/passthru/
# t-passthru-stress-vm.sh: default namespaces, ng0n5 with an MBR and ext4 in nvme0n5p1).
# uring_passthru's trim is NVMe Dataset Management with the Deallocate attribute: a pattern
# written to ng0n1, two regions trimmed (one range per command; then ranges capped at 256
# LBAs with dsm_range_lbas, so each command carries 8 ranges: the multi-range path, as a
# controller with a small DMRSL forces it), and the namespace read back through the block
# device (O_DIRECT): the trimmed regions read as Identify's DLFEAT says deallocated blocks
# read (QEMU: zeros), the rest keeps the pattern; the sidecar counts the commands and
# ranges sent. fio 3.33's io_uring_cmd, the twin, sends no DSM: its trim is BLKDISCARD on
# the char device through do_io_u_trim, which deallocates nothing (checked below, so the
# engine's comment stays true). Trim
# is destructive: the write guard refuses it on a namespace holding a partition table.
# Misaligned and oversized trims are refused in errors.sh's one-run list.
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "uring_passthru trim (guest)" "not inside the NVMe test machine: run it through tests/passthru/t-passthru-stress-vm.sh"
	finish
fi
S=$(scratch)
E=uring_passthru
for n in 1 5; do
	[ -c "/dev/ng0n$n" ] || { fail "guest namespaces" "/dev/ng0n$n missing: $(ls /dev/ng* 2>&1 | tr '\n' ' ')"; finish; }
done
M=$((1 << 20))
BASE=$((64 * M)) # 8 MiB of ng0n1 from 64 MiB: P P T P T T P P (1 MiB each; T trimmed)

# ---- one fio run: fill with a pattern, trim 1 MiB in 4 commands, 2 MiB in 2 of 8 ranges -------
cat >"$S/trim.fio" <<JOBS
[global]
ioengine=external:$ENGINES/$E.so
filename=/dev/ng0n1
sidecar=$S/trim.sc
[fill]
rw=write
bs=128k
offset=$BASE
size=9M
buffer_pattern=0x5a
[trim1]
stonewall
rw=trim
bs=256k
offset=$((BASE + 2 * M))
size=1M
[trim8]
stonewall
rw=trim
bs=1M
offset=$((BASE + 4 * M))
size=2M
dsm_range_lbas=256
JOBS
"$FIO" --output-format=json --output="$S/trim.json" "$S/trim.fio" 2>"$S/trim.err" >/dev/null
rc=$?
res=$(jq -r '.jobs[] | "\(.jobname)=\(.error)/\(.write.io_bytes)/\(.trim.io_bytes)"' "$S/trim.json" 2>/dev/null | tr '\n' ' ')
want="fill=0/9437184/0 trim1=0/0/1048576 trim8=0/0/2097152 "
if [ "$rc" = 0 ] && [ "$res" = "$want" ] && [ ! -s "$S/trim.err" ]; then
	pass "$E: pattern written, 1 MiB and 2 MiB trimmed (fio exit 0, nothing on stderr)"
else
	fail "$E: pattern written, 1 MiB and 2 MiB trimmed" "rc=$rc jobs: $res (want $want); stderr: $(head -c 600 "$S/trim.err")"
fi
sc=$(jq -r 'select(.job.name | test("trim")) | "\(.job.name)=\(.engine_facts.dsm_commands)/\(.engine_facts.dsm_ranges)/\(.engine_facts.dsm_range_lbas)"' "$S/trim.sc" 2>/dev/null | tr '\n' ' ')
dmrsl=$(jq -r 'select(.job.name == "trim1") | .engine_facts.dsm_range_lbas' "$S/trim.sc" 2>/dev/null)
check "sidecar: trim1 sent 4 DSM commands of 1 range, trim8 2 of 8 ranges of 256 LBAs" \
	"commands/ranges/range limit: $sc (want trim1=4/4/$dmrsl trim8=2/16/256)" \
	[ "$sc" = "trim1=4/4/$dmrsl trim8=2/16/256 " ]

# ---- what deallocated blocks read as, from Identify Namespace DLFEAT bits 2:0 ------------------
dlfeat=
command -v nvme >/dev/null && dlfeat=$(nvme id-ns /dev/ng0n1 -o json 2>/dev/null | jq -r '.dlfeat // empty')
head -c "$M" /dev/zero | tr '\0' '\132' >"$S/p"
head -c "$M" /dev/zero >"$S/z"
cat "$S/p" "$S/p" "$S/z" "$S/p" "$S/z" "$S/z" "$S/p" "$S/p" >"$S/want"
dd if=/dev/nvme0n1 iflag=direct bs=1M skip=64 count=8 of="$S/got" status=none
if [ -z "$dlfeat" ]; then
	skip "$E: trimmed LBAs read as DLFEAT says" "DLFEAT unknown (nvme-cli missing or id-ns failed): cannot tell what deallocated blocks read"
elif [ $((dlfeat & 7)) != 1 ]; then
	skip "$E: trimmed LBAs read as zeros" "DLFEAT=$dlfeat: the controller does not promise zeros for deallocated blocks"
elif cmp -s "$S/got" "$S/want"; then
	pass "$E: trimmed LBAs read as zeros (DLFEAT=$dlfeat), the pattern elsewhere (through nvme0n1, O_DIRECT)"
else
	fail "$E: trimmed LBAs read as zeros" "DLFEAT=$dlfeat; first difference: $(cmp "$S/got" "$S/want" 2>&1)"
fi

# ---- the twin: fio 3.33's io_uring_cmd sends no DSM (do_io_u_trim: BLKDISCARD on the fd) --------
# 256 KiB of pattern at BASE + 8 MiB (written by the fill job above), trimmed by the twin.
"$FIO" --output-format=json --output="$S/twin.json" --name=twin --ioengine=io_uring_cmd \
	--cmd_type=nvme --filename=/dev/ng0n1 --rw=trim --bs=256k --offset=$((BASE + 8 * M)) \
	--size=256k 2>"$S/twin.err" >/dev/null
twin_rc=$?
twin=$(fio_job_field "$S/twin" twin '"\(.error) \(.trim.io_bytes)"')
head -c $((256 << 10)) "$S/p" >"$S/p256"
dd if=/dev/nvme0n1 iflag=direct bs=256k skip=$(((BASE + 8 * M) >> 18)) count=1 of="$S/twin.got" status=none
if cmp -s "$S/twin.got" "$S/p256"; then twin_data=kept; else twin_data=changed; fi
# Seen on this machine: fio exits 0, job error 0, 0 bytes trimmed, the data kept.
check "fio's io_uring_cmd (the twin) deallocates nothing: no DSM (rc=$twin_rc; error, trim bytes: $twin)" \
	"the twin's trim changed the data (rc=$twin_rc; error, trim bytes: $twin; stderr: $(head -c 300 "$S/twin.err")): if this fio sends DSM, the engine's comment is stale" \
	[ "$twin_data" = kept ]

# ---- the write guard: trim is destructive -------------------------------------------------------
CHECK_DEV=/dev/nvme0n5 SUM_BYTES=$M guard_refused $E "trim of ng0n5 (MBR, ext4 in p1) refused" \
	"refusing to write to /dev/ng0n5 \(namespace /dev/nvme0n5\): .*partition table" \
	/dev/ng0n5 --rw=trim --bs=64k
finish
