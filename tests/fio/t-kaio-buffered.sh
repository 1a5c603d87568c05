#!/usr/bin/env bash
# kaio with direct=0 (issue 17): it runs, as fio's libaio runs it, and tells the truth.
# Buffered randwrite with verify=crc32c, then a randread pass verifying that data, with kaio
# and with libaio on their own files: both exit 0 with error 0 and move the same bytes; kaio
# says (kernel AIO does buffered I/O inside io_submit) once per job definition where fio
# says its notices (its log, in normal output mode only: a JSON output stays whole; issue
# 15), never on stderr, and in each job's sidecar (engine_facts.buffered), also with
# numjobs=2; its sidecar says io_submit blocked and how long per I/O. allow_buffered=1 (no
# effect) is still accepted.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
notice='direct=0: Linux kernel AIO does buffered I/O inside io_submit'

# pass ENGINE FILE OUT RW [ARGS...]: one buffered verify pass; prints "rc error bytes".
pass_run()
{
	local e=$1 f=$2 out=$3 rw=$4
	shift 4
	runfio "$out" --name=buf --ioengine="$e" --filename="$f" --size=8M --bs=4k --direct=0 \
		--iodepth=16 --rw="$rw" --verify=crc32c --verify_state_save=0 "$@"
	local rc=$?
	echo "$rc $(fio_job_field "$out" buf '"\(.error) \(.read.io_bytes + .write.io_bytes)"')"
}

K=external:$ENGINES/kaio.so
for rw in randwrite randread; do
	# randread verifies what the randwrite pass of the same job wrote.
	twin=$(pass_run libaio "$S/twin" "$S/twin-$rw" "$rw")
	ours=$(pass_run "$K" "$S/ours" "$S/ours-$rw" "$rw" --sidecar="$S/ours-$rw.sc")
	check "kaio direct=0 $rw with verify: as libaio (rc error bytes: $ours)" \
		"kaio: $ours; libaio: $twin" test "$ours" = "$twin" -a "${twin%% *}" = 0 \
		-a "$(echo "$twin" | cut -d' ' -f2)" = 0
	n=$(grep -c "$notice" "$S/ours-$rw.json")
	said=$(sidecar_field "$S/ours-$rw.sc" buf '.engine_facts.buffered // ""')
	check "kaio direct=0 $rw (JSON output): the notice in the sidecar, not in the JSON, not on stderr" \
		"$n notice lines in the --output file; sidecar: '$said'; stderr: $(head -c 200 "$S/ours-$rw.err")" \
		test "$n" = 0 -a ! -s "$S/ours-$rw.err" -a -n "$said"
	got=$(sidecar_field "$S/ours-$rw.sc" buf \
		'"\(.engine_facts.submission_blocks) \(.engine_facts.io_submit_ns_per_io > 0)"')
	check "kaio direct=0 $rw: the sidecar measured io_submit blocking per I/O" \
		"sidecar (submission_blocks, io_submit_ns_per_io > 0): '$got'" test "$got" = "true true"
done

# Normal output mode: the notice is on fio's log (stdout or --output), once for the job
# definition although numjobs=2 runs two jobs.
out=$S/jobs2
timeout -k 5 60 "$FIO" "${NODU[@]}" --output="$out.out" --name=buf --ioengine="$K" --filename="$S/j2" \
	--size=4M --bs=4k --direct=0 --rw=randread --numjobs=2 --allow_buffered=1 2>"$out.err"
rc=$?
n=$(grep -c "$notice" "$out.out")
check "kaio direct=0 numjobs=2 allow_buffered=1: runs, one notice for the job definition" \
	"rc=$rc, $n notices, stderr: $(head -c 200 "$out.err")" test "$rc" = 0 -a "$n" = 1 -a ! -s "$out.err"
out=$S/direct
runfio "$out" --name=buf --ioengine="$K" --filename="$S/j2" --size=4M --bs=4k --direct=1 --rw=randread
check "kaio direct=1: no notice" "rc=$?, $(grep -c "$notice" "$out.json") notices" \
	test "$(grep -c "$notice" "$out.json")" = 0
finish
