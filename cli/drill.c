/*
 * drill.c - iodrill drill [TARGET]: profiles/drill.fio (1,000 random reads at once) with
 * every engine that applies to TARGET, repeated in an interleaved order, one table.
 *
 * Each repetition of each engine is one fio run into the run's folder (run.h): its JSON
 * output, its sidecar and its messages stay there together, with the command lines, and
 * the results archive stores them all in one call when the run ends (idr_run_archive),
 * also a failed or interrupted run. Time and CPU come from the engines' sidecar (ns timer, exact
 * CPU of every thread), latency percentiles from fio's JSON, both read through fiojson.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "drill.h"
#include "hosts.h"
#include "archive/fiojson.h"
#include "hist.h"
#include "iodrill.h"
#include "run/cmdopts.h"
#include "run/profile.h"

/* profiles/drill.fio's jobs: the timed drill, and the same reads reaped as they come. */
#define SECTION_TIMED "drill"
#define SECTION_LATENCY "drill-latency"

const char cmd_drill_help[] =
	"usage: iodrill drill [TARGET] [options]\n"
	"\n"
	"The drill: 1,000 random 4 KiB reads submitted at once (profiles/drill.fio), through\n"
	"every engine that applies to TARGET, each repeated in an interleaved order; one table:\n"
	"time for the 1,000 reads (median and spread, from the engines' ns timer), IOPS, MB/s,\n"
	"p50/p99 latency, CPU per I/O over every thread the engine ran and its usr/sys split,\n"
	"system calls per I/O; then what the numbers show, and a PNG chart (gnuplot).\n"
	"\n"
	"TARGET  a file, a block device, an NVMe generic device (/dev/ngXnY), or a folder to\n"
	"        create the drill file in; none: a new 64 MiB file in $TMPDIR (or /var/tmp).\n"
	"        The drill only reads (fio --readonly); a file it creates is removed after.\n"
	"        O_DIRECT where TARGET takes it, else buffered with the page cache dropped\n"
	"        before each run (the table says which).\n"
	"\n"
	"options:\n"
	"  --reps N        repetitions of each engine (default 10)\n"
	"  --iodepth N     reads in flight for asynchronous engines, 1..1000 (default: the\n"
	"                  profile's 1000; synchronous engines run at 1)\n"
	"  --engines LIST  only these engines (comma-separated names from engines/engines.tbl)\n"
	"  --twins         also fio's built-in twin of each engine (psync, libaio, io_uring...)\n"
	"  --size SIZE     size of the file the drill creates (default 64M)\n"
	"  --json          the table as JSON on stdout\n"
	"  --png FILE      the chart's path (default ./iodrill-drill-<time>.png); --no-png: none\n"
	"  --keep DIR      keep the run's folder (fio's JSON, sidecars, job file, manifest)\n"
	"                  under DIR\n"
	"  --results DIR   the results archive to store the run in (default: $IODRILL_RESULTS,\n"
	"                  else results/ in the source tree iodrill runs from, else\n"
	"                  ~/.local/share/iodrill/results)\n"
	"  --no-archive    do not store the run\n"
	"  --host H        run on host H (host[:port]) through its `fio --server` (fio's\n"
	"                  client/server protocol; port 8765 by default); TARGET is a path\n"
	"                  there. Repeat for several hosts: they run at once, one table\n"
	"  --hosts FILE    every host in FILE (one host[:port] a line, '#' comments)\n"
	"\n"
	"On other hosts every engine's repetitions run there as they would here, and the\n"
	"engines send their counters and the target's identity back through fio's output;\n"
	"each host's run is stored under its own device identity, the host named in its\n"
	"provenance. A host that does not answer, stops answering or runs another fio or\n"
	"iodrill build gets a line saying so, the others their results: exit 3 (partial).\n"
	"\n"
	"Every run is stored in the results archive when it ends, also a failed or interrupted\n"
	"one (its status says so): fio's JSON output of every run, the engines' counters and\n"
	"the provenance, one file per run in the device's folder (iodrill help results).\n"
	"\n"
	"Progress goes to stderr, the table to stdout, then where the run was stored. Exit 0;\n"
	"1 when an engine failed, the run could not be stored (its files are then kept), or\n"
	"fio is missing or of another version; 2 on bad input; 128+N on signal N (Ctrl-C:\n"
	"130), after storing what ran and removing everything else the run made.\n";

