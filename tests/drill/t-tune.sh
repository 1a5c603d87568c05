#!/usr/bin/env bash
# iodrill tune on the nil engine (short depths): one point per depth 1..1024 with IOPS and
# latency from fio and CPU from the sidecar, a knee that is one of the points and reaches
# 95% of the peak, the chart a PNG; --max-iodepth and --numjobs; a synchronous engine is
# refused unless --numjobs scales it.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"
head -c 16M /dev/urandom >"$S/f"
is_png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
SHORT=(--runtime 100 --ramp 0)

"$IODRILL" tune "$S/f" --engine nil "${SHORT[@]}" --json --png "$S/t.png" >"$S/t.json" 2>"$S/t.err"
rc=$?
n=$(jq '.points | length' "$S/t.json" 2>/dev/null)
depths=$(jq -c '[.points[].iodepth]' "$S/t.json" 2>/dev/null)
if [ "$rc" = 0 ] && [ "$n" = 11 ] && [ "$depths" = "[1,2,4,8,16,32,64,128,256,512,1024]" ] &&
	jq -e '[.points[] | select(.iops > 0 and .p99_us >= .p50_us and .cpu_us_per_io > 0)]
		| length == 11' "$S/t.json" >/dev/null; then
	pass "tune nil: 11 depths 1..1024, IOPS > 0, p99 >= p50, CPU per I/O from the sidecar"
else
	fail "tune nil" "rc=$rc, $n points $depths: $(tail -c 300 "$S/t.err")"
fi
if jq -e '.knee_iodepth as $k | ([.points[].iops] | max) as $peak
	| [.points[] | select(.iodepth == $k)][0].iops >= 0.95 * $peak
	and ([.points[] | select(.iodepth < $k and .iops >= 0.95 * $peak)] | length == 0)' \
	"$S/t.json" >/dev/null; then
	pass "tune nil: finds a knee, the lowest depth at 95% of the peak ($(jq .knee_iodepth "$S/t.json"))"
else
	fail "tune nil: knee" "$(jq -c '{knee_iodepth, iops: [.points[].iops]}' "$S/t.json" | head -c 300)"
fi
check "tune nil: the chart is a PNG" "$S/t.png is not a PNG" is_png "$S/t.png"

"$IODRILL" tune "$S/f" --engine nil "${SHORT[@]}" --max-iodepth 8 --numjobs 2 --no-png \
	>"$S/m.out" 2>"$S/m.err"
rc=$?
rows=$(grep -cE '^ +[0-9]+ +[0-9]' "$S/m.out")
if [ "$rc" = 0 ] && [ "$rows" = 4 ] && grep -q '2 jobs per depth' "$S/m.out" &&
	grep -q '^knee: iodepth' "$S/m.out" && grep -q '<- knee' "$S/m.out"; then
	pass "tune --max-iodepth 8 --numjobs 2: depths 1..8, the table marks the knee"
else
	fail "tune --max-iodepth" "rc=$rc, $rows rows: $(head -c 400 "$S/m.out") $(tail -c 200 "$S/m.err")"
fi

"$IODRILL" tune "$S/f" --engine sync "${SHORT[@]}" --no-png >"$S/s.out" 2>"$S/s.err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'sync is synchronous: fio runs it at iodepth 1' "$S/s.err"; then
	pass "tune sync without --numjobs: refused, says why"
else
	fail "tune sync" "rc=$rc: $(head -c 300 "$S/s.err")"
fi
"$IODRILL" tune "$S/f" --engine sync "${SHORT[@]}" --numjobs 2 --max-iodepth 2 --no-png \
	>"$S/s2.out" 2>"$S/s2.err"
check "tune sync --numjobs 2 runs" "rc=$?: $(tail -c 300 "$S/s2.err")" grep -q '^knee:' "$S/s2.out"
check "tune leaves nothing in \$TMPDIR" "left: $(ls -A "$TMPDIR")" test -z "$(ls -A "$TMPDIR")"
finish
