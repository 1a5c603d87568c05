#!/usr/bin/env bash
# tests/drill/guest/unwritten.sh - runs INSIDE the NVMe test machine (tests/drill/t-drill-vm.sh,
# default namespaces, each a fresh sparse image): a fresh namespace reads zeros, and the
# drill says its blocks are unwritten, naming the namespace's DLFEAT (what a deallocated
# block reads as) and whether Get LBA Status could be asked; after iodrill precondition
# (through /dev/ng0n2: written through its block device /dev/nvme0n2, stored under the
# namespace's folder as a precondition run) the drill on the same namespace says nothing.
# Under TCG every fio start costs 1-2 s: one repetition of sync, JSON only.
. "$(dirname "$0")/../../lib.sh"

if [ -z "${IDR_VM:-}" ]; then
	skip "unwritten blocks on NVMe" "not inside the NVMe test machine: run it through tests/drill/t-drill-vm.sh"
	finish
fi
S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"
A=$S/archive
quiet() { "$@" >/dev/null; }

# drill LABEL TARGET: one repetition of sync as JSON into LABEL.json.
drill()
{
	"$IODRILL" drill "$2" --reps 1 --engines sync --no-png --json --results "$A" \
		>"$S/$1.json" 2>"$S/$1.err" || { fail "$1: drill $2" "$(tail -c 300 "$S/$1.err")"; return 1; }
}

check "a fresh namespace reads zeros" "$(head -c 4096 /dev/nvme0n2 | od -An -tx1 | sort -u | head -3)" \
	test "$(head -c 1M /dev/nvme0n2 | tr -d '\0' | wc -c)" = 0
if drill fresh /dev/nvme0n2; then
	u=$(jq -c .unwritten "$S/fresh.json")
	check "fresh nvme0n2: all 64 sampled blocks unwritten, DLFEAT read" "$u" \
		quiet jq -e '.unwritten | .checked and .sampled == 64 and .unwritten == 64 and
			.dlfeat_read != null' "$S/fresh.json"
	dl=$(jq -r .unwritten.dlfeat_read "$S/fresh.json")
	if [ "$dl" = 1 ]; then
		check "fresh nvme0n2: what this shows names DLFEAT (deallocated blocks read as zeros) and the fix" \
			"$(jq -c '.findings[0:2]' "$S/fresh.json" | head -c 400)" quiet jq -e \
			'(.findings[0] | test("64 of 64 .* unwritten .*DLFEAT says a deallocated block returns"))
			and (.findings[1] | contains("iodrill precondition /dev/nvme0n2"))' "$S/fresh.json"
	else
		check "fresh nvme0n2: what this shows says unwritten and names the fix (DLFEAT $dl)" \
			"$(jq -c '.findings[0:2]' "$S/fresh.json" | head -c 400)" quiet jq -e \
			'(.findings[0] | test("64 of 64 .* unwritten")) and
			(.findings[1] | contains("iodrill precondition /dev/nvme0n2"))' "$S/fresh.json"
	fi
	check "fresh nvme0n2: Get LBA Status asked, or why not said" "$u" \
		quiet jq -e '.unwritten | .deallocated != null or (.lba_status | type == "string")' "$S/fresh.json"
fi

"$IODRILL" precondition /dev/ng0n2 --results "$A" --json >"$S/pre.json" 2>"$S/pre.err"
rc=$?
check "precondition /dev/ng0n2: written through /dev/nvme0n2, whole (128 MiB)" \
	"rc=$rc: $(jq -c '{written_bytes, facts}' "$S/pre.json" 2>&1 | head -c 300) $(tail -c 300 "$S/pre.err")" \
	eval '[ "$rc" = 0 ] && quiet jq -e ".facts.written_path == \"/dev/nvme0n2\" and
		.written_bytes == .facts.size and .facts.size > 0" "$S/pre.json"'
check "precondition: stored under the namespace's folder, kind precondition" \
	"$(jq -c .archive "$S/pre.json")" quiet jq -e '.archive.stored and
		(.archive.device | test("^nvme-.*-ns2-lba4096$")) and (.archive.id | test("-precondition-"))' \
	"$S/pre.json"
if drill preconditioned /dev/ng0n2; then
	check "after precondition: the drill on /dev/ng0n2 finds no unwritten block, says nothing" \
		"$(jq -c '[.unwritten, .findings[0]]' "$S/preconditioned.json" | head -c 400)" \
		quiet jq -e '(.unwritten | .checked and .sampled == 64 and .unwritten == 0) and
			([.findings[] | select(test("unwritten|precondition"))] | length == 0)' \
		"$S/preconditioned.json"
fi
finish
