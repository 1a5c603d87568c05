/*
 * test_stats.c - cli/report/stats.c: quantiles, the IOPS knee, the latency climb.
 */
#include "report/stats.h"
#include "unit.h"

static void quantiles(void)
{
	const double v[] = { 5, 1, 4, 2, 3 };
	const double even[] = { 10, 40, 20, 30 };

	CU_ASSERT_DOUBLE_EQUAL(idr_median(v, 5), 3, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_quantile(v, 5, 0), 1, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_quantile(v, 5, 1), 5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_quantile(v, 5, 0.25), 2, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_median(even, 4), 25, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_quantile(even, 4, 0.75), 32.5, 1e-9);
	/* the input is left as it was */
	CU_ASSERT_DOUBLE_EQUAL(v[0], 5, 1e-9);
}

static void quantile_edges(void)
{
	const double one[] = { 7 };

	CU_ASSERT_DOUBLE_EQUAL(idr_median(one, 0), 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_median(one, 1), 7, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_quantile(one, 1, 2), 7, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_quantile(one, 1, -1), 7, 1e-9);
}

static void knee(void)
{
	const double iops[] = { 10, 30, 60, 94, 99, 100, 97 };
	const double flat[] = { 5, 5, 5 };
	const double zero[] = { 0, 0 };

	/* 95% of the peak (100) is 95: the first point at or above it is index 4 (99). */
	CU_ASSERT_EQUAL(idr_knee(iops, 7, 0.95), 4);
	CU_ASSERT_EQUAL(idr_knee(iops, 7, 0.90), 3);
	CU_ASSERT_EQUAL(idr_knee(flat, 3, 0.95), 0);
	CU_ASSERT_EQUAL(idr_knee(zero, 2, 0.95), -1);
	CU_ASSERT_EQUAL(idr_knee(iops, 0, 0.95), -1);
}

static void climb(void)
{
	const double p99[] = { 80, 82, 79, 85, 160, 320, 640 };
	const double blip[] = { 80, 200, 81, 82, 83, 84 };
	const double late_blip[] = { 80, 81, 82, 200, 300, 100, 400 };
	const double flat[] = { 10, 11, 12, 13 };

	CU_ASSERT_EQUAL(idr_climb(p99, 7, 1.5), 4);
	/* one noisy point is not a climb */
	CU_ASSERT_EQUAL(idr_climb(blip, 6, 1.5), -1);
	/* a dip below the threshold later on moves the climb past it */
	CU_ASSERT_EQUAL(idr_climb(late_blip, 7, 1.5), 6);
	CU_ASSERT_EQUAL(idr_climb(flat, 4, 1.5), -1);
	CU_ASSERT_EQUAL(idr_climb(flat, 1, 1.5), -1);
}

static CU_TestInfo stats_tests[] = {
	{ "idr_quantile/median and quartiles, input untouched", quantiles },
	{ "idr_quantile/empty, one value, q out of range", quantile_edges },
	{ "idr_knee/first point at 95% of the peak", knee },
	{ "idr_climb/for good, not a blip", climb },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/report/stats.c", stats_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