enum {
	OPT_REPS = 256,
	OPT_IODEPTH,
	OPT_ENGINES,
	OPT_TWINS,
	OPT_SIZE,
	OPT_PNG,
	OPT_NO_PNG,
	OPT_HOST,
	OPT_HOSTS
};

static const struct option long_opts[] = {
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "iodepth", required_argument, NULL, OPT_IODEPTH },
	{ "engines", required_argument, NULL, OPT_ENGINES },
	{ "twins", no_argument, NULL, OPT_TWINS },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "png", required_argument, NULL, OPT_PNG },
	{ "no-png", no_argument, NULL, OPT_NO_PNG },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "hosts", required_argument, NULL, OPT_HOSTS },
	IDR_CMD_LONG_OPTS,
};

/* ---- options ----------------------------------------------------------------------------- */

static int size_opt(const char *arg, unsigned long long *out)
{
	int ret = idr_parse_size(arg, out);

	if (ret)
		idr_err("drill: --size %s is not a size (bytes, or with K, M, G)", arg);
	else if (*out < IDR_TARGET_MIN_BYTES)
		idr_err("drill: --size %s is too small: the drill reads 1,000 different 4 KiB "
			"blocks, so at least %llu bytes",
			arg, IDR_TARGET_MIN_BYTES);
	return ret ? ret : *out < IDR_TARGET_MIN_BYTES ? -ERANGE : 0;
}

static int one_opt(int c, const char *arg, void *ctx)
{
	struct drill_opts *o = ctx;

	switch (c) {
	case OPT_REPS:
		return idr_opt_uint("drill", "reps", arg, 1, 1000, &o->reps);
	case OPT_IODEPTH:
		return idr_opt_uint("drill", "iodepth", arg, 1, DRILL_IOS, &o->iodepth);
	case OPT_ENGINES:
		o->engines = arg;
		return 0;
	case OPT_TWINS:
		o->twins = true;
		return 0;
	case OPT_SIZE:
		return size_opt(arg, &o->size);
	case OPT_PNG:
		o->png = arg;
		return 0;
	case OPT_NO_PNG:
		o->no_png = true;
		return 0;
	case OPT_HOST:
	case OPT_HOSTS:
		return idr_fleet_opt("drill", c == OPT_HOSTS, arg, &o->fleet);
	default:
		return -EINVAL;
	}
}

/* Returns 0, 1 for --help (printed), or -EINVAL after a message. */
static int parse_opts(int argc, char **argv, struct drill_opts *o)
{
	struct idr_cmd_args a = { .cmd = "drill",
				  .help = cmd_drill_help,
				  .opts = long_opts,
				  .one = one_opt,
				  .ctx = o };
	int ret;

	*o = (struct drill_opts){ .reps = 10, .iodepth = DRILL_IOS, .size = 64ull << 20 };
	ret = idr_cmd_parse(argc, argv, &a);
	if (ret)
		return ret;
	if (a.nargs > 1) {
		idr_err("drill: one TARGET only ('%s' is extra)", a.args[1]);
		return -EINVAL;
	}
	o->target = a.nargs ? a.args[0] : NULL;
	if (o->fleet.n && !o->target) {
		idr_err("drill: --host/--hosts need TARGET, a file or device on every host "
			"(iodrill makes no files on other hosts)");
		return -EINVAL;
	}
	o->json = a.json;
	o->keep = a.keep;
	o->results = a.results;
	o->no_archive = a.no_archive;
	return 0;
}

/* ---- set-up ------------------------------------------------------------------------------ */

/*
 * The job file: profiles/drill.fio, or a copy with the lines that must change: direct=0
 * where O_DIRECT is refused, iodepth=N for --iodepth (the profile's 1000 beats the
 * command line).
 */
