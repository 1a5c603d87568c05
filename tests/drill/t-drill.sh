#!/usr/bin/env bash
# iodrill drill end to end, short repetitions: on a tmpfs file and on loop devices with
# direct I/O, every engine that is built and applies is in the table with 1,000 reads per
# run, time > 0 and CPU per read > 0; every async engine's latency from its own latency
# runs (its histogram: p50 < p99 <= that run's time), sync's from its timed runs; the
# engines that are not built are named; the chart
# is a PNG; the run's folder holds fio's JSON, the sidecars and a manifest that parse; the
# run is in the results archive (--results): listed, shown with every engine of the table
# at 1,000 reads per repetition, its provenance naming this kernel and fio. --no-archive
# stores nothing. The default target (no TARGET) is created and removed; --twins adds
# fio's built-in engines.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"
head -c 16M /dev/urandom >"$S/f"

# Engines the drill must run on a target taking O_DIRECT (file, direct and none rows, built).
expected() { awk '!/^#/ && NF == 5 && $5 != "ngdev" { print $1 }' "$ENGINES/engines.tbl" |
	while read -r e; do [ -f "$ENGINES/$e.so" ] && echo "$e"; done; }
# The asynchronous ones that touch the target (not the floor).
expected_async() { for e in $(expected); do engine_row "$e" | awk '$2 == "async" && $5 != "none" { print $1 }'; done; }
not_built() { awk '!/^#/ && NF == 5 { print $1 }' "$ENGINES/engines.tbl" |
	while read -r e; do [ -f "$ENGINES/$e.so" ] || echo "$e"; done; }

# check_table LABEL OUT REPS: the JSON table OUT holds every expected engine, consistent.
check_table()
{
	local label=$1 out=$2 reps=$3 e bad="" n
	for e in $(expected); do
		n=$(jq -r --arg e "$e" --argjson r "$reps" '.engines[] | select(.engine == $e and
			.builtin == false and .repetitions == $r and .failed == null and .time_us > 0
			and .cpu_us_per_io > 0 and .iops > 0 and .p99_us >= .p50_us) | .engine' "$out" | wc -l)
		[ "$n" = 1 ] || bad="$bad $e"
	done
	if [ -z "$bad" ] && [ -n "$(expected)" ]; then
		pass "$label: every built engine ($(expected | tr '\n' ' ')) x$reps, time, CPU/IO, IOPS > 0"
	else
		fail "$label: table" "missing or inconsistent:$bad; $(jq -c '.engines' "$out" | head -c 400)"
	fi
	check_latency "$label" "$out"
	bad=""
	for e in $(not_built); do
		jq -e --arg e "$e" '.not_run[] | select(.engine == $e)' "$out" >/dev/null || bad="$bad $e"
	done
	if [ -z "$bad" ]; then
		pass "$label: engines not built or not applicable are named: $(not_built | tr '\n' ' ')"
	else
		fail "$label: not_run" "not named:$bad"
	fi
}

