#!/usr/bin/env bash
# The drill reads a sample of its own blocks first and says when they are unwritten: on a
# fresh loop device over a sparse file (all holes) the table, "what this shows" and the
# JSON say so and name iodrill precondition; after `iodrill precondition` on the same
# device (stored in the archive as its preconditioning record), nothing is said. A sparse
# regular file is caught the same way; the file the drill makes for itself is not.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
IODRILL=$TOP/iodrill
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"

# drill LABEL TARGET: one repetition of sync, as JSON (LABEL.json) and as the table
# (LABEL.txt); 0 when both ran.
drill()
{
	"$IODRILL" drill "$2" --reps 1 --engines sync --no-png --json >"$S/$1.json" 2>"$S/$1.err" &&
		"$IODRILL" drill "$2" --reps 1 --engines sync --no-png --no-archive >"$S/$1.txt" \
			2>>"$S/$1.err"
}

# unwritten_said LABEL TARGET: the drill on TARGET found every sampled block unwritten.
unwritten_said()
{
	local l=$1 t=$2
	if ! drill "$l" "$t"; then
		fail "$l: drill" "$(tail -c 300 "$S/$l.err")"
		return
	fi
	check "$l: JSON: all 64 sampled blocks unwritten (zeros)" "$(jq -c .unwritten "$S/$l.json")" \
		quiet jq -e '.unwritten | .checked and .sampled == 64 and .unwritten == 64 and .zeros == 64' \
		"$S/$l.json"
	check "$l: what this shows says so first and names the fix" \
		"$(jq -c '.findings[0:2]' "$S/$l.json" | head -c 400)" quiet jq -e --arg t "$t" \
		'(.findings[0] | test("^64 of 64 sampled blocks this drill reads are unwritten"))
		and (.findings[1] | contains("iodrill precondition " + $t))' "$S/$l.json"
	check "$l: the table warns under the target line" "$(head -4 "$S/$l.txt")" \
		grep -q "^WARNING: 64 of 64 sampled blocks are unwritten.*iodrill precondition $t" "$S/$l.txt"
	check "$l: the run's facts in the archive keep the sample" \
		"$(jq -c .archive "$S/$l.json")" eval '"$IODRILL" results show "$(jq -r .archive.id \
		"$S/$l.json")" --json | jq -e ".provenance.facts.unwritten.unwritten == 64" >/dev/null'
}

# nothing_said LABEL TARGET: the drill on TARGET found no unwritten block and says nothing.
nothing_said()
{
	local l=$1 t=$2
	if ! drill "$l" "$t"; then
		fail "$l: drill" "$(tail -c 300 "$S/$l.err")"
		return
	fi
	if jq -e '.unwritten | .checked and .sampled == 64 and .unwritten == 0' "$S/$l.json" >/dev/null &&
		! grep -qi "unwritten\|precondition" <(jq -r '.findings[]' "$S/$l.json") &&
		! grep -q "^WARNING" "$S/$l.txt" && grep -q "^blocks: 64 .* none unwritten" "$S/$l.txt"; then
		pass "$l: 64 sampled blocks hold data: no warning, nothing in what this shows"
	else
		fail "$l: still warned" "$(jq -c '[.unwritten, .findings[0]]' "$S/$l.json" | head -c 400)"
	fi
}

quiet() { "$@" >/dev/null; }

why=$(loop_why)
if [ -n "$why" ]; then
	skip "a sparse loop device" "$why"
else
	truncate -s 64M "$S/sparse.img"
	if dev=$(loopdev "$S/sparse.img"); then
		unwritten_said loop-fresh "$dev"
		"$IODRILL" precondition "$dev" >"$S/pre.out" 2>"$S/pre.err"
		rc=$?
		check "iodrill precondition $dev: exit 0, every block written" \
			"rc=$rc, $(zero_blocks "$S/sparse.img") zero blocks: $(tail -c 300 "$S/pre.err")" \
			eval '[ "$rc" = 0 ] && [ "$(zero_blocks "$S/sparse.img")" = 0 ]'
		check "precondition: stored as the device's preconditioning record" \
			"$("$IODRILL" results list 2>&1 | head -c 400)" \
			eval '"$IODRILL" results list | grep -qE "^  [^ ]+-precondition-[0-9a-f]{4}  precondition +complete"'
		nothing_said loop-preconditioned "$dev"
	else
		fail "a sparse loop device" "losetup failed"
	fi
fi

# A sparse regular file: the same warning (holes read as zeros).
truncate -s 16M "$S/sparse.dat"
unwritten_said file-sparse "$S/sparse.dat"
# The file the drill makes for itself holds data.
"$IODRILL" drill --reps 1 --engines sync --no-png --no-archive --size 8M --json >"$S/own.json" 2>"$S/own.err"
check "the drill's own file: sampled, none unwritten" "$(jq -c .unwritten "$S/own.json" 2>&1 | head -c 300)" \
	quiet jq -e '.unwritten | .checked and .sampled == 64 and .unwritten == 0' "$S/own.json"
finish
