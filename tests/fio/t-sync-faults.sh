#!/usr/bin/env bash
# Faults injected with strace into the sync engine's system calls:
#  - EIO on the 3rd pread64 reaches fio as error 5 with the offset (8192) in the message;
#  - EIO on the 2nd pwrite64 likewise (offset 4096);
#  - EINTR on pread64 calls 3..5 is retried: no error, every I/O done, eintr == 3;
#  - a "lying" short read (retval=512 without filling the buffer) goes through resid,
#    and verify catches the stale bytes (EILSEQ);
#  - a real short read across the end of a file shrunk after fio sized it: resid,
#    counted short by fio and by the sidecar, bytes == what the file held.
. "$(dirname "$0")/../lib.sh"

ENGINE=${ENGINE:-sync}
S=$(scratch)
E=(--ioengine="external:$ENGINES/$ENGINE.so" --bs=4k)
if ! command -v strace >/dev/null; then
	skip "$ENGINE faults" "strace is not installed (apt-get install strace)"
	finish
fi
inject() { local out=$1; shift; strace -f -qq -o /dev/null "$@"; }

truncate -s 1M "$S/f"
"$FIO" --name=prep "${E[@]}" --filename="$S/f" --size=1M --rw=write --verify=crc32c --do_verify=0 --verify_state_save=0 >/dev/null 2>&1

out=$S/eio
inject "$out" -e inject=pread64:error=EIO:when=3 "$FIO" --output-format=json --output="$out.json" \
	--name=eio "${E[@]}" --filename="$S/f" --size=1M --rw=read 2>"$out.err"
rc=$?
if [ "$rc" != 0 ] && [ "$(fio_job_field "$out" eio .error)" = 5 ] &&
	grep -q "Input/output error: read offset=8192, buflen=4096" "$out.err"; then
	pass "$ENGINE: EIO on a read reaches fio with its offset"
else
	fail "$ENGINE: EIO on a read" "rc=$rc error=$(fio_job_field "$out" eio .error) stderr: $(head -c 300 "$out.err")"
fi

out=$S/eiow
inject "$out" -e inject=pwrite64:error=EIO:when=2 "$FIO" --output-format=json --output="$out.json" \
	--name=eiow "${E[@]}" --filename="$S/w" --size=64k --rw=write 2>"$out.err"
rc=$?
if [ "$rc" != 0 ] && [ "$(fio_job_field "$out" eiow .error)" = 5 ] &&
	grep -q "Input/output error: write offset=4096" "$out.err"; then
	pass "$ENGINE: EIO on a write reaches fio with its offset"
else
	fail "$ENGINE: EIO on a write" "rc=$rc stderr: $(head -c 300 "$out.err")"
fi

out=$S/eintr
inject "$out" -e inject=pread64:error=EINTR:when=3..5 "$FIO" --output-format=json --output="$out.json" \
	--name=eintr "${E[@]}" --filename="$S/f" --size=1M --rw=read --sidecar="$out.sc" 2>"$out.err"
rc=$?
if [ "$rc" = 0 ] && [ "$(fio_job_field "$out" eintr .error)" = 0 ] &&
	[ "$(fio_job_field "$out" eintr .read.total_ios)" = 256 ] &&
	[ "$(sidecar_field "$out.sc" eintr .counters.eintr)" = 3 ]; then
	pass "$ENGINE: EINTR retried (3 retries counted, all 256 reads done)"
else
	fail "$ENGINE: EINTR" "rc=$rc ios=$(fio_job_field "$out" eintr .read.total_ios) eintr=$(sidecar_field "$out.sc" eintr .counters.eintr)"
fi

out=$S/lie
inject "$out" -e inject=pread64:retval=512:when=3 "$FIO" --output-format=json --output="$out.json" \
	--name=lie "${E[@]}" --filename="$S/f" --size=1M --rw=read --verify=crc32c --verify_state_save=0 --sidecar="$out.sc" 2>"$out.err"
rc=$?
if [ "$rc" != 0 ] && [ "$(fio_job_field "$out" lie .error)" = 84 ] &&
	[ "$(sidecar_field "$out.sc" lie .counters.short_ios)" -ge 1 ]; then
	pass "$ENGINE: a short read goes through resid and verify catches it (EILSEQ)"
else
	fail "$ENGINE: lying short read" "rc=$rc error=$(fio_job_field "$out" lie .error) short=$(sidecar_field "$out.sc" lie .counters.short_ios)"
fi

out=$S/eof
head -c 16384 /dev/urandom >"$S/eof.dat"
# fio writes <job>.prerun.txt into the working directory: run it from the scratch folder.
(cd "$S" && runfio "$out" --name=eof "${E[@]}" --bs=8k --filename="$S/eof.dat" --size=16k \
	--rw=read --exec_prerun="truncate -s 10000 $S/eof.dat" --sidecar="$out.sc")
rc=$?
if [ "$rc" = 0 ] && [ "$(fio_job_field "$out" eof .read.short_ios)" = 1 ] &&
	[ "$(sidecar_field "$out.sc" eof .counters.short_ios)" = 1 ] &&
	[ "$(sidecar_field "$out.sc" eof .counters.bytes)" = 10000 ]; then
	pass "$ENGINE: a real short read at end of file is reported through resid"
else
	fail "$ENGINE: short read at EOF" "rc=$rc fio short=$(fio_job_field "$out" eof .read.short_ios) sidecar=$(cat "$out.sc" 2>/dev/null | head -c 300)"
fi
finish
