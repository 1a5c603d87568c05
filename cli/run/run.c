/*
 * run.c - a run's folder, its fio invocations, interruption and provenance (run.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/archive.h"
#include "archive/fiojson.h"
#include "idr_build.h"
#include "iodrill.h"
#include "run/fleet.h"
#include "run/run.h"

/* The signal that asked the run to stop: written by the handler, read by the command. */
static volatile sig_atomic_t stop_sig;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved[3], saved_chld, saved_pipe;

static void on_stop(int sig)
{
	stop_sig = sig;
}

/* SIGCHLD only has to interrupt ppoll() while fio runs. */
static void on_child(int sig)
{
	(void)sig;
}

int idr_run_stopped(void)
{
	return stop_sig;
}

static void signals_take(void)
{
	struct sigaction sa = { .sa_handler = on_stop };
	struct sigaction chld = { .sa_handler = on_child, .sa_flags = SA_NOCLDSTOP };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	unsigned int i;

	/* No SA_RESTART: a signal must interrupt whatever iodrill is waiting in. */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&chld.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(stop_signals[i], &sa, &saved[i]);
	sigaction(SIGCHLD, &chld, &saved_chld);
	/* A reader that goes away (iodrill drill | head) must not kill the clean-up. */
	sigaction(SIGPIPE, &ign, &saved_pipe);
}

static void signals_give_back(void)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		sigaction(stop_signals[i], &saved[i], NULL);
	sigaction(SIGCHLD, &saved_chld, NULL);
	sigaction(SIGPIPE, &saved_pipe, NULL);
}

int idr_run_begin(struct idr_run *run, const char *command, int argc, char **argv,
		  const char *keep_base, char *err, size_t errlen)
{
	const char *base = keep_base ? keep_base : getenv("TMPDIR");
	char stamp[32];
	int ret;

	memset(run, 0, sizeof(*run));
	if (!base || !*base)
		base = "/var/tmp";
	snprintf(run->command, sizeof(run->command), "%s", command);
	run->argc = argc;
	run->argv = argv;
	run->keep = keep_base != NULL;
	run->started_ms = idr_now_ms();
	run->started = (time_t)(run->started_ms / 1000);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&run->started));
	snprintf(run->dir, sizeof(run->dir), "%s/iodrill-%s-%s.XXXXXX", base, command, stamp);
	if (!mkdtemp(run->dir)) {
		ret = -errno;
		snprintf(err, errlen, "cannot make a folder for the run in %s: %s; %s", base,
			 strerror(errno),
			 keep_base ? "give --keep a writable folder"
				   : "set TMPDIR to a writable folder");
		run->dir[0] = '\0';
		return ret;
	}
	run->facts = json_object_new_object();
	stop_sig = 0;
	signals_take();
	return 0;
}

void idr_run_path(const struct idr_run *run, const char *label, const char *ext, char *buf,
		  size_t len)
{
	/* The folder name is short and labels are ours: a cut path would not be created. */
	if (snprintf(buf, len, "%s/%s%s", run->dir, label, ext) >= (int)len)
		buf[len - 1] = '\0';
}

/* ---- running fio ----------------------------------------------------------------------- */

static char **build_argv(struct idr_run *run, const char *label, const char *const *args,
			 bool sidecar)
{
	char path[PATH_MAX + 32];
	unsigned int n = 0, i = 0;
	char **v;

	while (args[n])
		n++;
	v = calloc(n + 5, sizeof(*v));
	if (!v)
		return NULL;
	v[i++] = strdup(idr_fio_path());
	v[i++] = strdup("--output-format=json");
	idr_run_path(run, label, ".json", path + 9, sizeof(path) - 9);
	memcpy(path, "--output=", 9);
	v[i++] = strdup(path);
	for (n = 0; args[n]; n++)
		v[i++] = strdup(args[n]);
	/* After the options: fio knows an engine's options once --ioengine has loaded it. */
	if (sidecar) {
		idr_run_path(run, label, ".sidecar", path + 10, sizeof(path) - 10);
		memcpy(path, "--sidecar=", 10);
		v[i++] = strdup(path);
	}
	for (n = 0; n < i; n++)
		if (!v[n])
			return NULL;
	return v;
}

static void free_argv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* The child: its own process group, default signals, stdout into outfd and stderr into
 * errfd, then argv (fio, or iodrill for one host of a fleet). */
