#!/usr/bin/env bash
# iodrill drill and tune on a fleet, through fio's own client/server protocol: real
# `fio --server` processes on 127.0.0.2 and 127.0.0.3, each run from its own folder so the
# same relative TARGET is its own file there.
#  - the fleet drill gives every host a row per engine with the engine's own counters (CPU
#    per I/O, system calls per I/O: sync exactly one call a read), and the text table a
#    row per host and engine;
#  - each host's run is in the archive, found by results list --host, with the host in its
#    provenance, filed under the same device identity as a local run on that file;
#  - a server killed mid-run: that host says it stopped answering, the other has its
#    results, exit 3 (partial), the dead host's run stored as failed;
#  - a server of another fio protocol version: fio's mismatch message, named for the host;
#  - Ctrl-C stops every host: iodrill exits 130 and every server is back to its listener;
#  - bad input is refused naming the option, file, line or host;
#  - a local fio run of an engine prints nothing more than before (no fleet lines).
# Every server is SIGKILLed at exit, also when a case fails.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fleet/lib.sh"

S=$(scratch)
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR" "$S/a" "$S/b" "$S/c" "$S/o"
for d in a b c; do head -c 8M /dev/urandom >"$S/$d/drill.dat"; done

read -r PA GA < <(start_server 127.0.0.2 "$S/a") &&
	read -r PB GB < <(start_server 127.0.0.3 "$S/b") ||
	{ fail "fleet: fio --server on 127.0.0.2 and 127.0.0.3" "$(cat "$S"/[ab]/server.log)"; finish; }
A=127.0.0.2:$PA
B=127.0.0.3:$PB
printf '# two loopback servers\n%s\n\n%s   # the second\n' "$A" "$B" >"$S/hosts"

