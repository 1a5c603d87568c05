/*
 * drill_report.c - the drill's report: medians over the repetitions, the table, the JSON,
 * "what this shows" and the chart (drill.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "drill.h"
#include "hist.h"
#include "iodrill.h"
#include "report/plot.h"
#include "report/stats.h"
#include "report/verdict.h"

/* ---- summary ----------------------------------------------------------------------------- */

/* The median over a row's repetitions of one derived value. */
static double med(const struct drill_row *r, double (*f)(const struct drill_sample *))
{
	double v[1000];
	unsigned int i;

	for (i = 0; i < r->n && i < 1000; i++)
		v[i] = f(&r->s[i]);
	return idr_median(v, i);
}

static double f_time(const struct drill_sample *s)
{
	return s->time_ns;
}

static double f_fio_time(const struct drill_sample *s)
{
	return s->fio_time_ns;
}

static double f_bytes(const struct drill_sample *s)
{
	return s->bytes;
}

static double f_cpu_io(const struct drill_sample *s)
{
	return s->ios ? s->cpu_ns / s->ios : 0;
}

static double f_sc_io(const struct drill_sample *s)
{
	return s->ios ? s->syscalls / s->ios : 0;
}

static void summarise_row(struct drill_row *r)
{
	double v[1000], usr = 0, sys = 0;
	unsigned int i;

	for (i = 0; i < r->n && i < 1000; i++) {
		v[i] = r->pick->builtin ? r->s[i].fio_time_ns : r->s[i].time_ns;
		usr += r->s[i].usr_us;
		sys += r->s[i].sys_us;
		r->threads = r->s[i].threads > r->threads ? r->s[i].threads : r->threads;
	}
	r->time_us = med(r, r->pick->builtin ? f_fio_time : f_time) / 1e3;
	r->iqr_us = (idr_quantile(v, i, 0.75) - idr_quantile(v, i, 0.25)) / 1e3;
	r->iops = r->time_us > 0 ? DRILL_IOS / (r->time_us / 1e6) : 0;
	r->mbps = r->time_us > 0 ? med(r, f_bytes) / r->time_us : 0;
	r->fio_time_us = med(r, f_fio_time) / 1e3;
	r->cpu_us_io = med(r, f_cpu_io) / 1e3;
	r->syscalls_io = med(r, f_sc_io);
	r->split_known = usr + sys > 0;
	r->usr_pct = r->split_known ? 100 * usr / (usr + sys) : 0;
	r->sys_pct = r->split_known ? 100 * sys / (usr + sys) : 0;
}

enum drill_lat_reps drill_lat_reps_of(const struct idr_pick *k)
{
	return strcmp(k->kind, "sync") ? DRILL_LAT_OWN : DRILL_LAT_TIMED;
}

/* The median over a row's latency repetitions of one of fio's figures (at offset off). */
static double lat_med(const struct drill_row *r, size_t off)
{
	double v[1000];
	unsigned int i;

	for (i = 0; i < r->nl && i < 1000; i++)
		v[i] = *(const double *)((const char *)&r->l[i] + off);
	return idr_median(v, i);
}

#define LAT_MED(r, field) lat_med(r, offsetof(struct drill_lat_sample, field))

/*
 * The row's latency: the engine's histogram merged over its latency repetitions, else
 * fio's clat there (the medians of the repetitions' percentiles, the largest maximum).
 */
static void summarise_lat(struct drill_row *r)
{
	unsigned int i;

	r->lat_time_max_us = 0;
	for (i = 0; i < r->nl; i++) {
		r->lat_time_max_us = fmax(r->lat_time_max_us, r->l[i].time_ns / 1e3);
		r->lat.max_ns = fmax(r->lat.max_ns, r->l[i].max_ns);
	}
	r->fio_p50_us = LAT_MED(r, p50_ns) / 1e3;
	r->fio_p99_us = LAT_MED(r, p99_ns) / 1e3;
	if (r->hist && r->hist->count) {
		idr_lat_figs_of(r->hist, r->lat_meta.batched, &r->lat);
		r->lat_source = "engine histogram";
		return;
	}
	r->lat.count = (uint64_t)r->nl * DRILL_IOS;
	r->lat.p50_ns = LAT_MED(r, p50_ns);
	r->lat.p99_ns = LAT_MED(r, p99_ns);
	r->lat.p999_ns = LAT_MED(r, p999_ns);
	r->lat_source = "fio clat";
}

