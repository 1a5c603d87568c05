/*
 * results.c - `iodrill results`: the archive's list, show and add, and the options and
 * helpers its subcommands share (compare: results_compare.c, plot: results_plot.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "iodrill.h"
#include "report/verdict.h"
#include "results.h"

const char cmd_results_help[] =
	"usage: iodrill results [--results DIR] [--json] COMMAND ...\n"
	"\n"
	"The per-device results archive: every run of iodrill drill, iodrill tune and\n"
	"iodrill results add, one folder per device. The archive is --results DIR, else\n"
	"$IODRILL_RESULTS, else results/ in the source tree iodrill runs from, else\n"
	"$XDG_DATA_HOME/iodrill/results (~/.local/share/iodrill/results). results/README.md\n"
	"says how the archive is laid out and how to read a result file.\n"
	"\n"
	"  list [DEVICE]            runs per device, newest first, one line each\n"
	"      [--host H]           only the runs made on host H: a fleet host as --host or\n"
	"                           --hosts named it, or a host name (this one's too)\n"
	"  show RUN                 a run as a table, with its provenance\n"
	"  compare A B              two runs: per engine and job, each figure (IOPS, time, p50/p99,\n"
	"                           CPU per I/O) over its repetitions: ratio of the medians, its\n"
	"                           95% interval, a Mann-Whitney U test; a change only where it\n"
	"                           is significant (p < 0.05, adjusted over the figures compared)\n"
	"                           and beyond --min-change, none under 5 repetitions; exit 3 on\n"
	"                           a regression; warns when the runs differ in what changes the\n"
	"                           meaning of the numbers (kernel, fio, engine build, ring\n"
	"                           flags, LBA format, ...)\n"
	"      [--min-change PCT]   smaller changes are never called a difference (default 5)\n"
	"  compare DEVICE [--since T] [--until T] [--kind K]\n"
	"                           the oldest and the newest run of that device in the range\n"
	"                           (default: its last two runs of the newest run's kind)\n"
	"  plot RUN [-o FILE.png] [--engines|--sweep]\n"
	"                           engines side by side (IOPS, p99, CPU per I/O); for a tune\n"
	"                           sweep, IOPS and p99 against iodepth\n"
	"  plot DEVICE [--metric iops|p50|p99|cpu] [--since T] [--until T] [--kind K]\n"
	"      [-o FILE.png]        a metric over time, one line per engine and job; a ring where\n"
	"                           a run changed significantly from the one before (as compare)\n"
	"  add [--target PATH] [--kind K] [--sidecar FILE]... [--label TEXT]... [--time T]\n"
	"      [--status S] [--note TEXT] FIO.json... [-- COMMAND...]\n"
	"                           store a run of plain fio (fio --output-format=json\n"
	"                           --output=FIO.json): one part per FIO.json, the i-th\n"
	"                           --sidecar and --label going with the i-th; the target is\n"
	"                           the jobs' filename= unless --target says; COMMAND is the\n"
	"                           command line that made it\n"
	"\n"
	"RUN is a run id, any unique part of one (e.g. its last four hex digits), \"latest\",\n"
	"or the path of a result file. DEVICE is a device folder's name, a unique part of one,\n"
	"or the path of a device or file (found by its identity, whatever its name is today).\n"
	"Times are UTC: 2026-11-25, 2026-11-25T16:19Z, @UNIX-SECONDS, or back from now: 90m,\n"
	"36h, 7d, 2w.\n"
	"\n"
	"--json prints the same for scripts. Exit status: 0 done, 1 error (message on stderr;\n"
	"nothing in the archive changed), 2 usage, 3 compare flagged a regression.\n";

/* ---- options ---------------------------------------------------------------------------- */

static const struct option longopts[] = {
	{ "results", required_argument, NULL, 'R' }, { "json", no_argument, NULL, 'j' },
	{ "target", required_argument, NULL, 't' },  { "kind", required_argument, NULL, 'k' },
	{ "sidecar", required_argument, NULL, 's' }, { "label", required_argument, NULL, 'l' },
	{ "time", required_argument, NULL, 'T' },    { "status", required_argument, NULL, 'S' },
	{ "note", required_argument, NULL, 'n' },    { "since", required_argument, NULL, 'a' },
	{ "until", required_argument, NULL, 'b' },   { "min-change", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },  { "metric", required_argument, NULL, 'M' },
	{ "sweep", no_argument, NULL, 'w' },	     { "engines", no_argument, NULL, 'e' },
	{ "host", required_argument, NULL, 'H' },    { NULL, 0, NULL, 0 },
};

