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
# Helpers are called in $(...), a subshell, where bash resets the EXIT trap and drops
# changes to variables: a cleanup registered there in an array would be lost (loop
# devices and scratch folders leaked). So the scratch folder is made here, in the
# script's own shell, and cleanups are lines appended to a file in it that every subshell
# shares; the script's EXIT trap runs them, newest first, then removes the folder.
# scratch: a private folder in /dev/shm (tmpfs: fast, and loop devices can sit on it).
SCRATCH=$(mktemp -d /dev/shm/iodrill-test.XXXXXX) ||
	{ echo "FAIL $(basename "$0"): cannot make a scratch folder in /dev/shm"; exit 1; }
_CLEANUPS=$SCRATCH/.cleanups
: >"$_CLEANUPS"
at_exit() { printf '%s\n' "$*" >>"$_CLEANUPS"; }
_run_cleanups()
{
	local line
	[ -f "$_CLEANUPS" ] && tac "$_CLEANUPS" | while IFS= read -r line; do
		eval "$line" </dev/null >/dev/null 2>&1
	done
	rm -rf "$SCRATCH"
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

scratch() { echo "$SCRATCH"; }

# tune_scratch SIZE: what an iodrill tune script starts from: S (the scratch folder),
# IODRILL, TMPDIR inside S (its leftovers checked there), and S/f, SIZE of random bytes.
tune_scratch()
{
	S=$(scratch)
	IODRILL=$TOP/iodrill
	export TMPDIR=$S/tmp
	mkdir -p "$TMPDIR"
	head -c "$1" /dev/urandom >"$S/f"
}

# fio writes files into its working folder (<job>.prerun.txt, *-verify.state, files named
# after a job without filename=): every script runs from its scratch folder, so the source
# tree stays clean. Paths into the tree go through $TOP.
cd "$SCRATCH" || { echo "FAIL $(basename "$0"): cannot enter $SCRATCH"; exit 1; }

# iodrill drill and tune store every run in the results archive: in the scratch folder
# unless a script says where, never in the source tree's results/.
export IODRILL_RESULTS=$SCRATCH/results

# ---- loop devices -----------------------------------------------------------------------
# loop_why: empty when loop devices can be made here, else the reason they cannot.
loop_why()
{
	[ "$(id -u)" = 0 ] || { echo "loop devices need root"; return; }
	[ -e /dev/loop-control ] || { echo "no /dev/loop-control (loop driver missing)"; return; }
	command -v losetup >/dev/null || { echo "losetup not installed (util-linux)"; return; }
}

# needs_loops CASE TOOL...: when loop devices cannot be made here or a TOOL is not
# installed, report CASE as SKIP with the reason and end the script.
needs_loops()
{
	local case=$1 why tool
	shift
	why=$(loop_why)
	for tool in "$@"; do
		[ -n "$why" ] || command -v "$tool" >/dev/null || why="$tool not installed"
	done
	[ -z "$why" ] && return 0
	skip "$case" "$why"
	finish
}

# loopdev FILE [SECTOR_SIZE]: attach FILE with direct I/O; prints the device. Detached at exit.
loopdev()
{
	local dev
	dev=$(losetup -f --show --direct-io=on --sector-size "${2:-512}" "$1") || return 1
	at_exit "losetup -d '$dev'"
	echo "$dev"
}

# loopdev_parts FILE: like loopdev, with partition scanning (-P): the kernel makes
# DEVpN for the partitions a table on it describes. Detached at exit.
loopdev_parts()
{
	local dev
	dev=$(losetup -f --show -P --direct-io=on "$1") || return 1
	at_exit "losetup -d '$dev'"
	echo "$dev"
}

# wait_node PATH: wait up to 3 s for a device node to appear (partitions after a re-read).
wait_node()
{
	local i
	for i in $(seq 30); do [ -e "$1" ] && return 0; sleep 0.1; done
	return 1
}

# part_nodes DEV: make sure DEVp1.. exist after a partition table was written: the
# kernel re-reads the table itself (sfdisk asks it to) when it has the parser; this
# host's kernel has none (CONFIG_MSDOS_PARTITION and CONFIG_EFI_PARTITION unset), so
# partx adds them (BLKPG).
part_nodes()
{
	[ -e "${1}p1" ] || partx -a "$1" 2>/dev/null
	wait_node "${1}p1"
}

# mount_at DEV DIR [OPTS]: mount DEV on DIR (made if missing); unmounted at exit.
mount_at()
{
	mkdir -p "$2" && mount ${3:+-o "$3"} "$1" "$2" || return 1
	at_exit "umount '$2'"
}

# ---- fio ----------------------------------------------------------------------------------
# NODU: fio 3.33's disk-utilisation setup walks /sys/block and perror()s "stat" to stderr
# when an entry vanishes during the walk, as a loop device does when a test running in
# parallel detaches it; a good run that never touched that device then fails "stderr
# empty". Jobs whose stderr a test checks run with it off (no test reads disk_util).
NODU=(--disk_util=0)

# runfio OUT ARGS...: run fio with JSON output to OUT.json, its stderr to OUT.err.
# Returns fio's exit status.
runfio()
{
	local out=$1
	shift
	"$FIO" --output-format=json --output="$out.json" "${NODU[@]}" "$@" 2>"$out.err" >/dev/null
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

# zero_blocks FILE: how many of FILE's 4 KiB blocks are all zeros.
zero_blocks()
{
	od -An -v -w4096 -tx8 "$1" | awk '{ for (i = 1; i <= NF; i++) if ($i != "0000000000000000")
		next; n++ } END { print n + 0 }'
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
# 1 MiB per job. VERIFY_REGION=BYTES sets another region (and size) per job, e.g. whole
# blocks of an NVMe extended-LBA format (with bs= as a GLOBAL-LINE); VERIFY_KINDS the
# verify= kinds (default "crc32c md5 pattern"); VERIFY_SERIAL=1 runs the jobs one after
# the other (stonewall), for what must not run side by side. Asserts every job
# error 0, the sidecar's I/O count equal to fio's for every job, and non-zero
# timer/syscall/CPU counters. Two cases: PASS/FAIL each.
verify_matrix()
{
	local engine=$1 label=$2 target=$3 directs=$4
	shift 4
	local extra="$*" out v rw d t n=0 ok why rc zero
	local region=${VERIFY_REGION:-1048576}
	out=$(scratch)/vm-$engine-$label-$RANDOM
	[ -n "$extra" ] && label="$label ${extra// /,}"
	{
		printf '[global]\nioengine=external:%s/%s.so\nfilename=%s\nsize=%s\nbs=4k\n' \
			"$ENGINES" "$engine" "$target" "$region"
		printf 'verify_backlog=64\nverify_state_save=0\nsidecar=%s\n' "$out.sidecar"
		for line in "$@"; do printf '%s\n' "$line"; done
		for v in ${VERIFY_KINDS:-crc32c md5 pattern}; do
			for rw in write randwrite randrw; do
				for d in $directs; do
					for t in 0 1; do
						printf '[%s-%s-direct%s-thread%s]\nrw=%s\nverify=%s\ndirect=%s\nthread=%s\noffset=%s\n' \
							"$v" "$rw" "$d" "$t" "$rw" "$v" "$d" "$t" "$((n * region))"
						[ "$v" = pattern ] && printf 'verify_pattern=0xdeadbeef\n'
						[ -n "${VERIFY_SERIAL:-}" ] && printf 'stonewall\n'
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
	# One jq run (each process start costs 0.1-1 s in the NVMe test machine): the number of
	# good jobs (error 0, the sidecar's I/O count equal to fio's), what was wrong with the
	# others, and the first jobs whose counters are zero. (An SQPOLL ring may legitimately
	# run a job without a single system call.)
	[ -f "$out.sidecar" ] || : >"$out.sidecar"
	{ read -r ok; read -r why; read -r zero; } < <(jq -rn --slurpfile f "$out.json" \
		--slurpfile sc "$out.sidecar" '
		($sc | map({ (.job.name): .counters.ios }) | add // {}) as $ios
		| [$f[0].jobs[] | (.read.total_ios + .write.total_ios) as $n
		   | if .error != 0 then "\(.jobname):error=\(.error)"
		     elif $ios[.jobname] != $n then
			"\(.jobname):sidecar_ios=\($ios[.jobname] // "missing"),fio=\($n)"
		     else empty end] as $bad
		| ($f[0].jobs | length) - ($bad | length),
		  ($bad | join(" ")),
		  ([$sc[] | select(.counters.ios > 0) | select(.counters.elapsed_ns == 0
			or (.counters.syscalls == 0
			    and ((.engine_facts.ring_flags // "") | test("SQPOLL") | not))
			or .counters.submitted == 0 or .cpu.total_ns == 0) | .job.name][:3]
		   | join(" "))' 2>/dev/null)
	if [ "$rc" = 0 ] && [ -z "$why" ] && [ "${ok:-0}" = "$n" ]; then
		pass "$engine $label: $n verify jobs pass, sidecar I/O counts match fio's"
	else
		fail "$engine $label: verify matrix" "fio rc=$rc, ${ok:-0} of $n good; $why $(grep -m3 -iE 'verify|error' "$out.err" | tr '\n' ' ')"
	fi
	if [ -s "$out.sidecar" ] && [ -n "$ok" ] && [ -z "$zero" ]; then
		pass "$engine $label: timer, syscall and CPU counters non-zero"
	else
		fail "$engine $label: counters" "zero counters in: ${zero:-no sidecar written, or it or the JSON of fio is unreadable}"
	fi
}

# verify_mangle ENGINE LABEL TARGET DIRECT [FIO-ARG...]
# The verify tests can fail: write 1 MiB with verify=crc32c, check a control verify pass,
# overwrite 4 KiB at 64 KiB behind fio's back, and expect the verify pass to fail with
# EILSEQ (84) naming offset 65536. MANGLE_DEV=PATH overwrites through another path to the
# same data (an NVMe namespace's block device for its /dev/ngXnY, which dd cannot write).
verify_mangle()
{
	local engine=$1 label=$2 t=$3 direct=$4 out rc err
	local mdev=${MANGLE_DEV:-$3}
	shift 4
	out=$(scratch)/mangle-$engine-$label-$RANDOM
	local common=(--name=mangle --ioengine="external:$ENGINES/$engine.so" --filename="$t"
		--size=1M --bs=4k --rw=write --verify=crc32c --verify_state_save=0 --direct="$direct" "$@")
	if ! runfio "$out.w" "${common[@]}" --do_verify=0; then
		fail "$engine $label: mangle" "write pass failed: $(head -c 300 "$out.w.err")"; return
	fi
	if ! runfio "$out.c" "${common[@]}" --verify_only=1; then
		fail "$engine $label: mangle" "control verify of untouched data failed: $(head -c 300 "$out.c.err")"; return
	fi
	dd if=/dev/urandom of="$mdev" bs=4096 count=1 seek=16 conv=notrunc \
		$([ "$direct" = 1 ] || [ "$mdev" != "$t" ] && echo oflag=direct) status=none ||
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

# ---- the NVMe test machine (tests/vm/README.md) ---------------------------------------------
VM_RUN=$TOP/tests/vm/run

# vm_ready CASE: 0 when the NVMe test machine can run here (preparing it once: kernel fetch,
# initramfs). Otherwise reports CASE as SKIP with the reason (no qemu, no network for the
# kernel, ...) or as FAIL when preparing it broke, and returns 1.
vm_ready()
{
	local why rc
	why=$("$VM_RUN" --why)
	rc=$?
	case $rc in
	0) return 0 ;;
	77) skip "$1" "no NVMe test machine here: $why" ;;
	*) fail "$1" "the NVMe test machine could not be prepared: $why" ;;
	esac
	return 1
}

# vm_cases [RUN-OPTION...] -- COMMAND [ARG...]: run COMMAND in the NVMe test machine (options
# as tests/vm/run's) and report the PASS/FAIL/SKIP lines it prints as this script's cases;
# its other output passes through. A machine that times out or fails (QEMU, a guest kernel
# BUG/WARNING), or a non-zero exit without a FAIL line, is a FAIL. Returns run's status.
# The guest gets two CPUs unless the options say --smp: with one, under TCG here, it loses
# NVMe queue interrupts (measured with poll queues: every 2 s fio run at iodepth 4 on
# /dev/nvme0n1 stalled 61 s, "I/O 128 QID 1 timeout, aborting" then a controller reset, on
# Debian's 6.1.0-50 and 6.1.0-57 kernels alike; without poll queues less often, but
# t-saturate-vm's poll_queues=0 boot stalled the same way in a fresh-clone make check);
# with two, none in any run. A second vCPU costs ~1.5x the time under TCG.
vm_cases()
{
	local out rc
	out=$(scratch)/vm-cases-$RANDOM
	"$VM_RUN" --smp 2 --cwd "$TOP" "$@" >"$out"
	rc=$?
	vm_relay "$out" "$rc"
}

# vm_relay OUT RC: the guest's case lines in OUT (tests/vm/run's stdout) as this script's
# own cases, and tests/vm/run's exit status RC judged as vm_cases does (for a script that
# runs the machine in the background while it talks to it). Returns RC.
vm_relay()
{
	local out=$1 rc=$2 line c n_fail=0
	while IFS= read -r line; do
		case $line in
		"PASS "*) pass "${line#PASS }" ;;
		"SKIP "*) c=${line#SKIP }; skip "${c%%: *}" "${c#*: }" ;;
		"FAIL "*) c=${line#FAIL }; fail "${c%%: *}" "${c#*: }"; n_fail=$((n_fail + 1)) ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$out"
	case $rc in
	0) ;;
	124) fail "NVMe test machine" "timed out (tests/vm/run exit 124)" ;;
	125) fail "NVMe test machine" "the machine failed (see the vm: lines in this log)" ;;
	77) skip "NVMe test machine" "cannot run here (see the vm: line in this log)" ;;
	*) [ "$n_fail" -gt 0 ] || fail "NVMe test machine" "the guest command exited $rc without a FAIL line" ;;
	esac
	return "$rc"
}

