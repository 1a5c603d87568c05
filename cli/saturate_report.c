/*
 * saturate_report.c - what iodrill tune --saturate says (saturate.h): the system check,
 * the table of points, the findings (the one-core peak, the device peak, the knee of each
 * job count, hipri, what held each back), JSON, the chart, and the job file that
 * reproduces the peaks.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "iodrill.h"
#include "report/plot.h"
#include "results.h"
#include "saturate.h"

const char *sat_bound_name(enum sat_bound b)
{
	static const char *const n[] = { [SAT_BOUND_CPU] = "CPU",
					 [SAT_BOUND_SHARED] = "CPU*",
					 [SAT_BOUND_DEVICE] = "device",
					 [SAT_BOUND_POLL] = "polled" };

	return n[b];
}

const char *sat_phase_name(enum sat_phase p)
{
	static const char *const n[] = {
		[SAT_DEPTH] = "depth", [SAT_BATCH] = "batch", [SAT_HIPRI] = "hipri",
		[SAT_BS] = "bs",       [SAT_DUEL] = "duel",   [SAT_SQPOLL] = "sqpoll",
		[SAT_JOBS] = "jobs"
	};

	return n[p];
}

static char *bs_str(unsigned int bs, char *buf, size_t len)
{
	if (bs % 1024)
		snprintf(buf, len, "%u B", bs);
	else
		snprintf(buf, len, "%u KiB", bs / 1024);
	return buf;
}

char *sat_cfg_str(const struct sat_cfg *c, char *buf, size_t len)
{
	char bs[16];

	snprintf(buf, len, "%u job%s, iodepth %u, batch %u, %s, %s", c->jobs,
		 c->jobs == 1 ? "" : "s", c->depth, c->batch, bs_str(c->bs, bs, sizeof(bs)),
		 c->hipri ? "polled" : "by interrupt");
	return buf;
}

/* ---- the system check ---------------------------------------------------------------------- */

void idr_sc_print(const struct idr_syscheck *sc, FILE *out)
{
	char cpus[256], node[32] = "no NUMA node given";
	const struct idr_sc_item *it;

	if (sc->numa_node >= 0)
		snprintf(node, sizeof(node), "NUMA node %d", sc->numa_node);
	fprintf(out, "system check: %s, %s; CPUs for the run: %s\n",
		*sc->disk ? sc->disk : "no block device", node,
		idr_cpulist_str(&sc->used, cpus, sizeof(cpus)));
	for (int i = 0; i < IDR_SC_NR; i++) {
		it = &sc->item[i];
		fprintf(out, "  %-13s %-6s %s: %s\n", idr_sc_name(i),
			it->state == IDR_SC_COSTS ? "COSTS" : idr_sc_state_name(it->state),
			it->value, it->why);
		if (it->state == IDR_SC_COSTS && *it->fix)
			fprintf(out, "  %-13s %-6s fix: %s%s\n", "", "", it->fix,
				it->can_apply ? " (--apply-recommended does this for a run)" : "");
	}
}

struct json_object *idr_sc_json(const struct idr_syscheck *sc)
{
	struct json_object *o = json_object_new_object(), *items = json_object_new_object(), *x;
	char cpus[256];

	json_object_object_add(o, "disk", *sc->disk ? json_object_new_string(sc->disk) : NULL);
	json_object_object_add(o, "numa_node", json_object_new_int(sc->numa_node));
	json_object_object_add(o, "cpus",
			       json_object_new_string(
				       idr_cpulist_str(&sc->used, cpus, sizeof(cpus))));
	json_object_object_add(o, "node_cpus",
			       json_object_new_string(
				       idr_cpulist_str(&sc->node_cpus, cpus, sizeof(cpus))));
	json_object_object_add(o, "poll_queues", json_object_new_int(sc->poll_queues));
	json_object_object_add(o, "io_poll", json_object_new_int(sc->io_poll));
	json_object_object_add(o, "costs", json_object_new_int((int)idr_sc_costs(sc)));
	for (int i = 0; i < IDR_SC_NR; i++) {
		x = json_object_new_object();
		json_object_object_add(x, "state",
				       json_object_new_string(
					       idr_sc_state_name(sc->item[i].state)));
		json_object_object_add(x, "value", json_object_new_string(sc->item[i].value));
		json_object_object_add(x, "why", json_object_new_string(sc->item[i].why));
		json_object_object_add(x, "fix",
				       *sc->item[i].fix ? json_object_new_string(sc->item[i].fix)
							: NULL);
		json_object_object_add(x, "can_apply",
				       json_object_new_boolean(sc->item[i].can_apply));
		json_object_object_add(items, idr_sc_name(i), x);
	}
	json_object_object_add(o, "settings", items);
	return o;
}

