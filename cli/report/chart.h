/*
 * chart.h - PNG charts through gnuplot: describe the chart, idr_chart_png draws it (the
 * results archive's plots; the drill's and tune's can share it).
 *
 * Three kinds, each as one or more panels stacked top to bottom (one per metric):
 *   IDR_CHART_BARS  one bar per category (engines side by side), a bar per series in each
 *   IDR_CHART_XY    lines over a numeric x (IOPS against iodepth), log2 x if asked
 *   IDR_CHART_TIME  lines over time (x in Unix seconds)
 * gnuplot runs through idr_plot() (plot.h): $IODRILL_GNUPLOT, else `gnuplot` on PATH
 * (Debian: gnuplot-nox).
 */
#ifndef IDR_CLI_CHART_H
#define IDR_CLI_CHART_H

#include <stddef.h>

enum idr_chart_kind { IDR_CHART_BARS, IDR_CHART_XY, IDR_CHART_TIME };

struct idr_chart_series {
	const char *title;
	unsigned int n;	 /* points; BARS: the number of categories */
	const double *x; /* XY, TIME; unused for BARS */
	const double *y; /* NaN: no value there */
};

struct idr_chart_panel {
	const char *ylabel;
	int logy;
	unsigned int nr_series;
	const struct idr_chart_series *series;
};

struct idr_chart {
	enum idr_chart_kind kind;
	const char *title, *xlabel;
	const char *const *categories; /* BARS: the x labels */
	unsigned int nr_categories;
	int logx2; /* XY: log base 2 on x (queue depths) */
	unsigned int nr_panels;
	const struct idr_chart_panel *panels;
	unsigned int width, height; /* pixels; 0: 1000 wide, 320 per panel */
	/* XY, TIME: points drawn as rings, no line, over the first panel (the changes worth
	   a look), or NULL */
	const struct idr_chart_series *marks;
};

/*
 * idr_chart_script - the gnuplot script drawing p into png (malloc'd), or NULL when out of
 * memory. Exposed for tests.
 */
char *idr_chart_script(const struct idr_chart *p, const char *png);

/*
 * idr_chart_png - draw p into the PNG file png (written under a temporary name beside it,
 * then renamed over it). Returns 0, or -errno with a message in err: gnuplot missing
 * (-ENOENT, naming the package), gnuplot failing (-EIO, with its first error line).
 */
int idr_chart_png(const struct idr_chart *p, const char *png, char *err, size_t errlen);

#endif