# ---- the write guard's tests (tests/guard, tests/vm/guest) -----------------------------------
# A write job is fio running ENGINE on TARGET with --rw=write --bs=4k --size=1M, then the
# array GUARD_ARGS (e.g. --direct=1 for O_DIRECT-only engines), then the case's arguments.
# CHECK_DEV (default TARGET) is the device whose checksum must hold or change; SUM_BYTES
# limits the checksum to its first bytes. GUARD_ERR names the last run's stderr file;
# after guard_allowed, GUARD_SC its sidecar and GUARD_SAY the announcement of each job
# (engine_facts.guard: with JSON output fio's log, where it goes in normal mode, is not
# printed).
GUARD_ARGS=()
_guard_pat=0

# dev_sum DEV: DEV's checksum (of its first SUM_BYTES bytes when set).
dev_sum() { head -c "${SUM_BYTES:--0}" "$1" | md5sum | cut -d' ' -f1; }

# guard_refused ENGINE NAME REGEX TARGET [FIO-ARG...]: the write job fails without a crash,
# its stderr matches REGEX, and the device's checksum is the same before and after.
guard_refused()
{
	local e=$1 name="$1: $2" re=$3 t=$4 out rc before after dev=${CHECK_DEV:-$4}
	shift 4
	out=$(scratch)/refused-$RANDOM
	before=$(dev_sum "$dev")
	runfio "$out" --name=g --ioengine="external:$ENGINES/$e.so" --filename="$t" \
		--rw=write --bs=4k --size=1M "${GUARD_ARGS[@]}" "$@"
	rc=$?
	after=$(dev_sum "$dev")
	GUARD_ERR=$out.err
	if [ "$rc" = 0 ]; then
		fail "$name" "fio exited 0: the write was not refused"
	elif [ "$rc" -ge 128 ] || crashed "$out"; then
		fail "$name" "fio crashed (rc=$rc): $(head -c 300 "$out.err")"
	elif ! grep -qE -- "$re" "$out.err"; then
		fail "$name" "message does not match /$re/: $(grep -m2 iodrill "$out.err" | head -c 600)"
	elif [ "$before" != "$after" ]; then
		fail "$name" "refused, but $dev changed: $before -> $after"
	else
		pass "$name"
	fi
}

