/*
 * test_verdict.c - cli/report/verdict.c: verdicts against the runs' spread or the threshold, and the
 * spreads themselves from fio's IOPS samples and percentile table.
 */
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "report/verdict.h"
#include "unit.h"

static enum idr_verdict verdict(double a, double sa, double b, double sb, int higher)
{
	struct idr_diff d;

	idr_diff((struct idr_figure){ a, sa }, (struct idr_figure){ b, sb }, higher, 0.10, 0.02, &d);
	return d.verdict;
}

static void verdicts(void)
{
	struct idr_diff d;

	/* within the spread: same; beyond: worse or better by direction */
	CU_ASSERT_EQUAL(verdict(100, 0.05, 95, 0.05, 1), IDR_V_SAME);
	CU_ASSERT_EQUAL(verdict(100, 0.05, 90, 0.05, 1), IDR_V_WORSE);
	CU_ASSERT_EQUAL(verdict(100, 0.05, 110, 0.05, 1), IDR_V_BETTER);
	CU_ASSERT_EQUAL(verdict(100, 0.05, 110, 0.05, 0), IDR_V_WORSE);	/* latency up */
	CU_ASSERT_EQUAL(verdict(100, 0.05, 90, 0.05, 0), IDR_V_BETTER);
	/* tiny spreads: min_change still decides small moves */
	CU_ASSERT_EQUAL(verdict(100, 0.001, 101.5, 0.001, 0), IDR_V_SAME);
	CU_ASSERT_EQUAL(verdict(100, 0.001, 103, 0.001, 0), IDR_V_WORSE);
	/* no spread on one side: the threshold */
	idr_diff((struct idr_figure){ 100, NAN }, (struct idr_figure){ 91, 0.01 }, 1, 0.10, 0.02, &d);
	CU_ASSERT_EQUAL(d.verdict, IDR_V_SAME);
	CU_ASSERT_EQUAL(d.from_spread, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.tolerance, 0.10, 1e-12);
	CU_ASSERT_EQUAL(verdict(100, NAN, 85, NAN, 1), IDR_V_WORSE);
	/* missing figures */
	CU_ASSERT_EQUAL(verdict(NAN, 0.1, 85, 0.1, 1), IDR_V_NA);
	CU_ASSERT_EQUAL(verdict(0, 0.1, 85, 0.1, 1), IDR_V_NA);
	CU_ASSERT_EQUAL(verdict(100, 0.1, INFINITY, 0.1, 1), IDR_V_NA);
	CU_ASSERT_STRING_EQUAL(idr_verdict_name(IDR_V_WORSE), "worse");
}

static struct json_object *table(void)
{
	return json_tokener_parse("{\"40.000000\":90,\"50.000000\":100,\"60.000000\":110,"
				  "\"95.000000\":200,\"99.000000\":300,\"99.500000\":400}");
}

static void spreads(void)
{
	struct json_object *t = table();
	struct idr_fio_dir d;
	double few, many;

	memset(&d, 0, sizeof(d));
	d.clat_percentiles = t;
	d.clat_n = 100;
	few = idr_pct_spread(&d, 50);
	d.clat_n = 1000000;
	many = idr_pct_spread(&d, 50);
	CU_ASSERT(few > many);
	/* N=100: p50 +-9.8 points, between p40 and p60: (109.8 - 90.2) / 2 / 100 */
	CU_ASSERT_DOUBLE_EQUAL(few, 0.098, 1e-3);
	CU_ASSERT(isnan(idr_iops_spread(&d)));
	CU_ASSERT(isnan(idr_latency_spread(&d, 50)));	/* no IOPS samples: no spread */
	d.iops_samples = 4;
	d.iops_mean = 1000;
	d.iops_stddev = 50;
	CU_ASSERT_DOUBLE_EQUAL(idr_iops_spread(&d), 0.10, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(idr_latency_spread(&d, 50), 0.10, 1e-12);	/* run's, wider */
	d.clat_n = 100;
	CU_ASSERT_DOUBLE_EQUAL(idr_latency_spread(&d, 50), 0.10, 1e-12);
	d.clat_percentiles = NULL;
	CU_ASSERT(isnan(idr_pct_spread(&d, 50)));
	json_object_put(t);
}

static CU_TestInfo stats_tests[] = {
	{ "idr_diff/spread, min change, threshold, missing", verdicts },
	{ "idr_pct_spread/narrows with N; IOPS and latency spreads", spreads },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/report/verdict.c", stats_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