static void exec_child(char **argv, int outfd, int errfd, const sigset_t *mask)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	unsigned int i;
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	for (i = 0; i < 3; i++)
		sigaction(stop_signals[i], &dfl, NULL);
	sigaction(SIGCHLD, &dfl, NULL);
	sigaction(SIGPIPE, &dfl, NULL); /* an ignored signal stays ignored across exec */
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (null >= 0)
		dup2(null, 0);
	dup2(outfd, 1);
	dup2(errfd, 2);
	execvp(argv[0], argv);
	dprintf(errfd, "iodrill: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int exit_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Wait for the children pids[0..n) (each reset to 0 as it ends, its exit status into
 * st[]). A stop signal is passed on to each child's whole process group as SIGINT (fio
 * then stops its jobs, a fio client its servers' jobs, iodrill its run); whatever has not
 * gone kill_after seconds later gets SIGKILL. Signals are blocked except inside ppoll(),
 * so none can slip in between the check and the wait.
 */
static void wait_children(pid_t *pids, int *st, unsigned int n, unsigned int kill_after,
			  const sigset_t *unblocked, void (*done)(void *, unsigned int, int),
			  void *arg)
{
	struct timespec tick = { .tv_sec = 1 };
	unsigned int i, left = n, waited = 0;
	bool sent = false;
	int status;

	while (left) {
		for (i = 0; stop_sig && !sent && i < n; i++)
			if (pids[i])
				kill(-pids[i], SIGINT);
		sent |= stop_sig != 0;
		for (i = 0; i < n; i++) {
			if (!pids[i] || waitpid(pids[i], &status, WNOHANG) != pids[i])
				continue;
			st[i] = exit_status(status);
			/* a job process of an interrupted fio shares its group: none may outlive it
			 */
			if (sent)
				kill(-pids[i], SIGKILL);
			pids[i] = 0;
			left--;
			if (done)
				done(arg, i, st[i]);
		}
		if (sent && ++waited > kill_after)
			for (i = 0; i < n; i++)
				if (pids[i])
					kill(-pids[i], SIGKILL);
		if (left)
			ppoll(NULL, 0, &tick, unblocked);
	}
}

int idr_run_spawn(char **const *argvs, const int *outfds, const int *errfds, unsigned int n,
		  unsigned int kill_after, void (*done)(void *, unsigned int, int), void *arg,
		  int *st)
{
	sigset_t block, old;
	unsigned int i, started = 0;
	pid_t *pids = calloc(n ? n : 1, sizeof(*pids));
	int ret = 0;

	if (!pids)
		return -ENOMEM;
	sigemptyset(&block);
	for (i = 0; i < 3; i++)
		sigaddset(&block, stop_signals[i]);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (i = 0; !stop_sig && i < n; i++, started++) {
		pids[i] = fork();
		if (pids[i] == 0)
			exec_child(argvs[i], outfds[i], errfds[i], &old);
		if (pids[i] < 0) {
			ret = -errno;
			pids[i] = 0;
			break;
		}
		setpgid(pids[i], pids[i]); /* also here: no window where Ctrl-C reaches it */
	}
	/* a child that could not be started stops the others: the caller reports one error */
	if (ret || stop_sig)
		for (i = 0; i < started; i++)
			kill(-pids[i], SIGKILL);
	wait_children(pids, st, started, kill_after, &old, ret ? NULL : done, arg);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(pids);
	if (!ret && stop_sig)
		ret = -EINTR;
	return ret;
}

static struct idr_fio_call *new_call(struct idr_run *run)
{
	struct idr_fio_call *grown;

	if (run->nr_calls == run->cap) {
		run->cap = run->cap ? 2 * run->cap : 16;
		grown = realloc(run->calls, run->cap * sizeof(*grown));
		if (!grown)
			return NULL;
		run->calls = grown;
	}
	memset(&run->calls[run->nr_calls], 0, sizeof(*grown));
	return &run->calls[run->nr_calls];
}

/* Run fio with its output into errfd. Returns its exit status, -EINTR or -errno. */
static int spawn_and_wait(char **argv, int errfd)
{
	int st = -1, ret = idr_run_spawn(&argv, &errfd, &errfd, 1, 10, NULL, NULL, &st);

	/* stopped while it ran: its own exit status (the caller sees the stop) */
	return st >= 0 ? st : ret;
}