# guard_allowed ENGINE NAME TARGET [FIO-ARG...]: the write job runs (fio exit 0, job error
# 0, nothing on stderr), says what it writes to (its sidecar's engine_facts.guard), and
# the device did change (each run writes a new pattern).
guard_allowed()
{
	local e=$1 name="$1: $2" t=$3 out rc err before after dev=${CHECK_DEV:-$3}
	shift 3
	out=$(scratch)/allowed-$RANDOM
	_guard_pat=$((_guard_pat + 1))
	before=$(dev_sum "$dev")
	runfio "$out" --name=g --ioengine="external:$ENGINES/$e.so" --filename="$t" \
		--rw=write --bs=4k --size=1M "${GUARD_ARGS[@]}" --sidecar="$out.sc" \
		--buffer_pattern="$(printf '0x%08x' $((0x1d000000 + _guard_pat)))" "$@"
	rc=$?
	err=$(fio_job_field "$out" g .error)
	after=$(dev_sum "$dev")
	GUARD_ERR=$out.err
	GUARD_SC=$out.sc
	GUARD_SAY=$out.say
	jq -r '.engine_facts.guard // empty' "$out.sc" >"$out.say" 2>/dev/null
	if [ "$rc" != 0 ] || [ "$err" != 0 ]; then
		fail "$name" "fio rc=$rc error=$err: $(grep -m2 -E 'iodrill|error' "$out.err" | head -c 600)"
	elif [ -s "$out.err" ]; then
		fail "$name" "a good run wrote to stderr: $(head -c 300 "$out.err")"
	elif ! grep -q "^writing to $t" "$out.say"; then
		fail "$name" "did not say what it writes to (sidecar engine_facts.guard): $(head -c 300 "$out.say")"
	elif [ "$before" = "$after" ]; then
		fail "$name" "fio reported success but $dev did not change"
	else
		pass "$name"
	fi
}

