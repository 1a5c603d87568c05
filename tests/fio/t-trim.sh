#!/usr/bin/env bash
# Issue 15 part 2: sync, threadpool, posix_aio, kaio and uring_fixed trim. On a loop device each runs
# rw=trim as its fio twin does (threadpool: psync; uring_fixed: io_uring): exit 0, error 0, the same bytes
# trimmed, and the device then reads back all zeros. On a regular file fio 3.33's twins
# send BLKDISCARD and fail (ENOTTY); ours punch a hole: error 0 and the file reads zeros,
# size kept. Trim destroys data: the write guard refuses it on a device with a file
# system, and lets it through with the override the refusal prints.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
needs_loops "trim" mkfs.ext4 md5sum
declare -A twin=([sync]=psync [threadpool]=psync [posix_aio]=posixaio [kaio]=libaio [uring_fixed]=io_uring)
nonzero() { od -An -tx1 -v "$1" | grep -vc '^ 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00$'; }
for e in sync threadpool posix_aio kaio uring_fixed; do
	declare -A got=()
	for eng in "${twin[$e]}" "external:$ENGINES/$e.so"; do
		f=$S/$e-${eng##*/}
		head -c 4M /dev/urandom >"$f"
		dev=$(loopdev "$f") || { fail "$e trim" "losetup failed"; continue 2; }
		runfio "$f" --name=t --ioengine="$eng" --filename="$dev" --size=4M --bs=64k \
			--direct=1 --rw=trim --iodepth=8
		got[$eng]="rc=$? error=$(fio_job_field "$f" t .error) trimmed=$(fio_job_field "$f" t .trim.io_bytes) nonzero=$(nonzero "$dev")"
	done
	check "$e rw=trim on a loop device: as ${twin[$e]}, reads zeros after (${got[${twin[$e]}]})" \
		"${twin[$e]}: ${got[${twin[$e]}]}; $e: ${got[external:$ENGINES/$e.so]}" \
		test "${got[${twin[$e]}]}" = "${got[external:$ENGINES/$e.so]}" \
		-a "${got[${twin[$e]}]}" = "rc=0 error=0 trimmed=4194304 nonzero=0"
	# fio 3.33 verifies trimwrite: each block trimmed, written, then read back and checked.
	f=$S/$e-tw
	head -c 4M /dev/urandom >"$f"
	dev=$(loopdev "$f") || { fail "$e trimwrite" "losetup failed"; continue; }
	runfio "$f" --name=t --ioengine="external:$ENGINES/$e.so" --filename="$dev" --size=4M \
		--bs=64k --direct=1 --rw=trimwrite --iodepth=8 --verify=crc32c
	r="rc=$? error=$(fio_job_field "$f" t .error) trim=$(fio_job_field "$f" t .trim.io_bytes) write=$(fio_job_field "$f" t .write.io_bytes) read=$(fio_job_field "$f" t .read.io_bytes) stderr=$(head -c 200 "$f.err")"
	check "$e rw=trimwrite with verify=crc32c on a loop device" "$r" \
		test "$r" = "rc=0 error=0 trim=4194304 write=4194304 read=4194304 stderr="
	f=$S/$e-file
	head -c 4M /dev/urandom >"$f"
	runfio "$f.out" --name=t --ioengine="external:$ENGINES/$e.so" --filename="$f" \
		--size=4M --bs=64k --rw=randtrim --iodepth=8
	rc=$?
	r="rc=$rc error=$(fio_job_field "$f.out" t .error) nonzero=$(nonzero "$f") size=$(stat -c %s "$f") stderr=$(head -c 200 "$f.out.err")"
	check "$e rw=randtrim on a file punches holes: reads zeros, size kept" "$r" \
		test "$r" = "rc=0 error=0 nonzero=0 size=4194304 stderr="
	runfio "$f.bad" --name=t --ioengine="external:$ENGINES/$e.so" --filename=/dev/zero \
		--size=1M --bs=64k --rw=trim
	check "$e trim on a character device: a clear error" "$(head -c 300 "$f.bad.err")" \
		grep -q "neither a block device nor a regular file" "$f.bad.err"
	unset got

	f=$S/$e-fs
	truncate -s 32M "$f"
	dev=$(loopdev "$f") || { fail "$e trim guard" "losetup failed"; continue; }
	mkfs.ext4 -q -F "$dev" || { fail "$e trim guard" "mkfs.ext4 $dev failed"; continue; }
	SUM_BYTES=1048576 guard_refused "$e" "trim of a device holding ext4 refused, naming the override" \
		"refusing to write to $dev: ext4 signature.*add allow_overwrite=$dev to the job" \
		"$dev" --rw=trim --bs=64k
	SUM_BYTES=1048576 CHECK_DEV=$dev guard_allowed "$e" "the printed override lets the trim through" \
		"$dev" --rw=trim --bs=64k --allow_overwrite="$(guard_suggested)"
done
finish