# row FILE HOST ENGINE FILTER: jq FILTER holds for HOST's row of ENGINE in a fleet JSON.
row() { jq -e --arg h "$2" --arg e "$3" ".hosts[] | select(.host == \$h) | .result.engines[] |
	select(.engine == \$e) | $4" "$1" >/dev/null 2>&1; }

# ---- the fleet drill: a row per host and engine, the engines' own counters ------------------
"$IODRILL" drill --hosts "$S/hosts" drill.dat --engines sync,uring_fixed --reps 2 --json \
	--no-png >"$S/fleet.json" 2>"$S/fleet.err"
rc=$?
bad=""
for h in "$A" "$B"; do
	row "$S/fleet.json" "$h" sync '.repetitions == 2 and .failed == null and .cpu_us_per_io > 0
		and .syscalls_per_io == 1 and .time_us > 0' || bad="$bad $h/sync"
	row "$S/fleet.json" "$h" uring_fixed '.repetitions == 2 and .failed == null and
		.cpu_us_per_io > 0 and .syscalls_per_io > 0 and .syscalls_per_io < 0.1' ||
		bad="$bad $h/uring_fixed"
done
if [ "$rc" = 0 ] && [ -z "$bad" ] && jq -e '.partial == false' "$S/fleet.json" >/dev/null; then
	pass "fleet drill: each host a row per engine with its counters (sync 1 system call a read, uring_fixed batched), exit 0"
else
	fail "fleet drill: rows per host" "exit $rc; bad:$bad; $(head -c 600 "$S/fleet.json"; tail -n 5 "$S/fleet.err")"
fi

"$IODRILL" drill --hosts "$S/hosts" drill.dat --engines sync --reps 1 --no-png \
	>"$S/table.txt" 2>"$S/table.err"
rc=$?
if [ "$rc" = 0 ] && grep -Eq "^$A +sync +[0-9]+ " "$S/table.txt" &&
	grep -Eq "^$B +sync +[0-9]+ " "$S/table.txt" && grep -q '^host ' "$S/table.txt"; then
	pass "fleet drill: one text table with a host column, a row per host"
else
	fail "fleet drill: text table" "exit $rc; $(head -n 12 "$S/table.txt"; tail -n 3 "$S/table.err")"
fi

# ---- the archive: each host's run, found by host, filed as a local run would be -----------
for h in "$A" "$B"; do
	n=$("$IODRILL" results list --host "$h" --json 2>/dev/null |
		jq '[.devices[].runs[] | select(.host == "'"$h"'" and .kind == "drill")] | length')
	f=$("$IODRILL" results list --host "$h" --json 2>/dev/null | jq -r '.devices[0].runs[0].path')
	if [ "$n" = 2 ] && jq -e --arg h "$h" '.provenance.host.fleet_host == $h and
		.provenance.client.hostname != null and .provenance.host.kernel != null and
		([.sidecar[] | length] | add) >= 1' "$f" >/dev/null 2>&1; then
		pass "archive: host $h's 2 drills listed by results list --host, host in the provenance"
	else
		fail "archive: host $h" "$n runs listed; $(jq -c '.provenance.host' "$f" 2>&1 | head -c 300)"
	fi
done
remote_dev=$(jq -r '.devices[0].name' < <("$IODRILL" results list --host "$A" --json))
"$IODRILL" drill "$S/a/drill.dat" --engines sync --reps 1 --no-png --json >"$S/local.json" 2>/dev/null
local_dev=$(jq -r '.archive.device' "$S/local.json")
if [ -n "$remote_dev" ] && [ "$remote_dev" = "$local_dev" ]; then
	pass "archive: a host's run is filed under the device identity a local run gets ($local_dev)"
else
	fail "archive: device identity" "remote '$remote_dev', local '$local_dev'"
fi

# ---- a server killed mid-run --------------------------------------------------------------
read -r PC GC < <(start_server 127.0.0.3 "$S/c") || fail "killed host: third server" "$(cat "$S/c/server.log")"
C=127.0.0.3:$PC
mkdir -p "$S/keep"
"$IODRILL" drill --host "$A" --host "$C" drill.dat --engines sync,uring_fixed --reps 6 --json \
	--no-png --keep "$S/keep" >"$S/killed.json" 2>"$S/killed.err" &
pid=$!
for i in $(seq 600); do	# until host C's first call has returned (its counters are out)
	ls "$S"/keep/iodrill-drill-*/host-02-*/iodrill-drill-*/r01-*.sidecar >/dev/null 2>&1 && break
	sleep 0.1
done
stop_server "$GC"
wait "$pid"
rc=$?
if [ "$rc" = 3 ] && row "$S/killed.json" "$A" sync '.repetitions == 6 and .failed == null' &&
	grep -Eq "host $C (stopped answering during the run|does not answer)" "$S/killed.json"; then
	pass "a server killed mid-run: its host says it stopped answering, the other has all 6 repetitions, exit 3"
else
	fail "a server killed mid-run" "exit $rc; $(head -c 900 "$S/killed.json"; tail -n 4 "$S/killed.err")"
fi
if "$IODRILL" results list --host "$C" 2>/dev/null | grep -q ' drill  *failed '; then
	pass "a server killed mid-run: what that host ran is stored, marked failed"
else
	fail "killed host's run stored as failed" "$("$IODRILL" results list --host "$C" 2>&1 | head -5)"
fi

# ---- a server of another fio build ---------------------------------------------------------
if [ -x "$OLDFIO" ]; then
	read -r PO GO < <(start_server 127.0.0.4 "$S/o" "$OLDFIO")
	"$IODRILL" drill --host "$A" --host "127.0.0.4:$PO" drill.dat --engines sync --reps 1 \
		--json --no-png >"$S/old.json" 2>"$S/old.err"
	rc=$?
	if [ "$rc" = 3 ] && jq -e --arg h "127.0.0.4:$PO" '.hosts[] | select(.host == $h) |
		.error | test("host \\S+ runs another fio build .*version mismatch")' "$S/old.json" \
		>/dev/null && row "$S/old.json" "$A" sync '.failed == null'; then
		pass "a server of another fio protocol version: fio's mismatch message for that host, the other's results, exit 3"
	else
		fail "another fio build" "exit $rc; $(head -c 700 "$S/old.json"; tail -n 3 "$S/old.err")"
	fi
else
	fail "another fio build" "$OLDFIO not built (make check builds it)"
fi

# ---- Ctrl-C stops every host --------------------------------------------------------------
mkdir -p "$S/keep2"
"$IODRILL" drill --hosts "$S/hosts" drill.dat --engines sync --reps 200 --no-png \
	--keep "$S/keep2" >"$S/int.out" 2>"$S/int.err" &
pid=$!
for i in $(seq 600); do	# until both hosts have run a call
	[ "$(ls "$S"/keep2/iodrill-drill-*/host-0*/iodrill-drill-*/r01-*.sidecar 2>/dev/null |
		wc -l)" = 2 ] && break
	sleep 0.1
done
start=$SECONDS
kill -INT "$pid"
wait "$pid"
rc=$?
for i in $(seq 150); do	# each server back to its listener alone
	[ "$(group_size "$GA")" = 1 ] && [ "$(group_size "$GB")" = 1 ] && break
	sleep 0.1
done
if [ "$rc" = 130 ] && [ "$(group_size "$GA")" = 1 ] && [ "$(group_size "$GB")" = 1 ]; then
	pass "Ctrl-C stops every host: exit 130 after $((SECONDS - start)) s, no job left on either server"
else
	fail "Ctrl-C stops every host" "exit $rc; server groups: $(group_size "$GA") $(group_size "$GB") processes; $(tail -n 4 "$S/int.err")"
fi

# ---- bad input ----------------------------------------------------------------------------
bad_input()
{
	local label=$1 want=$2 out
	shift 2
	out=$("$IODRILL" "$@" 2>&1 >/dev/null)
	local rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$want" <<<"$out"; then
		pass "bad input: $label: exit 2, says '$want'"
	else
		fail "bad input: $label" "exit $rc: $out"
	fi
}
printf '127.0.0.2 extra\n' >"$S/hosts-bad"
bad_input "--hosts FILE missing" "--hosts $S/nohosts" drill --hosts "$S/nohosts" x
bad_input "two words on a line" "line 1" drill --hosts "$S/hosts-bad" x
bad_input "port out of range" "port must be a number" drill --host 127.0.0.2:99999 x
bad_input "no TARGET" "need TARGET" drill --host "$A"
bad_input "a host named twice" "named twice" tune --host "$A" --host "$A" x --engine kaio
bad_input "TARGET missing on the host" "does not exist on host $A" drill --host "$A" nosuch.dat

# ---- a local run is unchanged ---------------------------------------------------------------
"$FIO" "${NODU[@]}" --name=l --ioengine="external:$ENGINES/sync.so" --filename="$S/a/drill.dat" --rw=randread \
	--number_ios=10 --output-format=json >"$S/l.out" 2>"$S/l.err"
if ! grep -q 'iodrill-sidecar: \|iodrill-where: ' "$S/l.out" && [ ! -s "$S/l.err" ] && jq -e '.jobs[0].read.total_ios == 10' \
	"$S/l.out" >/dev/null; then
	pass "a local fio run: JSON only on stdout (no fleet lines), nothing on stderr"
else
	fail "a local fio run" "$(head -c 300 "$S/l.out"; cat "$S/l.err")"
fi
finish
