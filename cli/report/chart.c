/*
 * chart.c - PNG charts through gnuplot (chart.h): the script is written here, gnuplot run
 * by idr_plot() (plot.h), the one place iodrill runs it.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/chart.h"
#include "report/plot.h"

/* A string as a gnuplot single-quoted literal: ' doubles. */
static void quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; s && *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s != '\n')
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* A category label as a double-quoted data field (no quotes or newlines inside). */
static void label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++)
		fputc(*s == '"' || *s == '\n' ? '\'' : *s, f);
	fputc('"', f);
}

static void value(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs(" ?", f);
	else
		fprintf(f, " %.9g", v);
}

static void bars_panel(FILE *f, const struct idr_chart *p, const struct idr_chart_panel *pn,
		       unsigned int k)
{
	unsigned int c, s;

	fprintf(f, "$p%u << EOD\n", k);
	for (c = 0; c < p->nr_categories; c++) {
		label(f, p->categories[c]);
		for (s = 0; s < pn->nr_series; s++)
			value(f, c < pn->series[s].n ? pn->series[s].y[c] : NAN);
		fputc('\n', f);
	}
	fputs("EOD\n", f);
	fputs("set style data histograms\nset style histogram clustered gap 1\n"
	      "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset yrange [0:*]\n"
	      "set xtics rotate by -25 left\n",
	      f);
	fputs("plot ", f);
	for (s = 0; s < pn->nr_series; s++) {
		fprintf(f, "%s$p%u using %u%s title ", s ? ", " : "", k, s + 2,
			s ? "" : ":xtic(1)");
		quoted(f, pn->nr_series > 1 ? pn->series[s].title : "");
	}
	fputc('\n', f);
}

static void points(FILE *f, const char *name, const struct idr_chart_series *se)
{
	unsigned int i;

	fprintf(f, "$%s << EOD\n", name);
	for (i = 0; i < se->n; i++) {
		value(f, se->x[i]);
		value(f, se->y[i]);
		fputc('\n', f);
	}
	fputs("EOD\n", f);
}

static void lines_panel(FILE *f, const struct idr_chart_panel *pn, unsigned int k,
			const struct idr_chart_series *marks)
{
	char name[32];
	unsigned int s;

	for (s = 0; s < pn->nr_series; s++) {
		snprintf(name, sizeof(name), "p%us%u", k, s);
		points(f, name, &pn->series[s]);
	}
	if (marks)
		points(f, "marks", marks);
	fputs("plot ", f);
	for (s = 0; s < pn->nr_series; s++) {
		fprintf(f, "%s$p%us%u using 1:2 with linespoints pointtype 7 title ", s ? ", " : "",
			k, s);
		quoted(f, pn->series[s].title);
	}
	if (marks) {
		fputs(", $marks using 1:2 with points pointtype 6 pointsize 2.5 lc rgb 'black' "
		      "title ",
		      f);
		quoted(f, marks->title);
	}
	if (!pn->nr_series)
		fputs("NaN title 'no data'", f);
	fputc('\n', f);
}

static void axes(FILE *f, const struct idr_chart *p, const struct idr_chart_panel *pn, int last)
{
	fputs("set ylabel ", f);
	quoted(f, pn->ylabel);
	fprintf(f, "\n%s", pn->logy ? "set logscale y\n" : "unset logscale y\n");
	fputs("set xlabel ", f);
	quoted(f, last ? p->xlabel : "");
	fputc('\n', f);
	if (p->kind == IDR_CHART_XY && p->logx2)
		fputs("set logscale x 2\n", f);
	if (p->kind == IDR_CHART_TIME)
		fputs("set xdata time\nset timefmt '%s'\nset format x \"%Y-%m-%d\\n%H:%M:%S\"\n",
		      f);
}

char *idr_chart_script(const struct idr_chart *p, const char *png)
{
	unsigned int k, h = p->height ? p->height : 80 + 320 * (p->nr_panels ? p->nr_panels : 1);
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "set terminal pngcairo size %u,%u noenhanced font ',10'\nset output ",
		p->width ? p->width : 1000, h);
	quoted(f, png);
	fputs("\nset datafile missing '?'\nset grid ytics\nset key outside right top\nset lmargin 12\n",
	      f);
	fprintf(f, "set multiplot layout %u,1 title ", p->nr_panels ? p->nr_panels : 1);
	quoted(f, p->title);
	fputc('\n', f);
	for (k = 0; k < p->nr_panels; k++) {
		axes(f, p, &p->panels[k], k + 1 == p->nr_panels);
		if (p->kind == IDR_CHART_BARS)
			bars_panel(f, p, &p->panels[k], k);
		else
			lines_panel(f, &p->panels[k], k, k ? NULL : p->marks);
	}
	fputs("unset multiplot\nset output\n", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int is_png(const char *path)
{
	unsigned char magic[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return 0;
	ok = read(fd, magic, 8) == 8 && !memcmp(magic, "\x89PNG\r\n\x1a\n", 8);
	close(fd);
	return ok;
}

int idr_chart_png(const struct idr_chart *p, const char *png, char *err, size_t errlen)
{
	char tmp[4200], why[512], *script;
	const char *slash = strrchr(png, '/');
	int ret;

	snprintf(tmp, sizeof(tmp), "%.*s.%s.tmp-%d", slash ? (int)(slash - png + 1) : 0, png,
		 slash ? slash + 1 : png, (int)getpid());
	script = idr_chart_script(p, tmp);
	if (!script) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = idr_plot(script, why, sizeof(why));
	free(script);
	if (ret == -EIO || (!ret && !is_png(tmp))) {
		/* idr_plot says "gnuplot: <its complaint>"; here gnuplot is named already */
		snprintf(err, errlen, "gnuplot failed drawing %s: %s", png,
			 !ret				? "no PNG written"
			 : strncmp(why, "gnuplot: ", 9) ? why
							: why + 9);
		ret = -EIO;
	} else if (ret) {
		snprintf(err, errlen, "%s", why);
	} else if (rename(tmp, png)) {
		ret = -errno;
		snprintf(err, errlen, "cannot write %s: %s", png, strerror(errno));
	}
	if (ret)
		unlink(tmp);
	return ret;
}
