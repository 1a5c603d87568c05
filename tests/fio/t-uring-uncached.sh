#!/usr/bin/env bash
# uncached=1 in uring_fixed (issue 17). fio 3.33's io_uring sends 0x40 for it, the
# RWF_UNCACHED of a patch set never merged; since Linux 6.11 that bit is RWF_ATOMIC, which
# buffered reads and writes refuse (EOPNOTSUPP). The kernel's uncached buffered I/O is
# RWF_DONTCACHE (0x80, Linux 6.14, per file system), and that is what ours sends. So, on a
# buffered file: where the kernel and file system have it (ext4 on 6.14+), ours runs and
# leaves none of the file's pages in the page cache (fincore), where uncached=0 leaves them
# all; where they do not (tmpfs; an older kernel), ours fails with EOPNOTSUPP, the answer
# fio gives, and says which option. What fio's io_uring does on the same file is printed.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
U=external:$ENGINES/uring_fixed.so
command -v fincore >/dev/null || { skip "uncached" "fincore is not installed (util-linux)"; finish; }

# one OUT ENGINE FILE RW UNCACHED: "rc error resident" of an 8 MiB buffered pass; FILE's
# pages dropped first; fio's stderr in OUT.err.
one()
{
	local out=$1
	shift
	dd if="$2" iflag=nocache count=0 status=none 2>/dev/null
	runfio "$out" --name=u --ioengine="$1" --filename="$2" --size=8M --bs=64k --rw="$3" \
		--direct=0 --uncached="$4"
	local rc=$?
	[ "$3" = write ] && sync "$2"
	echo "$rc $(fio_job_field "$out" u .error) $(fincore -b -n -o RES "$2" | tr -d ' ')"
}

# fs_case LABEL DIR: both directions on a file in DIR.
fs_case()
{
	local f=$2/file rw ours cached twin
	for rw in write read; do
		twin=$(one "$S/$1-$rw-twin" io_uring "$f" "$rw" 1)
		ours=$(one "$S/$1-$rw-ours" "$U" "$f" "$rw" 1)
		cached=$(one "$S/$1-$rw-cached" "$U" "$f" "$rw" 0)
		LAST_ERR=$S/$1-$rw-ours.err
		echo "$1 $rw: fio's io_uring uncached=1 gives rc/error/resident $twin"
		case $ours in
		"0 0 0") check "uring_fixed uncached=1 $rw on $1: RWF_DONTCACHE, nothing left cached" \
			"uncached=0 left '$cached'" test "${cached%% *}" = 0 -a "${cached##* }" -gt 0 ;;
		"1 95 "*) check "uring_fixed uncached=1 $rw on $1: EOPNOTSUPP (no RWF_DONTCACHE here), as fio" \
			"message: $(head -c 200 "$LAST_ERR"); fio's io_uring: $twin" \
			grep -q "uncached=1: .* does not take RWF_DONTCACHE" "$LAST_ERR" ;;
		*) fail "uring_fixed uncached=1 $rw on $1" "rc/error/resident '$ours': $(head -c 200 "$LAST_ERR")" ;;
		esac
	done
}

mkdir -p "$S/tmpfs"
fs_case tmpfs "$S/tmpfs"
why=$(loop_why)
if [ -n "$why" ] || ! command -v mkfs.ext4 >/dev/null; then
	skip "uncached on ext4" "${why:-mkfs.ext4 is not installed}"
else
	truncate -s 128M "$S/ext4.img" && mkfs.ext4 -q -F "$S/ext4.img" &&
		dev=$(loopdev "$S/ext4.img") && mount_at "$dev" "$S/ext4" &&
		fs_case ext4 "$S/ext4" || fail "uncached on ext4" "could not make an ext4 on a loop device"
fi
finish
