/*
 * results_plot.c - `iodrill results plot`: a run's engines side by side, a tune sweep's
 * IOPS and p99 against iodepth, or a device's metric over time (through chart.h). Latency
 * comes from the engines' histograms where the run has them (job_pct_ns in results.c).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "iodrill.h"
#include "report/chart.h"
#include "report/verdict.h"
#include "results.h"

/* The direction a job mostly did (its latency figures come from there). */
static int main_dir(const struct idr_result_job *j)
{
	return j->fio->dir[1].total_ios > j->fio->dir[0].total_ios;
}

static double total_iops(const struct idr_result_job *j)
{
	return j->iops[0] + j->iops[1];
}

static int finish(struct ropts *o, const struct idr_chart *p, const char *png, const char *what)
{
	char err[1024];
	struct json_object *j;

	if (idr_chart_png(p, png, err, sizeof(err))) {
		idr_err("results plot: %s", err);
		return 1;
	}
	if (o->json) {
		j = json_object_new_object();
		json_object_object_add(j, "png", json_object_new_string(png));
		json_object_object_add(j, "plot", json_object_new_string(what));
		idr_print_json(stdout, j);
		json_object_put(j);
	} else {
		printf("wrote %s (%s)\n", png, what);
	}
	return 0;
}

/* ---- a run: engines side by side ---------------------------------------------------------- */

static int plot_engines(struct ropts *o, const struct idr_result *r)
{
	unsigned int n = r->nr_jobs, i;
	char **cats = calloc(n ? n : 1, sizeof(*cats)), png[4200], title[512];
	double *iops = calloc(n ? n : 1, sizeof(double) * 3), *p99 = iops + n, *cpu = p99 + n;
	struct idr_chart_series s[3];
	struct idr_chart_panel pn[3];
	struct idr_chart p = { .kind = IDR_CHART_BARS };
	int ret = 1;

	if (!cats || !iops)
		goto out;
	for (i = 0; i < n; i++) {
		const struct idr_result_job *j = &r->jobs[i];

		if (asprintf(&cats[i], "%s %s qd%u", j->engine, j->fio->name, j->iodepth) < 0)
			goto out;
		iops[i] = total_iops(j);
		p99[i] = job_pct_ns(j, main_dir(j), 99) / 1e3;
		cpu[i] = j->cpu_us_per_io;
	}
	s[0] = (struct idr_chart_series){ "IOPS", n, NULL, iops };
	s[1] = (struct idr_chart_series){ "p99", n, NULL, p99 };
	s[2] = (struct idr_chart_series){ "CPU", n, NULL, cpu };
	pn[0] = (struct idr_chart_panel){ "IOPS", 0, 1, &s[0] };
	/* job_pct_ns: the engine's per-I/O histogram, else fio's clat; no bar for a job
	   whose completions were reaped in batches (a batch's stamp is not a latency) */
	pn[1] = (struct idr_chart_panel){ "p99 latency (µs; none: reaped in batches)", 0, 1,
					  &s[1] };
	pn[2] = (struct idr_chart_panel){ "CPU per I/O (µs)", 0, 1, &s[2] };
	snprintf(title, sizeof(title), "%s on %s", r->id, r->device);
	p.title = title;
	p.xlabel = "engine, job, queue depth";
	p.categories = (const char *const *)cats;
	p.nr_categories = n;
	p.nr_panels = 3;
	p.panels = pn;
	snprintf(png, sizeof(png), "%s", o->output ? o->output : "");
	if (!o->output)
		snprintf(png, sizeof(png), "%s-engines.png", r->id);
	ret = finish(o, &p, png, "engines side by side");
out:
	for (i = 0; cats && i < n; i++)
		free(cats[i]);
	free(cats);
	free(iops);
	return ret;
}

/* ---- a run: a queue-depth sweep ------------------------------------------------------------- */

struct sweep_line {
	char title[160];
	unsigned int n;
	double *x, *iops, *p99;
};