# guard_read_ok ENGINE NAME TARGET [FIO-ARG...]: a read job runs, nothing on stderr, and
# announces no write (no engine_facts.guard in its sidecar).
guard_read_ok()
{
	local e=$1 name="$1: $2" t=$3 out rc err say
	shift 3
	out=$(scratch)/read-$RANDOM
	runfio "$out" --name=g --ioengine="external:$ENGINES/$e.so" --filename="$t" \
		--rw=read --bs=4k --size=1M "${GUARD_ARGS[@]}" --sidecar="$out.sc" "$@"
	rc=$?
	err=$(fio_job_field "$out" g .error)
	say=$(jq -r '.engine_facts.guard // empty' "$out.sc" 2>&1)
	if [ "$rc" = 0 ] && [ "$err" = 0 ] && [ ! -s "$out.err" ] && [ -s "$out.sc" ] &&
		[ -z "$say" ]; then
		pass "$name"
	else
		fail "$name" "fio rc=$rc error=$err: $(head -c 300 "$out.err") $say"
	fi
}

# guard_suggested: the allow_overwrite value the last refusal told the user to add.
guard_suggested() { grep -o 'add allow_overwrite=[^ ]*' "$GUARD_ERR" | head -1 | cut -d= -f2-; }

# guard_engines TARGET-KIND...: the built engines whose engines.tbl target is one of these.
guard_engines()
{
	local e t
	for e in $(awk '!/^#/ && NF == 5 { print $1 }' "$ENGINES/engines.tbl"); do
		t=$(engine_row "$e" | awk '{ print $5 }')
		[ -f "$ENGINES/$e.so" ] && [[ " $* " == *" $t "* ]] && echo "$e"
	done
}

