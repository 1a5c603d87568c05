/*
 * tune.c - iodrill tune TARGET --engine E: profiles/qd-sweep.fio (random 4 KiB reads at
 * depths 1, 2, 4 ... 1024) through one engine, one fio run per depth so progress shows
 * and Ctrl-C stops between or within depths; finds the knee (the lowest depth reaching
 * 95% of the peak IOPS) and the depth from which p99 latency climbs for good. The sweep
 * is stored in the results archive when it ends, one part per depth (idr_run_archive).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "run/drilltarget.h"
#include "run/engsel.h"
#include "run/fleet.h"
#include "archive/fiojson.h"
#include "hosts.h"
#include "iodrill.h"
#include "report/plot.h"
#include "run/cmdopts.h"
#include "run/profile.h"
#include "run/run.h"
#include "report/stats.h"
#include "saturate.h"

#define TUNE_MAX_POINTS 11 /* qd1 .. qd1024 in profiles/qd-sweep.fio */
#define KNEE_FRAC 0.95
#define CLIMB_FACTOR 1.5

const char cmd_tune_help[] =
	"usage: iodrill tune TARGET --engine E [options]\n"
	"\n"
	"Sweep the queue depth (profiles/qd-sweep.fio: random 4 KiB reads at iodepth 1, 2, 4 ...\n"
	"1024, each time-based) through engine E on TARGET, and print per depth IOPS, MB/s,\n"
	"p50, p99, p99.9 and max latency (the engine's own per-I/O histogram, else fio's\n"
	"clat; the table says which), CPU per I/O and system calls per I/O (the sidecar).\n"
	"Then the knee: the lowest iodepth that reaches 95% of the peak IOPS; and where p99\n"
	"starts to climb: the first depth from which p99 stays above 1.5x the lowest p99 of\n"
	"the depths below it. A PNG chart (gnuplot) of IOPS and p99 against iodepth.\n"
	"\n"
	"TARGET  as for iodrill drill: a file, a block device, /dev/ngXnY, or a folder to create\n"
	"        a file in (removed after). The sweep only reads.\n"
	"\n"
	"options:\n"
	"  --engine E        the engine (a name from engines/engines.tbl); required\n"
	"  --numjobs N       N jobs per depth, 1..64 (default 1; their IOPS add up)\n"
	"  --max-iodepth N   stop the sweep at depth N, 1..1024 (default 1024)\n"
	"  --runtime MS      milliseconds measured per depth (default: the profile's 3 s)\n"
	"  --ramp MS         milliseconds of warm-up per depth (default: the profile's 1 s)\n"
	"  --size SIZE       size of a file tune creates (default 256M)\n"
	"  --json            the sweep as JSON on stdout\n"
	"  --png FILE        the chart's path (default ./iodrill-tune-<time>.png); --no-png\n"
	"  --keep DIR        keep the run's folder (fio's JSON, sidecars, job file) under DIR\n"
	"  --results DIR     the results archive to store the sweep in (default:\n"
	"                    $IODRILL_RESULTS, else results/ in the source tree iodrill runs\n"
	"                    from, else ~/.local/share/iodrill/results)\n"
	"  --no-archive      do not store the sweep\n"
	"  --host H          sweep on host H (host[:port]) through its `fio --server`; TARGET\n"
	"                    is a path there. Repeat for several hosts: they sweep at once\n"
	"  --hosts FILE      every host in FILE (one host[:port] a line, '#' comments)\n"
	"\n"
	"Every sweep is stored in the results archive when it ends, also a failed or\n"
	"interrupted one (its status says so): one part per depth, fio's JSON output, the\n"
	"engine's counters and the provenance (iodrill help results; iodrill results plot\n"
	"draws it again).\n"
	"\n"
	"A synchronous engine (sync) runs at depth 1 whatever the iodepth: tune refuses it\n"
	"unless --numjobs scales it. Exit 0; 1 when a depth failed, the sweep could not be\n"
	"stored (its files are then kept), or fio is missing or of another version; 2 on bad\n"
	"input; 128+N on signal N, after storing the depths that ran and removing the rest.\n" IDR_SATURATE_HELP;

struct tune_opts {
	const char *target, *engine, *png, *keep, *results;
	unsigned int numjobs, max_depth, runtime_ms, ramp_ms;
	unsigned long long size;
	bool json, no_png, no_archive;
	struct idr_fleet fleet; /* --host, --hosts: where to sweep (none: here) */
};

