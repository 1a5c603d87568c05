/*
 * fleet.c - hosts, one iodrill per host, and remote mode: fio calls sent to one host's
 * `fio --server` through fio's own client (fleet.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/fiojson.h"
#include "archive/identity.h"
#include "blkdev.h"
#include "idr_build.h"
#include "iodrill.h"
#include "remote.h"
#include "run/drilltarget.h"
#include "run/fleet.h"
#include "run/profile.h"
#include "run/run.h"

/* ---- hosts ------------------------------------------------------------------------------- */

/* Characters of a host name or an IPv4/IPv6 address. */
static bool host_chars(const char *s, size_t n, bool v6)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(v6 ? ":.%" : ".-_", s[i]))
			return false;
	return n > 0;
}

static bool is_ipv4(const char *s, size_t n)
{
	return strspn(s, "0123456789.") == n;
}

/* Split spec into host (into buf) and port. Returns 0 or -EINVAL (err says). */
static int split_spec(const char *spec, char *host, size_t hlen, unsigned int *port, bool *v6,
		      char *err, size_t errlen)
{
	const char *h = spec, *p = NULL, *end;
	unsigned long long v = IDR_FIO_PORT;

	*v6 = spec[0] == '[' || strchr(spec, ':') != strrchr(spec, ':');
	if (spec[0] == '[') {
		end = strchr(spec, ']');
		if (!end || (end[1] && end[1] != ':')) {
			snprintf(err, errlen, "'%s': an IPv6 address goes in brackets, then :PORT",
				 spec);
			return -EINVAL;
		}
		h = spec + 1;
		p = end[1] ? end + 2 : NULL;
	} else {
		end = *v6 ? spec + strlen(spec) : strchrnul(spec, ':');
		p = *end ? end + 1 : NULL;
	}
	if ((size_t)(end - h) >= hlen || !host_chars(h, (size_t)(end - h), *v6)) {
		snprintf(err, errlen,
			 "'%s' is not host[:port] (a host name or address, then "
			 "optionally :PORT)",
			 spec);
		return -EINVAL;
	}
	snprintf(host, hlen, "%.*s", (int)(end - h), h);
	if (p && idr_parse_uint(p, 1, 65535, &v)) {
		snprintf(err, errlen, "'%s': the port must be a number 1-65535", spec);
		return -EINVAL;
	}
	*port = (unsigned int)v;
	return 0;
}

int idr_fleet_add(struct idr_fleet *f, const char *spec, char *err, size_t errlen)
{
	struct idr_host h = { 0 }, *grown;
	char host[256];
	unsigned int port, i;
	bool v6;
	int ret = split_spec(spec, host, sizeof(host), &port, &v6, err, errlen);

	if (ret)
		return ret;
	snprintf(h.spec, sizeof(h.spec), "%s", spec);
	snprintf(h.client, sizeof(h.client), "%s%s,%u",
		 v6			       ? "ip6:"
		 : is_ipv4(host, strlen(host)) ? "ip:"
					       : "",
		 host, port);
	idr_devid_sanitize(spec, h.label, sizeof(h.label));
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].client, h.client) && strcmp(f->v[i].label, h.label))
			continue;
		snprintf(err, errlen, "host %s is named twice (as %s)", spec, f->v[i].spec);
		return -EINVAL;
	}
	if (f->n >= IDR_FLEET_MAX) {
		snprintf(err, errlen, "more than %d hosts", IDR_FLEET_MAX);
		return -E2BIG;
	}
	grown = realloc(f->v, (f->n + 1) * sizeof(*grown));
	if (!grown) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	f->v = grown;
	f->v[f->n++] = h;
	return 0;
}

/* One line of a hosts file, its comment and blanks cut off, into buf. */
static void host_line(const char *line, char *buf, size_t len)
{
	size_t n;

	line += strspn(line, " \t");
	n = strcspn(line, "#\r\n");
	while (n && isspace((unsigned char)line[n - 1]))
		n--;
	snprintf(buf, len, "%.*s", (int)n, line);
}

int idr_fleet_load(struct idr_fleet *f, const char *path, char *err, size_t errlen)
{
	FILE *in = fopen(path, "re");
	char line[1024], spec[1024], why[512];
	unsigned int nr = 0, before = f->n;
	int ret = 0;

	if (!in) {
		ret = -errno;
		snprintf(err, errlen, "--hosts %s: %s", path, strerror(errno));
		return ret;
	}
	f->from_file = true;
	while (!ret && fgets(line, sizeof(line), in)) {
		nr++;
		host_line(line, spec, sizeof(spec));
		if (spec[0] && strpbrk(spec, " \t")) {
			snprintf(err, errlen, "--hosts %s line %u: one host[:port] a line ('%s')",
				 path, nr, spec);
			ret = -EINVAL;
		} else if (spec[0] && (ret = idr_fleet_add(f, spec, why, sizeof(why)))) {
			snprintf(err, errlen, "--hosts %s line %u: %s", path, nr, why);
		}
	}
	fclose(in);
	if (!ret && f->n == before) {
		snprintf(err, errlen, "--hosts %s names no host (one host[:port] a line)", path);
		ret = -EINVAL;
	}
	return ret;
}

