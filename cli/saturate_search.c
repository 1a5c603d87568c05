/*
 * saturate_search.c - the search of iodrill tune --saturate (saturate.h): one fio run per
 * point, each from a job file built on profiles/saturate.fio's [global] section, and the
 * phases that choose the next point from the last ones:
 *
 *   1. one job: iodepth 1, 2, 4 ... until two depths in a row add less than 3%; at the
 *      best depth, the batch (submit and reap up to N at once) halved while that adds
 *      2%, else doubled while it does; polled completions (hipri) where the device has
 *      poll queues, in interleaved pairs against interrupt-driven ones, kept unless slower
 *      in every pair, then the depths either side; the other block sizes at those
 *      settings, then each at its own depth: doubled, or halved when doubling added less
 *      than 2%; then the duel: the 3 best distinct one-job settings so far, run
 *      interleaved three times each (A B C A B C A B C), twice as long as a point; the
 *      best median is the one-core peak; its settings once more with SQPOLL (two cores:
 *      reported apart);
 *   2. 2, 4 ... jobs up to the run's CPUs (one per CPU), each with its own depth sweep
 *      from half the last knee, until a doubling adds less than 5%.
 *
 * Noise: a point runs once (but hipri's pairs and the duel). A 2-3% threshold is below
 * what a machine others use gives between two runs of the same point (15-25% on a busy
 * two-core VM): a search step can keep a lucky run. The duel is where that is undone for
 * the one-core peak: a lucky run nominates its settings, the median of three interleaved
 * runs judges them. The report says how busy the machine was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/fiojson.h"
#include "iodrill.h"
#include "report/stats.h"
#include "run/profile.h"
#include "saturate.h"

#define RISE 1.03      /* a deeper queue that adds less is not rising */
#define FLAT_STOP 2    /* depths in a row not rising end a sweep */
#define MOVE 1.02      /* a batch or hipri change is kept when it adds this */
#define JOBS_GAIN 1.05 /* more jobs that add less end the search */
#define KNEE_FRAC 0.95
#define DEFAULT_BATCH 32 /* saturate.fio's and t/io_uring's */
#define DUEL_FACTOR 2	 /* a duel's run is this much longer than a point's */
#define HIPRI_PAIRS 3	 /* interleaved runs each way before hipri is decided */

/* ---- the job file ------------------------------------------------------------------------ */

