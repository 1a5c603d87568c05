/*
 * test_drill_report.c - cli/drill_report.c: the drill's summary and "what this shows",
 * from synthetic repetitions whose answers are known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "drill.h"
#include "hist.h"
#include "unit.h"

static struct drill d;
static struct drill_sample samples[4][5]; /* 5 repetitions: enough to test */
static struct drill_lat_sample lats[4][3];

static void add_engine(const char *name, const char *kind, bool floor, double time_us,
		       double spread_us, double cpu_us, double syscalls)
{
	unsigned int i = d.picks.n++, r;
	struct idr_pick *k = &d.picks.v[i];

	snprintf(k->name, sizeof(k->name), "%s", name);
	snprintf(k->ours, sizeof(k->ours), "%s", name);
	k->kind = kind;
	k->floor = floor;
	d.rows[i].pick = k;
	d.rows[i].s = samples[i];
	d.rows[i].n = 5;
	d.rows[i].l = lats[i];
	d.rows[i].nl = 3;
	d.rows[i].lat_reps = drill_lat_reps_of(k);
	for (r = 0; r < 5; r++) {
		struct drill_sample *s = &samples[i][r];

		/* time -+ spread, -+ spread/2, time: median time, IQR spread */
		s->time_ns = (time_us + ((double)r - 2) * spread_us / 2) * 1e3;
		s->ios = DRILL_IOS;
		s->bytes = DRILL_IOS * 4096.0;
		s->cpu_ns = cpu_us * DRILL_IOS * 1e3;
		s->syscalls = syscalls * DRILL_IOS;
		s->usr_us = 1000;
		s->sys_us = 3000;
		s->threads = 1;
		/* fio's clat in 3 latency repetitions: p50 1, 2, 3 us */
		if (r < 3)
			lats[i][r] = (struct drill_lat_sample){ 1000.0 * (r + 1), 5000, 6000,
								7000 + r, (time_us + r) * 1e3 };
	}
}

static void setup_drill(void)
{
	memset(&d, 0, sizeof(d));
	d.o.reps = 5;
	d.o.iodepth = 1000;
	d.t.direct = true;
	strcpy(d.t.fstype, "ext4");
	add_engine("sync", "sync", false, 100000, 2000, 40, 1);
	add_engine("uring_fixed", "async", false, 10000, 500, 8, 0.01);
	add_engine("nil", "async", true, 300, 20, 0.5, 0);
}

static bool said(char (*lines)[400], unsigned int n, const char *what)
{
	for (unsigned int i = 0; i < n; i++)
		if (strstr(lines[i], what))
			return true;
	return false;
}

