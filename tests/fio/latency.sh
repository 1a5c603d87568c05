# tests/fio/latency.sh - sourced after tests/lib.sh: fio's slat/clat/lat with one of our
# engines against its twin, interleaved in rounds in one fio call, judged on medians
# (issue 18). Used by tests/fio/t-latency.sh (a loop device over a disk) and, in the NVMe
# test machine, tests/passthru/guest/latency.sh. Set before run_pair/run_alone:
#   LAT_DEV     the target (filename=)
#   LAT_DIRECT  1 (default): direct=1 for both sides; 0: none (an NVMe char device)
#   LAT_SERIAL  0 (default): ours and the twin side by side in each round; 1: one after the
#               other, in turn first (A B, B A, ...): for polled completions (two jobs
#               spinning on one CPU would each count the other's time slices as latency)
#               and for kernel 6.1's passthrough polling, which crashes with two polling
#               rings on one controller at once (tests/passthru/guest/iopoll.sh)
#   LAT_HALF    1 (default): clat p50 >= lat p50 / 2, ours and the twin; 0: printed, not
#               judged. Under TCG the emulated controller often completes an I/O at
#               iodepth 1 before the enter that submitted it returns, for fio's engine as
#               for ours: clat is bimodal, a few us or hundreds, and its p50 flips between
#               the two from round to round (the twin's clat p50 6 us of a lat p50 165 us
#               in one run, 346 of 473 in the next; 6 and 391 us in neighbouring rounds;
#               its clat mean 0.39-0.88 of lat's by round with hipri=1)
#   LAT_MIN_IOS each run's least I/Os (default 100)
#   LAT_JUDGE   the ratios held within 25% (default LAT_ALL, every one); the others are
#               printed (none: every one printed, none held)
#   LAT_GLOBAL  more [global] options, ';'-separated (e.g. thread=1)
#   LAT_TAG     a prefix for the case names (default none)
#   LAT_KEEP    a folder to copy each pair's figures by round into (OUT.ours, OUT.twin)
#   ROUNDS, RUNTIME  (defaults below)

# Rounds, and each one's length. In a round (LAT_SERIAL=0) ours and the twin run side by
# side, the same seconds on the same device (which then has twice the depth in flight):
# the disk's service time drifts over seconds on a shared host (0.4 s runs, one after the
# other, gave neighbouring means 2x apart), and what drifts hits both alike. Both sides
# are pinned to the same CPU, another each round: on a loaded 2-CPU machine one CPU can be
# busier than the other for a whole run (one side pinned to each, swapped every round,
# still gave 1.26x on a p50 under tests/run -j2), and a shared CPU is shared alike.
ROUNDS=${ROUNDS:-5}
RUNTIME=${RUNTIME:-600ms}
NCPU=$(nproc)

# job_file OUT QD ROUNDS SECTION...: a job file running the SECTIONs (each a name and its
# engine options, ';'-separated) side by side (LAT_SERIAL=1: one after the other, in an
# order that turns each round), ROUNDS times one round after the other.
job_file()
{
	local out=$1 qd=$2 rounds=$3 r sec j secs
	shift 3
	{
		printf '[global]\nfilename=%s\nrw=randread\nbs=4k\niodepth=%s\n' "$LAT_DEV" "$qd"
		[ "${LAT_DIRECT:-1}" = 1 ] && printf 'direct=1\n'
		printf 'time_based\nruntime=%s\nnorandommap\nrandrepeat=0\n' "$RUNTIME"
		printf 'lat_percentiles=1\nslat_percentiles=1\n'
		[ -n "${LAT_GLOBAL:-}" ] && printf '%s\n' "$LAT_GLOBAL" | tr ';' '\n'
		for r in $(seq "$rounds"); do
			secs=("$@")
			if [ "${LAT_SERIAL:-0}" = 1 ] && [ $((r % 2)) = 0 ]; then
				secs=()
				for sec in "$@"; do secs=("$sec" "${secs[@]}"); done
			fi
			j=0
			for sec in "${secs[@]}"; do
				printf '[%s-%s]\n' "${sec%%;*}" "$r"
				[ $j = 0 ] || [ "${LAT_SERIAL:-0}" = 1 ] && printf 'stonewall\n'
				printf 'cpus_allowed=%s\n' $((r % NCPU))
				printf '%s\n' "${sec#*;}" | tr ';' '\n'
				j=$((j + 1))
			done
		done
	} >"$out"
}

