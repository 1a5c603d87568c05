#!/usr/bin/env bash
# The nil engine completes every I/O at once without a device: at iodepth 1, 32 and 1024,
# with several batch settings and thread=0/1, every I/O fio issued is counted once by
# the core (sidecar ios == fio's total_ios, submitted == ios), none fails, and fio's
# getevents max is honoured (iodepth_batch_complete_max smaller than the depth).
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
for depth in 1 32 1024; do
	for batch in "1 1 1" "16 8 16" "1024 1 1024"; do
		set -- $batch
		for t in 0 1; do
			out=$S/nil-$depth-$1-$2-$t
			name="nil iodepth=$depth batch_submit=$1 complete_min=$2 complete_max=$3 thread=$t"
			runfio "$out" --name=nil --ioengine="external:$ENGINES/nil.so" --filename=/nil \
				--size=64M --bs=4k --rw=randread --iodepth="$depth" --iodepth_batch_submit="$1" \
				--iodepth_batch_complete_min="$2" --iodepth_batch_complete_max="$3" \
				--thread="$t" --sidecar="$out.sc"
			rc=$?
			f=$(fio_job_field "$out" nil .read.total_ios)
			got=$(jq -r '[.counters.ios, .counters.submitted, .counters.errors] | join(" ")' "$out.sc" 2>/dev/null)
			check "$name: every I/O counted once" "rc=$rc fio=$f sidecar(ios submitted errors)=$got" \
				test "$rc" = 0 -a "$f" = 16384 -a "$got" = "16384 16384 0"
		done
	done
done
finish