static void summary(void)
{
	const struct drill_row *r;

	setup_drill();
	drill_summarise(&d);
	r = &d.rows[1];
	CU_ASSERT_DOUBLE_EQUAL(r->time_us, 10000, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(r->iqr_us, 500, 1e-6); /* quartiles at +-250 */
	CU_ASSERT_DOUBLE_EQUAL(r->iops, 100000, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(r->mbps, 409.6, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(r->cpu_us_io, 8, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->syscalls_io, 0.01, 1e-9);
	/* no engine histogram: fio's clat, medians of the latency runs, the largest max */
	CU_ASSERT_STRING_EQUAL(r->lat_source, "fio clat");
	CU_ASSERT_DOUBLE_EQUAL(r->lat.p50_ns, 2000, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->lat.p99_ns, 5000, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->lat.max_ns, 7002, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->lat_time_max_us, 10002, 1e-9);
	CU_ASSERT_EQUAL(r->lat_reps, DRILL_LAT_OWN);
	CU_ASSERT_EQUAL(d.rows[0].lat_reps, DRILL_LAT_TIMED); /* sync: its timed runs */
	CU_ASSERT(r->split_known);
	CU_ASSERT_DOUBLE_EQUAL(r->usr_pct, 25, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->sys_pct, 75, 1e-9);
}

static void findings(void)
{
	char lines[16][400];
	unsigned int n;

	setup_drill();
	for (unsigned int r = 0; r < 5; r++)
		samples[0][r].threads = 17;
	drill_summarise(&d);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT(said(lines, n,
		       "uring_fixed finished the 1,000 reads first: 10000 µs, 10.0x "
		       "faster than sync, the synchronous loop (100000 µs; Mann-Whitney "
		       "p=0.0079, n=5/5)."));
	/* sync is the runner-up: weighed once */
	CU_ASSERT_FALSE(said(lines, n, "Next: sync"));
	CU_ASSERT(said(lines, n, "Least CPU per read: uring_fixed, 8.00 µs"));
	CU_ASSERT(said(lines, n,
		       "Most CPU per read: sync, 40.00 µs over its 17 threads, 5.0x "
		       "uring_fixed; 75% of it in the kernel (sys)."));
	CU_ASSERT(said(lines, n, "Fewest system calls: uring_fixed, 0.010 per read"));
	CU_ASSERT(said(lines, n, "nil touches no device: 300 µs"));
	/* the floor never wins */
	CU_ASSERT_FALSE(said(lines, n, "nil finished"));
}

static void overlap_is_no_winner(void)
{
	char lines[16][400];
	unsigned int n;

	setup_drill();
	/* sync at 10200 µs, five times, amid uring_fixed's 9500..10500: the U test gives
	   p = 43/63 (tests/unit/mwu_ref.py) */
	for (unsigned int r = 0; r < 5; r++)
		samples[0][r].time_ns = 10200e3;
	drill_summarise(&d);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT(said(lines, n,
		       "uring_fixed finished the 1,000 reads first: 10000 µs; sync, the "
		       "synchronous loop, took 10200 µs, not clearly more (Mann-Whitney "
		       "p=0.68, n=5/5)."));
	CU_ASSERT_FALSE(said(lines, n, "faster than sync"));
	/* a runner-up that is not sync: kaio at 10200 µs, sync far behind */
	setup_drill();
	snprintf(d.picks.v[2].name, sizeof(d.picks.v[2].name), "kaio");
	d.picks.v[2].floor = false;
	for (unsigned int r = 0; r < 5; r++)
		samples[2][r].time_ns = 10200e3;
	drill_summarise(&d);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT(said(lines, n,
		       "kaio (10200 µs) is not significantly slower than uring_fixed "
		       "(Mann-Whitney p=0.68, n=5/5): no clear winner between them."));
	CU_ASSERT(said(lines, n, "10.0x faster than sync"));
	/* 3 repetitions: even ten times slower is not tested */
	setup_drill();
	d.rows[0].n = d.rows[1].n = 3;
	drill_summarise(&d);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT(said(lines, n, "not clearly more (too few repetitions to test, n=3/3)."));
}

static void all_failed(void)
{
	char lines[16][400];
	unsigned int n;

	setup_drill();
	d.rows[0].n = d.rows[1].n = 0;
	strcpy(d.rows[0].failed, "fio exited 1");
	drill_summarise(&d);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(said(lines, n, "No engine"));
}

/* An engine histogram wins over fio's clat; a batched one shows nothing, and says why. */
static void histograms(void)
{
	char lines[16][400];
	struct idr_hist h[3];
	unsigned int i, n;

	setup_drill();
	for (i = 0; i < 3; i++) {
		idr_hist_init(&h[i]);
		d.rows[i].hist = &h[i];
	}
	for (i = 0; i < 1000; i++) {
		idr_hist_add(&h[0], 50000);	       /* sync: 50 us each */
		idr_hist_add(&h[1], 100000 + 100 * i); /* uring_fixed: 100 .. 200 us */
	}
	idr_hist_add(&h[2], 1);
	d.rows[2].lat_meta.batched = true; /* nil reaped in batches */
	drill_summarise(&d);
	CU_ASSERT_STRING_EQUAL(d.rows[1].lat_source, "engine histogram");
	CU_ASSERT_EQUAL(d.rows[1].lat.count, 1000);
	CU_ASSERT_DOUBLE_EQUAL(d.rows[1].lat.p50_ns, 150000, 150000 * 0.004);
	CU_ASSERT_DOUBLE_EQUAL(d.rows[1].lat.max_ns, 199900, 0);
	CU_ASSERT(d.rows[1].lat.p50_ns < d.rows[1].lat.p99_ns);
	CU_ASSERT_TRUE(d.rows[2].lat.batched);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT(said(lines, n, "Latency is not speed: uring_fixed's median read took 150 µs"));
	CU_ASSERT(said(lines, n, "sync's 50 µs one at a time (engine histogram)"));
	/* nil is the floor: no conclusion drawn from it either way */
	CU_ASSERT_FALSE(said(lines, n, "nil's latency"));
	d.rows[1].lat_meta.batched = true;
	drill_summarise(&d);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT_FALSE(said(lines, n, "Latency is not speed"));
	CU_ASSERT(said(lines, n,
		       "uring_fixed's latency is not shown: the engine learned of its "
		       "completions only in batches"));
}

static void json_output(void)
{
	struct json_object *o, *engines, *e, *cols;
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	setup_drill();
	d.run.facts = json_object_new_object();
	drill_summarise(&d);
	CU_ASSERT_EQUAL(drill_print_json(&d, f), 0);
	fclose(f);
	o = json_tokener_parse(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "engines", &engines));
	CU_ASSERT_EQUAL(json_object_array_length(engines), 3);
	e = json_object_array_get_idx(engines, 1);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(e, "latency_source")),
			       "fio clat");
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(json_object_object_get(e, "p50_us")), 2,
			       1e-9);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
				       json_object_object_get(e, "latency_repetitions")),
			       "latency (job drill-latency)");
	CU_ASSERT(json_object_object_get_ex(o, "columns", &cols));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(json_object_get_string(json_object_object_get(cols, "time_us")),
		       "timed repetitions"));
	json_object_put(o);
	json_object_put(d.run.facts);
	free(buf);
}

static CU_TestInfo report_tests[] = {
	{ "drill_summarise/medians, IQR, IOPS, MB/s, usr/sys split", summary },
	{ "drill_findings/fastest, CPU, syscalls, floor", findings },
	{ "drill_findings/no significant difference, or too few repetitions: no winner",
	  overlap_is_no_winner },
	{ "drill_findings/nothing completed", all_failed },
	{ "drill_print_json/parses, one entry per engine, latency source, columns", json_output },
	{ "drill_summarise/engine histograms win; batched shows none", histograms },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/drill_report.c", report_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