struct tune_point {
	unsigned int depth;
	double iops, mbps, cpu_us_io, syscalls_io;
	bool have_sidecar;
	/* latency: the engine's histogram merged over the depth's jobs, else fio's clat;
	   lat_source "batched" (no figures: a batch's stamp) or NULL when there is none */
	struct idr_lat_figs lat;
	const char *lat_source;
	double p99_us; /* lat's p99 when shown, else NaN (the knee's input) */
};

struct tune {
	struct tune_opts o;
	struct idr_run run;
	struct idr_drill_target t;
	struct idr_picks picks;
	const struct idr_pick *k;
	char job[PATH_MAX], png[PATH_MAX], failed[400];
	struct tune_point p[TUNE_MAX_POINTS];
	unsigned int n;
	int knee, climb;   /* indexes into p, or -1 */
	bool climb_judged; /* every depth has a p99 to judge it on */
};

enum {
	OPT_ENGINE = 256,
	OPT_NUMJOBS,
	OPT_MAXQD,
	OPT_RUNTIME,
	OPT_RAMP,
	OPT_SIZE,
	OPT_PNG,
	OPT_NO_PNG,
	OPT_HOST,
	OPT_HOSTS
};

static const struct option long_opts[] = {
	{ "engine", required_argument, NULL, OPT_ENGINE },
	{ "numjobs", required_argument, NULL, OPT_NUMJOBS },
	{ "max-iodepth", required_argument, NULL, OPT_MAXQD },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "ramp", required_argument, NULL, OPT_RAMP },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "png", required_argument, NULL, OPT_PNG },
	{ "no-png", no_argument, NULL, OPT_NO_PNG },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "hosts", required_argument, NULL, OPT_HOSTS },
	IDR_CMD_LONG_OPTS,
};

/* ---- options ----------------------------------------------------------------------------- */

static int one_opt(int c, const char *arg, void *ctx)
{
	struct tune_opts *o = ctx;

	switch (c) {
	case OPT_ENGINE:
		o->engine = arg;
		return 0;
	case OPT_NUMJOBS:
		return idr_opt_uint("tune", "numjobs", arg, 1, 64, &o->numjobs);
	case OPT_MAXQD:
		return idr_opt_uint("tune", "max-iodepth", arg, 1, 1024, &o->max_depth);
	case OPT_RUNTIME:
		return idr_opt_uint("tune", "runtime", arg, 10, 3600000, &o->runtime_ms);
	case OPT_RAMP:
		return idr_opt_uint("tune", "ramp", arg, 0, 3600000, &o->ramp_ms);
	case OPT_SIZE:
		if (!idr_parse_size(arg, &o->size) && o->size >= IDR_TARGET_MIN_BYTES)
			return 0;
		idr_err("tune: --size %s is not a size of at least %llu bytes", arg,
			IDR_TARGET_MIN_BYTES);
		return -EINVAL;
	case OPT_PNG:
		o->png = arg;
		return 0;
	case OPT_NO_PNG:
		o->no_png = true;
		return 0;
	case OPT_HOST:
	case OPT_HOSTS:
		return idr_fleet_opt("tune", c == OPT_HOSTS, arg, &o->fleet);
	default:
		return -EINVAL;
	}
}

/* Returns 0, 1 for --help (printed), or -EINVAL after a message. */
static int parse_opts(int argc, char **argv, struct tune_opts *o)
{
	struct idr_cmd_args a = { .cmd = "tune",
				  .help = cmd_tune_help,
				  .opts = long_opts,
				  .one = one_opt,
				  .ctx = o };
	int ret;

	*o = (struct tune_opts){ .numjobs = 1,
				 .max_depth = 1024,
				 .size = 256ull << 20,
				 .ramp_ms = ~0u };
	ret = idr_cmd_parse(argc, argv, &a);
	if (ret)
		return ret;
	o->target = a.nargs ? a.args[0] : NULL;
	if (!o->target || !o->engine || a.nargs > 1) {
		idr_err("tune: %s; usage: iodrill tune TARGET --engine E [options]",
			!o->target   ? "no TARGET"
			: !o->engine ? "no --engine"
				     : "one TARGET only");
		return -EINVAL;
	}
	if (strchr(o->engine, ',')) {
		idr_err("tune: --engine takes one engine, not a list (%s)", o->engine);
		return -EINVAL;
	}
	o->json = a.json;
	o->keep = a.keep;
	o->results = a.results;
	o->no_archive = a.no_archive;
	return 0;
}