/* ---- the table --------------------------------------------------------------------------- */

void sat_print_header(const struct sat *s, FILE *out)
{
	char desc[PATH_MAX * 2 + 256];

	idr_target_describe(&s->t, desc, sizeof(desc));
	fprintf(out,
		"iodrill tune --saturate: %s, random reads (profiles/saturate.fio)\n"
		"target: %s; %s\n",
		s->k->name, desc,
		s->t.direct ? "O_DIRECT" : "buffered (repeated offsets may hit the page cache)");
	idr_sc_print(&s->sc, out);
	fprintf(out, "\n");
}

static void print_point(const struct sat *s, unsigned int i, FILE *out)
{
	const struct sat_point *p = &s->p[i];
	char bs[16];

	fprintf(out, "%3u %-7s %4u %7u %5u %6s %5s %10.0f ", i + 1, sat_phase_name(p->phase),
		p->c.jobs, p->c.depth, p->c.batch, bs_str(p->c.bs, bs, sizeof(bs)),
		p->c.hipri ? "yes" : "-", p->iops);
	if (p->have_sidecar)
		fprintf(out, "%9.2f %5.2f", p->cpu_us_io, p->busy);
	else
		fprintf(out, "%9s %5s", "-", "-");
	if (p->irqs_io >= 0)
		fprintf(out, " %6.2f", p->irqs_io);
	else
		fprintf(out, " %6s", "-");
	fprintf(out, " %5.2f %8.1f%c  %-6s%s%s%s\n", p->others, p->p99_us,
		p->lat_engine ? 'e' : ' ', sat_bound_name(p->bound),
		(int)i == s->peak1 ? "  <- one-core peak" : "",
		(int)i == s->device ? "  <- device peak" : "",
		(int)i != s->peak1 && (int)i != s->device && (s->nr_sw && (int)i == s->sw[0].knee)
			? "  <- knee (1 job)"
			: "");
}

static void print_table(const struct sat *s, FILE *out)
{
	if (s->rank_by_cpu)
		fprintf(out,
			"points ranked by the IOPS their cores would drive at their CPU per "
			"I/O (no device under the target:\nthe CPU is the only limit, and measured "
			"IOPS move with the CPU the machine's other work leaves)\n");
	fprintf(out, "%3s %-7s %4s %7s %5s %6s %5s %10s %9s %5s %6s %5s %9s  %s\n", "#", "phase",
		"jobs", "iodepth", "batch", "bs", "hipri", "IOPS", "CPU µs/IO", "busy", "irq/IO",
		"other", "p99 µs", "bound");
	for (unsigned int i = 0; i < s->n; i++)
		print_point(s, i, out);
	fprintf(out,
		"\nIOPS: fio, all jobs together. p99: the engine's own per-I/O latency, its jobs'\n"
		"histograms merged (marked e), else fio's completion latency. CPU µs/IO: every\n"
		"thread the engine ran, per I/O (its sidecar). busy: CPU µs/IO x IOPS, in cores.\n"
		"irq/IO: the device's queue interrupts per I/O. other: cores the rest of the\n"
		"machine used meanwhile. bound: CPU (busy >= %.0f%% of the cores the point used),\n"
		"CPU* (no core was idle: others held the CPU the jobs wanted), device (the jobs'\n"
		"CPUs waited: the device, or what is below the interface), polled (polling keeps\n"
		"the CPU busy by design).\n\n",
		100 * SAT_CPU_BOUND);
}

/* ---- the findings ------------------------------------------------------------------------ */

