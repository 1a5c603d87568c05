/*
 * archive.h - the per-device results archive: store one run, find runs, read them back.
 * This header is the contract between the archive and the commands that store runs
 * (`iodrill drill` and `iodrill tune` through idr_run_archive() in run.h, `iodrill results
 * add`); results/README.md says the same for users.
 *
 * Layout:
 *   RESULTS/                       see idr_archive_dir()
 *     <device>/                    one folder per device identity (cli/archive/identity.h), e.g.
 *                                  nvme-Samsung_SSD_980_1TB-S64ANS0T123456-ns1-lba512,
 *                                  block-QEMU_HARDDISK-QM00001-64GiB, file-tmpfs-dev_shm,
 *                                  file-ext4-on-block-virtio_blk-overlayblk-256GiB
 *       device.json                the identity, written with the folder's first run
 *       <run-id>.json              one file per run (format below)
 *       .tmp-*                     a write in progress, or one whose writer died: never read
 *
 * A run id is <UTC time of the run>-<kind>-<4 hex digits>, e.g.
 * 20261125T161959.617Z-drill-3fa2: file names sort by time, and the hex digits keep two
 * runs of the same millisecond apart.
 *
 * A result file (format 1) is one JSON object:
 *   "iodrill_result": 1            the format; a reader refuses a newer one
 *   "provenance": {...}            what the archive added: id, kind, status, time, command,
 *                                  target, device identity and facts, host (kernel, CPU
 *                                  model and count, mitigations), iodrill build, fio version,
 *                                  engines (build, engines.tbl row, engine_facts such as the
 *                                  ring flags in effect), every job's options (global merged
 *                                  with the job's own), where each part came from
 *   "fio": [ <fio output>, ... ]   each part's fio JSON output, byte for byte as fio wrote it
 *                                  (text fio printed before or after the JSON object is kept
 *                                  in provenance.parts[i].fio_messages)
 *   "sidecar": [ [<line>, ...], ...]  each part's sidecar lines, byte for byte (or [])
 *
 * Writes are atomic and never overwrite: the file is written under a temporary name in the
 * device folder (O_CREAT|O_EXCL|O_NOFOLLOW), fsync'd, renamed to its final name with
 * RENAME_NOREPLACE (link+unlink where the filesystem lacks it) and the folder fsync'd. A
 * new device folder is built the same way, under a temporary name with device.json and the
 * first run inside, then renamed into place, so an archive never shows an empty or
 * half-made device (on a filesystem without RENAME_NOREPLACE the folder is made first and
 * filled by link+unlink: a writer killed there can leave a folder with only device.json). Two runs
 *stored at the same moment both land (a name already taken is retried with other hex digits). A
 *writer killed at any point leaves at most a .tmp-* entry, which no reader looks at. On any failure
 *(a bad input, a full disk, no permission) nothing in the archive changes and err says what
 *happened and what to do.
 *
 * Functions return 0 or -errno (-EINVAL for bad input) and leave a message for the user in
 * err, naming the path or argument at fault.
 *
 * Storing a drill (fio run once per engine, each with its own sidecar file):
 *
 *	struct idr_run_part parts[] = {
 *		{ "tmp/sync.json", "tmp/sync.sc", "engine=sync" },
 *		{ "tmp/psync.json", NULL, "engine=psync" },	// fio's twin: no sidecar
 *	};
 *	struct idr_run_input in = { .kind = "drill", .target = "/dev/nvme0n1",
 *				    .argc = argc, .argv = argv, .parts = parts, .nr_parts = 2,
 *				    .time_ms = started_ms };
 *	struct idr_stored st;
 *	char err[1024];
 *
 *	if (idr_archive_store(results_dir_option, &in, &st, err, sizeof(err)))
 *		idr_err("drill: not archived: %s", err);	// fio's files are untouched
 *	else
 *		printf("stored %s in %s\n", st.id, st.path);
 */
#ifndef IDR_CLI_ARCHIVE_H
#define IDR_CLI_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "archive/fiojson.h"

struct json_object;

#define IDR_RESULT_FORMAT 1 /* bump when a field of the result file changes meaning */
#define IDR_RUN_ID_MAX 64
#define IDR_DEVICE_NAME_MAX 160

/* ---- storing a run ------------------------------------------------------------------ */

