#!/usr/bin/env bash
# tests/passthru/guest/verify.sh - runs INSIDE the NVMe test machine (tests/passthru/
# t-passthru-stress-vm.sh boots it with the default namespaces: 1 512 B, 2 4 KiB, 3 4 KiB +
# 8 B extended LBA, 4 4 KiB + 8 B separate metadata). uring_passthru under fio's verify
# (lib.sh's verify_matrix: crc32c, md5; write, randwrite, randrw with verify_backlog;
# thread=0 and 1) on every format, fixed buffers on and off, iodepth 1, 32 and 256 (their
# product with IDR_STRESS=1); that verify can fail (a block mangled behind fio's back); and
# that the data lands at the LBAs the offsets name, read back through the block device or
# nvme-cli (a consistent mis-mapping would pass fio's own verify).
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "uring_passthru verify (guest)" "not inside the NVMe test machine: run it through tests/passthru/t-passthru-stress-vm.sh"
	finish
fi
S=$(scratch)
E=uring_passthru
for n in 1 2 3 4; do
	[ -c "/dev/ng0n$n" ] || { fail "guest namespaces" "/dev/ng0n$n missing: $(ls /dev/ng* 2>&1 | tr '\n' ' ')"; finish; }
done

# ---- fio's verify: every format, fixed buffers on and off, iodepth 1/32/256 ---------------------
# Each matrix is one fio run of 12 jobs side by side (crc32c and md5; write, randwrite, randrw
# with verify_backlog; thread=0 and 1). make check runs one per format, which together take
# every value of each dimension (a matrix costs ~3.5 s under TCG); IDR_STRESS=1 (make stress)
# runs the product: every format x fixedbufs 1, 0, 0 with NVME_URING_CMD_IO_VEC x iodepth
# 1, 32, 256, plus SQPOLL, force_async and registerfiles=0 (~10 min under TCG).
export VERIFY_KINDS="crc32c md5"
stress=${IDR_STRESS:-0}
# pt_matrix NSID ARG...: verify_matrix on /dev/ng0nNSID with its block size and region.
pt_matrix()
{
	local n=$1 label region=$((256 * 1024)) fmt=()
	shift
	case $n in
	1) label=ng0n1-512 ;;
	2) label=ng0n2-4k ;;
	# Extended LBA: fio's blocks are 4104 bytes (data and metadata inline), regions whole
	# blocks. Its block device has size 0 (the guard cannot check it): allow_overwrite.
	3) label=ng0n3-ext region=$((4104 * 64)) fmt=(bs=4104 allow_overwrite=/dev/ng0n3) ;;
	# Separate metadata: fio's blocks are the data; the metadata goes to the engine's buffer.
	4) label=ng0n4-sep ;;
	esac
	VERIFY_REGION=$region verify_matrix $E "$label" "/dev/ng0n$n" 0 "$@" "${fmt[@]}"
}
if [ "$stress" = 1 ]; then
	for n in 1 2 3 4; do
		for fb in "fixedbufs=1" "fixedbufs=0" "fixedbufs=0 nonvectored=0"; do
			for d in 1 32 256; do
				# shellcheck disable=SC2086 # fb is two words for the vectored case
				pt_matrix "$n" iodepth=$d $fb
			done
		done
		pt_matrix "$n" iodepth=32 sqthread_poll=1 sqthread_poll_idle=10
		pt_matrix "$n" iodepth=256 force_async=4 registerfiles=0
	done
	pt_matrix 1 iodepth=32 bs=1k fixedbufs=1
	pt_matrix 1 iodepth=32 bs=1k fixedbufs=0
else
	pt_matrix 1 iodepth=1 fixedbufs=1
	pt_matrix 2 iodepth=256 fixedbufs=0 nonvectored=0 force_async=4 registerfiles=0
	pt_matrix 3 iodepth=32 fixedbufs=0 sqthread_poll=1 sqthread_poll_idle=10
	pt_matrix 4 iodepth=256 fixedbufs=1 bs=8k
fi
unset VERIFY_KINDS

# ---- verify can fail: 4 KiB mangled through the block device at 64 KiB ----------------------------
MANGLE_DEV=/dev/nvme0n2 verify_mangle $E ng0n2 /dev/ng0n2 0

# ---- the data is where the offsets say ------------------------------------------------------------
# One fio run writes 1 MiB at 8 MiB of three namespaces with verify headers (they carry the
# offset), through passthrough or the block device; a second verifies each through the other
# path. A consistent mis-mapping of offsets to LBAs would pass fio's own verify, not this.
# ENGINE:TARGET of the writer and the verifier, per namespace.
cross="1 $E:/dev/ng0n1 sync:/dev/nvme0n1
2 sync:/dev/nvme0n2 $E:/dev/ng0n2
4 $E:/dev/ng0n4 sync:/dev/nvme0n4"
# cross_jobs SIDE(2|3): a job file with one job per namespace.
cross_jobs()
{
	local n a b e t
	printf '[global]\nsize=1M\noffset=8M\nbs=16k\nrw=randwrite\nverify=crc32c\n'
	printf 'verify_state_save=0\nrandseed=1234\ndirect=1\n'
	while read -r n a b; do
		[ "$1" = 2 ] && e=${a%%:*} t=${a#*:} || e=${b%%:*} t=${b#*:}
		printf '[ns%s]\nioengine=external:%s/%s.so\nfilename=%s\n' "$n" "$ENGINES" "$e" "$t"
	done <<<"$cross"
}
cross_jobs 2 >"$S/cw.fio"
cross_jobs 3 >"$S/cv.fio"
runfio "$S/cw" "$S/cw.fio" --do_verify=0
runfio "$S/cv" "$S/cv.fio" --verify_only=1
jq -r '.jobs[] | "\(.jobname) \(.error) \(.read.io_bytes)"' "$S/cv.json" >"$S/cv.res" 2>/dev/null
while read -r n a b; do
	read -r _ err bytes < <(grep "^ns$n " "$S/cv.res")
	name="ng0n$n: written with ${a%%:*} on ${a#*:}, verified with ${b%%:*} on ${b#*:}"
	if [ "${err:-}" = 0 ] && [ "${bytes:-}" = 1048576 ]; then
		pass "$name"
	else
		fail "$name" "error=${err:-none} verified=${bytes:-none}: $(grep -m3 -iE 'verify|error' "$S/cw.err" "$S/cv.err" | head -c 500)"
	fi
done <<<"$cross"

# Extended LBA: no block device shows it; nvme-cli reads LBA 10 raw (data and metadata).
if command -v nvme >/dev/null; then
	runfio "$S/ext" --name=x --ioengine="external:$ENGINES/$E.so" --filename=/dev/ng0n3 \
		--rw=write --bs=8208 --offset=$((4104 * 10)) --size=8208 --allow_overwrite=/dev/ng0n3 \
		--buffer_pattern=0x5a5a5a5a
	nvme read /dev/ng0n3 --start-block=10 --block-count=1 --data-size=8208 --data="$S/raw" \
		>"$S/raw.out" 2>&1
	want=$(head -c 8208 /dev/zero | tr '\0' 'Z' | md5sum)
	check "ng0n3 (extended LBA): 2 blocks of 4104 B written at block 10 are LBAs 10-11, data and metadata" \
		"nvme read: $(head -c 200 "$S/raw.out"); fio: $(grep -m2 -iE 'err|iodrill' "$S/ext.err")" \
		test "$(head -c 8208 "$S/raw" 2>/dev/null | md5sum)" = "$want"
else
	skip "ng0n3 (extended LBA) layout" "nvme-cli not installed on the host (apt-get install nvme-cli)"
fi
finish
