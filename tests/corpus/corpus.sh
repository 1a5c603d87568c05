# tests/corpus/corpus.sh - fio's own example job files, run with fio's engine and with ours.
# Sourced after tests/lib.sh by t-corpus.sh (on the host) and guest/devices.sh (in the NVMe
# test machine). README.md in this folder says what is compared and why.

CORPUS=$TOP/tests/corpus
# Caps written into each copy (rewrite.awk): small enough that a size-bound job ends well
# inside the runtime cap on a loaded 2-CPU machine or under TCG.
CORPUS_SIZE_CAP=${CORPUS_SIZE_CAP:-16777216}
CORPUS_TIME_CAP=${CORPUS_TIME_CAP:-3}
# A job is size-bound (its bytes compared) when it is not time_based and the twin's run of it
# ended before this share of the runtime cap: it stopped because its I/O was done.
CORPUS_SIZE_BOUND_SHARE=0.7
# corpus_pair runs an example again with this many times the runtime cap when ours alone ran
# into it (corpus_compare's "slow").
CORPUS_RERUN_FACTOR=4

# corpus_examples: the folder of the installed fio's example job files (configure fetched
# exactly that fio's source), or nothing with the reason on stderr.
corpus_examples()
{
	local src
	src=${IDR_CORPUS_EXAMPLES:-$(sed -n 's/^FIO_SRC := //p' "$TOP/config.mk" 2>/dev/null)/examples}
	[ -d "$src" ] && { echo "$src"; return; }
	echo "no fio example folder at '$src' (run ./configure: it fetches fio's source)" >&2
}

# corpus_twins: "twin=/path/ours.so,..." for every built engine with a fio twin
# (engines.tbl), and fio's `sync` (read/write) for ours too: the examples name it.
corpus_twins()
{
	local name twin map=""
	while read -r name twin; do
		[ -f "$ENGINES/$name.so" ] && map+="$twin=$ENGINES/$name.so,"
	done < <(awk '!/^#/ && NF == 5 && $3 != "-" { print $1, $3 }' "$ENGINES/engines.tbl")
	[ -f "$ENGINES/sync.so" ] && map+="sync=$ENGINES/sync.so"
	echo "${map%,}"
}

# corpus_tbl NAME WHAT: the rest of NAME's WHAT row in examples.tbl (exit 1 when none).
corpus_tbl()
{
	awk -v n="$1" -v w="$2" '!/^#/ && $1 == n && $2 == w {
		$1 = $2 = ""; sub(/^ +/, ""); print; found = 1 } END { exit !found }' \
		"$CORPUS/examples.tbl"
}

