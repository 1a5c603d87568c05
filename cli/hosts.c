/*
 * hosts.c - iodrill drill and tune on a fleet (hosts.h): one `iodrill COMMAND --host H`
 * per host, all at once; their JSON merged into one table (a host column), one chart, one
 * JSON. Each host's run is archived by its own iodrill, under its own device identity.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/fiojson.h"
#include "blkdev.h"
#include "hosts.h"
#include "iodrill.h"
#include "report/chart.h"
#include "run/fleet.h"
#include "run/run.h"

struct host_run {
	const struct idr_host *h;
	char out[PATH_MAX], log[PATH_MAX], dir[PATH_MAX];
	char **argv;
	int status;		 /* its iodrill's exit status; -1 never started */
	struct json_object *res; /* the JSON it printed, NULL when none */
	char why[512];		 /* the last "iodrill:" line it printed, when it failed */
};

struct fleet {
	const char *command;
	const struct idr_fleet *f;
	struct idr_run run;
	struct host_run *h;
	bool json, no_png;
	const char *png_opt, *keep;
	char png[PATH_MAX];
};

/* ---- the command line of each host's iodrill ------------------------------------------------ */

/* Options this command takes for itself (and gives each host its own of); with argument? */
static int own_option(const char *a, bool *has_arg)
{
	static const char *const with[] = { "--hosts", "--host", "--png", "--keep" };
	static const char *const without[] = { "--json", "--no-png" };
	size_t i, n;

	for (i = 0; i < sizeof(with) / sizeof(with[0]); i++) {
		n = strlen(with[i]);
		if (!strncmp(a, with[i], n) && (!a[n] || a[n] == '=')) {
			*has_arg = !a[n];
			return 1;
		}
	}
	for (i = 0; i < sizeof(without) / sizeof(without[0]); i++)
		if (!strcmp(a, without[i])) {
			*has_arg = false;
			return 1;
		}
	return 0;
}

/* This command's own options, from argv (exact names only; getopt has checked them). */
static void own_options(struct fleet *fl, int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i], *v = strchr(a, '=') ? strchr(a, '=') + 1
					      : i + 1 < argc ? argv[i + 1]
							     : NULL;

		if (!strcmp(a, "--json"))
			fl->json = true;
		else if (!strcmp(a, "--no-png"))
			fl->no_png = true;
		else if (!strncmp(a, "--png", 5) && (!a[5] || a[5] == '='))
			fl->png_opt = v;
		else if (!strncmp(a, "--keep", 6) && (!a[6] || a[6] == '='))
			fl->keep = v;
	}
}

/*
 * iodrill COMMAND --host H --json --no-png --keep DIR, then the user's arguments without
 * the options that are this command's own (its own go first: after a "--" they would be
 * operands). Returns a malloc'd argv, or NULL.
 */
static char **host_argv(const struct fleet *fl, const struct host_run *hr, int argc, char **argv)
{
	char **v = calloc((size_t)argc + 12, sizeof(*v));
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int i, k = 0;
	bool has_arg, opts = true;

	if (!v || n <= 0) {
		free(v);
		return NULL;
	}
	self[n] = '\0';
	v[k++] = strdup(self);
	v[k++] = (char *)fl->command;
	v[k++] = "--host";
	v[k++] = (char *)hr->h->spec;
	v[k++] = "--json";
	v[k++] = "--no-png";
	v[k++] = "--keep";
	v[k++] = (char *)hr->dir;
	for (i = 1; i < argc; i++) {
		opts &= strcmp(argv[i], "--") != 0;
		if (opts && own_option(argv[i], &has_arg)) {
			i += has_arg;
			continue;
		}
		v[k++] = argv[i];
	}
	if (!v[0]) {
		free(v);
		return NULL;
	}
	return v;
}

/* ---- running them ------------------------------------------------------------------------ */

/*
 * Why a host's iodrill did not complete, from its log: from the first line that names the
 * host (remote mode words a host's failure "host H ..."), else its last error ("iodrill:
 * drill: ..."), without that prefix.
 */
