#!/usr/bin/env bash
# The engines under the real fio, checked with valgrind's memcheck (an ASan-built engine
# cannot load into a non-ASan fio): no invalid read/write, no use of uninitialised
# values, no leak whose allocation stack passes through an engine. fio itself leaks a few
# option strings at exit; those are not ours and are ignored.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
if ! command -v valgrind >/dev/null; then
	skip "engines under valgrind" "valgrind is not installed (apt-get install valgrind)"
	finish
fi

# memcheck_case NAME WANT-RC FIO-ARGS...: run fio under memcheck (WANT-RC: ok or fail),
# judge the records.
memcheck_case()
{
	local name=$1 want=$2 log=$S/vg-$RANDOM.log ours other
	shift 2
	valgrind -q --fullpath-after= --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--log-file="$log" "$FIO" --output-format=json --output="$S/vg.json" "$@" 2>"$S/vg.err"
	local rc=$?
	# Records are blocks of "==PID== ..." lines separated by an empty "==PID== " line.
	ours=$(awk -v RS="==[0-9]+== \n" "/\\/engines\\//" "$log" | head -c 1500)
	other=$(awk -v RS='==[0-9]+== \n' '/Invalid|uninitialised|Conditional jump|Syscall param/' "$log" | head -c 1500)
	if { [ "$want" = ok ] && [ "$rc" != 0 ]; } || { [ "$want" = fail ] && { [ "$rc" = 0 ] || [ "$rc" -ge 128 ]; }; }; then
		fail "$name" "fio under valgrind exited $rc (wanted $want): $(head -c 300 "$S/vg.err")"
	elif [ -n "$ours$other" ]; then
		fail "$name" "memcheck: $ours $other"
	else
		pass "$name"
	fi
}

truncate -s 2M "$S/f"
for t in 0 1; do
	memcheck_case "sync randrw+verify thread=$t: memcheck clean" ok --name=v \
		--ioengine="external:$ENGINES/sync.so" --filename="$S/f" --size=1M --bs=4k --rw=randrw \
		--verify=crc32c --verify_state_save=0 --thread=$t --sidecar="$S/sc.$t"
	memcheck_case "nil iodepth=16 thread=$t: memcheck clean" ok --name=v \
		--ioengine="external:$ENGINES/nil.so" --filename=/nil --size=16M --bs=4k --rw=randread \
		--iodepth=16 --iodepth_batch_submit=4 --thread=$t --sidecar="$S/sc.nil.$t"
done
# An init failure path (bad sidecar) must not leak or touch freed memory either.
memcheck_case "sync with a failing init: memcheck clean" fail --name=v --ioengine="external:$ENGINES/sync.so" \
	--filename="$S/f" --size=1M --sidecar="$S/nodir/x" --thread=1
finish