# corpus_engines FILE: the engines its jobs run, one a line (fio's default is psync).
corpus_engines()
{
	awk '/^[ \t]*[;#]/ { next }
	/^[ \t]*\[/ { s = $0; gsub(/[][ \t]/, "", s); if (s != "global") jobs[s] = 1; next }
	/^[ \t]*ioengine[ \t]*=/ { v = $0; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t;#].*$/, "", v)
		if (s == "global" || s == "") g = v; else eng[s] = v }
	END { for (j in jobs) print (j in eng) ? eng[j] : (g != "" ? g : "psync") }' "$1" | sort -u
}

# corpus_tag FILE: its engines for the case lines, each twinned one with ours
# ("libaio -> kaio, e4defrag").
corpus_tag()
{
	local e map out="" so
	map=,$(corpus_twins),
	for e in $(corpus_engines "$1"); do
		so=${map#*,"$e"=}
		if [ "$so" != "$map" ]; then
			so=${so%%,*}
			out+=", $e -> $(basename "$so" .so)"
		else
			out+=", $e"
		fi
	done
	echo "${out#, }"
}

# corpus_fio_engines: the engines this fio has built in (cached).
corpus_fio_engines()
{
	[ -n "${_corpus_fio_engines:-}" ] ||
		_corpus_fio_engines=" $("$FIO" --enghelp 2>&1 | tail -n +2 | tr -s ' \t\n' ' ') "
	echo "$_corpus_fio_engines"
}

# corpus_where FILE: "host", "vm" (it names a device: the NVMe test machine's, never this
# host's), or "skip REASON".
corpus_where()
{
	local f=$1 name e twinned="" other="" why map
	name=$(basename "$f" .fio)
	why=$(corpus_tbl "$name" skip) && { echo "skip $why"; return; }
	map=,$(corpus_twins),
	for e in $(corpus_engines "$f"); do
		if [[ $map == *",$e="* ]]; then
			twinned+=" $e"
		elif [[ $(corpus_fio_engines) != *" $e "* ]]; then
			echo "skip needs fio's $e engine, which this fio build does not have"
			return
		else
			other+=" $e"
		fi
	done
	[ -n "$twinned" ] || { echo "skip no job runs an engine we twin (it runs${other})"; return; }
	if grep -qE '^[ \t]*zonemode[ \t]*=[ \t]*zbd' "$f"; then
		echo "skip zonemode=zbd needs a zoned block device; the NVMe test machine has no zoned namespace"
		return
	fi
	{ grep -qE '^[ \t]*filename[ \t]*=.*/dev/' "$f" || [[ $(corpus_tbl "$name" args) == */dev/* ]]; } &&
		echo vm || echo host
}

# corpus_copy FILE MODE DEV NGDEV: the capped copy of FILE for MODE (twin or ours).
corpus_copy()
{
	local name
	name=$(basename "$1" .fio)
	awk -v mode="$2" -v twins="$(corpus_twins)" -v size_cap="$CORPUS_SIZE_CAP" \
		-v time_cap="$CORPUS_TIME_CAP" -v short_cap=1 -v numjobs_cap=4 -v loops_cap=2 \
		-v dev="$3" -v ngdev="$4" -v sets="$(corpus_tbl "$name" set)" \
		-f "$CORPUS/rewrite.awk" "$1" "$1"
}

# corpus_fs DIR: an empty folder at DIR for one run. As root, a fresh 1 GiB ext4 (sparse,
# in the scratch tmpfs: only what fio writes takes memory; 32 jobs of the size cap fit) on a loop device (O_DIRECT alignment enforced, kernel AIO really asynchronous, fill_device
# bounded; tmpfs does none of that); else, or with CORPUS_PLAIN_DIR=1 (device jobs, whose
# folder holds only fio's logs), a plain folder. Undo with corpus_fs_done DIR.
corpus_fs()
{
	mkdir -p "$1" || return 1
	[ -z "${CORPUS_PLAIN_DIR:-}" ] && [ -z "$(loop_why)" ] && command -v mkfs.ext4 >/dev/null || return 0
	truncate -s 1G "$1.img" && mkfs.ext4 -q -F "$1.img" &&
		_corpus_loop=$(losetup -f --show --direct-io=on "$1.img") &&
		mount "$_corpus_loop" "$1" || return 1
}

corpus_fs_done()
{
	mountpoint -q "$1" && umount "$1"
	[ -n "${_corpus_loop:-}" ] && losetup -d "$_corpus_loop"
	_corpus_loop=
	rm -rf "$1" "$1.img"
}

# corpus_run FILE MODE OUT DEV NGDEV: one run of FILE's copy in a fresh folder (fio's cwd);
# OUT.json (JSON alone), OUT.err, OUT.rc, OUT.fio (the copy).
corpus_run()
{
	local f=$1 mode=$2 out=$3 args=() d
	read -ra args <<<"$(corpus_tbl "$(basename "$f" .fio)" args)"
	corpus_copy "$f" "$mode" "$4" "$5" >"$out.fio"
	corpus_fs "$out.d" 2>"$out.err" || {
		echo setup >"$out.rc"
		echo "cannot make the run's file system" >>"$out.err"
		corpus_fs_done "$out.d"
		return
	}
	for d in $(sed -n 's/^; corpus-mkdir //p' "$out.fio"); do mkdir -p "$out.d/$d"; done
	(cd "$out.d" && timeout -s KILL 150 "$FIO" "${NODU[@]}" --output-format=json --output="$out.raw" \
		"${args[@]}" "$out.fio" >"$out.out" 2>"$out.err")
	echo $? >"$out.rc"
	corpus_fs_done "$out.d"
	# fio writes its log lines (warnings, kaio's buffered notice) into the output ahead of
	# the JSON.
	sed -n '/^{/,$p' "$out.raw" >"$out.json" 2>/dev/null
}

# corpus_compare TWIN OURS: "ok SUMMARY" or "bad WHY" for two runs (corpus_run's OUT);
# "slow WHY" when the only difference is size-bound jobs that ours had not finished when
# the runtime cap stopped them (a matter of speed, told apart by corpus_pair's rerun).
corpus_compare()
{
	local t=$1 o=$2 trc orc
	trc=$(cat "$t.rc") orc=$(cat "$o.rc")
	# A run that never started compares nothing (both failing alike must not look a match).
	[ "$trc" = setup ] || [ "$orc" = setup ] &&
		{ echo "bad no run: $(head -c 300 "$t.err") $(head -c 300 "$o.err")"; return; }
	[ "$trc" = 124 ] || [ "$trc" = 137 ] && { echo "bad the twin's run timed out: caps too loose"; return; }
	[ "$trc" = "$orc" ] || { echo "bad exit status: twin $trc, ours $orc: $(corpus_why "$o")"; return; }
	# fio's own engine printed nothing on stderr, ours must not either (a good run is quiet);
	# the write guard's "writing to" line before a device write is ours alone, on purpose.
	if [ ! -s "$t.err" ] && grep -vqE '^iodrill-[a-z_]+: writing to ' "$o.err"; then
		echo "bad ours wrote to stderr where the twin did not: $(head -c 300 "$o.err")"
		return
	fi
	[ -s "$t.json" ] || [ -s "$o.json" ] || { echo "ok exit $trc, no job ran with either ($(corpus_why "$t"))"; return; }
	# With exitall, the first job of a group to end stops the others: their bytes measure
	# that race (enospc-pressure's verifier moved 0 or 4096 bytes as its trim job's error
	# came sooner or later), not their size. exitall_on_error does it when a job fails.
	local cut=0
	grep -qE '^[ \t]*exitall[ \t]*(=[ \t]*(1|true|on|yes)[ \t]*)?$' "$t.fio" && cut=1
	grep -qE '^[ \t]*exitall_on_error[ \t]*(=[ \t]*(1|true|on|yes)[ \t]*)?$' "$t.fio" &&
		[ "$(jq '[.jobs[] | select(.error != 0)] | length' "$t.json" 2>/dev/null)" != 0 ] && cut=1
	jq -rn --slurpfile t "$t.json" --slurpfile o "$o.json" --argjson cap "$CORPUS_TIME_CAP" \
		--argjson share "$CORPUS_SIZE_BOUND_SHARE" --argjson cut "$cut" '
	def tb($g): ((.["job options"].time_based // $g.time_based // "0") | tostring) != "0";
	def jobs($f): $f[0] as $r | [$r.jobs[] | {name: .jobname, err: .error,
		verify: ((.["job options"].verify // $r["global options"].verify // "") != ""),
		bytes: (.read.io_bytes + .write.io_bytes + .trim.io_bytes),
		tb: tb($r["global options"] // {}), ms: .job_runtime}];
	jobs($t) as $tj | jobs($o) as $oj
	| if ($tj | length) != ($oj | length) then "bad \($tj | length) jobs with the twin, \($oj | length) with ours"
	  else [range(0; $tj | length) as $i | $tj[$i] as $a | $oj[$i] as $b
		| ($a.err == 0 and $b.err == 0 and ($a.tb | not) and $cut == 0
		   and $a.ms < $cap * 1000 * $share) as $sized
		| if $a.name != $b.name then "job \($i): \($a.name) vs \($b.name)"
		  elif $a.err != $b.err then "\($a.name): error \($a.err) with the twin, \($b.err) with ours"
		  elif $sized and (($b.bytes - $a.bytes) | fabs) > $a.bytes * 0.1 then
			"\($a.name): \($b.bytes) bytes, the twin \($a.bytes) (size-bound: within 10% expected)"
			+ (if $b.ms >= $cap * 1000 * 0.98 then " [ours ran into the \($cap) s cap]"
			   else "" end)
		  else empty end] as $bad
	  | [$tj[] | select(.err == 0 and (.tb | not) and $cut == 0
		and .ms < $cap * 1000 * $share)] as $sb
	  | if ($bad | length) > 0 and ($bad | all(endswith(" s cap]"))) then
		"slow " + ($bad | join("; "))
	    elif ($bad | length) > 0 then "bad " + ($bad | join("; "))
	    else "ok \($tj | length) jobs, errors [\([$tj[].err] | map(tostring) | join(","))]"
		+ ", \([$tj[] | select(.verify)] | length) verifying"
		+ ", \($sb | length) size-bound within 10%"
		+ (if $cut == 1 then " (exitall: bytes not compared)" else "" end) end end' 2>&1 | head -c 2000
}

# corpus_why OUT: the first error line of a run, for messages.
corpus_why() { grep -m1 -iE 'error|fio:|iodrill' "$1.err" "$1.out" 2>/dev/null | cut -d: -f2- | head -c 300; }

# corpus_pair FILE DEV NGDEV: run FILE as written and with our engines, report one case.
corpus_pair()
{
	local f=$1 name out verdict
	name=$(basename "$f" .fio)
	out=$(scratch)/corpus-$name
	corpus_run "$f" twin "$out.twin" "$2" "$3"
	corpus_run "$f" ours "$out.ours" "$2" "$3"
	verdict=$(corpus_compare "$out.twin" "$out.ours")
	# Ours stopped by the runtime cap where the twin had done its I/O: speed (a loaded
	# machine, TCG), which is make bench's business, or a stall, which is a difference.
	# Both run again with CORPUS_RERUN_FACTOR times the cap; the rerun's verdict stands
	# (ours still short after that: more than ~5x the twin's time, a stall).
	if [[ $verdict == slow\ * ]]; then
		local first=${verdict#slow } cap=$((CORPUS_TIME_CAP * CORPUS_RERUN_FACTOR))
		rm -f "$out".*
		CORPUS_TIME_CAP=$cap corpus_run "$f" twin "$out.twin" "$2" "$3"
		CORPUS_TIME_CAP=$cap corpus_run "$f" ours "$out.ours" "$2" "$3"
		verdict=$(CORPUS_TIME_CAP=$cap corpus_compare "$out.twin" "$out.ours")
		verdict="$verdict (run again with a $cap s cap; with ${CORPUS_TIME_CAP} s: $first)"
	fi
	case $verdict in
	ok\ *) pass "corpus $name [$(corpus_tag "$f")]: as fio's engine: exit $(cat "$out.twin.rc"), ${verdict#ok }" ;;
	slow\ *) fail "corpus $name [$(corpus_tag "$f")]" "ours stalled: ${verdict#slow }" ;;
	*) fail "corpus $name [$(corpus_tag "$f")]" "${verdict#bad }" ;;
	esac
}

# corpus_fake OUT RC BYTES MS ERR [LINE]: a made-up run of one job "j" for corpus_selftest
# (LINE goes into its job file, and a key=value LINE into its JSON's job options).
corpus_fake()
{
	local opts={}
	echo "$2" >"$1.rc"
	: >"$1.err"
	printf '[j]\nrw=read\n%s\n' "${6:-}" >"$1.fio"
	[[ ${6:-} == *=* ]] && opts="{\"${6%%=*}\":\"${6#*=}\"}"
	printf '{"global options":{},"jobs":[{"jobname":"j","error":%s,"job options":%s,%s}]}\n' \
		"$5" "$opts" "\"read\":{\"io_bytes\":$3},\"write\":{\"io_bytes\":0},\"trim\":{\"io_bytes\":0},\"job_runtime\":$4" \
		>"$1.json"
}

# corpus_selftest: corpus_compare on made-up runs: it must tell each difference it is for,
# and let through only what README.md says it lets through.
corpus_selftest()
{
	local d v n want tw ou a m=16777216 cap_ms=$((CORPUS_TIME_CAP * 1000))
	d=$(scratch)/corpus-selftest
	mkdir -p "$d"
	# expect VERDICT NAME: TWIN (rc bytes ms err [line]) | OURS (the same)
	while IFS='|' read -r want n tw ou; do
		read -ra a <<<"$tw"
		corpus_fake "$d/t" "${a[@]}"
		read -ra a <<<"$ou"
		corpus_fake "$d/o" "${a[@]}"
		v=$(corpus_compare "$d/t" "$d/o")
		if [ "${v%% *}" = "$want" ]; then
			pass "corpus compare: $n: $want"
		else
			fail "corpus compare: $n" "expected $want, got: $v"
		fi
	done <<EOT
ok|the same bytes, size-bound|0 $m 500 0|0 $m 900 0
bad|25% fewer bytes, size-bound|0 $m 500 0|0 $((m * 3 / 4)) 900 0
bad|25% fewer bytes, exitall_on_error and no job failed|0 $m 500 0 exitall_on_error|0 $((m * 3 / 4)) 900 0 exitall_on_error
ok|25% fewer bytes, exitall (the first job to end stops the rest)|0 $m 500 0 exitall|0 $((m * 3 / 4)) 900 0 exitall
ok|25% fewer bytes, time_based|0 $m 500 0 time_based=1|0 $((m * 3 / 4)) 900 0 time_based=1
ok|25% fewer bytes, the twin near the cap (time-bound)|0 $m $((cap_ms - 100)) 0|0 $((m * 3 / 4)) $cap_ms 0
slow|25% fewer bytes, ours ran into the cap|0 $m 500 0|0 $((m * 3 / 4)) $cap_ms 0
bad|an error with ours alone|0 $m 500 0|0 $m 500 5
bad|another exit status|0 $m 500 0|1 $m 500 0
bad|neither run started|setup 0 0 0|setup 0 0 0
EOT
}