void drill_summarise(struct drill *d)
{
	struct drill_row *r;
	unsigned int i;

	for (i = 0; i < d->picks.n; i++) {
		r = &d->rows[i];
		memset(&r->lat, 0, sizeof(r->lat));
		r->lat_source = NULL;
		if (r->n)
			summarise_row(r);
		if (r->nl)
			summarise_lat(r);
	}
}

/* drill_lat_shown - the row has per-read latencies to show (not a batch's stamp). */
static bool lat_shown(const struct drill_row *r)
{
	return r->lat_source && r->lat.count && !r->lat.batched;
}

/* ---- what this shows --------------------------------------------------------------------- */

/* A row that measured a device through one of our engines. */
static bool real(const struct drill_row *r)
{
	return r->n && !r->failed[0] && !r->pick->builtin && !r->pick->floor;
}

static const struct drill_row *find(const struct drill *d, const char *name)
{
	unsigned int i;

	for (i = 0; i < d->picks.n; i++)
		if (!strcmp(d->rows[i].pick->name, name) && d->rows[i].n && !d->rows[i].failed[0])
			return &d->rows[i];
	return NULL;
}

/* The real row with the least (sign 1) or most (sign -1) of a value, skipping except. */
static const struct drill_row *best(const struct drill *d, size_t off, int sign,
				    const struct drill_row *except)
{
	const struct drill_row *b = NULL, *r;
	unsigned int i;

	for (i = 0; i < d->picks.n; i++) {
		r = &d->rows[i];
		if (!real(r) || r == except)
			continue;
		if (!b || sign * *(const double *)((const char *)r + off) <
				  sign * *(const double *)((const char *)b + off))
			b = r;
	}
	return b;
}

#define BEST(d, field, sign, except) best(d, offsetof(struct drill_row, field), sign, except)

static void say(char (*lines)[400], unsigned int *n, unsigned int max, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void say(char (*lines)[400], unsigned int *n, unsigned int max, const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return;
	va_start(ap, fmt);
	vsnprintf(lines[*n], sizeof(lines[0]), fmt, ap);
	va_end(ap);
	(*n)++;
}

/* A row's time of each repetition into v (room for r->n): as summarise_row takes it. */
static unsigned int times(const struct drill_row *r, double *v)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		v[i] = r->pick->builtin ? r->s[i].fio_time_ns : r->s[i].time_ns;
	return i;
}

/*
 * Is row g slower than row f beyond doubt? The test `iodrill results compare` makes
 * (verdict.h), on the two rows' times: true when g's are significantly longer by more
 * than 5%; how it came out, for the reader, into why.
 */
static bool slower(const struct drill_row *f, const struct drill_row *g, char *why, size_t len)
{
	double *a = calloc(f->n + g->n + 1, sizeof(*a));
	struct idr_change c;
	bool ret = false;

	if (!a ||
	    idr_change(a, times(f, a), a + f->n, times(g, a + f->n), false, IDR_MIN_CHANGE, &c))
		snprintf(why, len, "untested: out of memory");
	else if (c.verdict == IDR_V_FEW)
		snprintf(why, len, "too few repetitions to test, n=%u/%u", c.na, c.nb);
	else
		snprintf(why, len, "Mann-Whitney p=%.2g, n=%u/%u", c.p, c.na, c.nb);
	ret = a && c.verdict == IDR_V_WORSE;
	free(a);
	return ret;
}

/* Who finished first, by how much, and whether the others are really behind. */
static void finding_time(const struct drill *d, char (*l)[400], unsigned int *n, unsigned int max)
{
	const struct drill_row *f = BEST(d, time_us, 1, NULL), *g = BEST(d, time_us, 1, f);
	const struct drill_row *s = find(d, "sync");
	char why[96];

	if (!f)
		return;
	if (s && s != f && slower(f, s, why, sizeof(why)))
		say(l, n, max,
		    "%s finished the 1,000 reads first: %.0f µs, %.1fx faster than sync, "
		    "the synchronous loop (%.0f µs; %s).",
		    f->pick->name, f->time_us, s->time_us / f->time_us, s->time_us, why);
	else if (s && s != f)
		say(l, n, max,
		    "%s finished the 1,000 reads first: %.0f µs; sync, the synchronous "
		    "loop, took %.0f µs, not clearly more (%s).",
		    f->pick->name, f->time_us, s->time_us, why);
	else
		say(l, n, max, "%s finished the 1,000 reads first: %.0f µs.", f->pick->name,
		    f->time_us);
	if (!g || g == s)
		return; /* sync, the runner-up, was just weighed */
	if (slower(f, g, why, sizeof(why)))
		say(l, n, max, "Next: %s, %.0f µs (%.0f%% more time; %s).", g->pick->name,
		    g->time_us, 100 * (g->time_us / f->time_us - 1), why);
	else
		say(l, n, max,
		    "%s (%.0f µs) is not significantly slower than %s (%s): no clear "
		    "winner between them.",
		    g->pick->name, g->time_us, f->pick->name, why);
}