/* ---- set-up ------------------------------------------------------------------------------ */

/* The job file: profiles/qd-sweep.fio, or a copy with the lines that must change. */
static int prepare_job(struct tune *u, char *err, size_t errlen)
{
	char src[PATH_MAX], sets[3][48];
	const char *v[3];
	unsigned int n = 0;

	if (idr_profile_path("qd-sweep", src, sizeof(src))) {
		snprintf(err, errlen,
			 "profiles/qd-sweep.fio not found beside iodrill nor "
			 "installed: run make install, or ./iodrill from the build tree");
		return -ENOENT;
	}
	if (!u->t.direct)
		snprintf(sets[n++], sizeof(sets[0]), "direct=0");
	if (u->o.runtime_ms)
		snprintf(sets[n++], sizeof(sets[0]), "runtime=%ums", u->o.runtime_ms);
	if (u->o.ramp_ms != ~0u)
		snprintf(sets[n++], sizeof(sets[0]), "ramp_time=%ums", u->o.ramp_ms);
	if (!n) {
		snprintf(u->job, sizeof(u->job), "%s", src);
		return 0;
	}
	for (unsigned int i = 0; i < n; i++)
		v[i] = sets[i];
	idr_run_path(&u->run, "qd-sweep", ".fio", u->job, sizeof(u->job));
	return idr_profile_render(src, u->job, v, n, err, errlen);
}

static int setup(struct tune *u, char *err, size_t errlen)
{
	int ret = idr_run_archive_check(&u->run, err, errlen);

	if (!ret)
		ret = idr_target_open(u->o.target, u->run.dir, u->o.size, &u->t, err, errlen);
	if (!ret)
		ret = idr_engines_pick(&u->t, u->o.engine, false, &u->picks, err, errlen);
	if (ret)
		return ret;
	u->k = &u->picks.v[0];
	if (!strcmp(u->k->kind, "sync") && u->o.numjobs == 1) {
		snprintf(err, errlen,
			 "%s is synchronous: fio runs it at iodepth 1 whatever the "
			 "depth, so there is nothing to sweep; give --numjobs N to scale it by jobs, "
			 "or an asynchronous engine",
			 u->k->name);
		return -EINVAL;
	}
	ret = prepare_job(u, err, errlen);
	if (!ret) {
		json_object_object_add(u->run.facts, "engine", json_object_new_string(u->k->name));
		json_object_object_add(u->run.facts, "job_file", json_object_new_string(u->job));
		json_object_object_add(u->run.facts, "numjobs",
				       json_object_new_int((int)u->o.numjobs));
		json_object_object_add(u->run.facts, "target_path",
				       json_object_new_string(u->k->file));
		json_object_object_add(u->run.facts, "direct",
				       json_object_new_boolean(u->t.direct));
	}
	return ret;
}

/* ---- one depth --------------------------------------------------------------------------- */

/* fio's group-reported job qdN: IOPS, bandwidth, latency percentiles. */
static int read_point_fio(const char *path, struct tune_point *p, char *why, size_t len)
{
	const struct idr_fio_dir *r;
	struct idr_fio_run fr;
	char err[340];

	if (idr_fio_run_load(path, &fr, err, sizeof(err))) {
		snprintf(why, len, "%s", err);
		return -EINVAL;
	}
	if (!fr.nr_jobs || fr.jobs[0].error || !fr.jobs[0].dir[IDR_FIO_READ].total_ios) {
		snprintf(why, len, "fio reports error %d and %llu reads",
			 fr.nr_jobs ? fr.jobs[0].error : -1,
			 fr.nr_jobs ? (unsigned long long)fr.jobs[0].dir[IDR_FIO_READ].total_ios
				    : 0ull);
		idr_fio_run_free(&fr);
		return -EIO;
	}
	r = &fr.jobs[0].dir[IDR_FIO_READ];
	p->iops = r->iops;
	p->mbps = r->bw_bytes / 1e6;
	/* qd-sweep.fio reaps whatever completed, at least one: fio's clat is a latency (the
	   engine's histogram replaces it where the sidecar has one) */
	idr_fio_clat_figs(r, &p->lat);
	p->lat_source = r->clat_n ? "fio clat" : NULL;
	idr_fio_run_free(&fr);
	return 0;
}

