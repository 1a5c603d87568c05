/*
 * store.c - the results archive (archive.h): where it is, storing a run atomically,
 * and indexing and finding runs. Reading a run back is runfile.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "caps.h"
#include "archive/identity.h"
#include "idr_build.h"
#include "iodrill.h"

#define CHUNK (64u << 10) /* write size: a writer killed mid-file leaves a partial temp */
#define ATTEMPTS 16	  /* names tried before giving up (taken names, racing writers) */

/* Names, ids and paths are capped by design; a cut string is caught where it matters. */
#ifndef __clang__ /* clang has no such warning */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* ---- where the archive is ------------------------------------------------------------- */

static int copy_path(const char *s, char *buf, size_t len)
{
	if (strlen(s) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, s);
	return 0;
}

int idr_archive_dir(const char *opt, char *buf, size_t len)
{
	const char *env = getenv("IODRILL_RESULTS"), *home;
	char probe[PATH_MAX + 32];

	if (opt && *opt)
		return copy_path(opt, buf, len);
	if (env && *env)
		return copy_path(env, buf, len);
	/* a source tree: results/ beside the binary, known by its README */
	if (!idr_beside_self("results/README.md", probe, sizeof(probe))) {
		probe[strlen(probe) - strlen("/README.md")] = '\0';
		return copy_path(probe, buf, len);
	}
	env = getenv("XDG_DATA_HOME");
	if (env && *env) {
		snprintf(probe, sizeof(probe), "%s/iodrill/results", env);
		return copy_path(probe, buf, len);
	}
	home = getenv("HOME");
	if (!home || !*home)
		return -ENOENT;
	snprintf(probe, sizeof(probe), "%s/.local/share/iodrill/results", home);
	return copy_path(probe, buf, len);
}

/* ---- the inputs of a run ----------------------------------------------------------------- */

struct loaded {
	struct idr_result r; /* runs, sidecars, jobs: as the reader will see them */
	char **fio_text, **sc_text;
	size_t *fio_len, *sc_len;
};

static void loaded_free(struct loaded *l)
{
	unsigned int p, n = l->r.nr_parts;

	for (p = 0; l->fio_text && p < n; p++)
		free(l->fio_text[p]);
	for (p = 0; l->sc_text && p < n; p++)
		free(l->sc_text[p]);
	free(l->fio_text);
	free(l->sc_text);
	free(l->fio_len);
	free(l->sc_len);
	idr_result_free(&l->r);
}

static int load_part(const struct idr_run_part *part, unsigned int p, struct loaded *l, char *err,
		     size_t errlen)
{
	int ret;

	if (!part->fio_json) {
		snprintf(err, errlen, "part %u has no fio output file", p + 1);
		return -EINVAL;
	}
	ret = idr_fio_run_load(part->fio_json, &l->r.runs[p], err, errlen);
	if (!ret)
		ret = idr_read_file(part->fio_json, &l->fio_text[p], &l->fio_len[p]);
	if (ret)
		return ret;
	if (!part->sidecar)
		return 0;
	ret = idr_sidecar_load(part->sidecar, &l->r.sidecars[p], err, errlen);
	if (!ret)
		ret = idr_read_file(part->sidecar, &l->sc_text[p], &l->sc_len[p]);
	return ret;
}