/* Where the CPU went: the thriftiest and the costliest engine per read. */
static void finding_cpu(const struct drill *d, char (*l)[400], unsigned int *n, unsigned int max)
{
	const struct drill_row *c = BEST(d, cpu_us_io, 1, NULL), *m = BEST(d, cpu_us_io, -1, NULL);
	char threads[48] = "", split[96] = "";

	if (!c)
		return;
	say(l, n, max, "Least CPU per read: %s, %.2f µs (every thread it ran).", c->pick->name,
	    c->cpu_us_io);
	if (!m || m == c)
		return;
	if (m->threads > 1)
		snprintf(threads, sizeof(threads), " over its %.0f threads", m->threads);
	if (m->split_known)
		snprintf(split, sizeof(split), "; %.0f%% of it in the kernel (sys)", m->sys_pct);
	say(l, n, max, "Most CPU per read: %s, %.2f µs%s, %.1fx %s%s.", m->pick->name, m->cpu_us_io,
	    threads, m->cpu_us_io / c->cpu_us_io, c->pick->name, split);
}

/* System calls: batching shows as far fewer than one per read. */
static void finding_syscalls(const struct drill *d, char (*l)[400], unsigned int *n,
			     unsigned int max)
{
	const struct drill_row *f = BEST(d, syscalls_io, 1, NULL), *s = find(d, "sync");

	if (f && s && f != s && f->syscalls_io < s->syscalls_io)
		say(l, n, max,
		    "Fewest system calls: %s, %.3f per read (one call for many reads), "
		    "against %.2f for sync.",
		    f->pick->name, f->syscalls_io, s->syscalls_io);
}

/*
 * Reads in flight wait for one another: the fastest engine's median read against the
 * synchronous loop's, both measured per read (never a batch's stamp).
 */
static void finding_latency(const struct drill *d, char (*l)[400], unsigned int *n,
			    unsigned int max)
{
	const struct drill_row *s = find(d, "sync"), *f = BEST(d, time_us, 1, NULL);

	if (!s || !f || f == s || !lat_shown(s) || !lat_shown(f) || f->lat.p50_ns <= s->lat.p50_ns)
		return;
	say(l, n, max,
	    "Latency is not speed: %s's median read took %.0f µs from submission to "
	    "completion with up to %u in flight (%s), sync's %.0f µs one at a time (%s), yet %s "
	    "finished the 1,000 %.1fx sooner.",
	    f->pick->name, f->lat.p50_ns / 1e3, d->o.iodepth, f->lat_source, s->lat.p50_ns / 1e3,
	    s->lat_source, f->pick->name, s->time_us / f->time_us);
}

/* Rows whose latency cannot be shown: say why, conclude nothing from them. */
static void finding_no_latency(const struct drill *d, char (*l)[400], unsigned int *n,
			       unsigned int max)
{
	const struct drill_row *r;
	unsigned int i;

	for (i = 0; i < d->picks.n; i++) {
		r = &d->rows[i];
		if (real(r) && r->lat_source && r->lat.batched)
			say(l, n, max,
			    "%s's latency is not shown: the engine learned of its "
			    "completions only in batches, so a read's time there is its batch's.",
			    r->pick->name);
	}
}

/* A filesystem whose page cache is the storage: nothing to drop, no device behind. */
static bool in_memory(const struct idr_drill_target *t)
{
	return !strcmp(t->fstype, "tmpfs") || !strcmp(t->fstype, "ramfs");
}

