/*
 * verdict.h - is a difference between two runs real? Each figure carries the spread its own
 * run measured; two figures differ when their ratio is beyond both spreads together, or,
 * where a run measured none, beyond a fixed threshold (and the verdict says which).
 */
#ifndef IDR_CLI_VERDICT_H
#define IDR_CLI_VERDICT_H

#include "archive/fiojson.h"

/* A figure and its spread: the relative half-width (0.05 = ±5%) of the range its run says
 * it could fall in; NaN when the run measured none. */
struct idr_figure {
	double v;
	double spread;
};

enum idr_verdict { IDR_V_NA, IDR_V_SAME, IDR_V_BETTER, IDR_V_WORSE };

struct idr_diff {
	double ratio;		/* b / a */
	double tolerance;	/* the relative change beyond which b differs from a */
	int from_spread;	/* 1: tolerance from the spreads; 0: from the threshold */
	enum idr_verdict verdict;
};

/*
 * idr_diff - compare figure b with a. higher_better: IOPS (1), latency and CPU (0).
 * tolerance = max(sqrt(spread_a^2 + spread_b^2), min_change) when both spreads are known,
 * else threshold. NA when either figure is missing or not positive.
 */
void idr_diff(struct idr_figure a, struct idr_figure b, int higher_better, double threshold,
	      double min_change, struct idr_diff *out);

/* idr_iops_spread - two standard deviations of fio's per-interval IOPS samples, relative
 * (NaN when fio took fewer than 2 samples). */
double idr_iops_spread(const struct idr_fio_dir *d);

/*
 * idr_pct_spread - the 95% confidence interval of latency percentile pct given the run's
 * N completions (distribution-free: the order statistics at pct +- 1.96 sqrt(p(1-p)/N)),
 * read off fio's percentile table, as a relative half-width; NaN without a table.
 */
double idr_pct_spread(const struct idr_fio_dir *d, double pct);

/*
 * idr_latency_spread - the spread of a latency percentile: the larger of its confidence
 * interval and the run's IOPS spread. At a fixed queue depth latency is depth / IOPS
 * (Little's law), so latency moves with throughput over the run; the confidence interval
 * alone, from hundreds of thousands of correlated samples, would call every rerun a change.
 * NaN when fio took no IOPS samples (the threshold decides then).
 */
double idr_latency_spread(const struct idr_fio_dir *d, double pct);

const char *idr_verdict_name(enum idr_verdict v);

#endif
