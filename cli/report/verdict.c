/*
 * verdict.c - is a difference between two runs real (verdict.h).
 */
#include <math.h>

#include "report/verdict.h"

void idr_diff(struct idr_figure a, struct idr_figure b, int higher_better, double threshold,
	      double min_change, struct idr_diff *out)
{
	double change;

	out->ratio = NAN;
	out->tolerance = NAN;
	out->from_spread = 0;
	out->verdict = IDR_V_NA;
	if (!(a.v > 0) || !(b.v > 0) || isinf(a.v) || isinf(b.v))
		return;
	out->ratio = b.v / a.v;
	if (!isnan(a.spread) && !isnan(b.spread)) {
		out->tolerance = fmax(sqrt(a.spread * a.spread + b.spread * b.spread), min_change);
		out->from_spread = 1;
	} else {
		out->tolerance = threshold;
	}
	change = out->ratio - 1;
	if (fabs(change) <= out->tolerance)
		out->verdict = IDR_V_SAME;
	else
		out->verdict = (change > 0) == !!higher_better ? IDR_V_BETTER : IDR_V_WORSE;
}

double idr_iops_spread(const struct idr_fio_dir *d)
{
	if (d->iops_samples < 2 || !(d->iops_mean > 0))
		return NAN;
	return 2 * d->iops_stddev / d->iops_mean;
}

double idr_pct_spread(const struct idr_fio_dir *d, double pct)
{
	double p = pct / 100, n = (double)d->clat_n, h, lo, hi, v;

	if (d->clat_n < 2 || !(p > 0 && p < 1))
		return NAN;
	h = 1.96 * sqrt(p * (1 - p) / n) * 100;
	v = idr_fio_dir_percentile(d, pct);
	lo = idr_fio_dir_percentile(d, fmax(pct - h, 0));
	hi = idr_fio_dir_percentile(d, fmin(pct + h, 100));
	if (!(v > 0) || isnan(lo) || isnan(hi))
		return NAN;
	return (hi - lo) / 2 / v;
}

double idr_latency_spread(const struct idr_fio_dir *d, double pct)
{
	double run = idr_iops_spread(d), ci = idr_pct_spread(d, pct);

	if (isnan(run))
		return NAN;
	return isnan(ci) ? run : fmax(run, ci);
}

const char *idr_verdict_name(enum idr_verdict v)
{
	static const char *const names[] = { "n/a", "same", "better", "worse" };

	return names[v];
}