static int by_x(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* One line per engine, job name, rw and bs; points sorted by queue depth. */
static int sweep_lines(const struct idr_result *r, struct sweep_line *lines, unsigned int *nl)
{
	unsigned int i, k;

	for (i = 0; i < r->nr_jobs; i++) {
		const struct idr_result_job *j = &r->jobs[i];
		char title[160];
		struct sweep_line *l = NULL;

		snprintf(title, sizeof(title), "%s %s %s %s", j->engine, j->fio->name, j->rw,
			 j->bs);
		for (k = 0; k < *nl && !l; k++)
			if (!strcmp(lines[k].title, title))
				l = &lines[k];
		if (!l) {
			l = &lines[(*nl)++];
			snprintf(l->title, sizeof(l->title), "%s", title);
			l->x = calloc(r->nr_jobs * 3, sizeof(double));
			if (!l->x)
				return -ENOMEM;
		}
		/* three parallel columns, sorted together below as (x, iops, p99) triples */
		l->x[3 * l->n] = j->iodepth;
		l->x[3 * l->n + 1] = total_iops(j);
		l->x[3 * l->n + 2] = job_pct_ns(j, main_dir(j), 99) / 1e3;
		l->n++;
	}
	for (k = 0; k < *nl; k++) {
		struct sweep_line *l = &lines[k];
		double *t = l->x;

		qsort(t, l->n, 3 * sizeof(double), by_x);
		l->x = calloc(l->n * 3 + 1, sizeof(double));
		if (!l->x) {
			l->x = t;
			return -ENOMEM;
		}
		l->iops = l->x + l->n;
		l->p99 = l->iops + l->n;
		for (i = 0; i < l->n; i++) {
			l->x[i] = t[3 * i];
			l->iops[i] = t[3 * i + 1];
			l->p99[i] = t[3 * i + 2];
		}
		free(t);
	}
	return 0;
}

static int plot_sweep(struct ropts *o, const struct idr_result *r)
{
	unsigned int nl = 0, k;
	struct sweep_line *lines = calloc(r->nr_jobs ? r->nr_jobs : 1, sizeof(*lines));
	struct idr_chart_series *s = calloc(2 * (r->nr_jobs ? r->nr_jobs : 1), sizeof(*s));
	struct idr_chart_panel pn[2];
	struct idr_chart p = { .kind = IDR_CHART_XY, .logx2 = 1 };
	char png[4200], title[512];
	int ret = 1;

	if (!lines || !s || sweep_lines(r, lines, &nl)) {
		idr_err("results plot: out of memory");
		goto out;
	}
	for (k = 0; k < nl; k++) {
		s[k] = (struct idr_chart_series){ lines[k].title, lines[k].n, lines[k].x,
						  lines[k].iops };
		s[nl + k] = (struct idr_chart_series){ lines[k].title, lines[k].n, lines[k].x,
						       lines[k].p99 };
	}
	pn[0] = (struct idr_chart_panel){ "IOPS", 0, nl, s };
	pn[1] = (struct idr_chart_panel){ "p99 latency (µs)", 1, nl, s + nl };
	snprintf(title, sizeof(title), "%s on %s: IOPS and p99 against queue depth", r->id,
		 r->device);
	p.title = title;
	p.xlabel = "iodepth";
	p.nr_panels = 2;
	p.panels = pn;
	if (o->output)
		snprintf(png, sizeof(png), "%s", o->output);
	else
		snprintf(png, sizeof(png), "%s-sweep.png", r->id);
	ret = finish(o, &p, png, "queue-depth sweep");
out:
	for (k = 0; lines && k < nl; k++)
		free(lines[k].x);
	free(lines);
	free(s);
	return ret;
}

/* ---- a device: a metric over time ------------------------------------------------------------- */

static const char *const metrics[] = { "iops", "p50", "p99", "cpu" };

static double metric_of(const struct idr_result_job *j, unsigned int m)
{
	switch (m) {
	case 0:
		return total_iops(j);
	case 1:
		return job_pct_ns(j, main_dir(j), 50) / 1e3;
	case 2:
		return job_pct_ns(j, main_dir(j), 99) / 1e3;
	default:
		return j->cpu_us_per_io;
	}
}

struct time_line {
	char key[512];
	unsigned int n, cap;
	double *x, *y;
};

static int add_point(struct time_line *l, double x, double y)
{
	double *nx, *ny;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		nx = realloc(l->x, l->cap * sizeof(double));
		if (nx)
			l->x = nx;
		ny = nx ? realloc(l->y, l->cap * sizeof(double)) : NULL;
		if (!ny)
			return -ENOMEM;
		l->y = ny;
	}
	l->x[l->n] = x;
	l->y[l->n++] = y;
	return 0;
}

static struct time_line *line_for(struct time_line **lines, unsigned int *nl, unsigned int *cap,
				  const char *key)
{
	struct time_line *grown;
	unsigned int k;

	for (k = 0; k < *nl; k++)
		if (!strcmp((*lines)[k].key, key))
			return &(*lines)[k];
	if (*nl == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		grown = realloc(*lines, *cap * sizeof(**lines));
		if (!grown)
			return NULL;
		*lines = grown;
	}
	memset(&(*lines)[*nl], 0, sizeof(**lines));
	snprintf((*lines)[*nl].key, sizeof((*lines)[0].key), "%s", key);
	return &(*lines)[(*nl)++];
}

