/*
 * saturate.c - iodrill tune TARGET --saturate: options, set-up (target, engine, the
 * system check, the CPUs, the block sizes), --apply-recommended and the restore that
 * follows every run, and the command's end (report, archive). The search is in
 * saturate_search.c, the report in saturate_report.c (saturate.h).
 */
#include <errno.h>
#include <stddef.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>

#include "devices.h"
#include "iodrill.h"
#include "run/cmdopts.h"
#include "saturate.h"

/*
 * The deepest queue a job can ask for: io_uring rings hold at most 32768 entries
 * (IORING_MAX_ENTRIES), and at most 16384 buffers register (IORING_MAX_REG_BUFFERS,
 * engines/uring/setup.h); the search always registers its buffers (fixedbufs=1).
 */
#define SAT_RING_ENTRIES 32768u
#define SAT_REG_BUFFERS 16384u

enum {
	OPT_SATURATE = 256,
	OPT_ENGINE,
	OPT_CPUS,
	OPT_MAXQD,
	OPT_HIPRI,
	OPT_RUNTIME,
	OPT_RAMP,
	OPT_APPLY,
	OPT_PROFILE,
	OPT_SIZE,
	OPT_PNG,
	OPT_NO_PNG,
	OPT_NUMJOBS
};

static const struct option long_opts[] = {
	{ "saturate", no_argument, NULL, OPT_SATURATE },
	{ "engine", required_argument, NULL, OPT_ENGINE },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "max-iodepth", required_argument, NULL, OPT_MAXQD },
	{ "hipri", required_argument, NULL, OPT_HIPRI },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "ramp", required_argument, NULL, OPT_RAMP },
	{ "apply-recommended", no_argument, NULL, OPT_APPLY },
	{ "write-profile", required_argument, NULL, OPT_PROFILE },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "png", required_argument, NULL, OPT_PNG },
	{ "no-png", no_argument, NULL, OPT_NO_PNG },
	{ "numjobs", required_argument, NULL, OPT_NUMJOBS }, /* tune's: refused, saying why */
	IDR_CMD_LONG_OPTS,
};

/* ---- options ----------------------------------------------------------------------------- */

static int opt_depth(const char *arg, unsigned int *out)
{
	unsigned long long v;
	int ret = idr_parse_uint(arg, 1, ~0u, &v);

	if (ret == -EINVAL) {
		idr_err("tune --saturate: --max-iodepth %s is not a number", arg);
		return ret;
	}
	if (ret || v > SAT_REG_BUFFERS) {
		idr_err("tune --saturate: --max-iodepth %s is beyond the io_uring ring: it holds "
			"at most %u entries, and %u registered buffers (fixedbufs, which the "
			"search uses); give 1..%u",
			arg, SAT_RING_ENTRIES, SAT_REG_BUFFERS, SAT_REG_BUFFERS);
		return -ERANGE;
	}
	*out = (unsigned int)v;
	return 0;
}

static int opt_hipri(const char *arg, enum sat_hipri *out)
{
	static const char *const
		v[] = { [SAT_HIPRI_AUTO] = "auto", [SAT_HIPRI_ON] = "on", [SAT_HIPRI_OFF] = "off" };

	for (unsigned int i = 0; i < 3; i++)
		if (!strcmp(arg, v[i])) {
			*out = (enum sat_hipri)i;
			return 0;
		}
	idr_err("tune --saturate: --hipri %s: give auto, on or off", arg);
	return -EINVAL;
}

static int opt_size(const char *arg, unsigned long long *out)
{
	if (!idr_parse_size(arg, out) && *out >= IDR_TARGET_MIN_BYTES)
		return 0;
	idr_err("tune --saturate: --size %s is not a size of at least %llu bytes", arg,
		IDR_TARGET_MIN_BYTES);
	return -EINVAL;
}

/* The options that take a string or set a flag: where each goes in struct sat_opts. */
static const struct {
	int opt;
	size_t off;
	bool flag;
} plain_opts[] = {
	{ OPT_ENGINE, offsetof(struct sat_opts, engine), false },
	{ OPT_CPUS, offsetof(struct sat_opts, cpus), false },
	{ OPT_PROFILE, offsetof(struct sat_opts, write_profile), false },
	{ OPT_PNG, offsetof(struct sat_opts, png), false },
	{ OPT_APPLY, offsetof(struct sat_opts, apply), true },
	{ OPT_NO_PNG, offsetof(struct sat_opts, no_png), true },
};