/* The options a point sets itself: the profile's lines for them are left out. */
static bool point_sets(const char *key, bool standalone)
{
	static const char *const keys[] = { "iodepth",
					    "iodepth_batch_submit",
					    "iodepth_batch_complete_max",
					    "hipri",
					    "bs",
					    "numjobs",
					    "cpus_allowed",
					    "cpus_allowed_policy",
					    "group_reporting",
					    "ioengine",
					    "filename",
					    "direct",
					    NULL };

	if (!standalone && (!strcmp(key, "runtime") || !strcmp(key, "ramp_time")))
		return true;
	for (unsigned int i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* Copy the [global] lines of the profile (not its comments) that the point does not set. */
static int copy_global(const struct sat *s, FILE *f, bool standalone)
{
	char line[512], key[64];
	bool in_global = false;
	FILE *in = fopen(s->base, "re");

	if (!in)
		return -errno;
	while (fgets(line, sizeof(line), in)) {
		idr_profile_key(line, key, sizeof(key));
		if (line[0] == '[') {
			in_global = !strncmp(line, "[global]", 8);
			continue;
		}
		if (in_global && *key && !point_sets(key, standalone))
			fputs(line, f);
	}
	fclose(in);
	return 0;
}

void sat_cpus_of(const struct sat *s, unsigned int jobs, char *buf, size_t len)
{
	cpu_set_t set;
	int c;

	CPU_ZERO(&set);
	for (unsigned int i = 0; i < jobs && (c = idr_cpulist_nth(&s->sc.used, i)) >= 0; i++)
		CPU_SET(c, &set);
	idr_cpulist_str(&set, buf, len);
}

int sat_job_global(const struct sat *s, FILE *f, unsigned int runtime_ms)
{
	int ret;

	fprintf(f, "[global]\n");
	if (!runtime_ms)
		fprintf(f, "ioengine=%s\nfilename=%s\n", s->k->ioengine, s->k->file);
	ret = copy_global(s, f, !runtime_ms);
	if (ret)
		return ret;
	fprintf(f, "direct=%d\ngroup_reporting=1\n", s->t.direct);
	if (runtime_ms)
		fprintf(f, "runtime=%ums\nramp_time=%ums\n", runtime_ms, s->o.ramp_ms);
	return ferror(f) ? -EIO : 0;
}

int sat_job_section(const struct sat *s, FILE *f, const struct sat_cfg *c, const char *name)
{
	char cpus[256];

	sat_cpus_of(s, c->jobs, cpus, sizeof(cpus));
	/* One CPU per job (split), the first ones of the device's node. */
	fprintf(f,
		"\n[%s]\nbs=%u\niodepth=%u\niodepth_batch_submit=%u\n"
		"iodepth_batch_complete_max=%u\n%snumjobs=%u\ncpus_allowed=%s\n"
		"cpus_allowed_policy=split\n",
		name, c->bs, c->depth, c->batch, c->batch, c->hipri ? "hipri=1\n" : "", c->jobs,
		cpus);
	/* SQPOLL: a kernel thread submits, on a CPU of its own (not one a job runs on). */
	if (c->sq_cpu >= 0)
		fprintf(f, "sqthread_poll=1\nsqthread_poll_cpu=%d\n", c->sq_cpu);
	return ferror(f) ? -EIO : 0;
}

/* ---- one point --------------------------------------------------------------------------- */

/* CPU time of the whole machine from /proc/stat, in clock ticks: busy and all. */
static void machine_ticks(unsigned long long *busy, unsigned long long *all)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");

	*busy = *all = 0;
	if (!f)
		return;
	/* user nice system idle iowait irq softirq steal */
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) == 8) {
		*busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
		*all = *busy + v[3] + v[4];
	}
	fclose(f);
}

/* fio's group-reported job: IOPS and latency. Returns 0 or -EIO (why says). */
static int read_fio(const char *path, struct sat_point *p, char *why, size_t len)
{
	struct idr_fio_run fr;
	const struct idr_fio_dir *r;

	if (idr_fio_run_load(path, &fr, why, len))
		return -EIO;
	if (!fr.nr_jobs || fr.jobs[0].error || !fr.jobs[0].dir[IDR_FIO_READ].total_ios) {
		snprintf(why, len, "fio reports error %d and %llu reads",
			 fr.nr_jobs ? fr.jobs[0].error : -1,
			 fr.nr_jobs ? (unsigned long long)fr.jobs[0].dir[IDR_FIO_READ].total_ios
				    : 0);
		idr_fio_run_free(&fr);
		return -EIO;
	}
	r = &fr.jobs[0].dir[IDR_FIO_READ];
	p->iops = r->iops;
	p->p50_us = (double)r->clat_p50_ns / 1e3;
	p->p99_us = (double)r->clat_p99_ns / 1e3;
	idr_fio_run_free(&fr);
	return 0;
}

/* The engine's counters over the point's jobs; returns their CPU seconds, and the I/Os
 * they did (the ramp's too) in *all_ios. */
