#!/usr/bin/env bash
# fio's own example job files (examples/*.fio of the installed fio's source) that run on an
# engine we twin: each runs twice in a scratch file system, as written and with ioengine=
# switched to ours, with runtime and size capped in a copy of the file; the outcomes must
# match (tests/corpus/README.md). The examples that name a device run in the NVMe test
# machine (t-corpus-vm.sh). make check runs the `quick` rows of examples.tbl;
# IDR_CORPUS_FULL=1 (make check-corpus) runs every one and lists each skip with its reason.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/corpus/corpus.sh"

ex=$(corpus_examples) || { skip "corpus" "no fio examples: see configure"; finish; }
full=${IDR_CORPUS_FULL:-0}
corpus_selftest
for f in "$ex"/*.fio; do
	name=$(basename "$f" .fio)
	where=$(corpus_where "$f")
	case $where in
	skip\ *) [ "$full" = 1 ] && skip "corpus $name [$(corpus_tag "$f")]" "${where#skip }" ;;
	host) { [ "$full" = 1 ] || corpus_tbl "$name" quick >/dev/null; } && corpus_pair "$f" - - ;;
	esac
done
finish