int idr_fleet_opt(const char *cmd, bool file, const char *arg, struct idr_fleet *f)
{
	char err[1024];
	int ret = file ? idr_fleet_load(f, arg, err, sizeof(err))
		       : idr_fleet_add(f, arg, err, sizeof(err));

	if (ret)
		idr_err("%s: %s%s", cmd, file ? "" : "--host ", err);
	return ret;
}

void idr_fleet_free(struct idr_fleet *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* ---- one iodrill per host ---------------------------------------------------------------- */

static void close_all(int *fds, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int idr_fleet_spawn(struct idr_run *run, char **const *argvs, const char *const *outs,
		    const char *const *logs, unsigned int n,
		    void (*done)(void *arg, unsigned int i, int status), void *arg)
{
	int *fds = malloc(2 * (n ? n : 1) * sizeof(*fds)), *st = calloc(n ? n : 1, sizeof(*st));
	unsigned int i;
	int ret = 0;

	(void)run; /* the signals it took are the ones passed on */
	if (!fds || !st) {
		free(fds);
		free(st);
		return -ENOMEM;
	}
	for (i = 0; i < 2 * n; i++)
		fds[i] = -1;
	for (i = 0; !ret && i < n; i++) {
		fds[i] = open(outs[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		fds[n + i] = open(logs[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fds[i] < 0 || fds[n + i] < 0)
			ret = -errno;
	}
	/* 30 s: a host's iodrill stores what ran before it ends, and its fio client first
	 * waits for the server to stop the jobs */
	if (!ret)
		ret = idr_run_spawn(argvs, fds, fds + n, n, 30, done, arg, st);
	close_all(fds, 2 * n);
	free(fds);
	free(st);
	return ret;
}

/* ---- remote mode: the state --------------------------------------------------------------- */

static struct {
	struct idr_run *run;
	struct idr_host host;
	bool on;
	struct json_object *where; /* the latest where object the engines sent */
	char lost[600];		   /* why the host is gone for this run, "" while it is not */
} remote;

void idr_remote_begin(struct idr_run *run, const struct idr_host *h)
{
	idr_remote_end();
	remote.run = run;
	remote.host = *h;
	remote.on = true;
}

const struct idr_host *idr_remote_host(void)
{
	return remote.on ? &remote.host : NULL;
}

void idr_remote_end(void)
{
	json_object_put(remote.where);
	memset(&remote, 0, sizeof(remote));
}

struct json_object *idr_remote_where(void)
{
	return remote.where;
}

/* ---- remote mode: a call's command line ---------------------------------------------------- */

/* fio sends these to the server itself (FIO_CLIENT_FLAG in fio's init.c): they stay on
 * the command line. Every other option goes into the job file. */
static bool client_option(const char *arg)
{
	return !strcmp(arg, "--readonly") || !strncmp(arg, "--section=", 10);
}

/*
 * The job file's copy, with every option of args fio does not send itself in it; and with
 * sidecar, sidecar=/dev/null: the engines send their line back through fio's log only to a
 * job that asks for a sidecar, whose file would stay on the server (remote.h).
 */
static int write_job_copy(const char *dst, const char *src, const char *const *args, bool sidecar,
			  char *err, size_t errlen)
{
	const char *sets[IDR_ARGS_MAX + 1];
	unsigned int n = 0;

	for (; *args && n < IDR_ARGS_MAX; args++)
		if (!strncmp(*args, "--", 2) && !client_option(*args))
			sets[n++] = *args + 2;
	if (sidecar)
		sets[n++] = "sidecar=/dev/null";
	return idr_profile_prepend(src, dst, sets, n, err, errlen);
}

/* The job file among args (the one argument that is no option). Returns it, or NULL. */
static const char *job_file(const char *const *args, char *err, size_t errlen)
{
	const char *job = NULL;

	for (; *args; args++) {
		if (strchr(*args, '\n')) {
			snprintf(err, errlen,
				 "a value with a newline cannot go into a job file: '%s'", *args);
			return NULL;
		}
		if (strncmp(*args, "--", 2) && job) {
			snprintf(err, errlen, "two job files (%s, %s): fio --client sends one", job,
				 *args);
			return NULL;
		}
		if (strncmp(*args, "--", 2))
			job = *args;
	}
	if (!job)
		snprintf(err, errlen, "no job file: fio --client sends job files only");
	return job;
}

static char *dup_arg(const char *fmt, const char *a, const char *b)
{
	char *s = NULL;

	return asprintf(&s, fmt, a, b) < 0 ? NULL : s;
}

char **idr_remote_argv(const struct idr_run *run, const char *label, const char *const *args,
		       bool sidecar, char *err, size_t errlen)
{
	char json[PATH_MAX], copy[PATH_MAX];
	const char *job = job_file(args, err, errlen);
	unsigned int n = 0, i = 0;
	char **v;

	if (!job)
		return NULL;
	idr_run_path(run, label, ".json", json, sizeof(json));
	idr_run_path(run, label, ".fio", copy, sizeof(copy));
	if (write_job_copy(copy, job, args, sidecar, err, errlen))
		return NULL;
	while (args[n])
		n++;
	v = calloc(n + 6, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v[i++] = strdup(idr_fio_path());
	v[i++] = strdup("--output-format=json");
	v[i++] = dup_arg("--output=%s%s", json, "");
	/* options after --client=H are that client's: fio passes them on to its server */
	v[i++] = dup_arg("--client=%s%s", remote.host.client, "");
	for (n = 0; args[n]; n++)
		if (client_option(args[n]))
			v[i++] = strdup(args[n]);
	v[i++] = strdup(copy);
	for (n = 0; n < i; n++)
		if (!v[n]) {
			for (n = 0; n < i; n++)
				free(v[n]);
			free(v);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
	return v;
}

/* ---- remote mode: what came back ------------------------------------------------------------ */

/* The text of a line fio's client printed for its server: after "<server name> ". */
static const char *server_text(const char *line)
{
	const char *gt;

	if (line[0] == '<' && (gt = strstr(line, "> ")))
		return gt + 2;
	return line;
}

/* Keep obj as the latest where object: the host's facts and the target's identity. */
static void keep_where(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return;
	}
	json_object_put(remote.where);
	remote.where = o;
}

/* Write text to <label><ext> (replacing it). Returns 0 or -errno. */
static int write_part(const struct idr_run *run, const char *label, const char *ext,
		      const char *text, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	int ret = 0;

	idr_run_path(run, label, ext, path, sizeof(path));
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fwrite(text, 1, len, f) != len)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

int idr_remote_collect(const struct idr_run *run, const char *label)
{
	size_t ns = strlen(IDR_REMOTE_SIDECAR), nw = strlen(IDR_REMOTE_WHERE), len, cap = 0;
	char path[PATH_MAX], *text = NULL, *line, *save = NULL, *sc = NULL;
	const char *t, *where = NULL;
	FILE *out;
	int ret, lines = 0;

	idr_run_path(run, label, ".json", path, sizeof(path));
	ret = idr_read_file(path, &text, &len);
	if (ret)
		return ret;
	out = open_memstream(&sc, &cap);
	if (!out) {
		free(text);
		return -ENOMEM;
	}
	/* fio prints its servers' text ahead of its JSON; the JSON has no such lines */
	for (line = strtok_r(text, "\n", &save); line && line[0] != '{';
	     line = strtok_r(NULL, "\n", &save)) {
		t = server_text(line);
		if (!strncmp(t, IDR_REMOTE_SIDECAR, ns)) {
			fprintf(out, "%s\n", t + ns);
			lines++;
		} else if (!strncmp(t, IDR_REMOTE_WHERE, nw)) {
			where = t + nw;
		}
	}
	fclose(out);
	if (where) {
		keep_where(where);
		ret = write_part(run, label, ".where", where, strlen(where));
	}
	if (!ret && lines)
		ret = write_part(run, label, ".sidecar", sc, strlen(sc));
	free(sc);
	free(text);
	return ret ? ret : lines;
}

/* The first line of file path containing any of needles (NULL-terminated), into buf
 * (without the server prefix). Returns true when found. */
static bool find_line(const char *path, const char *const *needles, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "re");
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		for (const char *const *n = needles; *n && !found; n++)
			found = strstr(line, *n) != NULL;
		if (found)
			idr_strcpy(buf, len, server_text(line));
	}
	if (f)
		fclose(f);
	return found;
}

/* The first line of fio's output file or messages that matches needles (or, with none
 * matching and any set, the first that says something). */
static bool said(const struct idr_run *run, const char *label, const char *const *needles,
		 char *buf, size_t len)
{
	static const char *const any[] = { "fio", "iodrill", "error", "rror", NULL };
	char path[PATH_MAX];
	const char *const *n = needles ? needles : any;

	idr_run_path(run, label, ".err", path, sizeof(path));
	if (find_line(path, n, buf, len))
		return true;
	idr_run_path(run, label, ".json", path, sizeof(path));
	return find_line(path, n, buf, len);
}

/*
 * Why call label failed on the host, into buf. Returns true when the host is gone for
 * this run (it does not answer, stopped answering, or speaks another protocol): no
 * further call can reach it.
 */
static bool classify(const struct idr_run *run, const char *label, int status, char *buf,
		     size_t len)
{
	static const char *const mismatch[] = { "version mismatch", NULL };
	static const char *const refused[] = { "failed to connect", "connect:", NULL };
	static const char *const lost[] = { "disconnected", "timeout on", NULL };
	static const char *const engine[] = { "ioops version", "not loadable", "load engine",
					      NULL };
	const char *h = remote.host.spec;
	char line[400];

	if (said(run, label, mismatch, line, sizeof(line))) {
		snprintf(buf, len,
			 "host %s runs another fio build (%s): client and server must be "
			 "the same fio build; this one is %s",
			 h, line, IDR_FIO_VERSION);
		return true;
	}
	if (said(run, label, refused, line, sizeof(line))) {
		snprintf(buf, len,
			 "host %s does not answer (%s): is `fio --server` running there, "
			 "on that port, and reachable from here?",
			 h, line);
		return true;
	}
	if (said(run, label, lost, line, sizeof(line))) {
		snprintf(buf, len, "host %s stopped answering during the run (%s)", h, line);
		return true;
	}
	if (said(run, label, engine, line, sizeof(line)))
		snprintf(buf, len,
			 "host %s cannot load the engine (%s): install this iodrill build "
			 "there, at the same path",
			 h, line);
	else if (said(run, label, NULL, line, sizeof(line)))
		snprintf(buf, len, "host %s: fio exited %d: %s", h, status, line);
	else
		snprintf(buf, len, "host %s: fio exited %d and said nothing", h, status);
	return false;
}

void idr_remote_why(const struct idr_run *run, const char *label, int status, char *buf, size_t len)
{
	/* once the host is gone, later calls were never sent: the first failure says why */
	if (status < 0 && remote.lost[0])
		snprintf(buf, len, "%s", remote.lost);
	else
		classify(run, label, status, buf, len);
}

void idr_remote_failed(const struct idr_run *run, const char *label, int status)
{
	char why[sizeof(remote.lost)];

	if (!remote.lost[0] && classify(run, label, status, why, sizeof(why)))
		snprintf(remote.lost, sizeof(remote.lost), "%s", why);
}

bool idr_remote_gone(void)
{
	return remote.on && remote.lost[0];
}

/* ---- remote mode: TARGET -------------------------------------------------------------------- */

/* The probe: the nil engine names arg as its file, touches nothing, and the core sends
 * back what arg is on the host. Returns fio's exit status, -EINTR or -errno. */
static int probe(const char *arg, char *err, size_t errlen)
{
	struct idr_args a = { .n = 0 };
	char job[PATH_MAX], nil[PATH_MAX];
	FILE *f;
	int st;

	if (idr_engine_path("nil", nil, sizeof(nil))) {
		snprintf(err, errlen,
			 "engines/nil.so is not built (run make): the probe of a "
			 "host runs it");
		return -ENOENT;
	}
	idr_run_path(remote.run, "probe-job", ".fio", job, sizeof(job));
	f = fopen(job, "wxe");
	if (f)
		fputs("; iodrill: what TARGET is on the host (the nil engine touches nothing)\n"
		      "[probe]\nrw=read\nbs=4k\nsize=4k\nnumber_ios=1\n",
		      f);
	if (!f || fclose(f)) {
		snprintf(err, errlen, "cannot write %s: %s", job, strerror(errno));
		return -EIO;
	}
	idr_args_add(&a, "--ioengine=external:%s", nil);
	idr_args_add(&a, "--filename=%s", arg);
	idr_args_add(&a, "--readonly");
	idr_args_add(&a, "%s", job);
	st = idr_run_fio_aside(remote.run, "probe", &a, true);
	if (st > 0)
		idr_remote_why(remote.run, "probe", st, err, errlen);
	else if (st < 0 && st != -EINTR)
		snprintf(err, errlen, "host %s: cannot run fio: %s", remote.host.spec,
			 strerror(-st));
	return st;
}

/* The engines there must be this build: their counters mean what this iodrill reads. */
static int same_build(char *err, size_t errlen)
{
	struct idr_sidecar sc;
	char path[PATH_MAX], why[256];
	int ret = 0;

	idr_run_path(remote.run, "probe", ".sidecar", path, sizeof(path));
	if (idr_sidecar_load(path, &sc, why, sizeof(why)) || !sc.nr) {
		snprintf(err, errlen,
			 "host %s sent no counters back: its engines are not iodrill's "
			 "(or older than fleet support)",
			 remote.host.spec);
		return -EPROTO;
	}
	if (strcmp(sc.jobs[0].build ?: "", IDR_BUILD) ||
	    strcmp(sc.jobs[0].fio_version ?: "", IDR_FIO_VERSION)) {
		snprintf(err, errlen,
			 "host %s runs engine build %s for %s; this iodrill is %s for "
			 "%s: install the same iodrill build on every host",
			 remote.host.spec, sc.jobs[0].build ?: "?", sc.jobs[0].fio_version ?: "?",
			 IDR_BUILD, IDR_FIO_VERSION);
		ret = -EPROTO;
	}
	idr_sidecar_free(&sc);
	return ret;
}

static void copy_str(char *dst, size_t len, struct json_object *o, const char *key)
{
	snprintf(dst, len, "%s", idr_json_str(o, key) ?: "");
}

/* t from what the probe said arg is on the host. Returns 0 or -errno (err says). */
static int fill_target(const char *arg, struct json_object *tj, struct idr_drill_target *t,
		       char *err, size_t errlen)
{
	const char *type = idr_json_str(tj, "type") ?: "missing", *h = remote.host.spec;

	t->size = idr_json_u64(tj, "size_bytes");
	t->direct = json_object_get_boolean(idr_json_get(tj, "direct"));
	copy_str(t->fstype, sizeof(t->fstype), tj, "fstype");
	copy_str(t->fsdev, sizeof(t->fsdev), tj, "fsdev");
	if (!strcmp(type, "file") || !strcmp(type, "block")) {
		t->kind = type[0] == 'f' ? IDR_DRILL_FILE : IDR_DRILL_BLOCK;
		snprintf(t->path, sizeof(t->path), "%s", arg);
		copy_str(t->ngdev, sizeof(t->ngdev), tj, "generic_device");
	} else if (!strcmp(type, "ngdev")) {
		t->kind = IDR_DRILL_NGDEV;
		snprintf(t->ngdev, sizeof(t->ngdev), "%s", arg);
		copy_str(t->path, sizeof(t->path), tj, "block_device");
	} else if (!strcmp(type, "missing")) {
		snprintf(err, errlen,
			 "TARGET %s does not exist on host %s (%s): give a file or "
			 "device that exists on every host; iodrill makes no files on other hosts",
			 arg, h, idr_json_str(tj, "error") ?: "?");
		return -ENOENT;
	} else {
		snprintf(err, errlen,
			 "TARGET %s on host %s is not a file, a block device or "
			 "/dev/ngXnY",
			 arg, h);
		return -EINVAL;
	}
	if (t->size < IDR_TARGET_MIN_BYTES && !(t->kind == IDR_DRILL_NGDEV && !t->path[0])) {
		snprintf(err, errlen,
			 "TARGET %s on host %s is %llu bytes: the drill reads 1,000 "
			 "different 4 KiB blocks, so it needs at least %llu",
			 arg, h, t->size, IDR_TARGET_MIN_BYTES);
		return -EINVAL;
	}
	return 0;
}

int idr_remote_target(const char *arg, struct idr_drill_target *t, char *err, size_t errlen)
{
	int ret;

	memset(t, 0, sizeof(*t));
	snprintf(t->arg, sizeof(t->arg), "%s", arg ? arg : "");
	if (!arg) {
		snprintf(err, errlen,
			 "a run on host %s needs TARGET: a file or device there (iodrill "
			 "makes no files on other hosts)",
			 remote.host.spec);
		return -EINVAL;
	}
	ret = probe(arg, err, errlen);
	if (ret)
		return ret > 0 ? -EHOSTUNREACH : ret;
	ret = idr_remote_collect(remote.run, "probe");
	if (ret >= 0)
		ret = same_build(err, errlen);
	else
		snprintf(err, errlen, "host %s: reading what the probe sent: %s", remote.host.spec,
			 strerror(-ret));
	if (!ret && !remote.where) {
		snprintf(err, errlen, "host %s did not say what %s is there (no where line)",
			 remote.host.spec, arg);
		ret = -EPROTO;
	}
	return ret ? ret : fill_target(arg, idr_json_get(remote.where, "target"), t, err, errlen);
}
