#!/usr/bin/env bash
# tests/corpus/guest/devices.sh - runs INSIDE the NVMe test machine (t-corpus-vm.sh): fio's
# example job files that name a device, each run as written and with our engines on the
# guest's namespaces (a block device -> /dev/nvme0n1, 512 B LBAs; /dev/ngXnY -> /dev/ng0n1),
# never on the host's devices. IDR_CORPUS_FULL=1 runs them all, else the `quick` rows.
. "$(dirname "$0")/../../lib.sh"
. "$TOP/tests/corpus/corpus.sh"

[ -n "${IDR_VM:-}" ] || { skip "corpus devices" "runs only in the NVMe test machine"; finish; }
export CORPUS_PLAIN_DIR=1
ex=$(corpus_examples) || { fail "corpus devices" "no fio examples in the guest"; finish; }
# Under TCG every process costs: fio's engine list is read once, here (corpus_where reads it
# in a subshell, where the cache would not stay), and the quick test comes first.
corpus_fio_engines >/dev/null
for f in "$ex"/*.fio; do
	name=$(basename "$f" .fio)
	[ "${IDR_CORPUS_FULL:-0}" = 1 ] || corpus_tbl "$name" quick >/dev/null || continue
	[ "$(corpus_where "$f")" = vm ] || continue
	corpus_pair "$f" /dev/nvme0n1 /dev/ng0n1
done
finish
