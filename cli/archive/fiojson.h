/*
 * fiojson.h - read what a fio run leaves behind: fio's --output-format=json file and the
 * engines' sidecar (JSON Lines, one object per job; see engines/README.md).
 *
 * The one place the command parses them: the drill and tune tables, the results archive
 * and its show/compare all read through here. Parsing is defensive (the archive's reader
 * is fuzzed): wrong types read as absent, never crash.
 * Returns: 0 or -errno; on failure a message for the user is left in err.
 */
#ifndef IDR_CLI_FIOJSON_H
#define IDR_CLI_FIOJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct idr_hist;

/* One direction (read or write) of one job, as fio reports it. */
struct idr_fio_dir {
	uint64_t total_ios;
	uint64_t io_bytes;
	uint64_t short_ios;
	uint64_t runtime_ms; /* fio's: whole milliseconds, too coarse for the drill */
	double iops;
	double bw_bytes; /* bytes per second */
	double clat_mean_ns;
	uint64_t clat_p50_ns, clat_p99_ns, clat_p999_ns; /* 0 when fio gave none */
	uint64_t clat_max_ns;
	double lat_mean_ns; /* total latency (submission + completion) of each I/O */
	uint64_t lat_max_ns;
	uint64_t clat_n;		      /* completions behind the latency figures */
	double iops_mean, iops_stddev;	      /* over fio's per-interval samples (iops_avg_time) */
	uint64_t iops_samples;		      /* 0 for runs shorter than one interval */
	struct json_object *clat_percentiles; /* {"50.000000": ns, ...} or NULL */
};

enum { IDR_FIO_READ, IDR_FIO_WRITE };

struct idr_fio_job {
	const char *name;     /* point into the run's JSON tree */
	const char *hostname; /* the server that ran it (fio --client), else NULL */
	const char *ioengine; /* as given: "external:engines/sync.so", "psync" */
	int error;	      /* fio's error for the job (an errno), 0 if none */
	uint64_t job_runtime_ms;
	double usr_cpu, sys_cpu; /* percent of job_runtime */
	struct idr_fio_dir dir[2];
	struct json_object *options; /* fio's "job options" object (all strings) */
};

struct idr_fio_run {
	const char *fio_version;
	struct json_object *global_options; /* fio's "global options" object, or NULL */
	size_t json_start, json_end;	    /* idr_fio_run_parse: the JSON object's bytes in text */
	int64_t timestamp_ms;
	unsigned int nr_jobs;
	struct idr_fio_job *jobs;
	struct json_object *root; /* fio's JSON, untouched: the archive stores it as is */
};

/*
 * idr_fio_run_parse - parse fio's JSON output held in text[0..len). fio may print error
 * lines before the JSON in the same file; they are skipped. Returns 0 or -EINVAL.
 */
int idr_fio_run_parse(const char *text, size_t len, struct idr_fio_run *run, char *err,
		      size_t errlen);
/*
 * idr_fio_run_from_json - the same, from an already parsed tree (the archive's reader); the
 * run takes its own reference to root. Returns 0 or -EINVAL.
 */
int idr_fio_run_from_json(struct json_object *root, struct idr_fio_run *run, char *err,
			  size_t errlen);
/* idr_fio_run_load - the same, from a file. Returns 0, -errno or -EINVAL. */
int idr_fio_run_load(const char *path, struct idr_fio_run *run, char *err, size_t errlen);
void idr_fio_run_free(struct idr_fio_run *run);

/* idr_fio_job_opt - one of the job's options as fio printed it (a string), or NULL. */
const char *idr_fio_job_opt(const struct idr_fio_job *job, const char *key);
/* idr_fio_run_opt - the job's option, else the run's global one, or NULL. */
const char *idr_fio_run_opt(const struct idr_fio_run *run, const struct idr_fio_job *job,
			    const char *key);

/*
 * idr_fio_dir_percentile - the completion latency at percentile pct (0-100) in ns,
 * interpolated linearly between the percentiles fio printed; NaN when fio printed none.
 */
double idr_fio_dir_percentile(const struct idr_fio_dir *d, double pct);

/* One sidecar line: the engine's own counters for one job. */
struct idr_sidecar_job {
	const char *engine, *job_name, *build, *fio_version;
	int thread_number;
	uint64_t ios, syncs, submitted, bytes, errors, short_ios;
	uint64_t syscalls, submit_calls, reap_calls, busy, eintr;
	uint64_t elapsed_ns;
	uint64_t cpu_ns, job_cpu_ns, workers_cpu_ns, workers;
	uint64_t usr_us, sys_us;	  /* tick-sampled split */
	struct json_object *engine_facts; /* NULL when the engine recorded none */
	struct json_object *lat;	  /* the engine's per-I/O latency ("lat"), or NULL: an older
					     engine, no engine latency (never 0) */
	struct json_object *root;
};