static double read_sidecar(const char *path, struct sat_point *p, double *all_ios)
{
	double ios = 0, cpu = 0, calls = 0;
	struct idr_lat_figs lat;
	const char *flags;
	struct idr_sidecar sc;
	char err[256];

	if (idr_sidecar_load(path, &sc, err, sizeof(err)))
		return 0;
	for (unsigned int i = 0; i < sc.nr; i++) {
		ios += (double)sc.jobs[i].ios;
		cpu += (double)sc.jobs[i].cpu_ns;
		calls += (double)sc.jobs[i].syscalls;
		flags = idr_json_str(sc.jobs[i].engine_facts, "ring_flags");
		p->polled |= flags && strstr(flags, "IOPOLL");
	}
	/* The engine's own per-I/O latency, where it kept one, over fio's clat. */
	if (!idr_sidecar_lat_figs(&sc, IDR_FIO_READ, &lat) && !lat.batched) {
		p->p50_us = lat.p50_ns / 1e3;
		p->p99_us = lat.p99_ns / 1e3;
		p->lat_engine = true;
	}
	idr_sidecar_free(&sc);
	*all_ios = ios;
	if (ios > 0) {
		p->cpu_us_io = cpu / ios / 1e3;
		p->syscalls_io = calls / ios;
		p->have_sidecar = true;
	}
	return cpu / 1e9;
}

/*
 * What held the point: its cores busy (one per job, and one per SQPOLL thread), or the
 * machine's other users, or the device.
 */
static enum sat_bound bound_of(const struct sat_point *p)
{
	unsigned int cores = p->c.jobs * (p->c.sq_cpu >= 0 ? 2 : 1);

	if (p->polled)
		return SAT_BOUND_POLL;
	if (p->have_sidecar && p->busy >= SAT_CPU_BOUND * cores)
		return SAT_BOUND_CPU;
	if (p->idle < 0.25 && p->others > 0.25)
		return SAT_BOUND_SHARED;
	return SAT_BOUND_DEVICE;
}

/* The load around the point: cores busy with others' work and idle, from /proc/stat's
 * ticks before (b0 busy of a0 in all) and after (b1 of a1); ours_s: the point's CPU. */
static void machine_load(const struct sat *s, struct sat_point *p, unsigned long long b0,
			 unsigned long long a0, unsigned long long b1, unsigned long long a1,
			 double ours_s)
{
	double wall_s, tck = (double)sysconf(_SC_CLK_TCK);

	if (a1 <= a0 || s->online <= 0)
		return;
	wall_s = (double)(a1 - a0) / tck / s->online;
	p->idle = s->online * (double)(a1 - a0 - (b1 - b0)) / (double)(a1 - a0);
	p->others = (double)(b1 - b0) / tck / wall_s - ours_s / wall_s;
	if (p->others < 0)
		p->others = 0;
}

