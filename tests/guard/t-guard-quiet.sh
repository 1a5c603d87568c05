#!/usr/bin/env bash
# A good run prints nothing on stderr (issue 15, part 1): fio's own test harness and many
# CI wrappers fail a job that does. Every built engine's good write job on a bare loop
# device, as processes and as threads: in normal output mode stderr is empty and the
# guard's announcement is on fio's log (stdout, or the --output file) once, before fio's
# report; in JSON mode (stdout and --output=FILE) stderr is empty, the output is one JSON
# document a plain parser reads whole, and the announcement is in the sidecar instead;
# terse output stays terse; under fio's client/server it reaches the client, prefixed as
# fio's own lines are; the results archive keeps it in a JSON run's provenance. A refusal
# still goes to stderr, and the JSON still parses.
# uring_passthru needs an NVMe generic device: its case is in tests/vm/guest/nvme-guard.sh.
. "$(dirname "$0")/../lib.sh"

needs_loops "good runs leave stderr empty" mkfs.ext4 jq python3

S=$(scratch)
truncate -s 32M "$S/bare.img" "$S/fs.img"
BARE=$(loopdev "$S/bare.img") && FS=$(loopdev "$S/fs.img") && mkfs.ext4 -q -F "$FS" ||
	{ fail "losetup/mkfs" "cannot make the loop devices"; finish; }

# json_whole FILE: is FILE exactly one JSON document (no text before or after it)?
json_whole() { python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }

# said FILE: how many lines of FILE are an engine's announcement for the bare device.
said() { grep -c "^\(<[^>]*> \)\?iodrill-[a-z_]*: writing to $BARE (loop over $S/bare.img" "$1"; }

# wants E: how many announcements engine E makes (0 for one that opens no device).
wants() { [ "$(engine_row "$1" | awk '{ print $5 }')" = none ] && echo 0 || echo 1; }

# job E [FIO-ARG...]: the engine's write job on the bare device; fio's status in RC.
job()
{
	local e=$1
	shift
	"$FIO" --name=q --ioengine="external:$ENGINES/$e.so" --filename="$BARE" --rw=write \
		--bs=4k --size=1M "${ARGS[@]}" "$@"
	RC=$?
}

# normal_ok RC ERR LOG WANT [STDOUT]: fio exited 0, nothing on stderr (nor on STDOUT when
# the log went to a file), WANT announcements in LOG, before fio's report.
normal_ok()
{
	local first report
	[ "$1" = 0 ] && [ ! -s "$2" ] && [ "$(said "$3")" = "$4" ] || return 1
	[ -z "${5:-}" ] || [ ! -s "$5" ] || return 1
	report=$(grep -n 'Run status group' "$3" | head -n 1 | cut -d: -f1)
	[ -n "$report" ] || return 1
	[ "$4" = 0 ] && return 0
	first=$(grep -n 'writing to' "$3" | head -n 1 | cut -d: -f1)
	[ "$first" -lt "$report" ]
}

# json_ok RC ERR JSON [STDOUT [JOBS]]: fio exited 0, nothing on stderr (nor on STDOUT,
# when not "", as the JSON went to a file), JSON one document read whole, its job without
# error (JOBS: where the jobs are, .jobs or, from a client, .client_stats), and no
# announcement in it.
json_ok()
{
	[ "$1" = 0 ] && [ ! -s "$2" ] && json_whole "$3" || return 1
	[ -z "${4:-}" ] || [ ! -s "$4" ] || return 1
	[ "$(jq -r "${5:-.jobs}[0].error" "$3")" = 0 ] && ! grep -q 'writing to' "$3"
}

# sidecar_says SIDECAR WANT: WANT (0 or 1) announcements in the sidecar's engine_facts.guard.
sidecar_says() { [ "$(jq -r '.engine_facts.guard // empty' "$1" | grep -c "^writing to $BARE ")" = "$2" ]; }

# quiet_normal E THREAD: normal output to stdout, and to --output=FILE with the other
# thread= (a process job leaves with _exit: its line must be flushed before).
quiet_normal()
{
	local e=$1 t=$2 o=$S/$1-n w
	w=$(wants "$e")
	job "$e" --thread="$t" >"$o.out" 2>"$o.err"
	check "$e thread=$t normal output: stderr empty, announced $w time(s) on stdout" \
		"rc=$RC, $(said "$o.out") announcements, stderr: $(head -c 200 "$o.err")" \
		normal_ok "$RC" "$o.err" "$o.out" "$w"
	job "$e" --thread=$((1 - t)) --output="$o.log" >"$o.out2" 2>"$o.err2"
	check "$e thread=$((1 - t)) normal output to --output=FILE: announced there; stdout, stderr empty" \
		"rc=$RC, $(said "$o.log") announcements, stdout: $(head -c 100 "$o.out2"), stderr: $(head -c 200 "$o.err2")" \
		normal_ok "$RC" "$o.err2" "$o.log" "$w" "$o.out2"
}