static void host_why(const struct fleet *fl, const struct host_run *hr, char *buf, size_t len)
{
	char line[1024], named[300], cmd[32];
	FILE *f = fopen(hr->log, "re");
	const char *at = NULL;
	size_t nc;

	snprintf(named, sizeof(named), "host %s ", hr->h->spec);
	nc = (size_t)snprintf(cmd, sizeof(cmd), "iodrill: %s: ", fl->command);
	buf[0] = '\0';
	while (f && !at && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		at = strstr(line, named);
		if (!strncmp(line, cmd, nc) && !strstr(line, "stored"))
			idr_strcpy(buf, len, line + nc); /* the whole message */
		else if (at)
			idr_strcpy(buf, len, at); /* an engine's failure: from the host on */
	}
	if (f)
		fclose(f);
}

static void host_done(void *arg, unsigned int i, int status)
{
	struct fleet *fl = arg;
	struct host_run *hr = &fl->h[i];

	hr->status = status;
	if (!status) {
		fprintf(stderr, "iodrill: host %s: done\n", hr->h->spec);
		return;
	}
	host_why(fl, hr, hr->why, sizeof(hr->why));
	fprintf(stderr, "iodrill: host %s: %s (exit %d)%s%s\n", hr->h->spec,
		status > 128 ? "stopped" : "failed", status, hr->why[0] ? ": " : "", hr->why);
}

static int prepare(struct fleet *fl, int argc, char **argv)
{
	char label[96];
	unsigned int i;

	fl->h = calloc(fl->f->n, sizeof(*fl->h));
	if (!fl->h)
		return -ENOMEM;
	for (i = 0; i < fl->f->n; i++) {
		struct host_run *hr = &fl->h[i];

		hr->h = &fl->f->v[i];
		hr->status = -1;
		snprintf(label, sizeof(label), "host-%02u-%s", i + 1, hr->h->label);
		idr_run_path(&fl->run, label, ".json", hr->out, sizeof(hr->out));
		idr_run_path(&fl->run, label, ".log", hr->log, sizeof(hr->log));
		idr_run_path(&fl->run, label, "", hr->dir, sizeof(hr->dir));
		if (mkdir(hr->dir, 0755))
			return -errno;
		hr->argv = host_argv(fl, hr, argc, argv);
		if (!hr->argv)
			return -ENOMEM;
	}
	return 0;
}

static int spawn(struct fleet *fl)
{
	char **const **argvs = calloc(fl->f->n, sizeof(*argvs));
	const char **outs = calloc(fl->f->n, sizeof(*outs));
	const char **logs = calloc(fl->f->n, sizeof(*logs));
	unsigned int i;
	int ret = -ENOMEM;

	if (argvs && outs && logs) {
		for (i = 0; i < fl->f->n; i++) {
			argvs[i] = (char **const *)fl->h[i].argv;
			outs[i] = fl->h[i].out;
			logs[i] = fl->h[i].log;
		}
		fprintf(stderr,
			"iodrill: %s on %u hosts at once, each through its fio --server; "
			"their progress: %s/host-*.log\n",
			fl->command, fl->f->n, fl->run.dir);
		ret = idr_fleet_spawn(&fl->run, (char **const *)argvs, outs, logs, fl->f->n,
				      host_done, fl);
	}
	free(argvs);
	free(outs);
	free(logs);
	return ret;
}

/* Each host's JSON, when it printed one. */
static void load_results(struct fleet *fl)
{
	char *text;
	size_t len;

	for (unsigned int i = 0; i < fl->f->n; i++) {
		struct host_run *hr = &fl->h[i];

		if (idr_read_file(hr->out, &text, &len))
			continue;
		hr->res = json_tokener_parse(text);
		free(text);
		if (hr->res && !json_object_is_type(hr->res, json_type_object)) {
			json_object_put(hr->res);
			hr->res = NULL;
		}
		if (!hr->res && !hr->why[0])
			snprintf(hr->why, sizeof(hr->why), "it printed no results (see its log)");
	}
}

/* ---- the table --------------------------------------------------------------------------- */