static int write_job(struct sat *s, const struct sat_point *p, unsigned int runtime_ms, char *path,
		     size_t len)
{
	FILE *f;
	int ret;

	idr_run_path(&s->run, p->label, ".fio", path, len);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	ret = sat_job_global(s, f, runtime_ms);
	if (!ret)
		ret = sat_job_section(s, f, &p->c, "saturate");
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static int point_failed(struct sat *s, const struct sat_point *p, int st)
{
	char said[360], cfg[128];

	sat_cfg_str(&p->c, cfg, sizeof(cfg));
	if (st < 0) {
		snprintf(s->failed, sizeof(s->failed), "%s: could not run fio: %s", cfg,
			 strerror(-st));
		return -EIO;
	}
	idr_run_said(&s->run, p->label, said, sizeof(said));
	snprintf(s->failed, sizeof(s->failed), "%s: fio exited %d: %s", cfg, st,
		 said[0] ? said : "(no message)");
	return -EIO;
}

/*
 * What a point is ranked by: its IOPS; but with no device under the target (a file on
 * tmpfs) the CPU is the only limit, so the IOPS its cores would drive at its CPU per I/O:
 * measured IOPS there move with the share of the CPU the machine's other work leaves.
 */
static double score_of(const struct sat *s, const struct sat_point *p)
{
	unsigned int cores = p->c.jobs * (p->c.sq_cpu >= 0 ? 2 : 1);

	if (s->rank_by_cpu && p->have_sidecar && p->cpu_us_io > 0)
		return cores * 1e6 / p->cpu_us_io;
	return p->iops;
}

/* What the machine did around a point: /proc/stat's ticks and the device's interrupts. */
struct around {
	unsigned long long busy, all;
	long long irqs;
};

static void around_now(const struct sat *s, struct around *a)
{
	machine_ticks(&a->busy, &a->all);
	a->irqs = idr_sc_irq_count(&s->sc, &s->sco);
}

/* Read what fio and the engine said of point p, which ran between a0 and now. Returns 0
 * or -EIO (s->failed says why). */
static int read_point(struct sat *s, struct sat_point *p, const struct around *a0)
{
	char path[PATH_MAX], why[360];
	struct around a1;
	double ours, ios = 0;

	around_now(s, &a1);
	idr_run_path(&s->run, p->label, ".json", path, sizeof(path));
	if (read_fio(path, p, why, sizeof(why))) {
		snprintf(s->failed, sizeof(s->failed), "%s: %s", p->label, why);
		return -EIO;
	}
	idr_run_path(&s->run, p->label, ".sidecar", path, sizeof(path));
	ours = read_sidecar(path, p, &ios);
	p->irqs_io = a0->irqs >= 0 && a1.irqs >= a0->irqs && ios > 0
			     ? (double)(a1.irqs - a0->irqs) / ios
			     : -1;
	p->busy = p->cpu_us_io * p->iops / 1e6;
	p->score = score_of(s, p);
	machine_load(s, p, a0->busy, a0->all, a1.busy, a1.all, ours);
	p->bound = bound_of(p);
	return 0;
}

/* Run one point; its index into s->p in *at. Returns 0, -EINTR, or -EIO (s->failed). */
static int run_point(struct sat *s, const struct sat_cfg *c, enum sat_phase ph,
		     unsigned int runtime_ms, int *at)
{
	struct sat_point *p = &s->p[s->n];
	struct idr_args a = { .n = 0 };
	struct around a0;
	char job[PATH_MAX];
	int st;

	if (s->n >= SAT_MAX_POINTS) {
		snprintf(s->failed, sizeof(s->failed), "more than %d points", SAT_MAX_POINTS);
		return -EIO;
	}
	memset(p, 0, sizeof(*p));
	p->c = *c;
	p->phase = ph;
	snprintf(p->label, sizeof(p->label), "p%03u-j%u-qd%u-b%u-%u%s%s", s->n + 1, c->jobs,
		 c->depth, c->batch, c->bs, c->hipri ? "-poll" : "",
		 c->sq_cpu >= 0 ? "-sqpoll" : "");
	st = write_job(s, p, runtime_ms, job, sizeof(job));
	if (st)
		return point_failed(s, p, st);
	fprintf(stderr, "iodrill: saturate %s: %s ...%s", s->k->name, p->label + 5,
		isatty(2) ? "\033[K\r" : "\n");
	idr_pick_args(s->k, &s->t, &a);
	idr_args_add(&a, "--readonly");
	idr_args_add(&a, "%s", job);
	around_now(s, &a0);
	st = idr_run_fio(&s->run, p->label, s->k->name, 0, &a, true);
	if (st == -EINTR)
		return st;
	st = st ? point_failed(s, p, st) : read_point(s, p, &a0);
	if (!st)
		*at = (int)s->n++;
	return st;
}

/* ---- the phases -------------------------------------------------------------------------- */

static unsigned int batch_for(unsigned int depth, unsigned int cap)
{
	return depth < cap ? depth : cap;
}

/*
 * A depth sweep of cfg's job count from depth start, doubling, with the batch capped at
 * cap, until IOPS stop rising or max_depth. Fills a new s->sw[]; its best in *best.
 */
static int sweep(struct sat *s, struct sat_cfg c, unsigned int start, unsigned int cap,
		 enum sat_phase ph, int *best)
{
	struct sat_sweep *w = &s->sw[s->nr_sw++];
	double score[SAT_MAX_POINTS];
	unsigned int flat = 0;
	int at, ret = 0;

	*w = (struct sat_sweep){ .jobs = c.jobs, .first = s->n, .best = -1, .knee = -1 };
	for (c.depth = start; c.depth <= s->o.max_depth && flat < FLAT_STOP; c.depth *= 2) {
		c.batch = batch_for(c.depth, cap);
		ret = run_point(s, &c, ph, s->o.runtime_ms, &at);
		if (ret)
			break;
		score[w->n++] = s->p[at].score;
		flat = w->best >= 0 && s->p[at].score < RISE * s->p[w->best].score ? flat + 1 : 0;
		if (w->best < 0 || s->p[at].score > s->p[w->best].score)
			w->best = at;
	}
	at = w->n ? idr_knee(score, w->n, KNEE_FRAC) : -1;
	w->knee = at >= 0 ? (int)w->first + at : -1;
	*best = w->best;
	return ret;
}

/* Try cfg as a change of the best so far; keep it when it adds MOVE. Returns 0 or an error. */
static int try_cfg(struct sat *s, const struct sat_cfg *c, enum sat_phase ph, int *best, bool *kept)
{
	int at, ret = run_point(s, c, ph, s->o.runtime_ms, &at);

	*kept = !ret && s->p[at].score >= MOVE * s->p[*best].score;
	if (*kept)
		*best = at;
	return ret;
}

/* The batch at the best depth: halved while that adds MOVE, else doubled while it does. */
static int refine_batch(struct sat *s, int *best)
{
	int start = *best, ret = 0;
	struct sat_cfg c;
	bool kept;

	for (int dir = 0; dir < 2 && *best == start && !ret; dir++) {
		c = s->p[start].c;
		do {
			c.batch = dir ? c.batch * 2 : c.batch / 2;
			if (!c.batch || c.batch > c.depth)
				break;
			ret = try_cfg(s, &c, SAT_BATCH, best, &kept);
		} while (!ret && kept);
	}
	return ret;
}

/*
 * One doubling of the best point's depth, and one halving when doubling did not add MOVE
 * (halving from a deeper best would only run its old depth again); the batch stays, cut
 * to the depth. Returns 0 or an error.
 */
static int depth_steps(struct sat *s, int *best, enum sat_phase ph)
{
	struct sat_cfg c;
	bool kept = false;
	int ret = 0;

	for (int dir = 0; dir < 2 && !kept && !ret; dir++) {
		c = s->p[*best].c;
		c.depth = dir ? c.depth / 2 : c.depth * 2;
		c.batch = batch_for(c.depth, c.batch);
		if (c.depth && c.depth <= s->o.max_depth)
			ret = try_cfg(s, &c, ph, best, &kept);
	}
	return ret;
}

/* Mean interrupts per I/O over the points of one kind in a hipri trial, or -1. */
static double mean_irqs(const struct sat *s, const int *at, unsigned int n)
{
	double sum = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (s->p[at[i]].irqs_io < 0)
			return -1;
		sum += s->p[at[i]].irqs_io / n;
	}
	return sum;
}