static int prepare_job(struct drill *d, char *err, size_t errlen)
{
	char src[PATH_MAX], depth[32];
	const char *sets[2];
	unsigned int n = 0;

	if (idr_profile_path("drill", src, sizeof(src))) {
		snprintf(err, errlen,
			 "profiles/drill.fio not found beside iodrill nor installed: "
			 "run make install, or run ./iodrill from the build tree");
		return -ENOENT;
	}
	if (!d->t.direct)
		sets[n++] = "direct=0";
	if (d->o.iodepth != DRILL_IOS) {
		snprintf(depth, sizeof(depth), "iodepth=%u", d->o.iodepth);
		sets[n++] = depth;
	}
	if (!n) {
		snprintf(d->job, sizeof(d->job), "%s", src);
		return 0;
	}
	idr_run_path(&d->run, "drill", ".fio", d->job, sizeof(d->job));
	return idr_profile_render(src, d->job, sets, n, err, errlen);
}

static struct json_object *target_facts(const struct idr_drill_target *t)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "arg", json_object_new_string(t->arg));
	json_object_object_add(o, "kind", json_object_new_string(idr_target_kind_name(t->kind)));
	json_object_object_add(o, "path", json_object_new_string(t->path));
	json_object_object_add(o, "ngdev", json_object_new_string(t->ngdev));
	json_object_object_add(o, "fstype", json_object_new_string(t->fstype));
	json_object_object_add(o, "fsdev", json_object_new_string(t->fsdev));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)t->size));
	json_object_object_add(o, "direct", json_object_new_boolean(t->direct));
	json_object_object_add(o, "created", json_object_new_boolean(t->created));
	return o;
}

/* What the archive needs to know beyond fio's own output. */
static void record_facts(struct drill *d)
{
	struct json_object *f = d->run.facts;

	json_object_object_add(f, "target", target_facts(&d->t));
	json_object_object_add(f, "job_file", json_object_new_string(d->job));
	json_object_object_add(f, "reps", json_object_new_int((int)d->o.reps));
	json_object_object_add(f, "iodepth", json_object_new_int((int)d->o.iodepth));
	json_object_object_add(f, "twins", json_object_new_boolean(d->o.twins));
	json_object_object_add(f, "unwritten", idr_unwritten_json(&d->unwritten));
	json_object_object_add(f, "skipped", idr_picks_skipped_json(&d->picks));
}

/* The sample of the drill's blocks: what it found, or why it was not read. */
static void say_unwritten(const struct drill *d)
{
	const struct idr_unwritten *u = &d->unwritten;
	char msg[1024];

	if (!u->checked) {
		fprintf(stderr,
			"iodrill: the drill's blocks were not checked for unwritten ones: "
			"%s\n",
			u->why_not);
		return;
	}
	idr_unwritten_say(u, msg, sizeof(msg));
	if (msg[0])
		fprintf(stderr, "iodrill: warning: %s\n", msg);
	idr_unwritten_fix(u, d->t.path, msg, sizeof(msg));
	if (msg[0])
		fprintf(stderr, "iodrill: %s\n", msg);
	else
		fprintf(stderr, "iodrill: %u of the drill's blocks read first: none unwritten\n",
			u->sampled);
}

static void say_plan(const struct drill *d)
{
	char desc[PATH_MAX * 2 + 256];
	unsigned int i;

	idr_target_describe(&d->t, desc, sizeof(desc));
	fprintf(stderr, "iodrill: drill on %s\n", desc);
	if (!d->t.direct)
		fprintf(stderr,
			"iodrill: %s refuses O_DIRECT: buffered reads; fio drops the "
			"file's cached pages before each run (where the filesystem can) and no "
			"offset repeats\n",
			d->t.path);
	if (d->picks.nr_skip) {
		fprintf(stderr, "iodrill: not in this drill:");
		for (i = 0; i < d->picks.nr_skip; i++)
			fprintf(stderr, " %s", d->picks.skip[i].name);
		fprintf(stderr, " (the table says why)\n");
	}
	say_unwritten(d);
	fprintf(stderr, "iodrill: %u engine%s x %u repetitions, interleaved; run folder %s\n",
		d->picks.n, d->picks.n == 1 ? "" : "s", d->o.reps, d->run.dir);
	if (d->run.no_archive)
		fprintf(stderr, "iodrill: --no-archive: the run will not be stored\n");
	else
		fprintf(stderr, "iodrill: the run goes to the results archive in %s\n",
			d->run.archive_dir);
}

