#!/usr/bin/env bash
# `iodrill results plot` draws real PNGs with gnuplot: a run's engines side by side, a
# device's metric over time, and a tune sweep (the nil engine at queue depths 1..64);
# gnuplot missing, an unwritable output and wrong options are clear messages.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/results/lib.sh"

S=$(scratch)
export IODRILL_RESULTS=$FIXTURES

# png NAME FILE WIDTH HEIGHT: PASS when FILE is a PNG of that size
png()
{
	local d
	d=$(file -b "$2" 2>/dev/null)
	if [[ $d == "PNG image data, $3 x $4,"* ]]; then pass "$1"; else fail "$1" "${d:-no file}"; fi
}

if ! command -v gnuplot >/dev/null; then
	skip "plots" "gnuplot is not installed (apt-get install gnuplot-nox)"
	finish
fi
base=$(fixture base)
(cd "$S" && "$IODRILL" results plot "$base" >/dev/null 2>&1)
png "a run's engines side by side, default name" "$S/$base-engines.png" 1000 1040
"$IODRILL" results plot --metric p99 -o "$S/p99.png" dev_shm >/dev/null 2>&1
png "a device's p99 over time" "$S/p99.png" 1000 400
out=$("$IODRILL" results plot --json --since 2026-11-25T16:44:07Z --kind drill dev_shm -o "$S/r.png")
png "over time, a range and a kind" "$S/r.png" 1000 400
check "--json names the PNG" "$out" test "$(jq -r .png <<<"$out")" = "$S/r.png"

# a tune sweep: nil at four queue depths, one part each
export IODRILL_RESULTS=$S/archive
args=()
for qd in 1 4 16 64; do
	runfio "$S/t$qd" --name=tune --ioengine="external:$ENGINES/nil.so" --filename=/nil --size=64M \
		--rw=randread --bs=4k --iodepth=$qd --number_ios=4000 --sidecar="$S/t$qd.sc"
	args+=(--sidecar "$S/t$qd.sc" "$S/t$qd.json")
done
tid=$("$IODRILL" results add --json --kind tune "${args[@]}" | jq -r .id)
"$IODRILL" results plot -o "$S/sweep.png" "$tid" >/dev/null 2>&1
png "a tune sweep: IOPS and p99 against iodepth" "$S/sweep.png" 1000 720
"$IODRILL" results plot --engines -o "$S/e.png" "$tid" >/dev/null 2>&1
png "--engines on a tune run" "$S/e.png" 1000 1040

expect "gnuplot missing: a clear message" 1 "gnuplot not found (install gnuplot-nox" \
	env IODRILL_GNUPLOT=/no/such/gnuplot "$IODRILL" results plot -o "$S/none.png" "$tid"
check "gnuplot missing: no file" "" test ! -e "$S/none.png"
expect "an output folder that does not exist" 1 "gnuplot failed drawing /no/such/dir/x.png" \
	"$IODRILL" results plot -o /no/such/dir/x.png "$tid"
expect "--metric on a run" 2 "--metric, --since, --until and --kind are for a DEVICE" \
	"$IODRILL" results plot --metric p99 "$tid"
expect "--sweep on a device" 2 "are for a RUN" "$IODRILL" results plot --sweep none
expect "an unknown metric" 2 "--metric p42: one of iops, p50, p99, cpu" \
	"$IODRILL" results plot --metric p42 none
expect "neither a run nor a device" 1 "neither a run nor a device" "$IODRILL" results plot zzz
finish
