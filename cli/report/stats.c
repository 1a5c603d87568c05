/*
 * stats.c - medians, quantiles, the IOPS knee and the latency climb (stats.h).
 */
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