/* The length of array a; 0 when a is absent or no array. */
static size_t alen(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static double num(struct json_object *o, const char *key)
{
	struct json_object *v = idr_json_get(o, key);

	return v && (json_object_is_type(v, json_type_double) ||
		     json_object_is_type(v, json_type_int))
		       ? json_object_get_double(v)
		       : NAN;
}

/* v printed %*.*f, or "-" when not a number. */
static void cell(FILE *out, double v, int width, int prec)
{
	if (isnan(v))
		fprintf(out, " %*s", width, "-");
	else
		fprintf(out, " %*.*f", width, prec, v);
}

/* The table's numeric columns: which field of a host's JSON row, printed how. */
struct col {
	const char *key;
	int width, prec;
};

static const struct col drill_cols[] = {
	{ "time_us", 9, 0 },	     { "time_iqr_us", 7, 0 }, { "iops", 9, 0 },
	{ "p50_us", 8, 1 },	     { "p99_us", 8, 1 },      { "cpu_us_per_io", 9, 2 },
	{ "syscalls_per_io", 8, 3 }, { "threads", 7, 0 },     { NULL, 0, 0 },
};

static const struct col tune_cols[] = {
	{ "iops", 10, 0 },  { "mb_per_s", 9, 1 },	{ "p50_us", 9, 1 },
	{ "p99_us", 9, 1 }, { "cpu_us_per_io", 10, 2 }, { "syscalls_per_io", 9, 3 },
	{ NULL, 0, 0 },
};

static void cells(FILE *out, struct json_object *row, const struct col *c)
{
	for (; c->key; c++)
		cell(out, num(row, c->key), c->width, c->prec);
}

static int host_width(const struct fleet *fl)
{
	int w = 4;

	for (unsigned int i = 0; i < fl->f->n; i++)
		w = (int)strlen(fl->h[i].h->spec) > w ? (int)strlen(fl->h[i].h->spec) : w;
	return w;
}

static void drill_rows(const struct host_run *hr, int hw, FILE *out)
{
	struct json_object *rows = idr_json_get(hr->res, "engines"), *r;
	size_t i;

	for (i = 0; i < alen(rows); i++) {
		r = json_object_array_get_idx(rows, i);
		fprintf(out, "%-*s %-16s", hw, hr->h->spec, idr_json_str(r, "engine") ?: "?");
		if (idr_json_get(r, "time_us"))
			cells(out, r, drill_cols);
		if (idr_json_str(r, "failed"))
			fprintf(out, "%sfailed: %s", idr_json_get(r, "time_us") ? "  " : " ",
				idr_json_str(r, "failed"));
		fputc('\n', out);
	}
}

static void tune_rows(const struct host_run *hr, int hw, FILE *out)
{
	struct json_object *pts = idr_json_get(hr->res, "points"), *p;
	int knee = (int)num(hr->res, "knee_iodepth"),
	    climb = (int)num(hr->res, "p99_climbs_at_iodepth");
	size_t i;

	for (i = 0; i < alen(pts); i++) {
		p = json_object_array_get_idx(pts, i);
		fprintf(out, "%-*s %-12s %8.0f", hw, hr->h->spec,
			idr_json_str(idr_json_get(hr->res, "facts"), "engine") ?: "?",
			num(p, "iodepth"));
		cells(out, p, tune_cols);
		fprintf(out, "%s%s\n", (int)num(p, "iodepth") == knee ? "  <- knee" : "",
			(int)num(p, "iodepth") == climb ? "  <- p99 climbs" : "");
	}
}

static bool is_drill(const struct fleet *fl)
{
	return !strcmp(fl->command, "drill");
}

static void print_header(const struct fleet *fl, int hw, FILE *out)
{
	struct json_object *facts = NULL;

	for (unsigned int i = 0; i < fl->f->n && !facts; i++)
		facts = idr_json_get(fl->h[i].res, "facts");
	if (is_drill(fl)) {
		fprintf(out,
			"iodrill drill on %u hosts: 1,000 random 4 KiB reads submitted at once "
			"(iodepth %.0f; synchronous engines 1), %.0f repetition%s, interleaved on "
			"each host\n\n",
			fl->f->n, num(facts, "iodepth"), num(facts, "reps"),
			num(facts, "reps") == 1 ? "" : "s");
		fprintf(out, "%-*s %-16s %9s %7s %9s %8s %8s %9s %8s %7s\n", hw, "host", "engine",
			"time µs", "±IQR", "IOPS", "p50 µs", "p99 µs", "CPU µs/IO", "syscl/IO",
			"threads");
	} else {
		fprintf(out,
			"iodrill tune on %u hosts: random 4 KiB reads, %.0f job(s) per "
			"depth\n\n",
			fl->f->n, num(facts, "numjobs"));
		fprintf(out, "%-*s %-12s %8s %10s %9s %9s %9s %10s %9s\n", hw, "host", "engine",
			"iodepth", "IOPS", "MB/s", "p50 µs", "p99 µs", "CPU µs/IO", "syscl/IO");
	}
}

/* Per host: what it read, where its run was stored, and what its numbers show. */
static void print_hosts(const struct fleet *fl, FILE *out)
{
	struct json_object *t, *a, *fnd;
	size_t k;

	fprintf(out, "\n");
	for (unsigned int i = 0; i < fl->f->n; i++) {
		const struct host_run *hr = &fl->h[i];

		if (!hr->res) /* its line in the table says why */
			continue;
		fprintf(out, "%s:", hr->h->spec);
		t = idr_json_get(idr_json_get(hr->res, "facts"), "target");
		a = idr_json_get(hr->res, "archive");
		if (t)
			fprintf(out, " %s %s, %.0f MiB%s%s", idr_json_str(t, "kind") ?: "?",
				idr_json_str(t, "arg") ?: "?", num(t, "size") / 1048576,
				idr_json_str(t, "fstype") && *idr_json_str(t, "fstype") ? " on "
											: "",
				idr_json_str(t, "fstype") ?: "");
		else /* tune's facts name the path its engine read */
			fprintf(out, " %s",
				idr_json_str(idr_json_get(hr->res, "facts"), "target_path") ?: "?");
		if (json_object_get_boolean(idr_json_get(a, "stored")))
			fprintf(out, "; stored as %s in %s", idr_json_str(a, "id"),
				idr_json_str(a, "device"));
		else
			fprintf(out, "; not stored: %s", idr_json_str(a, "why") ?: "?");
		fprintf(out, "%s%s\n", hr->status ? "; " : "", hr->status ? hr->why : "");
		fnd = idr_json_get(hr->res, "findings");
		for (k = 0; k < alen(fnd); k++)
			fprintf(out, "  - %s\n",
				json_object_get_string(json_object_array_get_idx(fnd, k)));
	}
}

static void print_table(const struct fleet *fl, FILE *out)
{
	int hw = host_width(fl);

	print_header(fl, hw, out);
	for (unsigned int i = 0; i < fl->f->n; i++) {
		const struct host_run *hr = &fl->h[i];

		if (!hr->res)
			fprintf(out, "%-*s failed: %s\n", hw, hr->h->spec, hr->why);
		else if (is_drill(fl))
			drill_rows(hr, hw, out);
		else
			tune_rows(hr, hw, out);
	}
	print_hosts(fl, out);
}

static void print_json(const struct fleet *fl, bool partial, FILE *out)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array(), *h;

	for (unsigned int i = 0; i < fl->f->n; i++) {
		const struct host_run *hr = &fl->h[i];

		h = json_object_new_object();
		json_object_object_add(h, "host", json_object_new_string(hr->h->spec));
		json_object_object_add(h, "exit", json_object_new_int(hr->status));
		json_object_object_add(h, "error",
				       hr->status ? json_object_new_string(hr->why) : NULL);
		json_object_object_add(h, "result", json_object_get(hr->res));
		json_object_array_add(a, h);
	}
	json_object_object_add(o, "command", json_object_new_string(fl->command));
	json_object_object_add(o, "hosts", a);
	json_object_object_add(o, "partial", json_object_new_boolean(partial));
	json_object_object_add(o, "png", fl->png[0] ? json_object_new_string(fl->png) : NULL);
	json_object_object_add(o, "run_dir",
			       fl->run.keep ? json_object_new_string(fl->run.dir) : NULL);
	idr_print_json(out, o);
	json_object_put(o);
}

