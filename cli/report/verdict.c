/*
 * verdict.c - is a difference between two sets of repetitions real (verdict.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "report/stats.h"
#include "report/verdict.h"

/* The measurements of v[0..n) (finite, above 0) into a new array; their number in *m. */
static double *measured(const double *v, unsigned int n, unsigned int *m)
{
	double *out = malloc((n ? n : 1) * sizeof(*out));
	unsigned int i;

	*m = 0;
	for (i = 0; out && i < n; i++)
		if (v[i] > 0 && isfinite(v[i]))
			out[(*m)++] = v[i];
	return out;
}

/* The verdict from p_adj, the interval and the direction. */
static void decide(struct idr_change *c)
{
	c->verdict = IDR_V_SAME;
	if (!(c->p_adj < IDR_ALPHA))
		return;
	if (c->lo > 1 + c->min_change)
		c->verdict = c->higher_better ? IDR_V_BETTER : IDR_V_WORSE;
	else if (c->hi < 1 - c->min_change)
		c->verdict = c->higher_better ? IDR_V_WORSE : IDR_V_BETTER;
}

/* The test and the interval over two samples of at least IDR_MIN_REPS; then the verdict. */
static int test(const double *a, const double *b, struct idr_change *c)
{
	struct idr_mwu u;
	struct idr_ci ci;
	int ret = idr_mwu(a, c->na, b, c->nb, &u);

	if (ret)
		return ret;
	c->p = c->p_adj = u.p;
	c->exact = u.exact;
	/* from 5 and 5 on 95% is always reachable: only -ENOMEM can fail here */
	ret = idr_ratio_ci(a, c->na, b, c->nb, IDR_CONF, &ci);
	if (ret)
		return ret;
	c->lo = ci.lo;
	c->hi = ci.hi;
	c->level = ci.level;
	decide(c);
	return 0;
}

int idr_change(const double *a, unsigned int na, const double *b, unsigned int nb,
	       bool higher_better, double min_change, struct idr_change *out)
{
	double *x = measured(a, na, &out->na), *y = measured(b, nb, &out->nb);
	int ret = 0;

	out->med_a = out->med_b = out->ratio = NAN;
	out->lo = out->hi = out->level = out->p = out->p_adj = NAN;
	out->exact = false;
	out->higher_better = higher_better;
	out->min_change = min_change;
	out->verdict = IDR_V_NA;
	if (!x || !y) {
		ret = -ENOMEM;
	} else if (out->na && out->nb) {
		out->med_a = idr_median(x, out->na);
		out->med_b = idr_median(y, out->nb);
		out->ratio = out->med_b / out->med_a;
		out->verdict = IDR_V_FEW;
		if (out->na >= IDR_MIN_REPS && out->nb >= IDR_MIN_REPS)
			ret = test(x, y, out);
	}
	free(x);
	free(y);
	return ret;
}

static int by_p(const void *x, const void *y)
{
	double p = (*(struct idr_change *const *)x)->p, q = (*(struct idr_change *const *)y)->p;

	return (p > q) - (p < q);
}

int idr_change_family(struct idr_change *const *c, unsigned int n)
{
	struct idr_change **t = malloc((n ? n : 1) * sizeof(*t));
	unsigned int m = 0, i;
	double run = 1;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (!isnan(c[i]->p))
			t[m++] = c[i];
	qsort(t, m, sizeof(*t), by_p);
	for (i = m; i-- > 0;) {
		run = fmin(run, t[i]->p * m / (i + 1));
		t[i]->p_adj = run;
		decide(t[i]);
	}
	free(t);
	return 0;
}

const char *idr_verdict_name(enum idr_verdict v)
{
	static const char *const names[] = { "n/a", "too few repetitions", "~", "better", "worse" };

	return names[v];
}