/* ---- one fio run ------------------------------------------------------------------------- */

/*
 * The command line for one engine: everything drill.fio leaves out, the job (section) to
 * run, then the job file. fio runs a synchronous engine at depth 1 by itself.
 */
static void build_args(const struct drill *d, const struct idr_pick *k, const char *section,
		       struct idr_args *a)
{
	idr_pick_args(k, &d->t, a);
	idr_args_add(a, "--section=%s", section);
	idr_args_add(a, "--readonly");
	idr_args_add(a, "%s", d->job);
}

/* fio's view of one run: its first job's reads; an error when it did not read 1,000. */
static int load_fio(const char *path, struct idr_fio_run *fr, char *why, size_t len)
{
	uint64_t ios;
	char err[380];

	if (idr_fio_run_load(path, fr, err, sizeof(err))) {
		snprintf(why, len, "%s", err);
		return -EINVAL;
	}
	if (!fr->nr_jobs || fr->jobs[0].error) {
		snprintf(why, len, "fio reports error %d (%s)",
			 fr->nr_jobs ? fr->jobs[0].error : -1,
			 fr->nr_jobs ? strerror(fr->jobs[0].error) : "no job");
		idr_fio_run_free(fr);
		return -EIO;
	}
	ios = fr->jobs[0].dir[IDR_FIO_READ].total_ios;
	if (ios != DRILL_IOS) {
		snprintf(why, len, "fio read %llu of %d blocks", (unsigned long long)ios,
			 DRILL_IOS);
		idr_fio_run_free(fr);
		return -EIO;
	}
	return 0;
}

/* fio's view of a timed run: bytes, and fio's own estimate of the drill's time. */
static int read_fio(const char *path, struct drill_sample *s, const struct idr_pick *k, char *why,
		    size_t len)
{
	const struct idr_fio_dir *r;
	struct idr_fio_run fr;

	if (load_fio(path, &fr, why, len))
		return -EIO;
	r = &fr.jobs[0].dir[IDR_FIO_READ];
	s->ios = (double)r->total_ios;
	s->bytes = (double)r->io_bytes;
	/* fio's own estimate of the drill's time: all submitted at once, the slowest read
	 * bounds it; one at a time, the reads add up. Ours and the twins both get it. */
	s->fio_time_ns = strcmp(k->kind, "sync") ? (double)r->lat_max_ns
						 : r->lat_mean_ns * (double)r->total_ios;
	idr_fio_run_free(&fr);
	return 0;
}

/* The engine's sidecar line for job, or an error naming what it counted. */
static const struct idr_sidecar_job *sidecar_job(const char *path, const char *job,
						 struct idr_sidecar *sc, char *why, size_t len)
{
	const struct idr_sidecar_job *j;
	char err[380];

	if (idr_sidecar_load(path, sc, err, sizeof(err))) {
		snprintf(why, len, "%s", err);
		return NULL;
	}
	j = idr_sidecar_find(sc, job);
	if (!j || j->ios != DRILL_IOS || !j->elapsed_ns) {
		snprintf(why, len, "the engine counted %llu reads in %llu ns, fio %d",
			 j ? (unsigned long long)j->ios : 0ull,
			 j ? (unsigned long long)j->elapsed_ns : 0ull, DRILL_IOS);
		idr_sidecar_free(sc);
		return NULL;
	}
	return j;
}

