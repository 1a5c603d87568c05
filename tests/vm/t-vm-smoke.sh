#!/usr/bin/env bash
# tests/vm/t-vm-smoke.sh - one boot of the NVMe test machine (default namespaces, one poll
# queue, a blkdebug read fault at sector 8192 of namespace 1) running tests/vm/guest/smoke.sh:
# the namespaces and their formats, fio's io_uring_cmd verify, the injected error, polling,
# guest modules. Then, on the host: the results channel and the guest's stderr came back.

. "$(dirname "$0")/../lib.sh"

vm_ready "vm smoke" || finish
res=$(scratch)/out
errs=$(scratch)/stderr
mkdir -p "$res"
vm_cases --timeout 300 --poll-queues 1 --inject 1:read:8192 --out "$res" --cwd "$TOP" \
	-- bash tests/vm/guest/smoke.sh 2> >(tee "$errs" >&2)
rc=$?
if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
	finish
fi
if [ "$(cat "$res/smoke.txt" 2>/dev/null)" = "smoke $(sed -n 's/^kver=//p' <("$VM_RUN" --prepare))" ]; then
	pass "vm results: the guest's file in \$IDR_VM_OUT reached the host, written by the guest kernel"
else
	fail "vm results" "$res/smoke.txt holds '$(cat "$res/smoke.txt" 2>&1)'"
fi
if grep -q '^smoke: to stderr$' "$errs"; then
	pass "vm stderr: the guest command's stderr came back on tests/vm/run's stderr"
else
	fail "vm stderr" "no 'smoke: to stderr' line on stderr"
fi
finish
