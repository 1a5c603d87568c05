/*
 * results_compare.c - `iodrill results compare`: two runs side by side, per engine and job
 * (a drill's engine, a tune's engine at one depth), each figure over the job's repetitions
 * in each run with a tested verdict (verdict.h: ratio of medians, its interval, the
 * Mann-Whitney U test), a regression flag, and warnings where the runs differ in
 * something that changes what their numbers mean.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "iodrill.h"
#include "report/stats.h"
#include "report/verdict.h"
#include "results.h"

#define EXIT_REGRESSION 3

/* ---- what changes the meaning ------------------------------------------------------------ */

struct warnings {
	struct json_object *list; /* [{"what", "a", "b"}] */
};

static void warn(struct warnings *w, const char *what, const char *a, const char *b)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "what", json_object_new_string(what));
	json_object_object_add(o, "a", json_object_new_string(a ? a : "(none)"));
	json_object_object_add(o, "b", json_object_new_string(b ? b : "(none)"));
	json_object_array_add(w->list, o);
}

/* Text of any JSON value for comparing (NULL stays NULL). */
static const char *text(struct json_object *v)
{
	if (!v)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void diff_value(struct warnings *w, const char *what, struct json_object *a,
		       struct json_object *b)
{
	const char *ta = text(a), *tb = text(b);
	char *copy;

	if (!ta && !tb)
		return;
	if (ta && tb && !strcmp(ta, tb))
		return;
	copy = ta ? strdup(ta) : NULL; /* json-c reuses the buffer of a's text for b's */
	warn(w, what, copy ? copy : ta, tb);
	free(copy);
}

static struct json_object *at(struct json_object *o, const char *dotted)
{
	char key[128];
	const char *dot;

	while (o && (dot = strchr(dotted, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - dotted), dotted);
		o = idr_json_get(o, key);
		dotted = dot + 1;
	}
	return idr_json_get(o, dotted);
}

/* Every key of two objects, each once: calls fn(key) for the union. */
static void each_key(struct json_object *a, struct json_object *b,
		     void (*fn)(const char *key, void *arg), void *arg)
{
	if (a && json_object_is_type(a, json_type_object)) {
		json_object_object_foreach(a, k, v)
		{
			(void)v;
			fn(k, arg);
		}
	}
	if (b && json_object_is_type(b, json_type_object)) {
		json_object_object_foreach(b, k, v)
		{
			(void)v;
			if (!a || !idr_json_get(a, k))
				fn(k, arg);
		}
	}
}

struct keydiff {
	struct warnings *w;
	struct json_object *a, *b;
	const char *prefix;
	const char *const *skip;
	bool setup_only; /* numbers are what a run did, not how it was set up */
};

static bool is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

static void key_diff(const char *key, void *arg)
{
	struct keydiff *d = arg;
	char what[256];
	unsigned int i;

	for (i = 0; d->skip && d->skip[i]; i++)
		if (!strcmp(d->skip[i], key))
			return;
	if (d->setup_only && is_number(idr_json_get(d->a, key)) &&
	    is_number(idr_json_get(d->b, key)))
		return;
	snprintf(what, sizeof(what), "%s%s", d->prefix, key);
	diff_value(d->w, what, idr_json_get(d->a, key), idr_json_get(d->b, key));
}

static void diff_objects(struct warnings *w, const char *prefix, struct json_object *a,
			 struct json_object *b, const char *const *skip)
{
	struct keydiff d = { .w = w, .a = a, .b = b, .prefix = prefix, .skip = skip };

	each_key(a, b, key_diff, &d);
}

/*
 * An engine's facts, one by one, but for its numbers: those are counts of what the run did
 * (uring_fixed's enter_merged, sq_full, ...; they differ between any two runs) or sizes
 * that follow from job options (warned as options); its strings and flags say how it was
 * set up (ring flags in effect, fallbacks taken).
 */
static void diff_facts(struct warnings *w, const char *prefix, struct json_object *a,
		       struct json_object *b)
{
	struct keydiff d = { .w = w, .a = a, .b = b, .prefix = prefix, .setup_only = true };

	each_key(a, b, key_diff, &d);
}

/* Device facts that do not change a number's meaning: the name it had today, its size... */
static const char *const device_noise[] = {
	"kernel_name", "size_bytes",   "lba_count",	 "generic_device", "identity_source",
	"mount_point", "mount_source", "backing_device", "eui64",	   "wwid",
	NULL
};

static void diff_host_device(struct warnings *w, const struct idr_result *a,
			     const struct idr_result *b)
{
	static const struct {
		const char *what, *path;
	} simple[] = {
		{ "kernel", "host.kernel" },
		{ "kernel build", "host.kernel_version" },
		{ "fio", "fio.version" },
		{ "CPU model", "host.cpu_model" },
		{ "CPUs online", "host.cpus_online" },
		{ "io_uring_disabled", "host.io_uring_disabled" },
		{ "device", "device.name" },
		{ "host", "host.hostname" },
		{ "fleet host", "host.fleet_host" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		diff_value(w, simple[i].what, at(a->prov, simple[i].path),
			   at(b->prov, simple[i].path));
	diff_objects(w, "CPU mitigation ", at(a->prov, "host.mitigations"),
		     at(b->prov, "host.mitigations"), NULL);
	diff_objects(w, "device identity ", at(a->prov, "device.identity"),
		     at(b->prov, "device.identity"), NULL);
	diff_objects(w, "device ", at(a->prov, "device.facts"), at(b->prov, "device.facts"),
		     device_noise);
	diff_objects(w, "backing device ", at(a->prov, "device.facts.backing_device"),
		     at(b->prov, "device.facts.backing_device"), device_noise);
}

static struct json_object *engine_of(const struct idr_result *r, const char *name)
{
	struct json_object *e = idr_json_get(r->prov, "engines");
	size_t i;

	for (i = 0; e && json_object_is_type(e, json_type_array) && i < json_object_array_length(e);
	     i++) {
		const char *n = idr_json_str(json_object_array_get_idx(e, i), "name");

		if (n && !strcmp(n, name))
			return json_object_array_get_idx(e, i);
	}
	return NULL;
}

static void diff_engines(struct warnings *w, const struct idr_result *a, const struct idr_result *b)
{
	struct json_object *ea = idr_json_get(a->prov, "engines"), *x, *y;
	char what[128];
	size_t i;

	for (i = 0;
	     ea && json_object_is_type(ea, json_type_array) && i < json_object_array_length(ea);
	     i++) {
		const char *name = idr_json_str(json_object_array_get_idx(ea, i), "name");

		if (!name)
			continue;
		x = engine_of(a, name);
		y = engine_of(b, name);
		if (!y)
			continue;
		if (idr_json_get(x, "no_sidecar") || idr_json_get(y, "no_sidecar")) {
			/* its build and facts are unknown on that side; its IOPS over fio's timer */
			snprintf(what, sizeof(what), "engine %s sidecar (build, facts, ns timer)",
				 name);
			warn(w, what, idr_json_get(x, "no_sidecar") ? "none" : "kept",
			     idr_json_get(y, "no_sidecar") ? "none" : "kept");
			continue;
		}
		snprintf(what, sizeof(what), "engine %s build", name);
		diff_value(w, what, idr_json_get(x, "build"), idr_json_get(y, "build"));
		snprintf(what, sizeof(what), "engine %s fact ", name);
		diff_facts(w, what, idr_json_get(x, "facts"), idr_json_get(y, "facts"));
	}
}

/* ---- a job's repetitions ------------------------------------------------------------------ */

/* The merged options the archive recorded for job i of r (prov.jobs[i].options). */
static struct json_object *job_options(const struct idr_result *r, unsigned int i)
{
	struct json_object *jobs = idr_json_get(r->prov, "jobs");

	if (!jobs || !json_object_is_type(jobs, json_type_array) ||
	    i >= json_object_array_length(jobs))
		return NULL;
	return idr_json_get(json_object_array_get_idx(jobs, i), "options");
}

/* The first job of r with this key, or -1. */
static int find_key(const struct idr_result *r, const char *key)
{
	char k[512];
	unsigned int i;

	for (i = 0; i < r->nr_jobs; i++) {
		idr_result_job_key(&r->jobs[i], k, sizeof(k));
		if (!strcmp(k, key))
			return (int)i;
	}
	return -1;
}

/* Every job of r with this key (a drill repeats each engine's job, one fio run each) into
 * reps, which has room for r->nr_jobs. Returns how many. */
static unsigned int repetitions(const struct idr_result *r, const char *key,
				const struct idr_result_job **reps)
{
	char k[512];
	unsigned int i, n = 0;

	for (i = 0; i < r->nr_jobs; i++) {
		idr_result_job_key(&r->jobs[i], k, sizeof(k));
		if (!strcmp(k, key))
			reps[n++] = &r->jobs[i];
	}
	return n;
}

static const char *const option_noise[] = { "name",	"filename", "directory", "sidecar",
					    "ioengine", "output",   NULL };

/* ---- the figures --------------------------------------------------------------------------- */

struct figure {
	const char *name;
	bool per_dir; /* one per direction (read, write), else one per job */
	bool higher_better;
	bool matters; /* a significant worsening is a regression (exit 3) */
	double (*of)(const struct idr_result *r, const struct idr_result_job *j, int d);
	char *(*fmt)(double v, char *buf, size_t len);
};

/*
 * A job whose work was fixed, not bounded by a runtime= (fio's JSON leaves out a bare
 * time_based, never the runtime that goes with it): the drill's 1,000 reads. Its figure
 * is the time they took; its IOPS would be the same measurement again (I/Os over that
 * time), counted twice among the figures tested together.
 */
static bool fixed_work(const struct idr_result *r, const struct idr_result_job *j)
{
	const struct idr_fio_run *run = &r->runs[j->part];
	const char *tb = idr_fio_run_opt(run, j->fio, "time_based");

	return !idr_fio_run_opt(run, j->fio, "runtime") && !(tb && strcmp(tb, "0"));
}

static double iops_of(const struct idr_result *r, const struct idr_result_job *j, int d)
{
	return fixed_work(r, j) ? NAN : j->iops[d];
}

static double p50_of(const struct idr_result *r, const struct idr_result_job *j, int d)
{
	(void)r;
	return job_pct_ns(j, d, 50);
}

static double p99_of(const struct idr_result *r, const struct idr_result_job *j, int d)
{
	(void)r;
	return job_pct_ns(j, d, 99);
}

static double time_of(const struct idr_result *r, const struct idr_result_job *j, int d)
{
	(void)d;
	return fixed_work(r, j) ? j->elapsed_s * 1e3 : NAN;
}

static double cpu_of(const struct idr_result *r, const struct idr_result_job *j, int d)
{
	(void)r;
	(void)d;
	return j->cpu_us_per_io;
}

static char *fmt_3(double v, char *buf, size_t len)
{
	return fmt_num(v, "%.3f", buf, len);
}

static const struct figure figures[] = {
	{ "IOPS", true, true, true, iops_of, fmt_si },
	{ "p50 µs", true, false, false, p50_of, fmt_us },
	{ "p99 µs", true, false, true, p99_of, fmt_us },
	{ "time ms", false, false, true, time_of, fmt_3 },
	{ "CPU µs/IO", false, false, true, cpu_of, fmt_3 },
};

#define NR_FIGURES (sizeof(figures) / sizeof(figures[0]))

/* ---- the table --------------------------------------------------------------------------- */

/* One row of the table: one figure of one job (key), in one direction, compared. */
struct row {
	char key[512];
	const char *dir;
	const struct figure *f;
	bool first; /* the key's first row */
	struct idr_change ch;
};

struct cmp {
	struct ropts *o;
	const struct idr_result *a, *b;
	const struct idr_result_job **ra, **rb; /* one key's repetitions in a and b */
	unsigned int na, nb;
	double *va, *vb; /* one figure's values over them */
	struct row *tab; /* every row, decided together */
	unsigned int nr, cap;
	struct json_object *rows, *only_a, *only_b;
	unsigned int regressions, too_few;
	char worst[600];
};

static const char *const dirs[2] = { "read", "write" };

static struct json_object *jnum(double v)
{
	return isnan(v) || isinf(v) ? NULL : json_object_new_double(v);
}

static const char *test_name(const struct idr_change *ch)
{
	if (isnan(ch->p))
		return NULL;
	return ch->exact ? "Mann-Whitney U, two-sided, exact"
			 : "Mann-Whitney U, two-sided, normal approximation";
}

static void row_json(struct cmp *c, const struct row *w)
{
	const struct idr_change *ch = &w->ch;
	struct json_object *r = json_object_new_object(), *ci = NULL;

	if (!isnan(ch->lo)) {
		ci = json_object_new_array();
		json_object_array_add(ci, json_object_new_double(ch->lo));
		json_object_array_add(ci, json_object_new_double(ch->hi));
	}
	json_object_object_add(r, "key", json_object_new_string(w->key));
	json_object_object_add(r, "dir", json_object_new_string(w->dir));
	json_object_object_add(r, "figure", json_object_new_string(w->f->name));
	json_object_object_add(r, "matters", json_object_new_boolean(w->f->matters));
	json_object_object_add(r, "a", jnum(ch->med_a));
	json_object_object_add(r, "b", jnum(ch->med_b));
	json_object_object_add(r, "n_a", json_object_new_int((int)ch->na));
	json_object_object_add(r, "n_b", json_object_new_int((int)ch->nb));
	json_object_object_add(r, "ratio", jnum(ch->ratio));
	json_object_object_add(r, "ci", ci);
	json_object_object_add(r, "ci_level", jnum(ch->level));
	json_object_object_add(r, "test",
			       test_name(ch) ? json_object_new_string(test_name(ch)) : NULL);
	json_object_object_add(r, "p", jnum(ch->p));
	json_object_object_add(r, "p_adjusted", jnum(ch->p_adj));
	json_object_object_add(r, "verdict", json_object_new_string(idr_verdict_name(ch->verdict)));
	json_object_array_add(c->rows, r);
}

/* s left-aligned in width columns, into buf (printf counts bytes, and µ is two). */
static const char *padded(const char *s, int width, char buf[32])
{
	int cols = 0;
	const char *c;

	for (c = s; *c; c++)
		cols += ((unsigned char)*c & 0xc0) != 0x80;
	snprintf(buf, 32, "%s%*s", s, width > cols ? width - cols : 0, "");
	return buf;
}

/* A p-value for the table. */
static char *fmt_p(double p, char *buf, size_t len)
{
	snprintf(buf, len, isnan(p) ? "-" : p < 0.001 ? "<0.001" : "%.3f", p);
	return buf;
}

static void row_text(const struct row *w)
{
	const struct idr_change *ch = &w->ch;
	const struct figure *f = w->f;
	char va[32], vb[32], ratio[32], ci[48] = "-", p[16], q[16], n[24], verdict[64], name[32];

	if (w->first)
		printf("%s\n", w->key);
	if (!isnan(ch->lo))
		snprintf(ci, sizeof(ci), "[%.3f, %.3f]", ch->lo, ch->hi);
	snprintf(n, sizeof(n), "%u/%u", ch->na, ch->nb);
	if (ch->verdict == IDR_V_FEW)
		snprintf(verdict, sizeof(verdict), "too few repetitions (n=%u)",
			 ch->na < ch->nb ? ch->na : ch->nb);
	else
		snprintf(verdict, sizeof(verdict), "%s%s", idr_verdict_name(ch->verdict),
			 ch->verdict == IDR_V_WORSE && f->matters ? "  <- REGRESSION" : "");
	printf("  %-5s %s %9s %9s %7s  %-16s %6s %6s %6s  %s\n", w->dir, padded(f->name, 10, name),
	       f->fmt(ch->med_a, va, sizeof(va)), f->fmt(ch->med_b, vb, sizeof(vb)),
	       fmt_num(ch->ratio, "%.3f", ratio, sizeof(ratio)), ci, fmt_p(ch->p, p, sizeof(p)),
	       fmt_p(ch->p_adj, q, sizeof(q)), n, verdict);
}

/* One figure of one key, direction d (-1: per job), into the table. Returns 1 when a row
 * was made, 0 when neither run has the figure, -ENOMEM. */
static int figure_row(struct cmp *c, const char *key, const struct figure *f, int d, bool first)
{
	struct row *w, *grown;
	unsigned int i;

	if (c->nr == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		grown = realloc(c->tab, c->cap * sizeof(*c->tab));
		if (!grown)
			return -ENOMEM;
		c->tab = grown;
	}
	w = &c->tab[c->nr];
	for (i = 0; i < c->na; i++)
		c->va[i] = f->of(c->a, c->ra[i], d);
	for (i = 0; i < c->nb; i++)
		c->vb[i] = f->of(c->b, c->rb[i], d);
	if (idr_change(c->va, c->na, c->vb, c->nb, f->higher_better, c->o->min_change, &w->ch))
		return -ENOMEM;
	if (!w->ch.na && !w->ch.nb)
		return 0; /* a time_based job's time */
	snprintf(w->key, sizeof(w->key), "%s", key);
	w->dir = d < 0 ? "-" : dirs[d];
	w->f = f;
	w->first = first;
	c->nr++;
	return 1;
}

/* Every row decided together (verdict.h), then counted and printed. */
static int emit_rows(struct cmp *c)
{
	struct idr_change **family = malloc((c->nr ? c->nr : 1) * sizeof(*family));
	unsigned int i;

	if (!family)
		return -ENOMEM;
	for (i = 0; i < c->nr; i++)
		family[i] = &c->tab[i].ch;
	if (idr_change_family(family, c->nr)) {
		free(family);
		return -ENOMEM;
	}
	free(family);
	for (i = 0; i < c->nr; i++) {
		const struct row *w = &c->tab[i];

		c->too_few += w->ch.verdict == IDR_V_FEW;
		if (w->ch.verdict == IDR_V_WORSE && w->f->matters && !c->regressions++)
			snprintf(c->worst, sizeof(c->worst), "%s %s %s x%.3f, adjusted p=%.3g",
				 w->key, w->dir, w->f->name, w->ch.ratio, w->ch.p_adj);
		row_json(c, w);
		if (!c->o->json)
			row_text(w);
	}
	return 0;
}

/* Did any of the repetitions do I/O in direction d? */
static bool did(const struct idr_result_job **reps, unsigned int n, int d)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (reps[i]->fio->dir[d].total_ios)
			return true;
	return false;
}

/* The figures of one key in direction d (per_dir), or of the whole job (d = -1), into the
 * table; *first says no row of the key was made yet. Returns 0 or -ENOMEM. */
static int figures_of(struct cmp *c, const char *key, int d, bool *first)
{
	unsigned int f;
	int ret;

	for (f = 0; f < NR_FIGURES; f++) {
		if (figures[f].per_dir != (d >= 0))
			continue;
		ret = figure_row(c, key, &figures[f], d, *first);
		if (ret < 0)
			return ret;
		*first &= !ret;
	}
	return 0;
}

/* Every figure of one key into the table. Returns 0 or -ENOMEM. */
static int compare_key(struct cmp *c, const char *key)
{
	bool first = true;
	int d, ret = 0;

	c->na = repetitions(c->a, key, c->ra);
	c->nb = repetitions(c->b, key, c->rb);
	for (d = 0; d < 2 && !ret; d++)
		if (did(c->ra, c->na, d) || did(c->rb, c->nb, d))
			ret = figures_of(c, key, d, &first);
	return ret ? ret : figures_of(c, key, -1, &first);
}

/* Each key of r (its first job of it) that other lacks, once. */
static void only_in(struct json_object *list, const struct idr_result *r,
		    const struct idr_result *other)
{
	char key[512];
	unsigned int i;

	for (i = 0; i < r->nr_jobs; i++) {
		idr_result_job_key(&r->jobs[i], key, sizeof(key));
		if (find_key(r, key) == (int)i && find_key(other, key) < 0)
			json_object_array_add(list, json_object_new_string(key));
	}
}

/* The options of each key's first job, against B's first job of that key. */
static void diff_job_options(struct warnings *w, const struct idr_result *a,
			     const struct idr_result *b)
{
	char prefix[600], key[512];
	unsigned int i;
	int k;

	for (i = 0; i < a->nr_jobs; i++) {
		idr_result_job_key(&a->jobs[i], key, sizeof(key));
		k = find_key(b, key);
		if (k < 0 || find_key(a, key) != (int)i)
			continue;
		snprintf(prefix, sizeof(prefix), "job %s option ", key);
		diff_objects(w, prefix, job_options(a, i), job_options(b, (unsigned int)k),
			     option_noise);
	}
}

/* ---- output ------------------------------------------------------------------------------- */

static struct json_object *run_json(const struct idr_result *r)
{
	struct json_object *o = json_object_new_object();
	char when[40];

	json_object_object_add(o, "id", json_object_new_string(r->id));
	json_object_object_add(o, "time",
			       json_object_new_string(
				       idr_time_iso(r->time_ms, when, sizeof(when))));
	json_object_object_add(o, "kind", json_object_new_string(r->kind));
	json_object_object_add(o, "device", json_object_new_string(r->device));
	return o;
}

/* How the verdicts were reached, for scripts. */
static struct json_object *test_json(const struct ropts *o)
{
	struct json_object *t = json_object_new_object();

	json_object_object_add(t, "name", json_object_new_string("Mann-Whitney U, two-sided"));
	json_object_object_add(t, "exact_up_to", json_object_new_int(IDR_MWU_EXACT_MAX));
	json_object_object_add(t, "alpha", json_object_new_double(IDR_ALPHA));
	json_object_object_add(
		t, "ci",
		json_object_new_string(
			"ratio of medians; distribution-free interval of the ratio (pairwise ratios)"));
	json_object_object_add(t, "ci_level", json_object_new_double(IDR_CONF));
	json_object_object_add(t, "min_change", json_object_new_double(o->min_change));
	json_object_object_add(t, "min_repetitions", json_object_new_int(IDR_MIN_REPS));
	return t;
}

static void print_head(const struct idr_result *a, const struct idr_result *b,
		       struct json_object *warnings)
{
	char when[40];
	size_t i, n = json_object_array_length(warnings);

	printf("A  %s  %s  %s\n", a->id, idr_time_iso(a->time_ms, when, sizeof(when)), a->device);
	printf("B  %s  %s  %s\n\n", b->id, idr_time_iso(b->time_ms, when, sizeof(when)), b->device);
	if (n)
		printf("warning: the runs differ in what changes the meaning of their numbers:\n");
	for (i = 0; i < n; i++) {
		struct json_object *w = json_object_array_get_idx(warnings, i);

		printf("  %s: %s (A) vs %s (B)\n", idr_json_str(w, "what"), idr_json_str(w, "a"),
		       idr_json_str(w, "b"));
	}
	if (n)
		printf("\n");
	printf("engine/job rw bs qd\n  %-5s %-10s %9s %9s %7s  %-16s %6s %6s %6s  %s\n", "dir",
	       "figure", "A", "B", "B/A", "95% CI", "p", "adj p", "n A/B", "verdict");
}

static void print_tail(const struct cmp *c)
{
	size_t i;

	for (i = 0; i < json_object_array_length(c->only_a); i++)
		printf("only in A: %s\n",
		       json_object_get_string(json_object_array_get_idx(c->only_a, i)));
	for (i = 0; i < json_object_array_length(c->only_b); i++)
		printf("only in B: %s\n",
		       json_object_get_string(json_object_array_get_idx(c->only_b, i)));
	printf("\nA, B: medians over each run's repetitions of the job; B/A their ratio; 95%% CI: "
	       "the\ndistribution-free interval of that ratio (from every pair of repetitions); p: "
	       "two-sided\nMann-Whitney U test over the repetitions (exact, ties included, up to %d "
	       "a side); adj p:\np adjusted over the %u figures tested here (Benjamini-Hochberg). "
	       "A change is called\nonly where adj p < %.2f and the whole interval lies beyond "
	       "±%.0f%% (--min-change); else ~,\nno significant change. No verdict under %d "
	       "repetitions in a run. A worse IOPS, time, p99\nor CPU per I/O is a regression; "
	       "p50 is shown, not counted.\n",
	       IDR_MWU_EXACT_MAX, c->nr - c->too_few, IDR_ALPHA, c->o->min_change * 100,
	       IDR_MIN_REPS);
	if (c->too_few)
		printf("%u figure%s not tested: fewer than %d repetitions in a run (iodrill drill "
		       "--reps N).\n",
		       c->too_few, c->too_few == 1 ? "" : "s", IDR_MIN_REPS);
	if (c->regressions)
		printf("REGRESSION: %u figure%s of B significantly worse than A (first: %s)\n",
		       c->regressions, c->regressions == 1 ? "" : "s", c->worst);
	else
		printf("no regression: no figure of B is significantly worse than A\n");
}

static int compare_jobs(struct cmp *c)
{
	unsigned int n = c->a->nr_jobs > c->b->nr_jobs ? c->a->nr_jobs : c->b->nr_jobs, i;
	char key[512];
	int ret = 0;

	c->ra = calloc(n ? n : 1, sizeof(*c->ra));
	c->rb = calloc(n ? n : 1, sizeof(*c->rb));
	c->va = calloc(n ? n : 1, sizeof(*c->va));
	c->vb = calloc(n ? n : 1, sizeof(*c->vb));
	for (i = 0; c->ra && c->rb && c->va && c->vb && i < c->a->nr_jobs && !ret; i++) {
		idr_result_job_key(&c->a->jobs[i], key, sizeof(key));
		if (find_key(c->a, key) == (int)i && find_key(c->b, key) >= 0)
			ret = compare_key(c, key);
	}
	if (!c->ra || !c->rb || !c->va || !c->vb || ret || emit_rows(c)) {
		idr_err("results compare: out of memory");
		return 1;
	}
	return 0;
}

static int compare_two(struct ropts *o, const struct idr_result *a, const struct idr_result *b)
{
	struct warnings w = { json_object_new_array() };
	struct cmp c = { .o = o, .a = a, .b = b };
	struct json_object *top;
	int ret;

	c.rows = json_object_new_array();
	c.only_a = json_object_new_array();
	c.only_b = json_object_new_array();
	diff_host_device(&w, a, b);
	diff_engines(&w, a, b);
	diff_job_options(&w, a, b);
	if (!o->json)
		print_head(a, b, w.list);
	ret = compare_jobs(&c);
	only_in(c.only_a, a, b);
	only_in(c.only_b, b, a);
	top = json_object_new_object();
	json_object_object_add(top, "a", run_json(a));
	json_object_object_add(top, "b", run_json(b));
	json_object_object_add(top, "test", test_json(o));
	json_object_object_add(top, "warnings", w.list);
	json_object_object_add(top, "rows", c.rows);
	json_object_object_add(top, "only_in_a", c.only_a);
	json_object_object_add(top, "only_in_b", c.only_b);
	json_object_object_add(top, "too_few", json_object_new_int((int)c.too_few));
	json_object_object_add(top, "regressions", json_object_new_int((int)c.regressions));
	if (!ret && o->json)
		idr_print_json(stdout, top);
	else if (!ret)
		print_tail(&c);
	json_object_put(top);
	free(c.ra);
	free(c.rb);
	free(c.va);
	free(c.vb);
	free(c.tab);
	return ret ? ret : c.regressions ? EXIT_REGRESSION : 0;
}

/* ---- choosing the runs ----------------------------------------------------------------------- */

static int parse_range(struct ropts *o, int64_t *since, int64_t *until)
{
	*since = INT64_MIN;
	*until = INT64_MAX;
	if (o->since && results_when(o->since, idr_now_ms(), since)) {
		idr_err("results %s: --since %s: not a time (2026-11-25, 2026-11-25T16:19Z, @SECONDS, "
			"7d)",
			o->sub, o->since);
		return 2;
	}
	if (o->until && results_when(o->until, idr_now_ms(), until)) {
		idr_err("results %s: --until %s: not a time (2026-11-25, 2026-11-25T16:19Z, @SECONDS, "
			"7d)",
			o->sub, o->until);
		return 2;
	}
	return 0;
}

/* The oldest and newest run of device dev in the range (the last two without one). */
static int pick_pair(struct ropts *o, const struct idr_archive_index *idx, const char *dev,
		     const struct idr_archive_run **ra, const struct idr_archive_run **rb)
{
	int64_t since, until;
	const char *kind = o->kind;
	unsigned int i, n = 0;
	int ranged = o->since || o->until;

	if (parse_range(o, &since, &until))
		return 2;
	*ra = *rb = NULL;
	for (i = 0; i < idx->nr; i++) {
		const struct idr_archive_run *r = &idx->runs[i];

		if (strcmp(r->device, dev) || r->time_ms < since || r->time_ms > until)
			continue;
		if (!kind)
			kind = r->kind; /* the newest run's kind */
		if (strcmp(r->kind, kind))
			continue;
		if (!n++)
			*rb = r;
		else if (ranged || n == 2)
			*ra = r;
	}
	if (n < 2) {
		idr_err("results compare: %s has %u %s run%s%s: compare needs two", dev, n,
			kind ? kind : "", n == 1 ? "" : "s", ranged ? " in that time range" : "");
		return 1;
	}
	return 0;
}

static int load_path(const struct idr_archive_index *idx, const struct idr_archive_run *run,
		     struct idr_result *r)
{
	char path[4200], err[1024];

	idr_archive_run_path(idx, run, path, sizeof(path));
	if (idr_result_load(path, r, err, sizeof(err))) {
		idr_err("results: %s", err);
		return 1;
	}
	return 0;
}

int results_compare(struct ropts *o)
{
	const struct idr_archive_run *ra, *rb;
	struct idr_archive_index idx;
	struct idr_result a, b;
	char err[1024];
	const char *dev;
	int ret = 1;

	if (o->nargs < 1 || o->nargs > 2) {
		idr_err("results compare: give two runs (A B), or a device");
		return 2;
	}
	if (o->nargs == 2 && (o->since || o->until || o->kind)) {
		idr_err("results compare: --since, --until and --kind choose runs of a DEVICE; with "
			"two runs give neither");
		return 2;
	}
	if (idr_archive_scan(o->dir, &idx, err, sizeof(err))) {
		idr_err("results: %s", err);
		return 1;
	}
	if (o->nargs == 2) {
		if (results_load_run(&idx, o->args[0], &a))
			goto out;
		if (results_load_run(&idx, o->args[1], &b)) {
			idr_result_free(&a);
			goto out;
		}
	} else {
		dev = idr_archive_find_device(&idx, o->args[0], err, sizeof(err));
		if (!dev) {
			idr_err("results compare: %s", err);
			goto out;
		}
		ret = pick_pair(o, &idx, dev, &ra, &rb);
		if (ret)
			goto out;
		ret = 1;
		if (load_path(&idx, ra, &a))
			goto out;
		if (load_path(&idx, rb, &b)) {
			idr_result_free(&a);
			goto out;
		}
	}
	ret = compare_two(o, &a, &b);
	idr_result_free(&a);
	idr_result_free(&b);
out:
	idr_archive_index_free(&idx);
	return ret;
}