static const struct {
	int c;
	unsigned int bit;
} opt_bits[] = {
	{ 'R', OPT_RESULTS }, { 'j', OPT_JSON },   { 't', OPT_TARGET }, { 'k', OPT_KIND },
	{ 's', OPT_SIDECAR }, { 'l', OPT_LABEL },  { 'T', OPT_TIME },	{ 'S', OPT_STATUS },
	{ 'n', OPT_NOTE },    { 'a', OPT_SINCE },  { 'b', OPT_UNTIL },	{ 'm', OPT_MIN_CHANGE },
	{ 'o', OPT_OUTPUT },  { 'M', OPT_METRIC }, { 'w', OPT_SWEEP },	{ 'e', OPT_ENGINES },
	{ 'H', OPT_HOST },
};

static const char *opt_name(int c)
{
	unsigned int i;

	for (i = 0; longopts[i].name; i++)
		if (longopts[i].val == c)
			return longopts[i].name;
	return "?";
}

static int percent(const char *s, const char *name, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= 0 && v < 1000)) {
		idr_err("results: --%s %s: give a percentage, e.g. --%s 10", name, s, name);
		return 2;
	}
	*out = v / 100;
	return 0;
}

static int add_listed(const char **list, unsigned int *nr, const char *v, const char *name)
{
	if (*nr >= MAX_LISTED) {
		idr_err("results: --%s given more than %d times", name, MAX_LISTED);
		return 2;
	}
	list[(*nr)++] = v;
	return 0;
}

static int take_opt(int c, struct ropts *o)
{
	switch (c) {
	case 'R':
		return 0; /* resolved once every option is read */
	case 'j':
		o->json = 1;
		return 0;
	case 't':
		o->target = optarg;
		return 0;
	case 'k':
		o->kind = optarg;
		return 0;
	case 's':
		return add_listed(o->sidecars, &o->nr_sidecars, optarg, "sidecar");
	case 'l':
		return add_listed(o->labels, &o->nr_labels, optarg, "label");
	case 'T':
		o->time = optarg;
		return 0;
	case 'S':
		o->status = optarg;
		return 0;
	case 'n':
		o->note = optarg;
		return 0;
	case 'a':
		o->since = optarg;
		return 0;
	case 'b':
		o->until = optarg;
		return 0;
	case 'm':
		return percent(optarg, "min-change", &o->min_change);
	case 'o':
		o->output = optarg;
		return 0;
	case 'M':
		o->metric = optarg;
		return 0;
	case 'w':
		o->sweep = 1;
		return 0;
	case 'e':
		o->engines = 1;
		return 0;
	case 'H':
		o->host = optarg;
		return 0;
	}
	return 2;
}

static int check_allowed(int c, unsigned int allowed, const char *sub)
{
	unsigned int i;

	for (i = 0; i < sizeof(opt_bits) / sizeof(opt_bits[0]); i++)
		if (opt_bits[i].c == c && !(opt_bits[i].bit & allowed)) {
			idr_err("results %s: --%s does not apply here ('iodrill help results')",
				sub, opt_name(c));
			return 2;
		}
	return 0;
}

/* Split off "-- COMMAND...": argv[..dd) is ours, the rest the command. */
static int split_command(int argc, char **argv, struct ropts *o)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			o->cmd_argc = argc - i - 1;
			o->cmd_argv = argv + i + 1;
			return i;
		}
	return argc;
}

int results_parse_opts(int argc, char **argv, unsigned int allowed, struct ropts *o)
{
	const char *results = NULL;
	int c, ret;

	o->sub = argv[0];
	o->min_change = IDR_MIN_CHANGE;
	argc = split_command(argc, argv, o);
	if (o->cmd_argc && !(allowed & OPT_NOTE)) {
		idr_err("results %s: takes no '-- COMMAND'", o->sub);
		return 2;
	}
	optind = 0; /* glibc: start over, this is a fresh argv */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			idr_err("results %s: %s option %s ('iodrill help results')", o->sub,
				c == '?' ? "unknown" : "missing the value of", argv[optind - 1]);
			return 2;
		}
		if (check_allowed(c, allowed, o->sub) || take_opt(c, o))
			return 2;
		if (c == 'R')
			results = optarg;
	}
	o->dir[0] = '\0';
	o->nargs = argc - optind;
	o->args = argv + optind;
	ret = idr_archive_dir(results, o->dir, sizeof(o->dir));
	if (ret) {
		idr_err("results: no archive folder (%s): give --results DIR or set IODRILL_RESULTS",
			strerror(-ret));
		return 2;
	}
	return 0;
}

/* Does option argument a ("--results", "-o") take the next argument as its value? */
static int takes_value(const char *a)
{
	unsigned int i;

	if (!strcmp(a, "-o"))
		return 1;
	if (strncmp(a, "--", 2) || strchr(a, '='))
		return 0;
	for (i = 0; longopts[i].name; i++)
		if (!strcmp(a + 2, longopts[i].name))
			return longopts[i].has_arg == required_argument;
	return 0;
}