/* fio's command line for call label: here, or for the host of remote mode (fleet.h). */
static char **call_argv(struct idr_run *run, const char *label, const struct idr_args *args,
			bool sidecar, int *ret)
{
	char err[512], **v;

	*ret = -ENOMEM;
	if (!idr_remote_host())
		return build_argv(run, label, args->v, sidecar);
	v = idr_remote_argv(run, label, args->v, sidecar, err, sizeof(err));
	if (!v) {
		idr_err("%s: %s", run->command, err);
		*ret = -EINVAL;
	}
	return v;
}

/* Run call c (its label, engine, rep set) to the end. Returns as idr_run_fio. */
static int run_call(struct idr_run *run, struct idr_fio_call *c, const struct idr_args *args,
		    bool sidecar)
{
	char path[PATH_MAX];
	int fd, ret;

	if (args->lost)
		return -E2BIG;
	/* a fleet host that stopped answering gets nothing more: each call would wait for it */
	if (idr_remote_gone())
		return -EHOSTDOWN;
	c->sidecar = sidecar;
	c->argv = call_argv(run, c->label, args, sidecar, &ret);
	if (!c->argv)
		return ret;
	idr_run_path(run, c->label, ".err", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = spawn_and_wait(c->argv, fd);
	close(fd);
	c->status = ret;
	/* a remote call's counters came back in fio's output: into <label>.sidecar */
	if (ret >= 0 && idr_remote_host())
		c->sidecar = sidecar && idr_remote_collect(run, c->label) > 0;
	if (ret > 0 && idr_remote_host() && !stop_sig)
		idr_remote_failed(run, c->label, ret);
	if (ret >= 0 && stop_sig)
		return -EINTR;
	return ret;
}

int idr_run_fio(struct idr_run *run, const char *label, const char *engine, unsigned int rep,
		const struct idr_args *args, bool sidecar)
{
	struct idr_fio_call *c = new_call(run);
	int ret;

	if (!c)
		return -ENOMEM;
	snprintf(c->label, sizeof(c->label), "%s", label);
	snprintf(c->engine, sizeof(c->engine), "%s", engine);
	c->rep = rep;
	ret = run_call(run, c, args, sidecar);
	if (!c->argv)
		return ret;
	run->nr_calls++; /* recorded: part of the run from here on */
	return ret;
}

int idr_run_fio_aside(struct idr_run *run, const char *label, const struct idr_args *args,
		      bool sidecar)
{
	struct idr_fio_call c = { .rep = 0 };
	int ret;

	snprintf(c.label, sizeof(c.label), "%s", label);
	ret = run_call(run, &c, args, sidecar);
	free_argv(c.argv);
	return ret;
}

void idr_args_add(struct idr_args *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->n >= IDR_ARGS_MAX) {
		a->lost = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(a->buf[a->n], sizeof(a->buf[0]), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->buf[0])) {
		a->lost = true;
		return;
	}
	a->v[a->n] = a->buf[a->n];
	a->v[++a->n] = NULL;
}

/* The exit status of the recorded call label, or -1. */
static int call_status(const struct idr_run *run, const char *label)
{
	for (unsigned int i = 0; i < run->nr_calls; i++)
		if (!strcmp(run->calls[i].label, label))
			return run->calls[i].status;
	return -1;
}

void idr_run_said(const struct idr_run *run, const char *label, char *buf, size_t len)
{
	char path[PATH_MAX], line[360];
	FILE *f;

	buf[0] = '\0';
	if (idr_remote_host()) {
		idr_remote_why(run, label, call_status(run, label), buf, len);
		return;
	}
	idr_run_path(run, label, ".err", path, sizeof(path));
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "note:", 5) || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, len, "%s", line);
		break;
	}
	if (f)
		fclose(f);
}

/* ---- provenance -------------------------------------------------------------------------- */

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *jargv(char **argv, int argc)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; argv && (argc < 0 ? argv[i] != NULL : i < argc); i++)
		json_object_array_add(a, jstr(argv[i]));
	return a;
}

static struct json_object *jtime(time_t t)
{
	char buf[32];

	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return jstr(buf);
}

static struct json_object *jcall(const struct idr_fio_call *c)
{
	struct json_object *o = json_object_new_object();
	char name[80];

	json_object_object_add(o, "label", jstr(c->label));
	json_object_object_add(o, "engine", jstr(c->engine));
	json_object_object_add(o, "rep", json_object_new_int((int)c->rep));
	json_object_object_add(o, "status", json_object_new_int(c->status));
	json_object_object_add(o, "argv", jargv(c->argv, -1));
	snprintf(name, sizeof(name), "%s.json", c->label);
	json_object_object_add(o, "json", jstr(name));
	snprintf(name, sizeof(name), "%s.sidecar", c->label);
	json_object_object_add(o, "sidecar", c->sidecar ? jstr(name) : NULL);
	snprintf(name, sizeof(name), "%s.err", c->label);
	json_object_object_add(o, "stderr", jstr(name));
	return o;
}