# quiet_json E THREAD: JSON output to stdout with a sidecar, and to --output=FILE with
# the other thread=.
quiet_json()
{
	local e=$1 t=$2 o=$S/$1-j w
	w=$(wants "$e")
	job "$e" --thread="$t" --output-format=json --sidecar="$o.sc" >"$o.out" 2>"$o.err"
	check "$e thread=$t JSON on stdout: one document, read whole; stderr empty" \
		"rc=$RC, stderr: $(head -c 200 "$o.err"), stdout: $(head -c 100 "$o.out")" \
		json_ok "$RC" "$o.err" "$o.out"
	check "$e thread=$t JSON: the announcement is in the sidecar ($w)" \
		"$(jq -c .engine_facts "$o.sc" 2>&1 | head -c 300)" sidecar_says "$o.sc" "$w"
	job "$e" --thread=$((1 - t)) --output-format=json --output="$o.json" >"$o.out2" 2>"$o.err2"
	check "$e thread=$((1 - t)) JSON to --output=FILE: one document; stdout, stderr empty" \
		"rc=$RC, stdout: $(head -c 100 "$o.out2"), stderr: $(head -c 200 "$o.err2")" \
		json_ok "$RC" "$o.err2" "$o.json" "$o.out2"
}

# archived_says STORED: the result file the archive printed it stored, its provenance
# holding the job's announcement.
archived_says()
{
	local f
	f=$(sed -n 's/^  in //p' "$1")
	[ -f "$f" ] && jq -r '.provenance.jobs[0].guard' "$f" | grep -q "^writing to $BARE "
}

# archived E: a JSON run stored by `iodrill results add` keeps the announcement in the
# archive's provenance (the job's, from its sidecar).
archived()
{
	local o=$S/$1-j
	"$TOP/iodrill" results add --sidecar "$o.sc" "$o.out" -- fio "$1" >"$o.stored" 2>&1
	check "$1: the archive's provenance keeps the announcement of a JSON run" \
		"$(head -c 300 "$o.stored")" archived_says "$o.stored"
}

# refused_ok ERR JSON E: the refusal on stderr, not in the JSON, which still parses.
refused_ok()
{
	grep -q "^iodrill-$3: refusing to write to $FS: ext4 signature" "$1" &&
		! grep -q refusing "$2" && json_whole "$2"
}

# refusal E: a refusal is an error: on stderr, and fio's JSON output still parses.
refusal()
{
	local e=$1 o=$S/$1-refused
	"$FIO" --name=q --ioengine="external:$ENGINES/$e.so" --filename="$FS" --rw=write --bs=4k \
		--size=1M "${ARGS[@]}" --output-format=json >"$o.out" 2>"$o.err"
	check "$e: a refusal goes to stderr; the JSON on stdout still parses" \
		"rc=$?, stderr: $(head -c 200 "$o.err")" refused_ok "$o.err" "$o.out" "$e"
}

# terse_ok RC ERR OUT: fio's terse lines only (version 3), nothing on stderr.
terse_ok() { [ "$1" = 0 ] && [ ! -s "$2" ] && [ -s "$3" ] && ! grep -qv '^3;' "$3"; }

# terse E: terse output stays terse: no announcement in it.
terse()
{
	local o=$S/terse
	job "$1" --output-format=terse >"$o.out" 2>"$o.err"
	check "$1 terse output: terse lines only, stderr empty" \
		"rc=$RC, stdout: $(head -c 200 "$o.out"), stderr: $(head -c 200 "$o.err")" \
		terse_ok "$RC" "$o.err" "$o.out"
}

# client_server E: under --server the job's log goes to the client, prefixed "<host> "
# as fio's own lines are; with --output-format=json the client's output is one document.
client_server()
{
	local e=$1 o=$S/cs sock=$S/fio.sock srv i a
	"$FIO" --server="sock:$sock" >"$o.srv.out" 2>"$o.srv.err" &
	srv=$!
	at_exit "kill $srv"
	for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	printf '[q]\nioengine=external:%s/%s.so\nfilename=%s\nrw=write\nbs=4k\nsize=1M\n' \
		"$ENGINES" "$e" "$BARE" >"$o.fio"
	for a in "${ARGS[@]}"; do printf '%s\n' "${a#--}" >>"$o.fio"; done
	"$FIO" --client="sock:$sock" "$o.fio" >"$o.out" 2>"$o.err"
	RC=$?
	check "$e under --client/--server: the client prints the announcement; stderr empty" \
		"rc=$RC, stdout: $(grep -m1 iodrill "$o.out" | head -c 200), stderr: $(head -c 200 "$o.err")" \
		normal_ok "$RC" "$o.err" "$o.out" 1
	"$FIO" --client="sock:$sock" --output-format=json "$o.fio" >"$o.json" 2>"$o.jerr"
	RC=$?
	check "$e under --client/--server, JSON: one document, read whole; stderr empty" \
		"rc=$RC, stderr: $(head -c 200 "$o.jerr"), stdout: $(head -c 200 "$o.json")" \
		json_ok "$RC" "$o.jerr" "$o.json" "" .client_stats
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
}

n=0
for e in $(awk '!/^#/ && NF == 5 { print $1 }' "$ENGINES/engines.tbl"); do
	target=$(engine_row "$e" | awk '{ print $5 }')
	if [ "$target" = ngdev ]; then
		skip "$e: good runs leave stderr empty" "needs an NVMe generic char device: run in the NVMe test machine (tests/vm/guest/nvme-guard.sh)"
		continue
	fi
	if [ ! -f "$ENGINES/$e.so" ]; then
		fail "$e" "engines/$e.so is not built"
		continue
	fi
	ARGS=("${NODU[@]}")
	[ "$target" = direct ] && ARGS+=(--direct=1)
	quiet_normal "$e" 1
	quiet_json "$e" 1
	[ "$target" = none ] || refusal "$e"
	if [ "$n" = 0 ]; then
		archived "$e"
		terse "$e"
		client_server "$e"
	fi
	n=$((n + 1))
done
finish
