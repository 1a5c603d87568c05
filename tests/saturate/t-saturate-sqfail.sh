#!/usr/bin/env bash
# iodrill tune --saturate: the SQPOLL point is reported beside the one-core peak, never as
# it, so when its run fails (kernels before 5.11 refuse SQPOLL to users without
# CAP_SYS_ADMIN) the search goes on and says why. A fio wrapper fails every job file that
# asks for sqthread_poll. Before: the whole search failed on that one run.
. "$(dirname "$0")/../lib.sh"

tune_scratch 8M
online=$(cat /sys/devices/system/cpu/online)
if [ "$(nproc)" -lt 2 ]; then
	skip "saturate: a failed SQPOLL run" "needs 2 CPUs (SQPOLL is tried only then); this machine has $(nproc)"
	finish
fi
QUICK=(--runtime 100 --ramp 0 --max-iodepth 2 --cpus "$online" --no-png --no-archive)

cat >"$S/fio" <<EOF
#!/bin/bash
for a in "\$@"; do
	case \$a in
	*.fio) grep -q '^sqthread_poll=1' "\$a" && { echo "fio: refused by the test's wrapper: sqthread_poll" >&2; exit 1; } ;;
	esac
done
exec $FIO "\$@"
EOF
chmod +x "$S/fio"
J=$S/s.json
IODRILL_FIO=$S/fio "$IODRILL" tune "$S/f" --saturate "${QUICK[@]}" --json >"$J" 2>"$S/s.err"
rc=$?
check "saturate: a failed SQPOLL run leaves the search whole: exit 0, a one-core peak" \
	"rc=$rc: $(tail -c 300 "$S/s.err")" \
	eval '[ "$rc" = 0 ] && [ "$(jq -r ".one_core_peak.phase" "$J")" = duel ]'
check "saturate: the failed SQPOLL run is said, with fio's reason, and is no point" \
	"$(jq -c '{sqpoll, why: .sqpoll_not_tried, sq: [.points[] | select(.phase == "sqpoll")] | length}' "$J" 2>&1)" \
	eval '[ "$(jq -r ".sqpoll" "$J")" = null ] &&
		jq -r ".sqpoll_not_tried" "$J" | grep -q "^tried, failed: .*fio exited 1: .*sqthread_poll" &&
		[ "$(jq "[.points[] | select(.phase == \"sqpoll\")] | length" "$J")" = 0 ]'
IODRILL_FIO=$S/fio "$IODRILL" tune "$S/f" --saturate "${QUICK[@]}" >"$S/s.out" 2>"$S/s.err"
rc=$?
check "saturate: the text report says SQPOLL was tried and failed" \
	"rc=$rc: $(grep 'SQPOLL' "$S/s.out" | head -c 300)" \
	eval '[ "$rc" = 0 ] && grep -q "^  SQPOLL: tried, failed: " "$S/s.out"'
finish