/* The depth's jobs' latency histograms (one sidecar line each), merged, into p. */
static void read_point_lat(const struct idr_sidecar *sc, struct tune_point *p)
{
	if (!idr_sidecar_lat_figs(sc, IDR_FIO_READ, &p->lat))
		p->lat_source = p->lat.batched ? "batched" : "engine histogram";
}

/* The engine's counters, summed over the depth's jobs (one sidecar line each). */
static void read_point_sidecar(const char *path, struct tune_point *p)
{
	double ios = 0, cpu = 0, calls = 0;
	struct idr_sidecar sc;
	char err[256];
	unsigned int i;

	if (idr_sidecar_load(path, &sc, err, sizeof(err)))
		return;
	for (i = 0; i < sc.nr; i++) {
		ios += (double)sc.jobs[i].ios;
		cpu += (double)sc.jobs[i].cpu_ns;
		calls += (double)sc.jobs[i].syscalls;
	}
	read_point_lat(&sc, p);
	idr_sidecar_free(&sc);
	if (ios > 0) {
		p->cpu_us_io = cpu / ios / 1e3;
		p->syscalls_io = calls / ios;
		p->have_sidecar = true;
	}
}

/* The point has per-I/O latencies to show (not none, not a batch's stamp). */
static bool lat_shown(const struct tune_point *p)
{
	return p->lat_source && p->lat.count && !p->lat.batched && strcmp(p->lat_source, "batched");
}

/* Run depth (one section of the profile). Returns 0, -EINTR, or -EIO (u->failed says). */
static int run_depth(struct tune *u, unsigned int depth)
{
	struct tune_point *p = &u->p[u->n];
	char label[32], path[PATH_MAX], said[360];
	struct idr_args a = { .n = 0 };
	int st;

	snprintf(label, sizeof(label), "qd%04u", depth);
	idr_pick_args(u->k, &u->t, &a);
	idr_args_add(&a, "--numjobs=%u", u->o.numjobs);
	idr_args_add(&a, "--section=qd%u", depth);
	idr_args_add(&a, "--readonly");
	idr_args_add(&a, "%s", u->job);
	st = idr_run_fio(&u->run, label, u->k->name, 0, &a, !u->k->builtin);
	if (st == -EINTR)
		return st;
	if (st < 0) {
		snprintf(u->failed, sizeof(u->failed), "iodepth %u: could not run fio: %s", depth,
			 strerror(-st));
		return -EIO;
	}
	if (st) {
		idr_run_said(&u->run, label, said, sizeof(said));
		snprintf(u->failed, sizeof(u->failed), "iodepth %u: fio exited %d: %s", depth, st,
			 said[0] ? said : "(no message)");
		return -EIO;
	}
	idr_run_path(&u->run, label, ".json", path, sizeof(path));
	if (read_point_fio(path, p, said, sizeof(said))) {
		snprintf(u->failed, sizeof(u->failed), "iodepth %u: %s", depth, said);
		return -EIO;
	}
	idr_run_path(&u->run, label, ".sidecar", path, sizeof(path));
	read_point_sidecar(path, p);
	p->p99_us = lat_shown(p) ? p->lat.p99_ns / 1e3 : NAN;
	p->depth = depth;
	u->n++;
	return 0;
}

static int sweep(struct tune *u)
{
	unsigned int depth;
	int ret;

	if (u->run.no_archive)
		fprintf(stderr, "iodrill: --no-archive: the sweep will not be stored\n");
	else
		fprintf(stderr, "iodrill: the sweep goes to the results archive in %s\n",
			u->run.archive_dir);
	for (depth = 1; depth <= u->o.max_depth && u->n < TUNE_MAX_POINTS; depth *= 2) {
		fprintf(stderr, "iodrill: tune %s: iodepth %u ...%s", u->k->name, depth,
			isatty(2) ? "\r" : "\n");
		ret = run_depth(u, depth);
		if (ret)
			return ret;
	}
	if (isatty(2))
		fprintf(stderr, "\033[K");
	return 0;
}

