#!/usr/bin/env bash
# `iodrill results compare` verdicts on fixtures with known differences (real sync and nil
# runs, and copies edited by tests/fixtures/results/make-fixtures.sh): the same run within
# its spread, a slower sync engine (a regression, exit 3), a faster nil (better, no
# regression), a worse p99, runs that differ in kernel/fio/engine build/engine facts/job
# options (warnings), an NVMe namespace in two LBA formats, short runs with no spread (the
# threshold decides), and choosing runs by device and time range.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/results/lib.sh"

export IODRILL_RESULTS=$FIXTURES
base=$(fixture base)

# verdict NAME A B WANT-RC JQ-TEST: compare --json A B; PASS when rc and the jq test hold
verdict()
{
	local name=$1 a=$2 b=$3 rc=$4 test=$5 out got
	shift 5
	out=$("$IODRILL" results compare --json "$@" "$a" "$b" 2>&1)
	got=$?
	if [ "$got" = "$rc" ] && jq -e "$test" <<<"$out" >/dev/null 2>&1; then
		pass "$name"
	else
		fail "$name" "rc=$got (want $rc); $(jq -c '[.regressions, [.rows[] | select(.verdict != "same") | .key + " " + .figure + " " + .verdict], [.warnings[].what]]' <<<"$out" 2>/dev/null || head -c 300 <<<"$out")"
	fi
}

not_same='[.rows[] | select(.verdict != "same")]'
verdict "identical but for 1% IOPS: all within the spread, exit 0" "$base" "$(fixture same)" 0 \
	"$not_same == [] and .regressions == 0 and .warnings == []"
verdict "sync at half the IOPS: a regression beyond the spread, exit 3" "$base" "$(fixture sync-slower)" 3 \
	"$not_same | length == 1 and .[0].figure == \"IOPS\" and .[0].verdict == \"worse\" and .[0].basis == \"spread\" and (.[0].key | startswith(\"sync/\"))"
verdict "nil at 3x the IOPS: better, not a regression, exit 0" "$base" "$(fixture nil-faster)" 0 \
	"$not_same | length == 1 and .[0].verdict == \"better\" and (.[0].key | startswith(\"nil/\"))"
verdict "the other way round, nil is the regression" "$(fixture nil-faster)" "$base" 3 \
	".regressions == 1"
verdict "sync p99 tripled: a latency regression" "$base" "$(fixture sync-p99-worse)" 3 \
	"$not_same | length == 1 and .[0].figure == \"p99 µs\" and .[0].verdict == \"worse\""
verdict "kernel, fio, engine build and facts, job option changed: each warned" "$base" "$(fixture meaning)" 0 \
	"[.warnings[].what] == [\"kernel\", \"fio\", \"engine sync build\", \"engine sync facts (ring flags, fallbacks)\", \"job sync/sync-qd1 randread 4k qd1 option direct\"] and .regressions == 0"
verdict "an NVMe namespace in two LBA formats: warned" "$(fixture nvme-lba512)" "$(fixture nvme-lba4096)" 0 \
	"[.warnings[].what] | index(\"device identity lba_bytes\") != null"
verdict "short runs (no IOPS samples), 15% slower: beyond the 10% threshold" "$(fixture short)" "$(fixture short-slower)" 3 \
	"[.rows[] | select(.verdict == \"worse\")][0].basis == \"threshold\""
verdict "short runs, 5% slower: within the threshold" "$(fixture short)" "$(fixture short-same)" 0 \
	".regressions == 0 and ([.rows[] | select(.figure == \"IOPS\")][0].basis == \"threshold\")"
verdict "--threshold 20: 15% slower is within it" "$(fixture short)" "$(fixture short-slower)" 0 \
	".regressions == 0" --threshold 20
verdict "a real rerun of the base run: no regression beyond the spread" "$base" "$(fixture again)" 0 \
	".regressions == 0"
verdict "runs given as result file paths" "$(fixture_path base)" "$(fixture_path same)" 0 \
	".a.id == \"$base\""

expect "text: the regression is flagged" 3 "<- REGRESSION" \
	"$IODRILL" results compare "$base" "$(fixture sync-slower)"
expect "text: the warning lists what differs" 0 "kernel: 6.1.0-26-amd64" \
	"$IODRILL" results compare "$(fixture meaning)" "$base"
expect "by device: its last two runs of the newest kind" 0 "$(fixture short-same)" \
	"$IODRILL" results compare dev_shm
t0=$(jq -r .provenance.time "$(fixture_path base)")
t1=$(jq -r .provenance.time "$(fixture_path nil-faster)")
out=$("$IODRILL" results compare --json --since "$t0" --until "$t1" dev_shm)
check "by device and time range: the oldest and the newest run in it" "$(head -c 300 <<<"$out")" \
	test "$(jq -r '.a.id + " " + .b.id' <<<"$out")" = "$base $(fixture nil-faster)"
expect "a range with one run: compare needs two" 1 "compare needs two" \
	"$IODRILL" results compare --since "$t0" --until "$t0" dev_shm
expect "--since that is not a time" 2 "--since soon: not a time" \
	"$IODRILL" results compare --since soon dev_shm
expect "--since with two runs" 2 "with two runs give neither" \
	"$IODRILL" results compare --since 7d a b
finish