/* Every run of dev in range, oldest first (runs are in the index newest first). */
static int collect_time(struct ropts *o, const struct idr_archive_index *idx, const char *dev,
			unsigned int m, struct time_line **lines, unsigned int *nl,
			unsigned int *runs)
{
	int64_t since = INT64_MIN, until = INT64_MAX;
	unsigned int cap = 0, i, k;
	char path[4200], err[1024], key[512];
	struct idr_result r;

	/* plot_time checked both */
	if (o->since)
		results_when(o->since, idr_now_ms(), &since);
	if (o->until)
		results_when(o->until, idr_now_ms(), &until);
	for (i = idx->nr; i-- > 0;) {
		const struct idr_archive_run *run = &idx->runs[i];

		if (strcmp(run->device, dev) || run->time_ms < since || run->time_ms > until ||
		    (o->kind && strcmp(o->kind, run->kind)))
			continue;
		idr_archive_run_path(idx, run, path, sizeof(path));
		if (idr_result_load(path, &r, err, sizeof(err))) {
			idr_err("results plot: skipping %s", err);
			continue;
		}
		(*runs)++;
		for (k = 0; k < r.nr_jobs; k++) {
			struct time_line *l;

			idr_result_job_key(&r.jobs[k], key, sizeof(key));
			l = line_for(lines, nl, &cap, key);
			if (!l ||
			    add_point(l, (double)run->time_ms / 1e3, metric_of(&r.jobs[k], m))) {
				idr_result_free(&r);
				return 1;
			}
		}
		idr_result_free(&r);
	}
	return 0;
}

/* One run of a line against the run before it. */
struct step {
	double x;
	struct idr_change ch;
};

/* The values of line l from point *i on with the same x (one run's repetitions); moves *i
 * past them and returns how many (0 at the end). */
static unsigned int run_at(const struct time_line *l, unsigned int *i)
{
	unsigned int s = *i;

	while (*i < l->n && l->x[*i] == l->x[s])
		(*i)++;
	return *i - s;
}

/* Each run of line l against the run before it, appended to st[*ns..] (grown by *cap).
 * higher_better: the metric is IOPS. Returns 0 or -ENOMEM. */
static int steps_of(const struct time_line *l, bool higher_better, double min_change,
		    struct step **st, unsigned int *ns, unsigned int *cap)
{
	unsigned int i = 0, prev = 0, nprev = run_at(l, &i), n;
	struct step *grown;

	while ((n = run_at(l, &i))) {
		if (*ns == *cap) {
			grown = reallocarray(*st, *cap ? 2 * *cap : 16, sizeof(**st));
			if (!grown)
				return -ENOMEM;
			*st = grown;
			*cap = *cap ? 2 * *cap : 16;
		}
		(*st)[*ns].x = l->x[i - n];
		if (idr_change(l->y + prev, nprev, l->y + i - n, n, higher_better, min_change,
			       &(*st)[(*ns)++].ch))
			return -ENOMEM;
		prev = i - n;
		nprev = n;
	}
	return 0;
}

/*
 * Marks: the runs in which a line's metric m changed significantly from the run before,
 * as results compare decides (verdict.h; every step of every line decided together), at
 * the run's median. Returns 0 or -ENOMEM.
 */
static int significant(const struct time_line *lines, unsigned int nl, unsigned int m,
		       double min_change, struct time_line *marks)
{
	struct idr_change **fam = NULL;
	struct step *st = NULL;
	unsigned int k, i, ns = 0, cap = 0;
	int ret = 0;

	for (k = 0; k < nl && !ret; k++)
		ret = steps_of(&lines[k], m == 0, min_change, &st, &ns, &cap);
	fam = ret ? NULL : malloc((ns ? ns : 1) * sizeof(*fam));
	for (i = 0; fam && i < ns; i++)
		fam[i] = &st[i].ch;
	if (!fam || idr_change_family(fam, ns))
		ret = -ENOMEM;
	for (i = 0; !ret && i < ns; i++)
		if (st[i].ch.verdict == IDR_V_BETTER || st[i].ch.verdict == IDR_V_WORSE)
			ret = add_point(marks, st[i].x, st[i].ch.med_b);
	free(fam);
	free(st);
	return ret;
}