/* ---- the report -------------------------------------------------------------------------- */

static void analyse(struct tune *u)
{
	double iops[TUNE_MAX_POINTS], p99[TUNE_MAX_POINTS];
	unsigned int i;

	bool all_p99 = true;

	for (i = 0; i < u->n; i++) {
		iops[i] = u->p[i].iops;
		p99[i] = u->p[i].p99_us;
		all_p99 &= !isnan(p99[i]);
	}
	u->knee = idr_knee(iops, u->n, KNEE_FRAC);
	/* where p99 climbs is judged only on measured latencies at every depth */
	u->climb = all_p99 ? idr_climb(p99, u->n, CLIMB_FACTOR) : -1;
	u->climb_judged = all_p99;
}

static unsigned int peak(const struct tune *u)
{
	unsigned int i, b = 0;

	for (i = 1; i < u->n; i++)
		if (u->p[i].iops > u->p[b].iops)
			b = i;
	return b;
}

static double lowest_p99_below(const struct tune *u, int i)
{
	double m = u->p[0].p99_us;

	for (int j = 1; j < i; j++)
		m = u->p[j].p99_us < m ? u->p[j].p99_us : m;
	return m;
}

static void print_findings(const struct tune *u, FILE *out)
{
	const struct tune_point *k, *pk = &u->p[peak(u)];

	if (u->knee >= 0) {
		k = &u->p[u->knee];
		fprintf(out,
			"knee: iodepth %u reaches %.0f%% of the peak (%.0f IOPS at iodepth %u): "
			"%s\n",
			k->depth, 100 * k->iops / pk->iops, pk->iops, pk->depth,
			u->knee + 1 < (int)u->n ? "deeper queues add latency, not throughput"
						: "the peak is at the deepest queue swept");
	}
	if (u->climb >= 0)
		fprintf(out,
			"p99 climbs from iodepth %u: %.1f µs there, against %.1f µs at best "
			"below it, and it stays above 1.5x that from there on\n",
			u->p[u->climb].depth, u->p[u->climb].p99_us, lowest_p99_below(u, u->climb));
	else if (u->climb_judged)
		fprintf(out, "p99 does not climb for good anywhere in the sweep (never stays above "
			     "1.5x its lowest value below)\n");
	else
		fprintf(out, "where p99 climbs is not judged: some depth has no per-I/O latency "
			     "(see the latency column)\n");
}

/* A point's latency columns: p50, p99, p99.9, max, and where they come from. */
static void print_lat(const struct tune_point *p, FILE *out)
{
	if (!lat_shown(p)) {
		fprintf(out, " %9s %9s %9s %9s  %-7s", "-", "-", "-", "-",
			p->lat_source ? "batched" : "none");
		return;
	}
	fprintf(out, " %9.1f %9.1f %9.1f %9.1f  %-7s", p->lat.p50_ns / 1e3, p->lat.p99_ns / 1e3,
		p->lat.p999_ns / 1e3, p->lat.max_ns / 1e3,
		!strcmp(p->lat_source, "fio clat") ? "fio" : "engine");
}

static void print_table(const struct tune *u, FILE *out)
{
	char desc[PATH_MAX * 2 + 256];
	const struct tune_point *p;
	unsigned int i;

	idr_target_describe(&u->t, desc, sizeof(desc));
	fprintf(out, "iodrill tune: %s, random 4 KiB reads, %u job%s per depth\ntarget: %s; %s\n\n",
		u->k->name, u->o.numjobs, u->o.numjobs == 1 ? "" : "s", desc,
		u->t.direct ? "O_DIRECT" : "buffered (repeated offsets may hit the page cache)");
	fprintf(out, "%8s %10s %9s %9s %9s %9s %9s  %-7s %10s %9s\n", "iodepth", "IOPS", "MB/s",
		"p50 µs", "p99 µs", "p99.9 µs", "max µs", "latency", "CPU µs/IO", "syscl/IO");
	for (i = 0; i < u->n; i++) {
		p = &u->p[i];
		fprintf(out, "%8u %10.0f %9.1f", p->depth, p->iops, p->mbps);
		print_lat(p, out);
		if (p->have_sidecar)
			fprintf(out, " %10.2f %9.3f", p->cpu_us_io, p->syscalls_io);
		else
			fprintf(out, " %10s %9s", "-", "-");
		fprintf(out, "%s%s\n", (int)i == u->knee ? "  <- knee" : "",
			(int)i == u->climb ? "  <- p99 climbs" : "");
	}
	fprintf(out,
		"\nIOPS, MB/s: fio, all jobs of a depth together. p50 .. max: each I/O's own "
		"latency, all jobs\nof a depth together; latency: engine = the engine's histogram "
		"(submission to completion\nseen), fio = fio's completion latency (clat; the sweep "
		"reaps completions as they\ncome), batched = the engine learned of completions "
		"only in batches: not a latency. CPU\nµs/IO: every thread the engine ran, per "
		"I/O; syscl/IO: system calls per I/O (the sidecar).\n\n");
	print_findings(u, out);
}

