#!/usr/bin/env bash
# Every bad input of `iodrill results` gets a clear message and leaves the archive as it
# was: corrupt, truncated, foreign and newer-format files (given to add, planted in the
# archive, or shown), an empty archive, a missing device folder, unknown runs, bad
# options. Reading commands never write: the fixture archive's checksum is the same after.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/results/lib.sh"

S=$(scratch)
A=$S/archive
export IODRILL_RESULTS=$A
fio_nil_sync "$S/r" || { fail "fio run" "$(head -c 300 "$S/r.err")"; finish; }

# an empty (missing) archive
expect "empty archive: list says so" 0 "is empty" "$IODRILL" results list
expect "empty archive: show latest" 1 "is empty" "$IODRILL" results show latest
expect "empty archive: compare" 1 "is empty" "$IODRILL" results compare a b
expect "empty archive: list DEVICE" 1 "is empty" "$IODRILL" results list nvme
check "empty archive: reading made no folder" "" test ! -e "$A"

# add refuses bad fio output and sidecars, naming the file; the archive is not made
head -c 2000 "$S/r.json" >"$S/cut.json"
printf 'fio: engine not loadable\n' >"$S/nojson.json"
jq -c '.format = 9' "$S/r.sc" >"$S/newer.sc"
expect "add: truncated fio output" 1 "cut.json: fio's output is not valid JSON (truncated)" \
	"$IODRILL" results add "$S/cut.json"
expect "add: no JSON at all" 1 "no JSON object in fio's output" "$IODRILL" results add "$S/nojson.json"
expect "add: a result file is not fio output" 1 "not fio's JSON output" \
	"$IODRILL" results add "$(fixture_path base)"
expect "add: missing file" 1 "no-such.json: No such file or directory" \
	"$IODRILL" results add "$S/no-such.json"
expect "add: sidecar of a newer format" 1 "newer than this iodrill reads" \
	"$IODRILL" results add --sidecar "$S/newer.sc" "$S/r.json"
head -c 1M /dev/zero >"$S/a"
head -c 1M /dev/zero >"$S/b"
runfio "$S/two" --ioengine="external:$ENGINES/sync.so" --size=1M --number_ios=10 \
	--name=a --filename="$S/a" --name=b --filename="$S/b"
expect "add: jobs on different targets need --target" 1 "the jobs use different targets" \
	"$IODRILL" results add "$S/two.json"
expect "add: a target that does not exist" 1 "target /no/such/dev: No such file" \
	"$IODRILL" results add --target /no/such/dev "$S/r.json"
expect "add: sidecars must pair with outputs" 2 "one --sidecar (and --label) per fio output" \
	"$IODRILL" results add --sidecar "$S/r.sc" --sidecar "$S/r.sc" "$S/r.json"
expect "add: bad --time" 2 "--time yesterday: not a time" \
	"$IODRILL" results add --time yesterday "$S/r.json"
expect "add: bad --kind" 1 "run kind 'Big Run'" "$IODRILL" results add --kind "Big Run" "$S/r.json"
expect "add: bad --status" 1 "run status 'ok'" "$IODRILL" results add --status ok "$S/r.json"
check "add: refusals made no archive" "$(ls -A "$S")" test ! -e "$A"

# usage errors
expect "unknown subcommand" 2 "no subcommand 'lsit'" "$IODRILL" results lsit
expect "no subcommand" 2 "which? list" "$IODRILL" results
expect "unknown option" 2 "unknown option --frobnicate" "$IODRILL" results list --frobnicate
expect "option of another subcommand" 2 "--metric does not apply here" "$IODRILL" results list --metric p99
expect "option missing its value" 2 "missing the value of" "$IODRILL" results show --results
expect "help" 0 "usage: iodrill results" "$IODRILL" help results

# a real run, then bad files planted in the archive beside it
"$IODRILL" results add --sidecar "$S/r.sc" --target none "$S/r.json" >/dev/null 2>&1 ||
	fail "add" "a good run was refused"
for f in truncated garbage newer not-a-result foreign-fio empty; do
	cp "$BADFX/$f.json" "$A/none/20261126T0000$(printf %02d $((RANDOM % 60))).000Z-fio-$f.json" 2>/dev/null
done
cp "$BADFX/truncated.json" "$A/none/20261126T000001.000Z-fio-beef.json"
cp "$BADFX/newer.json" "$A/none/20261126T000002.000Z-fio-cafe.json"
before=$(archive_sum "$A")
expect "list: a truncated file in the archive shows as unreadable, the rest still lists" 0 \
	"unreadable: not valid JSON (truncated" "$IODRILL" results list
expect "list: newer-format file named" 0 "written by a newer iodrill" "$IODRILL" results list
expect "list: the good run still listed" 0 "sync,nil" "$IODRILL" results list
expect "show: a truncated run" 1 "not valid JSON (truncated" "$IODRILL" results show beef
expect "show: a newer-format run" 1 "update iodrill to read it" "$IODRILL" results show cafe
for f in truncated garbage newer not-a-result foreign-fio empty; do
	expect "show FILE: $f.json refused with its reason" 1 "$f.json:" "$IODRILL" results show "$BADFX/$f.json"
done
expect "compare with a truncated run" 1 "not valid JSON" "$IODRILL" results compare beef latest
expect "unknown run" 1 "no run 'zzzz'" "$IODRILL" results show zzzz
expect "missing device folder" 1 "no device folder matches 'sata'" "$IODRILL" results list sata
expect "device by a path with no runs" 1 "has no runs on it" "$IODRILL" results list "$S/r.json"
check "reading bad files changed nothing" "" test "$(archive_sum "$A")" = "$before"

# reading never writes: the fixture archive is unchanged by every read command
before=$(archive_sum "$FIXTURES")
export IODRILL_RESULTS=$FIXTURES
"$IODRILL" results list >/dev/null 2>&1
"$IODRILL" results list --json dev_shm >/dev/null 2>&1
"$IODRILL" results show --json latest >/dev/null 2>&1
"$IODRILL" results compare "$(fixture base)" "$(fixture same)" >/dev/null 2>&1
"$IODRILL" results compare dev_shm --since 2026-01-01 >/dev/null 2>&1
"$IODRILL" results plot "$(fixture base)" -o "$S/p.png" >/dev/null 2>&1
check "list, show, compare, plot leave the archive untouched" "" \
	test "$(archive_sum "$FIXTURES")" = "$before"
finish