# check_latency LABEL OUT: every asynchronous engine's latency comes from its own latency
# repetitions, per read from its histogram, and p50 < p99 <= the longest of those
# repetitions (no read takes longer than all 1,000 did); sync's from its timed runs.
check_latency()
{
	local label=$1 out=$2 e bad="" nohist=""
	for e in $(expected_async); do
		[ "$(jq -r --arg e "$e" '.engines[] | select(.engine == $e and .builtin == false)
			| .latency_source' "$out")" = "engine histogram" ] || { nohist="$nohist $e"; continue; }
		jq -e --arg e "$e" '.engines[] | select(.engine == $e and .builtin == false) |
			.latency_batched == false and .latency_repetitions == "latency (job drill-latency)"
			and .latency_count == 1000 * .repetitions and .p50_us < .p99_us
			and .p99_us <= .latency_time_max_us' "$out" >/dev/null || bad="$bad $e"
	done
	if [ -n "$nohist" ]; then
		skip "$label: async engines' latency from their histograms" \
			"no engine latency histogram (sidecar \"lat\") from:$nohist; the engines do not write one yet"
	elif [ -z "$bad" ]; then
		pass "$label: every async engine ($(expected_async | tr '\n' ' ')): latency runs, engine histogram, p50 < p99 <= the repetition's time"
	else
		fail "$label: latency" "not p50 < p99 <= time, or not from latency runs:$bad; $(jq -c '[.engines[] | [.engine, .latency_source, .p50_us, .p99_us, .latency_time_max_us]]' "$out" | head -c 400)"
	fi
	check "$label: sync's latency from its timed runs, one read at a time" \
		"$(jq -c '.engines[] | select(.engine == "sync")' "$out" | head -c 300)" \
		quiet jq -e '.engines[] | select(.engine == "sync") | .latency_repetitions ==
			"timed (job drill)" and .p50_us > 0 and .p99_us >= .p50_us' "$out"
}

quiet() { "$@" >/dev/null; }

# check_files LABEL DIR: the run's folder: manifest, and per fio call 1,000 reads in fio's
# JSON and, for our engines, in the sidecar.
check_files()
{
	local label=$1 dir=$2 calls bad=0 c j sc
	calls=$(jq -r '.fio_calls[] | "\(.json) \(.sidecar)"' "$dir/manifest.json" 2>/dev/null)
	[ -n "$calls" ] || { fail "$label: run folder" "no manifest.json with fio_calls in $dir"; return; }
	while read -r j sc; do
		[ "$(jq '.jobs[0].read.total_ios' "$dir/$j" 2>/dev/null)" = 1000 ] || bad=$((bad + 1))
		[ "$sc" = null ] || [ "$(jq '.counters.ios' "$dir/$sc" 2>/dev/null)" = 1000 ] || bad=$((bad + 1))
	done <<<"$calls"
	c=$(wc -l <<<"$calls")
	if [ "$bad" = 0 ] && jq -e '.command == "drill" and (.argv | length) > 1 and .facts.target.size > 0' \
		"$dir/manifest.json" >/dev/null; then
		pass "$label: run folder: manifest and $c fio calls, each 1,000 reads in fio's JSON and the sidecar"
	else
		fail "$label: run folder" "$bad of $c calls without 1,000 reads, or manifest incomplete"
	fi
}

# check_archive LABEL ARCHIVE OUT REPS: the run the drill's JSON OUT says it stored: listed
# by iodrill results list, and iodrill results show --json has every engine of the table
# REPS times with 1,000 reads, status complete, this kernel and this fio.
check_archive()
{
	local label=$1 a=$2 out=$3 reps=$4 id path e n l want total bad=""
	id=$(jq -r '.archive | select(.stored == true) | .id' "$out")
	path=$(jq -r '.archive.path' "$out")
	if [ -z "$id" ] || [ ! -f "$path" ] || ! grep -qF "stored in the results archive: $path" "$out.err"; then
		fail "$label: archive" "not stored, or not said: $(jq -c .archive "$out"); $(tail -c 300 "$out.err")"
		return
	fi
	"$IODRILL" results list --results "$a" >"$out.list" 2>&1
	check "$label: archive: results list shows the run" "$(head -c 300 "$out.list")" \
		grep -qE "^  $id  drill +complete" "$out.list"
	if ! "$IODRILL" results show "$id" --results "$a" --json >"$out.show" 2>"$out.show.err" ||
		! jq -e . "$out.show" >/dev/null; then
		fail "$label: archive: results show --json" "$(head -c 300 "$out.show.err")"
		return
	fi
	total=0
	for e in $(jq -r '.engines[].engine' "$out"); do
		n=$(jq --arg e "$e" '[.jobs[] | select(.engine == $e and .name == "drill" and
			.read.ios == 1000 and .error == 0)] | length' "$out.show")
		[ "$n" = "$reps" ] || bad="$bad $e:$n"
		l=$(jq --arg e "$e" '[.jobs[] | select(.engine == $e and .name == "drill-latency" and
			.read.ios == 1000 and .error == 0)] | length' "$out.show")
		want=0
		[ "$(engine_row "$e" | awk '{ print $2 }')" = async ] && want=$reps
		[ "$l" = "$want" ] || bad="$bad $e:latency:$l"
		total=$((total + n + l))
	done
	if [ -z "$bad" ] && [ "$(jq '.jobs | length' "$out.show")" = "$total" ]; then
		pass "$label: archive: every engine of the table ($(jq -r '[.engines[].engine] | join(" ")' "$out")) x$reps timed, the async ones x$reps latency runs, 1,000 reads each"
	else
		fail "$label: archive: jobs" "engine:runs with 1,000 reads:$bad; $(jq -c '[.jobs[] | [.engine, .read.ios]]' "$out.show" | head -c 300)"
	fi
	if jq -e --arg k "$(uname -r)" --arg f "$("$FIO" --version)" '.provenance | .host.kernel == $k
		and .fio.version == $f and .kind == "drill" and .status == "complete"
		and .command[0:2] == ["iodrill", "drill"] and .facts.reps > 0' "$out.show" >/dev/null; then
		pass "$label: archive: provenance names kernel $(uname -r) and $("$FIO" --version), the command line"
	else
		fail "$label: archive: provenance" "$(jq -c '.provenance | {kind, status, command, kernel: .host.kernel, fio: .fio.version}' "$out.show")"
	fi
}

