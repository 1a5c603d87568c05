#!/usr/bin/env bash
# profiles/*.fio run by plain fio, as their headers say: the drill reads 1,000 blocks at its
# own depth 1000 whatever the command line says, the same offsets whatever the engine, then
# reads them again reaping each completion as it comes; without --filename it says what to
# give; the sweep and the saturation profile parse; verify.fio writes, reads back and
# checks, leaving no state file; precondition.fio writes a file whole, sequentially.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
P=$TOP/profiles
head -c 16M /dev/urandom >"$S/f"

# The header of each profile says what it measures, how to run it and how to read it.
for p in drill qd-sweep saturate verify precondition; do
	if head -1 "$P/$p.fio" | grep -q "^# $p.fio - " && grep -q '^# Run it' "$P/$p.fio" &&
		grep -q '^# How to read it' "$P/$p.fio"; then
		pass "$p.fio: header names it, says how to run and read it"
	else
		fail "$p.fio header" "missing '# $p.fio - ', '# Run it' or '# How to read it'"
	fi
done

# drill.fio's timed job through an engine, the command line asking for depth 1: the
# profile's 1,000 wins (a job file beats the command line). The I/O log lists the offsets.
drill_with()
{
	local e=$1 out=$S/drill-$1
	runfio "$out" "$P/drill.fio" --section=drill --filename="$S/f" \
		--ioengine="external:$ENGINES/$e.so" --iodepth=1 --size=16M --sidecar="$out.sc" \
		--write_iolog="$out.log"
}
if drill_with sync && drill_with nil; then
	n_sync=$(fio_job_field "$S/drill-sync" drill .read.total_ios)
	n_nil=$(fio_job_field "$S/drill-nil" drill .read.total_ios)
	depth=$(sidecar_field "$S/drill-nil.sc" drill .job.iodepth)
	batch=$(sidecar_field "$S/drill-nil.sc" drill .job.iodepth_batch)
	direct=$(sidecar_field "$S/drill-nil.sc" drill .job.direct)
	if [ "$n_sync" = 1000 ] && [ "$n_nil" = 1000 ] && [ "$depth" = 1000 ] &&
		[ "$batch" = 1000 ] && [ "$direct" = true ]; then
		pass "drill.fio: 1,000 reads at the profile's iodepth 1000 despite --iodepth=1, batch 1000, O_DIRECT"
	else
		fail "drill.fio" "ios sync=$n_sync nil=$n_nil, iodepth=$depth batch=$batch direct=$direct"
	fi
	a=$(awk '$3 == "read" { print $4 }' "$S/drill-sync.log" | sort -n | md5sum)
	b=$(awk '$3 == "read" { print $4 }' "$S/drill-nil.log" | sort -n | md5sum)
	u=$(awk '$3 == "read" { print $4 }' "$S/drill-sync.log" | sort -u | wc -l)
	if [ "$a" = "$b" ] && [ "$u" = 1000 ]; then
		pass "drill.fio: both engines read the same 1,000 offsets, none twice"
	else
		fail "drill.fio offsets" "sync and nil differ or repeat ($u distinct)"
	fi
else
	fail "drill.fio" "fio failed: $(head -c 300 "$S/drill-sync.err" "$S/drill-nil.err")"
fi

