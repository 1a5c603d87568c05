/*
 * test_drill_report.c - cli/drill_report.c: the drill's summary and "what this shows",
 * from synthetic repetitions whose answers are known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "drill.h"
#include "unit.h"

static struct drill d;
static struct drill_sample samples[4][3];

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
	d.rows[i].n = 3;
	for (r = 0; r < 3; r++) {
		struct drill_sample *s = &samples[i][r];

		/* time - spread, time, time + spread: median time, IQR spread */
		s->time_ns = (time_us + ((double)r - 1) * spread_us) * 1e3;
		s->ios = DRILL_IOS;
		s->bytes = DRILL_IOS * 4096.0;
		s->cpu_ns = cpu_us * DRILL_IOS * 1e3;
		s->syscalls = syscalls * DRILL_IOS;
		s->usr_us = 1000;
		s->sys_us = 3000;
		s->threads = 1;
		s->p50_ns = 1000 * (r + 1);
		s->p99_ns = 5000;
	}
}

static void setup_drill(void)
{
	memset(&d, 0, sizeof(d));
	d.o.reps = 3;
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
	CU_ASSERT_DOUBLE_EQUAL(r->iqr_us, 500, 1e-6);	/* quartiles at +-250 */
	CU_ASSERT_DOUBLE_EQUAL(r->iops, 100000, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(r->mbps, 409.6, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(r->cpu_us_io, 8, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->syscalls_io, 0.01, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->p50_us, 2, 1e-9);
	CU_ASSERT(r->split_known);
	CU_ASSERT_DOUBLE_EQUAL(r->usr_pct, 25, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->sys_pct, 75, 1e-9);
}

static void findings(void)
{
	char lines[16][400];
	unsigned int n;

	setup_drill();
	samples[0][0].threads = samples[0][1].threads = samples[0][2].threads = 17;
	drill_summarise(&d);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT(said(lines, n, "uring_fixed finished the 1,000 reads first: 10000 µs, 10.0x "
				 "faster than sync"));
	CU_ASSERT(said(lines, n, "Next: sync"));
	CU_ASSERT(said(lines, n, "Least CPU per read: uring_fixed, 8.00 µs"));
	CU_ASSERT(said(lines, n, "Most CPU per read: sync, 40.00 µs over its 17 threads, 5.0x "
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
	/* sync at 10200 µs sits inside uring_fixed's middle half (10000 +- 250) */
	samples[0][0].time_ns = samples[0][1].time_ns = samples[0][2].time_ns = 10200e3;
	drill_summarise(&d);
	n = drill_findings(&d, lines, 16);
	CU_ASSERT(said(lines, n, "no clear winner"));
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

static void json_output(void)
{
	struct json_object *o, *engines;
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
	json_object_put(o);
	json_object_put(d.run.facts);
	free(buf);
}

static CU_TestInfo report_tests[] = {
	{ "drill_summarise/medians, IQR, IOPS, MB/s, usr/sys split", summary },
	{ "drill_findings/fastest, CPU, syscalls, floor", findings },
	{ "drill_findings/overlapping spreads: no clear winner", overlap_is_no_winner },
	{ "drill_findings/nothing completed", all_failed },
	{ "drill_print_json/parses, one entry per engine", json_output },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/drill_report.c", report_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
