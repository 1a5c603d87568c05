#!/usr/bin/env bash
# t-docs.sh - iodrill's man page and bash completion keep up with the program: every
# command `iodrill --help` lists and every option `iodrill help CMD` names is in
# cli/iodrill.1, which renders without warnings; the completion (cli/iodrill.bash, which
# reads the same help at completion time) offers the commands, each command's options and
# the engines; make install puts both where man and bash-completion look.
. "$(dirname "$0")/../lib.sh"

IODRILL=$TOP/iodrill
MAN=$TOP/cli/iodrill.1
commands=$("$IODRILL" --help | sed -n '/^commands:/,$ s/^  \([a-z][a-z-]*\) .*/\1/p')
# The man page's text with roff's escaped hyphens made plain.
man_text=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$MAN")

missing=""
for c in $commands; do
	grep -q "^\.\(TP\|B\|BR\|BI\) *\"\?$c\b\|^\.BR $c \|^\.B $c$" <<<"$man_text" ||
		grep -q "^\.B[RI]\? $c\b" <<<"$man_text" || missing="$missing $c"
done
if [ -n "$commands" ] && [ -z "$missing" ]; then
	pass "man page: every command of iodrill --help ($(echo $commands | wc -w))"
else
	fail "man page: every command of iodrill --help" "missing:${missing:- (no commands read)}"
fi

# options_of CMD: the options iodrill help CMD names as its own (at a line's start, or
# after '[', '|' or ';'; not fio's options quoted in the prose), as the completion does.
options_of()
{
	"$IODRILL" help "$1" 2>/dev/null | grep -oE '(^ *|[[|;] *)--[a-z][a-z-]*' |
		grep -oE -- '--[a-z-]+' | sort -u
}

missing="" n=0
for c in $commands; do
	for o in $(options_of "$c"); do
		n=$((n + 1))
		grep -q -- "$o\b" <<<"$man_text" || missing="$missing $c:$o"
	done
done
if [ "$n" -gt 20 ] && [ -z "$missing" ]; then
	pass "man page: every option of iodrill help CMD ($n)"
else
	fail "man page: every option of iodrill help CMD" "missing:${missing:- (only $n options read)}"
fi

warn=$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l "$MAN" 2>&1 >/dev/null)
check "man page: renders without warnings" "$warn" test -z "$warn"

# complete WORD...: the completion's candidates for the last word.
complete_words()
{
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _iodrill
		printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/cli/iodrill.bash" "$IODRILL" "$@"
}
got=$(complete_words "" | sort | tr '\n' ' ')
want=$(printf '%s\n' $commands --help | sort | tr '\n' ' ')
check "completion: the commands" "got '$got', want '$want'" test "$got" = "$want"
got=$(complete_words tune --max | tr '\n' ' ')
check "completion: a command's options" "got '$got'" test "$got" = "--max-iodepth "
got=$(complete_words drill --engines uring | sort | tr '\n' ' ')
check "completion: the engines" "got '$got'" test "$got" = "uring_fixed uring_passthru "
got=$(complete_words results co | tr '\n' ' ')
check "completion: results subcommands" "got '$got'" test "$got" = "compare "

dest=$(scratch)/root
if make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/usr >"$(scratch)/install.log" 2>&1 &&
	[ -f "$dest/usr/share/man/man1/iodrill.1" ] &&
	[ -f "$dest/usr/share/bash-completion/completions/iodrill" ]; then
	pass "make install: the man page and the completion"
else
	fail "make install: the man page and the completion" "$(tail -3 "$(scratch)/install.log"; find "$dest" -name 'iodrill*')"
fi
finish