# expect_refusal_run NAME REGEX COMMAND...: COMMAND (fio, possibly behind a wrapper such
# as strace, setpriv or a seccomp launcher) must exit non-zero without crashing, and its
# output (stdout and stderr) must match the extended regex REGEX.
expect_refusal_run()
{
	local name=$1 re=$2 out rc
	shift 2
	out=$(scratch)/refusal-$RANDOM
	"$@" >"$out.out" 2>"$out.err"
	rc=$?
	cat "$out.out" >>"$out.err"
	if [ "$rc" = 0 ]; then
		fail "$name" "exited 0: $(head -c 300 "$out.err")"
	elif [ "$rc" -ge 128 ] || crashed "$out"; then
		fail "$name" "crashed (rc=$rc): $(head -c 300 "$out.err")"
	elif ! grep -qE "$re" "$out.err"; then
		fail "$name" "message does not match /$re/: $(grep -v '^$' "$out.err" | head -c 500)"
	else
		pass "$name"
	fi
}

# test_bin NAME: the path of a helper built by make into build/tests/bin, or nothing
# (with the reason on stderr) when it is not built.
test_bin()
{
	local p=$TOP/${BUILD:-build}/tests/bin/$1
	[ -x "$p" ] && { echo "$p"; return; }
	echo "$1 is not built (make $p)" >&2
	return 1
}

