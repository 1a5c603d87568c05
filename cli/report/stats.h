/*
 * stats.h - the small statistics the drill and tune tables are made of: medians and
 * quantiles over repetitions, the IOPS knee and the depth where latency starts to climb.
 * Pure functions, unit-tested (tests/unit/test_stats.c).
 */
#ifndef IDR_CLI_STATS_H
#define IDR_CLI_STATS_H

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

#endif