/* ---- the chart --------------------------------------------------------------------------- */

#define MAX_CAT 64

/* The engines of every host's drill, in the order they first appear. */
static unsigned int drill_categories(const struct fleet *fl, const char **cat)
{
	unsigned int n = 0, i, k;
	struct json_object *rows;
	const char *e;

	for (i = 0; i < fl->f->n; i++) {
		rows = idr_json_get(fl->h[i].res, "engines");
		for (size_t r = 0; r < alen(rows); r++) {
			e = idr_json_str(json_object_array_get_idx(rows, r), "engine");
			for (k = 0; e && k < n && strcmp(cat[k], e); k++)
				;
			if (e && k == n && n < MAX_CAT)
				cat[n++] = e;
		}
	}
	return n;
}

/* values[host][category] of key, NaN where a host has no such row */
static void drill_values(const struct fleet *fl, const char **cat, unsigned int nc, const char *key,
			 double *v)
{
	struct json_object *rows, *r;

	for (unsigned int i = 0; i < fl->f->n; i++) {
		rows = idr_json_get(fl->h[i].res, "engines");
		for (unsigned int c = 0; c < nc; c++) {
			v[i * nc + c] = NAN;
			for (size_t k = 0; k < alen(rows); k++) {
				r = json_object_array_get_idx(rows, k);
				if (!strcmp(idr_json_str(r, "engine") ?: "", cat[c]))
					v[i * nc + c] = num(r, key);
			}
		}
	}
}

