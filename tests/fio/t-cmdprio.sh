#!/usr/bin/env bash
# cmdprio* in kaio and uring_fixed (issue 17) are fio's own (engines/core/cmdprio.h): a job
# with cmdprio_percentage=50 cmdprio_class=1 has per-class `prios` entries in fio's JSON for
# both classes (0: the job's default, 1: realtime), exactly as with the twin on the same
# target (fio seeds the choice, so the split is the same I/O for I/O); cmdprio_bssplit too;
# and fio's own checks refuse what the twin refuses. uring_passthru's are checked in the
# NVMe test machine (tests/corpus: cmdprio-*.fio).
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
truncate -s 32M "$S/f"
target=$S/f
if [ -z "$(loop_why)" ]; then
	target=$(loopdev "$S/f") || { fail "cmdprio" "losetup failed"; finish; }
fi

# prios ENGINE OUT ARGS...: "rc N;class/prio:ios ..." of one randread job.
prios()
{
	local e=$1 out=$2
	shift 2
	runfio "$out" --name=p --ioengine="$e" --filename="$target" --size=16M --bs=4k \
		--rw=randread --direct=1 --iodepth=8 "$@"
	echo "$? $(fio_job_field "$out" p '[.read.prios // [] | .[] |
		"\(.prioclass)/\(.prio):\(.clat_ns.N)"] | join(" ")')"
}

for pair in kaio:libaio uring_fixed:io_uring; do
	e=${pair%%:*} twin=${pair#*:}
	for shape in "--cmdprio_percentage=50 --cmdprio_class=1" \
		"--bssplit=4k/50:8k/50 --cmdprio_bssplit=4k/100:8k/0 --cmdprio_class=1 --cmdprio=3"; do
		label="${shape//--/}"
		t=$(prios "$twin" "$S/$twin-$RANDOM" $shape)
		o=$(prios "external:$ENGINES/$e.so" "$S/$e-$RANDOM" $shape)
		if [ "${t%% *}" != 0 ]; then
			fail "$e $label" "fio's $twin itself failed: $t"
		elif [ "$o" = "$t" ] && [[ $o == *" 0/"*" 1/"* ]]; then
			pass "$e $label: per-class prios as $twin ($o)"
		else
			fail "$e $label" "$e: '$o'; $twin: '$t' (both classes wanted)"
		fi
	done
	expect_refusal "$e: cmdprio_percentage with cmdprio_bssplit refused, as by $twin" \
		"cmdprio_percentage and cmdprio_bssplit options are mutually exclusive" \
		--name=p --ioengine="external:$ENGINES/$e.so" --filename="$target" --size=1M \
		--rw=randread --direct=1 --cmdprio_percentage=10 --cmdprio_bssplit=4k/100
	expect_refusal "$e: cmdprio_class=4 refused by fio's parser, naming it" \
		"cmdprio_class" --name=p --ioengine="external:$ENGINES/$e.so" \
		--filename="$target" --size=1M --rw=randread --direct=1 --cmdprio_class=4
done
finish
