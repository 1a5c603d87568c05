/*
 * stats.c - medians, quantiles, the IOPS knee, the latency climb, the Mann-Whitney U test
 * and the confidence interval of a ratio (stats.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double idr_quantile(const double *v, unsigned int n, double q)
{
	double small[64], *s, pos, r;
	unsigned int lo;

	if (!n)
		return 0;
	s = n <= 64 ? small : malloc(n * sizeof(*s));
	if (!s)
		return 0;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	q = q < 0 ? 0 : q > 1 ? 1 : q;
	pos = q * (n - 1);
	lo = (unsigned int)pos;
	r = lo + 1 < n ? s[lo] + (pos - lo) * (s[lo + 1] - s[lo]) : s[lo];
	if (s != small)
		free(s);
	return r;
}

double idr_median(const double *v, unsigned int n)
{
	return idr_quantile(v, n, 0.5);
}

int idr_knee(const double *y, unsigned int n, double frac)
{
	double peak = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (y[i] > peak)
			peak = y[i];
	if (peak <= 0)
		return -1;
	for (i = 0; i < n; i++)
		if (y[i] >= frac * peak)
			return (int)i;
	return -1;
}

int idr_climb(const double *y, unsigned int n, double factor)
{
	double base;
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		base = y[0];
		for (j = 1; j < i; j++)
			if (y[j] < base)
				base = y[j];
		for (j = i; j < n && y[j] > factor * base; j++)
			;
		if (j == n)
			return (int)i;
	}
	return -1;
}

/* ---- the Mann-Whitney U test ------------------------------------------------------------- */

struct tagged {
	double v;
	bool b; /* from sample b */
};

static int by_value(const void *x, const void *y)
{
	return cmp_double(&((const struct tagged *)x)->v, &((const struct tagged *)y)->v);
}

/*
 * The two samples pooled and ranked: the size of each run of equal values, in value order,
 * into t[0..) (at most na + nb of them), and the rank sum of b doubled into *w2b (the mean
 * rank of a tie, doubled, is whole). Returns the number of runs, -EINVAL on a NaN, -ENOMEM.
 */
static int rank(const double *a, unsigned int na, const double *b, unsigned int nb, unsigned int *t,
		unsigned long *w2b)
{
	unsigned int n = na + nb, i, g = 0, s, inb;
	struct tagged *v = malloc(n * sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v[i].v = i < na ? a[i] : b[i - na];
		v[i].b = i >= na;
		if (isnan(v[i].v)) {
			free(v);
			return -EINVAL;
		}
	}
	qsort(v, n, sizeof(*v), by_value);
	*w2b = 0;
	for (s = 0; s < n; s += t[g++]) {
		for (t[g] = 1, inb = v[s].b; s + t[g] < n && v[s + t[g]].v == v[s].v; t[g]++)
			inb += v[s + t[g]].b;
		/* ranks s+1 .. s+t: their mean doubled is 2s + t + 1 */
		*w2b += (unsigned long)inb * (2 * s + t[g] + 1);
	}
	free(v);
	return (int)g;
}

/*
 * The exact distribution of a sample's doubled rank sum: out[w], w = 0..n(n+1), is in how
 * many ways m of the n pooled values (runs of equal values t[0..g)) have doubled rank sum w.
 * Counted run by run: j of a run's t values in the sample add j times its doubled mean
 * rank, in C(t, j) ways. Counts reach C(100, 50) ~ 1e29: a double holds them to ~1e-15,
 * plenty for a p-value. Returns the array (n(n+1) + 1 entries, malloc'd) or NULL.
 */
static double *rank_sum_dist(const unsigned int *t, unsigned int g, unsigned int m)
{
	unsigned int n = 0, i, k, j, s = 0;
	size_t width, w, top = 0;
	double *dp, *out, c;

	for (i = 0; i < g; i++)
		n += t[i];
	width = (size_t)n * (n + 1) + 1;
	dp = calloc((size_t)(m + 1) * width, sizeof(*dp));
	if (!dp)
		return NULL;
	dp[0] = 1;
	for (i = 0; i < g; s += t[i++]) {
		size_t r = 2 * (size_t)s + t[i] + 1;

		/* k downwards: row k still holds the runs before this one when it is read */
		for (k = s < m ? s + 1 : m + 1; k-- > 0;)
			for (w = 0; w <= top; w++) {
				double here = dp[k * width + w];

				for (j = 1, c = 1; here != 0 && j <= t[i] && k + j <= m; j++) {
					c = c * (t[i] - j + 1) / j;
					dp[(k + j) * width + w + j * r] += here * c;
				}
			}
		top += t[i] * r;
	}
	out = malloc(width * sizeof(*out));
	if (out)
		memcpy(out, dp + (size_t)m * width, width * sizeof(*out));
	free(dp);
	return out;
}

/* The standard normal distribution function. */
static double norm_cdf(double z)
{
	return 0.5 * erfc(-z / M_SQRT2);
}

