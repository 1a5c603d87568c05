#!/usr/bin/env bash
# Regression (issue 21): the core's existence check looked at size= only, so every engine
# refused `--filesize=8m` on a file fio was to create ("does not exist ... give size="),
# where fio's own engines run it. fio sizes a missing file from size=, filesize= (also
# with nrfiles= and directory=) or fill_device=. Each shape runs with every file engine
# and its twin on fresh files: both exit 0 with error 0, move the same bytes and leave
# files of the same sizes. A missing file with none of them is still refused.
. "$(dirname "$0")/../lib.sh"

S=$(scratch)

# shape ENGINE TWIN NAME ARGS...: run NAME's shape with ENGINE and with TWIN, each in a
# fresh folder, and compare.
shape()
{
	local e=$1 twin=$2 name=$3 who rc err bytes files
	shift 3
	local -A got
	for who in "$twin" "external:$ENGINES/$e.so"; do
		local d=$S/$e-$name-${who##*/}
		mkdir -p "$d/dir"
		(cd "$d" && runfio run --name=j --ioengine="$who" --rw=randwrite --bs=4k \
			--direct=1 "$@")
		rc=$?
		err=$(fio_job_field "$d/run" j .error)
		bytes=$(fio_job_field "$d/run" j .write.io_bytes)
		files=$(cd "$d" && find . -type f ! -name 'run.*' -printf '%P:%s\n' | sort | tr '\n' ' ')
		got[$who]="rc=$rc error=$err bytes=$bytes files=$files"
		[ "$rc" = 0 ] && [ "$err" = 0 ] ||
			{ fail "$e $name" "${who##*/}: ${got[$who]} $(head -c 300 "$d/run.err")"; return; }
	done
	if [ "${got[$twin]}" = "${got[external:$ENGINES/$e.so]}" ]; then
		pass "$e $name: as $twin (${got[$twin]})"
	else
		fail "$e $name" "$twin: ${got[$twin]}; $e: ${got[external:$ENGINES/$e.so]}"
	fi
}

for e in $(guard_engines file direct); do
	twin=$(engine_row "$e" | awk '{ print $3 }')
	[ "$twin" != - ] || { skip "$e filesize shapes" "$e has no fio twin to compare with"; continue; }
	shape "$e" "$twin" "filesize" --filename=f --filesize=2m
	shape "$e" "$twin" "nrfiles+filesize" --nrfiles=3 --filesize=1m
	shape "$e" "$twin" "directory+filesize" --directory=dir --nrfiles=2 --filesize=1m
	shape "$e" "$twin" "filesize range" --filename=f --filesize=1m-1m
done

expect_refusal "missing file with neither size= nor filesize= names both" \
	"filename=$S/nope does not exist: .*give size= \(or filesize=\)" \
	--name=t --ioengine="external:$ENGINES/sync.so" --filename="$S/nope" --rw=read
expect_refusal "io_size= alone does not size a missing file (fio refuses it too)" \
	"filename=$S/nope2 does not exist" \
	--name=t --ioengine="external:$ENGINES/sync.so" --filename="$S/nope2" --rw=read \
	--io_size=1m
finish
