#!/usr/bin/env bash
# fio's example job files that name a device (/dev/sda, /dev/nvme0n1, /dev/ng0n1, ...) run in
# the NVMe test machine, on its namespaces, never on this host's devices: one boot for all of
# them (tests/corpus/guest/devices.sh), each example as written and with our engines,
# compared as t-corpus.sh compares (tests/corpus/README.md). make check runs the `quick`
# rows of examples.tbl; IDR_CORPUS_FULL=1 (make check-corpus) all. Where the machine cannot
# run, each device example is listed as skipped with the reason.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/corpus/corpus.sh"

full=${IDR_CORPUS_FULL:-0}
ex=$(corpus_examples) || { skip "corpus devices" "no fio examples: see configure"; finish; }
why=$("$VM_RUN" --why)
case $? in
0)
	vm_cases --timeout $([ "$full" = 1 ] && echo 1500 || echo 400) \
		--env "IDR_CORPUS_FULL=$full" --cwd "$TOP" -- bash tests/corpus/guest/devices.sh
	;;
77)
	for f in "$ex"/*.fio; do
		name=$(basename "$f" .fio)
		[ "$(corpus_where "$f")" = vm ] || continue
		[ "$full" = 1 ] || corpus_tbl "$name" quick >/dev/null || continue
		skip "corpus $name" "names a device, and there is no NVMe test machine here: $why"
	done
	;;
*) fail "corpus devices" "the NVMe test machine could not be prepared: $why" ;;
esac
finish
