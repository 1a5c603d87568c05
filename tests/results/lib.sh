# tests/results/lib.sh - what the results archive's test scripts share (after tests/lib.sh).

IODRILL=$TOP/iodrill
FIXTURES=$TOP/tests/fixtures/results
BADFX=$TOP/tests/fixtures/results-bad

# fixture ID-NAME: the run id of a fixture named in tests/fixtures/results/variants.txt
fixture() { awk -v n="$1" '$1 == n { print $2 }' "$FIXTURES/variants.txt"; }

# fixture_path NAME: its result file
fixture_path() { find "$FIXTURES" -name "$(fixture "$1").json"; }

# reps_run OUT FACTOR...: the short fixture (sync and nil, a fixed 1,000 I/Os, one
# repetition) as a run of one repetition per FACTOR, sync's engine timer (so its IOPS and
# time) scaled by that factor in that one, nil untouched; its id is OUT's name without
# .json (give a run id to put it in an archive folder).
reps_run()
{
	local out=$1
	shift
	jq --argjson f "[$(IFS=,; echo "$*")]" --arg id "$(basename "$out" .json)" '
		.provenance.id = $id | .fio as $fio | .sidecar as $sc
		| .fio = [$f[] | $fio[0]]
		| .sidecar = [$f[] as $x | $sc[0] | map(if .engine == "sync"
			then .counters.elapsed_ns = ((.counters.elapsed_ns * $x) | floor) else . end)]' \
		"$(fixture_path short)" >"$out"
}

# archive_sum DIR: one checksum of every name and byte under DIR (to show nothing changed)
archive_sum()
{
	(cd "$1" 2>/dev/null && find . -print0 | sort -z | xargs -0 -r sha256sum 2>/dev/null;
	 cd "$1" 2>/dev/null && find . | sort) | sha256sum | cut -c1-16
}

# fio_nil_sync OUT [FIO-ARGS...]: a short real run of the sync engine (on OUT.dat) and the
# nil engine, JSON to OUT.json, sidecar OUT.sc.
fio_nil_sync()
{
	local out=$1
	shift
	[ -f "$out.dat" ] || head -c 8M /dev/zero >"$out.dat"
	runfio "$out" --name=sync-qd1 --ioengine="external:$ENGINES/sync.so" --filename="$out.dat" \
		--size=8M --rw=randread --bs=4k --number_ios=2000 --sidecar="$out.sc" "$@" \
		--name=nil-qd32 --ioengine="external:$ENGINES/nil.so" --filename=/nil --size=64M \
		--rw=randread --bs=4k --iodepth=32 --number_ios=4000 --sidecar="$out.sc" "$@"
}

# expect NAME WANT-RC WANT-TEXT COMMAND...: PASS when the command exits WANT-RC and its
# stdout+stderr contain WANT-TEXT (grep -F).
expect()
{
	local name=$1 want=$2 text=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$text" <<<"$out"; then
		pass "$name"
	else
		fail "$name" "rc=$rc (want $want), output: $(head -c 400 <<<"$out" | tr '\n' ' ')"
	fi
}
