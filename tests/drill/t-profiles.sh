#!/usr/bin/env bash
# profiles/*.fio run by plain fio, as their headers say: the drill reads 1,000 blocks at the
# depth given on the command line, the same offsets whatever the engine; the sweep and the
# saturation profile parse; verify.fio writes, reads back and checks, leaving no state file.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
P=$TOP/profiles
head -c 16M /dev/urandom >"$S/f"

# The header of each profile says what it measures, how to run it and how to read it.
for p in drill qd-sweep saturate verify; do
	if head -1 "$P/$p.fio" | grep -q "^# $p.fio - " && grep -q '^# Run it' "$P/$p.fio" &&
		grep -q '^# How to read it' "$P/$p.fio"; then
		pass "$p.fio: header names it, says how to run and read it"
	else
		fail "$p.fio header" "missing '# $p.fio - ', '# Run it' or '# How to read it'"
	fi
done

# drill.fio through an engine at depth DEPTH; the I/O log lists the offsets read.
drill_with()
{
	local e=$1 depth=$2 out=$S/drill-$1
	runfio "$out" "$P/drill.fio" --filename="$S/f" --ioengine="external:$ENGINES/$e.so" \
		--iodepth="$depth" --size=16M --sidecar="$out.sc" --write_iolog="$out.log"
}
if drill_with sync 1 && drill_with nil 1000; then
	n_sync=$(fio_job_field "$S/drill-sync" drill .read.total_ios)
	n_nil=$(fio_job_field "$S/drill-nil" drill .read.total_ios)
	depth=$(sidecar_field "$S/drill-nil.sc" drill .job.iodepth)
	batch=$(sidecar_field "$S/drill-nil.sc" drill .job.iodepth_batch)
	direct=$(sidecar_field "$S/drill-nil.sc" drill .job.direct)
	if [ "$n_sync" = 1000 ] && [ "$n_nil" = 1000 ] && [ "$depth" = 1000 ] &&
		[ "$batch" = 1000 ] && [ "$direct" = true ]; then
		pass "drill.fio: 1,000 reads; --iodepth=1000 from the command line, batch 1000, O_DIRECT"
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
finish