static struct json_object *point_json(const struct tune_point *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "iodepth", json_object_new_int((int)p->depth));
	json_object_object_add(o, "iops", json_object_new_double(p->iops));
	json_object_object_add(o, "mb_per_s", json_object_new_double(p->mbps));
	idr_lat_figs_json(o, &p->lat, lat_shown(p), p->lat_source);
	json_object_object_add(o, "cpu_us_per_io",
			       p->have_sidecar ? json_object_new_double(p->cpu_us_io) : NULL);
	json_object_object_add(o, "syscalls_per_io",
			       p->have_sidecar ? json_object_new_double(p->syscalls_io) : NULL);
	return o;
}

static void print_json(const struct tune *u, FILE *out)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	unsigned int i;

	json_object_object_add(o, "command", json_object_new_string("tune"));
	json_object_object_add(o, "facts", json_object_get(u->run.facts));
	for (i = 0; i < u->n; i++)
		json_object_array_add(a, point_json(&u->p[i]));
	json_object_object_add(o, "points", a);
	json_object_object_add(o, "knee_iodepth",
			       u->knee >= 0 ? json_object_new_int((int)u->p[u->knee].depth) : NULL);
	json_object_object_add(o, "p99_climbs_at_iodepth",
			       u->climb >= 0 ? json_object_new_int((int)u->p[u->climb].depth)
					     : NULL);
	json_object_object_add(o, "p99_climb_judged", json_object_new_boolean(u->climb_judged));
	json_object_object_add(o, "png", u->png[0] ? json_object_new_string(u->png) : NULL);
	json_object_object_add(o, "run_dir",
			       u->run.keep ? json_object_new_string(u->run.dir) : NULL);
	json_object_object_add(o, "archive", idr_run_archive_json(&u->run));
	idr_print_json(out, o);
	json_object_put(o);
}

/* A p99 for gnuplot: "NaN" (a gap in the line) where there is none. */
static const char *fmt_p99(double us, char *buf, size_t len)
{
	if (isnan(us))
		snprintf(buf, len, "NaN");
	else
		snprintf(buf, len, "%.3f", us);
	return buf;
}

static int plot(const struct tune *u, char *err, size_t errlen)
{
	char q[PATH_MAX + 8], title[PATH_MAX + 128], num[32], *script;
	size_t len;
	unsigned int i;
	FILE *s = open_memstream(&script, &len);
	int ret;

	if (!s)
		return -ENOMEM;
	idr_plot_quote(u->png, q, sizeof(q));
	fprintf(s,
		"set terminal pngcairo size 1000,560 noenhanced font \",10\"\nset output %s\n"
		"$d << EOD\n",
		q);
	for (i = 0; i < u->n; i++)
		fprintf(s, "%u %.1f %s\n", u->p[i].depth, u->p[i].iops,
			fmt_p99(u->p[i].p99_us, num, sizeof(num)));
	fprintf(s, "EOD\n");
	snprintf(title, sizeof(title), "iodrill tune: %s on %s, random 4 KiB reads, %u job(s)",
		 u->k->name, u->k->file, u->o.numjobs);
	idr_plot_quote(title, q, sizeof(q));
	fprintf(s,
		"set title %s\nset logscale x 2\nset xlabel \"iodepth\"\nset grid\n"
		"set ylabel \"IOPS\"\nset y2label \"p99 latency, µs (log scale)\"\n"
		"set logscale y2\nset ytics nomirror\nset y2tics\nset yrange [0:*]\n"
		"set xtics 2\nset key top center horizontal\n",
		q);
	if (u->knee >= 0)
		fprintf(s,
			"set arrow from %u, graph 0 to %u, graph 1 nohead dt 2 lc rgb \"#4477aa\"\n"
			"set label \"knee: iodepth %u\" at %u, graph 0.05 offset 1,0\n",
			u->p[u->knee].depth, u->p[u->knee].depth, u->p[u->knee].depth,
			u->p[u->knee].depth);
	fprintf(s,
		"plot $d using 1:2 with linespoints lw 2 lc rgb \"#4477aa\" title \"IOPS\", "
		"$d using 1:3 axes x1y2 with linespoints lw 2 lc rgb \"#cc6677\" title \"p99 µs\"\n");
	fclose(s);
	ret = idr_plot(script, err, errlen);
	free(script);
	return ret;
}

