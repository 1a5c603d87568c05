/*
 * run.h - one run of a command that drives fio (drill, tune): a private folder holding
 * everything the run produced — fio's JSON output, the engines' sidecars, the job file
 * as run, fio's messages — with the fio command lines, their exit status and the
 * provenance (iodrill's command line, build, times, what the command recorded about the
 * target and options), so that the whole run is handed to the results archive in one
 * call when it ends (idr_run_archive; manifest.json in the folder lists it all).
 *
 * It also owns interruption: from idr_run_begin to idr_run_end, SIGINT, SIGTERM and
 * SIGHUP stop the run instead of killing iodrill. A running fio (in its own process
 * group, so the terminal's Ctrl-C reaches only iodrill) is asked to stop and waited for;
 * the command sees idr_run_stopped(), cleans up and exits 128 + signal.
 */
#ifndef IDR_CLI_RUN_H
#define IDR_CLI_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "archive/archive.h"

struct json_object;

/* One fio invocation of the run. Its files are <dir>/<label>.json, .sidecar, .err. */
struct idr_fio_call {
	char label[64];
	char engine[32];  /* iodrill's engine name, or fio's built-in one */
	unsigned int rep; /* repetition (from 1), 0 when not repeated */
	char **argv;	  /* fio's command line as run, NULL-terminated */
	int status;	  /* fio's exit status; 128 + N when signal N ended it */
	bool sidecar;	  /* the engine wrote <label>.sidecar */
};

struct idr_run {
	char dir[PATH_MAX]; /* the run's folder */
	char command[16];   /* "drill", "tune" */
	int argc;
	char **argv; /* iodrill's own command line */
	time_t started, ended;
	int64_t started_ms;	   /* started, in Unix ms: the run's time in the archive */
	struct json_object *facts; /* what the command records: target, options, skips */
	struct idr_fio_call *calls;
	unsigned int nr_calls, cap;
	bool keep; /* leave the folder in place at idr_run_end */
	/* the results archive: set by the command after idr_run_begin */
	const char *results;	    /* --results DIR, or NULL for idr_archive_dir's default */
	bool no_archive;	    /* --no-archive: store nothing */
	char archive_dir[PATH_MAX]; /* where, once idr_run_archive_check resolved it */
	/* what idr_run_archive did, once archive_done: its return (0 stored, and stored says
	   where; 1 not asked to; -ENODATA nothing to store; -errno failed: archive_err) */
	bool archive_done;
	int archived;
	const char *archived_status;
	struct idr_stored stored;
	char archive_err[1024];
};

/*
 * idr_run_begin - make the run's folder (under keep_base when given, and kept; else a
 * temporary one under $TMPDIR, or /var/tmp, removed at the end) and take over
 * SIGINT/SIGTERM/SIGHUP. Returns 0, or -errno with a message in err.
 */
int idr_run_begin(struct idr_run *run, const char *command, int argc, char **argv,
		  const char *keep_base, char *err, size_t errlen);

/* idr_run_path - <dir>/<label><ext> into buf. */
void idr_run_path(const struct idr_run *run, const char *label, const char *ext, char *buf,
		  size_t len);

/*
 * idr_run_fio - run fio with args (iodrill adds JSON output to <label>.json, and
 * --sidecar=<label>.sidecar when sidecar is set, before them), its stdout and stderr
 * into <label>.err, and record the call. Returns fio's exit status (>= 0), -EINTR when
 * the run was stopped by a signal (before or while fio ran), -E2BIG when args lost an
 * argument (nothing is run), or -errno when fio could not be started.
 */
struct idr_args;
int idr_run_fio(struct idr_run *run, const char *label, const char *engine, unsigned int rep,
		const struct idr_args *args, bool sidecar);

/*
 * idr_run_spawn - start argvs[0..n) at once, each in its own process group with stdout
 * into outfds[i] and stderr into errfds[i], and wait for all. While they run, a stop
 * signal is passed on to each group as SIGINT, and SIGKILL follows kill_after seconds
 * later. done(arg, i, status) is called as each ends; st[i] gets its exit status (128 + N
 * for signal N; untouched for one never started). Returns 0, -EINTR when the run was
 * stopped (before or while they ran), or -errno when one could not be started (the
 * others are then killed).
 */
int idr_run_spawn(char **const *argvs, const int *outfds, const int *errfds, unsigned int n,
		  unsigned int kill_after, void (*done)(void *, unsigned int, int), void *arg,
		  int *st);