/*
 * Why polled completions were or were not chosen, from the ratios (polled IOPS over
 * interrupt-driven) of the interleaved pairs. Returns whether they were.
 */
static bool hipri_verdict(struct sat *s, const double *r, const int *irq, const int *poll,
			  const struct sat_cfg *c)
{
	double lo = r[0], hi = r[0], ip = mean_irqs(s, poll, HIPRI_PAIRS),
	       ii = mean_irqs(s, irq, HIPRI_PAIRS);
	char cfg[128], irqs[128] = "";
	const char *verdict;
	bool chosen;

	for (unsigned int i = 1; i < HIPRI_PAIRS; i++) {
		lo = r[i] < lo ? r[i] : lo;
		hi = r[i] > hi ? r[i] : hi;
	}
	chosen = hi >= 1 / MOVE;
	verdict = lo >= MOVE ? "chosen: polled completions gave more IOPS in every pair"
		  : chosen   ? "chosen: the pairs did not tell polled and interrupt-driven "
			       "completions apart, so polling is kept, the way to the one-core "
			       "peak on fast NVMe"
			   : "tried, not chosen: polled completions gave fewer IOPS in every pair";
	if (ip >= 0 && ii >= 0)
		snprintf(irqs, sizeof(irqs),
			 "; %.2f queue interrupts per I/O polled, %.2f by "
			 "interrupt",
			 ip, ii);
	snprintf(s->hipri_why, sizeof(s->hipri_why),
		 "%s (%u interleaved pairs at %s: polled "
		 "%.2f-%.2fx the IOPS, median %.2fx)%s; the device has poll queues (%s)",
		 verdict, HIPRI_PAIRS, sat_cfg_str(c, cfg, sizeof(cfg)), lo, hi,
		 idr_median(r, HIPRI_PAIRS), irqs, s->sc.item[IDR_SC_POLL].value);
	return chosen;
}

