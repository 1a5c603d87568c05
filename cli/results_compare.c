/*
 * results_compare.c - `iodrill results compare`: two runs side by side, per engine and job,
 * with a verdict per figure (verdict.h), a regression flag, and warnings where the runs
 * differ in something that changes what their numbers mean.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "iodrill.h"
#include "results.h"
#include "report/verdict.h"

#define EXIT_REGRESSION 3

/* ---- what changes the meaning ------------------------------------------------------------ */

struct warnings {
	struct json_object *list;	/* [{"what", "a", "b"}] */
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
	copy = ta ? strdup(ta) : NULL;	/* json-c reuses the buffer of a's text for b's */
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
};

static void key_diff(const char *key, void *arg)
{
	struct keydiff *d = arg;
	char what[256];
	unsigned int i;

	for (i = 0; d->skip && d->skip[i]; i++)
		if (!strcmp(d->skip[i], key))
			return;
	snprintf(what, sizeof(what), "%s%s", d->prefix, key);
	diff_value(d->w, what, idr_json_get(d->a, key), idr_json_get(d->b, key));
}

static void diff_objects(struct warnings *w, const char *prefix, struct json_object *a,
			 struct json_object *b, const char *const *skip)
{
	struct keydiff d = { w, a, b, prefix, skip };

	each_key(a, b, key_diff, &d);
}

/* Device facts that do not change a number's meaning: the name it had today, its size... */
static const char *const device_noise[] = { "kernel_name", "size_bytes", "lba_count",
					    "generic_device", "identity_source", "mount_point",
					    "mount_source", "backing_device", "eui64", "wwid",
					    NULL };

