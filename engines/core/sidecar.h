/*
 * sidecar.h - the counters file: one JSON object per job, one line each, appended with a
 * single write() so jobs of one run (numjobs, thread=1) never interleave.
 * fio's own report is too coarse for the drill (ms runtime, job-thread-only rusage); this
 * is where an engine's ns timer, syscall counts and every thread's CPU time go.
 * No fio types: unit-tested on its own.
 */
#ifndef IDR_CORE_SIDECAR_H
#define IDR_CORE_SIDECAR_H

#include <stdint.h>

#include "counters.h"
#include "cpu.h"
#include "lat.h"

#define IDR_SIDECAR_FORMAT 1 /* bump when a field changes meaning */

/* Engine-specific facts (ring flags in use, fallbacks taken, ...), in insertion order. */
struct idr_extra;

struct idr_extra *idr_extra_new(void);
void idr_extra_free(struct idr_extra *e);
/* Set key to a string / a number / a bool. Return 0 or -ENOMEM. */
int idr_extra_str(struct idr_extra *e, const char *key, const char *val);
int idr_extra_u64(struct idr_extra *e, const char *key, uint64_t val);
int idr_extra_bool(struct idr_extra *e, const char *key, int val);

/* What fio told the engine about the job: read back by the ABI test. */
struct idr_job_facts {
	const char *name;
	int thread_number;
	unsigned int iodepth;
	unsigned int iodepth_batch;
	unsigned long long bs[3]; /* read, write, trim */
	unsigned long long size;
	unsigned int nr_files;	  /* the nr_files option */
	unsigned int nr_names;	  /* files the job has */
	const char *const *files; /* nr_names names */
	int direct;
	int use_thread; /* thread=1 */
	const char *rw; /* "read", "randwrite", ... */
};

struct idr_report {
	const char *engine;
	const char *build;		  /* git describe of the engine build */
	const char *fio_version;	  /* of the headers the engine was built against */
	const char *kind, *twin, *target; /* the engine's row in engines.tbl */
	int pid, tid;
	struct idr_job_facts job;
	struct idr_counters cnt;
	struct idr_cpu job_cpu;	    /* job thread, first submit to cleanup */
	struct idr_cpu_sum workers; /* engine-owned threads */
	const struct idr_extra *extra;
	const struct idr_lat *lat; /* each I/O's latency ("lat"), or NULL when not timed */
};

/*
 * idr_report_json - the report as one JSON line ending in '\n'. With r->lat timing, the
 * line has "lat": {"clock": "CLOCK_MONOTONIC", "from", "to", "batched", "untimed_ramp",
 * "read", "write"}, a direction without a timed I/O left out (the reader's
 * LATFORMAT, cli/archive/fiojson.h).
 * Returns a malloc'd string, or NULL when out of memory.
 */
char *idr_report_json(const struct idr_report *r);

/*
 * idr_sidecar_open - open (create, append) the sidecar file. Returns an fd or -errno.
 * idr_sidecar_append - write one line with a single write(). Returns 0 or -errno
 * (-EIO for a short write).
 */
int idr_sidecar_open(const char *path);
int idr_sidecar_append(int fd, const char *line);

#endif