/*
 * Polled completions, where the device has poll queues: interleaved pairs (one run
 * each way is within the noise of a machine others use), then the depths either side.
 */
static int try_hipri(struct sat *s, int *best)
{
	struct sat_cfg c = s->p[*best].c, poll = c;
	int irq[HIPRI_PAIRS], pl[HIPRI_PAIRS], top = -1, ret = 0;
	double r[HIPRI_PAIRS];

	if (s->o.hipri != SAT_HIPRI_AUTO || !s->can_poll)
		return 0;
	poll.hipri = true;
	for (unsigned int i = 0; i < HIPRI_PAIRS && !ret; i++) {
		ret = run_point(s, &c, SAT_HIPRI, s->o.runtime_ms, &irq[i]);
		if (!ret)
			ret = run_point(s, &poll, SAT_HIPRI, s->o.runtime_ms, &pl[i]);
		if (ret)
			return ret;
		r[i] = s->p[irq[i]].score > 0 ? s->p[pl[i]].score / s->p[irq[i]].score : 1;
		top = top < 0 || s->p[pl[i]].score > s->p[top].score ? pl[i] : top;
	}
	if (!hipri_verdict(s, r, irq, pl, &c))
		return 0;
	*best = top;
	return depth_steps(s, best, SAT_HIPRI);
}

/*
 * The other block sizes at the best settings, then each at its own depth (its knee need
 * not be 4 KiB's): one_core[] holds the best point of each size.
 */
static int other_sizes(struct sat *s, int best)
{
	struct sat_cfg c = s->p[best].c;
	int ret = 0;

	s->one_core[0] = best;
	for (unsigned int i = 1; i < s->nr_bs && !ret; i++) {
		c.bs = s->bs[i];
		ret = run_point(s, &c, SAT_BS, s->o.runtime_ms, &s->one_core[i]);
		if (!ret)
			ret = depth_steps(s, &s->one_core[i], SAT_BS);
	}
	return ret;
}

static bool same_cfg(const struct sat_cfg *a, const struct sat_cfg *b)
{
	return a->jobs == b->jobs && a->depth == b->depth && a->batch == b->batch &&
	       a->bs == b->bs && a->hipri == b->hipri && a->sq_cpu == b->sq_cpu;
}

/* Is c the settings of a candidate already? */
static bool nominated(const struct sat *s, const struct sat_cfg *c)
{
	for (unsigned int k = 0; k < s->duel.nr; k++)
		if (same_cfg(&s->p[s->duel.found[k]].c, c))
			return true;
	return false;
}

/*
 * The duel's candidates: the best distinct one-job settings so far, by their best run,
 * with the completions (polled or not) the hipri phase chose: the duel is no second
 * hipri trial, and the peak keeps the verdict the report gives.
 */
static void duel_pick(struct sat *s, bool hipri)
{
	const struct sat_point *p;
	int b;

	for (s->duel.nr = 0; s->duel.nr < SAT_DUEL_MAX; s->duel.found[s->duel.nr++] = b) {
		b = -1;
		for (unsigned int i = 0; i < s->n; i++) {
			p = &s->p[i];
			if (p->c.jobs == 1 && p->c.sq_cpu < 0 && p->c.hipri == hipri &&
			    !nominated(s, &p->c) && (b < 0 || p->score > s->p[b].score))
				b = (int)i;
		}
		if (b < 0)
			return;
	}
}

