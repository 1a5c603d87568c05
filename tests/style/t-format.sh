#!/usr/bin/env bash
# t-format.sh - every C file git tracks is formatted as .clang-format says (clang-format
# leaves it unchanged). The check is also shown to fail on a scratch copy of one file with
# its indentation broken, so a clang-format that read no style cannot pass it.
. "$(dirname "$0")/../lib.sh"

if ! command -v clang-format >/dev/null; then
	skip "C files formatted to .clang-format" "clang-format is not installed (apt-get install clang-format)"
	finish
fi

# unformatted FILE...: the files clang-format would change, one per line.
unformatted()
{
	local f
	for f in "$@"; do
		clang-format --style="file:$TOP/.clang-format" "$f" | cmp -s - "$f" || echo "$f"
	done
}

cd "$TOP" || exit 2
mapfile -t files < <(git ls-files '*.c' '*.h')
if [ ${#files[@]} = 0 ]; then
	fail "C files formatted to .clang-format" "git ls-files found no C file (not a git checkout?)"
	finish
fi
bad=$(unformatted "${files[@]}")
check "all ${#files[@]} C files formatted to .clang-format (fix: clang-format -i FILE)" \
	"$(printf 'not formatted: %s\n' $bad)" test -z "$bad"

# The negative case: engines/core/ctx.c with every leading tab replaced by 3 spaces.
S=$(scratch)
sed 's/^\t/   /' engines/core/ctx.c >"$S/ctx.c"
bad=$(unformatted "$S/ctx.c")
check "a copy of ctx.c with broken indentation is found unformatted" "clang-format left it as is" \
	test "$bad" = "$S/ctx.c"
finish