/*
 * idr_run_fio_aside - the same for a call that is not part of the run (a probe): its
 * files are in the folder, it is neither in the manifest nor archived.
 */
int idr_run_fio_aside(struct idr_run *run, const char *label, const struct idr_args *args,
		      bool sidecar);

#define IDR_ARGS_MAX 32

/* A command line being built for idr_run_fio: up to IDR_ARGS_MAX arguments. Start it
 * zeroed ({ .n = 0 }). */
struct idr_args {
	char buf[IDR_ARGS_MAX][PATH_MAX + 32];
	const char *v[IDR_ARGS_MAX + 1]; /* NULL-terminated */
	unsigned int n;
	bool lost; /* an argument did not fit (too many, or too long): idr_run_fio refuses */
};

/* idr_args_add - append one printf-formatted argument; one that does not fit sets lost. */
void idr_args_add(struct idr_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * idr_run_said - the first line of fio's messages for call label that says something
 * (fio's "note:" lines skipped), into buf; "" when fio said nothing.
 */
void idr_run_said(const struct idr_run *run, const char *label, char *buf, size_t len);

/* idr_run_stopped - the signal that stopped the run, or 0. */
int idr_run_stopped(void);

/*
 * idr_run_manifest - write <dir>/manifest.json: iodrill's build and command line, the
 * times, the facts and every fio call with its files. Returns 0 or -errno (err says).
 */
int idr_run_manifest(struct idr_run *run, char *err, size_t errlen);

/*
 * idr_run_archive_check - before the run: resolve where it will be stored (run->results,
 * else idr_archive_dir's default) into run->archive_dir, and check that it is a folder this
 * user can create files in (or can be made where the nearest existing folder above it is),
 * so a long run does not end unable to store. Nothing to do with no_archive.
 * Returns 0, or -errno with a message in err naming the folder and what to give instead.
 */
int idr_run_archive_check(struct idr_run *run, char *err, size_t errlen);

/*
 * idr_run_archive - store the run in the results archive (idr_archive_store) in one call,
 * when it ends: kind is run->command, the time run->started_ms, the command line iodrill's
 * own, the facts run->facts. Each fio call whose <label>.json reads as fio's output is a
 * part (<label>.json, <label>.sidecar when the call had one and it reads, label), in the
 * order run; a call or sidecar left out is named in the facts ("not_archived": label,
 * what, why). target as struct idr_run_input's; status "complete", "interrupted" or
 * "failed". The outcome is kept in run (archived, stored, archive_err) for
 * idr_run_archive_say and idr_run_archive_json; a run that could not be stored keeps its
 * folder (run->keep), so nothing it measured is lost. Returns 0 (stored), 1 (no_archive),
 * -ENODATA (no call wrote its output: nothing to store) or -errno (nothing stored).
 */
int idr_run_archive(struct idr_run *run, const char *target, const char *status);

/*
 * idr_run_epilogue - what a command says after its table: the chart (png, "" for none),
 * where the run was stored, the manifest, a kept folder. Returns 1 when the run could
 * not be stored (said), else 0.
 */
int idr_run_epilogue(struct idr_run *run, const char *png);

/*
 * idr_run_interrupted - the end of a run stopped by a signal: what ran is stored as an
 * interrupted run (a folder asked to be kept is kept only when storing failed), and
 * stderr says so. Returns 128 + the signal.
 */
int idr_run_interrupted(struct idr_run *run, const char *target);

/* idr_run_png_name - the default chart name: iodrill-<command>-<start time>.png. */
void idr_run_png_name(const struct idr_run *run, char *buf, size_t len);

/* idr_run_archive_say - one line on stderr: where the run was stored, or why it was not
 * ("iodrill: <command>: not stored ..." for a failure). */
void idr_run_archive_say(const struct idr_run *run);

/*
 * idr_run_archive_json - the outcome for --json: {"stored": true, "id", "device", "path",
 * "status", "results"} or {"stored": false, "why", "results"}; NULL before idr_run_archive.
 */
struct json_object *idr_run_archive_json(const struct idr_run *run);

/* idr_run_end - remove the folder (unless kept), give the signals back, free the run. */
void idr_run_end(struct idr_run *run);

/*
 * idr_fio_check - is the fio iodrill runs there, and the version the engines were built
 * for? Returns 0, -ENOENT (missing or not runnable) or -EPROTO (another version), with a
 * message saying what to do in err.
 */
int idr_fio_check(char *err, size_t errlen);

#endif
