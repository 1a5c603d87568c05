#!/usr/bin/env bash
# iodrill tune --saturate on a file in /dev/shm, quick settings (100 ms per point, depths up
# to 4): the guided search's phases and early stops, each block size at its own depth, the
# one-core peak (the duel: the best one-job settings interleaved, the best median), the
# device peak by its rule (the fewest jobs within 5% of the best), a knee per job count,
# CPU-bound or device-bound per point, the jobs pinned one per CPU, hipri not tried on
# tmpfs (and why), the chart, the whole run in the results archive, the job file that
# reproduces the peaks (fio runs it); bad input.
. "$(dirname "$0")/../lib.sh"

tune_scratch 16M
mkdir -p "$S/keep"
QUICK=(--runtime 100 --ramp 0 --max-iodepth 4)
# jqok FILE [JQ-OPTION...] EXPR: EXPR is true on FILE (jq 1.6 -e exits 0 on an empty file).
jqok()
{
	local f=$1
	shift
	[ "$(jq "$@" "$f" 2>/dev/null)" = true ]
}
is_png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
J=$S/s.json

"$IODRILL" tune "$S/f" --saturate "${QUICK[@]}" --json --png "$S/s.png" --results "$S/archive" \
	--write-profile "$S/peak.fio" --keep "$S/keep" >"$J" 2>"$S/s.err"
rc=$?
if [ "$rc" = 0 ] && jqok "$J" '(.points | length) >= 6 and all(.points[]; .iops > 0 and
	.cpu_us_per_io > 0 and .polled == false and (.bound | IN("CPU", "CPU*", "device")))'; then
	pass "saturate tmpfs: $(jq '.points | length' "$J") points, each with IOPS, CPU per I/O, a bound"
else
	fail "saturate tmpfs" "rc=$rc: $(tail -c 400 "$S/s.err")"
fi
check "saturate tmpfs: one job's depth sweep 1, 2, 4 (--max-iodepth 4)" \
	"$(jq -c '[.points[] | select(.phase == "depth") | [.jobs, .iodepth, .batch]]' "$J")" \
	jqok "$J" '[.points[] | select(.phase == "depth") | [.jobs, .iodepth, .batch]]
		== [[1,1,1],[1,2,2],[1,4,4]]'
# Each block size at its own depth: 512 B at the 4 KiB settings, then one doubling (or, past
# --max-iodepth or when doubling added less than 2%, one halving) of its depth.
check "saturate tmpfs: 512 B tried at its own depth, one doubling or halving from 4 KiB's" \
	"$(jq -c '[.points[] | select(.phase == "bs") | [.bs, .iodepth, .batch]]' "$J")" \
	jqok "$J" '[.points[] | select(.phase == "bs")] as $b | ($b | length) as $n | $b[0].iodepth as $d
		| $n >= 2 and $n <= 3 and all($b[]; .bs == 512 and .batch <= .iodepth and .iodepth <= 4)
		and (if $d * 2 <= 4 then $b[1].iodepth == 2 * $d else $b[1].iodepth * 2 == $d end)
		and ($n == 2 or ($b[1].iodepth == 2 * $d and $b[2].iodepth * 2 == $d))'
check "saturate tmpfs: the best point of each block size" \
	"$(jq -c '.one_core_per_bs | map([.bs, .iodepth, .score])' "$J")" \
	jqok "$J" '([.one_core_per_bs[].bs] | sort) == [512, 4096] and all(.one_core_per_bs[];
		.jobs == 1 and (.phase | IN("depth", "batch", "bs")))
		and ([.one_core_per_bs[] | select(.bs == 512) | .phase] == ["bs"])'
# The duel: the 3 best distinct one-job settings of the search (by their best run), run
# interleaved A B C A B C A B C; the best median wins, its median run is the one-core peak.
check "saturate tmpfs: the duel's candidates are the search's best distinct one-job settings" \
	"$(jq -c '[.duel.candidates[]? | [.name, .bs, .iodepth, .batch, .found.score]]' "$J")" \
	jqok "$J" '. as $all | [.points[] | select(.phase | IN("depth", "batch", "hipri", "bs"))
		| select(.jobs == 1 and .sqpoll_cpu == null)]
		| group_by([.bs, .iodepth, .batch, .hipri]) | map(max_by(.score))
		| sort_by(-.score) | .[:3] | map([.bs, .iodepth, .batch, .hipri, .label]) as $want
		| [$all.duel.candidates[] | [.bs, .iodepth, .batch, .hipri, .found.label]] == $want
		and ($want | length) >= 2 and [$all.duel.candidates[].name] == (["A","B","C"] | .[:($want | length)])'
check "saturate tmpfs: the duel runs interleaved, 3 rounds, each twice a point's runtime" \
	"$(jq -c '[.points[] | select(.phase == "duel") | [.bs, .iodepth, .batch]]' "$J")" \
	jqok "$J" '.duel as $d | [.points[] | select(.phase == "duel")] as $p
		| $d.rounds == 3 and $d.runtime_ms == 200 and $d.compared_by == "cpu_per_io"
		and ($p | map([.bs, .iodepth, .batch, .hipri, .jobs])) == ([range(3)
			| $d.candidates[] | [.bs, .iodepth, .batch, .hipri, 1]])
		and ($p | map(.label)) == [range(3) as $r | $d.candidates[] | .runs[$r].label]'
