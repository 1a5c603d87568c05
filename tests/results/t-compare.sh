#!/usr/bin/env bash
# `iodrill results compare` on stored runs with known answers, no timing of this machine:
#  - the archive's fixtures (real sync and nil runs, one repetition each, and copies edited
#    by tests/fixtures/results/make-fixtures.sh): rows and warnings as before, but with one
#    repetition a run there is nothing to test: "too few repetitions", no verdict, exit 0;
#    runs that differ in kernel/fio/engine build/engine facts/job options (warnings; an
#    engine's counters are not facts of its setup), an NVMe namespace in two LBA formats,
#    choosing runs by device and time range;
#  - runs with repetitions built here from the short fixture (sync's engine timer scaled
#    per repetition by known factors): the same spread in another order is ~ everywhere;
#    sync 50% slower in every repetition is a regression (exit 3) in its time alone (a
#    fixed-work job: no IOPS row, the same measurement);
#    4-6% slower, significant but reaching inside +-5%, is ~ unless --min-change 1;
#    4 repetitions are too few.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/results/lib.sh"

export IODRILL_RESULTS=$FIXTURES
base=$(fixture base)
S=$(scratch)

# verdict NAME A B WANT-RC JQ-TEST [OPTIONS]: compare --json A B; PASS when rc and the jq
# test hold
verdict()
{
	local name=$1 a=$2 b=$3 rc=$4 test=$5 out got
	shift 5
	out=$("$IODRILL" results compare --json "$@" "$a" "$b" 2>&1)
	got=$?
	if [ "$got" = "$rc" ] && jq -e "$test" <<<"$out" >/dev/null 2>&1; then
		pass "$name"
	else
		fail "$name" "rc=$got (want $rc); $(jq -c '[.regressions, [.rows[] | select(.verdict != "~") | .key + " " + .figure + " " + .verdict], [.warnings[].what]]' <<<"$out" 2>/dev/null || head -c 300 <<<"$out")"
	fi
}

# ---- the fixtures: one repetition a run ------------------------------------------------------
few='[.rows[] | select(.verdict != "too few repetitions")] == [] and .regressions == 0'
verdict "identical but for 1% IOPS, one repetition: too few to test, exit 0" "$base" "$(fixture same)" 0 \
	"$few and .warnings == [] and (.rows | length) == 8 and .too_few == 8"
verdict "sync at half the IOPS, one repetition: the ratio, no verdict, exit 0" "$base" "$(fixture sync-slower)" 0 \
	"$few and ([.rows[] | select(.key | startswith(\"sync/\")) | select(.figure == \"IOPS\")][0] | .ratio == 0.5 and .n_a == 1 and .n_b == 1 and .p == null and .ci == null)"
verdict "a fixed-work job (1,000 I/Os) has time rows, not IOPS" "$(fixture short)" "$(fixture short-slower)" 0 \
	"$few and ([.rows[].figure] | unique) == [\"CPU µs/IO\", \"p50 µs\", \"p99 µs\", \"time ms\"]"
verdict "time_based runs: IOPS, p50, p99, CPU per I/O only" "$base" "$(fixture again)" 0 \
	"[.rows[].figure] | unique == [\"CPU µs/IO\", \"IOPS\", \"p50 µs\", \"p99 µs\"]"
verdict "kernel, fio, engine build and facts, job option changed: each warned" "$base" "$(fixture meaning)" 0 \
	"[.warnings[].what] == [\"kernel\", \"fio\", \"engine sync build\", \"engine sync fact fallback\", \"job sync/sync-qd1 randread 4k qd1 option direct\"] and .regressions == 0"
facts() { jq --argjson f "$2" '.provenance.engines |= map(if .name == "sync" then .facts = $f else . end)' \
	"$(fixture_path base)" >"$S/$1.json"; }
facts f1 '{"ring_flags": "COOP_TASKRUN", "enter_merged": 1, "sq_full": 0}'
facts f2 '{"ring_flags": "COOP_TASKRUN", "enter_merged": 6338, "sq_full": 2}'
facts f3 '{"ring_flags": "", "enter_merged": 1, "sq_full": 0}'
verdict "engine facts that count what a run did (numbers) are not warned" "$S/f1.json" "$S/f2.json" 0 \
	".warnings == []"
verdict "an engine fact of its setup (ring flags) is" "$S/f1.json" "$S/f3.json" 0 \
	"[.warnings[] | [.what, .a, .b]] == [[\"engine sync fact ring_flags\", \"COOP_TASKRUN\", \"\"]]"