/* Twice the smaller tail of the exact distribution at the observed doubled rank sum of b. */
static int exact_p(const unsigned int *t, unsigned int g, unsigned int nb, unsigned long w2b,
		   double *p)
{
	double *d = rank_sum_dist(t, g, nb), lo = 0, hi = 0, all = 0;
	unsigned int n = 0, i;
	size_t w;

	if (!d)
		return -ENOMEM;
	for (i = 0; i < g; i++)
		n += t[i];
	for (w = 0; w <= (size_t)n * (n + 1); w++) {
		all += d[w];
		lo += w <= w2b ? d[w] : 0;
		hi += w >= w2b ? d[w] : 0;
	}
	free(d);
	*p = fmin(1, 2 * fmin(lo, hi) / all);
	return 0;
}

/* The normal approximation, with the variance corrected for ties and U for continuity. */
static double normal_p(const unsigned int *t, unsigned int g, unsigned int na, unsigned int nb,
		       double u)
{
	double n = na + nb, ties = 0, var, d;
	unsigned int i;

	for (i = 0; i < g; i++)
		ties += (double)t[i] * t[i] * t[i] - t[i];
	var = (double)na * nb / 12 * ((n + 1) - ties / (n * (n - 1)));
	if (!(var > 0))
		return 1; /* every value equal */
	d = u - (double)na * nb / 2;
	d -= copysign(fmin(0.5, fabs(d)), d);
	return fmin(1, 2 * norm_cdf(-fabs(d) / sqrt(var)));
}

int idr_mwu(const double *a, unsigned int na, const double *b, unsigned int nb, struct idr_mwu *out)
{
	unsigned int *t;
	unsigned long w2b;
	int g, ret = 0;

	if (!na || !nb)
		return -EINVAL;
	t = malloc((na + nb) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	g = rank(a, na, b, nb, t, &w2b);
	if (g < 0) {
		free(t);
		return g;
	}
	out->na = na;
	out->nb = nb;
	out->u = (double)w2b / 2 - (double)nb * (nb + 1) / 2;
	out->exact = na <= IDR_MWU_EXACT_MAX && nb <= IDR_MWU_EXACT_MAX;
	if (out->exact)
		ret = exact_p(t, (unsigned int)g, nb, w2b, &out->p);
	else
		out->p = normal_p(t, (unsigned int)g, na, nb, out->u);
	free(t);
	return ret;
}

/* ---- the confidence interval of a ratio ---------------------------------------------------- */

/* z with norm_cdf(z) = q (0.5 < q < 1), by bisection: only ever asked for a few values. */
static double norm_quantile(double q)
{
	double lo = 0, hi = 40, mid;
	int i;

	for (i = 0; i < 100; i++) {
		mid = (lo + hi) / 2;
		if (norm_cdf(mid) < q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/*
 * Which order statistic of the na*nb pairwise ratios bounds the interval: the largest k
 * with P(U <= k - 1) <= (1 - conf) / 2 under the distribution of U without ties, and the
 * coverage 1 - 2 P(U <= k - 1) into *level. Returns k, 0 when no k reaches conf, or -ENOMEM.
 */
static long ci_rank(unsigned int na, unsigned int nb, double conf, double *level)
{
	unsigned int n = na + nb, i, *ones;
	double *d, tail = 0, all = 0, below = 0, s2, z;
	unsigned long base = (unsigned long)nb * (nb + 1); /* doubled rank sum at U = 0 */
	long k = 0;
	size_t w;

	if (na > IDR_MWU_EXACT_MAX || nb > IDR_MWU_EXACT_MAX) {
		z = norm_quantile(1 - (1 - conf) / 2);
		s2 = (double)na * nb * (n + 1) / 12;
		k = (long)floor((double)na * nb / 2 - z * sqrt(s2));
		*level = conf;
		return k > 0 ? k : 0;
	}
	ones = malloc(n * sizeof(*ones));
	if (!ones)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		ones[i] = 1;
	d = rank_sum_dist(ones, n, nb);
	free(ones);
	if (!d)
		return -ENOMEM;
	for (w = 0; w <= (size_t)n * (n + 1); w++)
		all += d[w];
	/* doubled rank sums of b step by 2 without ties: U = (w - base) / 2 */
	for (w = base; w <= (size_t)n * (n + 1); w += 2) {
		tail += d[w];
		/* 1e-12: 0.90 is not exact in binary, and P = 1/20 must still reach it */
		if (tail / all > (1 - conf) / 2 + 1e-12)
			break;
		below = tail;
		k = (long)((w - base) / 2) + 1;
	}
	free(d);
	*level = 1 - 2 * below / all;
	return k;
}

int idr_ratio_ci(const double *a, unsigned int na, const double *b, unsigned int nb, double conf,
		 struct idr_ci *out)
{
	size_t m = (size_t)na * nb, i, j;
	double *r;
	long k;

	out->lo = out->hi = out->level = NAN;
	if (!na || !nb)
		return -EINVAL;
	for (i = 0; i < na; i++)
		if (!(a[i] > 0) || isinf(a[i]))
			return -EINVAL;
	for (j = 0; j < nb; j++)
		if (!(b[j] > 0) || isinf(b[j]))
			return -EINVAL;
	k = ci_rank(na, nb, conf, &out->level);
	if (k <= 0) {
		out->level = NAN;
		return k < 0 ? (int)k : -EDOM;
	}
	r = malloc(m * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			r[i * nb + j] = b[j] / a[i];
	qsort(r, m, sizeof(*r), cmp_double);
	out->lo = r[k - 1];
	out->hi = r[m - (size_t)k];
	free(r);
	return 0;
}