check "saturate tmpfs: the best median wins; its median run is the one-core peak" \
	"$(jq -c '{m: [.duel.candidates[]? | [.name, .median, ([.runs[].score] | sort)]], w: .duel.winner, why: .duel.why, peak: .one_core_peak.label}' "$J" | head -c 600)" \
	jqok "$J" '.duel as $d | all($d.candidates[]; (.runs | length) == 3
			and .median == ([.runs[].score] | sort | .[1])
			and (. as $c | any($c.runs[]; .label == $c.median_run and .score == $c.median)))
		and $d.candidates[$d.winner].median == ([$d.candidates[].median] | max)
		and .one_core_peak.label == $d.candidates[$d.winner].median_run
		and .one_core_peak.phase == "duel" and .one_core_peak.jobs == 1
		and .one_core_peak.iops > 0
		and ($d.why | startswith($d.candidates[$d.winner].name + ": "))'
check "saturate tmpfs: the device peak is the fewest jobs within 5% of the best" \
	"$(jq -c '{device_peak, best}' "$J" | head -c 400)" \
	jqok "$J" '[.points[] | select(.phase != "sqpoll")] as $p | ([$p[].score] | max) as $top
		| .best.score == $top and .device_peak as $d | $d.score >= 0.95 * $top
		and ([$p[] | select(.jobs < $d.jobs and .score >= 0.95 * $top)] | length == 0)'
check "saturate tmpfs: a knee per job count, at 95% of its sweep's best, not deeper" \
	"$(jq -c '.sweeps' "$J" | head -c 300)" \
	jqok "$J" '(.sweeps | length) >= 1 and all(.sweeps[]; .knee.score >= 0.95 * .best.score
		and .knee.iodepth <= .best.iodepth and .knee.jobs == .jobs)'
# More jobs: at most the run's CPUs, pinned one per CPU (cpus_allowed, split).
# The run's CPUs, one per line (the facts give a kernel list: "0-3,8").
cpus=$(jq -r .facts.cpus "$J")
list=$(jq -r '.facts.cpus | split(",")[] | split("-") | map(tonumber)
	| if length == 2 then range(.[0]; .[1] + 1) else .[0] end' "$J")
ncpu=$(wc -l <<<"$list")
maxjobs=$(jq '[.points[].jobs] | max' "$J")
pin1=$(grep -h '^cpus_allowed=' "$S"/keep/*/p001-*.fio)
if [ -n "$list" ] && [ "$maxjobs" -le "$ncpu" ] && [ "$pin1" = "cpus_allowed=$(head -1 <<<"$list")" ] &&
	grep -qx 'cpus_allowed_policy=split' "$S"/keep/*/p001-*.fio; then
	pass "saturate tmpfs: jobs up to the $ncpu CPUs ($cpus), one job pinned to the first"
else
	fail "saturate tmpfs: pinning" "max jobs $maxjobs of $ncpu CPUs ($cpus); $pin1"
fi
if [ "$ncpu" -ge 2 ]; then
	f2=$(grep -l '^numjobs=2$' "$S"/keep/*/p*.fio | head -1)
	two=$(head -2 <<<"$list" | tr '\n' ' ' | awk '{ print ($2 == $1 + 1) ? $1 "-" $2 : $1 "," $2 }')
	check "saturate tmpfs: 2 jobs pinned to the first two CPUs ($two)" \
		"$f2: $(grep cpus_allowed= "$f2" 2>&1)" grep -qx "cpus_allowed=$two" "$f2"
	# SQPOLL: the one-core peak's settings, the job on the first CPU, its poller on the next.
	fq=$(grep -l '^sqthread_poll=1$' "$S"/keep/*/p*.fio | head -1)
	second=$(sed -n 2p <<<"$list")
	if [ -n "$fq" ] && grep -qx "sqthread_poll_cpu=$second" "$fq" &&
		grep -qx "cpus_allowed=$(head -1 <<<"$list")" "$fq" &&
		jqok "$J" --argjson c "$second" '.sqpoll as $q | .one_core_peak as $o | $q.sqpoll_cpu == $c
			and $q.jobs == 1 and $q.iodepth == $o.iodepth and $q.bs == $o.bs and $q.iops > 0'; then
		pass "saturate tmpfs: SQPOLL at the one-core peak's settings, its thread on CPU $second"
	else
		fail "saturate tmpfs: SQPOLL" "job file '$fq': $(grep -h 'sqthread\|cpus_allowed=' "$fq" 2>&1 | tr '\n' ' '); $(jq -c .sqpoll "$J")"
	fi
else
	check "saturate tmpfs: SQPOLL not tried on one CPU" "$(jq -c .sqpoll_not_tried "$J")" \
		jqok "$J" '.sqpoll == null and (.sqpoll_not_tried | test("the run has one CPU"))'
fi
# No device under a tmpfs file: ranked by the IOPS a core drives at each point's CPU per I/O.
check "saturate tmpfs: points ranked by CPU per I/O" "$(jq -c '[.ranked_by, .points[0].score, .points[0].cpu_us_per_io]' "$J")" \
	jqok "$J" '.ranked_by == "cpu_per_io" and all(.points[]; (.score * .cpu_us_per_io
		/ 1e6 / .jobs / (if .sqpoll_cpu then 2 else 1 end) - 1 | fabs) < 1e-6)'
