/*
 * test_stats.c - cli/report/stats.c: quantiles, the IOPS knee, the latency climb, the
 * Mann-Whitney U test and the confidence interval of a ratio.
 *
 * The p-values, U and intervals below are exact fractions from an independent reference:
 * a Python script (tests/unit/mwu_ref.py) that enumerates every way of splitting the
 * pooled values into the two samples, with fractions.Fraction mean ranks, and for the
 * interval sorts the pairwise ratios in Python; it shares no code or method with stats.c
 * (which counts rank sums with a recurrence). The textbook cases agree with tables of
 * the U distribution: two separated samples of 5 give p = 2/252, of 7 and 4 p = 2/330.
 */
#include <errno.h>
#include <math.h>

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

/* p of b against a, exact; U checked too; the p of a against b is the same */
static void mwu_is(const double *a, unsigned int na, const double *b, unsigned int nb, double u,
		   double p)
{
	struct idr_mwu r, back;

	CU_ASSERT_EQUAL_FATAL(idr_mwu(a, na, b, nb, &r), 0);
	CU_ASSERT_EQUAL_FATAL(idr_mwu(b, nb, a, na, &back), 0);
	CU_ASSERT(r.exact);
	CU_ASSERT_EQUAL(r.na, na);
	CU_ASSERT_EQUAL(r.nb, nb);
	CU_ASSERT_DOUBLE_EQUAL(r.u, u, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(back.u, (double)na * nb - u, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(r.p, p, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(back.p, p, 1e-12);
}

static void mwu_textbook(void)
{
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
	const double swap_a[] = { 1, 2, 3, 4, 6 }, swap_b[] = { 5, 7, 8, 9, 10 };
	const double c[] = { 5.1, 4.9, 5.3, 5.0, 5.2, 4.8, 5.05 }, d[] = { 5.6, 5.4, 5.9, 5.5 };

	/* n = 5: every b above every a, the smallest p there is (2/252) */
	mwu_is(a, 5, b, 5, 25, 1.0 / 126);
	/* one pair the other way round */
	mwu_is(swap_a, 5, swap_b, 5, 24, 1.0 / 63);
	/* unequal sizes, 7 and 4, separated: 2/C(11,4) */
	mwu_is(c, 7, d, 4, 28, 1.0 / 165);
}

static void mwu_ties(void)
{
	const double a[] = { 1, 2, 2, 3, 3 }, b[] = { 2, 3, 3, 4, 4 };
	const double c[] = { 10, 10, 10, 20, 20, 30 }, d[] = { 20, 20, 30, 30, 30 };

	/* mean ranks for ties, p from the distribution given these very ties */
	mwu_is(a, 5, b, 5, 20, 4.0 / 21);
	mwu_is(c, 6, d, 5, 24.5, 31.0 / 231);
}

static void mwu_same(void)
{
	const double a[] = { 3, 1, 4, 1, 5 }, eq[] = { 7, 7, 7, 7, 7 };

	/* identical samples, and every value equal: nothing to tell them apart */
	mwu_is(a, 5, a, 5, 12.5, 1);
	mwu_is(eq, 5, eq, 5, 12.5, 1);
}

static void mwu_outlier(void)
{
	const double a[] = { 100, 101, 102, 103, 104 }, b[] = { 100.5, 101.5, 102.5, 103.5, 1000 };

	/* one wild value moves a mean ten times, the ranks by one place: p = 29/42 */
	mwu_is(a, 5, b, 5, 15, 29.0 / 42);
}

static void mwu_large(void)
{
	double a[60], b[60], same[60];
	struct idr_mwu r;
	unsigned int i;

	for (i = 0; i < 60; i++) {
		a[i] = i;
		b[i] = i + 30.5;
		same[i] = 5;
	}
	/* above IDR_MWU_EXACT_MAX: the normal approximation. U = 3165 (counted pair by pair),
	   sigma^2 = 60 * 60 * 121 / 12, z = (3165 - 1800 - 0.5) / sqrt(36300) = 7.1618,
	   p = 2 (1 - Phi(z)) = 7.9643e-13 (Python's erfc; statistics.NormalDist gives
	   7.9647e-13, its 1 - cdf losing digits) */
	CU_ASSERT_EQUAL_FATAL(idr_mwu(a, 60, b, 60, &r), 0);
	CU_ASSERT(!r.exact);
	CU_ASSERT_DOUBLE_EQUAL(r.u, 3165, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r.p, 7.964332670470494e-13, 1e-20);
	CU_ASSERT_EQUAL_FATAL(idr_mwu(same, 60, same, 60, &r), 0);
	CU_ASSERT_DOUBLE_EQUAL(r.p, 1, 1e-12);
	CU_ASSERT_EQUAL_FATAL(idr_mwu(a, 60, a, 60, &r), 0);
	CU_ASSERT_DOUBLE_EQUAL(r.p, 1, 1e-12);
}

static void mwu_bad(void)
{
	const double a[] = { 1, 2, 3 }, nan_in[] = { 1, NAN, 3 };
	struct idr_mwu r;

	CU_ASSERT_EQUAL(idr_mwu(a, 0, a, 3, &r), -EINVAL);
	CU_ASSERT_EQUAL(idr_mwu(a, 3, a, 0, &r), -EINVAL);
	CU_ASSERT_EQUAL(idr_mwu(a, 3, nan_in, 3, &r), -EINVAL);
}

/* the interval and its coverage, against the reference */
static void ci_is(const double *a, unsigned int na, const double *b, unsigned int nb, double lo,
		  double hi, double level)
{
	struct idr_ci ci;

	CU_ASSERT_EQUAL_FATAL(idr_ratio_ci(a, na, b, nb, 0.95, &ci), 0);
	CU_ASSERT_DOUBLE_EQUAL(ci.lo, lo, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ci.hi, hi, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ci.level, level, 1e-12);
}

static void ratio_ci(void)
{
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 },
		     twice[] = { 2, 4, 6, 8, 10 };
	const double c[] = { 5.1, 4.9, 5.3, 5.0, 5.2, 4.8, 5.05 }, d[] = { 5.6, 5.4, 5.9, 5.5 };
	const double o[] = { 100, 101, 102, 103, 104 }, ob[] = { 100.5, 101.5, 102.5, 103.5, 1000 };
	const double eq[] = { 7, 7, 7, 7, 7 };

	/* n = 5 and 5: the 3rd smallest and 3rd largest of the 25 ratios, coverage 1 - 8/252 */
	ci_is(a, 5, b, 5, 1.5, 8, 244.0 / 252);
	ci_is(a, 5, twice, 5, 2.0 / 3, 6, 244.0 / 252);
	/* 7 and 4: the 4th, coverage 1 - 14/330 */
	ci_is(c, 7, d, 4, 5.6 / 5.3, 5.9 / 5.05, 316.0 / 330);
	/* one outlier: the interval reaches 1 - 2.5/104 below and far above, 1 inside */
	ci_is(o, 5, ob, 5, 101.5 / 104, 1000 / 102.0, 244.0 / 252);
	/* identical values: a point, exactly 1 */
	ci_is(eq, 5, eq, 5, 1, 1, 244.0 / 252);
}

static void ratio_ci_edges(void)
{
	const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 }, z[] = { 1, 0, 3 };
	double big[60], big2[60];
	struct idr_ci ci;
	unsigned int i;

	/* 3 and 3 reach 90% at most: no 95% interval */
	CU_ASSERT_EQUAL(idr_ratio_ci(a, 3, b, 3, 0.95, &ci), -EDOM);
	CU_ASSERT(isnan(ci.lo) && isnan(ci.hi));
	/* at 90% they do: the extremes, coverage 1 - 2/20 */
	CU_ASSERT_EQUAL(idr_ratio_ci(a, 3, b, 3, 0.90, &ci), 0);
	CU_ASSERT_DOUBLE_EQUAL(ci.lo, 4.0 / 3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ci.hi, 6, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ci.level, 0.9, 1e-12);
	CU_ASSERT_EQUAL(idr_ratio_ci(a, 3, z, 3, 0.90, &ci), -EINVAL);
	CU_ASSERT_EQUAL(idr_ratio_ci(a, 0, b, 3, 0.90, &ci), -EINVAL);
	/* 60 and 60 (normal approximation): b = 2a; k = floor(1800 - 1.95996 sqrt(36300)) =
	   1426, the 1426th smallest and largest of the 3600 ratios (mwu_ref.py: 1.9 and
	   40/19), coverage the nominal 95% */
	for (i = 0; i < 60; i++) {
		big[i] = 100 + i;
		big2[i] = 2 * (100 + i);
	}
	CU_ASSERT_EQUAL_FATAL(idr_ratio_ci(big, 60, big2, 60, 0.95, &ci), 0);
	CU_ASSERT_DOUBLE_EQUAL(ci.lo, 1.9, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ci.hi, 40.0 / 19, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ci.level, 0.95, 1e-12);
}

static CU_TestInfo stats_tests[] = {
	{ "idr_quantile/median and quartiles, input untouched", quantiles },
	{ "idr_quantile/empty, one value, q out of range", quantile_edges },
	{ "idr_knee/first point at 95% of the peak", knee },
	{ "idr_climb/for good, not a blip", climb },
	{ "idr_mwu/separated and nearly separated samples, n = 5 and 7/4", mwu_textbook },
	{ "idr_mwu/ties: mean ranks, exact p given the ties", mwu_ties },
	{ "idr_mwu/identical samples and all-equal values: p = 1", mwu_same },
	{ "idr_mwu/one outlier", mwu_outlier },
	{ "idr_mwu/above the exact limit: normal approximation", mwu_large },
	{ "idr_mwu/empty sample, NaN", mwu_bad },
	{ "idr_ratio_ci/order statistics of the pairwise ratios", ratio_ci },
	{ "idr_ratio_ci/too small for 95%, bad values, large samples", ratio_ci_edges },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/report/stats.c", stats_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