# ---- fault injection and refusals ---------------------------------------------------------
# in_flight LOG BYTES: the most BYTES-sized pread64s in flight at once in an INJECT_LOG.
# A whole line is stamped at entry, a "<... resumed>" one at exit; -T gives the duration.
in_flight()
{
	awk -v re=", $2, [0-9]+[)] = $2 " '/pread64/ && $0 ~ re {
		d = substr($NF, 2, length($NF) - 2)
		if ($3 ~ /^<\.\.\./) { s = $2 - d; e = $2 } else { s = $2; e = $2 + d }
		printf "%.6f 1\n%.6f -1\n", s, e }' "$1" |
		sort -k1,1n -k2,2n | awk '{ n += $2; if (n > m) m = n } END { print m + 0 }'
}

# strace_why: empty when strace can inject system call faults here, else the reason.
strace_why() { command -v strace >/dev/null || echo "strace is not installed (apt-get install strace)"; }

# runfio_inject OUT SPEC... -- FIO-ARGS...: runfio under strace -f, injecting each SPEC
# (e.g. pread64:error=EIO:when=3). Note strace counts when= per thread, not per process.
# INJECT_LOG=FILE: strace's log (-ttt -T) goes there (in_flight reads it).
# Returns fio's exit status.
runfio_inject()
{
	local out=$1 specs=() calls=""
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		specs+=(-e "inject=$1")
		calls+=${calls:+,}${1%%:*}
		shift
	done
	shift
	# Only the injected calls stop under strace (seccomp-bpf): a stop on every system call
	# of every thread made strace the limit of a 16-worker test on a loaded machine.
	# INJECT_LOG=FILE keeps strace's log there, with each call's entry time and duration.
	strace -f -qq --seccomp-bpf -e trace="$calls" -o "${INJECT_LOG:-/dev/null}" \
		${INJECT_LOG:+-ttt -T} "${specs[@]}" "$FIO" \
		--output-format=json --output="$out.json" "$@" 2>"$out.err" >/dev/null
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