static int plot_time(struct ropts *o, const struct idr_archive_index *idx, const char *dev)
{
	static const char *const ylabels[] = { "IOPS", "p50 latency (µs)", "p99 latency (µs)",
					       "CPU per I/O (µs)" };
	struct time_line *lines = NULL, marks = { .key = "significant change from the run before" };
	unsigned int nl = 0, runs = 0, m, k;
	struct idr_chart_series *s = NULL;
	struct idr_chart_panel pn;
	struct idr_chart p = { .kind = IDR_CHART_TIME };
	char png[4200], title[512];
	int64_t t;
	int ret;

	for (m = 0; m < 4 && strcmp(metrics[m], o->metric ? o->metric : "iops"); m++)
		;
	if (m == 4) {
		idr_err("results plot: --metric %s: one of iops, p50, p99, cpu", o->metric);
		return 2;
	}
	if ((o->since && results_when(o->since, idr_now_ms(), &t)) ||
	    (o->until && results_when(o->until, idr_now_ms(), &t))) {
		idr_err("results plot: --since/--until: not a time (2026-11-25, 2026-11-25T16:19Z, "
			"@SECONDS, 7d)");
		return 2;
	}
	ret = collect_time(o, idx, dev, m, &lines, &nl, &runs);
	if (!ret && !runs) {
		idr_err("results plot: %s has no runs%s", dev,
			o->since || o->until || o->kind ? " matching --since/--until/--kind" : "");
		ret = 1;
	}
	if (!ret && significant(lines, nl, m, o->min_change, &marks))
		ret = 1;
	s = ret ? NULL : calloc(nl + 1, sizeof(*s));
	if (!ret && s) {
		for (k = 0; k < nl; k++)
			s[k] = (struct idr_chart_series){ lines[k].key, lines[k].n, lines[k].x,
							  lines[k].y };
		/* only changes the test calls significant are marked; none, no marks */
		s[nl] = (struct idr_chart_series){ marks.key, marks.n, marks.x, marks.y };
		p.marks = marks.n ? &s[nl] : NULL;
		pn = (struct idr_chart_panel){ ylabels[m], 0, nl, s };
		snprintf(title, sizeof(title), "%s: %s over %u run%s", dev, metrics[m], runs,
			 runs == 1 ? "" : "s");
		p.title = title;
		p.xlabel = "time of the run (UTC)";
		p.nr_panels = 1;
		p.panels = &pn;
		if (o->output)
			snprintf(png, sizeof(png), "%s", o->output);
		else
			snprintf(png, sizeof(png), "%s-%s.png", dev, metrics[m]);
		ret = finish(o, &p, png, "metric over time");
	}
	for (k = 0; k < nl; k++) {
		free(lines[k].x);
		free(lines[k].y);
	}
	free(lines);
	free(marks.x);
	free(marks.y);
	free(s);
	return ret;
}

/* ---- what to plot ------------------------------------------------------------------------------ */

/* Is name a run (1), a device (0), or neither (-1, message printed)? A run id or path
 * wins over a device; then a unique part of a run id, then of a device name. */
static int which(const struct idr_archive_index *idx, const char *name, const char **dev)
{
	char err[1024], derr[1024];
	struct stat st;
	unsigned int i;

	*dev = NULL;
	if (!strcmp(name, "latest") || ((strchr(name, '/') || strstr(name, ".json")) &&
					!stat(name, &st) && S_ISREG(st.st_mode)))
		return 1;
	for (i = 0; i < idx->nr; i++)
		if (!strcmp(idx->runs[i].id, name))
			return 1;
	for (i = 0; i < idx->nr_devices; i++)
		if (!strcmp(idx->devices[i], name))
			return (*dev = idx->devices[i]), 0;
	if (idr_archive_find_run(idx, name, err, sizeof(err)))
		return 1;
	*dev = idr_archive_find_device(idx, name, derr, sizeof(derr));
	if (*dev)
		return 0;
	idr_err("results plot: '%s' is neither a run nor a device: %s", name,
		strstr(err, "matches") ? err : derr);
	return -1;
}

int results_plot(struct ropts *o)
{
	struct idr_archive_index idx;
	struct idr_result r;
	const char *dev;
	char err[1024];
	int ret = 1, kind;

	if (o->nargs != 1) {
		idr_err("results plot: give one RUN or DEVICE");
		return 2;
	}
	if (o->sweep && o->engines) {
		idr_err("results plot: --sweep or --engines, not both");
		return 2;
	}
	if (idr_archive_scan(o->dir, &idx, err, sizeof(err))) {
		idr_err("results: %s", err);
		return 1;
	}
	kind = which(&idx, o->args[0], &dev);
	if (kind == 1 && (o->metric || o->since || o->until || o->kind)) {
		idr_err("results plot: --metric, --since, --until and --kind are for a DEVICE's "
			"runs over time; %s is a run",
			o->args[0]);
		ret = 2;
	} else if (kind == 0 && (o->sweep || o->engines)) {
		idr_err("results plot: --sweep and --engines are for a RUN; %s is a device",
			o->args[0]);
		ret = 2;
	} else if (kind == 1 && !results_load_run(&idx, o->args[0], &r)) {
		if (o->sweep || (!o->engines && !strcmp(r.kind, "tune")))
			ret = plot_sweep(o, &r);
		else
			ret = plot_engines(o, &r);
		idr_result_free(&r);
	} else if (kind == 0) {
		ret = plot_time(o, &idx, dev);
	}
	idr_archive_index_free(&idx);
	return ret;
}
