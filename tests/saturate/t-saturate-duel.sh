#!/usr/bin/env bash
# Issue 16: iodrill tune --saturate crowned a point that was lucky. The search ranks points
# by one run each, and on a machine others use two runs of the same settings differ by
# 15-25%; so the one-core peak is decided by a duel, the best one-job settings run
# interleaved, the best median winning. Here a fio wrapper makes the runs lie where we
# want them to (tmpfs ranks by CPU per I/O: the wrapper scales the sidecar's CPU time):
#   - the first run at 4 KiB, iodepth 4, batch 4 is lucky: 1/50 of its CPU time;
#   - every run at 4 KiB, iodepth 2, batch 2 is good: 1/5 of its CPU time.
# Expected: the lucky settings lead the search (candidate A), the good ones are B, and the
# duel crowns B: the one-core peak is B's median run.
# Buggy (one run decides): the one-core peak at iodepth 4.
. "$(dirname "$0")/../lib.sh"

tune_scratch 8M
first=$(cut -d, -f1 /sys/devices/system/cpu/online | cut -d- -f1)
# One CPU: no SQPOLL and no more jobs, only the one-job phases.
QUICK=(--runtime 100 --ramp 0 --max-iodepth 4 --cpus "$first" --no-png --no-archive)

# fio, then the sidecar's CPU time scaled by the settings of the job file.
cat >"$S/fio" <<EOF
#!/bin/bash
[ "\$1" = --version ] && exec $FIO --version
job= side=
for a in "\$@"; do
	case \$a in
	*.fio) job=\$a ;;
	--sidecar=*) side=\${a#--sidecar=} ;;
	esac
done
$FIO "\$@" || exit
key=\$(grep -E '^(bs|iodepth|iodepth_batch_submit)=' "\$job" | cut -d= -f2 | tr '\n' ' ')
echo "\$key" >>"$S/calls"
case \$key in
"4096 4 4 ") [ "\$(grep -c "^4096 4 4 \$" "$S/calls")" = 1 ] && f=0.02 || f=1 ;;
"4096 2 2 ") f=0.2 ;;
*) f=1 ;;
esac
jq -c --argjson f "\$f" '.cpu.total_ns = ((.cpu.total_ns * \$f) | floor)' "\$side" >"\$side.new" &&
	mv "\$side.new" "\$side"
EOF
chmod +x "$S/fio"
J=$S/s.json
IODRILL_FIO=$S/fio "$IODRILL" tune "$S/f" --saturate "${QUICK[@]}" --json >"$J" 2>"$S/s.err"
rc=$?
# jqok EXPR: EXPR is true on the search's JSON.
jqok() { [ "$(jq "$@" "$J" 2>/dev/null)" = true ]; }
check "saturate duel: the search ran, through the wrapper" "rc=$rc: $(tail -c 300 "$S/s.err")" \
	eval '[ "$rc" = 0 ] && [ "$(grep -c . "$S/calls")" = "$(jq ".points | length" "$J")" ]'
check "saturate duel: the lucky run leads the search: candidate A; the good settings are B" \
	"$(jq -c '[.duel.candidates[]? | [.name, .bs, .iodepth, .batch, .found.label]]' "$J")" \
	jqok '([.points[] | select(.phase != "duel")] | max_by(.score)) as $top
		| .duel.candidates[0] | .bs == 4096 and .iodepth == 4 and .batch == 4
		and .found.label == $top.label and $top.phase == "depth"' \
	&& jqok '.duel.candidates[1] | .bs == 4096 and .iodepth == 2 and .batch == 2'
check "saturate duel: B has the best median and wins, told why" \
	"$(jq -c '.duel | {w: .winner, m: [.candidates[]? | .median], why}' "$J")" \
	jqok '.duel.winner == 1 and (.duel.why | test("^B: the best median of 3 runs, .* A.s best run in the search"))
		and .duel.candidates[1].median > 2 * .duel.candidates[0].median'
check "saturate duel: the one-core peak is B's median run, and SQPOLL and more jobs not tried" \
	"$(jq -c '{p: .one_core_peak | [.label, .phase, .iodepth, .bs], m: .duel.candidates[1].median_run, sq: .sqpoll_not_tried}' "$J")" \
	jqok '.one_core_peak | .phase == "duel" and .iodepth == 2 and .bs == 4096 and .batch == 2' &&
	jqok '.one_core_peak.label == .duel.candidates[1].median_run and .sqpoll == null
		and all(.points[]; .jobs == 1)'

# The same search as text: the duel's lines (the wrapper's count starts again).
rm -f "$S/calls"
IODRILL_FIO=$S/fio "$IODRILL" tune "$S/f" --saturate "${QUICK[@]}" >"$S/s.out" 2>"$S/s.err"
rc=$?
check "saturate duel: the text report shows the duel, its runs and the winner" \
	"rc=$rc: $(grep -A5 '  duel:' "$S/s.out" | head -c 600)" \
	eval '[ "$rc" = 0 ] && grep -q "^  duel: the 3 best one-job settings of the search, 3 interleaved rounds of 0.2 s runs, compared by the IOPS one core would drive" "$S/s.out" &&
	grep -qE "^    B 1 job, iodepth 2, batch 2, 4 KiB, by interrupt \(point [0-9]+\):( [0-9.]+[kM]?){3}, median [0-9.]+[kM]?  <- winner$" "$S/s.out" &&
	grep -q "^    winner B: the best median" "$S/s.out" &&
	grep -q "^one-core peak: .*(1 job, iodepth 2, batch 2, 4 KiB, by interrupt).*(the duel.s winner, its median run: point" "$S/s.out"'
finish
