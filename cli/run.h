/*
 * run.h - one run of a command that drives fio (drill, tune): a private folder holding
 * everything the run produced — fio's JSON output, the engines' sidecars, the job file
 * as run, fio's messages — with the fio command lines, their exit status and the
 * provenance (iodrill's command line, build, times, what the command recorded about the
 * target and options), so that the whole run can be handed to the results archive in one
 * call (struct idr_run; manifest.json in the folder lists it all).
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
#include <time.h>

struct json_object;

/* One fio invocation of the run. Its files are <dir>/<label>.json, .sidecar, .err. */
struct idr_fio_call {
	char label[64];
	char engine[32];	/* iodrill's engine name, or fio's built-in one */
	unsigned int rep;	/* repetition (from 1), 0 when not repeated */
	char **argv;		/* fio's command line as run, NULL-terminated */
	int status;		/* fio's exit status; 128 + N when signal N ended it */
	bool sidecar;		/* the engine wrote <label>.sidecar */
};

struct idr_run {
	char dir[PATH_MAX];	/* the run's folder */
	char command[16];	/* "drill", "tune" */
	int argc;
	char **argv;		/* iodrill's own command line */
	time_t started, ended;
	struct json_object *facts;	/* what the command records: target, options, skips */
	struct idr_fio_call *calls;
	unsigned int nr_calls, cap;
	bool keep;		/* leave the folder in place at idr_run_end */
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
 * idr_run_fio - run fio with args (NULL-terminated; iodrill adds JSON output to
 * <label>.json, and --sidecar=<label>.sidecar when sidecar is set, before them), its
 * stdout and stderr into <label>.err, and record the call. Returns fio's exit status
 * (>= 0), -EINTR when the run was stopped by a signal (before or while fio ran), or
 * -errno when fio could not be started.
 */
int idr_run_fio(struct idr_run *run, const char *label, const char *engine, unsigned int rep,
		const char *const *args, bool sidecar);

/* A command line being built for idr_run_fio: up to 16 arguments, NULL-terminated. */
struct idr_args {
	char buf[16][PATH_MAX + 32];
	const char *v[17];
	unsigned int n;
};

/* idr_args_add - append one printf-formatted argument (ignored beyond 16). */
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

/* idr_run_end - remove the folder (unless kept), give the signals back, free the run. */
void idr_run_end(struct idr_run *run);

/*
 * idr_fio_check - is the fio iodrill runs there, and the version the engines were built
 * for? Returns 0, -ENOENT (missing or not runnable) or -EPROTO (another version), with a
 * message saying what to do in err.
 */
int idr_fio_check(char *err, size_t errlen);

#endif