/* The run with the median score of candidate k's runs (SAT_DUEL_ROUNDS is odd). */
static int median_run(const struct sat *s, unsigned int k)
{
	const int *r = s->duel.runs[k];
	unsigned int below, same;

	for (unsigned int i = 0; i < SAT_DUEL_ROUNDS; i++) {
		below = same = 0;
		for (unsigned int j = 0; j < SAT_DUEL_ROUNDS; j++) {
			below += s->p[r[j]].score < s->p[r[i]].score;
			same += s->p[r[j]].score == s->p[r[i]].score;
		}
		/* the middle rank falls among the runs equal to this one */
		if (below <= SAT_DUEL_ROUNDS / 2 && below + same > SAT_DUEL_ROUNDS / 2)
			return r[i];
	}
	return r[0]; /* not reached: some run holds the middle rank */
}

/* The winner: the best median; on a tie the candidate the search ranked higher. Why. */
static void duel_verdict(struct sat *s)
{
	struct sat_duel *d = &s->duel;
	const char *letter = SAT_DUEL_NAMES;
	double m[SAT_DUEL_MAX];
	unsigned int w = 0, second = 0;

	for (unsigned int k = 0; k < d->nr; k++) {
		d->median_run[k] = median_run(s, k);
		m[k] = s->p[d->median_run[k]].score;
		w = m[k] > m[w] ? k : w;
	}
	d->winner = (int)w;
	/* the runner-up: the best median but the winner's */
	for (unsigned int k = 0; k < d->nr; k++)
		if (k != w && (second == w || m[k] > m[second]))
			second = k;
	if (d->nr < 2)
		snprintf(d->why, sizeof(d->why),
			 "A: the only one-job settings the search found; its median of %u runs",
			 SAT_DUEL_ROUNDS);
	else if (!w)
		snprintf(d->why, sizeof(d->why),
			 "A: the search's best run, and the best median of %u runs, %+.1f%% over "
			 "%c's",
			 SAT_DUEL_ROUNDS, 100 * (m[0] / m[second] - 1), letter[second]);
	else
		snprintf(d->why, sizeof(d->why),
			 "%c: the best median of %u runs, %+.1f%% over %c's; A's best run in the "
			 "search (%.0f) was ahead of %c's (%.0f), its median is %.0f",
			 letter[w], SAT_DUEL_ROUNDS, 100 * (m[w] / m[second] - 1), letter[second],
			 s->p[d->found[0]].score, letter[w], s->p[d->found[w]].score, m[0]);
}

/*
 * The duel for the one-core peak: the candidates interleaved, round after round, so the
 * machine's slow spells fall on all of them; the winner's settings are the one-core
 * peak, its median run the peak's figures. Returns 0 or an error.
 */
static int duel(struct sat *s, bool hipri)
{
	struct sat_duel *d = &s->duel;
	int ret = 0;

	duel_pick(s, hipri);
	d->runtime_ms = DUEL_FACTOR * s->o.runtime_ms;
	for (unsigned int r = 0; r < SAT_DUEL_ROUNDS && !ret; r++)
		for (unsigned int k = 0; k < d->nr && !ret; k++)
			ret = run_point(s, &s->p[d->found[k]].c, SAT_DUEL, d->runtime_ms,
					&d->runs[k][r]);
	if (ret)
		return ret;
	if (!d->nr) { /* not reached: the best point of the search is one job's */
		snprintf(s->failed, sizeof(s->failed), "no one-job point for the duel");
		return -EIO;
	}
	duel_verdict(s);
	s->peak1 = d->median_run[d->winner];
	s->best1 = s->p[s->peak1].c;
	return 0;
}

/*
 * The one-core peak's settings with SQPOLL: the job on its CPU, the kernel's submission
 * thread on the next CPU of the run. Two cores, so it is no one-core figure: told apart.
 */
