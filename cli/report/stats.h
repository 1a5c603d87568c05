/*
 * stats.h - the small statistics the drill, tune and compare tables are made of: medians
 * and quantiles over repetitions, the IOPS knee, the depth where latency starts to climb,
 * and whether two sets of repetitions differ (the Mann-Whitney U test and the confidence
 * interval of a ratio that goes with it). Pure functions, unit-tested
 * (tests/unit/test_stats.c).
 */
#ifndef IDR_CLI_STATS_H
#define IDR_CLI_STATS_H

#include <stdbool.h>

/* idr_quantile - the q-quantile (0 <= q <= 1) of v[0..n), interpolated between the two
 * nearest values (v is not changed). Returns 0 for n == 0. */
double idr_quantile(const double *v, unsigned int n, double q);

/* idr_median - idr_quantile(v, n, 0.5). */
double idr_median(const double *v, unsigned int n);

/*
 * idr_knee - the first point of y[0..n) that reaches frac (e.g. 0.95) of the peak of y:
 * with y the IOPS at rising queue depths, the lowest depth worth running. Returns its
 * index, or -1 when n == 0 or the peak is not positive.
 */
int idr_knee(const double *y, unsigned int n, double frac);

/*
 * idr_climb - the first point i of y[0..n) from which every later point stays above
 * factor times the lowest value before i (the baseline): with y the p99 latency at rising
 * queue depths, where latency starts to climb for good (a single noisy point does not
 * count). Returns i (>= 1), or -1 when latency never climbs.
 */
int idr_climb(const double *y, unsigned int n, double factor);

/* Up to this many values in each sample the U test and the interval use the exact
 * distribution; above it, the normal approximation (the exact one costs ~n^3). */
#define IDR_MWU_EXACT_MAX 50

/* The result of a Mann-Whitney U test of sample b against sample a. */
struct idr_mwu {
	unsigned int na, nb;
	double u;   /* U of b: the pairs (a_i, b_j) with b_j > a_i, plus half the ties;
		       0..na*nb, na*nb/2 when neither tends to be larger */
	double p;   /* two-sided p-value */
	bool exact; /* from the exact distribution of U given the ties, else the normal
		       approximation (tie and continuity corrected) */
};

/*
 * idr_mwu - the two-sided Mann-Whitney U (Wilcoxon rank-sum) test of a[0..na) against
 * b[0..nb): how likely ranks this far apart are when both samples come from one
 * distribution. Ties take their mean rank. Exact when na and nb are at most
 * IDR_MWU_EXACT_MAX: the distribution of the rank sum over every way of splitting these
 * very values (ties and all) into samples of na and nb, p twice the smaller tail (at most
 * 1); identical values everywhere give p = 1. Returns 0, -EINVAL (an empty sample or a
 * NaN) or -ENOMEM.
 */
int idr_mwu(const double *a, unsigned int na, const double *b, unsigned int nb,
	    struct idr_mwu *out);

/* A confidence interval and its actual coverage (a discrete test cannot hit 95% exactly). */
struct idr_ci {
	double lo, hi;
	double level;
};

/*
 * idr_ratio_ci - the distribution-free confidence interval, at coverage conf (0.95) or just
 * above, for the ratio by which b is a scaled a: of the na*nb ratios b_j / a_i, the k-th
 * smallest and the k-th largest, k from the exact distribution of U without ties (the
 * normal approximation above IDR_MWU_EXACT_MAX) - the interval that goes with the U test
 * on the logarithms (Bauer 1972; its midpoint estimate is the Hodges-Lehmann one).
 * Values must be positive. Returns 0; -EDOM when samples this small cannot reach conf
 * (n = 3 and 3 tops out at 90%); -EINVAL for an empty sample or a value not > 0; -ENOMEM.
 */
int idr_ratio_ci(const double *a, unsigned int na, const double *b, unsigned int nb, double conf,
		 struct idr_ci *out);

#endif
