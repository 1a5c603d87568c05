/*
 * results.h - what the parts of `iodrill results` (results.c, results_compare.c,
 * results_plot.c) share: options, resolving what a user typed, number formatting.
 */
#ifndef IDR_CLI_RESULTS_H
#define IDR_CLI_RESULTS_H

#include <stdint.h>
#include <stdio.h>

#include "archive/archive.h"

/* Options of every results subcommand; each says which it takes (mask of OPT_*). */
enum {
	OPT_RESULTS = 1 << 0,
	OPT_JSON = 1 << 1,
	OPT_TARGET = 1 << 2,
	OPT_KIND = 1 << 3,
	OPT_SIDECAR = 1 << 4,
	OPT_LABEL = 1 << 5,
	OPT_TIME = 1 << 6,
	OPT_STATUS = 1 << 7,
	OPT_NOTE = 1 << 8,
	OPT_SINCE = 1 << 9,
	OPT_UNTIL = 1 << 10,
	OPT_MIN_CHANGE = 1 << 11,
	OPT_OUTPUT = 1 << 12,
	OPT_METRIC = 1 << 13,
	OPT_SWEEP = 1 << 14,
	OPT_ENGINES = 1 << 15,
	OPT_HOST = 1 << 16,
};

#define MAX_LISTED 256 /* --sidecar / --label given at most this many times */

struct ropts {
	const char *sub; /* the subcommand */
	char dir[4096];	 /* the archive, resolved */
	int json;
	const char *target, *kind, *time, *status, *note, *since, *until, *output, *metric;
	int sweep, engines;
	const char *host;  /* list --host H: only runs made on host H */
	double min_change; /* compare: a fraction, 0.05 = 5% */
	const char *sidecars[MAX_LISTED], *labels[MAX_LISTED];
	unsigned int nr_sidecars, nr_labels;
	int nargs; /* positional arguments */
	char **args;
	int cmd_argc; /* after "--": the command line that made the run (add) */
	char **cmd_argv;
};

/*
 * results_parse_opts - parse argv (argv[0] is the subcommand) allowing the options in
 * allowed; resolves the archive folder. Returns 0, or 2 (usage, message printed).
 */
int results_parse_opts(int argc, char **argv, unsigned int allowed, struct ropts *o);

/*
 * results_when - a time a user typed, as Unix ms: 2026-11-25, 2026-11-25T16:19[:59[.617]][Z]
 * (UTC), @SECONDS, or a duration back from now (90m, 36h, 7d, 2w). Returns 0 or -EINVAL.
 */
int results_when(const char *s, int64_t now_ms, int64_t *ms);

/*
 * results_load_run - the run a user named: a result file's path, or a run in the index.
 * Returns 0 with r loaded, or 1 with the message printed.
 */
int results_load_run(const struct idr_archive_index *idx, const char *name, struct idr_result *r);

/* Numbers for tables: 566.1k, 1.61M; a latency in µs; "-" for NaN. Return buf. */
char *fmt_si(double v, char *buf, size_t len);
char *fmt_us(double ns, char *buf, size_t len);
char *fmt_num(double v, const char *f, char *buf, size_t len);

/*
 * job_pct_ns - the job's latency percentile pct (50, 90, 99, 99.9; 100 for the maximum) of
 * direction d in ns: the engine's own per-I/O histogram when its sidecar has one, else
 * fio's completion latency; NaN when there is none or it is not a per-I/O latency (the
 * completions were reaped in batches: job_lat_source says "batched").
 */
double job_pct_ns(const struct idr_result_job *j, int d, double pct);

/* job_lat_source - where job_pct_ns's figures come from: "engine histogram", "fio clat",
 * "batched" (none: a batch's stamp is not a latency), or NULL (no I/O that way). */
const char *job_lat_source(const struct idr_result_job *j, int d);

int results_compare(struct ropts *o);
int results_plot(struct ropts *o);

#endif
