/*
 * test_verdict.c - cli/report/verdict.c: the verdict over two sets of repetitions. Expected
 * p-values and intervals come from tests/unit/mwu_ref.py (exhaustive enumeration with exact
 * fractions; see test_stats.c).
 */
#include <math.h>

#include "report/verdict.h"
#include "unit.h"

static const double base[] = { 100, 101, 102, 103, 104 };

static struct idr_change change(const double *a, unsigned int na, const double *b, unsigned int nb,
				bool higher_better, double min_change)
{
	struct idr_change c;

	CU_ASSERT_EQUAL(idr_change(a, na, b, nb, higher_better, min_change, &c), 0);
	return c;
}

static void significant(void)
{
	const double up[] = { 120, 121, 122, 123, 124 }, down[] = { 80, 81, 82, 83, 84 };
	struct idr_change c = change(base, 5, up, 5, false, IDR_MIN_CHANGE);

	/* time up 20%, every repetition: p = 1/126, interval [120/103, 124/101] */
	CU_ASSERT_EQUAL(c.verdict, IDR_V_WORSE);
	CU_ASSERT_EQUAL(c.na, 5);
	CU_ASSERT_EQUAL(c.nb, 5);
	CU_ASSERT_DOUBLE_EQUAL(c.med_a, 102, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.med_b, 122, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.ratio, 122.0 / 102, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.p, 1.0 / 126, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.p_adj, 1.0 / 126, 1e-12); /* on its own */
	CU_ASSERT(c.exact);
	CU_ASSERT_DOUBLE_EQUAL(c.lo, 120.0 / 103, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.hi, 124.0 / 101, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.level, 244.0 / 252, 1e-12);
	/* the same numbers as IOPS: better */
	CU_ASSERT_EQUAL(change(base, 5, up, 5, true, IDR_MIN_CHANGE).verdict, IDR_V_BETTER);
	/* down 20%: IOPS worse, time better; interval [80/103, 83/100] */
	c = change(base, 5, down, 5, true, IDR_MIN_CHANGE);
	CU_ASSERT_EQUAL(c.verdict, IDR_V_WORSE);
	CU_ASSERT_DOUBLE_EQUAL(c.lo, 81.0 / 104, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.hi, 0.83, 1e-12);
	CU_ASSERT_EQUAL(change(base, 5, down, 5, false, IDR_MIN_CHANGE).verdict, IDR_V_BETTER);
}

static void too_small_to_tell(void)
{
	const double small[] = { 104.5, 105, 105.5, 106, 106.5 };
	struct idr_change c = change(base, 5, small, 5, false, IDR_MIN_CHANGE);

	/* significant (p = 1/126) but the interval [1.0144, 1.055] reaches into +-5%: ~ */
	CU_ASSERT_DOUBLE_EQUAL(c.p, 1.0 / 126, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.lo, 105.5 / 104, 1e-12);
	CU_ASSERT_EQUAL(c.verdict, IDR_V_SAME);
	/* with a 1% minimum change it is one */
	CU_ASSERT_EQUAL(change(base, 5, small, 5, false, 0.01).verdict, IDR_V_WORSE);
}

static void noise(void)
{
	const double outlier[] = { 100.5, 101.5, 102.5, 103.5, 1000 };
	const double shuffled[] = { 103, 100, 104, 102, 101 };
	const double eq[] = { 7, 7, 7, 7, 7, 7 };
	struct idr_change c = change(base, 5, outlier, 5, false, IDR_MIN_CHANGE);

	/* one wild repetition: the mean would move 3.5x, the verdict does not (p = 29/42) */
	CU_ASSERT_EQUAL(c.verdict, IDR_V_SAME);
	CU_ASSERT_DOUBLE_EQUAL(c.p, 29.0 / 42, 1e-12);
	CU_ASSERT(c.lo < 1 && c.hi > 1);
	/* identical samples, and all-equal ones */
	c = change(base, 5, shuffled, 5, true, IDR_MIN_CHANGE);
	CU_ASSERT_EQUAL(c.verdict, IDR_V_SAME);
	CU_ASSERT_DOUBLE_EQUAL(c.p, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.ratio, 1, 1e-12);
	c = change(eq, 6, eq, 6, true, IDR_MIN_CHANGE);
	CU_ASSERT_EQUAL(c.verdict, IDR_V_SAME);
	CU_ASSERT_DOUBLE_EQUAL(c.lo, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.hi, 1, 1e-12);
}

static void ties(void)
{
	const double a[] = { 10, 10, 10, 10, 10, 10 }, b[] = { 12, 12, 12, 12, 12, 11 };
	struct idr_change c = change(a, 6, b, 6, false, IDR_MIN_CHANGE);

	/* fio's latency buckets repeat values: 6 and 6, p = 2/924, interval [1.1, 1.2] at
	   1 - 38/924 (mwu_ref.py) */
	CU_ASSERT_DOUBLE_EQUAL(c.p, 1.0 / 462, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.lo, 1.1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.hi, 1.2, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c.level, 1 - 38.0 / 924, 1e-12);
	CU_ASSERT_EQUAL(c.verdict, IDR_V_WORSE);
}

