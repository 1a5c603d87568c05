# tests/lib.sh - what every test script shares. Source it from a tests/<area>/t-*.sh script.
#
# A script runs one or more cases and reports each on its own line:
#   PASS <case>            the case asserted what it must and it held
#   FAIL <case>: <why>     an assertion failed (the script exits 1 at the end)
#   SKIP <case>: <why>     the case cannot run here; counted as skipped, never passed
# and ends with `finish`. tests/run runs every script under a timeout and sums the lines.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIO=${FIO:-/usr/bin/fio}
ENGINES=$TOP/engines
_fails=0
_cases=0

pass() { echo "PASS $1"; _cases=$((_cases + 1)); }
fail() { echo "FAIL $1: $2"; _fails=$((_fails + 1)); _cases=$((_cases + 1)); }
skip() { echo "SKIP $1: $2"; _cases=$((_cases + 1)); }

# finish: exit 1 when any case failed, 77 when nothing ran at all, else 0.
finish()
{
	[ "$_fails" -eq 0 ] || exit 1
	[ "$_cases" -gt 0 ] || { echo "FAIL $(basename "$0"): reported no cases"; exit 1; }
	exit 0
}

# check NAME CONDITION-DESCRIPTION COMMAND...: PASS when the command succeeds.
check()
{
	local name=$1 what=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$what"; fi
}

# ---- scratch space, cleaned on exit ---------------------------------------------------
_cleanups=()
at_exit() { _cleanups+=("$*"); }
_run_cleanups()
{
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[i]}" >/dev/null 2>&1; done
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

# The scratch folder is made here, in the shell that sources this file: scratch and
# loopdev are mostly called as $(...), a subshell whose variables and EXIT trap die with
# it (a folder made there was never removed, a loop device never detached, and every
# call made a new folder). So loopdev records its devices in a file the cleanup reads.
SCRATCH=$(mktemp -d /dev/shm/iodrill-test.XXXXXX) || { echo "FAIL lib.sh: mktemp in /dev/shm"; exit 1; }
_detach_loops()
{
	local dev
	[ -f "$SCRATCH/.loops" ] || return 0
	while read -r dev; do losetup -d "$dev"; done <"$SCRATCH/.loops"
}
at_exit "rm -rf '$SCRATCH'"
at_exit _detach_loops

# scratch: this script's private folder in /dev/shm (tmpfs: fast, and loop devices can
# sit on it), removed at exit.
scratch() { echo "$SCRATCH"; }

# ---- loop devices -----------------------------------------------------------------------
# loop_why: empty when loop devices can be made here, else the reason they cannot.
loop_why()
{
	[ "$(id -u)" = 0 ] || { echo "loop devices need root"; return; }
	[ -e /dev/loop-control ] || { echo "no /dev/loop-control (loop driver missing)"; return; }
	command -v losetup >/dev/null || { echo "losetup not installed (util-linux)"; return; }
}

# loopdev FILE [SECTOR_SIZE]: attach FILE with direct I/O; prints the device. Detached at
# exit, also when called as $(loopdev ...).
loopdev()
{
	local dev
	dev=$(losetup -f --show --direct-io=on --sector-size "${2:-512}" "$1") || return 1
	echo "$dev" >>"$SCRATCH/.loops"
	echo "$dev"
}

# ---- fio ----------------------------------------------------------------------------------
# runfio OUT ARGS...: run fio with JSON output to OUT.json, its stderr to OUT.err.
# Returns fio's exit status.
runfio()
{
	local out=$1
	shift
	"$FIO" --output-format=json --output="$out.json" "$@" 2>"$out.err" >/dev/null
}

# fio_job_field OUT JOBNAME JQ-EXPR: a field of one job in fio's JSON output.
fio_job_field()
{
	jq -r --arg n "$2" ".jobs[] | select(.jobname == \$n) | $3" "$1.json" 2>/dev/null
}

# sidecar_field FILE JOBNAME JQ-EXPR: a field of one job's line in a sidecar file.
sidecar_field()
{
	jq -r --arg n "$2" "select(.job.name == \$n) | $3" "$1" 2>/dev/null
}

# crashed OUT: did the fio run that wrote OUT.err die of a signal or a sanitizer?
crashed()
{
	grep -qE 'Segmentation fault|Aborted|AddressSanitizer|core dumped|double free' "$1.err"
}

# engine_row NAME: the engine's row from engines/engines.tbl (name kind twin opts target).
engine_row() { awk -v n="$1" '!/^#/ && $1 == n' "$ENGINES/engines.tbl"; }