/* The one-core peak's settings with a submission thread (SQPOLL) on a CPU of its own. */
static void print_sqpoll(const struct sat *s, FILE *out)
{
	const struct sat_point *q = &s->p[s->sqpoll], *one = &s->p[s->peak1];
	char a[16];

	if (s->sqpoll < 0) {
		fprintf(out, "  SQPOLL: %s\n", s->sqpoll_why[0] ? s->sqpoll_why : "not run");
		return;
	}
	fprintf(out,
		"  SQPOLL (the job on CPU %d, the kernel's submission thread on CPU %d): %s IOPS, "
		"%+.0f%% against the one-core peak, %.2f µs of CPU per I/O over both: two cores, "
		"not a one-core figure\n",
		idr_cpulist_nth(&s->sc.used, 0), q->c.sq_cpu, fmt_si(q->iops, a, sizeof(a)),
		100 * (q->iops / one->iops - 1), q->cpu_us_io);
}

/* What the duel compared: a point's score (saturate_search.c's score_of). */
static const char *duel_measure(const struct sat *s)
{
	return s->rank_by_cpu ? "the IOPS one core would drive at each run's CPU per I/O"
			      : "measured IOPS";
}

/* The duel: each candidate's runs and median, and why the winner won. */
static void print_duel(const struct sat *s, FILE *out)
{
	const struct sat_duel *d = &s->duel;
	char cfg[128], a[16];

	fprintf(out,
		"  duel: the %u best one-job settings of the search, %u interleaved rounds of "
		"%.1f s runs, compared by %s:\n",
		d->nr, SAT_DUEL_ROUNDS, d->runtime_ms / 1e3, duel_measure(s));
	for (unsigned int k = 0; k < d->nr; k++) {
		fprintf(out, "    %c %s (point %d):", SAT_DUEL_NAMES[k],
			sat_cfg_str(&s->p[d->found[k]].c, cfg, sizeof(cfg)), d->found[k] + 1);
		for (unsigned int r = 0; r < SAT_DUEL_ROUNDS; r++)
			fprintf(out, " %s", fmt_si(s->p[d->runs[k][r]].score, a, sizeof(a)));
		fprintf(out, ", median %s%s\n", fmt_si(s->p[d->median_run[k]].score, a, sizeof(a)),
			(int)k == d->winner ? "  <- winner" : "");
	}
	fprintf(out, "    winner %s\n", d->why);
}

static void print_one_core(const struct sat *s, FILE *out)
{
	const struct sat_point *p = &s->p[s->peak1];
	char cfg[128], a[16], b[16];

	fprintf(out,
		"one-core peak: %s IOPS (%s), %.2f µs of CPU per I/O, %.2f of its core "
		"busy: %s (the duel's winner, its median run: point %d)\n",
		fmt_si(p->iops, a, sizeof(a)), sat_cfg_str(&p->c, cfg, sizeof(cfg)), p->cpu_us_io,
		p->busy, sat_bound_name(p->bound), s->peak1 + 1);
	if (p->have_sidecar && p->cpu_us_io > 0 && p->bound != SAT_BOUND_POLL)
		fprintf(out, "  at %.2f µs per I/O, a whole core would drive %s IOPS%s\n",
			p->cpu_us_io, fmt_si(1e6 / p->cpu_us_io, b, sizeof(b)),
			p->bound == SAT_BOUND_SHARED ? " (the jobs had less: others held the CPU)"
						     : "");
	fprintf(out, "  per block size (the best point of each, at its own iodepth, one run):");
	for (unsigned int i = 0; i < s->nr_bs; i++)
		if (s->one_core[i] >= 0)
			fprintf(out, "%s %s %s IOPS (iodepth %u, point %d)", i ? "," : "",
				bs_str(s->bs[i], a, sizeof(a)),
				fmt_si(s->p[s->one_core[i]].iops, b, sizeof(b)),
				s->p[s->one_core[i]].c.depth, s->one_core[i] + 1);
	fprintf(out, "\n");
	print_duel(s, out);
	print_sqpoll(s, out);
}