static void finding_context(const struct drill *d, char (*l)[400], unsigned int *n,
			    unsigned int max)
{
	const struct drill_row *z = find(d, "nil");

	if (z)
		say(l, n, max,
		    "nil touches no device: %.0f µs and %.2f µs of CPU per read are what "
		    "fio and the iodrill core cost by themselves; every row includes about that.",
		    z->time_us, z->cpu_us_io);
	if (in_memory(&d->t))
		say(l, n, max,
		    "TARGET is in memory (%s): no device is involved, so this is each "
		    "interface's software cost alone.",
		    d->t.fstype);
	else if (!d->t.direct)
		say(l, n, max,
		    "Buffered reads (TARGET refuses O_DIRECT): fio dropped the file's cached "
		    "pages before each run and no offset repeats, but every read also paid a copy.");
}

/* Blocks never written flatter every row: said first, with the fix. */
static void finding_unwritten(const struct drill *d, char (*l)[400], unsigned int *n,
			      unsigned int max)
{
	char msg[1024];

	idr_unwritten_say(&d->unwritten, msg, sizeof(msg));
	if (msg[0])
		say(l, n, max, "%s", msg);
	idr_unwritten_fix(&d->unwritten, d->t.path, msg, sizeof(msg));
	if (msg[0])
		say(l, n, max, "%s", msg);
}

unsigned int drill_findings(const struct drill *d, char (*lines)[400], unsigned int max)
{
	unsigned int n = 0;

	finding_unwritten(d, lines, &n, max);
	if (!BEST(d, time_us, 1, NULL)) {
		say(lines, &n, max, "No engine that reads the target completed the drill.");
		return n;
	}
	finding_time(d, lines, &n, max);
	finding_cpu(d, lines, &n, max);
	finding_syscalls(d, lines, &n, max);
	finding_latency(d, lines, &n, max);
	finding_no_latency(d, lines, &n, max);
	finding_context(d, lines, &n, max);
	return n;
}

/* ---- the table --------------------------------------------------------------------------- */

static const char *row_name(const struct drill_row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", r->pick->name, r->pick->floor ? " (no I/O)" : "");
	return buf;
}

/* The sample of blocks read before the drill: a warning when some are unwritten. */
static void print_unwritten(const struct drill *d, FILE *out)
{
	const struct idr_unwritten *u = &d->unwritten;

	if (!u->checked)
		fprintf(out, "blocks: not checked for unwritten ones (%s)\n", u->why_not);
	else if (u->unwritten)
		fprintf(out,
			"WARNING: %u of %u sampled blocks are unwritten: reads of them do not "
			"reach the media (see below; fix: iodrill precondition %s)\n",
			u->unwritten, u->sampled, d->t.path);
	else
		fprintf(out, "blocks: %u of the drill's blocks sampled first, none unwritten\n",
			u->sampled);
}

static void print_header(const struct drill *d, FILE *out)
{
	char desc[PATH_MAX * 2 + 256];

	idr_target_describe(&d->t, desc, sizeof(desc));
	fprintf(out,
		"iodrill drill: 1,000 random 4 KiB reads submitted at once (iodepth %u; "
		"synchronous engines 1), %u repetition%s, interleaved\n",
		d->o.iodepth, d->o.reps, d->o.reps == 1 ? "" : "s");
	fprintf(out, "target: %s; %s\n", desc,
		d->t.direct ? "O_DIRECT"
		: in_memory(&d->t)
			? "buffered (O_DIRECT refused; the file lives in memory)"
			: "buffered (O_DIRECT refused), page cache dropped before each run");
	print_unwritten(d, out);
	fprintf(out, "\n");
	fprintf(out, "%-16s %9s %7s %9s %8s %9s %5s %5s %8s %7s | %8s %8s %8s %8s  %s\n", "engine",
		"time µs", "±IQR", "IOPS", "MB/s", "CPU µs/IO", "usr%", "sys%", "syscl/IO",
		"threads", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "latency from");
}