is_png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

# drill_on LABEL TARGET: the drill in JSON, kept, charted; then its checks.
drill_on()
{
	local label=$1 t=$2 out=$S/$1 rc
	mkdir -p "$out.keep"
	"$IODRILL" drill "$t" --reps 2 --json --png "$out.png" --keep "$out.keep" \
		--results "$out.archive" >"$out.json" 2>"$out.json.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		fail "$label: drill" "rc=$rc: $(tail -c 400 "$out.json.err")"
		return
	fi
	check_table "$label" "$out.json" 2
	check_files "$label" "$(ls -d "$out.keep"/iodrill-drill-* | head -1)"
	check "$label: the chart is a PNG" "$out.png is not a PNG" is_png "$out.png"
	check_archive "$label" "$out.archive" "$out.json" 2
}

drill_on tmpfs "$S/f"
loop_case() { drill_on "$1" "$2"; }
with_loops loop_case 64M

# The table itself: stdout has a row per engine and the findings; progress on stderr.
# --no-archive: nothing stored, and said.
IODRILL_RESULTS=$S/not-archived "$IODRILL" drill "$S/f" --reps 1 --no-png --no-archive \
	>"$S/t.out" 2>"$S/t.err"
rc=$?
bad=""
for e in $(expected); do grep -q "^$e " "$S/t.out" || bad="$bad $e"; done
if [ "$rc" = 0 ] && [ -z "$bad" ] && grep -q '^what this shows:' "$S/t.out" &&
	grep -q 'repetition 1/1' "$S/t.err" && ! grep -q 'repetition 1/1' "$S/t.out"; then
	pass "table on stdout (a row per engine, what this shows), progress on stderr"
else
	fail "table" "rc=$rc, rows missing:$bad; $(head -c 300 "$S/t.out")"
fi
check "--no-archive: nothing stored, and said" "$(ls -R "$S/not-archived" 2>&1 | head -3); \
$(tail -c 200 "$S/t.err")" eval '[ ! -e "$S/not-archived" ] &&
	grep -q "not stored in the results archive (--no-archive)" "$S/t.err"'
IODRILL_RESULTS=$S/not-archived "$IODRILL" drill "$S/f" --reps 1 --no-png --no-archive \
	--engines nil --json >"$S/na.json" 2>"$S/na.err"