static void print_knees(const struct sat *s, FILE *out)
{
	const struct sat_point *k, *b;
	char a[16];

	fprintf(out, "knee per job count (the lowest iodepth at 95%% of the sweep's best):\n");
	for (unsigned int i = 0; i < s->nr_sw; i++) {
		if (s->sw[i].knee < 0)
			continue;
		k = &s->p[s->sw[i].knee];
		b = &s->p[s->sw[i].best];
		fprintf(out,
			"  %2u job%s iodepth %u: %s IOPS, p99 %.1f µs, %s (best: iodepth %u, "
			"p99 %.1f µs)\n",
			s->sw[i].jobs, s->sw[i].jobs == 1 ? ": " : "s:", k->c.depth,
			fmt_si(k->iops, a, sizeof(a)), k->p99_us, sat_bound_name(k->bound),
			b->c.depth, b->p99_us);
	}
}

static void print_device(const struct sat *s, FILE *out)
{
	const struct sat_point *d = &s->p[s->device];
	char cfg[128], a[16];

	fprintf(out,
		"device peak: %s IOPS (%s): the fewest jobs within 5%% of the best (point %d); "
		"%.2f of %u cores busy: %s\n",
		fmt_si(d->iops, a, sizeof(a)), sat_cfg_str(&d->c, cfg, sizeof(cfg)), s->top + 1,
		d->busy, d->c.jobs, sat_bound_name(d->bound));
	if (s->p[s->n - 1].c.jobs < s->nr_cpus && s->p[s->n - 1].phase == SAT_JOBS)
		fprintf(out, "  more jobs stopped at %u: doubling them added less than 5%%\n",
			s->p[s->n - 1].c.jobs);
}

/* The system check's costly settings: which the run had changed, which it could not. */
static void print_costs(const struct sat *s, FILE *out)
{
	char fixed[160] = "", left[160] = "";
	const struct idr_sc_item *it;

	for (int i = 0; i < IDR_SC_NR; i++) {
		it = &s->sc.item[i];
		if (it->state != IDR_SC_COSTS)
			continue;
		if (s->o.apply && it->can_apply)
			snprintf(fixed + strlen(fixed), sizeof(fixed) - strlen(fixed), " %s",
				 idr_sc_name(i));
		else
			snprintf(left + strlen(left), sizeof(left) - strlen(left), " %s",
				 idr_sc_name(i));
	}
	if (*fixed)
		fprintf(out, "  system: changed for this run (--apply-recommended):%s\n", fixed);
	if (*left)
		fprintf(out,
			"  system: costing IOPS during the run:%s (the system check above says "
			"how to change them%s)\n",
			left,
			s->o.apply ? "" : "; --apply-recommended changes those it can for a run");
}

/* Which limit each peak hit, in words. */
static void print_limits(const struct sat *s, FILE *out)
{
	const struct sat_point *one = &s->p[s->peak1], *dev = &s->p[s->device];
	static const char *const said[] = {
		[SAT_BOUND_CPU] = "the CPU: the interface's cost per I/O is the limit; fewer "
				  "system calls or cycles per I/O (batches, polling, registered "
				  "buffers) raise it",
		[SAT_BOUND_SHARED] = "the CPU, shared: the jobs wanted more CPU than the machine's "
				     "other users left them; rerun on a quiet machine",
		[SAT_BOUND_DEVICE] = "the device (or what is below the interface): the jobs' CPUs "
				     "waited; deeper queues or more jobs did not help",
		[SAT_BOUND_POLL] = "not told by CPU time: polling keeps the CPU busy by design; "
				   "IOPS that stop rising with more jobs point at the device",
	};

	fprintf(out, "what held it back:\n  one-core peak: %s\n  device peak: %s\n",
		said[one->bound], said[dev->bound]);
	print_costs(s, out);
}

static void print_machine(const struct sat *s, FILE *out)
{
	double others = 0, idle = 0;

	for (unsigned int i = 0; i < s->n; i++) {
		others += s->p[i].others / s->n;
		idle += s->p[i].idle / s->n;
	}
	fprintf(out,
		"the machine: %.0f CPUs; during the points others used %.2f cores and %.2f "
		"were idle, on average.%s\n",
		s->online, others, idle,
		others > 0.25 ? " Timings taken while others work are provisional: rerun on a "
				"quiet machine to confirm them."
			      : "");
}

