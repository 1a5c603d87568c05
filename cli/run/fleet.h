/*
 * fleet.h - iodrill drill and tune on other hosts, through fio's own client/server
 * protocol: `fio --server` runs there, `fio --client` here. No transport of iodrill's own.
 *
 * Hosts come from --host H (repeatable) and --hosts FILE (one host[:port] a line, '#'
 * comments): a struct idr_fleet. One --host alone: the command drives that host itself, in
 * remote mode (below). Several, or --hosts: cli/fleet.c runs one iodrill per host at once
 * (idr_fleet_spawn), each in remote mode, and merges their tables.
 *
 * Remote mode (idr_remote_begin) sends every fio call of the run to one host's server.
 * fio sends a server job files only, never the job options given on its own command line
 * (only the few it marks for clients: --readonly, --section), so idr_remote_argv writes a
 * call's options into a copy of its job file. The engines send their sidecar line and
 * where they ran through fio's log (engines/core/remote.h); idr_remote_collect takes them
 * out of fio's output into <label>.sidecar and <label>.where, so the commands read a
 * remote call as they read a local one. TARGET is a path on the host, resolved there by a
 * probe (idr_remote_target: one run of the nil engine, which touches nothing); the run is
 * archived under the device identity and host facts the engines sent (run.c).
 *
 * Functions return 0 or -errno, with a message for the user in err, unless they say.
 */
#ifndef IDR_CLI_FLEET_H
#define IDR_CLI_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define IDR_FIO_PORT 8765 /* fio's own default server port */
#define IDR_FLEET_MAX 256 /* hosts in one fleet */

struct json_object;
struct idr_run;
struct idr_drill_target;

struct idr_host {
	char spec[272];	  /* host[:port] as the user gave it */
	char client[288]; /* fio's --client= value: ip:ADDR,PORT, ip6:ADDR,PORT, NAME,PORT */
	char label[80];	  /* spec, safe in a file name */
};

struct idr_fleet {
	struct idr_host *v;
	unsigned int n;
	bool from_file; /* --hosts FILE: a fleet (one table) even with one line */
};

/*
 * idr_fleet_add - one host[:port] (a name, an IPv4 address, or an IPv6 one in brackets
 * when a port follows: [::1]:8766); the port defaults to fio's 8765. A host named twice,
 * a bad port or a character no host name has is refused.
 */
int idr_fleet_add(struct idr_fleet *f, const char *spec, char *err, size_t errlen);

/* idr_fleet_load - every host in FILE: one host[:port] a line; '#' to the end of a line
 * and blank lines are ignored. Errors name the file and line. */
int idr_fleet_load(struct idr_fleet *f, const char *path, char *err, size_t errlen);

/* idr_fleet_opt - command cmd's --hosts FILE (file) or --host H into f; a message on
 * stderr ("<cmd>: ...") when refused. */
int idr_fleet_opt(const char *cmd, bool file, const char *arg, struct idr_fleet *f);

void idr_fleet_free(struct idr_fleet *f);

/* ---- one iodrill per host ---------------------------------------------------------------- */

/*
 * idr_fleet_spawn - run argvs[i] (iodrill for host i), all at once, each with stdout into
 * outs[i] and stderr into logs[i], in its own process group: a stop signal that reaches
 * this run is passed on to each (and SIGKILL 30 s later), so Ctrl-C stops every host.
 * done(arg, i, status) is called as each ends, status its exit status (128 + N for signal
 * N). Returns 0 when all ran, -EINTR when the run was stopped, or -errno (none started).
 */
int idr_fleet_spawn(struct idr_run *run, char **const *argvs, const char *const *outs,
		    const char *const *logs, unsigned int n,
		    void (*done)(void *arg, unsigned int i, int status), void *arg);

/* ---- remote mode ------------------------------------------------------------------------- */

/* idr_remote_begin - from here on the fio calls of run go to host h (a copy is kept). */
void idr_remote_begin(struct idr_run *run, const struct idr_host *h);

/* idr_remote_host - the host of remote mode, or NULL when fio runs here. */
const struct idr_host *idr_remote_host(void);

/* idr_remote_end - back to local; forgets what the host said. */
void idr_remote_end(void);

/*
 * idr_remote_argv - fio's command line for call label on the host: JSON output into
 * <label>.json, --client, the options fio sends itself, and <label>.fio, a copy of the
 * call's job file (args' one non-option) with every other option of args in a [global]
 * section ahead of it (so the job file's own values still win, as on fio's command line);
 * with sidecar, sidecar=/dev/null there too, for the engines to send their lines back.
 * Returns a malloc'd NULL-terminated argv, or NULL with a message in err (-E2BIG, -EINVAL:
 * no or several job files, a value with a newline; -errno writing the copy).
 */
char **idr_remote_argv(const struct idr_run *run, const char *label, const char *const *args,
		       bool sidecar, char *err, size_t errlen);

/*
 * idr_remote_collect - after call label ran: the engines' lines out of <label>.json into
 * <label>.sidecar (every sidecar line, as the sidecar file would hold them) and
 * <label>.where (the last where object, also kept for idr_remote_where). Returns the number
 * of sidecar lines, or -errno.
 */
int idr_remote_collect(const struct idr_run *run, const char *label);

/*
 * idr_remote_why - why call label failed on the host (fio's exit status, < 0 when it was
 * not sent: the host was gone), as one line for the user: the host does not answer, runs
 * another fio build, stopped answering during the run, cannot load the engine, or the
 * first thing fio or the server said.
 */
void idr_remote_why(const struct idr_run *run, const char *label, int status, char *buf,
		    size_t len);

/*
 * idr_remote_failed - call label failed with fio's exit status: when that says the host
 * is gone for this run (it does not answer, stopped answering, speaks another protocol),
 * idr_remote_gone() is true from here on and run.c sends it nothing more.
 */
void idr_remote_failed(const struct idr_run *run, const char *label, int status);
bool idr_remote_gone(void);

/* idr_remote_where - the latest where object the engines sent (the probe's at first), or
 * NULL. Owned by remote mode: valid until idr_remote_end. */
struct json_object *idr_remote_where(void);

/*
 * idr_remote_target - TARGET arg resolved on the host into t, as idr_target_open resolves
 * a local one: a probe run of the nil engine (label "probe", not part of the run) sends
 * back what arg is there. It must exist there (iodrill makes no files on other hosts), be
 * a file, a block device or /dev/ngXnY, and hold the drill's 1,000 blocks; the engines
 * there must be this build. Returns 0, -EINTR when stopped, or -errno with a message
 * naming the host.
 */
int idr_remote_target(const char *arg, struct idr_drill_target *t, char *err, size_t errlen);

#endif