/* The latency columns: p50, p99, p99.9, max and their source, or why there are none. */
static void print_lat(const struct drill_row *r, FILE *out)
{
	const char *reps = r->lat_reps == DRILL_LAT_TIMED ? "timed runs" : "latency runs";

	if (!r->lat_source) {
		fprintf(out, " | %8s %8s %8s %8s  %s\n", "-", "-", "-", "-", "none");
		return;
	}
	if (r->lat.batched) {
		fprintf(out, " | %8s %8s %8s %8s  batched: not a latency\n", "-", "-", "-", "-");
		return;
	}
	fprintf(out, " | %8.1f %8.1f %8.1f %8.1f  %s, %s\n", r->lat.p50_ns / 1e3,
		r->lat.p99_ns / 1e3, r->lat.p999_ns / 1e3, r->lat.max_ns / 1e3,
		r->lat_source[0] == 'e' ? "engine" : "fio clat", reps);
}

static void print_row(const struct drill_row *r, FILE *out)
{
	char name[48], usr[8] = "-", sys[8] = "-";

	row_name(r, name, sizeof(name));
	if (r->failed[0] && !r->n) {
		fprintf(out, "%-16s failed: %s\n", name, r->failed);
		return;
	}
	if (r->split_known) {
		snprintf(usr, sizeof(usr), "%.0f", r->usr_pct);
		snprintf(sys, sizeof(sys), "%.0f", r->sys_pct);
	}
	fprintf(out, "%-16s %9.0f %7.0f %9.0f %8.1f %9.2f %5s %5s %8.3f %7.0f", name, r->time_us,
		r->iqr_us, r->iops, r->mbps, r->cpu_us_io, usr, sys, r->syscalls_io, r->threads);
	print_lat(r, out);
	if (r->failed[0])
		fprintf(out, "%-16s failed after %u repetition%s: %s\n", "", r->n,
			r->n == 1 ? "" : "s", r->failed);
}

static const char legend[] =
	"Left of |: the timed runs (profiles/drill.fio's job drill: fio reaps all 1,000\n"
	"  completions in one call). time: first submission to last completion, by the engine's\n"
	"  own ns timer, median of the repetitions (±IQR: spread of their middle half); IOPS and\n"
	"  MB/s: 1,000 reads in that time. CPU µs/IO: CPU time of every thread the engine ran\n"
	"  (threads), per read; usr%/sys%: its split, sampled at the scheduler tick over all\n"
	"  repetitions (- when no tick landed). syscl/IO: system calls on the I/O path per read.\n"
	"Right of |: each read's own latency, submission to completion, over every read of the\n"
	"  repetitions named: latency runs (job drill-latency: the same reads, each completion\n"
	"  reaped as it comes; its time and CPU are not the drill's) or, for a synchronous\n"
	"  engine, its timed runs (one read at a time). engine: the engine's own histogram (per\n"
	"  read, merged over the runs); fio clat: fio's completion latency there (medians of the\n"
	"  runs' percentiles). fio's clat in the timed runs is one stamp per batch of 1,000: not\n"
	"  shown. batched: the engine learned of completions only in batches: not a latency.\n";

static void print_twins(const struct drill *d, FILE *out)
{
	const struct drill_row *r, *o;
	unsigned int i;

	fprintf(out,
		"\nfio's built-in engines, the same drill. fio times and CPU are whole "
		"milliseconds, so both sides\nare timed here from fio's per-read latencies: the "
		"slowest read when all go at once, their sum\none at a time. ours/twin < 1: ours "
		"took less time. p50/p99: fio's clat on both sides, in the\nlatency runs (a "
		"synchronous engine's timed runs).\n\n");
	fprintf(out, "%-16s %-10s %9s %9s %9s %8s %8s %8s %8s\n", "engine", "twin", "ours µs",
		"twin µs", "ours/twin", "p50 ours", "p50 twin", "p99 ours", "p99 twin");
	for (i = 0; i < d->picks.n; i++) {
		r = &d->rows[i];
		if (!r->pick->builtin)
			continue;
		o = find(d, r->pick->ours);
		if (!r->n || r->failed[0]) {
			fprintf(out, "%-16s %-10s failed: %s\n", r->pick->ours, r->pick->name,
				r->failed);
			continue;
		}
		if (!o) {
			fprintf(out, "%-16s %-10s %9s %9.0f %9s %8s %8.1f %8s %8.1f\n",
				r->pick->ours, r->pick->name, "-", r->time_us, "-", "-",
				r->fio_p50_us, "-", r->fio_p99_us);
			continue;
		}
		fprintf(out, "%-16s %-10s %9.0f %9.0f %9.2f %8.1f %8.1f %8.1f %8.1f\n",
			o->pick->name, r->pick->name, o->fio_time_us, r->time_us,
			o->fio_time_us / r->time_us, o->fio_p50_us, r->fio_p50_us, o->fio_p99_us,
			r->fio_p99_us);
	}
}

