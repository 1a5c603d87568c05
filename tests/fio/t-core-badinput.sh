#!/usr/bin/env bash
# Bad input through the engine core (sync engine): each must end with a clear message
# naming the option or path, a non-zero fio exit, no crash, and nothing created.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
E=(--ioengine="external:$ENGINES/sync.so" --bs=4k)

truncate -s 1M "$S/f"
expect_refusal "unknown engine option names it and suggests the right one" \
	"unrecognized option '--sidecarz=1'.*|Did you mean sidecar" \
	--name=t "${E[@]}" --filename="$S/f" --size=1M --sidecarz=1
expect_refusal "sidecar in a missing folder names the option and path" \
	"sidecar=$S/nodir/c.json: cannot open for appending: No such file or directory" \
	--name=t "${E[@]}" --filename="$S/f" --size=1M --sidecar="$S/nodir/c.json"
expect_refusal "missing file without size= names the file and size=" \
	"filename=$S/nope does not exist: .*give size=" \
	--name=t "${E[@]}" --filename="$S/nope" --rw=read
expect_refusal "a directory as target names it" \
	"filename=$S is a directory" \
	--name=t "${E[@]}" --filename="$S" --rw=write --size=1M

dev=/dev/loop0p9-iodrill-test
expect_refusal "a mistyped device path is refused, naming it" \
	"filename=$dev does not exist, and it is under /dev: refusing to create it" \
	--name=t "${E[@]}" --filename="$dev" --rw=write --size=1M
check "a mistyped device path is not created under /dev" "$dev exists" test ! -e "$dev"

# A read-only file opened for writing: root bypasses file modes, so run fio as nobody.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0711 "$S" && mkdir -m 0777 "$S/ro" && truncate -s 1M "$S/ro/f" && chmod 0444 "$S/ro/f"
	sum=$(md5sum <"$S/ro/f")
	out=$S/ro/run
	# fio prints this open error on stdout (log_info), so take both streams.
	setpriv --reuid=65534 --regid=65534 --clear-groups "$FIO" \
		--name=t "${E[@]}" --filename="$S/ro/f" --rw=write --size=1M >"$out.err" 2>&1
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" -lt 128 ] && grep -q "open($S/ro/f), error=Permission denied" "$out.err" &&
		[ "$(md5sum <"$S/ro/f")" = "$sum" ]; then
		pass "a read-only file opened for writing: message names the path, file unchanged"
	else
		fail "read-only file" "rc=$rc: $(head -c 300 "$out.err")"
	fi
else
	skip "read-only file opened for writing" "needs root and setpriv to run fio as another user"
fi
finish