# runs OUT NAME: one line per run of NAME, in order: slat, clat and lat means, clat and
# lat p50 (us), I/Os, error, slat p50 and p90 (us).
runs()
{
	jq -r --arg n "$2" '.jobs[] | select(.jobname | startswith($n + "-")) | .error as $e |
		.read as $r | [$r.slat_ns.mean, $r.clat_ns.mean, $r.lat_ns.mean,
		 $r.clat_ns.percentile["50.000000"], $r.lat_ns.percentile["50.000000"]] |
		map(. / 100 | round / 10) + [$r.total_ios, $e] +
		([$r.slat_ns.percentile["50.000000", "90.000000"] // 0] | map(. / 100 | round / 10)) |
		@tsv' "$1.json"
}

# The checks over the runs of ours (file 1) and the twin's (file 2), round by round:
# every run error-free with 100 I/Os or more; the median over the runs of clat p50 at least
# half the median of lat p50, each side; the clat and lat means and p50s within 25% of the
# twin's (the median over the rounds of ours/twin; or 1 us apart); slat's mean, p50 and
# p90 within 25%, or less than a quarter of the twin's clat p50 apart: slat is a few us in
# a quiet minute and tens of us of preemption under load (p90 27-90 us on both sides under
# tests/run -j2, in turn 0.65x and 1.51x the twin's), while a stamp taken after a wait
# moves a whole device time into it (slat p50 16x the twin's at iodepth 1; p90 +98 us, 124
# us against 3 us, at iodepth 8, where part of the I/Os were submitted by an enter that
# also waited). Prints why not, else a summary starting "ok".
LAT_ALL="slat_mean clat_mean lat_mean clat_p50 lat_p50 slat_p50 slat_p90"
CHECK_AWK='
function med(v, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
FNR == NR { n++; for (k = 1; k <= 9; k++) o[n, k] = $k; next }
{ m++; for (k = 1; k <= 9; k++) t[m, k] = $k }
END {
	if (!n || n != m) { printf "ours ran %d times, the twin %d; ", n, m; exit }
	for (i = 1; i <= n; i++)
		if (o[i, 7] != 0 || t[i, 7] != 0 || o[i, 6] < minios || t[i, 6] < minios) {
			printf "round %d: errors %s/%s, I/Os %s/%s; ", i, o[i, 7], t[i, 7], o[i, 6], t[i, 6]
			exit
		}
	for (k = 4; k <= 5; k++) {
		for (i = 1; i <= n; i++) { a[i] = o[i, k]; b[i] = t[i, k] }
		po[k] = med(a, n); pt[k] = med(b, n)
	}
	if (half && po[4] < 0.5 * po[5]) why = why sprintf("ours: clat p50 %s < lat p50 %s / 2; ", po[4], po[5])
	if (half && pt[4] < 0.5 * pt[5]) why = why sprintf("twin: clat p50 %s < lat p50 %s / 2; ", pt[4], pt[5])
	# Slack for slat: a quarter of the twin clat p50; for the others 1 us.
	for (i = 1; i <= n; i++) b[i] = t[i, 4]
	sfloor = 0.25 * med(b, n)
	if (sfloor < 1)
		sfloor = 1
	split("slat_mean clat_mean lat_mean clat_p50 lat_p50 - - slat_p50 slat_p90", name, " ")
	for (k = 1; k <= 9; k++) {
		if (name[k] == "-")
			continue
		for (i = 1; i <= n; i++) {
			r[i] = t[i, k] > 0 ? o[i, k] / t[i, k] : (o[i, k] > 0 ? 99 : 1)
			d[i] = o[i, k] - t[i, k]
		}
		q[k] = med(r, n)
		dd = med(d, n)
		floor = k == 1 || k >= 8 ? sfloor : 1
		if (index(" " judge " ", " " name[k] " ") && (q[k] < 0.75 || q[k] > 1.25) &&
		    (dd > floor || dd < -floor))
			why = why sprintf("%s ours/twin %.2f, %+.1f us (ours ", name[k], q[k], dd) \
			      sprintf("%s, twin %s us by round); ", rounds(o, k), rounds(t, k))
	}
	if (why != "") { printf "%s", why; exit }
	printf "ok: ours/twin, median of %d rounds: means slat %.2f clat %.2f lat %.2f,", n, q[1], q[2], q[3]
	printf " p50 slat %.2f clat %.2f lat %.2f, slat p90 %.2f;", q[8], q[4], q[5], q[9]
	printf " clat p50 %s/%s us, lat p50 %s/%s us", po[4], pt[4], po[5], pt[5]
}
function rounds(x, k,    i, s) { for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") x[i, k]; return s }'

# run_pair ENGINE QD TWIN-SECTION [OPTION...]: ENGINE and its twin, interleaved, then the
# checks; the OPTIONs (e.g. hipri=1) go to both sides.
run_pair()
{
	local engine=$1 qd=$2 twin=$3 out why opts
	shift 3
	opts=$(printf ';%s' "$@")
	local label="${LAT_TAG:-}$engine qd$qd${*:+ $*} vs ${twin%%;*}"
	out=$(scratch)/$engine-qd$qd$(printf '%s' "$*" | tr -c 'a-z0-9_' '-')
	job_file "$out.fio" "$qd" "$ROUNDS" "$engine;ioengine=external:$ENGINES/$engine.so$opts" \
		"$twin$opts"
	if ! runfio "$out" "$out.fio" || [ -s "$out.err" ]; then
		fail "$label" "fio failed or wrote to stderr: $(head -c 300 "$out.err")"
		return
	fi
	runs "$out" "$engine" >"$out.ours"
	runs "$out" "${twin%%;*}" >"$out.twin"
	[ -n "${LAT_KEEP:-}" ] && cp "$out.ours" "$out.twin" "$LAT_KEEP/"
	why=$(awk -F'\t' -v half="${LAT_HALF:-1}" -v minios="${LAT_MIN_IOS:-100}" \
		-v judge="${LAT_JUDGE:-$LAT_ALL}" "$CHECK_AWK" "$out.ours" "$out.twin")
	case $why in
	ok:*)
		local held="within 25%: ${LAT_JUDGE:-slat, clat, lat means and p50s, slat p90}"
		[ "${LAT_JUDGE:-}" = none ] && held="ratios printed, not held"
		pass "$label: $([ "${LAT_HALF:-1}" = 1 ] && echo "clat p50 >= lat p50 / 2; ")$held (${why#ok: })"
		;;
	*) fail "$label" "$why" ;;
	esac
}

# run_alone ENGINE QD: no twin; over two runs, error-free, clat p50 >= lat p50 / 2 in each.
run_alone()
{
	local engine=$1 qd=$2 out
	out=$(scratch)/$engine-qd$qd
	job_file "$out.fio" "$qd" 2 "$engine;ioengine=external:$ENGINES/$engine.so"
	if ! runfio "$out" "$out.fio" || [ -s "$out.err" ]; then
		fail "${LAT_TAG:-}$engine qd$qd" "fio failed or wrote to stderr: $(head -c 300 "$out.err")"
		return
	fi
	runs "$out" "$engine" >"$out.ours"
	if [ "$(wc -l <"$out.ours")" = 2 ] &&
		awk -F'\t' '$7 != 0 || $6 < 100 || $4 < 0.5 * $5 { bad = 1 } END { exit bad }' \
			"$out.ours"; then
		pass "${LAT_TAG:-}$engine qd$qd (no twin): clat p50 >= lat p50 / 2 (us, by run: $(cut -f4,5 \
			"$out.ours" | tr '\t\n' '/ '))"
	else
		fail "${LAT_TAG:-}$engine qd$qd" "clat p50 below lat p50 / 2, or errors (slat clat lat c50 l50 ios err by run: $(tr '\t\n' ' ;' <"$out.ours"))"
	fi
}
