/*
 * drill.h - iodrill drill: its state, shared between the command (drill.c: options, the
 * interleaved runs) and its report (drill_report.c: the summary, table, JSON, findings
 * and chart). Not a public interface.
 */
#ifndef IDR_CLI_DRILL_H
#define IDR_CLI_DRILL_H

#include <stdbool.h>
#include <stdio.h>

#include "run/drilltarget.h"
#include "run/engsel.h"
#include "run/run.h"

#define DRILL_IOS 1000		/* reads per drill: profiles/drill.fio's number_ios */
#define DRILL_BS 4096

struct drill_opts {
	const char *target;	/* NULL: a new file in the run's folder */
	unsigned int reps;
	unsigned int iodepth;	/* for asynchronous engines; synchronous ones run at 1 */
	const char *engines;	/* comma-separated, or NULL for every one that applies */
	bool twins;		/* also fio's built-in twins */
	bool json;
	bool no_png;
	const char *png;	/* chart path, or NULL for iodrill-drill-<time>.png */
	const char *keep;	/* keep the run's folder under this folder */
	const char *results;	/* --results DIR: the archive to store the run in */
	bool no_archive;	/* --no-archive */
	unsigned long long size;	/* of a file iodrill creates */
};

/* One repetition of one engine. */
struct drill_sample {
	double time_ns;		/* sidecar: first submission to last completion */
	double cpu_ns;		/* sidecar: every thread the engine ran */
	double usr_us, sys_us;	/* sidecar: tick-sampled split */
	double syscalls, ios, bytes;
	double threads;		/* 1 + the engine's worker threads */
	double p50_ns, p99_ns;	/* fio: completion latency percentiles */
	double fio_time_ns;	/* fio's latencies: max (async) or sum (sync) */
};

struct drill_row {
	const struct idr_pick *pick;
	struct drill_sample *s;
	unsigned int n;
	char failed[400];	/* why it failed, "" while it has not */
	/* drill_summarise: medians over the repetitions */
	double time_us, iqr_us, iops, mbps, p50_us, p99_us;
	double cpu_us_io, usr_pct, sys_pct, syscalls_io, fio_time_us, threads;
	bool split_known;	/* some tick landed: usr/sys mean something */
};

struct drill {
	struct drill_opts o;
	struct idr_run run;
	struct idr_drill_target t;
	struct idr_picks picks;
	struct drill_row rows[IDR_MAX_PICKS];
	char job[PATH_MAX];	/* the profile as run (a copy when a line had to change) */
	char png[PATH_MAX];	/* the chart written, or "" */
};

/* drill_summarise - fill each row's medians from its samples. */
void drill_summarise(struct drill *d);

/* drill_findings - "what this shows": up to max sentences derived from the rows. */
unsigned int drill_findings(const struct drill *d, char (*lines)[400], unsigned int max);

void drill_print_table(const struct drill *d, FILE *out);
/* drill_print_json - the table, findings and skips as one JSON object. Returns 0 or -ENOMEM. */
int drill_print_json(const struct drill *d, FILE *out);

/* drill_plot - the chart (time and CPU per I/O per engine) into png. Returns idr_plot's. */
int drill_plot(const struct drill *d, const char *png, char *err, size_t errlen);

#endif