/* Options may come before the subcommand too: iodrill results --json list. */
static int hoist(int argc, char **argv, char **out)
{
	int i, n = 1, sub = 0;

	out[0] = NULL;
	for (i = 1; i < argc; i++) {
		if (!sub && !strcmp(argv[i], "--"))
			break;
		if (!sub && argv[i][0] != '-') {
			sub = i;
			out[0] = argv[i];
			continue;
		}
		out[n++] = argv[i];
		if (!sub && takes_value(argv[i]) && i + 1 < argc)
			out[n++] = argv[++i];
	}
	for (; i < argc; i++)
		out[n++] = argv[i];
	out[n] = NULL;
	return sub ? n : 0;
}

/* ---- shared helpers ----------------------------------------------------------------------- */

int results_when(const char *s, int64_t now_ms, int64_t *ms)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, n = 0;
	char unit, *end;
	double v;

	if (s[0] == '@') {
		v = strtod(s + 1, &end);
		if (end == s + 1 || *end)
			return -EINVAL;
		*ms = (int64_t)(v * 1000);
		return 0;
	}
	if (sscanf(s, "%lf%c%n", &v, &unit, &n) == 2 && !s[n] && v >= 0 && strchr("mhdw", unit) &&
	    !strchr(s, '-')) {
		*ms = now_ms - (int64_t)(v * 1000 *
					 (unit == 'm'	? 60
					  : unit == 'h' ? 3600
					  : unit == 'd' ? 86400
							: 604800));
		return 0;
	}
	n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -EINVAL;
	s += n;
	if (*s == 'T' || *s == ' ') {
		n = 0;
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2)
			return -EINVAL;
		s += 1 + n;
		if (*s == ':' && sscanf(s + 1, "%2d%n", &sec, &n) == 1)
			s += 1 + n;
		if (*s == '.' && sscanf(s + 1, "%3d%n", &frac, &n) == 1)
			s += 1 + n;
	}
	if (*s == 'Z')
		s++;
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	*ms = idr_utc_ms(y, mo, d, h, mi, sec, frac);
	return 0;
}

int results_load_run(const struct idr_archive_index *idx, const char *name, struct idr_result *r)
{
	const struct idr_archive_run *run;
	char path[4200], err[1024];
	struct stat st;

	if ((strchr(name, '/') || strstr(name, ".json")) && !stat(name, &st)) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		run = idr_archive_find_run(idx, name, err, sizeof(err));
		if (!run) {
			idr_err("results: %s", err);
			return 1;
		}
		idr_archive_run_path(idx, run, path, sizeof(path));
	}
	if (idr_result_load(path, r, err, sizeof(err))) {
		idr_err("results: %s", err);
		return 1;
	}
	return 0;
}