/* The engine's own counters of a timed run: time, CPU of every thread, system calls. */
static int read_sidecar(const char *path, struct drill_sample *s, char *why, size_t len)
{
	const struct idr_sidecar_job *j;
	struct idr_sidecar sc;

	j = sidecar_job(path, "drill", &sc, why, len);
	if (!j)
		return -EIO;
	s->time_ns = (double)j->elapsed_ns;
	s->cpu_ns = (double)j->cpu_ns;
	s->usr_us = (double)j->usr_us;
	s->sys_us = (double)j->sys_us;
	s->syscalls = (double)j->syscalls;
	s->threads = 1.0 + (double)j->workers;
	idr_sidecar_free(&sc);
	return 0;
}

/*
 * Merge the engine's latency histogram of sidecar line j into the row's. An engine
 * without one (an older build) adds nothing: the row then shows fio's clat. Returns 0 or
 * -EIO with why (a malformed "lat", or out of memory).
 */
static int merge_lat(struct drill_row *row, const struct idr_sidecar_job *j, char *why, size_t len)
{
	struct idr_hist *h = malloc(sizeof(*h));
	struct idr_lat_meta meta;
	int ret = h ? idr_sidecar_lat(j, IDR_FIO_READ, h, &meta) : -ENOMEM;

	if (!ret && !row->hist) {
		row->hist = h;
		row->lat_meta = meta;
		return 0;
	}
	if (!ret) {
		idr_hist_merge(row->hist, h);
		row->lat_meta.batched |= meta.batched;
	}
	free(h);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		snprintf(why, len, "the engine's latency histogram (sidecar \"lat\"): %s",
			 ret == -ENOMEM ? "out of memory" : "malformed");
	return ret ? -EIO : 0;
}

/*
 * One repetition that gives the row's latency (job: drill-latency, or drill for a
 * synchronous engine): fio's clat, and the engine's histogram and time from its sidecar.
 */
static int read_latency(struct drill_row *row, const char *json, const char *sidecar,
			const char *job)
{
	struct drill_lat_sample *l = &row->l[row->nl];
	const struct idr_sidecar_job *j;
	const struct idr_fio_dir *r;
	struct idr_lat_figs f;
	struct idr_fio_run fr;
	struct idr_sidecar sc;
	int ret = 0;

	if (load_fio(json, &fr, row->failed, sizeof(row->failed)))
		return -EIO;
	r = &fr.jobs[0].dir[IDR_FIO_READ];
	idr_fio_clat_figs(r, &f);
	*l = (struct drill_lat_sample){ f.p50_ns, f.p99_ns, f.p999_ns, f.max_ns,
					(double)r->lat_max_ns };
	idr_fio_run_free(&fr);
	if (!row->pick->builtin) {
		j = sidecar_job(sidecar, job, &sc, row->failed, sizeof(row->failed));
		if (!j)
			return -EIO;
		l->time_ns = (double)j->elapsed_ns;
		ret = merge_lat(row, j, row->failed, sizeof(row->failed));
		idr_sidecar_free(&sc);
	}
	if (!ret)
		row->nl++;
	return ret;
}

/* The timed run label: time, CPU, system calls; a synchronous engine's latency too. */
static int read_timed_run(struct drill *d, struct drill_row *row, const char *label)
{
	struct drill_sample s = { 0 };
	char json[PATH_MAX], sc[PATH_MAX];

	idr_run_path(&d->run, label, ".json", json, sizeof(json));
	idr_run_path(&d->run, label, ".sidecar", sc, sizeof(sc));
	if (read_fio(json, &s, row->pick, row->failed, sizeof(row->failed)))
		return -EIO;
	if (!row->pick->builtin && read_sidecar(sc, &s, row->failed, sizeof(row->failed)))
		return -EIO;
	/* one read at a time: nothing is reaped in batches, the timed run is the latency */
	if (row->lat_reps == DRILL_LAT_TIMED && read_latency(row, json, sc, SECTION_TIMED))
		return -EIO;
	row->s[row->n++] = s;
	return 0;
}

static int read_latency_run(struct drill *d, struct drill_row *row, const char *label)
{
	char json[PATH_MAX], sc[PATH_MAX];

	idr_run_path(&d->run, label, ".json", json, sizeof(json));
	idr_run_path(&d->run, label, ".sidecar", sc, sizeof(sc));
	return read_latency(row, json, sc, SECTION_LATENCY);
}