static int try_sqpoll(struct sat *s)
{
	struct sat_cfg c = s->best1;
	int ret;

	if (s->nr_cpus < 2) {
		snprintf(s->sqpoll_why, sizeof(s->sqpoll_why),
			 "not tried: the run has one CPU, "
			 "and a submission thread beside the job on it would only take its time");
		return 0;
	}
	c.sq_cpu = idr_cpulist_nth(&s->sc.used, 1);
	ret = run_point(s, &c, SAT_SQPOLL, s->o.runtime_ms, &s->sqpoll);
	/*
	 * Reported beside the peak, never as it: a failed SQPOLL run (kernels before 5.11
	 * refuse it to users without CAP_SYS_ADMIN) says why and the search goes on.
	 */
	if (ret == -EIO) {
		snprintf(s->sqpoll_why, sizeof(s->sqpoll_why), "tried, failed: %s", s->failed);
		s->failed[0] = '\0';
		s->sqpoll = -1;
		ret = 0;
	}
	return ret;
}

static int phase_one(struct sat *s)
{
	struct sat_cfg c = { .jobs = 1,
			     .bs = s->bs[0],
			     .hipri = s->o.hipri == SAT_HIPRI_ON,
			     .sq_cpu = -1 };
	int best, ret = sweep(s, c, 1, DEFAULT_BATCH, SAT_DEPTH, &best);

	if (!ret)
		ret = refine_batch(s, &best);
	if (!ret)
		ret = try_hipri(s, &best);
	if (!ret)
		ret = other_sizes(s, best);
	if (!ret)
		ret = duel(s, s->p[best].c.hipri);
	if (!ret)
		ret = try_sqpoll(s);
	return ret;
}

/* The best point of a job count (0: of all), over every phase but SQPOLL's: a job with
 * a submission thread of its own runs on two cores. */
static int best_of_jobs(const struct sat *s, unsigned int jobs)
{
	int b = -1;

	for (unsigned int i = 0; i < s->n; i++)
		if ((!jobs || s->p[i].c.jobs == jobs) && s->p[i].c.sq_cpu < 0 &&
		    (b < 0 || s->p[i].score > s->p[b].score))
			b = (int)i;
	return b;
}

/* Device peak: the fewest jobs whose best is within 5% of the best of all. */
static void device_peak(struct sat *s)
{
	int top = best_of_jobs(s, 0), b;

	s->top = top;
	for (unsigned int j = 1; top >= 0 && j <= s->p[top].c.jobs; j++) {
		b = best_of_jobs(s, j);
		if (b >= 0 && s->p[b].score >= KNEE_FRAC * s->p[top].score) {
			s->device = b;
			return;
		}
	}
	s->device = top;
}

/* 2, 4 ... jobs up to the CPUs, each with a depth sweep from half the last knee. */
static int phase_jobs(struct sat *s)
{
	struct sat_cfg c = s->best1;
	double last = s->p[best_of_jobs(s, 1)].score;
	unsigned int start;
	int best, knee, ret = 0;

	for (c.jobs = 2; c.jobs <= s->nr_cpus && !ret && s->nr_sw < SAT_MAX_JOBCOUNTS;) {
		knee = s->sw[s->nr_sw - 1].knee;
		start = knee >= 0 ? s->p[knee].c.depth / 2 : 1;
		ret = sweep(s, c, start ? start : 1, s->best1.batch, SAT_JOBS, &best);
		if (ret || best < 0 || s->p[best].score < JOBS_GAIN * last)
			break;
		last = s->p[best].score;
		c.jobs = c.jobs * 2 > s->nr_cpus && c.jobs < s->nr_cpus ? s->nr_cpus : c.jobs * 2;
	}
	return ret;
}

int sat_search(struct sat *s)
{
	int ret;

	if (s->run.no_archive)
		fprintf(stderr, "iodrill: --no-archive: the search will not be stored\n");
	else
		fprintf(stderr, "iodrill: the search goes to the results archive in %s\n",
			s->run.archive_dir);
	ret = phase_one(s);
	if (!ret)
		ret = phase_jobs(s);
	if (isatty(2))
		fprintf(stderr, "\033[K");
	if (s->n)
		device_peak(s);
	return ret;
}
