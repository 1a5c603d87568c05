#!/usr/bin/env bash
# A fleet of two real machines: this one (a fio --server on 127.0.0.2) and the NVMe test
# machine, whose fio --server is the one the .deb's unit starts (tests/fleet/guest/
# deb-server.sh: dpkg -i there, then the unit's ExecStart), reached through QEMU's user
# network and a forwarded port (tests/vm/run --hostfwd). The same TARGET, drill.dat, is a
# file in this host's server folder and /dev/nvme0n1 in the guest's:
#  - every engine that applies runs on each host, uring_passthru on the guest alone
#    (through the namespace's /dev/ng0n1), each row with the engine's own counters;
#  - the guest's run is archived under its NVMe identity, this host's under its file's;
#  - the table goes to this script's log (the closing note quotes it);
#  - the guest's own cases (the .deb installs, its command runs, the unit's server answers,
#    dpkg -r leaves nothing) are relayed as this script's.
# The machine and every server are stopped at exit, also on failure.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fleet/lib.sh"

VM_RUN=$TOP/tests/vm/run
# A long run (475 s under TCG on a quiet machine, most of it the guest's dpkg, boot and
# drills, not the engine count): make stress runs it; make check's fleet test is t-fleet.sh.
if [ "${IDR_STRESS:-0}" != 1 ]; then
	skip "two machines (the NVMe test machine as a fleet host)" \
		"a long run (~8 min under TCG): make stress runs it (IDR_STRESS=1)"
	finish
fi
vm_ready "fleet vm" || finish
S=$(scratch)
mkdir -p "$S/a" "$S/vmout"
head -c 64M /dev/urandom >"$S/a/drill.dat"

if deb=$(make -s -C "$TOP" deb 2>"$S/deb.err" | tail -n 1) && [ -f "$deb" ]; then
	cp "$deb" "$S/vmout/iodrill.deb"
else
	fail "make deb" "$(tail -n 5 "$S/deb.err")"
	finish
fi
read -r PA GA < <(start_server 127.0.0.2 "$S/a") ||
	{ fail "fio --server on 127.0.0.2" "$(cat "$S/a/server.log")"; finish; }
for try in 1 2 3 4 5; do
	HP=$((20000 + RANDOM % 40000))
	port_free 127.0.0.1 "$HP" && break
done

# The machine in the background: it serves until the host says done.
"$VM_RUN" --smp 2 --cwd "$TOP" --hostfwd "$HP:8765" --out "$S/vmout" --timeout 900 \
	-- bash tests/fleet/guest/deb-server.sh >"$S/vm.out" 2>"$S/vm.err" &
vm=$!
at_exit "kill -TERM $vm; wait $vm"
for i in $(seq 840); do	# a TCG boot, dpkg and a drill under load: minutes
	[ -f "$S/vmout/ready" ] && break
	kill -0 "$vm" 2>/dev/null || break
	sleep 1
done

G=127.0.0.1:$HP
printf '%s\n%s\n' "127.0.0.2:$PA" "$G" >"$S/hosts"
if [ -f "$S/vmout/ready" ]; then
	"$IODRILL" drill --hosts "$S/hosts" drill.dat --reps 1 --json --no-png >"$S/fleet.json" \
		2>"$S/fleet.err"
	rc=$?
	bad=""
	for e in sync kaio uring_fixed uring_passthru; do
		jq -e --arg h "$G" --arg e "$e" '.hosts[] | select(.host == $h) | .result.engines[] |
			select(.engine == $e) | .failed == null and .cpu_us_per_io > 0 and
			.syscalls_per_io > 0' "$S/fleet.json" >/dev/null 2>&1 || bad="$bad guest/$e"
	done
	jq -e --arg h "127.0.0.2:$PA" '.hosts[] | select(.host == $h) | .result.engines[] |
		select(.engine == "uring_fixed") | .failed == null and .cpu_us_per_io > 0' \
		"$S/fleet.json" >/dev/null 2>&1 || bad="$bad host/uring_fixed"
	if [ "$rc" = 0 ] && [ -z "$bad" ]; then
		pass "two machines: every engine on each, uring_passthru on the guest's NVMe, the engines' counters in each row"
	else
		fail "two machines: the fleet drill" "exit $rc; bad:$bad; $(head -c 600 "$S/fleet.json"; tail -n 5 "$S/fleet.err")"
	fi
	gdev=$(jq -r --arg h "$G" '.hosts[] | select(.host == $h) | .result.archive.device' "$S/fleet.json")
	hdev=$(jq -r --arg h "127.0.0.2:$PA" '.hosts[] | select(.host == $h) | .result.archive.device' \
		"$S/fleet.json")
	if [[ $gdev == nvme-QEMU_NVMe_Ctrl-iodrill-vm-ns1-lba512 ]] && [[ $hdev == file-* ]]; then
		pass "two machines: the guest's run filed under its NVMe identity ($gdev), this host's under its file's"
	else
		fail "two machines: archive identities" "guest '$gdev', host '$hdev'"
	fi
	# The table, for the log (the fleet's closing note quotes it).
	"$IODRILL" results list --host "$G" 2>&1 | head -n 4
	jq -r '.hosts[] | .host as $h | .result.engines[]? | [$h, .engine, .time_us, .iops,
		.cpu_us_per_io, .syscalls_per_io] | @tsv' "$S/fleet.json"
else
	fail "two machines" "the guest's server never said ready: $(tail -n 5 "$S/vm.err")"
fi
touch "$S/vmout/done"
wait "$vm"
vm_relay "$S/vm.out" $?
finish