void sat_print(const struct sat *s, FILE *out)
{
	print_table(s, out);
	if (s->peak1 >= 0)
		print_one_core(s, out);
	if (s->device >= 0)
		print_device(s, out);
	print_knees(s, out);
	fprintf(out, "hipri: %s\n",
		s->hipri_why[0] ? s->hipri_why : "every point polled (--hipri on)");
	if (s->peak1 >= 0 && s->device >= 0)
		print_limits(s, out);
	print_machine(s, out);
	if (s->o.write_profile && s->peak1 >= 0)
		fprintf(out, "job file that reproduces the peaks: %s (fio %s)\n",
			s->o.write_profile, s->o.write_profile);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static struct json_object *cfg_json(const struct sat_cfg *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "jobs", json_object_new_int((int)c->jobs));
	json_object_object_add(o, "iodepth", json_object_new_int((int)c->depth));
	json_object_object_add(o, "batch", json_object_new_int((int)c->batch));
	json_object_object_add(o, "bs", json_object_new_int((int)c->bs));
	json_object_object_add(o, "hipri", json_object_new_boolean(c->hipri));
	json_object_object_add(o, "sqpoll_cpu",
			       c->sq_cpu >= 0 ? json_object_new_int(c->sq_cpu) : NULL);
	return o;
}

static struct json_object *point_json(const struct sat_point *p)
{
	struct json_object *o = cfg_json(&p->c);

	json_object_object_add(o, "phase", json_object_new_string(sat_phase_name(p->phase)));
	json_object_object_add(o, "label", json_object_new_string(p->label));
	json_object_object_add(o, "iops", json_object_new_double(p->iops));
	json_object_object_add(o, "score", json_object_new_double(p->score));
	json_object_object_add(o, "p50_us", json_object_new_double(p->p50_us));
	json_object_object_add(o, "p99_us", json_object_new_double(p->p99_us));
	json_object_object_add(o, "latency_source",
			       json_object_new_string(p->lat_engine ? "engine histogram"
								    : "fio clat"));
	json_object_object_add(o, "cpu_us_per_io",
			       p->have_sidecar ? json_object_new_double(p->cpu_us_io) : NULL);
	json_object_object_add(o, "syscalls_per_io",
			       p->have_sidecar ? json_object_new_double(p->syscalls_io) : NULL);
	json_object_object_add(o, "busy_cores", json_object_new_double(p->busy));
	json_object_object_add(o, "others_cores", json_object_new_double(p->others));
	json_object_object_add(o, "idle_cores", json_object_new_double(p->idle));
	json_object_object_add(o, "polled", json_object_new_boolean(p->polled));
	json_object_object_add(o, "irqs_per_io",
			       p->irqs_io >= 0 ? json_object_new_double(p->irqs_io) : NULL);
	json_object_object_add(o, "bound", json_object_new_string(sat_bound_name(p->bound)));
	return o;
}

static struct json_object *index_json(const struct sat *s, int i)
{
	return i >= 0 && (unsigned int)i < s->n ? point_json(&s->p[i]) : NULL;
}

/* A duel run, briefly: the whole point is in "points". */
static struct json_object *run_json(const struct sat_point *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "label", json_object_new_string(p->label));
	json_object_object_add(o, "iops", json_object_new_double(p->iops));
	json_object_object_add(o, "score", json_object_new_double(p->score));
	json_object_object_add(o, "cpu_us_per_io",
			       p->have_sidecar ? json_object_new_double(p->cpu_us_io) : NULL);
	return o;
}

static struct json_object *candidate_json(const struct sat *s, unsigned int k)
{
	const struct sat_duel *d = &s->duel;
	struct json_object *o = cfg_json(&s->p[d->found[k]].c), *runs = json_object_new_array();
	char name[2] = { SAT_DUEL_NAMES[k], '\0' };

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "found", run_json(&s->p[d->found[k]]));
	for (unsigned int r = 0; r < SAT_DUEL_ROUNDS; r++)
		json_object_array_add(runs, run_json(&s->p[d->runs[k][r]]));
	json_object_object_add(o, "runs", runs);
	json_object_object_add(o, "median", json_object_new_double(s->p[d->median_run[k]].score));
	json_object_object_add(o, "median_run",
			       json_object_new_string(s->p[d->median_run[k]].label));
	return o;
}