void drill_print_table(const struct drill *d, FILE *out)
{
	char lines[16][400];
	unsigned int i, n;
	bool twins = false;

	print_header(d, out);
	for (i = 0; i < d->picks.n; i++) {
		if (d->rows[i].pick->builtin)
			twins = true;
		else
			print_row(&d->rows[i], out);
	}
	fprintf(out, "\n%s", legend);
	n = drill_findings(d, lines, 16);
	fprintf(out, "\nwhat this shows:\n");
	for (i = 0; i < n; i++)
		fprintf(out, "  - %s\n", lines[i]);
	if (d->picks.nr_skip)
		fprintf(out, "\nnot in this drill:\n");
	for (i = 0; i < d->picks.nr_skip; i++)
		fprintf(out, "  - %s: %s\n", d->picks.skip[i].name, d->picks.skip[i].why);
	if (twins)
		print_twins(d, out);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void add_num(struct json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, json_object_new_double(isfinite(v) ? v : 0));
}

static struct json_object *num_or_null(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

/*
 * The latency figures (µs), null where there are none to show, and where they come
 * from: the source, the repetitions, the longest of those repetitions.
 */
static void lat_json(struct json_object *o, const struct drill_row *r)
{
	idr_lat_figs_json(o, &r->lat, lat_shown(r), r->lat_source);
	json_object_object_add(o, "latency_batched", json_object_new_boolean(r->lat.batched));
	json_object_object_add(o, "latency_repetitions",
			       json_object_new_string(r->lat_reps == DRILL_LAT_TIMED
							      ? "timed (job drill)"
							      : "latency (job drill-latency)"));
	json_object_object_add(o, "latency_time_max_us",
			       r->nl ? num_or_null(r->lat_time_max_us) : NULL);
	json_object_object_add(o, "fio_clat_p50_us", r->nl ? num_or_null(r->fio_p50_us) : NULL);
	json_object_object_add(o, "fio_clat_p99_us", r->nl ? num_or_null(r->fio_p99_us) : NULL);
	json_object_object_add(o, "latency_from",
			       r->lat_meta.from ? json_object_new_string(r->lat_meta.from) : NULL);
	json_object_object_add(o, "latency_to",
			       r->lat_meta.to ? json_object_new_string(r->lat_meta.to) : NULL);
}

static struct json_object *row_json(const struct drill_row *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "engine", json_object_new_string(r->pick->name));
	json_object_object_add(o, "builtin", json_object_new_boolean(r->pick->builtin));
	if (r->pick->builtin)
		json_object_object_add(o, "twin_of", json_object_new_string(r->pick->ours));
	json_object_object_add(o, "floor", json_object_new_boolean(r->pick->floor));
	json_object_object_add(o, "repetitions", json_object_new_int((int)r->n));
	json_object_object_add(o, "failed",
			       r->failed[0] ? json_object_new_string(r->failed) : NULL);
	if (!r->n)
		return o;
	add_num(o, "time_us", r->time_us);
	add_num(o, "time_iqr_us", r->iqr_us);
	json_object_object_add(o, "time_source",
			       json_object_new_string(r->pick->builtin ? "fio latencies"
								       : "engine ns timer"));
	add_num(o, "iops", r->iops);
	add_num(o, "mb_per_s", r->mbps);
	add_num(o, "fio_time_us", r->fio_time_us);
	lat_json(o, r);
	if (r->pick->builtin)
		return o;
	add_num(o, "cpu_us_per_io", r->cpu_us_io);
	json_object_object_add(o, "usr_pct",
			       r->split_known ? json_object_new_double(r->usr_pct) : NULL);
	json_object_object_add(o, "sys_pct",
			       r->split_known ? json_object_new_double(r->sys_pct) : NULL);
	add_num(o, "syscalls_per_io", r->syscalls_io);
	json_object_object_add(o, "threads", json_object_new_int((int)r->threads));
	return o;
}