int idr_run_manifest(struct idr_run *run, char *err, size_t errlen)
{
	struct json_object *m = json_object_new_object(), *calls = json_object_new_array();
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	unsigned int i;
	int ret = 0;

	run->ended = time(NULL);
	json_object_object_add(m, "format", json_object_new_int(1));
	json_object_object_add(m, "iodrill", jstr(IDR_BUILD));
	json_object_object_add(m, "engines_built_for", jstr(IDR_FIO_VERSION));
	json_object_object_add(m, "command", jstr(run->command));
	json_object_object_add(m, "argv", jargv(run->argv, run->argc));
	json_object_object_add(m, "started", jtime(run->started));
	json_object_object_add(m, "ended", jtime(run->ended));
	json_object_object_add(m, "facts", json_object_get(run->facts));
	for (i = 0; i < run->nr_calls; i++)
		json_object_array_add(calls, jcall(&run->calls[i]));
	json_object_object_add(m, "fio_calls", calls);
	json_object_object_add(m, "archive", idr_run_archive_json(run));
	idr_run_path(run, "manifest", ".json", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_object_to_file_ext(tmp, m, JSON_C_TO_STRING_PRETTY) || rename(tmp, path)) {
		ret = -EIO;
		snprintf(err, errlen, "cannot write %s: %s", path, json_util_get_last_err());
		unlink(tmp);
	}
	json_object_put(m);
	return ret;
}

/* ---- the results archive -------------------------------------------------------------------- */

/* The nearest folder at or above dir that exists: where mkdir -p would start. */
static void nearest_existing(const char *dir, char *buf, size_t len)
{
	struct stat st;
	char *slash;

	snprintf(buf, len, "%s", dir);
	while (stat(buf, &st) && errno == ENOENT) {
		while ((slash = strrchr(buf, '/')) && slash > buf && !slash[1])
			*slash = '\0'; /* trailing slashes */
		if (!slash) {
			snprintf(buf, len, ".");
			return;
		}
		if (slash == buf)
			buf[1] = '\0'; /* "/x" -> "/" */
		else
			*slash = '\0';
	}
}