check "saturate tmpfs: hipri not tried, and why" "$(jq -r .hipri "$J")" \
	jqok "$J" '.hipri | test("not tried: .* cannot poll \\(no block device under it")'
check "saturate tmpfs: the system check says there is no device to check" \
	"$(jq -c .facts.system_check "$J" | head -c 300)" \
	jqok "$J" '.facts.system_check | .disk == null and .settings.scheduler.state == "n/a"'
check "saturate tmpfs: the chart is a PNG" "$S/s.png" is_png "$S/s.png"

# The whole run in the archive: one part per point, with the system check in its facts.
id=$(jq -r '.archive | select(.stored == true) | .id' "$J")
"$IODRILL" results show "$id" --results "$S/archive" --json >"$S/show.json" 2>"$S/show.err"
check "saturate tmpfs: stored, every point a part, the system check in the facts" \
	"$(jq -c '.provenance | {kind, status, n: (.parts | length)}' "$S/show.json" 2>&1 | head -c 300) $(head -c 200 "$S/show.err")" \
	jqok "$S/show.json" --argjson n "$(jq '.points | length' "$J")" '.provenance | .kind == "saturate" and
		.status == "complete" and (.parts | length) == $n and
		.facts.system_check.settings.cpu_governor.state != null'

# The job file reproduces the peaks under plain fio (its runtime cut for the test).
sed -i 's/^runtime=.*/runtime=200ms/; s/^ramp_time=.*/ramp_time=0/' "$S/peak.fio"
runfio "$S/peak" "$S/peak.fio"
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$S/peak.err" ] &&
	jqok "$S/peak.json" --slurpfile s "$J" '.jobs[0].jobname == "one-core-peak" and .jobs[0].read.iops > 0
	and .jobs[0]["job options"].iodepth == ($s[0].one_core_peak.iodepth | tostring)
	and .jobs[0]["job options"].bs == ($s[0].one_core_peak.bs | tostring)' >/dev/null; then
	pass "saturate tmpfs: --write-profile: fio runs the file alone, at the one-core peak's settings"
else
	fail "saturate tmpfs: --write-profile" "rc=$rc: $(head -c 300 "$S/peak.err") $(grep -v '^#' "$S/peak.fio" | head -30 | tr '\n' ' ')"
fi

# ---- bad input: refused before any I/O, exit 2, the message names the option ----------------
bad()
{
	local name=$1 re=$2 out rc
	shift 2
	out=$S/bad-$RANDOM
	"$IODRILL" tune "$@" >"$out.out" 2>"$out.err"
	rc=$?
	if [ "$rc" = 2 ] && grep -qE -- "$re" "$out.err" && [ ! -s "$out.out" ]; then
		pass "saturate bad input: $name"
	else
		fail "saturate bad input: $name" "rc=$rc: $(head -c 300 "$out.err")"
	fi
}
bad "a depth beyond the ring" "--max-iodepth 65536 is beyond the io_uring ring: it holds at most 32768 entries, and 16384 registered buffers" \
	"$S/f" --saturate --max-iodepth 65536
bad "--max-iodepth 0" "--max-iodepth 0 is beyond" "$S/f" --saturate --max-iodepth 0
bad "hipri on a target that cannot poll" "--hipri on: $S/f cannot poll: no block device under it" \
	"$S/f" --saturate --hipri on --no-archive
bad "--hipri sometimes" "--hipri sometimes: give auto, on or off" "$S/f" --saturate --hipri sometimes
bad "a CPU that is not online" "--cpus 999: CPU 999 is not online or not allowed" \
	"$S/f" --saturate --cpus 999 --no-archive
bad "not a CPU list" "--cpus 0-x is not a CPU list" "$S/f" --saturate --cpus 0-x --no-archive
bad "an engine without io_uring's options" "searches io_uring's settings .*: kaio has none of them" \
	"$S/f" --saturate --engine kaio --no-archive
bad "--numjobs" "'--numjobs': the search chooses the jobs .*: limit them with --cpus" \
	"$S/f" --saturate --numjobs 2
bad "no TARGET" "no TARGET; usage: iodrill tune TARGET --saturate" --saturate
bad "a missing TARGET" "TARGET $S/nope does not exist" "$S/nope" --saturate --no-archive
check "saturate leaves nothing in \$TMPDIR" "left: $(ls -A "$TMPDIR")" test -z "$(ls -A "$TMPDIR")"
finish