/* One of --saturate's own options (idr_cmd_parse's callback). Returns 0 or -errno. */
static int one_opt(int c, const char *arg, void *ctx)
{
	struct sat_opts *o = ctx;

	for (unsigned int i = 0; i < sizeof(plain_opts) / sizeof(plain_opts[0]); i++) {
		if (plain_opts[i].opt != c)
			continue;
		if (plain_opts[i].flag)
			*(bool *)((char *)o + plain_opts[i].off) = true;
		else
			*(const char **)((char *)o + plain_opts[i].off) = arg;
		return 0;
	}
	switch (c) {
	case OPT_SATURATE:
		return 0;
	case OPT_MAXQD:
		return opt_depth(arg, &o->max_depth);
	case OPT_HIPRI:
		return opt_hipri(arg, &o->hipri);
	case OPT_RUNTIME:
		return idr_opt_uint("tune --saturate", "runtime", arg, 10, 3600000, &o->runtime_ms);
	case OPT_RAMP:
		return idr_opt_uint("tune --saturate", "ramp", arg, 0, 3600000, &o->ramp_ms);
	case OPT_SIZE:
		return opt_size(arg, &o->size);
	case OPT_NUMJOBS:
		idr_err("tune --saturate: '--numjobs': the search chooses the jobs (1, 2, 4 ... "
			"the CPUs): limit them with --cpus");
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

/* Returns 0, 1 for --help (printed), or -EINVAL after a message. */
static int parse_opts(int argc, char **argv, struct sat_opts *o)
{
	struct idr_cmd_args a = { .cmd = "tune",
				  .help = cmd_tune_help,
				  .opts = long_opts,
				  .one = one_opt,
				  .ctx = o };
	int ret;

	*o = (struct sat_opts){ .max_depth = 1024,
				.size = 256ull << 20,
				.runtime_ms = 2000,
				.ramp_ms = 500 };
	ret = idr_cmd_parse(argc, argv, &a);
	if (ret)
		return ret;
	o->target = a.nargs ? a.args[0] : NULL;
	if (!o->target || a.nargs > 1) {
		idr_err("tune --saturate: %s; usage: iodrill tune TARGET --saturate [--engine E] "
			"[options]",
			o->target ? "one TARGET only" : "no TARGET");
		return -EINVAL;
	}
	if (o->write_profile && !*o->write_profile) {
		idr_err("tune --saturate: --write-profile needs a file name");
		return -EINVAL;
	}
	o->json = a.json;
	o->keep = a.keep;
	o->results = a.results;
	o->no_archive = a.no_archive;
	return 0;
}

/* ---- the system check's place ------------------------------------------------------------ */

void idr_sc_default_opts(struct idr_sc_opts *o, char (*bufs)[PATH_MAX])
{
	const char *root = getenv("IODRILL_SYSCHECK_ROOT");

	memset(o, 0, sizeof(*o));
	snprintf(bufs[0], PATH_MAX, "%s/sys", root && *root ? root : "");
	snprintf(bufs[1], PATH_MAX, "%s/proc", root && *root ? root : "");
	o->sys = bufs[0];
	o->proc = bufs[1];
}

void idr_sc_disk_of(const char *path, char *disk, size_t len)
{
	struct idr_blkdev b;
	struct idr_fs fs;
	struct stat st;
	int ret = -ENODEV;

	disk[0] = '\0';
	if (stat(path, &st))
		return;
	if (S_ISBLK(st.st_mode))
		ret = idr_blkdev_by_devno(IDR_SYSFS, st.st_rdev, &b);
	else if (S_ISCHR(st.st_mode))
		ret = idr_ng_block(IDR_SYSFS, st.st_rdev, &b);
	else if (!idr_path_fs(path, &fs) && fs.devno)
		ret = idr_blkdev_by_devno(IDR_SYSFS, fs.devno, &b);
	if (!ret)
		idr_strcpy(disk, len, b.disk[0] ? b.disk : b.name);
}

int idr_sc_report(const char *disk, FILE *out, struct json_object **json)
{
	struct idr_syscheck sc;
	struct idr_sc_opts o;
	char roots[2][PATH_MAX], err[1024];
	cpu_set_t allowed;
	int ret;

	idr_sc_default_opts(&o, roots);
	if (!sched_getaffinity(0, sizeof(allowed), &allowed))
		o.allowed = &allowed;
	ret = idr_sc_run(&o, disk, &sc, err, sizeof(err));
	if (ret) {
		idr_err("system check: %s", err);
		return ret;
	}
	if (json)
		*json = idr_sc_json(&sc);
	else
		idr_sc_print(&sc, out);
	idr_sc_free(&sc);
	return 0;
}

/* ---- set-up ------------------------------------------------------------------------------ */

/* The engine: the one asked for, or uring_fixed (uring_passthru on /dev/ngXnY alone). */
static int pick_engine(struct sat *s, char *err, size_t errlen)
{
	const char *name = s->o.engine			  ? s->o.engine
			   : s->t.kind == IDR_DRILL_NGDEV ? "uring_passthru"
							  : "uring_fixed";
	int ret;

	if (strchr(name, ',')) {
		snprintf(err, errlen, "--engine takes one engine, not a list (%s)", name);
		return -EINVAL;
	}
	ret = idr_engines_pick(&s->t, name, false, &s->picks, err, errlen);
	if (ret)
		return ret;
	s->k = &s->picks.v[0];
	if (strncmp(s->k->twin, "io_uring", 8)) {
		snprintf(err, errlen,
			 "--saturate searches io_uring's settings (registered buffers "
			 "and files, batches, polled completions): %s has none of them; give "
			 "--engine uring_fixed, or uring_passthru for /dev/ngXnY",
			 s->k->name);
		return -EINVAL;
	}
	return 0;
}

/* The block sizes: 4 KiB, 512 B and the device's logical block size, those O_DIRECT can
 * read (a multiple of the logical block size), the smallest that works first. */
static void choose_bs(struct sat *s)
{
	const unsigned int want[] = { 512, 4096, s->sc.lbsize };
	unsigned int lb = s->sc.lbsize ? s->sc.lbsize : 512, i, j;

	for (i = 0; i < 3; i++) {
		if (!want[i] || (s->t.direct && want[i] % lb))
			continue;
		for (j = 0; j < s->nr_bs && s->bs[j] != want[i]; j++)
			;
		if (j == s->nr_bs)
			s->bs[s->nr_bs++] = want[i];
	}
	/* The search runs at 4 KiB where it can (the common currency), the others after. */
	for (i = 1; i < s->nr_bs; i++)
		if (s->bs[i] == 4096) {
			s->bs[i] = s->bs[0];
			s->bs[0] = 4096;
		}
}

/* Polled completions: where the device has poll queues (queue/io_poll 1). */
static int choose_hipri(struct sat *s, char *err, size_t errlen)
{
	const struct idr_sc_item *it = &s->sc.item[IDR_SC_POLL];

	s->can_poll = s->sc.io_poll == 1;
	if (s->o.hipri == SAT_HIPRI_ON && !s->can_poll) {
		snprintf(err, errlen, "--hipri on: %s cannot poll: %s (%s)", s->k->file,
			 *s->sc.disk ? it->value : "no block device under it",
			 *s->sc.disk ? it->why : "a file on tmpfs or a filesystem on no disk");
		return -EINVAL;
	}
	if (s->o.hipri == SAT_HIPRI_OFF)
		snprintf(s->hipri_why, sizeof(s->hipri_why), "not tried (--hipri off)");
	else if (!s->can_poll)
		snprintf(s->hipri_why, sizeof(s->hipri_why), "not tried: %s cannot poll (%s%s%s)",
			 *s->sc.disk ? s->sc.disk : s->k->file,
			 *s->sc.disk ? it->value : "no block device under it",
			 *s->sc.disk ? "; " : "", *s->sc.disk ? it->why : "");
	return 0;
}

static int system_check(struct sat *s, char *err, size_t errlen)
{
	char disk[IDR_DEVNAME_MAX];
	cpu_set_t allowed;
	int ret;

	idr_sc_default_opts(&s->sco, s->sc_roots);
	if (!sched_getaffinity(0, sizeof(allowed), &allowed))
		s->sco.allowed = &allowed;
	s->sco.cpus = s->o.cpus;
	idr_sc_disk_of(s->t.kind == IDR_DRILL_NGDEV && !s->t.path[0] ? s->t.ngdev : s->t.path, disk,
		       sizeof(disk));
	ret = idr_sc_run(&s->sco, disk, &s->sc, err, errlen);
	s->sco.allowed = NULL; /* allowed lives on this stack */
	if (ret)
		return ret;
	s->have_sc = true;
	/* No device under the target: the CPU is the only limit (saturate_search.c). */
	s->rank_by_cpu = !*s->sc.disk;
	s->nr_cpus = (unsigned int)CPU_COUNT(&s->sc.used);
	s->online = (double)sysconf(_SC_NPROCESSORS_ONLN);
	choose_bs(s);
	if (!s->nr_bs) {
		snprintf(err, errlen, "%s: no block size to search (logical block size %u)",
			 s->k->file, s->sc.lbsize);
		return -EINVAL;
	}
	return choose_hipri(s, err, errlen);
}

static void record_facts(struct sat *s)
{
	struct json_object *f = s->run.facts;
	char cpus[256];

	json_object_object_add(f, "engine", json_object_new_string(s->k->name));
	json_object_object_add(f, "target_path", json_object_new_string(s->k->file));
	json_object_object_add(f, "direct", json_object_new_boolean(s->t.direct));
	json_object_object_add(f, "profile", json_object_new_string(s->base));
	json_object_object_add(f, "cpus",
			       json_object_new_string(
				       idr_cpulist_str(&s->sc.used, cpus, sizeof(cpus))));
	json_object_object_add(f, "runtime_ms", json_object_new_int((int)s->o.runtime_ms));
	json_object_object_add(f, "ramp_ms", json_object_new_int((int)s->o.ramp_ms));
	json_object_object_add(f, "system_check", idr_sc_json(&s->sc));
}

static int setup(struct sat *s, char *err, size_t errlen)
{
	int ret = idr_run_archive_check(&s->run, err, errlen);

	if (!ret && idr_profile_path("saturate", s->base, sizeof(s->base))) {
		snprintf(err, errlen,
			 "profiles/saturate.fio not found beside iodrill nor "
			 "installed: run make install, or ./iodrill from the build tree");
		ret = -ENOENT;
	}
	if (!ret)
		ret = idr_target_open(s->o.target, s->run.dir, s->o.size, &s->t, err, errlen);
	if (!ret)
		ret = pick_engine(s, err, errlen);
	if (!ret)
		ret = system_check(s, err, errlen);
	if (!ret)
		record_facts(s);
	return ret;
}

/* ---- --apply-recommended, and putting it all back ----------------------------------------- */

static int apply(struct sat *s)
{
	char script[PATH_MAX], err[512];
	int n;

	if (!idr_sc_costs(&s->sc) || !s->sc.nr_knobs) {
		fprintf(stderr, "iodrill: --apply-recommended: nothing to change%s\n",
			idr_sc_costs(&s->sc) ? " that can be changed while the system runs" : "");
		return 0;
	}
	idr_run_path(&s->run, "undo-settings", ".sh", script, sizeof(script));
	n = idr_sc_apply(&s->sc, script, &s->undo, err, sizeof(err));
	if (n < 0) {
		idr_err("tune --saturate: --apply-recommended: %s", err);
		return n;
	}
	s->applied = true;
	/* The script lives in the run's folder: kept, so a killed run can still be undone. */
	fprintf(stderr,
		"iodrill: --apply-recommended: changed %d setting%s for this run; all "
		"are put back when it ends (if iodrill is killed first: sh %s)\n",
		n, n == 1 ? "" : "s", script);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "iodrill:   %s: %s -> %s\n", s->undo.v[i].path, s->undo.v[i].now,
			s->undo.v[i].want);
	if (*s->undo.refused)
		fprintf(stderr, "iodrill:   left as they are: %s\n", s->undo.refused);
	return 0;
}

/* Put back what apply changed. Returns 0, or -EIO (said, and the run's folder kept). */
static int restore(struct sat *s)
{
	struct json_object *o;
	int ret;

	if (!s->applied)
		return 0;
	ret = idr_sc_restore(&s->undo, s->restore_err, sizeof(s->restore_err));
	s->applied = false;
	o = json_object_new_object();
	json_object_object_add(o, "restored", json_object_new_boolean(!ret));
	json_object_object_add(o, "error", ret ? json_object_new_string(s->restore_err) : NULL);
	json_object_object_add(o, "left_as_they_were",
			       *s->undo.refused ? json_object_new_string(s->undo.refused) : NULL);
	json_object_object_add(s->run.facts, "apply_recommended", o);
	if (!ret) {
		fprintf(stderr, "iodrill: --apply-recommended: every setting changed is back as "
				"it was\n");
		return 0;
	}
	idr_err("tune --saturate: could not put every setting back: %s", s->restore_err);
	s->run.keep = true; /* the undo script is in the run's folder */
	return ret;
}

/* ---- the command ------------------------------------------------------------------------- */

static const char *archive_target(const struct sat *s)
{
	return s->k ? s->k->file : "none";
}

static int report(struct sat *s, int restored)
{
	char err[512];
	int bad;

	if (!s->o.no_png && s->n) {
		if (s->o.png)
			snprintf(s->png, sizeof(s->png), "%s", s->o.png);
		else
			idr_run_png_name(&s->run, s->png, sizeof(s->png));
		if (sat_plot(s, err, sizeof(err))) {
			idr_err("tune --saturate: no chart: %s", err);
			s->png[0] = '\0';
		}
	}
	bad = s->o.write_profile && s->n && sat_write_profile(s, err, sizeof(err));
	if (bad)
		idr_err("tune --saturate: --write-profile: %s", err);
	idr_run_archive(&s->run, archive_target(s), s->failed[0] ? "failed" : "complete");
	if (s->o.json)
		sat_print_json(s, stdout);
	else
		sat_print(s, stdout);
	fflush(stdout);
	if (s->failed[0])
		idr_err("tune --saturate: stopped at %s", s->failed);
	return idr_run_epilogue(&s->run, s->png) || s->failed[0] || restored || bad ? 1 : 0;
}

static int run(struct sat *s)
{
	char err[1024];
	int ret = setup(s, err, sizeof(err)), restored;

	if (ret && ret != -EINTR) {
		idr_err("tune --saturate: %s", err);
		return 2;
	}
	if (!ret && !s->o.json) {
		sat_print_header(s, stdout);
		fflush(stdout);
	}
	if (!ret && s->o.apply)
		ret = apply(s);
	if (!ret)
		ret = sat_search(s);
	/* Whatever happened: failed, interrupted or done, the settings go back first. */
	restored = restore(s);
	if (ret == -EINTR || idr_run_stopped())
		return idr_run_interrupted(&s->run, archive_target(s));
	if (ret && !s->n) {
		idr_run_archive(&s->run, archive_target(s), "failed");
		idr_err("tune --saturate: %s", s->failed[0] ? s->failed : strerror(-ret));
		idr_run_archive_say(&s->run);
		return 1;
	}
	return report(s, restored);
}

int idr_saturate(int argc, char **argv)
{
	struct sat *s = calloc(1, sizeof(*s));
	char err[1024];
	int ret;

	if (!s)
		return 1;
	ret = parse_opts(argc, argv, &s->o);
	if (ret) {
		free(s);
		return ret > 0 ? 0 : 2;
	}
	ret = 1;
	if (idr_fio_check(err, sizeof(err)))
		idr_err("tune --saturate: %s", err);
	else if (idr_run_begin(&s->run, "saturate", argc, argv, s->o.keep, err, sizeof(err)))
		idr_err("tune --saturate: %s", err);
	else
		ret = -1;
	if (ret > 0) {
		free(s);
		return ret;
	}
	s->run.results = s->o.results;
	s->run.no_archive = s->o.no_archive;
	s->peak1 = s->device = s->sqpoll = s->top = s->duel.winner = -1;
	for (unsigned int i = 0; i < SAT_MAX_BS; i++)
		s->one_core[i] = -1;
	ret = run(s);
	idr_target_release(&s->t);
	if (s->have_sc)
		idr_sc_free(&s->sc);
	idr_run_end(&s->run);
	free(s);
	return ret;
}
