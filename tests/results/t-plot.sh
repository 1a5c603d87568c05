#!/usr/bin/env bash
# `iodrill results plot` draws real PNGs with gnuplot: a run's engines side by side, a
# device's metric over time, and a tune sweep (the nil engine at queue depths 1..64);
# gnuplot missing, an unwritable output and wrong options are clear messages. Over time,
# only the runs whose change from the run before the compare's test calls significant
# are marked (three runs of 6 repetitions, the third with sync 50% slower: one mark).
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

# marks: gnuplot's script kept by a wrapper; the fixtures' single runs are never tested
printf '#!/bin/sh\ntee "%s" | exec gnuplot\n' "$S/script.gp" >"$S/gnuplot"
chmod +x "$S/gnuplot"
IODRILL_GNUPLOT=$S/gnuplot "$IODRILL" results plot -o "$S/fx.png" dev_shm >/dev/null 2>&1
check "over time, one repetition a run: nothing marked" "$(grep -c marks "$S/script.gp")" \
	test "$(grep -c marks "$S/script.gp")" = 0
A=$S/marks/file-tmpfs-dev_shm
mkdir -p "$A"
cp "$FIXTURES/file-tmpfs-dev_shm/device.json" "$A/"
reps_run "$A/20261201T000000.000Z-drill-0001.json" 1 1.02 0.98 1.01 0.99 1.03
reps_run "$A/20261202T000000.000Z-drill-0002.json" 0.99 1.03 1 0.98 1.02 1.01
reps_run "$A/20261203T000000.000Z-drill-0003.json" 1.5 1.53 1.47 1.515 1.485 1.545
IODRILL_RESULTS=$S/marks IODRILL_GNUPLOT=$S/gnuplot "$IODRILL" results plot -o "$S/m.png" \
	dev_shm >/dev/null 2>&1
png "over time with marks" "$S/m.png" 1000 400
want=$(date -u -d 2026-12-03 +%s)
got=$(sed -n '/^\$marks << EOD$/,/^EOD$/p' "$S/script.gp" | sed '1d;$d' | tr '\n' ';')
check "IOPS: sync's slower third run marked, alone, at its median" "marks: $got" \
	awk -v g="$got" -v w="$want" 'BEGIN { n = split(g, p, ";"); split(p[1], v, " ");
		exit !(n == 2 && v[1] == w && v[2] > 4.6e5 && v[2] < 4.7e5) }'
check "the marks are drawn as rings and named" "$(grep -o 'marks using.*' "$S/script.gp")" \
	grep -q "marks using 1:2 with points pointtype 6 .* title 'significant change from the run before'" "$S/script.gp"
IODRILL_RESULTS=$S/marks IODRILL_GNUPLOT=$S/gnuplot "$IODRILL" results plot --metric p99 \
	-o "$S/m99.png" dev_shm >/dev/null 2>&1
check "p99 unchanged: no marks" "$(grep -c marks "$S/script.gp")" test "$(grep -c marks "$S/script.gp")" = 0

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
