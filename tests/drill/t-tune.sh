#!/usr/bin/env bash
# iodrill tune on the nil engine (short depths): one point per depth 1..1024 with IOPS,
# p50 <= p99 <= p99.9 <= max from the engine's histogram (or fio's clat), CPU from the sidecar, a knee that is one of the points and reaches
# 95% of the peak, the chart a PNG; the sweep in the results archive (--results): listed,
# shown with every depth, its provenance naming this kernel and fio; --no-archive stores
# nothing; --max-iodepth and --numjobs; a synchronous engine is refused unless --numjobs
# scales it.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"
head -c 16M /dev/urandom >"$S/f"
is_png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
SHORT=(--runtime 100 --ramp 0)

"$IODRILL" tune "$S/f" --engine nil "${SHORT[@]}" --json --png "$S/t.png" --results "$S/archive" \
	>"$S/t.json" 2>"$S/t.err"
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
# Latency per depth: p50 <= p99 <= p99.9 <= max, and its source named; the engine's own
# histogram once the engines write one (else fio's clat, and that is said as a skip).
if jq -e '[.points[] | select(.latency_source != null and .p50_us <= .p99_us and
	.p99_us <= .p99_9_us and .p99_9_us <= .max_us)] | length == 11' "$S/t.json" >/dev/null; then
	pass "tune nil: every depth p50 <= p99 <= p99.9 <= max, its source named"
else
	fail "tune nil: latency" "$(jq -c '[.points[] | [.p50_us, .p99_us, .p99_9_us, .max_us, .latency_source]]' "$S/t.json" | head -c 400)"
fi
src=$(jq -r '[.points[].latency_source] | unique | join(",")' "$S/t.json")
if [ "$src" = "engine histogram" ]; then
	pass "tune nil: latency from the engine's histogram at every depth"
else
	skip "tune nil: latency from the engine's histogram" "sources: $src; the engines do not write one yet"
fi

# The sweep in the archive: one job per depth of the table, nil filed under none.
id=$(jq -r '.archive | select(.stored == true) | .id' "$S/t.json")
check "tune nil: stored, and said" "$(jq -c .archive "$S/t.json"); $(tail -c 200 "$S/t.err")" \
	eval '[ -n "$id" ] && [ "$(jq -r .archive.device "$S/t.json")" = none ] &&
	grep -qF "stored in the results archive: $(jq -r .archive.path "$S/t.json")" "$S/t.err"'
"$IODRILL" results list --results "$S/archive" >"$S/list.out" 2>&1
check "tune nil: results list shows the sweep" "$(head -c 300 "$S/list.out")" \
	grep -qE "^  $id  tune +complete +11 jobs" "$S/list.out"
"$IODRILL" results show "$id" --results "$S/archive" --json >"$S/show.json" 2>"$S/show.err"
if jq -e --argjson d "$depths" '[.jobs[] | select(.engine == "nil" and .read.ios > 0 and
	.error == 0) | .iodepth] | sort == $d' "$S/show.json" >/dev/null; then
	pass "tune nil: results show --json has every depth of the table ($depths)"
else
	fail "tune nil: results show" "$(jq -c '[.jobs[] | [.engine, .iodepth, .read.ios]]' "$S/show.json" 2>&1 | head -c 300) $(head -c 200 "$S/show.err")"
fi
check "tune nil: the stored provenance names kernel and fio" \
	"$(jq -c '.provenance | {kind, status, kernel: .host.kernel, fio: .fio.version}' "$S/show.json")" \
	jq -e --arg k "$(uname -r)" --arg f "$("$FIO" --version)" '.provenance | .host.kernel == $k and
	.fio.version == $f and .kind == "tune" and .status == "complete" and .facts.engine == "nil"
	and [.parts[].label] == ["qd0001","qd0002","qd0004","qd0008","qd0016","qd0032","qd0064",
	"qd0128","qd0256","qd0512","qd1024"]' "$S/show.json"

IODRILL_RESULTS=$S/not-archived "$IODRILL" tune "$S/f" --engine nil "${SHORT[@]}" \
	--max-iodepth 8 --numjobs 2 --no-png --no-archive >"$S/m.out" 2>"$S/m.err"
rc=$?
rows=$(grep -cE '^ +[0-9]+ +[0-9]' "$S/m.out")
if [ "$rc" = 0 ] && [ "$rows" = 4 ] && grep -q '2 jobs per depth' "$S/m.out" &&
	grep -q '^knee: iodepth' "$S/m.out" && grep -q '<- knee' "$S/m.out"; then
	pass "tune --max-iodepth 8 --numjobs 2: depths 1..8, the table marks the knee"
else
	fail "tune --max-iodepth" "rc=$rc, $rows rows: $(head -c 400 "$S/m.out") $(tail -c 200 "$S/m.err")"
fi
check "tune --no-archive: nothing stored, and said" "$(tail -c 200 "$S/m.err")" \
	eval '[ ! -e "$S/not-archived" ] && grep -q "not stored in the results archive (--no-archive)" "$S/m.err"'

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