static int drill_chart(const struct fleet *fl, struct idr_chart_series *s, double *v, char *err,
		       size_t errlen)
{
	const char *cat[MAX_CAT];
	unsigned int nc = drill_categories(fl, cat), n = fl->f->n, i;
	struct idr_chart_panel p[2] = {
		{ "time for the 1,000 reads, µs (median)", 0, n, s },
		{ "CPU per read, µs (every thread)", 0, n, s + n },
	};
	struct idr_chart c = { .kind = IDR_CHART_BARS,
			       .categories = cat,
			       .nr_categories = nc,
			       .nr_panels = 2,
			       .panels = p,
			       .title = "iodrill drill on a fleet: 1,000 random 4 KiB reads" };

	drill_values(fl, cat, nc, "time_us", v);
	drill_values(fl, cat, nc, "cpu_us_per_io", v + n * MAX_CAT);
	for (i = 0; i < n; i++) {
		s[i] = (struct idr_chart_series){ fl->h[i].h->spec, nc, NULL, v + i * nc };
		s[n + i] = (struct idr_chart_series){ fl->h[i].h->spec, nc, NULL,
						      v + n * MAX_CAT + i * nc };
	}
	return nc ? idr_chart_png(&c, fl->png, err, errlen) : -ENODATA;
}

static int tune_chart(const struct fleet *fl, struct idr_chart_series *s, double *v, char *err,
		      size_t errlen)
{
	unsigned int n = fl->f->n, i, k, np;
	struct idr_chart_panel p[2] = {
		{ "IOPS", 0, n, s },
		{ "p99 latency, µs", 1, n, s + n },
	};
	struct idr_chart c = { .kind = IDR_CHART_XY,
			       .logx2 = 1,
			       .nr_panels = 2,
			       .panels = p,
			       .xlabel = "iodepth",
			       .title = "iodrill tune on a fleet" };
	struct json_object *pts;
	double *x, *iops, *p99;

	for (i = 0; i < n; i++) {
		pts = idr_json_get(fl->h[i].res, "points");
		np = (unsigned int)alen(pts);
		np = np > MAX_CAT ? MAX_CAT : np;
		x = v + i * 3 * MAX_CAT;
		iops = x + MAX_CAT;
		p99 = iops + MAX_CAT;
		for (k = 0; k < np; k++) {
			x[k] = num(json_object_array_get_idx(pts, k), "iodepth");
			iops[k] = num(json_object_array_get_idx(pts, k), "iops");
			p99[k] = num(json_object_array_get_idx(pts, k), "p99_us");
		}
		s[i] = (struct idr_chart_series){ fl->h[i].h->spec, np, x, iops };
		s[n + i] = (struct idr_chart_series){ fl->h[i].h->spec, np, x, p99 };
	}
	return idr_chart_png(&c, fl->png, err, errlen);
}

