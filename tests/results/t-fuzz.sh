#!/usr/bin/env bash
# The archive's reader under libFuzzer (tests/fuzz/fuzz_archive.c): seeds from
# tests/fuzz/corpus/archive/ and the result fixtures, 20 s in `make check`; `make fuzz`
# runs FUZZ_TIME seconds (default 600) and keeps what it learns in build/fuzz/corpus/.
# A crash, leak, timeout or sanitizer report fails the case and leaves the input in
# build/fuzz/ (the log says which file).
. "$(dirname "$0")/../lib.sh"

BIN=$TOP/build/fuzz/fuzz_archive
if [ ! -x "$BIN" ]; then
	skip "fuzz the archive reader" "no fuzz binary: configure found no working libFuzzer (clang -fsanitize=fuzzer)"
	finish
fi
if [ "${IDR_FUZZ_LONG:-0}" = 1 ]; then
	secs=${FUZZ_TIME:-600}
	work=$TOP/build/fuzz/corpus/archive
else
	secs=${FUZZ_CHECK_TIME:-20}
	work=$(scratch)/corpus
fi
mkdir -p "$work"
seeds=$(scratch)/seeds
mkdir -p "$seeds"
cp "$TOP"/tests/fuzz/corpus/archive/* "$seeds"/
cp "$TOP"/tests/fixtures/results-bad/* "$seeds"/
i=0
for f in "$TOP"/tests/fixtures/results/*/*.json; do cp "$f" "$seeds/fixture-$((i += 1)).json"; done
log=$(scratch)/fuzz.log
"$BIN" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-dict="$TOP/tests/fuzz/archive.dict" -artifact_prefix="$TOP/build/fuzz/" \
	"$work" "$seeds" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
if [ "$rc" = 0 ] && [ "${runs:-0}" -gt 0 ]; then
	pass "fuzz the archive reader: $runs inputs in ${secs}s, no crash, leak or sanitizer report"
else
	fail "fuzz the archive reader" "exit $rc after ${runs:-0} inputs: $(grep -m3 -E 'ERROR|SUMMARY|artifact' "$log" | tr '\n' ' ')"
fi
finish