/* The duel: candidates (the search's best run of each in "found"), their runs in order,
 * medians, the winner (an index into candidates) and why; null when it did not end. */
static struct json_object *duel_json(const struct sat *s)
{
	const struct sat_duel *d = &s->duel;
	struct json_object *o, *c;

	if (d->winner < 0)
		return NULL;
	o = json_object_new_object();
	c = json_object_new_array();
	json_object_object_add(o, "rounds", json_object_new_int(SAT_DUEL_ROUNDS));
	json_object_object_add(o, "runtime_ms", json_object_new_int((int)d->runtime_ms));
	json_object_object_add(o, "compared_by",
			       json_object_new_string(s->rank_by_cpu ? "cpu_per_io" : "iops"));
	for (unsigned int k = 0; k < d->nr; k++)
		json_object_array_add(c, candidate_json(s, k));
	json_object_object_add(o, "candidates", c);
	json_object_object_add(o, "winner", json_object_new_int(d->winner));
	json_object_object_add(o, "why", json_object_new_string(d->why));
	return o;
}

static struct json_object *sweeps_json(const struct sat *s)
{
	struct json_object *a = json_object_new_array(), *o;

	for (unsigned int i = 0; i < s->nr_sw; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "jobs", json_object_new_int((int)s->sw[i].jobs));
		json_object_object_add(o, "knee", index_json(s, s->sw[i].knee));
		json_object_object_add(o, "best", index_json(s, s->sw[i].best));
		json_object_array_add(a, o);
	}
	return a;
}

void sat_print_json(const struct sat *s, FILE *out)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array(), *b;

	json_object_object_add(o, "command", json_object_new_string("tune --saturate"));
	json_object_object_add(o, "facts", json_object_get(s->run.facts));
	for (unsigned int i = 0; i < s->n; i++)
		json_object_array_add(a, point_json(&s->p[i]));
	json_object_object_add(o, "points", a);
	json_object_object_add(o, "one_core_peak", index_json(s, s->peak1));
	b = json_object_new_array();
	for (unsigned int i = 0; i < s->nr_bs; i++)
		json_object_array_add(b, index_json(s, s->one_core[i]));
	json_object_object_add(o, "one_core_per_bs", b);
	json_object_object_add(o, "duel", duel_json(s));
	json_object_object_add(o, "sqpoll", index_json(s, s->sqpoll));
	json_object_object_add(o, "sqpoll_not_tried",
			       s->sqpoll_why[0] ? json_object_new_string(s->sqpoll_why) : NULL);
	json_object_object_add(o, "device_peak", index_json(s, s->device));
	json_object_object_add(o, "best", index_json(s, s->top));
	json_object_object_add(o, "ranked_by",
			       json_object_new_string(s->rank_by_cpu ? "cpu_per_io" : "iops"));
	json_object_object_add(o, "sweeps", sweeps_json(s));
	json_object_object_add(o, "hipri", json_object_new_string(s->hipri_why));
	json_object_object_add(o, "png", s->png[0] ? json_object_new_string(s->png) : NULL);
	json_object_object_add(o, "profile",
			       s->o.write_profile && s->peak1 >= 0
				       ? json_object_new_string(s->o.write_profile)
				       : NULL);
	json_object_object_add(o, "run_dir",
			       s->run.keep ? json_object_new_string(s->run.dir) : NULL);
	json_object_object_add(o, "archive", idr_run_archive_json(&s->run));
	idr_print_json(out, o);
	json_object_put(o);
}

/* ---- the chart --------------------------------------------------------------------------- */