/* ---- the command ------------------------------------------------------------------------- */

static void chart(struct tune *u)
{
	char err[512];

	if (u->o.no_png || !u->n)
		return;
	if (u->o.png)
		snprintf(u->png, sizeof(u->png), "%s", u->o.png);
	else
		idr_run_png_name(&u->run, u->png, sizeof(u->png));
	if (plot(u, err, sizeof(err))) {
		idr_err("tune: no chart: %s", err);
		u->png[0] = '\0';
	}
}

/* What the archive files the sweep under: the engine's target, or none (nil). */
static const char *archive_target(const struct tune *u)
{
	return !u->k ? "none" : u->k->floor ? "none" : u->k->file;
}

static int report(struct tune *u)
{
	analyse(u);
	chart(u);
	/* Everything the sweep produced is in u->run.dir: stored in one call, before the
	 * report so that --json can say where. */
	idr_run_archive(&u->run, archive_target(u), u->failed[0] ? "failed" : "complete");
	if (u->o.json)
		print_json(u, stdout);
	else
		print_table(u, stdout);
	fflush(stdout);
	if (u->failed[0])
		idr_err("tune: stopped at %s", u->failed);
	return idr_run_epilogue(&u->run, u->png) || u->failed[0] ? 1 : 0;
}

static int run(struct tune *u)
{
	char err[1024];
	int ret = setup(u, err, sizeof(err));

	if (ret && ret != -EINTR) {
		idr_err("tune: %s", err);
		return 2;
	}
	if (!ret)
		ret = sweep(u);
	if (ret == -EINTR || idr_run_stopped())
		return idr_run_interrupted(&u->run, archive_target(u));
	if (ret && !u->n) {
		/* the first depth failed: what fio wrote of it is stored, as failed */
		idr_run_archive(&u->run, archive_target(u), "failed");
		idr_err("tune: %s", u->failed);
		idr_run_archive_say(&u->run);
		if (u->run.keep)
			fprintf(stderr, "iodrill: the run's files are in %s\n", u->run.dir);
		return 1;
	}
	return report(u);
}

int cmd_tune(int argc, char **argv)
{
	struct tune *u = calloc(1, sizeof(*u));
	char err[1024];
	int ret;

	if (!u)
		return 1;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--saturate")) {
			free(u);
			return idr_saturate(argc, argv);
		}
	ret = parse_opts(argc, argv, &u->o);
	if (ret) { /* 1: --help printed; < 0: said */
		ret = ret > 0 ? 0 : 2;
	} else if (u->o.fleet.n > 1 || u->o.fleet.from_file) {
		ret = hosts_run("tune", argc, argv, &u->o.fleet); /* one iodrill per host */
	} else if (idr_fio_check(err, sizeof(err)) ||
		   idr_run_begin(&u->run, "tune", argc, argv, u->o.keep, err, sizeof(err))) {
		idr_err("tune: %s", err);
		ret = 1;
	} else {
		ret = -1; /* on with the sweep */
	}
	if (ret >= 0) {
		idr_fleet_free(&u->o.fleet);
		free(u);
		return ret;
	}
	u->run.results = u->o.results;
	u->run.no_archive = u->o.no_archive;
	u->knee = u->climb = -1;
	if (u->o.fleet.n)
		idr_remote_begin(&u->run, &u->o.fleet.v[0]);
	ret = run(u);
	idr_target_release(&u->t);
	idr_run_end(&u->run);
	idr_remote_end();
	idr_fleet_free(&u->o.fleet);
	free(u);
	return ret;
}