/* One fio invocation of a run: its JSON output and, when our engines ran, their sidecar. */
struct idr_run_part {
	const char *fio_json; /* fio --output-format=json --output=FILE: required */
	const char *sidecar;  /* the sidecar=FILE of that invocation (its own file: lines are
				 paired with this part's jobs only), or NULL */
	const char *label;    /* what this part is, e.g. "iodepth=32" or "engine=kaio", or NULL */
};

struct idr_run_input {
	const char *kind; /* what made the run: "drill", "tune", "fio", ... ([a-z0-9_], <= 16) */
	/*
	 * What the run measured: a file, a block device, an NVMe generic char device
	 * (/dev/ngXnY is filed under its namespace's identity) or "none" (no device: nil
	 * engine only). NULL: the filename= every job of the run used, or "none" when every
	 * job ran an engine whose engines.tbl target is none.
	 */
	const char *target;
	int argc; /* the command line that made the run, argv[0] first; 0 = unknown */
	char *const *argv;
	/* >= 1; a tune sweep has one part per point. Every part must have fio's JSON: leave
	   out a call that wrote none (fio failed to start) and say so in facts */
	const struct idr_run_part *parts;
	unsigned int nr_parts;
	int64_t time_ms; /* when the run started, Unix ms; 0 = the first fio output's timestamp */
	const char *status; /* "complete", "interrupted", "failed"; NULL = "failed" when a job
			       reports an error, else "complete" */
	const char *note;   /* free text kept with the run, or NULL */
	/* the storing command's own record (its options, what it skipped and why, ...),
	   kept as provenance.facts; NULL for none. Only read. */
	struct json_object *facts;
	/* A run on a fleet host (cli/run/fleet.h): the host as the user named it, and what
	   the engines said there (engines/core/remote.h: "host", the host's facts, and
	   "device", the target's identity, both made there by the archive's own code). The
	   run is filed under that identity, provenance.host is the host's, with "fleet_host"
	   added; provenance.client is this machine's. NULL/NULL for a run here. Only read. */
	const char *host;
	struct json_object *where;
};

/* Where a stored run went. */
struct idr_stored {
	char id[IDR_RUN_ID_MAX];
	char device[IDR_DEVICE_NAME_MAX]; /* the device folder's name */
	char path[4096];		  /* the result file */
};

/*
 * idr_archive_store - store one run in the archive at dir (NULL: idr_archive_dir(NULL)).
 * Reads every part through fiojson.h first: an unreadable, truncated or foreign fio output
 * or sidecar is refused before anything is written. Identifies the target's device
 * (identity.h) and gathers the provenance itself. The input files are only read.
 * Returns 0 with out filled in, or -errno with a message in err (nothing stored).
 */
int idr_archive_store(const char *dir, const struct idr_run_input *in, struct idr_stored *out,
		      char *err, size_t errlen);

/*
 * idr_archive_dir - the archive folder: opt (a --results DIR option) if given, else
 * $IODRILL_RESULTS, else results/ beside the iodrill binary when that is a source tree
 * (it holds results/README.md), else $XDG_DATA_HOME/iodrill/results (default
 * ~/.local/share/iodrill/results). Returns 0, or -ENAMETOOLONG / -ENOENT (no HOME).
 */
int idr_archive_dir(const char *opt, char *buf, size_t len);

/* ---- finding runs --------------------------------------------------------------------- */

/* One run as the archive lists it: from its file name alone (nothing is parsed). */
struct idr_archive_run {
	char id[IDR_RUN_ID_MAX];
	char device[IDR_DEVICE_NAME_MAX];
	int64_t time_ms; /* from the id */
	char kind[24];	 /* from the id */
};

struct idr_archive_index {
	char dir[4096];
	unsigned int nr;
	struct idr_archive_run *runs; /* newest first */
	unsigned int nr_devices;
	char (*devices)[IDR_DEVICE_NAME_MAX]; /* every device folder, runs or not */
	unsigned int nr_stale;		      /* .tmp-* entries left by writers that died */
};

/*
 * idr_archive_scan - index the archive at dir: every device folder and every run file in
 * them, newest first. A missing archive folder is an empty index (nr 0), not an error.
 * Returns 0 or -errno (unreadable folder: the message names it).
 */
int idr_archive_scan(const char *dir, struct idr_archive_index *idx, char *err, size_t errlen);
void idr_archive_index_free(struct idr_archive_index *idx);