char *fmt_num(double v, const char *f, char *buf, size_t len)
{
	if (isnan(v) || isinf(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, f, v);
	return buf;
}

char *fmt_si(double v, char *buf, size_t len)
{
	if (isnan(v) || isinf(v))
		snprintf(buf, len, "-");
	else if (v >= 1e9)
		snprintf(buf, len, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}

char *fmt_us(double ns, char *buf, size_t len)
{
	double us = ns / 1e3;

	if (isnan(ns) || isinf(ns) || ns <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, us >= 100 ? "%.0f" : us >= 10 ? "%.1f" : "%.2f", us);
	return buf;
}

const char *job_lat_source(const struct idr_result_job *j, int d)
{
	if (j->lat[d].count)
		return j->lat[d].batched ? "batched" : "engine histogram";
	if (!j->fio->dir[d].total_ios)
		return NULL;
	return j->clat_batched ? "batched" : "fio clat";
}

double job_pct_ns(const struct idr_result_job *j, int d, double pct)
{
	const struct idr_fio_dir *fd = &j->fio->dir[d];
	double v;

	if (!fd->total_ios)
		return NAN;
	if (j->lat[d].count)
		return idr_lat_figs_pct(&j->lat[d], pct);
	if (j->clat_batched)
		return NAN;
	v = pct == 100 ? (double)fd->clat_max_ns : idr_fio_dir_percentile(fd, pct);
	/* fio's percentiles are its buckets' values: never report one above the maximum */
	if (fd->clat_max_ns && v > (double)fd->clat_max_ns)
		v = (double)fd->clat_max_ns;
	return v > 0 ? v : NAN;
}

static struct json_object *jnum(double v)
{
	return isnan(v) || isinf(v) ? NULL : json_object_new_double(v);
}

static const char *const dir_name[2] = { "read", "write" };

/* ---- list ------------------------------------------------------------------------------- */

struct run_line {
	char engines[256], best[96], status[24], host[300];
	unsigned int jobs;
	char err[512];
};

/* The one-line summary of a run (loading it; an unreadable file says why). */
static void summarize(const struct idr_archive_index *idx, const struct idr_archive_run *run,
		      struct run_line *l, struct json_object *jr)
{
	struct idr_result r;
	char path[4200], iops[32];
	struct json_object *engines = json_object_new_array();
	double best = -1, v;
	unsigned int i;
	const char *best_engine = "";

	memset(l, 0, sizeof(*l));
	idr_archive_run_path(idx, run, path, sizeof(path));
	if (idr_result_load(path, &r, l->err, sizeof(l->err))) {
		json_object_object_add(jr, "error", json_object_new_string(l->err));
		json_object_put(engines);
		return;
	}
	snprintf(l->status, sizeof(l->status), "%s", r.status);
	snprintf(l->host, sizeof(l->host), "%s", idr_result_prov_str(&r, "host.fleet_host") ?: "");
	l->jobs = r.nr_jobs;
	for (i = 0; i < r.nr_jobs; i++) {
		const char *e = r.jobs[i].engine;
		size_t k, n = json_object_array_length(engines);
		int seen = 0;

		for (k = 0; k < n; k++)
			seen |= !strcmp(json_object_get_string(
						json_object_array_get_idx(engines, k)),
					e);
		if (!seen) {
			n = strlen(l->engines);
			snprintf(l->engines + n, sizeof(l->engines) - n, "%s%s", n ? "," : "", e);
			json_object_array_add(engines, json_object_new_string(e));
		}
		v = r.jobs[i].iops[0] + r.jobs[i].iops[1];
		if (v > best) {
			best = v;
			best_engine = r.jobs[i].engine;
		}
	}
	if (best >= 0)
		snprintf(l->best, sizeof(l->best), "top %s IOPS (%s)",
			 fmt_si(best, iops, sizeof(iops)), best_engine);
	json_object_object_add(jr, "status", json_object_new_string(r.status));
	json_object_object_add(jr, "engines", engines);
	json_object_object_add(jr, "jobs", json_object_new_int((int)r.nr_jobs));
	json_object_object_add(jr, "top_iops", jnum(best));
	json_object_object_add(jr, "host", l->host[0] ? json_object_new_string(l->host) : NULL);
	idr_result_free(&r);
}

/* Was run made on host (a fleet host as named, or the host name in its provenance)? */
static bool on_host(const struct idr_archive_index *idx, const struct idr_archive_run *run,
		    const char *host)
{
	char path[4200], err[256];
	struct idr_result r;
	const char *f, *h;
	bool yes;

	idr_archive_run_path(idx, run, path, sizeof(path));
	if (idr_result_load(path, &r, err, sizeof(err)))
		return false;
	f = idr_result_prov_str(&r, "host.fleet_host");
	h = idr_result_prov_str(&r, "host.hostname");
	yes = (f && !strcmp(f, host)) || (h && !strcmp(h, host));
	idr_result_free(&r);
	return yes;
}

/* Has device dev a run made on host (any run when host is NULL)? */
static bool device_on_host(const struct idr_archive_index *idx, const char *dev, const char *host)
{
	for (unsigned int i = 0; i < idx->nr; i++)
		if (!strcmp(idx->runs[i].device, dev) &&
		    (!host || on_host(idx, &idx->runs[i], host)))
			return true;
	return !host;
}

static void list_device(const struct idr_archive_index *idx, const char *dev, int json,
			const char *host, struct json_object *jdevs, int *bad)
{
	struct json_object *d = NULL, *jd = json_object_new_object(), *jruns;
	char err[512], when[40], path[4200];
	struct run_line l;
	unsigned int i;

	jruns = json_object_new_array();
	json_object_object_add(jd, "name", json_object_new_string(dev));
	if (idr_archive_device_load(idx, dev, &d, err, sizeof(err))) {
		*bad += 1;
		json_object_object_add(jd, "error", json_object_new_string(err));
		if (!json)
			printf("%s  (device.json unreadable: %s)\n", dev, err);
	} else {
		json_object_object_add(jd, "description",
				       json_object_new_string(idr_json_str(d, "description")));
		json_object_object_add(jd, "type",
				       json_object_new_string(idr_json_str(d, "type") ?: ""));
		if (!json)
			printf("%s  %s\n", dev, idr_json_str(d, "description"));
	}
	for (i = 0; i < idx->nr; i++) {
		const struct idr_archive_run *run = &idx->runs[i];
		struct json_object *jr;

		if (strcmp(run->device, dev) || (host && !on_host(idx, run, host)))
			continue;
		jr = json_object_new_object();
		idr_archive_run_path(idx, run, path, sizeof(path));
		json_object_object_add(jr, "id", json_object_new_string(run->id));
		json_object_object_add(jr, "time",
				       json_object_new_string(
					       idr_time_iso(run->time_ms, when, sizeof(when))));
		json_object_object_add(jr, "kind", json_object_new_string(run->kind));
		json_object_object_add(jr, "path", json_object_new_string(path));
		summarize(idx, run, &l, jr);
		json_object_array_add(jruns, jr);
		*bad += l.err[0] != '\0';
		if (json)
			continue;
		if (l.err[0])
			printf("  %s  unreadable: %s\n", run->id,
			       strstr(l.err, ": ") ? strstr(l.err, ": ") + 2 : l.err);
		else
			printf("  %s  %-9s %-11s %3u job%s  %-24s %s%s%s\n", run->id, run->kind,
			       l.status, l.jobs, l.jobs == 1 ? " " : "s", l.engines, l.best,
			       l.host[0] ? "  on " : "", l.host);
	}
	json_object_object_add(jd, "runs", jruns);
	json_object_array_add(jdevs, jd);
	json_object_put(d);
}

static int list(struct ropts *o)
{
	struct idr_archive_index idx;
	struct json_object *top, *jdevs;
	const char *only = NULL;
	char err[1024];
	unsigned int i;
	int bad = 0;

	if (o->nargs > 1) {
		idr_err("results list: takes at most one DEVICE");
		return 2;
	}
	if (idr_archive_scan(o->dir, &idx, err, sizeof(err))) {
		idr_err("results: %s", err);
		return 1;
	}
	if (o->nargs == 1) {
		only = idr_archive_find_device(&idx, o->args[0], err, sizeof(err));
		if (!only) {
			idr_err("results list: %s", err);
			idr_archive_index_free(&idx);
			return 1;
		}
	}
	top = json_object_new_object();
	jdevs = json_object_new_array();
	json_object_object_add(top, "results", json_object_new_string(o->dir));
	json_object_object_add(top, "stale_temp_files", json_object_new_int((int)idx.nr_stale));
	if (!idx.nr_devices && !o->json)
		idr_err("the results archive %s is empty: runs are stored by iodrill drill, iodrill "
			"tune and iodrill results add",
			o->dir);
	/* devices in the order of their newest run, then those without runs */
	for (i = 0; i < idx.nr; i++) {
		const char *dev = idx.runs[i].device;
		unsigned int k;
		int seen = 0;

		for (k = 0; k < i; k++)
			seen |= !strcmp(idx.runs[k].device, dev);
		if (!seen && (!only || !strcmp(only, dev)) && device_on_host(&idx, dev, o->host))
			list_device(&idx, dev, o->json, o->host, jdevs, &bad);
	}
	for (i = 0; i < idx.nr_devices; i++) {
		unsigned int k;
		int has = 0;

		for (k = 0; k < idx.nr; k++)
			has |= !strcmp(idx.runs[k].device, idx.devices[i]);
		if (!has && !o->host && (!only || !strcmp(only, idx.devices[i])))
			list_device(&idx, idx.devices[i], o->json, NULL, jdevs, &bad);
	}
	json_object_object_add(top, "devices", jdevs);
	if (o->host && !json_object_array_length(jdevs) && !o->json)
		idr_err("results list: no run in %s was made on host %s", o->dir, o->host);
	if (o->json)
		idr_print_json(stdout, top);
	if (bad)
		idr_err("results: %d file%s in %s could not be read (shown as unreadable above)",
			bad, bad == 1 ? "" : "s", o->dir);
	if (idx.nr_stale && !o->json)
		idr_err("results: %u temporary file%s in %s left by writers that did not finish "
			"(never read as results; safe to delete when no run is being stored)",
			idx.nr_stale, idx.nr_stale == 1 ? "" : "s", o->dir);
	json_object_put(top);
	idr_archive_index_free(&idx);
	return 0;
}

/* ---- show -------------------------------------------------------------------------------- */

static struct json_object *dir_json(const struct idr_result_job *j, int d)
{
	const struct idr_fio_dir *fd = &j->fio->dir[d];
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ios", json_object_new_int64((int64_t)fd->total_ios));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)fd->io_bytes));
	json_object_object_add(o, "iops", jnum(j->iops[d]));
	json_object_object_add(o, "mb_s",
			       jnum(j->elapsed_s > 0 ? (double)fd->io_bytes / 1e6 / j->elapsed_s
						     : NAN));
	json_object_object_add(o, "p50_us", jnum(job_pct_ns(j, d, 50) / 1e3));
	json_object_object_add(o, "p99_us", jnum(job_pct_ns(j, d, 99) / 1e3));
	json_object_object_add(o, "p99_9_us", jnum(job_pct_ns(j, d, 99.9) / 1e3));
	json_object_object_add(o, "max_us", jnum(job_pct_ns(j, d, 100) / 1e3));
	json_object_object_add(o, "latency_source", json_object_new_string(job_lat_source(j, d)));
	json_object_object_add(o, "latency_count",
			       j->lat[d].count ? json_object_new_int64((int64_t)j->lat[d].count)
					       : NULL);
	json_object_object_add(o, "iops_rel_sd", jnum(j->iops_rel_sd[d]));
	return o;
}

static struct json_object *job_json(const struct idr_result_job *j)
{
	struct json_object *o = json_object_new_object(), *c;
	char key[512];
	int d;

	idr_result_job_key(j, key, sizeof(key));
	json_object_object_add(o, "key", json_object_new_string(key));
	json_object_object_add(o, "engine", json_object_new_string(j->engine));
	json_object_object_add(o, "name", json_object_new_string(j->fio->name));
	json_object_object_add(o, "part", json_object_new_int((int)j->part));
	json_object_object_add(o, "rw", json_object_new_string(j->rw));
	json_object_object_add(o, "bs", json_object_new_string(j->bs));
	json_object_object_add(o, "iodepth", json_object_new_int((int)j->iodepth));
	json_object_object_add(o, "error", json_object_new_int(j->fio->error));
	json_object_object_add(o, "elapsed_s", jnum(j->elapsed_s));
	json_object_object_add(o, "timer", json_object_new_string(j->sc_lines ? "engine" : "fio"));
	for (d = 0; d < 2; d++)
		if (j->fio->dir[d].total_ios)
			json_object_object_add(o, dir_name[d], dir_json(j, d));
	json_object_object_add(o, "cpu_us_per_io", jnum(j->cpu_us_per_io));
	json_object_object_add(o, "cpu_source",
			       json_object_new_string(j->sc_lines ? "engine (all threads)"
								  : "fio (job thread)"));
	json_object_object_add(o, "syscalls_per_io", jnum(j->syscalls_per_io));
	if (j->sc_lines) {
		c = json_object_new_object();
		json_object_object_add(c, "ios", json_object_new_int64((int64_t)j->sc.ios));
		json_object_object_add(c, "errors", json_object_new_int64((int64_t)j->sc.errors));
		json_object_object_add(c, "short_ios",
				       json_object_new_int64((int64_t)j->sc.short_ios));
		json_object_object_add(c, "syscalls",
				       json_object_new_int64((int64_t)j->sc.syscalls));
		json_object_object_add(c, "busy", json_object_new_int64((int64_t)j->sc.busy));
		json_object_object_add(c, "eintr", json_object_new_int64((int64_t)j->sc.eintr));
		json_object_object_add(c, "elapsed_ns",
				       json_object_new_int64((int64_t)j->sc.elapsed_ns));
		json_object_object_add(c, "cpu_ns", json_object_new_int64((int64_t)j->sc.cpu_ns));
		json_object_object_add(c, "workers", json_object_new_int64((int64_t)j->sc.workers));
		json_object_object_add(o, "counters", c);
	}
	return o;
}

static void show_engines(const struct idr_result *r)
{
	struct json_object *engines = idr_json_get(r->prov, "engines");
	size_t i;

	for (i = 0; engines && json_object_is_type(engines, json_type_array) &&
		    i < json_object_array_length(engines);
	     i++) {
		struct json_object *e = json_object_array_get_idx(engines, i);
		struct json_object *facts = idr_json_get(e, "facts");

		printf("%-10s %s build %s", i ? "" : "engines", idr_json_str(e, "name") ?: "?",
		       idr_json_str(e, "build") ?: "?");
		if (idr_json_get(e, "fio_builtin"))
			printf(" (fio's built-in)");
		if (facts && json_object_is_type(facts, json_type_object) &&
		    json_object_object_length(facts))
			printf(", facts %s",
			       json_object_to_json_string_ext(facts,
							      JSON_C_TO_STRING_PLAIN |
								      JSON_C_TO_STRING_NOSLASHESCAPE));
		if (idr_json_get(e, "differs_between_jobs"))
			printf(" (differs between jobs)");
		printf("\n");
	}
}

static void show_header(const struct idr_result *r, const char *path)
{
	struct json_object *cmd = idr_json_get(r->prov, "command");
	char when[40];
	size_t i;

	printf("%-10s %s (%s, %s)\n", "run", r->id, r->kind, r->status);
	printf("%-10s %s (archived %s)\n", "time", idr_time_iso(r->time_ms, when, sizeof(when)),
	       idr_result_prov_str(r, "archived") ?: "?");
	printf("%-10s", "command");
	for (i = 0;
	     cmd && json_object_is_type(cmd, json_type_array) && i < json_object_array_length(cmd);
	     i++)
		printf(" %s", json_object_get_string(json_object_array_get_idx(cmd, i)));
	printf("%s\n", cmd ? "" : " (not recorded)");
	if (idr_result_prov_str(r, "note"))
		printf("%-10s %s\n", "note", idr_result_prov_str(r, "note"));
	printf("%-10s %s\n", "target", r->target ?: "?");
	printf("%-10s %s: %s\n", "device", r->device,
	       idr_result_prov_str(r, "device.description") ?: "?");
	printf("%-10s kernel %s, %s x %lld CPUs, %s\n", "host",
	       idr_result_prov_str(r, "host.kernel") ?: "?",
	       idr_result_prov_str(r, "host.cpu_model") ?: "?",
	       (long long)idr_json_u64(idr_json_get(r->prov, "host"), "cpus_online"),
	       idr_result_prov_str(r, "host.hostname") ?: "?");
	printf("%-10s %s\n", "fio", idr_result_prov_str(r, "fio.version") ?: "?");
	printf("%-10s %s\n", "iodrill", idr_result_prov_str(r, "iodrill.build") ?: "?");
	show_engines(r);
	if (path)
		printf("%-10s %s\n", "file", path);
	printf("\n");
}

/* The latency columns of one direction: p50, p99, p99.9, max and where they come from. */
static void show_lat(const struct idr_result_job *j, int d)
{
	static const double pcts[] = { 50, 99, 99.9, 100 };
	const char *src = job_lat_source(j, d);
	char b[32];
	unsigned int i;

	for (i = 0; i < 4; i++)
		printf(" %8s", fmt_us(job_pct_ns(j, d, pcts[i]), b, sizeof(b)));
	printf(" %-6s", !src			   ? ""
			: !strcmp(src, "batched")  ? "batch"
			: !strcmp(src, "fio clat") ? "fio"
						   : "engine");
}

static void show_row(const struct idr_result_job *j, int d, int first)
{
	const struct idr_fio_dir *fd = &j->fio->dir[d];
	char a[32], b[32], f[32], g[32], name[80];

	snprintf(name, sizeof(name), "%s%s", j->fio->name, j->occurrence ? "'" : "");
	printf("%-14s %-18s %-9s %5s %5u %-5s %9s%s %8s", first ? j->engine : "", first ? name : "",
	       first ? j->rw : "", first ? j->bs : "", j->iodepth, dir_name[d],
	       fmt_si(j->iops[d], a, sizeof(a)), j->sc_lines ? " " : "*",
	       fmt_num(j->elapsed_s > 0 ? (double)fd->io_bytes / 1e6 / j->elapsed_s : NAN, "%.1f",
		       b, sizeof(b)));
	show_lat(j, d);
	printf(" %8s%s %7s %s\n", fmt_num(j->cpu_us_per_io, "%.3f", f, sizeof(f)),
	       j->sc_lines ? " " : "*", fmt_num(j->syscalls_per_io, "%.2f", g, sizeof(g)),
	       j->fio->error		     ? strerror(j->fio->error)
	       : j->sc_lines && j->sc.errors ? "I/O errors"
					     : "");
}

static void show_table(const struct idr_result *r)
{
	unsigned int i;
	int d, first, star = 0, batch = 0;

	printf("%-14s %-18s %-9s %5s %5s %-5s %10s %8s %8s %8s %8s %8s %-6s %9s %7s %s\n", "engine",
	       "job", "rw", "bs", "qd", "dir", "IOPS", "MB/s", "p50 µs", "p99 µs", "p99.9 µs",
	       "max µs", "lat", "CPU µs/IO", "sys/IO", "error");
	for (i = 0; i < r->nr_jobs; i++) {
		const struct idr_result_job *j = &r->jobs[i];

		star |= !j->sc_lines;
		for (d = 0, first = 1; d < 2; d++) {
			if (!j->fio->dir[d].total_ios && (d || j->fio->dir[1].total_ios))
				continue;
			batch |= job_lat_source(j, d) && !strcmp(job_lat_source(j, d), "batched");
			show_row(j, d, first);
			first = 0;
		}
	}
	printf("\nIOPS and MB/s over the engine's own ns timer; CPU per I/O from every thread the "
	       "engine ran.\nLatency (lat): engine = each I/O's own, from submission to the "
	       "engine seeing it done\n(the engine's histogram); fio = fio's completion latency "
	       "(clat).\n");
	if (batch)
		printf("batch: completions were reaped in batches (the drill's timing runs): a "
		       "batch's stamp is\nnot a latency, so none is shown; the drill's latency "
		       "runs (job drill-latency) have them.\n");
	if (star)
		printf("* no sidecar for this job: over fio's ms runtime, and fio's job-thread CPU.\n");
}

static int show(struct ropts *o)
{
	struct idr_archive_index idx;
	struct idr_result r;
	struct json_object *top, *jobs;
	char err[1024], path[4200];
	const struct idr_archive_run *run;
	unsigned int i;

	if (o->nargs != 1) {
		idr_err("results show: needs one RUN ('iodrill results list' shows them)");
		return 2;
	}
	if (idr_archive_scan(o->dir, &idx, err, sizeof(err))) {
		idr_err("results: %s", err);
		return 1;
	}
	if (results_load_run(&idx, o->args[0], &r)) {
		idr_archive_index_free(&idx);
		return 1;
	}
	/* the file shown: the one named, or the run's in the archive */
	path[0] = '\0';
	if ((strchr(o->args[0], '/') || strstr(o->args[0], ".json")) && !access(o->args[0], R_OK))
		snprintf(path, sizeof(path), "%s", o->args[0]);
	else if ((run = idr_archive_find_run(&idx, o->args[0], err, sizeof(err))))
		idr_archive_run_path(&idx, run, path, sizeof(path));
	if (o->json) {
		top = json_object_new_object();
		jobs = json_object_new_array();
		json_object_object_add(top, "id", json_object_new_string(r.id));
		json_object_object_add(top, "file", path[0] ? json_object_new_string(path) : NULL);
		json_object_object_add(top, "provenance", json_object_get(r.prov));
		for (i = 0; i < r.nr_jobs; i++)
			json_object_array_add(jobs, job_json(&r.jobs[i]));
		json_object_object_add(top, "jobs", jobs);
		idr_print_json(stdout, top);
		json_object_put(top);
	} else {
		show_header(&r, path[0] ? path : NULL);
		show_table(&r);
	}
	idr_result_free(&r);
	idr_archive_index_free(&idx);
	return 0;
}

/* ---- add ---------------------------------------------------------------------------------- */

static int add(struct ropts *o)
{
	struct idr_run_part parts[MAX_LISTED];
	struct idr_run_input in = { 0 };
	struct idr_stored st;
	char err[2048];
	int64_t ms = 0;
	int i;

	if (o->nargs < 1 || o->nargs > MAX_LISTED) {
		idr_err("results add: give the fio JSON output file(s) of the run (1 to %d)",
			MAX_LISTED);
		return 2;
	}
	if ((o->nr_sidecars && o->nr_sidecars != (unsigned int)o->nargs) ||
	    (o->nr_labels && o->nr_labels != (unsigned int)o->nargs)) {
		idr_err("results add: give one --sidecar (and --label) per fio output, in the same "
			"order, or none (%d outputs, %u sidecars, %u labels)",
			o->nargs, o->nr_sidecars, o->nr_labels);
		return 2;
	}
	if (o->time && results_when(o->time, 0, &ms)) {
		idr_err("results add: --time %s: not a time (2026-11-25T16:19:59Z or @SECONDS)",
			o->time);
		return 2;
	}
	for (i = 0; i < o->nargs; i++) {
		parts[i].fio_json = o->args[i];
		parts[i].sidecar = o->nr_sidecars ? o->sidecars[i] : NULL;
		parts[i].label = o->nr_labels ? o->labels[i] : NULL;
	}
	in.kind = o->kind ? o->kind : "fio";
	in.target = o->target;
	in.argc = o->cmd_argc;
	in.argv = o->cmd_argv;
	in.parts = parts;
	in.nr_parts = (unsigned int)o->nargs;
	in.time_ms = ms;
	in.status = o->status;
	in.note = o->note;
	if (idr_archive_store(o->dir, &in, &st, err, sizeof(err))) {
		idr_err("results add: %s", err);
		return 1;
	}
	if (o->json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "id", json_object_new_string(st.id));
		json_object_object_add(j, "device", json_object_new_string(st.device));
		json_object_object_add(j, "path", json_object_new_string(st.path));
		idr_print_json(stdout, j);
		json_object_put(j);
	} else {
		printf("stored %s\n  in %s\n", st.id, st.path);
	}
	return 0;
}

/* ---- dispatch ------------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(struct ropts *o);
	unsigned int opts;
} subs[] = {
	{ "list", list, OPT_RESULTS | OPT_JSON | OPT_HOST },
	{ "show", show, OPT_RESULTS | OPT_JSON },
	{ "compare", results_compare,
	  OPT_RESULTS | OPT_JSON | OPT_SINCE | OPT_UNTIL | OPT_KIND | OPT_MIN_CHANGE },
	{ "plot", results_plot,
	  OPT_RESULTS | OPT_JSON | OPT_SINCE | OPT_UNTIL | OPT_KIND | OPT_OUTPUT | OPT_METRIC |
		  OPT_SWEEP | OPT_ENGINES },
	{ "add", add,
	  OPT_RESULTS | OPT_JSON | OPT_TARGET | OPT_KIND | OPT_SIDECAR | OPT_LABEL | OPT_TIME |
		  OPT_STATUS | OPT_NOTE },
};

int cmd_results(int argc, char **argv)
{
	struct ropts o;
	char **av;
	unsigned int i;
	int n, ret;

	for (i = 1; i < (unsigned int)argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(cmd_results_help, stdout);
			return 0;
		}
	av = calloc((size_t)argc + 1, sizeof(*av));
	if (!av)
		return 1;
	n = hoist(argc, argv, av);
	if (!n) {
		idr_err("results: which? list, show, compare, plot or add ('iodrill help results')");
		free(av);
		return 2;
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(subs[i].name, av[0]))
			break;
	if (i == sizeof(subs) / sizeof(subs[0])) {
		idr_err("results: no subcommand '%s'; list, show, compare, plot or add", av[0]);
		free(av);
		return 2;
	}
	memset(&o, 0, sizeof(o));
	ret = results_parse_opts(n, av, subs[i].opts, &o);
	if (!ret)
		ret = subs[i].fn(&o);
	free(av);
	return ret;
}