int idr_run_archive_check(struct idr_run *run, char *err, size_t errlen)
{
	char at[PATH_MAX];
	struct stat st;
	int ret;

	if (run->no_archive)
		return 0;
	ret = idr_archive_dir(run->results, run->archive_dir, sizeof(run->archive_dir));
	if (ret) {
		snprintf(err, errlen,
			 "no folder for the results archive (%s): give --results DIR, "
			 "set IODRILL_RESULTS, or --no-archive",
			 strerror(-ret));
		return ret;
	}
	nearest_existing(run->archive_dir, at, sizeof(at));
	if (stat(at, &st))
		ret = -errno;
	else if (!S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	else if (access(at, W_OK | X_OK))
		ret = -errno;
	if (ret)
		snprintf(err, errlen,
			 "cannot store the run in the results archive %s (%s: %s): "
			 "give --results DIR where you can write, or --no-archive",
			 run->archive_dir, at, strerror(-ret));
	return ret;
}

/* Say in list that call label's what (its fio output, its sidecar) is not stored, and why
 * (paths in the run's folder, which goes away, by their names alone). */
static void left_out(const struct idr_run *run, struct json_object *list, const char *label,
		     const char *what, const char *why)
{
	struct json_object *o = json_object_new_object();
	size_t n = strlen(run->dir);

	if (!strncmp(why, run->dir, n) && why[n] == '/')
		why += n + 1;

	json_object_object_add(o, "call", jstr(label));
	json_object_object_add(o, "what", jstr(what));
	json_object_object_add(o, "why", jstr(why));
	json_object_array_add(list, o);
}

/* Does path read as fio's output (sidecar: as a sidecar)? Returns 0, or -errno with why. */
static int readable(const char *path, bool sidecar, char *why, size_t len)
{
	struct idr_fio_run fr;
	struct idr_sidecar sc;
	int ret;

	if (sidecar) {
		ret = idr_sidecar_load(path, &sc, why, len);
		if (!ret)
			idr_sidecar_free(&sc);
	} else {
		ret = idr_fio_run_load(path, &fr, why, len);
		if (!ret)
			idr_fio_run_free(&fr);
	}
	return ret;
}

/* Call c as a part: 0, -ENOENT when its output does not read (noted in left), -ENOMEM. */
static int call_part(const struct idr_run *run, const struct idr_fio_call *c,
		     struct idr_run_part *part, struct json_object *left)
{
	char path[PATH_MAX], why[512];

	idr_run_path(run, c->label, ".json", path, sizeof(path));
	if (readable(path, false, why, sizeof(why))) {
		left_out(run, left, c->label, "fio output", why);
		return -ENOENT;
	}
	part->label = c->label;
	part->fio_json = strdup(path);
	if (!part->fio_json)
		return -ENOMEM;
	if (!c->sidecar)
		return 0;
	idr_run_path(run, c->label, ".sidecar", path, sizeof(path));
	if (readable(path, true, why, sizeof(why))) {
		left_out(run, left, c->label, "sidecar", why);
		return 0;
	}
	part->sidecar = strdup(path);
	return part->sidecar ? 0 : -ENOMEM;
}

/* The parts of the run, in the order run; *n of them. Returns 0 or -ENOMEM. */
static int collect_parts(struct idr_run *run, struct idr_run_part *parts, unsigned int *n)
{
	struct json_object *left = json_object_new_array();
	unsigned int i;
	int ret = 0;

	for (i = 0, *n = 0; i < run->nr_calls && ret != -ENOMEM; i++) {
		ret = call_part(run, &run->calls[i], &parts[*n], left);
		*n += ret != -ENOENT;
	}
	if (json_object_array_length(left))
		json_object_object_add(run->facts, "not_archived", json_object_get(left));
	json_object_put(left);
	return ret == -ENOMEM ? ret : 0;
}

static int store(struct idr_run *run, const char *target, const char *status,
		 const struct idr_run_part *parts, unsigned int n)
{
	/* The command line as typed: "iodrill", then what the command was given. */
	const char **argv = calloc((size_t)run->argc + 2, sizeof(*argv));
	struct idr_run_input in = {
		.kind = run->command,
		.target = target,
		.argc = run->argc + 1,
		.argv = (char *const *)argv,
		.parts = parts,
		.nr_parts = n,
		.time_ms = run->started_ms,
		.status = status,
		.facts = run->facts,
	};
	int ret;

	/* a fleet host's run: filed under the identity and host facts its engines sent */
	if (idr_remote_host()) {
		in.host = idr_remote_host()->spec;
		in.where = idr_remote_where();
	}

	if (!argv) {
		snprintf(run->archive_err, sizeof(run->archive_err), "out of memory");
		return -ENOMEM;
	}
	argv[0] = "iodrill";
	for (int i = 0; i < run->argc; i++)
		argv[i + 1] = run->argv[i];
	ret = idr_archive_store(run->archive_dir[0] ? run->archive_dir : run->results, &in,
				&run->stored, run->archive_err, sizeof(run->archive_err));
	free(argv);
	return ret;
}

int idr_run_archive(struct idr_run *run, const char *target, const char *status)
{
	struct idr_run_part *parts;
	unsigned int i, n = 0;
	int ret;

	run->archive_done = true;
	run->archived_status = status;
	run->archive_err[0] = '\0';
	if (run->no_archive)
		return run->archived = 1;
	parts = calloc(run->nr_calls ? run->nr_calls : 1, sizeof(*parts));
	ret = parts ? collect_parts(run, parts, &n) : -ENOMEM;
	if (ret)
		snprintf(run->archive_err, sizeof(run->archive_err), "out of memory");
	else if (!n)
		snprintf(run->archive_err, sizeof(run->archive_err), "no fio run %s its results",
			 run->nr_calls ? "wrote" : "was started, so none wrote");
	if (!ret)
		ret = n ? store(run, target, status, parts, n) : -ENODATA;
	for (i = 0; i < n; i++) {
		free((char *)parts[i].fio_json);
		free((char *)parts[i].sidecar);
	}
	free(parts);
	/* What could not be stored is not thrown away with the run's folder. */
	if (ret && ret != -ENODATA)
		run->keep = true;
	return run->archived = ret;
}

void idr_run_archive_say(const struct idr_run *run)
{
	const char *st = run->archived_status;
	bool complete = !st || !strcmp(st, "complete");

	if (!run->archive_done)
		return;
	if (run->archived == 0)
		fprintf(stderr, "iodrill: stored%s%s%s in the results archive: %s\n",
			complete ? "" : " (", complete ? "" : st, complete ? "" : ")",
			run->stored.path);
	else if (run->archived == 1)
		fprintf(stderr, "iodrill: not stored in the results archive (--no-archive)\n");
	else if (run->archived == -ENODATA)
		fprintf(stderr, "iodrill: nothing stored in the results archive: %s\n",
			run->archive_err);
	else if (run->archived < 0)
		idr_err("%s: not stored in the results archive: %s", run->command,
			run->archive_err);
}

int idr_run_epilogue(struct idr_run *run, const char *png)
{
	char err[512];

	if (png && png[0])
		fprintf(stderr, "iodrill: chart: %s\n", png);
	idr_run_archive_say(run);
	if (idr_run_manifest(run, err, sizeof(err)))
		idr_err("%s: %s", run->command, err);
	if (run->keep)
		fprintf(stderr, "iodrill: the run's files are in %s\n", run->dir);
	return run->archived < 0 && run->archived != -ENODATA;
}

int idr_run_interrupted(struct idr_run *run, const char *target)
{
	int sig = idr_run_stopped();
	bool asked = run->keep;

	run->keep = false;
	idr_run_archive(run, target, "interrupted");
	fprintf(stderr, "\niodrill: %s stopped by %s: %s %s%s\n", run->command, strsignal(sig),
		run->keep ? "its files are kept in" : "removed", run->dir,
		asked && !run->keep ? " (it was to be kept)" : "");
	idr_run_archive_say(run);
	return 128 + sig;
}

void idr_run_png_name(const struct idr_run *run, char *buf, size_t len)
{
	char stamp[32];

	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&run->started));
	snprintf(buf, len, "iodrill-%s-%s.png", run->command, stamp);
}

