/*
 * drill.h - iodrill drill: its state, shared between the command (drill.c: options, the
 * interleaved runs) and its report (drill_report.c: the summary, table, JSON, findings
 * and chart). Not a public interface.
 */
#ifndef IDR_CLI_DRILL_H
#define IDR_CLI_DRILL_H

#include <stdbool.h>
#include <stdio.h>

#include "archive/fiojson.h"
#include "run/drilltarget.h"
#include "run/engsel.h"
#include "run/fleet.h"
#include "run/run.h"
#include "run/unwritten.h"

struct idr_hist;

#define DRILL_IOS 1000 /* reads per drill: profiles/drill.fio's number_ios */
#define DRILL_BS 4096

struct drill_opts {
	const char *target; /* NULL: a new file in the run's folder */
	unsigned int reps;
	unsigned int iodepth; /* for asynchronous engines; synchronous ones run at 1 */
	const char *engines;  /* comma-separated, or NULL for every one that applies */
	bool twins;	      /* also fio's built-in twins */
	bool json;
	bool no_png;
	const char *png;	 /* chart path, or NULL for iodrill-drill-<time>.png */
	const char *keep;	 /* keep the run's folder under this folder */
	const char *results;	 /* --results DIR: the archive to store the run in */
	bool no_archive;	 /* --no-archive */
	unsigned long long size; /* of a file iodrill creates */
	struct idr_fleet fleet;	 /* --host, --hosts: where to run (none: here) */
};

/* One timed repetition of one engine (the profile's drill job). */
struct drill_sample {
	double time_ns;	       /* sidecar: first submission to last completion */
	double cpu_ns;	       /* sidecar: every thread the engine ran */
	double usr_us, sys_us; /* sidecar: tick-sampled split */
	double syscalls, ios, bytes;
	double threads;	    /* 1 + the engine's worker threads */
	double fio_time_ns; /* fio's latencies: max (async) or sum (sync) */
};

/*
 * One repetition that gave an engine's latency: the profile's drill-latency job (each
 * completion reaped as it comes), or for a synchronous engine its timed run (one read at
 * a time). The engine's histogram is merged into the row's; fio's clat is kept here.
 */
struct drill_lat_sample {
	double p50_ns, p99_ns, p999_ns, max_ns; /* fio's completion latency */
	double time_ns; /* the repetition's time: the engine's timer, else fio's */
};

/* Which repetitions gave a row's latency. */
enum drill_lat_reps { DRILL_LAT_NONE, DRILL_LAT_OWN, DRILL_LAT_TIMED };

struct drill_row {
	const struct idr_pick *pick;
	struct drill_sample *s;
	unsigned int n;
	struct drill_lat_sample *l; /* latency repetitions */
	unsigned int nl;
	struct idr_hist *hist;	      /* the engine's per-I/O latencies, merged; NULL: none yet */
	struct idr_lat_meta lat_meta; /* batched: some repetition's engine said so */
	char failed[400];	      /* why it failed, "" while it has not */
	/* drill_summarise: medians over the repetitions */
	double time_us, iqr_us, iops, mbps;
	double cpu_us_io, usr_pct, sys_pct, syscalls_io, fio_time_us, threads;
	bool split_known; /* some tick landed: usr/sys mean something */
	/* latency: the engine's histogram when it has one, else fio's clat (medians of the
	   repetitions, the largest maximum); lat.count 0 and lat_source NULL when none */
	struct idr_lat_figs lat;
	const char *lat_source; /* "engine histogram", "fio clat" */
	enum drill_lat_reps lat_reps;
	double lat_time_max_us;	       /* the longest of the repetitions that gave the latency */
	double fio_p50_us, fio_p99_us; /* fio's clat in those runs (the twins' table) */
};

/* drill_lat_reps_of - which repetitions give an engine's latency: its own (asynchronous:
 * the drill job reaps its completions in one batch), or the timed ones (synchronous). */
enum drill_lat_reps drill_lat_reps_of(const struct idr_pick *k);

struct drill {
	struct drill_opts o;
	struct idr_run run;
	struct idr_drill_target t;
	struct idr_picks picks;
	struct drill_row rows[IDR_MAX_PICKS];
	struct idr_unwritten unwritten; /* the sample of the drill's blocks read first */
	char job[PATH_MAX];		/* the profile as run (a copy when a line had to change) */
	char png[PATH_MAX];		/* the chart written, or "" */
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
