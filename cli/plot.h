/*
 * plot.h - PNG charts through gnuplot: the one place the command runs it (the results
 * archive's plots, and the drill's). Describe the chart, idr_plot_png draws it.
 *
 * Three kinds, each as one or more panels stacked top to bottom (one per metric):
 *   IDR_PLOT_BARS  one bar per category (engines side by side), a bar per series in each
 *   IDR_PLOT_XY    lines over a numeric x (IOPS against iodepth), log2 x if asked
 *   IDR_PLOT_TIME  lines over time (x in Unix seconds)
 * gnuplot is $IODRILL_GNUPLOT, else `gnuplot` on PATH (Debian: gnuplot-nox).
 */
#ifndef IDR_CLI_PLOT_H
#define IDR_CLI_PLOT_H

#include <stddef.h>

enum idr_plot_kind { IDR_PLOT_BARS, IDR_PLOT_XY, IDR_PLOT_TIME };

struct idr_plot_series {
	const char *title;
	unsigned int n;		/* points; BARS: the number of categories */
	const double *x;	/* XY, TIME; unused for BARS */
	const double *y;	/* NaN: no value there */
};

struct idr_plot_panel {
	const char *ylabel;
	int logy;
	unsigned int nr_series;
	const struct idr_plot_series *series;
};

struct idr_plot {
	enum idr_plot_kind kind;
	const char *title, *xlabel;
	const char *const *categories;	/* BARS: the x labels */
	unsigned int nr_categories;
	int logx2;			/* XY: log base 2 on x (queue depths) */
	unsigned int nr_panels;
	const struct idr_plot_panel *panels;
	unsigned int width, height;	/* pixels; 0: 1000 wide, 320 per panel */
};

/*
 * idr_plot_script - the gnuplot script drawing p into png (malloc'd), or NULL when out of
 * memory. Exposed for tests.
 */
char *idr_plot_script(const struct idr_plot *p, const char *png);

/*
 * idr_plot_png - draw p into the PNG file png (written under a temporary name beside it,
 * then renamed over it). Returns 0, or -errno with a message in err: gnuplot missing
 * (-ENOENT, naming the package), gnuplot failing (-EIO, with its first error line).
 */
int idr_plot_png(const struct idr_plot *p, const char *png, char *err, size_t errlen);

#endif
