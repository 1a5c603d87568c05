#!/usr/bin/env bash
# The archive's round trip on real runs: fio with the sync and nil engines, stored with
# `iodrill results add`, then list, show and compare read it back. Checks fio's JSON is
# kept untouched, the sidecar lines byte for byte, the provenance the archive adds (kernel,
# CPUs, fio version, engine builds, command line, target), a multi-part tune-like run, and
# that a loop device keeps its folder when it comes back under another name.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/results/lib.sh"

S=$(scratch)
export IODRILL_RESULTS=$S/archive
R=$S/r1

if ! fio_nil_sync "$R"; then
	fail "fio run" "$(head -c 300 "$R.err")"
	finish
fi
out=$("$IODRILL" results add --json --kind drill --sidecar "$R.sc" --note "round trip" \
	"$R.json" -- fio --name=sync-qd1 ... 2>&1)
path=$(jq -r .path <<<"$out" 2>/dev/null)
check "add: stored, its path printed" "output: $out" test -f "$path"
id=$(jq -r .id <<<"$out" 2>/dev/null)

# fio's JSON untouched, byte for byte, and the sidecar lines too
python3 - "$path" "$R.json" "$R.sc" <<'PY' && pass "stored file: fio's JSON and sidecar lines byte for byte" || fail "stored file" "bytes differ"
import sys
r = open(sys.argv[1]).read()
a = r.index('"fio": [\n') + 9
b = r.index('\n],\n"sidecar"')
assert r[a:b] == open(sys.argv[2]).read().rstrip(), "fio"
for line in open(sys.argv[3]).read().splitlines():
    assert line in r[b:], "sidecar"
PY
check "stored file: reads as JSON with jq, fio's output equal" "jq -S differs" \
	cmp -s <(jq -S '.fio[0]' "$path") <(jq -S . "$R.json")

# provenance the archive added itself
p=$(jq -c .provenance "$path")
want_build=$(jq -r 'select(.engine == "sync") | .build' "$R.sc")
check "provenance: kernel is uname -r" "$(jq -r .host.kernel <<<"$p")" \
	test "$(jq -r .host.kernel <<<"$p")" = "$(uname -r)"
check "provenance: CPU count and model" "$(jq -c .host <<<"$p" | head -c 200)" \
	test "$(jq -r .host.cpus_online <<<"$p")" = "$(nproc)" -a -n "$(jq -r '.host.cpu_model // empty' <<<"$p")"
check "provenance: fio version is fio --version" "$(jq -r .fio.version <<<"$p")" \
	test "$(jq -r .fio.version <<<"$p")" = "$("$FIO" --version)"
check "provenance: engine builds from the sidecar" "$(jq -c .engines <<<"$p")" \
	test "$(jq -r '.engines[] | select(.name == "sync") | .build' <<<"$p")" = "$want_build"
check "provenance: command line, target, note, kind" "$(jq -c '[.command, .target.path, .note, .kind]' <<<"$p")" \
	test "$(jq -c '[.command[0], .target.path, .note, .kind]' <<<"$p")" = "[\"fio\",\"$R.dat\",\"round trip\",\"drill\"]"
check "provenance: merged job options" "$(jq -c '.jobs[0].options' <<<"$p")" \
	test "$(jq -r '.jobs[1].options.iodepth + " " + .jobs[0].options.rw' <<<"$p")" = "32 randread"

# list and show read it back
l=$("$IODRILL" results list --json)
check "list --json: one device, one run, both engines" "$l" \
	test "$(jq -c '[(.devices | length), (.devices[0].runs | length), .devices[0].runs[0].engines]' <<<"$l")" = '[1,1,["sync","nil"]]'
expect "list: the run on one line" 0 "$id" "$IODRILL" results list
s=$("$IODRILL" results show --json "${id: -4}")
fio_ios=$(jq '.jobs[0].read.total_ios' "$R.json")
check "show --json by the id's hex digits: jobs and counts" "$(head -c 300 <<<"$s")" \
	test "$(jq -c '[.id, (.jobs | length), .jobs[0].read.ios, .jobs[0].engine, .jobs[0].timer]' <<<"$s")" = "[\"$id\",2,$fio_ios,\"sync\",\"engine\"]"
expect "show: table with provenance" 0 "kernel $(uname -r)" "$IODRILL" results show latest
expect "compare a run with itself: no regression" 0 "no regression" "$IODRILL" results compare "$id" "$id"

# a run of nil alone is filed under "none"; the folder is found by path too
fio_nil_sync "$S/r2" --number_ios=1000 >/dev/null 2>&1
"$IODRILL" results add --sidecar "$S/r2.sc" --target none "$S/r2.json" >/dev/null 2>&1
check "a run with --target none goes to folder none" "$(ls "$IODRILL_RESULTS")" test -d "$IODRILL_RESULTS/none"
expect "list PATH finds the device by identity" 0 "$id" "$IODRILL" results list "$R.dat"
expect "list none" 0 "no device" "$IODRILL" results list none

# a tune-like run: one part per queue depth, labels kept, one job each
parts=() sidecars=() labels=()
for qd in 1 4 16; do
	runfio "$S/t$qd" --name=tune --ioengine="external:$ENGINES/nil.so" --filename=/nil --size=64M \
		--rw=randread --bs=4k --iodepth=$qd --number_ios=2000 --sidecar="$S/t$qd.sc"
	parts+=("$S/t$qd.json") sidecars+=(--sidecar "$S/t$qd.sc") labels+=(--label "iodepth=$qd")
done
tid=$("$IODRILL" results add --json --kind tune "${sidecars[@]}" "${labels[@]}" "${parts[@]}" | jq -r .id)
t=$("$IODRILL" results show --json "$tid")
check "tune run: three parts, queue depths 1 4 16, labels" "$(head -c 300 <<<"$t")" \
	test "$(jq -c '[.jobs[].iodepth, .provenance.parts[].label]' <<<"$t")" = '[1,4,16,"iodepth=1","iodepth=4","iodepth=16"]'

# a loop device keeps its folder when it returns as another /dev/loopN
why=$(loop_why)
if [ -n "$why" ]; then
	skip "loop device identity survives a rename" "$why"
else
	truncate -s 16M "$S/img"
	d1=$(loopdev "$S/img")
	runfio "$S/l1" --name=l --ioengine="external:$ENGINES/sync.so" --filename="$d1" --rw=randread \
		--bs=4k --number_ios=200 --sidecar="$S/l1.sc"
	f1=$("$IODRILL" results add --json --sidecar "$S/l1.sc" "$S/l1.json" | jq -r .device)
	losetup -d "$d1"
	truncate -s 1M "$S/pad"
	d0=$(loopdev "$S/pad")	# takes the freed number, so the image comes back under another
	d2=$(loopdev "$S/img")
	out=$("$IODRILL" results list --json "$d2" 2>&1)
	check "loop device identity survives a rename ($d1 -> $d2): same folder $f1" "$out d0=$d0" \
		test "$(jq -r '.devices[0].name' <<<"$out" 2>/dev/null)" = "$f1" -a "${f1#loop-}" != "$f1" \
		-a "$d1" != "$d2"
fi
finish
