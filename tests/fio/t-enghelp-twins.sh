#!/usr/bin/env bash
# Drop-in twins (issue 17): every option of each engine's fio twin (engines.tbl), as
# `fio --enghelp=TWIN` lists it, is one of ours too (`fio --enghelp=./engines/X.so`), so a
# job file written for the twin never fails on "unrecognized option". Read from fio itself,
# so an option a future fio adds to a twin fails this test until ours has it. Our extra
# options are listed, not refused.
. "$(dirname "$0")/../lib.sh"

# names LIST-FILE: the option names of an --enghelp listing, sorted.
names() { awk -F: '/^[a-z_0-9]+[ \t]*:/ { gsub(/[ \t]/, "", $1); print $1 }' "$1" | sort -u; }

S=$(scratch)
while read -r e twin; do
	[ -f "$ENGINES/$e.so" ] || { skip "$e options vs $twin" "engines/$e.so is not built"; continue; }
	"$FIO" --enghelp="$twin" >"$S/$twin.help" 2>&1
	"$FIO" --enghelp="$ENGINES/$e.so" >"$S/$e.help" 2>&1 ||
		{ fail "$e options vs $twin" "fio --enghelp=$ENGINES/$e.so failed: $(head -c 200 "$S/$e.help")"; continue; }
	missing=$(comm -23 <(names "$S/$twin.help") <(names "$S/$e.help") | tr '\n' ' ')
	extra=$(comm -13 <(names "$S/$twin.help") <(names "$S/$e.help") | tr '\n' ' ')
	n=$(names "$S/$twin.help" | wc -l)
	if [ -n "$missing" ]; then
		fail "$e options vs $twin" "$twin has options $e lacks: $missing"
	else
		pass "$e has all $n options of $twin (ours alone: ${extra:-none})"
	fi
done < <(awk '!/^#/ && NF == 5 && $3 != "-" { print $1, $3 }' "$ENGINES/engines.tbl")
finish