static int load_inputs(const struct idr_run_input *in, struct loaded *l, char *err, size_t errlen)
{
	unsigned int p, n = in->nr_parts;
	int ret;

	l->r.runs = calloc(n, sizeof(*l->r.runs));
	l->r.sidecars = calloc(n, sizeof(*l->r.sidecars));
	l->fio_text = calloc(n, sizeof(*l->fio_text));
	l->sc_text = calloc(n, sizeof(*l->sc_text));
	l->fio_len = calloc(n, sizeof(*l->fio_len));
	l->sc_len = calloc(n, sizeof(*l->sc_len));
	if (!l->r.runs || !l->r.sidecars || !l->fio_text || !l->sc_text || !l->fio_len ||
	    !l->sc_len) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (p = 0; p < n; p++) {
		l->r.nr_parts = p + 1;
		ret = load_part(&in->parts[p], p, l, err, errlen);
		if (ret)
			return ret;
	}
	if (idr_result_build_jobs(&l->r)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int check_input(const struct idr_run_input *in, char *err, size_t errlen)
{
	const char *k = in->kind;

	if (!k || !*k || strlen(k) > 16 ||
	    strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(k)) {
		snprintf(err, errlen,
			 "run kind '%s' is not 1-16 of [a-z0-9_] (e.g. drill, tune, fio)",
			 k ? k : "(none)");
		return -EINVAL;
	}
	if (!in->nr_parts || !in->parts) {
		snprintf(err, errlen, "a run needs at least one fio output file");
		return -EINVAL;
	}
	if (in->status && strcmp(in->status, "complete") && strcmp(in->status, "interrupted") &&
	    strcmp(in->status, "failed")) {
		snprintf(err, errlen, "run status '%s' is not complete, interrupted or failed",
			 in->status);
		return -EINVAL;
	}
	return 0;
}

/*
 * The target when the caller gave none: "none" when every job ran an engine that touches
 * no device, else the one filename= (or directory=) all the other jobs used.
 */
static int derive_target(const struct loaded *l, char *buf, size_t len, char *err, size_t errlen)
{
	const char *first = NULL, *f;
	const struct idr_caps *c;
	unsigned int i;

	for (i = 0; i < l->r.nr_jobs; i++) {
		const struct idr_result_job *j = &l->r.jobs[i];
		const struct idr_fio_run *run = &l->r.runs[j->part];

		c = idr_caps_find(j->engine);
		if (c && idr_caps_floor(c))
			continue;
		f = idr_fio_run_opt(run, j->fio, "filename");
		if (!f)
			f = idr_fio_run_opt(run, j->fio, "directory");
		if (!f || strchr(f, ':')) {
			snprintf(err, errlen,
				 "job '%s' names %s: say which device or file the run "
				 "measured (--target)",
				 j->fio->name, f ? "several files" : "no filename=");
			return -EINVAL;
		}
		if (first && strcmp(first, f)) {
			snprintf(err, errlen,
				 "the jobs use different targets (%s, %s): say which "
				 "one the run measured (--target)",
				 first, f);
			return -EINVAL;
		}
		first = f;
	}
	snprintf(buf, len, "%s", first ? first : "none");
	return 0;
}

/* ---- provenance ------------------------------------------------------------------------ */

static void put(struct json_object *o, const char *key, struct json_object *v)
{
	if (v)
		json_object_object_add(o, key, v);
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *argv_json(int argc, char *const *argv)
{
	struct json_object *a;
	int i;

	if (argc <= 0 || !argv)
		return NULL;
	a = json_object_new_array();
	for (i = 0; a && i < argc; i++)
		json_object_array_add(a, json_object_new_string(argv[i] ? argv[i] : ""));
	return a;
}

/* Job options as fio applied them: the global ones, overridden by the job's own. */
static struct json_object *merged_options(const struct idr_fio_run *run,
					  const struct idr_fio_job *job)
{
	struct json_object *o = json_object_new_object();

	if (run->global_options && json_object_is_type(run->global_options, json_type_object)) {
		json_object_object_foreach(run->global_options, k, v)
			json_object_object_add(o, k, json_object_get(v));
	}
	if (job->options && json_object_is_type(job->options, json_type_object)) {
		json_object_object_foreach(job->options, k, v)
			json_object_object_add(o, k, json_object_get(v));
	}
	return o;
}

static struct json_object *jobs_json(const struct loaded *l)
{
	struct json_object *a = json_object_new_array(), *o;
	unsigned int i;

	for (i = 0; a && i < l->r.nr_jobs; i++) {
		const struct idr_result_job *j = &l->r.jobs[i];

		o = json_object_new_object();
		put(o, "part", json_object_new_int((int)j->part));
		put(o, "name", jstr(j->fio->name));
		put(o, "engine", jstr(j->engine));
		put(o, "rw", jstr(j->rw));
		put(o, "bs", jstr(j->bs));
		put(o, "iodepth", json_object_new_int((int)j->iodepth));
		put(o, "error", json_object_new_int(j->fio->error));
		put(o, "sidecar_lines", json_object_new_int((int)j->sc_lines));
		/* What the guard said before writing: fio's log has it only in normal mode. */
		if (j->sc_lines)
			put(o, "guard", jstr(idr_json_str(j->sc.engine_facts, "guard")));
		put(o, "options", merged_options(&l->r.runs[j->part], j->fio));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *find_engine(struct json_object *engines, const char *name)
{
	size_t i;

	for (i = 0; i < json_object_array_length(engines); i++) {
		struct json_object *e = json_object_array_get_idx(engines, i);

		if (!strcmp(idr_json_str(e, "name") ?: "", name))
			return e;
	}
	return NULL;
}

static const char *facts_text(struct json_object *facts)
{
	return facts ? json_object_to_json_string_ext(facts, JSON_C_TO_STRING_PLAIN) : "{}";
}

/* One entry per engine: its build and engines.tbl row from the sidecar, the engine facts
 * (ring flags in effect, fallbacks taken), and whether they differed between its jobs. */
static void engine_from_line(struct json_object *engines, const struct idr_sidecar_job *l)
{
	static const char *const row[] = { "build", "fio", "kind", "twin", "target" };
	struct json_object *e = find_engine(engines, l->engine), *prev;
	unsigned int i;

	if (e) {
		prev = idr_json_get(e, "facts");
		if (strcmp(facts_text(prev), facts_text(l->engine_facts)) ||
		    strcmp(idr_json_str(e, "build") ?: "", l->build ?: ""))
			put(e, "differs_between_jobs", json_object_new_boolean(1));
		return;
	}
	e = json_object_new_object();
	put(e, "name", jstr(l->engine));
	for (i = 0; i < sizeof(row) / sizeof(row[0]); i++)
		put(e, row[i], jstr(idr_json_str(l->root, row[i])));
	put(e, "facts",
	    l->engine_facts ? json_object_get(l->engine_facts) : json_object_new_object());
	json_object_array_add(engines, e);
}

static struct json_object *engines_json(const struct loaded *l)
{
	struct json_object *a = json_object_new_array(), *e;
	unsigned int p, i;

	for (p = 0; p < l->r.nr_parts; p++)
		for (i = 0; i < l->r.sidecars[p].nr; i++)
			engine_from_line(a, &l->r.sidecars[p].jobs[i]);
	for (i = 0; i < l->r.nr_jobs; i++) {
		const struct idr_result_job *j = &l->r.jobs[i];

		if (j->sc_lines || find_engine(a, j->engine))
			continue;
		/* fio's built-in engine (a twin), or ours without its sidecar */
		e = json_object_new_object();
		put(e, "name", jstr(j->engine));
		if (idr_caps_find(j->engine)) {
			put(e, "no_sidecar", json_object_new_boolean(1));
		} else {
			put(e, "fio_builtin", json_object_new_boolean(1));
			put(e, "build", jstr(l->r.runs[j->part].fio_version));
		}
		json_object_array_add(a, e);
	}
	return a;
}

/* Text fio printed outside its JSON object (warnings, errors), kept with the part. */
static struct json_object *fio_messages(const char *text, size_t len, const struct idr_fio_run *run)
{
	size_t after = run->json_end <= len ? len - run->json_end : 0, n;
	struct json_object *o;
	char *buf;

	while (after && strchr(" \t\r\n", text[len - after]) && text[len - after])
		after--;
	if (!run->json_start && !after)
		return NULL;
	buf = malloc(run->json_start + after + 1);
	if (!buf)
		return NULL;
	memcpy(buf, text, run->json_start);
	memcpy(buf + run->json_start, text + len - after, after);
	n = run->json_start + after;
	o = json_object_new_string_len(buf, (int)n);
	free(buf);
	return o;
}

static struct json_object *parts_json(const struct idr_run_input *in, const struct loaded *l)
{
	struct json_object *a = json_object_new_array(), *o;
	unsigned int p;

	for (p = 0; a && p < in->nr_parts; p++) {
		o = json_object_new_object();
		put(o, "label", jstr(in->parts[p].label));
		put(o, "fio_json", jstr(in->parts[p].fio_json));
		put(o, "sidecar", jstr(in->parts[p].sidecar));
		put(o, "fio_messages", fio_messages(l->fio_text[p], l->fio_len[p], &l->r.runs[p]));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *target_json(const char *target, const struct idr_devid *id,
				       struct json_object *where)
{
	struct json_object *o = json_object_new_object();
	const char *remote = idr_json_str(idr_json_get(where, "target"), "realpath");
	char real[PATH_MAX];

	put(o, "path", jstr(target));
	/* on a fleet host the path is the host's: what it resolved to there */
	if (where && remote && strcmp(remote, target))
		put(o, "realpath", jstr(remote));
	else if (!where && strcmp(target, "none") && realpath(target, real) && strcmp(real, target))
		put(o, "realpath", jstr(real));
	put(o, "device_type", jstr(id->type));
	return o;
}

/* The host the run ran on: this one, or a fleet host's facts as its engines sent them. */
static struct json_object *host_json(const struct idr_run_input *in)
{
	struct json_object *h = NULL;

	if (!in->host)
		return idr_prov_host();
	if (json_object_deep_copy(idr_json_get(in->where, "host"), &h, NULL) || !h ||
	    !json_object_is_type(h, json_type_object)) {
		json_object_put(h);
		h = json_object_new_object();
	}
	put(h, "fleet_host", jstr(in->host));
	return h;
}

static const char *derive_status(const struct idr_run_input *in, const struct loaded *l)
{
	unsigned int i;

	if (in->status)
		return in->status;
	for (i = 0; i < l->r.nr_jobs; i++)
		if (l->r.jobs[i].fio->error)
			return "failed";
	return "complete";
}

struct store {
	const struct idr_run_input *in;
	const struct idr_store_opts *opts;
	struct loaded l;
	struct idr_devid dev;
	char target[PATH_MAX];
	int64_t time_ms;
	struct json_object *prov;
	char devname[IDR_DEVICE_NAME_MAX];
	char id[IDR_RUN_ID_MAX];
};

/* A fleet host's run is filed under the identity its engines sent (made there by
 * idr_devid_identify); any other under the one found here. Returns 0 or -errno. */
static int identify(const struct store *s, struct idr_devid *dev, char *err, size_t errlen)
{
	struct json_object *d = idr_json_get(s->in->where, "device");
	char why[512];
	int ret;

	if (!s->in->host || !strcmp(s->target, "none"))
		return idr_devid_identify(s->target, dev, err, errlen);
	if (!d) {
		snprintf(err, errlen, "host %s could not tell which device %s is there: %s",
			 s->in->host, s->target,
			 idr_json_str(s->in->where, "device_error")
				 ?: "it "
				    "sent no identity");
		return -ENODATA;
	}
	ret = idr_devid_from_json(d, dev, why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "host %s: %s", s->in->host, why);
	return ret;
}

static struct json_object *build_prov(struct store *s)
{
	struct json_object *p = json_object_new_object(), *o, *versions;
	char when[40];
	unsigned int i;

	if (!p)
		return NULL;
	put(p, "id", jstr(s->id));
	put(p, "kind", jstr(s->in->kind));
	put(p, "status", jstr(derive_status(s->in, &s->l)));
	put(p, "time", jstr(idr_time_iso(s->time_ms, when, sizeof(when))));
	put(p, "time_ms", json_object_new_int64(s->time_ms));
	put(p, "archived", jstr(idr_time_iso(idr_now_ms(), when, sizeof(when))));
	put(p, "command", argv_json(s->in->argc, s->in->argv));
	put(p, "note", jstr(s->in->note));
	put(p, "facts", s->in->facts ? json_object_get(s->in->facts) : NULL);
	put(p, "target", target_json(s->target, &s->dev, s->in->host ? s->in->where : NULL));
	o = json_object_get(s->dev.json);
	put(o, "name", jstr(s->devname));
	put(p, "device", o);
	put(p, "host", host_json(s->in));
	put(p, "client", s->in->host ? idr_prov_host() : NULL);
	o = json_object_new_object();
	put(o, "build", jstr(IDR_BUILD));
	put(o, "fio_built_for", jstr(IDR_FIO_VERSION));
	put(p, "iodrill", o);
	o = json_object_new_object();
	versions = json_object_new_array();
	for (i = 0; i < s->l.r.nr_parts; i++) {
		const char *v = s->l.r.runs[i].fio_version;
		size_t k, dup = 0;

		for (k = 0; k < json_object_array_length(versions); k++)
			dup |= !strcmp(json_object_get_string(
					       json_object_array_get_idx(versions, k)),
				       v);
		if (!dup)
			json_object_array_add(versions, json_object_new_string(v));
	}
	put(o, "version", jstr(s->l.r.runs[0].fio_version));
	put(o, "versions", versions);
	put(p, "fio", o);
	put(p, "engines", engines_json(&s->l));
	put(p, "jobs", jobs_json(&s->l));
	put(p, "parts", parts_json(s->in, &s->l));
	return p;
}

/* ---- the result file's text ------------------------------------------------------------- */

/* One sidecar file's lines, each as the engine wrote it, as a JSON array. */
static void sidecar_lines(FILE *f, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	size_t n;
	int first = 1;

	fputc('[', f);
	for (; text && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		n = (size_t)(nl - p);
		while (n && strchr(" \t\r", p[n - 1]))
			n--;
		if (!n)
			continue;
		fputs(first ? "\n" : ",\n", f);
		fwrite(p, 1, n, f);
		first = 0;
	}
	fputc(']', f);
}

/* The file: provenance, then each fio output and sidecar line byte for byte. Returns a
 * malloc'd text, or NULL when out of memory. */
static char *serialize(struct store *s, size_t *len)
{
	const char *prov;
	char *buf = NULL;
	unsigned int p;
	FILE *f;

	json_object_object_add(s->prov, "id", json_object_new_string(s->id));
	prov = json_object_to_json_string_ext(s->prov, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE);
	f = open_memstream(&buf, len);
	if (!f || !prov) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	fprintf(f, "{\n\"iodrill_result\": %d,\n\"provenance\": %s,\n\"fio\": [\n",
		IDR_RESULT_FORMAT, prov);
	for (p = 0; p < s->l.r.nr_parts; p++) {
		const struct idr_fio_run *run = &s->l.r.runs[p];

		fputs(p ? ",\n" : "", f);
		fwrite(s->l.fio_text[p] + run->json_start, 1, run->json_end - run->json_start, f);
	}
	fputs("\n],\n\"sidecar\": [\n", f);
	for (p = 0; p < s->l.r.nr_parts; p++) {
		fputs(p ? ",\n" : "", f);
		sidecar_lines(f, s->l.sc_text[p], s->l.sc_len[p]);
	}
	fputs("\n]\n}\n", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- atomic placement ---------------------------------------------------------------------- */

static unsigned int suffix(const struct store *s)
{
	unsigned int v = 0;

	if (s->opts && s->opts->suffix)
		return s->opts->suffix(s->opts->arg);
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (unsigned int)idr_now_ms() ^ (unsigned int)getpid() * 2654435761u;
	return v;
}

static int write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len < CHUNK ? len : CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A new file name in dfd, created exclusively (never through a planted symlink), written
 * and fsync'd. Returns 0, or -errno with the file removed. */
static int write_new(int dfd, const char *name, const char *data, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int ret;

	if (fd < 0)
		return -errno;
	ret = write_all(fd, data, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (ret)
		unlinkat(dfd, name, 0);
	return ret;
}

/* data under a fresh temporary name in dfd (.tmp-*, which no reader looks at). */
static int write_temp(const struct store *s, int dfd, const char *data, size_t len, char *tmp,
		      size_t tmplen)
{
	int ret = -EEXIST, i;

	for (i = 0; i < ATTEMPTS && ret == -EEXIST; i++) {
		snprintf(tmp, tmplen, ".tmp-%d-%08x", (int)getpid(), suffix(s));
		ret = write_new(dfd, tmp, data, len);
	}
	return ret;
}

/* Rename, never replacing: RENAME_NOREPLACE, or where the filesystem lacks it, a hard
 * link (which fails on an existing name) then unlink. Files only. Returns 0 or -errno. */
static int move_noreplace(const struct store *s, int from, const char *old, int to, const char *new)
{
	if (!(s->opts && s->opts->no_renameat2)) {
		if (!renameat2(from, old, to, new, RENAME_NOREPLACE))
			return 0;
		if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -errno;
	}
	if (linkat(from, old, to, new, 0))
		return -errno;
	unlinkat(from, old, 0);
	return 0;
}

static int fsync_dir(int dfd)
{
	return fsync(dfd) && errno != EINVAL ? -errno : 0;
}

/* A run id whose file is free in dfd (-1: a device folder still to be made). */
static void pick_id(struct store *s, int dfd)
{
	char file[IDR_RUN_ID_MAX + 8];
	int i;

	for (i = 0; i < ATTEMPTS; i++) {
		idr_run_id_make(s->time_ms, s->in->kind, suffix(s), s->id, sizeof(s->id));
		snprintf(file, sizeof(file), "%s.json", s->id);
		if (dfd < 0 || faccessat(dfd, file, F_OK, AT_SYMLINK_NOFOLLOW))
			return;
	}
}

/* Into an existing device folder: temp file, rename without replacing, fsync the folder.
 * Returns 0, -EEXIST (the name was taken meanwhile: try another) or -errno. */
static int place_existing(struct store *s, int adir, const char *data, size_t len)
{
	char tmp[64], file[IDR_RUN_ID_MAX + 8];
	int dfd = openat(adir, s->devname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int ret;

	if (dfd < 0)
		return -errno;
	snprintf(file, sizeof(file), "%s.json", s->id);
	ret = write_temp(s, dfd, data, len, tmp, sizeof(tmp));
	if (!ret) {
		ret = move_noreplace(s, dfd, tmp, dfd, file);
		if (ret)
			unlinkat(dfd, tmp, 0);
	}
	if (!ret)
		ret = fsync_dir(dfd);
	close(dfd);
	return ret;
}

/* Without renameat2 on a folder: make the folder (atomic, fails if it exists), then move
 * device.json and the run into it. Returns 0, -EEXIST or -errno. */
static int fill_new_folder(struct store *s, int adir, int tdir, const char *file)
{
	int dfd, ret;

	if (mkdirat(adir, s->devname, 0755))
		return -errno;
	dfd = openat(adir, s->devname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	ret = move_noreplace(s, tdir, "device.json", dfd, "device.json");
	if (!ret)
		ret = move_noreplace(s, tdir, file, dfd, file);
	if (!ret)
		ret = fsync_dir(dfd);
	close(dfd);
	return ret;
}

/* Rename folder old to new unless new exists. Returns 0, -EEXIST, or -EINVAL where the
 * filesystem has no RENAME_NOREPLACE (or the test seam says so), -errno. */
static int rename_dir_noreplace(const struct store *s, int adir, const char *old, const char *new)
{
	if (s->opts && s->opts->no_renameat2)
		return -EINVAL;
	if (!renameat2(adir, old, adir, new, RENAME_NOREPLACE))
		return 0;
	return errno == ENOTEMPTY ? -EEXIST : -errno;
}

/*
 * A new device folder: built complete under a temporary name (device.json and the run),
 * then renamed into place without replacing, so the archive never shows a device without
 * its first run. Returns 0, -EEXIST (another writer made the folder meanwhile) or -errno.
 */
static int place_new(struct store *s, int adir, const char *data, size_t len)
{
	const char *dev =
		json_object_to_json_string_ext(s->dev.json, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_NOSLASHESCAPE);
	char tmp[64], file[IDR_RUN_ID_MAX + 8];
	int tdir, ret, i, renamed = 0;

	for (i = 0, ret = -EEXIST; i < ATTEMPTS && ret == -EEXIST; i++) {
		snprintf(tmp, sizeof(tmp), ".tmp-dev-%d-%08x", (int)getpid(), suffix(s));
		ret = mkdirat(adir, tmp, 0755) ? -errno : 0;
	}
	if (ret)
		return ret;
	tdir = openat(adir, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tdir < 0) {
		ret = -errno;
		unlinkat(adir, tmp, AT_REMOVEDIR);
		return ret;
	}
	snprintf(file, sizeof(file), "%s.json", s->id);
	ret = write_new(tdir, "device.json", dev, strlen(dev));
	if (!ret)
		ret = write_new(tdir, file, data, len);
	if (!ret)
		ret = fsync_dir(tdir);
	if (!ret) {
		ret = rename_dir_noreplace(s, adir, tmp, s->devname);
		renamed = !ret;
		if (ret == -EINVAL || ret == -ENOSYS || ret == -EOPNOTSUPP)
			ret = fill_new_folder(s, adir, tdir, file);
	}
	/* tdir follows the folder through a rename: clear it only if it is still ours */
	if (!renamed) {
		unlinkat(tdir, file, 0);
		unlinkat(tdir, "device.json", 0);
		unlinkat(adir, tmp, AT_REMOVEDIR);
	}
	close(tdir);
	if (!ret)
		ret = fsync_dir(adir);
	return ret;
}

/* The key in device folder name's device.json: 0, or -ENOENT (no such folder), -errno. */
static int folder_key(int adir, const char *name, char *key, size_t len)
{
	int dfd = openat(adir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct json_object *o;
	char path[32];
	int fd;

	key[0] = '\0';
	if (dfd < 0)
		return -errno;
	fd = openat(dfd, "device.json", O_RDONLY | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return 0; /* a folder without device.json is nobody's: never ours */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	o = json_object_from_file(path);
	close(fd);
	snprintf(key, len, "%s", idr_json_str(o, "key") ?: "");
	json_object_put(o);
	return 0;
}

/*
 * The device's folder: its name, or name-<hash of the key> when another device already
 * has the name. *exists says whether it is there. Returns 0 or -errno.
 */
static int resolve_folder(struct store *s, int adir, int *exists, char *err, size_t errlen)
{
	char cand[2][IDR_DEVICE_NAME_MAX], key[1024];
	unsigned int h = 2166136261u, i;
	const char *k;
	int ret;

	for (k = s->dev.key; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	snprintf(cand[0], sizeof(cand[0]), "%s", s->dev.name);
	snprintf(cand[1], sizeof(cand[1]), "%.*s-%08x", IDR_DEVID_NAME_MAX, s->dev.name, h);
	for (i = 0; i < 2; i++) {
		ret = folder_key(adir, cand[i], key, sizeof(key));
		if (ret && ret != -ENOENT) {
			snprintf(err, errlen, "cannot read device folder %s: %s", cand[i],
				 strerror(-ret));
			return ret;
		}
		if (ret == -ENOENT || !strcmp(key, s->dev.key)) {
			snprintf(s->devname, sizeof(s->devname), "%s", cand[i]);
			*exists = !ret;
			return 0;
		}
	}
	snprintf(err, errlen, "device folders %s and %s both hold other devices", cand[0], cand[1]);
	return -EEXIST;
}

/* mkdir -p dir; on failure removes what it made. made (>= 1 entry) receives the
 * outermost folder created, "" when none was. Returns 0 or -errno. */
static int make_archive_dir(const char *dir, char *made, size_t len)
{
	char path[PATH_MAX], *slash;
	struct stat st;

	made[0] = '\0';
	if (!stat(dir, &st))
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (errno != ENOENT || strlen(dir) >= sizeof(path))
		return -errno;
	strcpy(path, dir);
	slash = strrchr(path, '/');
	while (slash && slash > path && slash[1] == '\0') {
		*slash = '\0';
		slash = strrchr(path, '/');
	}
	if (slash && slash != path) {
		*slash = '\0';
		if (stat(path, &st)) {
			int ret = make_archive_dir(path, made, len);

			if (ret)
				return ret;
		}
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	if (!made[0])
		snprintf(made, len, "%s", dir);
	return 0;
}

/* Undo make_archive_dir: remove the folders it made, innermost first, if still empty. */
static void unmake_archive_dir(const char *dir, const char *made)
{
	char path[PATH_MAX], *slash;

	if (!made[0])
		return;
	snprintf(path, sizeof(path), "%s", dir);
	while (strlen(path) >= strlen(made) && !rmdir(path)) {
		slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

static void store_message(int ret, const char *dir, const char *what, char *err, size_t errlen)
{
	const char *hint = "";

	if (ret == -ENOSPC || ret == -EDQUOT)
		hint = ": free some space and store it again";
	else if (ret == -EACCES || ret == -EPERM || ret == -EROFS)
		hint = ": store it where you can write (--results DIR or IODRILL_RESULTS)";
	snprintf(err, errlen, "cannot %s in %s (%s)%s; nothing was stored", what, dir,
		 strerror(-ret), hint);
}

/*
 * The run's file for this attempt: a free id, the device folder's name in the provenance,
 * the text, and a check that the reader takes it back (a file the archive cannot read is
 * never stored). Returns 0 or -errno with a message.
 */
static int next_file(struct store *s, int adir, int exists, char **data, size_t *len, char *err,
		     size_t errlen)
{
	int dfd = exists ? openat(adir, s->devname, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	struct idr_result check;
	char why[512];

	pick_id(s, dfd);
	if (dfd >= 0)
		close(dfd);
	json_object_object_add(json_object_object_get(s->prov, "device"), "name",
			       json_object_new_string(s->devname));
	free(*data);
	*data = serialize(s, len);
	if (!*data) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (idr_result_parse(*data, *len, &check, why, sizeof(why))) {
		snprintf(err, errlen,
			 "the result would not read back (%s): a bug, please report "
			 "it; nothing was stored",
			 why);
		return -EINVAL;
	}
	idr_result_free(&check);
	return 0;
}

static int place(struct store *s, const char *dir, struct idr_stored *out, char *err, size_t errlen)
{
	char made[PATH_MAX], *data = NULL;
	int adir, exists = 0, ret, i;
	size_t len;

	ret = make_archive_dir(dir, made, sizeof(made));
	if (ret) {
		store_message(ret, dir, "create the archive folder", err, errlen);
		return ret;
	}
	adir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (adir < 0) {
		ret = -errno;
		store_message(ret, dir, "open the archive folder", err, errlen);
		goto out;
	}
	for (i = 0, ret = -EEXIST; i < ATTEMPTS && ret == -EEXIST; i++) {
		ret = resolve_folder(s, adir, &exists, err, errlen);
		if (ret)
			break;
		ret = next_file(s, adir, exists, &data, &len, err, errlen);
		if (ret)
			break;
		ret = exists ? place_existing(s, adir, data, len) : place_new(s, adir, data, len);
		if (ret && ret != -EEXIST)
			store_message(ret, dir, "write the run", err, errlen);
	}
	if (ret == -EEXIST && !err[0])
		snprintf(err, errlen, "could not find a free name for the run in %s", dir);
	close(adir);
	if (!ret) {
		snprintf(out->id, sizeof(out->id), "%s", s->id);
		snprintf(out->device, sizeof(out->device), "%s", s->devname);
		snprintf(out->path, sizeof(out->path), "%s/%s/%s.json", dir, s->devname, s->id);
	}
out:
	free(data);
	if (ret)
		unmake_archive_dir(dir, made);
	return ret;
}

/* ---- storing a run ----------------------------------------------------------------------- */

int idr_archive_store_opts(const char *dir, const struct idr_run_input *in,
			   const struct idr_store_opts *opts, struct idr_stored *out, char *err,
			   size_t errlen)
{
	struct store s = { .in = in, .opts = opts };
	char where[PATH_MAX];
	int ret;

	err[0] = '\0';
	ret = idr_archive_dir(dir, where, sizeof(where));
	if (ret) {
		snprintf(err, errlen,
			 "no archive folder: give --results DIR or set IODRILL_RESULTS");
		return ret;
	}
	ret = check_input(in, err, errlen);
	if (!ret)
		ret = load_inputs(in, &s.l, err, errlen);
	if (!ret && !in->target)
		ret = derive_target(&s.l, s.target, sizeof(s.target), err, errlen);
	else if (!ret)
		snprintf(s.target, sizeof(s.target), "%s", in->target);
	if (!ret)
		ret = identify(&s, &s.dev, err, errlen);
	if (ret)
		goto out;
	s.time_ms = in->time_ms > 0		     ? in->time_ms
		    : s.l.r.runs[0].timestamp_ms > 0 ? s.l.r.runs[0].timestamp_ms
						     : idr_now_ms();
	s.prov = build_prov(&s);
	if (!s.prov) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	ret = place(&s, where, out, err, errlen);
out:
	json_object_put(s.prov);
	idr_devid_free(&s.dev);
	loaded_free(&s.l);
	return ret;
}

int idr_archive_store(const char *dir, const struct idr_run_input *in, struct idr_stored *out,
		      char *err, size_t errlen)
{
	return idr_archive_store_opts(dir, in, NULL, out, err, errlen);
}