/* IOPS against iodepth, one line per job count's sweep; the peaks marked. */
int sat_plot(const struct sat *s, char *err, size_t errlen)
{
	char q[PATH_MAX + 8], title[PATH_MAX + 128], *script;
	const struct sat_sweep *w;
	size_t len;
	FILE *f = open_memstream(&script, &len);
	int ret;

	if (!f)
		return -ENOMEM;
	idr_plot_quote(s->png, q, sizeof(q));
	fprintf(f, "set terminal pngcairo size 1000,560 noenhanced font \",10\"\nset output %s\n",
		q);
	for (unsigned int i = 0; i < s->nr_sw; i++) {
		w = &s->sw[i];
		fprintf(f, "$s%u << EOD\n", i);
		for (unsigned int j = w->first; j < w->first + w->n; j++)
			fprintf(f, "%u %.1f\n", s->p[j].c.depth, s->p[j].iops);
		fprintf(f, "EOD\n");
	}
	fprintf(f, "$peaks << EOD\n");
	if (s->peak1 >= 0)
		fprintf(f, "%u %.1f \"one-core peak\"\n", s->p[s->peak1].c.depth,
			s->p[s->peak1].iops);
	if (s->device >= 0)
		fprintf(f, "%u %.1f \"device peak (%u jobs)\"\n", s->p[s->device].c.depth,
			s->p[s->device].iops, s->p[s->device].c.jobs);
	fprintf(f, "EOD\n");
	snprintf(title, sizeof(title), "iodrill tune --saturate: %s on %s, random reads",
		 s->k->name, s->k->file);
	idr_plot_quote(title, q, sizeof(q));
	fprintf(f,
		"set title %s\nset logscale x 2\nset xlabel \"iodepth per job\"\nset grid\n"
		"set ylabel \"IOPS\"\nset yrange [0:*]\nset key top left\n"
		"set offsets graph 0.08, graph 0.08, graph 0.12, 0\nplot ",
		q);
	for (unsigned int i = 0; i < s->nr_sw; i++)
		fprintf(f, "$s%u using 1:2 with linespoints lw 2 title \"%u job%s\", ", i,
			s->sw[i].jobs, s->sw[i].jobs == 1 ? "" : "s");
	fprintf(f, "$peaks using 1:2 with points pt 7 ps 2 lc rgb \"#cc3311\" notitle, "
		   "$peaks using 1:2:3 with labels offset 0,1.2 notitle\n");
	fclose(f);
	ret = idr_plot(script, err, errlen);
	free(script);
	return ret;
}

/* ---- the job file that reproduces the peaks ---------------------------------------------- */

/* A comment with what was measured, then the section. */
static int profile_section(const struct sat *s, FILE *f, int i, const char *name, const char *what)
{
	const struct sat_point *p = &s->p[i];
	char cfg[128];

	fprintf(f, "\n# %s: %s; measured %.0f IOPS, %.2f µs of CPU per I/O, p99 %.1f µs (%s)", what,
		sat_cfg_str(&p->c, cfg, sizeof(cfg)), p->iops, p->cpu_us_io, p->p99_us,
		sat_bound_name(p->bound));
	return sat_job_section(s, f, &p->c, name);
}

int sat_write_profile(const struct sat *s, char *err, size_t errlen)
{
	char when[32];
	time_t now = time(NULL);
	FILE *f;
	int ret;

	if (s->peak1 < 0) {
		snprintf(err, errlen, "no peak was found: nothing written");
		return -ENODATA;
	}
	f = fopen(s->o.write_profile, "we");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "cannot write %s: %s", s->o.write_profile, strerror(-ret));
		return ret;
	}
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime(&now));
	fprintf(f,
		"# The peaks iodrill tune --saturate found on %s with %s, %s.\n# Run: fio %s\n"
		"# Settings from profiles/saturate.fio; the searched ones (iodepth, batches, "
		"hipri, bs,\n# jobs and their CPUs) as found.\n\n",
		s->k->file, s->k->name, when, s->o.write_profile);
	ret = sat_job_global(s, f, 0);
	if (!ret)
		ret = profile_section(s, f, s->peak1, "one-core-peak", "the one-core peak");
	/* The device peak runs after the one-core peak, not beside it. */
	if (!ret && s->device >= 0 && s->p[s->device].c.jobs > 1)
		ret = profile_section(s, f, s->device, "device-peak", "the device peak")
			      ?: (fprintf(f, "stonewall\n") < 0 ? -EIO : 0);
	if ((fclose(f) && !ret) || ret) {
		snprintf(err, errlen, "cannot write %s: %s", s->o.write_profile,
			 strerror(ret ? -ret : errno));
		return ret ? ret : -EIO;
	}
	return 0;
}