/* idr_archive_run_path - the result file of run r. Returns 0 or -ENAMETOOLONG. */
int idr_archive_run_path(const struct idr_archive_index *idx, const struct idr_archive_run *r,
			 char *buf, size_t len);

/*
 * idr_archive_find_run - the run a user named: a run id, a unique part of one (e.g. its
 * hex digits), "latest", or "latest" within device folder dev (dev may be NULL).
 * Returns the run, or NULL with a message in err (none matches, or several do: listed).
 */
const struct idr_archive_run *idr_archive_find_run(const struct idr_archive_index *idx,
						   const char *name, char *err, size_t errlen);

/*
 * idr_archive_find_device - the device folder a user named: its exact name, a unique part
 * of it, or the path of a file or device (identified as the archive would file it).
 * Returns the folder name (pointing into idx), or NULL with a message in err.
 */
const char *idr_archive_find_device(const struct idr_archive_index *idx, const char *name,
				    char *err, size_t errlen);

/*
 * idr_archive_device_load - device folder dev's device.json: identity.h's identity object
 * (type, name, key, description, identity, facts). The caller json_object_put()s *out.
 * Returns 0, or -errno / -EINVAL with a message in err.
 */
int idr_archive_device_load(const struct idr_archive_index *idx, const char *dev,
			    struct json_object **out, char *err, size_t errlen);

/* ---- reading a run ------------------------------------------------------------------ */

/* One job of a stored run, its parts flattened, with the numbers show/compare/plot use. */
struct idr_result_job {
	unsigned int part;	 /* which fio output */
	unsigned int occurrence; /* 0 for the first job of this key in the run, 1, ... */
	const struct idr_fio_job *fio;
	const char *engine;	   /* sidecar's engine, else fio's ioengine without paths */
	const char *rw, *bs;	   /* fio's options (job's, else global), else fio's defaults */
	unsigned int iodepth;	   /* likewise (1 when absent) */
	unsigned int sc_lines;	   /* sidecar lines found for this job (summed into sc) */
	struct idr_sidecar_job sc; /* counters summed; only valid when sc_lines > 0 */
	double elapsed_s;	   /* engine's ns timer if sc_lines, else fio's runtime */
	double iops[2];		   /* per direction, over elapsed_s */
	double iops_rel_sd[2];	   /* fio's per-interval IOPS stddev / mean; NaN if < 2 samples */
	double cpu_us_per_io;	   /* engine's exact CPU time if sc_lines, else fio's usr+sys;
				      NaN when the job did no I/O */
	double syscalls_per_io;	   /* NaN without a sidecar */
	/* the engine's own per-I/O latency (sidecar "lat") per direction, merged over the
	   job's sidecar lines; count 0 when there is none (no sidecar, an older engine) */
	struct idr_lat_figs lat[2];
	/* fio's completion latency (clat) is one stamp per batch of completions, not each
	   I/O's: iodepth_batch_complete_min > 1 at iodepth > 1, or the engine says batched */
	bool clat_batched;
	char engine_buf[48], bs_buf[24];
};

struct idr_result {
	struct json_object *root; /* the whole file */
	struct json_object *prov; /* root's "provenance" */
	const char *id, *kind, *status, *device, *target;
	int64_t time_ms;
	unsigned int nr_parts;
	struct idr_fio_run *runs;     /* per part */
	struct idr_sidecar *sidecars; /* per part (nr 0 when the part had none) */
	unsigned int nr_jobs;
	struct idr_result_job *jobs;
};

/*
 * idr_result_parse / idr_result_load - read a result file. A file that is not JSON, is
 * truncated, is not an iodrill result, or has a newer format than IDR_RESULT_FORMAT is
 * refused with a message saying which. Returns 0, -errno or -EINVAL.
 */
int idr_result_parse(const char *text, size_t len, struct idr_result *r, char *err, size_t errlen);
int idr_result_load(const char *path, struct idr_result *r, char *err, size_t errlen);
void idr_result_free(struct idr_result *r);

/* idr_result_prov_str - a string at a dotted path in the provenance ("host.kernel"), or NULL. */
const char *idr_result_prov_str(const struct idr_result *r, const char *dotted);

/* idr_result_job_key - "engine/job rw bs qd" identifying j across runs, into buf. */
void idr_result_job_key(const struct idr_result_job *j, char *buf, size_t len);

#endif
