/*
 * test_chart.c - cli/report/chart.c: the gnuplot script (quoting, missing values, axes) and a
 * missing gnuplot reported as such. Drawing real PNGs is tests/results/t-plot.sh.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/chart.h"
#include "unit.h"

static const double x[] = { 1, 4, 16 }, y[] = { 100, NAN, 300 };
static const char *const cats[] = { "sync \"a\"", "nil", "kaio" };

static void bars_script(void)
{
	struct idr_chart_series s = { "IOPS", 3, NULL, y };
	struct idr_chart_panel pn = { "it's IOPS", 0, 1, &s };
	struct idr_chart p = { IDR_CHART_BARS, "run 'x'", "engine", cats, 3, 0, 1, &pn, 0, 0, NULL };
	char *t = idr_chart_script(&p, "/tmp/o'ut.png");

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "set output '/tmp/o''ut.png'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "title 'run ''x'''"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "set ylabel 'it''s IOPS'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "\"sync 'a'\" 100\n\"nil\" ?\n\"kaio\" 300\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "histograms"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "size 1000,400"));
	free(t);
}

static void lines_script(void)
{
	struct idr_chart_series s[2] = { { "sync", 3, x, y }, { "nil", 3, x, y } };
	struct idr_chart_panel pn[2] = { { "IOPS", 0, 2, s }, { "p99", 1, 2, s } };
	struct idr_chart p = { IDR_CHART_XY, "sweep", "iodepth", NULL, 0, 1, 2, pn, 800, 600, NULL };
	char *t = idr_chart_script(&p, "o.png");

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "set logscale x 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "set logscale y"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "multiplot layout 2,1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "$p1s1 << EOD\n 1 100\n 4 ?\n 16 300\nEOD"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "size 800,600"));
	CU_ASSERT_PTR_NULL(strstr(t, "$marks"));
	free(t);
	p.kind = IDR_CHART_TIME;
	t = idr_chart_script(&p, "o.png");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "set xdata time"));
	free(t);
}

static void marks_script(void)
{
	static const double mx[] = { 16 }, my[] = { 300 };
	struct idr_chart_series s = { "sync", 3, x, y }, m = { "changed", 1, mx, my };
	struct idr_chart_panel pn[2] = { { "IOPS", 0, 1, &s }, { "p99", 0, 1, &s } };
	struct idr_chart p = { IDR_CHART_TIME, "t", "x", NULL, 0, 0, 2, pn, 0, 0, &m };
	char *t = idr_chart_script(&p, "o.png");

	/* rings without a line, in the first panel only */
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "$marks << EOD\n 16 300\nEOD"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, ", $marks using 1:2 with points pointtype 6"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "title 'changed'"));
	CU_ASSERT_PTR_NULL(strstr(strstr(t, "$marks using") + 1, "$marks"));
	free(t);
}

static void no_gnuplot(void)
{
	struct idr_chart_series s = { "IOPS", 3, NULL, y };
	struct idr_chart_panel pn = { "IOPS", 0, 1, &s };
	struct idr_chart p = { IDR_CHART_BARS, "t", "x", cats, 3, 0, 1, &pn, 0, 0, NULL };
	char err[512];

	setenv("IODRILL_GNUPLOT", "/no/such/gnuplot", 1);
	CU_ASSERT_EQUAL(idr_chart_png(&p, "/tmp/iodrill-unit-noplot.png", err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "gnuplot not found"));
	CU_ASSERT_NOT_EQUAL(access("/tmp/iodrill-unit-noplot.png", F_OK), 0);
	setenv("IODRILL_GNUPLOT", "false", 1); /* runs, fails, writes nothing */
	CU_ASSERT_EQUAL(idr_chart_png(&p, "/tmp/iodrill-unit-noplot.png", err, sizeof(err)), -EIO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "gnuplot failed"));
	unsetenv("IODRILL_GNUPLOT");
}

static CU_TestInfo plot_tests[] = {
	{ "idr_chart_script/bars: quoting, missing values", bars_script },
	{ "idr_chart_script/lines: log axes, panels, time", lines_script },
	{ "idr_chart_script/marks: points alone, first panel", marks_script },
	{ "idr_chart_png/gnuplot missing or failing", no_gnuplot },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/report/chart.c", plot_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
