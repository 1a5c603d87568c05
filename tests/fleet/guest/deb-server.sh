#!/usr/bin/env bash
# tests/fleet/guest/deb-server.sh - run in the NVMe test machine by tests/fleet/t-fleet-stress-vm.sh
# (its root is throwaway): the .deb in $IDR_VM_OUT installs with dpkg, the installed iodrill
# runs on its own engines and profiles, the unit is not enabled, and its ExecStart line
# starts a fio server that answers fio's client; that server is then a fleet host for the
# host's test (port 8765, forwarded), with drill.dat in its folder naming /dev/nvme0n1,
# until the host writes $IDR_VM_OUT/done. Then the package removes cleanly.
. "$(dirname "$0")/../../lib.sh"
[ -n "${IDR_VM:-}" ] || { skip "fleet guest" "not in the NVMe test machine"; finish; }

deb=$IDR_VM_OUT/iodrill.deb
unit=/lib/systemd/system/iodrill-fio-server.service
S=$(scratch)

if dpkg -i "$deb" >"$S/dpkg-i.log" 2>&1 &&
	dpkg-query -W -f='${Status}' iodrill 2>/dev/null | grep -q 'install ok installed'; then
	pass "deb: dpkg -i installs it"
else
	fail "deb: dpkg -i" "$(tail -n 5 "$S/dpkg-i.log")"
fi
missing=""
for f in /usr/bin/iodrill /usr/lib/iodrill/engines/sync.so /usr/lib/iodrill/engines/uring_passthru.so \
	/usr/lib/iodrill/engines/engines.tbl /usr/share/iodrill/profiles/drill.fio "$unit"; do
	[ -e "$f" ] || missing="$missing $f"
done
enabled=$(ls /etc/systemd/system/*.wants/iodrill-fio-server.service 2>/dev/null)
if [ -z "$missing" ] && [ -z "$enabled" ]; then
	pass "deb: command, engines, profiles and the unit installed; the unit not enabled"
else
	fail "deb: installed files" "missing:$missing; enabled: $enabled"
fi
# The installed command, away from the tree: its engines and profiles are the package's.
(cd / && /usr/bin/iodrill drill /dev/nvme0n1 --engines sync --reps 1 --no-png --no-archive \
	--json >"$S/drill.json" 2>"$S/drill.err")
if jq -e '.engines[0].engine == "sync" and .engines[0].failed == null and
	.facts.job_file == "/usr/share/iodrill/profiles/drill.fio"' "$S/drill.json" >/dev/null 2>&1; then
	pass "deb: the installed iodrill drills /dev/nvme0n1 with the package's engines and profile"
else
	fail "deb: the installed iodrill" "$(head -c 300 "$S/drill.json"; tail -n 3 "$S/drill.err")"
fi

# The unit's ExecStart, as systemd would run it (there is no systemd in this machine).
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
mkdir -p /run/fleet && ln -sfn /dev/nvme0n1 /run/fleet/drill.dat
(cd /run/fleet && exec setsid $exec_start >"$IDR_VM_OUT/server.log" 2>&1) &
spid=$!
at_exit "kill -9 -- -$spid; kill -9 $spid"
for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/8765) 2>/dev/null && break; sleep 0.2; done
printf '[answer]\nioengine=null\nsize=4k\nrw=read\n' >"$S/answer.fio"
if [ -n "$exec_start" ] && "$FIO" --client=ip:127.0.0.1,8765 --output-format=json \
	--output="$S/answer.json" "$S/answer.fio" >"$S/answer.err" 2>&1 &&
	jq -e '.client_stats[0].error == 0' <(sed -n '/^{/,$p' "$S/answer.json") >/dev/null 2>&1; then
	pass "deb: the unit's ExecStart ($exec_start) starts a fio server that answers fio's client"
else
	fail "deb: the unit's server" "ExecStart '$exec_start'; $(cat "$S/answer.err" "$IDR_VM_OUT/server.log" 2>/dev/null | tail -n 4)"
fi

echo ready >"$IDR_VM_OUT/ready"
for i in $(seq 900); do [ -f "$IDR_VM_OUT/done" ] && break; sleep 1; done
kill -9 -- "-$spid" "$spid" 2>/dev/null
wait "$spid" 2>/dev/null

if dpkg -r iodrill >"$S/dpkg-r.log" 2>&1 && ! dpkg-query -W -f='${Status}' iodrill 2>/dev/null |
	grep -q 'installed' && [ ! -e /usr/bin/iodrill ] && [ ! -e /usr/lib/iodrill ] &&
	[ ! -e /usr/share/iodrill ] && [ ! -e "$unit" ]; then
	pass "deb: dpkg -r removes it: no file of it left"
else
	fail "deb: dpkg -r" "$(tail -n 3 "$S/dpkg-r.log"; ls -d /usr/bin/iodrill /usr/lib/iodrill /usr/share/iodrill "$unit" 2>&1)"
fi
finish
