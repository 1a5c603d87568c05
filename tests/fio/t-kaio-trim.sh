#!/usr/bin/env bash
# Regression (issue 21, fio's examples/enospc-pressure.fio): kaio refused rw=randtrim, which
# fio's libaio runs (do_io_u_trim in place: BLKDISCARD; on a regular file fio 3.33 gets
# ENOTTY, with either engine). Each trim shape on a loop device runs with kaio as with
# libaio: exit 0, error 0, the same bytes trimmed, and the backing file's blocks really
# freed (the loop driver punches holes: du drops the same with both).
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
why=$(loop_why)
[ -z "$why" ] || { skip "kaio trim" "$why"; finish; }
for rw in trim randtrim randrw; do
	declare -A got=()
	for e in libaio "external:$ENGINES/kaio.so"; do
		f=$S/$rw-${e##*/}
		head -c 4M /dev/urandom >"$f"
		dev=$(loopdev "$f") || { fail "kaio trim $rw" "losetup failed"; continue 2; }
		extra=()
		[ "$rw" = randrw ] && extra=(--rwmixread=50 --trim_percentage=0)
		[ "$rw" = randrw ] && rw_arg=randtrimwrite || rw_arg=$rw
		runfio "$f" --name=t --ioengine="$e" --filename="$dev" --size=4M --bs=64k \
			--direct=1 --rw="$rw_arg" --iodepth=8
		got[$e]="rc=$? error=$(fio_job_field "$f" t .error) trimmed=$(fio_job_field "$f" t .trim.io_bytes) du=$(du -k "$f" | cut -f1)K"
	done
	check "kaio rw=$rw_arg: as libaio (${got[libaio]})" \
		"libaio: ${got[libaio]}; kaio: ${got[external:$ENGINES/kaio.so]}" \
		test "${got[libaio]}" = "${got[external:$ENGINES/kaio.so]}" -a "${got[libaio]#rc=0 error=0 }" != "${got[libaio]}"
	unset got
done
finish