# ---- shared engine checks ---------------------------------------------------------------
# verify_matrix ENGINE LABEL TARGET "DIRECTS" [GLOBAL-LINE...]
# fio's own verify through ENGINE on TARGET: crc32c, md5 and pattern; write, randwrite and
# randrw with verify_backlog; each direct= in DIRECTS ("0 1", or "1" for O_DIRECT-only
# engines); thread=0 and thread=1. GLOBAL-LINEs (e.g. iodepth=32) go into [global], and
# the case name carries them. The jobs run side by side, each in its own 1 MiB region
# (fio's per-job start-up of ~0.3 s would dominate a stonewalled matrix): TARGET needs
# 1 MiB per job. Asserts every job error 0, the sidecar's I/O count equal to fio's for
# every job, and non-zero timer/syscall/CPU counters. Two cases: PASS/FAIL each.
verify_matrix()
{
	local engine=$1 label=$2 target=$3 directs=$4
	shift 4
	local extra="$*" out v rw d t n=0 job err ios fio_ios ok=0 bad=0 why="" rc zero
	out=$(scratch)/vm-$engine-$label-$RANDOM
	[ -n "$extra" ] && label="$label ${extra// /,}"
	{
		printf '[global]\nioengine=external:%s/%s.so\nfilename=%s\nsize=1M\nbs=4k\n' \
			"$ENGINES" "$engine" "$target"
		# verify_state_save=0: fio would leave a *-verify.state per job in the cwd.
		printf 'verify_backlog=64\nverify_state_save=0\nsidecar=%s\n' "$out.sidecar"
		for line in "$@"; do printf '%s\n' "$line"; done
		for v in crc32c md5 pattern; do
			for rw in write randwrite randrw; do
				for d in $directs; do
					for t in 0 1; do
						printf '[%s-%s-direct%s-thread%s]\nrw=%s\nverify=%s\ndirect=%s\nthread=%s\noffset=%sM\n' \
							"$v" "$rw" "$d" "$t" "$rw" "$v" "$d" "$t" "$n"
						[ "$v" = pattern ] && printf 'verify_pattern=0xdeadbeef\n'
						n=$((n + 1))
					done
				done
			done
		done
	} >"$out.fio"
	runfio "$out" "$out.fio"
	rc=$?
	if crashed "$out"; then
		fail "$engine $label: verify matrix" "fio crashed: $(head -c 300 "$out.err")"
		return
	fi
	for job in $(jq -r '.jobs[].jobname' "$out.json" 2>/dev/null); do
		err=$(fio_job_field "$out" "$job" .error)
		fio_ios=$(fio_job_field "$out" "$job" '.read.total_ios + .write.total_ios')
		ios=$(sidecar_field "$out.sidecar" "$job" .counters.ios)
		if [ "$err" != 0 ]; then
			bad=$((bad + 1)); why="$why $job:error=$err"
		elif [ -z "$ios" ] || [ "$ios" != "$fio_ios" ]; then
			bad=$((bad + 1)); why="$why $job:sidecar_ios=${ios:-missing},fio=$fio_ios"
		else
			ok=$((ok + 1))
		fi
	done
	if [ "$rc" = 0 ] && [ "$bad" = 0 ] && [ "$ok" = "$n" ]; then
		pass "$engine $label: $n verify jobs pass, sidecar I/O counts match fio's"
	else
		fail "$engine $label: verify matrix" "fio rc=$rc, $ok of $n good;$why $(grep -m3 -iE 'verify|error' "$out.err" | tr '\n' ' ')"
	fi
	zero=$(jq -r 'select(.counters.ios > 0) | select(.counters.elapsed_ns == 0 or .counters.syscalls == 0
		or .counters.submitted == 0 or .cpu.total_ns == 0) | .job.name' "$out.sidecar" 2>/dev/null | head -3)
	if [ -s "$out.sidecar" ] && [ -z "$zero" ]; then
		pass "$engine $label: timer, syscall and CPU counters non-zero"
	else
		fail "$engine $label: counters" "zero counters in: ${zero:-no sidecar written}"
	fi
}