struct json_object *idr_run_archive_json(const struct idr_run *run)
{
	struct json_object *o;

	if (!run->archive_done)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "stored", json_object_new_boolean(run->archived == 0));
	if (run->archived == 0) {
		json_object_object_add(o, "id", jstr(run->stored.id));
		json_object_object_add(o, "device", jstr(run->stored.device));
		json_object_object_add(o, "path", jstr(run->stored.path));
		json_object_object_add(o, "status", jstr(run->archived_status));
	} else {
		json_object_object_add(o, "why",
				       jstr(run->archived == 1 ? "--no-archive"
							       : run->archive_err));
	}
	json_object_object_add(o, "results", run->archive_dir[0] ? jstr(run->archive_dir) : NULL);
	return o;
}

/* ---- the end ----------------------------------------------------------------------------- */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void idr_run_end(struct idr_run *run)
{
	unsigned int i;

	if (run->dir[0] && !run->keep)
		nftw(run->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	if (run->dir[0])
		signals_give_back();
	for (i = 0; i < run->nr_calls; i++)
		free_argv(run->calls[i].argv);
	free(run->calls);
	json_object_put(run->facts);
	memset(run, 0, sizeof(*run));
}

/* ---- fio itself -------------------------------------------------------------------------- */

/* The first line `fio --version` prints, or "" when it cannot run (127: not found). */
static int fio_version(char *line, size_t len)
{
	int p[2], status = 0;
	ssize_t n = 0, got = 0;
	pid_t pid;

	line[0] = '\0';
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid == 0) {
		const char *fio = idr_fio_path();

		dup2(p[1], 1);
		execlp(fio, fio, "--version", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && got < (ssize_t)len - 1 &&
	       ((n = read(p[0], line + got, len - 1 - (size_t)got)) > 0 ||
		(n < 0 && errno == EINTR)))
		got += n > 0 ? n : 0;
	close(p[0]);
	line[got] = '\0';
	line[strcspn(line, "\n")] = '\0';
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return pid < 0 ? -EAGAIN : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int idr_fio_check(char *err, size_t errlen)
{
	char line[256];
	int ret = fio_version(line, sizeof(line));

	if (ret || !line[0]) {
		snprintf(err, errlen,
			 "fio not found or not runnable at %s: install it (apt-get "
			 "install fio) or point IODRILL_FIO at it",
			 idr_fio_path());
		return -ENOENT;
	}
	if (strcmp(line, IDR_FIO_VERSION)) {
		snprintf(err, errlen,
			 "%s is %s, but the engines were built for %s: re-run "
			 "./configure && make",
			 idr_fio_path(), line, IDR_FIO_VERSION);
		return -EPROTO;
	}
	return 0;
}