/*
 * Run one engine once: its timed drill, or (latency) its latency repetition.
 * Returns 0, -EINTR when stopped, or -EIO (row->failed says why).
 */
static int run_one(struct drill *d, struct drill_row *row, unsigned int rep, bool latency)
{
	const struct idr_pick *k = row->pick;
	struct idr_args a = { .n = 0 };
	char label[64], said[360];
	int st;

	snprintf(label, sizeof(label), "%c%02u-%s", latency ? 'l' : 'r', rep, k->name);
	build_args(d, k, latency ? SECTION_LATENCY : SECTION_TIMED, &a);
	st = idr_run_fio(&d->run, label, k->name, rep, &a, !k->builtin);
	if (st == -EINTR)
		return st;
	if (st < 0) {
		snprintf(row->failed, sizeof(row->failed), "could not run fio: %s", strerror(-st));
		return -EIO;
	}
	if (st) {
		idr_run_said(&d->run, label, said, sizeof(said));
		snprintf(row->failed, sizeof(row->failed), "fio exited %d: %s", st,
			 said[0] ? said : "(no message)");
		return -EIO;
	}
	return latency ? read_latency_run(d, row, label) : read_timed_run(d, row, label);
}

static void progress(const struct drill *d, unsigned int rep, const char *name, bool latency,
		     bool tty)
{
	if (tty)
		fprintf(stderr, "\r\033[Kiodrill: repetition %u/%u: %s%s", rep, d->o.reps, name,
			latency ? " (latency)" : "");
	else if (name[0])
		fprintf(stderr, "%s%s ", name, latency ? "(latency)" : "");
	else
		fprintf(stderr, "\n");
}

/* Run every engine of repetition rep once, timed or (latency) for its latency. */
static int run_rep(struct drill *d, unsigned int rep, bool latency, bool tty)
{
	unsigned int i, n = d->picks.n;
	struct drill_row *row;

	for (i = 0; i < n; i++) {
		row = &d->rows[(i + rep - 1) % n];
		if (row->failed[0] || (latency && row->lat_reps != DRILL_LAT_OWN))
			continue;
		progress(d, rep, row->pick->name, latency, tty);
		if (run_one(d, row, rep, latency) == -EINTR)
			return -EINTR;
		if (row->failed[0])
			fprintf(stderr, "\niodrill: %s failed: %s\n", row->pick->name, row->failed);
	}
	return 0;
}

/*
 * Repetition r runs every engine once, starting one further along each time, so no
 * engine always runs first (cold) or right after the same neighbour; then, in the same
 * order, the latency run of every engine that reaps in batches in the timed one. An
 * engine that fails is reported and not run again. Returns 0 or -EINTR.
 */