check "--no-archive --json: archive.stored false" "$(jq -c .archive "$S/na.json")" \
	jq -e '.archive == {"stored": false, "why": "--no-archive", "results": null}' "$S/na.json"

# No TARGET: a file in $TMPDIR, created and removed; nothing left behind. The run goes to
# the archive $IODRILL_RESULTS names (lib.sh: the scratch folder), filed under the
# filesystem the file was on.
"$IODRILL" drill --reps 1 --no-png --size 8M >"$S/d.out" 2>"$S/d.err"
rc=$?
if [ "$rc" = 0 ] && grep -q 'created for this run' "$S/d.out" && grep -q "$TMPDIR/" "$S/d.out" &&
	[ -z "$(ls -A "$TMPDIR")" ]; then
	pass "no TARGET: a file in \$TMPDIR made for the drill, then removed with the run's folder"
else
	fail "default target" "rc=$rc, left: $(ls -A "$TMPDIR"); $(tail -c 300 "$S/d.err")"
fi
stored=$(sed -n 's/^iodrill: stored in the results archive: //p' "$S/d.err")
check "no TARGET: stored in \$IODRILL_RESULTS, filed under tmpfs" "stored: '$stored'; $(tail -c 200 "$S/d.err")" \
	eval '[ -f "$stored" ] && [[ $stored == "$IODRILL_RESULTS"/file-tmpfs-*/*-drill-*.json ]]'
check "the plan on stderr names the archive" "$(head -c 400 "$S/d.err")" \
	grep -q "^iodrill: the run goes to the results archive in $IODRILL_RESULTS\$" "$S/d.err"

# A filesystem that refuses O_DIRECT (ramfs): buffered reads with direct=0 in the job file
# as run, said in the table; engines that need O_DIRECT are left out, saying why.
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$S/ram" && mount -t ramfs ramfs "$S/ram" && at_exit "umount '$S/ram'"
	mkdir -p "$S/ram.keep"
	"$IODRILL" drill "$S/ram" --reps 1 --no-png --size 8M --keep "$S/ram.keep" >"$S/r.out" 2>"$S/r.err"
	rc=$?
	k=$(ls -d "$S/ram.keep"/iodrill-drill-* 2>/dev/null | head -1)
	if [ "$rc" = 0 ] && grep -q '^direct=0$' "$k/drill.fio" &&
		[ "$(jq -r .job.direct "$k/r01-sync.sidecar")" = false ] &&
		grep -q 'buffered (O_DIRECT refused' "$S/r.out" && grep -q 'refuses O_DIRECT' "$S/r.err" &&
		grep -q '^  - kaio: .*O_DIRECT' "$S/r.out" && [ -z "$(ls -A "$S/ram")" ]; then
		pass "ramfs (no O_DIRECT): buffered, direct=0 in the job file as run, said; kaio left out; file removed"
	else
		fail "ramfs" "rc=$rc: $(head -c 300 "$S/r.out") $(tail -c 200 "$S/r.err")"
	fi
else
	skip "a filesystem without O_DIRECT (ramfs)" "mounting ramfs needs root"
fi

# --twins: fio's built-in engines beside ours, timed from fio's latencies.
"$IODRILL" drill "$S/f" --reps 1 --no-png --twins --engines sync,nil --json >"$S/w.json" 2>"$S/w.err"
rc=$?
if [ "$rc" = 0 ] && jq -e '[.engines[] | select(.builtin and .failed == null and .time_us > 0)
	| .engine] | index("psync") != null and index("null") != null' "$S/w.json" >/dev/null; then
	pass "--twins: psync and null run the same drill beside sync and nil"
else
	fail "--twins" "rc=$rc: $(jq -c '.engines' "$S/w.json" 2>/dev/null | head -c 300) $(tail -c 200 "$S/w.err")"
fi
finish