static void few(void)
{
	const double four[] = { 120, 121, 122, 123 }, holes[] = { 120, NAN, 0, 123, INFINITY, 124 };
	const double none[] = { NAN, NAN };
	struct idr_change c = change(base, 5, four, 4, false, IDR_MIN_CHANGE);

	/* 4 repetitions: the ratio, no test, no verdict */
	CU_ASSERT_EQUAL(c.verdict, IDR_V_FEW);
	CU_ASSERT_EQUAL(c.nb, 4);
	CU_ASSERT_DOUBLE_EQUAL(c.ratio, 121.5 / 102, 1e-12);
	CU_ASSERT(isnan(c.p) && isnan(c.lo) && isnan(c.hi));
	/* NaN, 0 and infinity are not measurements: 3 left */
	c = change(base, 5, holes, 6, false, IDR_MIN_CHANGE);
	CU_ASSERT_EQUAL(c.verdict, IDR_V_FEW);
	CU_ASSERT_EQUAL(c.nb, 3);
	CU_ASSERT_DOUBLE_EQUAL(c.med_b, 123, 1e-12);
	/* nothing measured on one side */
	c = change(base, 5, none, 2, false, IDR_MIN_CHANGE);
	CU_ASSERT_EQUAL(c.verdict, IDR_V_NA);
	CU_ASSERT(isnan(c.ratio));
	c = change(base, 0, base, 5, false, IDR_MIN_CHANGE);
	CU_ASSERT_EQUAL(c.verdict, IDR_V_NA);
	CU_ASSERT_STRING_EQUAL(idr_verdict_name(IDR_V_FEW), "too few repetitions");
	CU_ASSERT_STRING_EQUAL(idr_verdict_name(IDR_V_SAME), "~");
	CU_ASSERT_STRING_EQUAL(idr_verdict_name(IDR_V_WORSE), "worse");
}

/* A figure tested alone with p and interval [lo, hi], time-like (lower is better). */
static struct idr_change tested(double p, double lo, double hi)
{
	struct idr_change c = { .na = 6,
				.nb = 6,
				.p = p,
				.p_adj = p,
				.lo = lo,
				.hi = hi,
				.min_change = IDR_MIN_CHANGE,
				.verdict = IDR_V_SAME };

	c.verdict = p < IDR_ALPHA && lo > 1.05 ? IDR_V_WORSE : IDR_V_SAME;
	return c;
}

static void family(void)
{
	struct idr_change c[6] = { tested(0.01, 1.2, 1.3), tested(0.04, 1.2, 1.3),
				   tested(0.03, 1.2, 1.3), tested(0.005, 1.2, 1.3) };
	struct idr_change *pc[6] = { &c[0], &c[1], &c[2], &c[3], &c[4], &c[5] };
	const double up[] = { 120, 121, 122, 123, 124 };
	unsigned int i;

	/* Benjamini-Hochberg by hand: sorted 0.005 0.01 0.03 0.04, times 4/i: 0.02 0.02 0.04
	   0.04, running minimum from the top: the same */
	CU_ASSERT_EQUAL_FATAL(idr_change_family(pc, 4), 0);
	CU_ASSERT_DOUBLE_EQUAL(c[0].p_adj, 0.02, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c[1].p_adj, 0.04, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c[2].p_adj, 0.04, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(c[3].p_adj, 0.02, 1e-12);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(c[i].verdict, IDR_V_WORSE);
	CU_ASSERT_DOUBLE_EQUAL(c[0].p, 0.01, 1e-12); /* p itself is kept */
	/* one change among five: alone p = 0.01 would be called, together 0.05 is not;
	   an untested figure (too few) counts for nothing */
	c[0] = tested(0.01, 1.2, 1.3);
	c[1] = tested(0.2, 0.9, 1.1);
	c[2] = tested(0.3, 0.9, 1.1);
	c[3] = tested(0.4, 0.9, 1.1);
	c[4] = tested(0.5, 0.9, 1.1);
	c[5] = tested(NAN, NAN, NAN);
	c[5].verdict = IDR_V_FEW;
	CU_ASSERT_EQUAL(c[0].verdict, IDR_V_WORSE);
	CU_ASSERT_EQUAL_FATAL(idr_change_family(pc, 6), 0);
	CU_ASSERT_DOUBLE_EQUAL(c[0].p_adj, 0.05, 1e-12);
	CU_ASSERT_EQUAL(c[0].verdict, IDR_V_SAME);
	CU_ASSERT_DOUBLE_EQUAL(c[4].p_adj, 0.5, 1e-12);
	CU_ASSERT_EQUAL(c[5].verdict, IDR_V_FEW);
	CU_ASSERT(isnan(c[5].p_adj));
	/* a real one: 20% slower in every one of 5 repetitions (p = 1/126) with its IOPS
	   (the same test), among 6 figures: 1/126 * 6/2 = 3/126 < 0.05, both called */
	c[0] = change(base, 5, up, 5, false, IDR_MIN_CHANGE);
	c[1] = change(base, 5, up, 5, false, IDR_MIN_CHANGE);
	for (i = 2; i < 6; i++)
		c[i] = change(base, 5, base, 5, false, IDR_MIN_CHANGE);
	CU_ASSERT_EQUAL_FATAL(idr_change_family(pc, 6), 0);
	CU_ASSERT_DOUBLE_EQUAL(c[0].p_adj, 3.0 / 126, 1e-12);
	CU_ASSERT_EQUAL(c[0].verdict, IDR_V_WORSE);
	CU_ASSERT_EQUAL(c[1].verdict, IDR_V_WORSE);
	CU_ASSERT_EQUAL(c[2].verdict, IDR_V_SAME);
	CU_ASSERT_EQUAL(idr_change_family(pc, 0), 0);
}

static CU_TestInfo verdict_tests[] = {
	{ "idr_change/20% up or down, every repetition: better or worse by direction",
	  significant },
	{ "idr_change/significant but inside +-5%: ~, unless the minimum change is lower",
	  too_small_to_tell },
	{ "idr_change/one outlier, identical and all-equal samples: ~", noise },
	{ "idr_change/ties", ties },
	{ "idr_change/under 5 repetitions or none: no verdict", few },
	{ "idr_change_family/Benjamini-Hochberg over the figures compared together", family },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/report/verdict.c", verdict_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