# The whole profile: the timed job, then the latency job, 1,000 reads each. fio's own
# debug log says how it reaped: one wait for all 1,000 in drill; in drill-latency never
# a minimum above 1 (each completion taken as it comes).
reaping()
{
	"$FIO" "$P/drill.fio" --section="$1" --filename="$S/f" --debug=io \
		--ioengine="external:$ENGINES/uring_fixed.so" 2>&1 |
		sed -n 's/.*io_u_queued_complete: min=\([0-9]*\).*/\1/p' | sort -n | uniq -c |
		awk '{ printf "%s%sx%s", (NR > 1 ? " " : ""), $1, $2 }'
}
# at_most_one "NxM ...": every minimum M is 0 or 1, and there is one.
at_most_one()
{
	local w
	for w in $1; do
		case $w in *x0 | *x1) ;; *) return 1 ;; esac
	done
	[ -n "$1" ]
}
if [ -f "$ENGINES/uring_fixed.so" ]; then
	runfio "$S/both" "$P/drill.fio" --filename="$S/f" --ioengine="external:$ENGINES/uring_fixed.so"
	t=$(jq -r '[.jobs[] | "\(.jobname):\(.read.total_ios)"] | join(" ")' "$S/both.json" 2>/dev/null)
	check "drill.fio: the timed job, then the latency job, 1,000 reads each" "jobs: $t" \
		[ "$t" = "drill:1000 drill-latency:1000" ]
	d=$(reaping drill)
	l=$(reaping drill-latency)
	check "drill.fio: drill reaps once, all 1,000 ($d)" "fio's getevents minimums: $d" \
		[ "$d" = "1x1000" ]
	check "drill.fio: drill-latency never waits for more than 1 ($l)" \
		"fio's getevents minimums: $l" at_most_one "$l"
else
	skip "drill.fio: both jobs and their reaping" "engines/uring_fixed.so is not built"
fi

# Without --filename: fio fails, and the error names the option with an example.
(cd "$S" && "$FIO" "$P/drill.fio" --ioengine="external:$ENGINES/sync.so" >"$S/nofile.out" 2>&1)
rc=$?
check "drill.fio without --filename: refused, naming --filename= with an example" \
	"rc=$rc: $(head -c 400 "$S/nofile.out")" \
	eval '[ "$rc" != 0 ] && grep -q "no filename= given.*e\.g\. --filename=/dev/" "$S/nofile.out"'

if "$FIO" --parse-only "$P/qd-sweep.fio" --ioengine="external:$ENGINES/nil.so" \
	--filename="$S/f" >"$S/q.out" 2>&1; then
	pass "qd-sweep.fio parses with an engine from the command line"
else
	fail "qd-sweep.fio" "$(head -c 300 "$S/q.out")"
fi
if "$FIO" --parse-only "$P/saturate.fio" --ioengine=io_uring --filename="$S/f" >"$S/s.out" 2>&1; then
	pass "saturate.fio parses with an io_uring engine"
else
	fail "saturate.fio" "$(head -c 300 "$S/s.out")"
fi

# verify.fio writes a 4 MiB file, reads it back, checks it; no state file in the cwd.
mkdir -p "$S/cwd"
if (cd "$S/cwd" && runfio "$S/v" "$P/verify.fio" --filename="$S/v.dat" --size=4M \
	--ioengine="external:$ENGINES/sync.so"); then
	w=$(fio_job_field "$S/v" write-and-verify .write.io_bytes)
	r=$(fio_job_field "$S/v" write-and-verify .read.io_bytes)
	if [ "$w" = 4194304 ] && [ "$r" = 4194304 ] && [ -z "$(ls -A "$S/cwd")" ]; then
		pass "verify.fio: 4 MiB written and read back verified, no state file left"
	else
		fail "verify.fio" "wrote $w, verified $r, cwd holds: $(ls -A "$S/cwd")"
	fi
else
	fail "verify.fio" "fio failed: $(head -c 300 "$S/v.err")"
fi
# precondition.fio writes a sparse file whole: every byte, no 4 KiB block left all zeros.
truncate -s 4M "$S/p.dat"
if runfio "$S/p" "$P/precondition.fio" --filename="$S/p.dat" --ioengine="external:$ENGINES/sync.so"; then
	w=$(fio_job_field "$S/p" precondition .write.io_bytes)
	z=$(zero_blocks "$S/p.dat")
	check "precondition.fio: 4 MiB written sequentially, no block left all zeros" \
		"wrote $w bytes, $z zero 4 KiB blocks left" eval '[ "$w" = 4194304 ] && [ "$z" = 0 ]'
else
	fail "precondition.fio" "fio failed: $(head -c 300 "$S/p.err")"
fi
finish
