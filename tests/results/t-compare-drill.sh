#!/usr/bin/env bash
# `iodrill results compare` end to end on this machine, with real drills (sync and
# uring_fixed, 5 repetitions each, on a 16 MiB file in /dev/shm):
#  - three drills back to back, nothing changed: each pair (three compares, each of two
#    unchanged drills) is ~ in every figure, exit 0;
#  - a drill of sync with every pread delayed 200 µs (fio run under strace -f, through
#    IODRILL_FIO) against the last unchanged one: sync's time significantly worse, a
#    regression, exit 3.
# Wall time: 35 fio runs, ~25 s on this 2-CPU VM, ~40 s under a load average of 8.
# What it cannot promise: "~" is a test's verdict, not a certainty. Resampling a
# 40-repetition drill of this machine into 5/5 runs (40,000 splits), 1.5% of unchanged
# compares called some figure changed: with three compares this script fails about one
# run in 20 with nothing wrong (results/README.md, "How compare decides"). It asserts no
# speed, only that a 200 µs delay on each of 1,000 reads is found.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/results/lib.sh"

S=$(scratch)
export IODRILL_RESULTS=$S/archive
for e in sync uring_fixed; do
	if [ ! -f "$ENGINES/$e.so" ]; then
		skip "compare of real drills" "engines/$e.so is not built (make)"
		finish
	fi
done
head -c 16M /dev/zero >"$S/f"

# drill NAME ENGINES [ENV...]: iodrill drill of ENGINES on $S/f, 5 repetitions; prints the
# stored run's id (empty on failure, with the drill's messages in $S/NAME.err)
drill()
{
	local name=$1 engines=$2
	shift 2
	env "$@" "$IODRILL" drill "$S/f" --engines "$engines" --reps 5 --no-png --json \
		>"$S/$name.json" 2>"$S/$name.err" && jq -r '.archive.id // empty' "$S/$name.json"
}

# unchanged A B: compare two unchanged drills: ~ in every figure, tested, exit 0
unchanged()
{
	local name="unchanged drills $1 and $2: ~ in every figure, exit 0" out rc
	out=$("$IODRILL" results compare --json "${ids[$1]}" "${ids[$2]}" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && jq -e '([.rows[] | select(.figure == "time ms") | .key | split("/")[0]]
		| unique) == ["sync", "uring_fixed"] and ([.rows[] | select(.verdict != "~")] == [])
		and ([.rows[] | .n_a == 5 and .n_b == 5 and .test != null] | all)' <<<"$out" >/dev/null; then
		pass "$name"
	else
		fail "$name" "rc=$rc; $(jq -c '[.rows[] | select(.verdict != "~") | [.key, .figure, .verdict, .ratio, .p_adjusted, .ci]]' <<<"$out" 2>/dev/null || head -c 300 <<<"$out")"
	fi
}

ids=(none)
for i in 1 2 3; do
	ids+=("$(drill "d$i" sync,uring_fixed)")
done
if [ -z "${ids[1]}" ] || [ -z "${ids[2]}" ] || [ -z "${ids[3]}" ]; then
	fail "three unchanged drills" "a drill failed: $(tail -c 400 "$S"/d*.err | tr '\n' ' ')"
	finish
fi
pass "three unchanged drills of sync and uring_fixed, 5 repetitions each, stored"
unchanged 1 2
unchanged 2 3
unchanged 1 3

why=$(strace_why)
if [ -n "$why" ]; then
	skip "pread delayed 200 µs: a regression for sync" "$why"
	finish
fi
# fio and everything it forks under strace; only pread64 stops (seccomp-bpf), so the
# uring_fixed runs go on as before
cat >"$S/fio-slow-pread" <<EOF
#!/bin/sh
exec strace -f -qq --seccomp-bpf -e trace=pread64 -e inject=pread64:delay_enter=200 \\
	-o /dev/null "$FIO" "\$@"
EOF
chmod +x "$S/fio-slow-pread"
slow=$(drill slow sync IODRILL_FIO="$S/fio-slow-pread")
if [ -z "$slow" ]; then
	fail "a drill with pread delayed" "$(tail -c 400 "$S/slow.err" | tr '\n' ' ')"
	finish
fi
out=$("$IODRILL" results compare --json "${ids[3]}" "$slow" 2>&1)
rc=$?
if [ "$rc" = 3 ] && jq -e '.regressions >= 1 and ([.rows[] | select((.key | startswith("sync/drill "))
	and .figure == "time ms")][0] | .verdict == "worse" and .ratio > 1.05 and .p_adjusted < 0.05)
	and (.only_in_a | length > 0 and all(startswith("uring_fixed/")))' <<<"$out" >/dev/null; then
	pass "pread delayed 200 µs: sync's time significantly worse, a regression, exit 3"
else
	fail "pread delayed 200 µs: sync's time significantly worse, a regression, exit 3" \
		"rc=$rc; $(jq -c '[.regressions, [.rows[] | [.key, .figure, .verdict, .ratio, .p_adjusted]]]' <<<"$out" 2>/dev/null || head -c 300 <<<"$out")"
fi
expect "text: the regression is flagged and named" 3 "REGRESSION: " \
	"$IODRILL" results compare "${ids[3]}" "$slow"
finish
