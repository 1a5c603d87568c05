#!/usr/bin/env bash
# The engines' view of fio's structures is right: a wrong struct thread_data layout (say,
# headers configured without libnuma) reads the wrong fields. The test sets unusual
# values and reads them back through the sidecar, with thread=0 and thread=1.
# Also: each engine .so exports exactly one symbol (ioengine) and documents its options
# through fio --enghelp.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)
for so in "$ENGINES"/*.so; do
	name=$(basename "$so" .so)
	syms=$(nm -D --defined-only "$so" | awk '{print $3}' | tr '\n' ' ')
	check "$name.so exports exactly 'ioengine'" "exports: $syms" test "$syms" = "ioengine "
	help=$("$FIO" --enghelp="$so" 2>&1)
	check "$name: fio --enghelp documents the sidecar option" "enghelp said: ${help:0:200}" \
		grep -q '^sidecar *: ' <<<"$help"
done

# abi_case ENGINE THREAD: odd values in, the same values out.
abi_case()
{
	local engine=$1 thread=$2 sc=$S/abi-$1-$2.json want got
	"$FIO" --output-format=json --output="$S/abi.json" --name=abi-probe-job \
		--ioengine="external:$ENGINES/$engine.so" --directory="$S" --nrfiles=3 \
		--filename_format='abi.$jobnum.$filenum' --iodepth=7 --iodepth_batch=3 --bs=12k,8k \
		--size=3840k --rw=randrw --thread="$thread" --sidecar="$sc" 2>"$S/abi.err"
	want="abi-probe-job 7 3 12288 8192 3932160 3 3 $thread randrw"
	got=$(jq -r '[.job.name, .job.iodepth, .job.iodepth_batch, .job.bs_read, .job.bs_write,
		.job.size, .job.nr_files, (.job.files | length), (if .job.thread then 1 else 0 end),
		.job.rw] | join(" ")' "$sc" 2>/dev/null)
	check "$engine thread=$thread: job facts read from fio's structures are right" \
		"want '$want', got '$got' $(head -c 200 "$S/abi.err")" test "$got" = "$want"
	got=$(jq -r '.job.files[0]' "$sc" 2>/dev/null)
	check "$engine thread=$thread: file names read from fio's structures" \
		"got '$got'" test "$got" = "$S/abi.0.0"
}
for t in 0 1; do
	abi_case nil $t
	abi_case sync $t
done
finish