verdict "an NVMe namespace in two LBA formats: warned" "$(fixture nvme-lba512)" "$(fixture nvme-lba4096)" 0 \
	"[.warnings[].what] | index(\"device identity lba_bytes\") != null"
verdict "across devices: a tmpfs file against an NVMe namespace, warned and compared" "$base" "$(fixture nvme-lba512)" 0 \
	"([.warnings[].what] | index(\"device\") != null) and (.rows | length) == 8"
verdict "runs given as result file paths" "$(fixture_path base)" "$(fixture_path same)" 0 \
	".a.id == \"$base\""

expect "text: too few repetitions, said per figure" 0 "too few repetitions (n=1)" \
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
expect "--threshold is gone (there is no threshold guess)" 2 "--threshold" \
	"$IODRILL" results compare --threshold 20 "$base" "$(fixture same)"
expect "--min-change that is not a percentage" 2 "--min-change x: give a percentage" \
	"$IODRILL" results compare --min-change x "$base" "$(fixture same)"

# ---- runs with repetitions, built from the short fixture --------------------------------------
reps_run "$S/a.json" 1 1.02 0.98 1.01 0.99 1.03
reps_run "$S/b.json" 0.99 1.03 1 0.98 1.02 1.01
reps_run "$S/slow.json" 1.5 1.53 1.47 1.515 1.485 1.545
reps_run "$S/slight.json" 1.04 1.06 1.05 1.045 1.055 1.065
reps_run "$S/four.json" 1.5 1.53 1.47 1.515

verdict "6 repetitions each, the same spread in another order: ~ everywhere, exit 0" "$S/a.json" "$S/b.json" 0 \
	"[.rows[] | select(.verdict != \"~\")] == [] and ([.rows[] | .n_a == 6 and .n_b == 6] | all) and (.rows | length) == 8 and .regressions == 0"
verdict "sync 50% slower in every repetition: its time worse, p = 2/924, adjusted over 8 figures 16/924, exit 3" "$S/a.json" "$S/slow.json" 3 \
	"[.rows[] | select(.verdict != \"~\") | [.key, .figure, .verdict]] == [[\"sync/sync-qd1 randread 4k qd1\", \"time ms\", \"worse\"]] and .regressions == 1 and ([.rows[] | select(.verdict == \"worse\") | .p] | all(. > 0.002164 and . < 0.002165)) and ([.rows[] | select(.verdict == \"worse\") | .p_adjusted] | all(. > 0.017316 and . < 0.017317)) and ([.rows[] | select(.verdict == \"worse\")][0].test == \"Mann-Whitney U, two-sided, exact\")"
verdict "the other way round: better, no regression, exit 0" "$S/slow.json" "$S/a.json" 0 \
	"[.rows[] | select(.verdict == \"better\") | .figure] == [\"time ms\"] and .regressions == 0"
verdict "4-6% slower in every repetition: significant, but the interval reaches inside 5%: ~" "$S/a.json" "$S/slight.json" 0 \
	"([.rows[] | select(.figure == \"time ms\" and (.key | startswith(\"sync/\")))][0] | .p < 0.05 and .ci[0] < 1.05 and .verdict == \"~\") and .regressions == 0"
verdict "... and with --min-change 1 it is a regression" "$S/a.json" "$S/slight.json" 3 \
	".regressions == 1 and .test.min_change == 0.01" --min-change 1
verdict "4 repetitions against 6: too few, no verdict, exit 0" "$S/a.json" "$S/four.json" 0 \
	"[.rows[] | select(.verdict != \"too few repetitions\")] == [] and ([.rows[] | .n_b] | unique) == [4]"
expect "text: the test, p and n in the table, the regression flagged" 3 "  <- REGRESSION" \
	"$IODRILL" results compare "$S/a.json" "$S/slow.json"
out=$("$IODRILL" results compare "$S/a.json" "$S/slow.json")
check "text: a tested row shows its interval, p, adjusted p and n" "$(grep 'time ms' <<<"$out" | head -1)" \
	grep -qE '^  -     time ms +[0-9.]+ +[0-9.]+ +1\.5[0-9]*  \[1\.[0-9]+, 1\.[0-9]+\] +0\.002 +0\.017 +6/6  worse  <- REGRESSION$' <<<"$out"
check "text: says which test" "$(tail -8 <<<"$out")" grep -q "two-sided.*Mann-Whitney U test" <<<"$(tr '\n' ' ' <<<"$out")"
finish
