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
	# The quick rows on one 16 MiB namespace: basic-verify writes and verifies the whole
	# device, twice (fio's engine and ours), ~150 s on the default 128 MiB under TCG.
	if [ "$full" = 1 ]; then
		vm_cases --timeout 1500 --env "IDR_CORPUS_FULL=1" --cwd "$TOP" -- \
			bash tests/corpus/guest/devices.sh
	else
		vm_cases --timeout 400 --ns lba=512,size=16M --env "IDR_CORPUS_FULL=0" \
			--cwd "$TOP" -- bash tests/corpus/guest/devices.sh
	fi
	;;
77)
	for f in "$ex"/*.fio; do
		name=$(basename "$f" .fio)
		[ "$(corpus_where "$f")" = vm ] || continue
		[ "$full" = 1 ] || corpus_tbl "$name" quick >/dev/null || continue
		skip "corpus $name [$(corpus_tag "$f")]" "names a device, and there is no NVMe test machine here: $why"
	done
	;;
*) fail "corpus devices" "the NVMe test machine could not be prepared: $why" ;;
esac
finish