static void chart(struct fleet *fl)
{
	struct idr_chart_series *s = calloc(2 * fl->f->n, sizeof(*s));
	double *v = calloc(3 * (size_t)fl->f->n * MAX_CAT, sizeof(*v));
	char err[512] = "out of memory";
	int ret = -ENOMEM;

	if (fl->no_png)
		goto out;
	if (fl->png_opt)
		snprintf(fl->png, sizeof(fl->png), "%s", fl->png_opt);
	else
		idr_run_png_name(&fl->run, fl->png, sizeof(fl->png));
	if (s && v)
		ret = is_drill(fl) ? drill_chart(fl, s, v, err, sizeof(err))
				   : tune_chart(fl, s, v, err, sizeof(err));
	if (ret) {
		if (ret != -ENODATA)
			idr_err("%s: no chart: %s", fl->command, err);
		fl->png[0] = '\0';
	}
out:
	free(s);
	free(v);
}

/* ---- the command ------------------------------------------------------------------------- */

/* Keep the folder when a host's run could not be stored: what it measured is there. */
static void keep_unstored(struct fleet *fl)
{
	struct json_object *a;

	for (unsigned int i = 0; i < fl->f->n; i++) {
		a = idr_json_get(fl->h[i].res, "archive");
		if (a && !json_object_get_boolean(idr_json_get(a, "stored")) &&
		    strcmp(idr_json_str(a, "why") ?: "", "--no-archive"))
			fl->run.keep = true;
	}
}

static int report(struct fleet *fl)
{
	unsigned int i, ok = 0, some = 0;

	load_results(fl);
	for (i = 0; i < fl->f->n; i++) {
		ok += fl->h[i].status == 0;
		some += fl->h[i].res != NULL;
	}
	chart(fl);
	keep_unstored(fl);
	if (fl->json)
		print_json(fl, ok < fl->f->n, stdout);
	else
		print_table(fl, stdout);
	fflush(stdout);
	if (fl->png[0])
		fprintf(stderr, "iodrill: chart: %s\n", fl->png);
	if (fl->run.keep)
		fprintf(stderr, "iodrill: the run's files are in %s\n", fl->run.dir);
	if (ok == fl->f->n)
		return 0;
	idr_err("%s: partial: %u of %u hosts did not complete (their lines above say why)",
		fl->command, fl->f->n - ok, fl->f->n);
	return some ? 3 : 1;
}

static void fleet_free(struct fleet *fl)
{
	for (unsigned int i = 0; fl->h && i < fl->f->n; i++) {
		if (fl->h[i].argv)
			free(fl->h[i].argv[0]);
		free(fl->h[i].argv);
		json_object_put(fl->h[i].res);
	}
	free(fl->h);
}

int hosts_run(const char *command, int argc, char **argv, const struct idr_fleet *f)
{
	struct fleet fl = { .command = command, .f = f };
	char err[1024];
	int ret;

	own_options(&fl, argc, argv);
	if (idr_fio_check(err, sizeof(err))) {
		idr_err("%s: %s", command, err);
		return 1;
	}
	if (idr_run_begin(&fl.run, command, argc, argv, fl.keep, err, sizeof(err))) {
		idr_err("%s: %s", command, err);
		return 1;
	}
	ret = prepare(&fl, argc, argv);
	if (!ret)
		ret = spawn(&fl);
	if (ret == -EINTR || idr_run_stopped()) {
		fprintf(stderr,
			"iodrill: %s stopped by %s: every host was told to stop; each "
			"stored what it ran\n",
			command, strsignal(idr_run_stopped()));
		ret = 128 + idr_run_stopped();
	} else if (ret) {
		idr_err("%s: cannot start an iodrill per host: %s", command, strerror(-ret));
		ret = 1;
	} else {
		ret = report(&fl);
	}
	fleet_free(&fl);
	idr_run_end(&fl.run);
	return ret;
}