struct idr_sidecar {
	unsigned int nr;
	struct idr_sidecar_job *jobs;
};

/*
 * idr_sidecar_parse / idr_sidecar_load - every line of a sidecar file. An unknown newer
 * format, a line that is not a sidecar object, or one with text after its object, is an
 * error naming the line. Returns 0, -errno or -EINVAL.
 */
int idr_sidecar_parse(const char *text, size_t len, struct idr_sidecar *sc, char *err,
		      size_t errlen);
int idr_sidecar_load(const char *path, struct idr_sidecar *sc, char *err, size_t errlen);
void idr_sidecar_free(struct idr_sidecar *sc);
/*
 * idr_sidecar_from_json - the lines of a sidecar from an already parsed JSON array of its
 * objects (the archive's reader); takes its own references. Returns 0, -ENOMEM or -EINVAL.
 */
int idr_sidecar_from_json(struct json_object *lines, struct idr_sidecar *sc, char *err,
			  size_t errlen);

/* idr_sidecar_find - the line for job name (the first, for numjobs > 1), or NULL. */
const struct idr_sidecar_job *idr_sidecar_find(const struct idr_sidecar *sc, const char *job);

/* What an engine's latency histogram measures (the sidecar's "lat", LATFORMAT). */
struct idr_lat_meta {
	const char *clock, *from, *to; /* the engine's own words, or NULL */
	/* the engine learned of completions only in batches fio asked for (getevents with
	   min > 1): a completion's time may be its batch's, so not a per-I/O latency */
	bool batched;
};

/*
 * idr_sidecar_lat - the histogram of direction dir (IDR_FIO_READ, IDR_FIO_WRITE) of one
 * sidecar line into h, and what it measures into meta (may be NULL).
 * Returns 0, -ENOENT when the line has no "lat" or none for dir (an older engine, or a job
 * that did not read / write), or -EINVAL when it is malformed.
 */
int idr_sidecar_lat(const struct idr_sidecar_job *j, int dir, struct idr_hist *h,
		    struct idr_lat_meta *meta);

/* The figures of one latency histogram (ns); count 0: none. */
struct idr_lat_figs {
	uint64_t count;
	double min_ns, p50_ns, p90_ns, p99_ns, p999_ns, max_ns, mean_ns;
	bool batched; /* idr_lat_meta's: the figures are not per-I/O latencies */
};

/*
 * idr_sidecar_lat_figs - the figures of direction dir over every line of sc, their
 * histograms merged (jobs of one run): 0 with f filled (f->batched when any line's was),
 * -ENODATA when no line has a readable one, -ENOMEM.
 */
int idr_sidecar_lat_figs(const struct idr_sidecar *sc, int dir, struct idr_lat_figs *f);

/* idr_lat_figs_of - h's figures (quantiles by idr_hist_quantile) into f. */
void idr_lat_figs_of(const struct idr_hist *h, bool batched, struct idr_lat_figs *f);

/*
 * idr_lat_figs_pct - the figure for percentile pct: 50, 90, 99, 99.9 or 100 (max);
 * NaN for another pct, an empty histogram, or batched figures.
 */
double idr_lat_figs_pct(const struct idr_lat_figs *f, double pct);

/*
 * idr_lat_figs_json - f's p50_us, p99_us, p99_9_us, max_us and latency_count into object o;
 * the figures null where not shown (none measured, or a batch's stamps), source (may be
 * NULL) as latency_source.
 */
void idr_lat_figs_json(struct json_object *o, const struct idr_lat_figs *f, bool shown,
		       const char *source);

/*
 * idr_fio_clat_figs - fio's completion latency of one direction as figures: its
 * percentiles (bucket values) never above the largest completion it saw. A latency only
 * where fio reaped each completion as it came (the caller knows).
 */
void idr_fio_clat_figs(const struct idr_fio_dir *d, struct idr_lat_figs *f);

/* idr_read_file - a whole file, NUL-terminated (malloc'd). Returns 0 or -errno. */
int idr_read_file(const char *path, char **text, size_t *len);

/*
 * Typed, NULL-safe lookups in any json-c tree, shared by every reader in the command: a
 * missing key or a value of the wrong type reads as NULL / 0 / 0.0 (never a crash).
 */
struct json_object *idr_json_get(struct json_object *o, const char *key);
const char *idr_json_str(struct json_object *o, const char *key);
uint64_t idr_json_u64(struct json_object *o, const char *key);
double idr_json_dbl(struct json_object *o, const char *key);

#endif
