#!/usr/bin/env bash
# tests/saturate/goal.sh [FILE] - issue 16's goal, measured (not a test: it asserts no
# speed; run it by hand, on a quiet machine for figures that mean something):
#   on a file in /dev/shm, uring_fixed's one-core peak from iodrill tune --saturate within
#   5% of the best hand-tuned profiles/saturate.fio run in the same minutes, found in
#   under 3 minutes.
# 1. iodrill tune FILE --saturate with its defaults, timed; it writes the peaks' job file.
# 2. Hand tuning: profiles/saturate.fio as shipped (depth 128, batches of 32) at 512 B and
#    4 KiB, and at 4 KiB with depth 64 and 256 and batches of 16 and 64 (copies of the
#    profile with those lines changed): the best of these is the hand-tuned best.
# 3. The search's one-core peak and the hand-tuned best, interleaved A B A B, PAIRS pairs
#    of RUNTIME s each: the median ratio of IOPS and of CPU per I/O (the sidecar's).
# FILE defaults to /dev/shm/iodrill-goal/f (1 GiB, made if missing). Needs jq.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
FIO=${FIO:-/usr/bin/fio}
ENG=$TOP/engines/uring_fixed.so
F=${1:-/dev/shm/iodrill-goal/f}
PAIRS=${PAIRS:-5}
RUNTIME=${RUNTIME:-5}
W=$(mktemp -d /dev/shm/iodrill-goal-run.XXXXXX)
trap 'rm -rf "$W"' EXIT
if [ ! -f "$F" ]; then
	mkdir -p "$(dirname "$F")"
	head -c 1G /dev/urandom >"$F"
fi
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"

# 1. the search
t0=$(date +%s.%N)
"$TOP/iodrill" tune "$F" --saturate --json --no-archive --no-png \
	--write-profile "$W/peak.fio" >"$W/sat.json" 2>"$W/sat.err" || { tail "$W/sat.err"; exit 1; }
t1=$(date +%s.%N)
echo "search: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s, $(jq '.points | length' "$W/sat.json") points"
jq -r '.one_core_peak | "search one-core peak: \(.iops | floor) IOPS, bs \(.bs), iodepth \(.iodepth), batch \(.batch), hipri \(.hipri), \(.cpu_us_per_io * 100 | floor / 100) us CPU/IO"' "$W/sat.json"

# variant NAME SECTION DEPTH BATCH: a copy of saturate.fio with those lines, RUNTIME s.
variant()
{
	sed -e "s/^iodepth=.*/iodepth=$3/" -e "s/^iodepth_batch_submit=.*/iodepth_batch_submit=$4/" \
		-e "s/^iodepth_batch_complete_max=.*/iodepth_batch_complete_max=$4/" \
		-e "s/^runtime=.*/runtime=$RUNTIME/" -e "s/^ramp_time=.*/ramp_time=1/" \
		"$TOP/profiles/saturate.fio" >"$W/$1.fio"
	echo "$2" >"$W/$1.section"
}

# run NAME: IOPS and CPU µs per I/O of one run of job file NAME (section from NAME.section).
run()
{
	local sec=()
	[ -f "$W/$1.section" ] && sec=(--section="$(cat "$W/$1.section")")
	rm -f "$W/$1.sc"
	"$FIO" "$W/$1.fio" "${sec[@]}" --filename="$F" --ioengine="external:$ENG" --cpus_allowed="$CPU" \
		--output-format=json --output="$W/$1.json" --sidecar="$W/$1.sc" >/dev/null 2>&1
	echo "$(jq '[.jobs[].read.iops] | add' "$W/$1.json") $(jq -s '(map(.cpu.total_ns) | add) / (map(.counters.ios) | add) / 1000' "$W/$1.sc")"
}

# The search runs its one-job points on one CPU (cpus_allowed, and so the ring's io-wq
# workers, which inherit it); the hand runs get the same CPU, or on tmpfs, where every read
# goes through io-wq, they would take a second core and measure something else.
CPU=$(sed -n 's/^cpus_allowed=//p' "$W/peak.fio" | head -n 1)
[ -n "$CPU" ] || { echo "the search's job file names no cpus_allowed"; exit 1; }
echo "one-core runs on CPU $CPU"

# 2. hand tuning
variant h4k-128-32 randread-4k 128 32
variant h512-128-32 randread-512 128 32
variant h4k-64-32 randread-4k 64 32
variant h4k-256-32 randread-4k 256 32
variant h4k-128-16 randread-4k 128 16
variant h4k-128-64 randread-4k 128 64
best="" best_iops=0
for v in h4k-128-32 h512-128-32 h4k-64-32 h4k-256-32 h4k-128-16 h4k-128-64; do
	read -r iops cpu < <(run "$v")
	echo "hand $v: $(printf '%.0f' "$iops") IOPS, $(printf '%.2f' "$cpu") us CPU/IO"
	if awk -v a="$iops" -v b="$best_iops" 'BEGIN { exit !(a > b) }'; then
		best=$v best_iops=$iops
	fi
done
echo "hand-tuned best: $best ($(printf '%.0f' "$best_iops") IOPS)"

# 3. interleaved: the search's one-core peak (its written job file, one section) vs best
sed -e "s/^runtime=.*/runtime=$RUNTIME/" -e "s/^ramp_time=.*/ramp_time=1/" \
	-e '/^ioengine=/d' -e '/^filename=/d' "$W/peak.fio" >"$W/search.fio"
echo one-core-peak >"$W/search.section"
ra="" rc=""
for i in $(seq "$PAIRS"); do
	read -r ai ac < <(run search)
	read -r bi bc < <(run "$best")
	echo "pair $i: search $(printf '%.0f' "$ai") IOPS $(printf '%.2f' "$ac") us/IO, hand $(printf '%.0f' "$bi") IOPS $(printf '%.2f' "$bc") us/IO"
	ra="$ra $(awk -v a="$ai" -v b="$bi" 'BEGIN { print a / b }')"
	rc="$rc $(awk -v a="$ac" -v b="$bc" 'BEGIN { print a / b }')"
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median IOPS ratio search/hand: $(median <<<"$ra") (pairs:$ra)"
echo "median CPU-per-I/O ratio search/hand: $(median <<<"$rc") (pairs:$rc)"
echo "machine after: load $(cut -d' ' -f1-3 /proc/loadavg)"