static int run_all(struct drill *d)
{
	bool tty = isatty(2);
	unsigned int rep;

	for (rep = 1; rep <= d->o.reps; rep++) {
		if (!tty)
			fprintf(stderr, "iodrill: repetition %u/%u: ", rep, d->o.reps);
		if (run_rep(d, rep, false, tty) || run_rep(d, rep, true, tty))
			return -EINTR;
		progress(d, rep, "", false, tty);
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	return 0;
}

/* ---- the command ------------------------------------------------------------------------- */

static int setup(struct drill *d, char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	ret = idr_run_archive_check(&d->run, err, errlen);
	if (!ret)
		ret = idr_target_open(d->o.target, d->run.dir, d->o.size, &d->t, err, errlen);
	if (!ret)
		ret = idr_engines_pick(&d->t, d->o.engines, d->o.twins, &d->picks, err, errlen);
	if (!ret && !d->picks.n) {
		snprintf(err, errlen,
			 "no engine to run on this target (see above why each was "
			 "left out)");
		ret = -ENOENT;
	}
	if (!ret)
		ret = prepare_job(d, err, errlen);
	for (i = 0; !ret && i < d->picks.n; i++) {
		d->rows[i].pick = &d->picks.v[i];
		d->rows[i].lat_reps = drill_lat_reps_of(&d->picks.v[i]);
		d->rows[i].s = calloc(d->o.reps, sizeof(*d->rows[i].s));
		d->rows[i].l = calloc(d->o.reps, sizeof(*d->rows[i].l));
		if (!d->rows[i].s || !d->rows[i].l)
			ret = -ENOMEM;
	}
	return ret;
}

static void chart(struct drill *d)
{
	char err[512];
	int ret;

	if (d->o.no_png)
		return;
	if (d->o.png)
		snprintf(d->png, sizeof(d->png), "%s", d->o.png);
	else
		idr_run_png_name(&d->run, d->png, sizeof(d->png));
	ret = drill_plot(d, d->png, err, sizeof(err));
	if (ret) {
		idr_err("drill: no chart: %s", err);
		d->png[0] = '\0';
	}
}

/* What the archive files the run under: the target, or none when no engine touched it. */
static const char *archive_target(const struct drill *d)
{
	unsigned int i;

	for (i = 0; i < d->picks.n; i++)
		if (!d->picks.v[i].floor)
			return d->t.path[0] ? d->t.path : d->t.ngdev;
	return "none";
}

static int report(struct drill *d)
{
	unsigned int i;
	int failed = 0;

	drill_summarise(d);
	chart(d);
	for (i = 0; i < d->picks.n; i++)
		failed |= d->rows[i].failed[0] != 0;
	/* Everything the run produced is in d->run.dir: stored in one call, before the
	 * report so that --json can say where. */
	idr_run_archive(&d->run, archive_target(d), failed ? "failed" : "complete");
	if (d->o.json)
		drill_print_json(d, stdout);
	else
		drill_print_table(d, stdout);
	fflush(stdout);
	return idr_run_epilogue(&d->run, d->png) || failed ? 1 : 0;
}

static void teardown(struct drill *d)
{
	unsigned int i;

	idr_target_release(&d->t);
	idr_run_end(&d->run);
	for (i = 0; i < IDR_MAX_PICKS; i++) {
		free(d->rows[i].s);
		free(d->rows[i].l);
		free(d->rows[i].hist);
	}
}

int cmd_drill(int argc, char **argv)
{
	struct drill *d = calloc(1, sizeof(*d));
	char err[1024];
	int ret;

	if (!d)
		return 1;
	ret = parse_opts(argc, argv, &d->o);
	if (ret) { /* 1: --help printed; < 0: said */
		ret = ret > 0 ? 0 : 2;
	} else if (d->o.fleet.n > 1 || d->o.fleet.from_file) {
		ret = hosts_run("drill", argc, argv, &d->o.fleet); /* one iodrill per host */
	} else if (idr_fio_check(err, sizeof(err)) ||
		   idr_run_begin(&d->run, "drill", argc, argv, d->o.keep, err, sizeof(err))) {
		idr_err("drill: %s", err);
		ret = 1;
	} else {
		ret = -1; /* on with the drill */
	}
	if (ret >= 0) {
		idr_fleet_free(&d->o.fleet);
		free(d);
		return ret;
	}
	d->run.results = d->o.results;
	d->run.no_archive = d->o.no_archive;
	if (d->o.fleet.n)
		idr_remote_begin(&d->run, &d->o.fleet.v[0]);
	ret = setup(d, err, sizeof(err));
	if (!ret)
		ret = idr_unwritten_check(&d->t, d->job, d->run.dir, &d->unwritten);
	if (!ret) {
		record_facts(d);
		say_plan(d);
		ret = run_all(d);
	}
	if (ret == -EINTR || idr_run_stopped()) {
		ret = idr_run_interrupted(&d->run, archive_target(d));
	} else if (ret) {
		idr_err("drill: %s", ret == -ENOMEM ? "out of memory" : err);
		ret = ret == -ENOMEM ? 1 : 2;
	} else {
		ret = report(d);
	}
	teardown(d);
	idr_remote_end();
	idr_fleet_free(&d->o.fleet);
	free(d);
	return ret;
}