/* Which repetitions gave which column. */
static struct json_object *columns_json(void)
{
	static const char *const cols[][2] = {
		{ "time_us", "timed repetitions (job drill: 1,000 completions reaped at once)" },
		{ "iops", "timed repetitions" },
		{ "mb_per_s", "timed repetitions" },
		{ "cpu_us_per_io", "timed repetitions" },
		{ "syscalls_per_io", "timed repetitions" },
		{ "p50_us", "latency_repetitions of the row: each read's own latency, from "
			    "latency_source" },
		{ "p99_us", "as p50_us" },
		{ "p99_9_us", "as p50_us" },
		{ "max_us", "as p50_us" },
	};
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		json_object_object_add(o, cols[i][0], json_object_new_string(cols[i][1]));
	return o;
}

int drill_print_json(const struct drill *d, FILE *out)
{
	struct json_object *o = json_object_new_object(), *a;
	char lines[16][400];
	unsigned int i, n;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "command", json_object_new_string("drill"));
	json_object_object_add(o, "facts", json_object_get(d->run.facts));
	a = json_object_new_array();
	for (i = 0; i < d->picks.n; i++)
		json_object_array_add(a, row_json(&d->rows[i]));
	json_object_object_add(o, "engines", a);
	json_object_object_add(o, "columns", columns_json());
	json_object_object_add(o, "unwritten", idr_unwritten_json(&d->unwritten));
	a = json_object_new_array();
	n = drill_findings(d, lines, 16);
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(lines[i]));
	json_object_object_add(o, "findings", a);
	json_object_object_add(o, "not_run", idr_picks_skipped_json(&d->picks));
	json_object_object_add(o, "png", d->png[0] ? json_object_new_string(d->png) : NULL);
	json_object_object_add(o, "run_dir",
			       d->run.keep ? json_object_new_string(d->run.dir) : NULL);
	json_object_object_add(o, "archive", idr_run_archive_json(&d->run));
	idr_print_json(out, o);
	json_object_put(o);
	return 0;
}

/* ---- the chart --------------------------------------------------------------------------- */

int drill_plot(const struct drill *d, const char *png, char *err, size_t errlen)
{
	char q[PATH_MAX + 8], title[PATH_MAX + 128], name[48], *script;
	const struct drill_row *r;
	size_t len;
	unsigned int i, rows = 0;
	FILE *s = open_memstream(&script, &len);
	int ret;

	if (!s)
		return -ENOMEM;
	idr_plot_quote(png, q, sizeof(q));
	fprintf(s, "set terminal pngcairo size 1200,560 noenhanced font \",10\"\nset output %s\n",
		q);
	fprintf(s, "$d << EOD\n");
	for (i = 0; i < d->picks.n; i++) {
		r = &d->rows[i];
		if (!r->n || r->pick->builtin)
			continue;
		idr_plot_quote(row_name(r, name, sizeof(name)), q, sizeof(q));
		fprintf(s, "%s %.3f %.3f %.3f %.4f\n", q, r->time_us, r->time_us - r->iqr_us / 2,
			r->time_us + r->iqr_us / 2, r->cpu_us_io);
		rows++;
	}
	fprintf(s, "EOD\n");
	snprintf(title, sizeof(title), "iodrill drill: 1,000 random 4 KiB reads, %s %s",
		 idr_target_kind_name(d->t.kind), d->t.path[0] ? d->t.path : d->t.ngdev);
	idr_plot_quote(title, q, sizeof(q));
	fprintf(s,
		"set multiplot layout 1,2 title %s\n"
		"set style fill solid 0.6 border -1\nset boxwidth 0.6\nset grid ytics\n"
		"set xtics rotate by -30\nset xrange [-0.6:%u.6]\nset logscale y\n"
		"set title \"time for the 1,000 reads, µs, log scale (median; bars: middle half)\"\n"
		"plot $d using 0:2:xtic(1) with boxes lc rgb \"#4477aa\" notitle, "
		"$d using 0:2:3:4 with yerrorbars lc rgb \"black\" pt -1 notitle\n"
		"set title \"CPU per read, µs, log scale (every thread the engine ran)\"\n"
		"plot $d using 0:5:xtic(1) with boxes lc rgb \"#cc6677\" notitle\n"
		"unset multiplot\n",
		q, rows ? rows - 1 : 0);
	fclose(s);
	ret = rows ? idr_plot(script, err, errlen) : -EINVAL;
	if (!rows)
		snprintf(err, errlen, "no engine completed the drill");
	free(script);
	return ret;
}