static void diff_host_device(struct warnings *w, const struct idr_result *a,
			     const struct idr_result *b)
{
	static const struct {
		const char *what, *path;
	} simple[] = {
		{ "kernel", "host.kernel" },	     { "kernel build", "host.kernel_version" },
		{ "fio", "fio.version" },	     { "CPU model", "host.cpu_model" },
		{ "CPUs online", "host.cpus_online" }, { "io_uring_disabled", "host.io_uring_disabled" },
		{ "device", "device.name" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		diff_value(w, simple[i].what, at(a->prov, simple[i].path), at(b->prov, simple[i].path));
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

static void diff_engines(struct warnings *w, const struct idr_result *a,
			 const struct idr_result *b)
{
	struct json_object *ea = idr_json_get(a->prov, "engines"), *x, *y;
	char what[128];
	size_t i;

	for (i = 0; ea && json_object_is_type(ea, json_type_array) &&
		    i < json_object_array_length(ea); i++) {
		const char *name = idr_json_str(json_object_array_get_idx(ea, i), "name");

		if (!name)
			continue;
		x = engine_of(a, name);
		y = engine_of(b, name);
		if (!y)
			continue;
		if (idr_json_get(x, "no_sidecar") || idr_json_get(y, "no_sidecar")) {
			/* its build and facts are unknown on that side; its IOPS over fio's timer */
			snprintf(what, sizeof(what), "engine %s sidecar (build, facts, ns timer)", name);
			warn(w, what, idr_json_get(x, "no_sidecar") ? "none" : "kept",
			     idr_json_get(y, "no_sidecar") ? "none" : "kept");
			continue;
		}
		snprintf(what, sizeof(what), "engine %s build", name);
		diff_value(w, what, idr_json_get(x, "build"), idr_json_get(y, "build"));
		snprintf(what, sizeof(what), "engine %s facts (ring flags, fallbacks)", name);
		diff_value(w, what, idr_json_get(x, "facts"), idr_json_get(y, "facts"));
	}
}

/* ---- pairing jobs ------------------------------------------------------------------------ */

/* The merged options the archive recorded for job i of r (prov.jobs[i].options). */
static struct json_object *job_options(const struct idr_result *r, unsigned int i)
{
	struct json_object *jobs = idr_json_get(r->prov, "jobs");

	if (!jobs || !json_object_is_type(jobs, json_type_array) ||
	    i >= json_object_array_length(jobs))
		return NULL;
	return idr_json_get(json_object_array_get_idx(jobs, i), "options");
}

static int find_job(const struct idr_result *r, const struct idr_result_job *j)
{
	char kj[512], k[512];
	unsigned int i;

	idr_result_job_key(j, kj, sizeof(kj));
	for (i = 0; i < r->nr_jobs; i++) {
		idr_result_job_key(&r->jobs[i], k, sizeof(k));
		if (!strcmp(k, kj) && r->jobs[i].occurrence == j->occurrence)
			return (int)i;
	}
	return -1;
}

static const char *const option_noise[] = { "name", "filename", "directory", "sidecar",
					    "ioengine", "output", NULL };

/* ---- the table --------------------------------------------------------------------------- */

struct cmp {
	struct ropts *o;
	const struct idr_result *a, *b;
	struct json_object *rows, *only_a, *only_b;
	unsigned int regressions;
	char worst[512];
};

static const char *const dirs[2] = { "read", "write" };

static void row(struct cmp *c, const char *key, const char *dir, const char *figure,
		struct idr_figure fa, struct idr_figure fb, int higher_better, int first)
{
	struct json_object *r = json_object_new_object();
	struct idr_diff d;
	char va[32], vb[32], ratio[32], sp[64], verdict[48];
	int latency = strstr(figure, "µs") && strncmp(figure, "CPU", 3);

	idr_diff(fa, fb, higher_better, c->o->threshold, c->o->min_change, &d);
	if (d.verdict == IDR_V_WORSE) {
		c->regressions++;
		if (c->regressions == 1)
			snprintf(c->worst, sizeof(c->worst), "%s %s %s x%.3f", key, dir, figure,
				 d.ratio);
	}
	json_object_object_add(r, "key", json_object_new_string(key));
	json_object_object_add(r, "dir", json_object_new_string(dir));
	json_object_object_add(r, "figure", json_object_new_string(figure));
	json_object_object_add(r, "a", isnan(fa.v) ? NULL : json_object_new_double(fa.v));
	json_object_object_add(r, "b", isnan(fb.v) ? NULL : json_object_new_double(fb.v));
	json_object_object_add(r, "ratio", isnan(d.ratio) ? NULL : json_object_new_double(d.ratio));
	json_object_object_add(r, "spread_a", isnan(fa.spread) ? NULL : json_object_new_double(fa.spread));
	json_object_object_add(r, "spread_b", isnan(fb.spread) ? NULL : json_object_new_double(fb.spread));
	json_object_object_add(r, "tolerance", isnan(d.tolerance) ? NULL : json_object_new_double(d.tolerance));
	json_object_object_add(r, "basis", json_object_new_string(d.from_spread ? "spread" : "threshold"));
	json_object_object_add(r, "verdict", json_object_new_string(idr_verdict_name(d.verdict)));
	json_object_array_add(c->rows, r);
	if (c->o->json)
		return;
	if (latency) {
		fmt_us(fa.v, va, sizeof(va));
		fmt_us(fb.v, vb, sizeof(vb));
	} else if (higher_better) {
		fmt_si(fa.v, va, sizeof(va));
		fmt_si(fb.v, vb, sizeof(vb));
	} else {
		fmt_num(fa.v, "%.3f", va, sizeof(va));
		fmt_num(fb.v, "%.3f", vb, sizeof(vb));
	}
	if (d.from_spread)
		snprintf(sp, sizeof(sp), "±%.1f%% ±%.1f%%", fa.spread * 100, fb.spread * 100);
	else
		snprintf(sp, sizeof(sp), "threshold %.0f%%", c->o->threshold * 100);
	snprintf(verdict, sizeof(verdict), "%s%s", idr_verdict_name(d.verdict),
		 d.verdict == IDR_V_WORSE ? "  <- REGRESSION" : "");
	printf("%-40s %-5s %-10s %9s %9s %7s  %-16s %s\n", first ? key : "", dir, figure, va, vb,
	       fmt_num(d.ratio, "%.3f", ratio, sizeof(ratio)), sp, verdict);
}

static void compare_job(struct cmp *c, const struct idr_result_job *ja,
			const struct idr_result_job *jb)
{
	char key[512];
	int d, first = 1;

	idr_result_job_key(ja, key, sizeof(key));
	if (ja->occurrence)
		snprintf(key + strlen(key), sizeof(key) - strlen(key), " #%u", ja->occurrence + 1);
	for (d = 0; d < 2; d++) {
		const struct idr_fio_dir *da = &ja->fio->dir[d], *db = &jb->fio->dir[d];
		struct idr_figure a, b;

		if (!da->total_ios && !db->total_ios)
			continue;
		a = (struct idr_figure){ ja->iops[d], idr_iops_spread(da) };
		b = (struct idr_figure){ jb->iops[d], idr_iops_spread(db) };
		row(c, key, dirs[d], "IOPS", a, b, 1, first);
		first = 0;
		a = (struct idr_figure){ job_pct_ns(ja, d, 50), idr_latency_spread(da, 50) };
		b = (struct idr_figure){ job_pct_ns(jb, d, 50), idr_latency_spread(db, 50) };
		row(c, key, dirs[d], "p50 µs", a, b, 0, 0);
		a = (struct idr_figure){ job_pct_ns(ja, d, 99), idr_latency_spread(da, 99) };
		b = (struct idr_figure){ job_pct_ns(jb, d, 99), idr_latency_spread(db, 99) };
		row(c, key, dirs[d], "p99 µs", a, b, 0, 0);
	}
	row(c, key, "-", "CPU µs/IO", (struct idr_figure){ ja->cpu_us_per_io, NAN },
	    (struct idr_figure){ jb->cpu_us_per_io, NAN }, 0, first);
}

static void only_in(struct json_object *list, const struct idr_result *r,
		    const struct idr_result *other)
{
	char key[512];
	unsigned int i;

	for (i = 0; i < r->nr_jobs; i++)
		if (find_job(other, &r->jobs[i]) < 0) {
			idr_result_job_key(&r->jobs[i], key, sizeof(key));
			json_object_array_add(list, json_object_new_string(key));
		}
}

static void diff_job_options(struct warnings *w, const struct idr_result *a,
			     const struct idr_result *b)
{
	char prefix[600], key[512];
	unsigned int i;
	int k;

	for (i = 0; i < a->nr_jobs; i++) {
		k = find_job(b, &a->jobs[i]);
		if (k < 0)
			continue;
		idr_result_job_key(&a->jobs[i], key, sizeof(key));
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
			       json_object_new_string(idr_time_iso(r->time_ms, when, sizeof(when))));
	json_object_object_add(o, "kind", json_object_new_string(r->kind));
	json_object_object_add(o, "device", json_object_new_string(r->device));
	return o;
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
	printf("%-40s %-5s %-10s %9s %9s %7s  %-16s %s\n", "engine/job", "dir", "figure", "A", "B",
	       "B/A", "spread A B", "verdict");
}

static void print_tail(const struct cmp *c)
{
	size_t i;

	for (i = 0; i < json_object_array_length(c->only_a); i++)
		printf("only in A: %s\n", json_object_get_string(json_object_array_get_idx(c->only_a, i)));
	for (i = 0; i < json_object_array_length(c->only_b); i++)
		printf("only in B: %s\n", json_object_get_string(json_object_array_get_idx(c->only_b, i)));
	printf("\nspread: IOPS ±2 sd of fio's per-interval IOPS samples; p50/p99 the same, or their "
	       "95%% confidence\ninterval if wider; runs shorter than one sampling interval (and CPU "
	       "per I/O) have none:\nthe threshold (%.0f%%) decides there.\n", c->o->threshold * 100);
	if (c->regressions)
		printf("REGRESSION: %u figure%s of B worse than A beyond the runs' spread (first: %s)\n",
		       c->regressions, c->regressions == 1 ? "" : "s", c->worst);
	else
		printf("no regression: no figure of B is worse than A beyond the runs' spread\n");
}

static int compare_two(struct ropts *o, const struct idr_result *a, const struct idr_result *b)
{
	struct warnings w = { json_object_new_array() };
	struct cmp c = { .o = o, .a = a, .b = b };
	struct json_object *top;
	unsigned int i;
	int k;

	c.rows = json_object_new_array();
	c.only_a = json_object_new_array();
	c.only_b = json_object_new_array();
	diff_host_device(&w, a, b);
	diff_engines(&w, a, b);
	diff_job_options(&w, a, b);
	if (!o->json)
		print_head(a, b, w.list);
	for (i = 0; i < a->nr_jobs; i++) {
		k = find_job(b, &a->jobs[i]);
		if (k >= 0)
			compare_job(&c, &a->jobs[i], &b->jobs[k]);
	}
	only_in(c.only_a, a, b);
	only_in(c.only_b, b, a);
	top = json_object_new_object();
	json_object_object_add(top, "a", run_json(a));
	json_object_object_add(top, "b", run_json(b));
	json_object_object_add(top, "warnings", w.list);
	json_object_object_add(top, "rows", c.rows);
	json_object_object_add(top, "only_in_a", c.only_a);
	json_object_object_add(top, "only_in_b", c.only_b);
	json_object_object_add(top, "regressions", json_object_new_int((int)c.regressions));
	if (o->json)
		idr_print_json(stdout, top);
	else
		print_tail(&c);
	json_object_put(top);
	return c.regressions ? EXIT_REGRESSION : 0;
}

/* ---- choosing the runs ----------------------------------------------------------------------- */

static int parse_range(struct ropts *o, int64_t *since, int64_t *until)
{
	*since = INT64_MIN;
	*until = INT64_MAX;
	if (o->since && results_when(o->since, idr_now_ms(), since)) {
		idr_err("results %s: --since %s: not a time (2026-11-25, 2026-11-25T16:19Z, @SECONDS, "
			"7d)", o->sub, o->since);
		return 2;
	}
	if (o->until && results_when(o->until, idr_now_ms(), until)) {
		idr_err("results %s: --until %s: not a time (2026-11-25, 2026-11-25T16:19Z, @SECONDS, "
			"7d)", o->sub, o->until);
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
			kind = r->kind;	/* the newest run's kind */
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
