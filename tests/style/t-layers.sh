#!/usr/bin/env bash
# t-layers.sh - cli/'s layers hold (cli/README.md): cli/archive/ includes nothing from the
# layers above it (cli/run/, cli/report/, the commands), cli/report/ nothing from cli/run/
# or the commands, cli/run/ nothing from the commands; and engines.tbl's X-macro
# (engine_caps.h) is read by engines/core/caps.c alone. The check is also shown to fail
# on a scratch copy of the tree with one wrong include.
. "$(dirname "$0")/../lib.sh"

# The command-level headers (files at cli/ itself), as included names.
command_headers()
{
	local f
	for f in "$1"/cli/*.h; do printf '%s\n' "$(basename "$f")"; done
}

# layer_errors ROOT: one line per include that breaks a layer; nothing when all hold.
layer_errors()
{
	local root=$1 cmds f inc
	cmds=$(command_headers "$root" | grep -v '^iodrill.h$\|^commands.h$')
	for f in "$root"/cli/archive/* "$root"/cli/report/* "$root"/cli/run/*; do
		while IFS= read -r inc; do
			case ${f#"$root"/cli/}:$inc in
			archive/*:run/* | archive/*:report/* | report/*:run/*)
				echo "${f#"$root"/}: includes $inc from a layer above it" ;;
			esac
			if printf '%s\n' "$cmds" | grep -qxF "$inc"; then
				echo "${f#"$root"/}: includes the command header $inc"
			fi
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done
	grep -rl --include='*.c' --include='*.h' '#include "engine_caps.h"' "$root/cli" \
		"$root/engines" "$root/nvme" "$root/tests/unit" 2>/dev/null |
		grep -v '/engines/core/caps\.c$' | sed "s|^$root/||; s|\$|: reads engine_caps.h (ask caps.h)|"
}

errs=$(layer_errors "$TOP")
if [ -z "$errs" ]; then
	pass "layers: cli/archive, cli/report, cli/run include only what is below them"
else
	fail "layers: cli/archive, cli/report, cli/run include only what is below them" "$errs"
fi

# The check itself can fail: a scratch copy with archive -> run and a second table reader.
copy=$(scratch)/tree
mkdir -p "$copy"
cp -r "$TOP/cli" "$TOP/engines" "$TOP/nvme" "$copy/" && mkdir -p "$copy/tests/unit"
sed -i '0,/^#include "archive\/archive_int.h"/s//#include "run\/run.h"\n&/' "$copy/cli/archive/store.c"
printf '#include "engine_caps.h"\n' >>"$copy/nvme/policy.c"
errs=$(layer_errors "$copy")
if grep -q 'cli/archive/store.c: includes run/run.h' <<<"$errs" &&
	grep -q 'nvme/policy.c: reads engine_caps.h' <<<"$errs"; then
	pass "layers: a wrong include in a scratch copy is caught"
else
	fail "layers: a wrong include in a scratch copy is caught" "got: ${errs:-nothing}"
fi
finish