# verify_mangle ENGINE LABEL TARGET DIRECT [FIO-ARG...]
# The verify tests can fail: write 1 MiB with verify=crc32c, check a control verify pass,
# overwrite 4 KiB at 64 KiB behind fio's back, and expect the verify pass to fail with
# EILSEQ (84) naming offset 65536.
verify_mangle()
{
	local engine=$1 label=$2 t=$3 direct=$4 out rc err
	shift 4
	out=$(scratch)/mangle-$engine-$label-$RANDOM
	local common=(--name=mangle --ioengine="external:$ENGINES/$engine.so" --filename="$t"
		--size=1M --bs=4k --rw=write --verify=crc32c --direct="$direct" --verify_state_save=0 "$@")
	if ! runfio "$out.w" "${common[@]}" --do_verify=0; then
		fail "$engine $label: mangle" "write pass failed: $(head -c 300 "$out.w.err")"; return
	fi
	if ! runfio "$out.c" "${common[@]}" --verify_only=1; then
		fail "$engine $label: mangle" "control verify of untouched data failed: $(head -c 300 "$out.c.err")"; return
	fi
	dd if=/dev/urandom of="$t" bs=4096 count=1 seek=16 conv=notrunc \
		$([ "$direct" = 1 ] && echo oflag=direct) status=none ||
		{ fail "$engine $label: mangle" "dd failed"; return; }
	runfio "$out.v" "${common[@]}" --verify_only=1
	rc=$?
	err=$(fio_job_field "$out.v" mangle .error)
	if [ "$rc" != 0 ] && [ "$err" = 84 ] && grep -q "offset 65536" "$out.v.err"; then
		pass "$engine $label: mangled block fails verify with EILSEQ at offset 65536"
	else
		fail "$engine $label: mangle" "rc=$rc error=$err, stderr: $(head -c 300 "$out.v.err")"
	fi
}

# with_loops FUNCTION SIZE ARGS...: call FUNCTION LABEL TARGET ARGS... for a loop device
# with 512 B sectors and one with 4 KiB sectors (direct I/O, SIZE each), or SKIP both
# with the reason loop devices cannot be made here.
with_loops()
{
	local fn=$1 size=$2 why dev s img
	shift 2
	why=$(loop_why)
	for s in 512 4096; do
		local label=loop$([ $s = 512 ] && echo 512 || echo 4k)
		if [ -n "$why" ]; then
			skip "$fn $label $*" "$why"
			continue
		fi
		img=$(scratch)/img-$s-$RANDOM
		truncate -s "$size" "$img"
		if ! dev=$(loopdev "$img" $s); then
			fail "$fn $label $*" "losetup failed"
			continue
		fi
		"$fn" "$label" "$dev" "$@"
	done
}

# ---- fault injection and refusals ---------------------------------------------------------
# strace_why: empty when strace can inject system call faults here, else the reason.
strace_why() { command -v strace >/dev/null || echo "strace is not installed (apt-get install strace)"; }

# runfio_inject OUT SPEC... -- FIO-ARGS...: runfio under strace -f, injecting each SPEC
# (e.g. pread64:error=EIO:when=3). Note strace counts when= per thread, not per process.
# Returns fio's exit status.
runfio_inject()
{
	local out=$1 specs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do specs+=(-e "inject=$1"); shift; done
	shift
	strace -f -qq -o /dev/null "${specs[@]}" "$FIO" --output-format=json --output="$out.json" \
		"$@" 2>"$out.err" >/dev/null
}

# expect_refusal NAME REGEX FIO-ARGS...: fio exits non-zero within 60 s, without crashing,
# and its stderr matches REGEX (an extended regular expression).
expect_refusal()
{
	local name=$1 re=$2 out rc
	out=$(scratch)/refusal-$RANDOM
	shift 2
	timeout -k 5 60 "$FIO" --output-format=json --output="$out.json" "$@" 2>"$out.err" >/dev/null
	rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$name" "fio still running after 60 s"
	elif [ "$rc" = 0 ]; then
		fail "$name" "fio exited 0"
	elif [ "$rc" -ge 128 ] || crashed "$out"; then
		fail "$name" "fio crashed (rc=$rc): $(head -c 300 "$out.err")"
	elif ! grep -qE "$re" "$out.err"; then
		fail "$name" "message does not match /$re/: $(head -c 400 "$out.err")"
	else
		pass "$name"
	fi
}

# ratio A B: A / B with 2 decimals ("inf" when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "inf"; else printf "%.2f\n", a / b }'; }

# ge X Y: is X >= Y (decimal numbers)?
ge() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x + 0 >= y + 0) }'; }

# wait_child_threads PID N SECONDS: wait until a child process of PID (a fio job process
# under thread=0) runs at least N threads. Prints that child's pid; fails after SECONDS.
wait_child_threads()
{
	local pid=$1 n=$2 tries=$(($3 * 10)) c
	while [ "$tries" -gt 0 ]; do
		for c in $(pgrep -P "$pid"); do
			if [ "$(ls "/proc/$c/task" 2>/dev/null | wc -l)" -ge "$n" ]; then
				echo "$c"
				return 0
			fi
		done
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}
