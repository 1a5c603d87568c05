/*
 * fiojson.c - fio's JSON output and the engines' sidecar, read defensively (fiojson.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/fiojson.h"
#include "hist.h"
#include "sidecar.h"

#define MAX_INPUT (256u << 20) /* a fio JSON file larger than this is not one of ours */

int idr_read_file(const char *path, char **text, size_t *len)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	char *buf;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_INPUT) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EFBIG;
		close(fd);
		return err;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	err = errno;
	close(fd);
	if (got < (size_t)st.st_size) {
		free(buf);
		return got ? -EIO : -err;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
}

/* ---- typed, NULL-safe lookups -------------------------------------------------------- */

struct json_object *idr_json_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

#define obj idr_json_get
#define u64 idr_json_u64
#define dbl idr_json_dbl
#define str idr_json_str

static int is_number(struct json_object *v)
{
	return v &&
	       (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double));
}

uint64_t idr_json_u64(struct json_object *o, const char *key)
{
	struct json_object *v = obj(o, key);
	double d;

	if (!is_number(v))
		return 0;
	if (json_object_is_type(v, json_type_double)) {
		d = json_object_get_double(v);
		return d > 0 && d < 1.8e19 ? (uint64_t)d : 0;
	}
	return json_object_get_int64(v) < 0 ? 0 : json_object_get_uint64(v);
}

double idr_json_dbl(struct json_object *o, const char *key)
{
	struct json_object *v = obj(o, key);

	return is_number(v) ? json_object_get_double(v) : 0.0;
}

const char *idr_json_str(struct json_object *o, const char *key)
{
	struct json_object *v = obj(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* ---- fio's output -------------------------------------------------------------------- */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* fio can print error lines ahead of the JSON in the same file: start at the first '{'
 * that begins a line. Returns the offset, or len when there is none. */
static size_t json_start(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (text[i] == '{' && (i == 0 || text[i - 1] == '\n'))
			return i;
	return len;
}

/* Parse one JSON value at the start of text; *used (if not NULL) gets the bytes it took. */
static struct json_object *parse_json(const char *text, size_t len, char *err, size_t errlen,
				      const char *what, size_t *used)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error e;

	if (len > MAX_INPUT || len > (size_t)INT32_MAX) {
		snprintf(err, errlen, "%s is too large", what);
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	e = json_tokener_get_error(tok);
	if (!root || e != json_tokener_success) {
		snprintf(err, errlen, "%s is not valid JSON (%s)", what,
			 e == json_tokener_continue ? "truncated" : json_tokener_error_desc(e));
		json_object_put(root);
		root = NULL;
	}
	if (root && used)
		*used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	return root;
}

static void read_dir(struct json_object *d, struct idr_fio_dir *out)
{
	struct json_object *clat = obj(d, "clat_ns"), *pct = obj(clat, "percentile");
	struct json_object *lat = obj(d, "lat_ns");

	out->total_ios = u64(d, "total_ios");
	out->io_bytes = u64(d, "io_bytes");
	out->short_ios = u64(d, "short_ios");
	out->runtime_ms = u64(d, "runtime");
	out->iops = dbl(d, "iops");
	out->bw_bytes = dbl(d, "bw_bytes");
	out->clat_mean_ns = dbl(clat, "mean");
	out->clat_p50_ns = u64(pct, "50.000000");
	out->clat_p99_ns = u64(pct, "99.000000");
	out->clat_p999_ns = u64(pct, "99.900000");
	out->lat_mean_ns = dbl(lat, "mean");
	out->lat_max_ns = u64(lat, "max");
	out->clat_max_ns = u64(clat, "max");
	out->clat_n = u64(clat, "N");
	out->clat_percentiles = pct && json_object_is_type(pct, json_type_object) ? pct : NULL;
	out->iops_mean = dbl(d, "iops_mean");
	out->iops_stddev = dbl(d, "iops_stddev");
	out->iops_samples = u64(d, "iops_samples");
}

static void read_job(struct json_object *j, struct idr_fio_job *job)
{
	job->name = str(j, "jobname");
	job->hostname = str(j, "hostname");
	job->options = obj(j, "job options");
	job->ioengine = str(job->options, "ioengine");
	job->error = (int)u64(j, "error");
	job->job_runtime_ms = u64(j, "job_runtime");
	job->usr_cpu = dbl(j, "usr_cpu");
	job->sys_cpu = dbl(j, "sys_cpu");
	read_dir(obj(j, "read"), &job->dir[IDR_FIO_READ]);
	read_dir(obj(j, "write"), &job->dir[IDR_FIO_WRITE]);
}

int idr_fio_run_from_json(struct json_object *root, struct idr_fio_run *run, char *err,
			  size_t errlen)
{
	/* fio --client writes the jobs of its servers as client_stats */
	struct json_object *jobs = obj(root, "jobs") ?: obj(root, "client_stats");
	size_t i, n;

	memset(run, 0, sizeof(*run));
	run->fio_version = str(root, "fio version");
	if (!run->fio_version || !jobs || !json_object_is_type(jobs, json_type_array)) {
		snprintf(err, errlen,
			 "not fio's JSON output (no \"fio version\", or no \"jobs\" "
			 "nor \"client_stats\")");
		return -EINVAL;
	}
	run->root = json_object_get(root);
	run->global_options = obj(root, "global options");
	run->timestamp_ms = (int64_t)u64(root, "timestamp_ms");
	n = json_object_array_length(jobs);
	run->jobs = calloc(n ? n : 1, sizeof(*run->jobs));
	if (!run->jobs) {
		snprintf(err, errlen, "out of memory");
		idr_fio_run_free(run);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct json_object *j = json_object_array_get_idx(jobs, i);

		if (!j || !json_object_is_type(j, json_type_object))
			continue;
		read_job(j, &run->jobs[run->nr_jobs]);
		/* with several servers, fio --client adds their sum: not a job of its own */
		if (run->jobs[run->nr_jobs].name &&
		    strcmp(run->jobs[run->nr_jobs].name, "All clients"))
			run->nr_jobs++;
	}
	return 0;
}

int idr_fio_run_parse(const char *text, size_t len, struct idr_fio_run *run, char *err,
		      size_t errlen)
{
	size_t start = json_start(text, len), used = 0;
	struct json_object *root;
	int ret;

	memset(run, 0, sizeof(*run));
	if (start == len) {
		snprintf(err, errlen,
			 "no JSON object in fio's output (did fio fail before writing it?)");
		return -EINVAL;
	}
	root = parse_json(text + start, len - start, err, errlen, "fio's output", &used);
	if (!root)
		return -EINVAL;
	ret = idr_fio_run_from_json(root, run, err, errlen);
	json_object_put(root);
	if (ret)
		return ret;
	/* json-c also takes the whitespace after the object: leave it out of the range */
	while (used && is_ws(text[start + used - 1]))
		used--;
	run->json_start = start;
	run->json_end = start + used;
	return 0;
}

int idr_fio_run_load(const char *path, struct idr_fio_run *run, char *err, size_t errlen)
{
	char *text, what[64];
	size_t len;
	int ret = idr_read_file(path, &text, &len);

	memset(run, 0, sizeof(*run));
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = idr_fio_run_parse(text, len, run, what, sizeof(what));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, what);
	free(text);
	return ret;
}

void idr_fio_run_free(struct idr_fio_run *run)
{
	free(run->jobs);
	json_object_put(run->root);
	memset(run, 0, sizeof(*run));
}

const char *idr_fio_job_opt(const struct idr_fio_job *job, const char *key)
{
	return str(job->options, key);
}

const char *idr_fio_run_opt(const struct idr_fio_run *run, const struct idr_fio_job *job,
			    const char *key)
{
	const char *v = str(job->options, key);

	return v ? v : str(run->global_options, key);
}

double idr_fio_dir_percentile(const struct idr_fio_dir *d, double pct)
{
	double lo_p = NAN, lo_v = NAN, hi_p = NAN, hi_v = NAN, p, v;

	if (!d->clat_percentiles || isnan(pct))
		return NAN;
	json_object_object_foreach(d->clat_percentiles, key, val)
	{
		p = strtod(key, NULL);
		v = is_number(val) ? json_object_get_double(val) : NAN;
		if (isnan(v) || !(p >= 0 && p <= 100))
			continue;
		if (p <= pct && (isnan(lo_p) || p > lo_p)) {
			lo_p = p;
			lo_v = v;
		}
		if (p >= pct && (isnan(hi_p) || p < hi_p)) {
			hi_p = p;
			hi_v = v;
		}
	}
	if (isnan(lo_p))
		return hi_v; /* below fio's lowest point: its value, not an extrapolation */
	if (isnan(hi_p) || hi_p == lo_p)
		return lo_v;
	return lo_v + (hi_v - lo_v) * (pct - lo_p) / (hi_p - lo_p);
}

/* ---- the sidecar --------------------------------------------------------------------- */

static int read_sidecar_line(struct json_object *o, struct idr_sidecar_job *j, char *err,
			     size_t errlen, unsigned int lineno)
{
	struct json_object *job = obj(o, "job"), *c = obj(o, "counters"), *cpu = obj(o, "cpu");
	uint64_t format = u64(o, "format");

	if (!str(o, "engine") || !job || !c || !cpu || !format) {
		snprintf(err, errlen, "line %u is not an iodrill sidecar record", lineno);
		return -EINVAL;
	}
	if (format > IDR_SIDECAR_FORMAT) {
		snprintf(err, errlen,
			 "line %u has sidecar format %llu, newer than this iodrill reads (%d): "
			 "update iodrill",
			 lineno, (unsigned long long)format, IDR_SIDECAR_FORMAT);
		return -EINVAL;
	}
	j->root = o;
	j->engine = str(o, "engine");
	j->build = str(o, "build");
	j->fio_version = str(o, "fio");
	j->job_name = str(job, "name");
	j->thread_number = (int)u64(job, "thread_number");
	j->ios = u64(c, "ios");
	j->syncs = u64(c, "syncs");
	j->submitted = u64(c, "submitted");
	j->bytes = u64(c, "bytes");
	j->errors = u64(c, "errors");
	j->short_ios = u64(c, "short_ios");
	j->syscalls = u64(c, "syscalls");
	j->submit_calls = u64(c, "submit_calls");
	j->reap_calls = u64(c, "reap_calls");
	j->busy = u64(c, "busy");
	j->eintr = u64(c, "eintr");
	j->elapsed_ns = u64(c, "elapsed_ns");
	j->cpu_ns = u64(cpu, "total_ns");
	j->job_cpu_ns = u64(cpu, "job_ns");
	j->workers_cpu_ns = u64(cpu, "workers_ns");
	j->workers = u64(cpu, "workers");
	j->usr_us = u64(cpu, "usr_us");
	j->sys_us = u64(cpu, "sys_us");
	j->engine_facts = obj(o, "engine_facts");
	j->lat = obj(o, "lat");
	return 0;
}

static int blank(const char *p, size_t n)
{
	while (n && is_ws(*p)) {
		p++;
		n--;
	}
	return n == 0;
}

int idr_sidecar_parse(const char *text, size_t len, struct idr_sidecar *sc, char *err,
		      size_t errlen)
{
	const char *p = text, *end = text + len, *nl;
	unsigned int lineno = 0, cap = 0;
	struct idr_sidecar_job *grown;
	struct json_object *o;
	char what[32];
	size_t used;
	int ret;

	memset(sc, 0, sizeof(*sc));
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		lineno++;
		if (nl == p)
			continue;
		snprintf(what, sizeof(what), "line %u", lineno);
		o = parse_json(p, (size_t)(nl - p), err, errlen, what, &used);
		if (o && !blank(p + used, (size_t)(nl - p) - used)) {
			snprintf(err, errlen, "line %u has text after its JSON object", lineno);
			json_object_put(o);
			o = NULL;
		}
		if (!o) {
			idr_sidecar_free(sc);
			return -EINVAL;
		}
		if (sc->nr == cap) {
			cap = cap ? 2 * cap : 8;
			grown = realloc(sc->jobs, cap * sizeof(*grown));
			if (!grown) {
				json_object_put(o);
				idr_sidecar_free(sc);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			sc->jobs = grown;
		}
		memset(&sc->jobs[sc->nr], 0, sizeof(sc->jobs[0]));
		ret = read_sidecar_line(o, &sc->jobs[sc->nr], err, errlen, lineno);
		if (ret) {
			json_object_put(o);
			idr_sidecar_free(sc);
			return ret;
		}
		sc->nr++;
	}
	return 0;
}

int idr_sidecar_load(const char *path, struct idr_sidecar *sc, char *err, size_t errlen)
{
	char *text, what[256];
	size_t len;
	int ret = idr_read_file(path, &text, &len);

	memset(sc, 0, sizeof(*sc));
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = idr_sidecar_parse(text, len, sc, what, sizeof(what));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, what);
	free(text);
	return ret;
}

int idr_sidecar_from_json(struct json_object *lines, struct idr_sidecar *sc, char *err,
			  size_t errlen)
{
	size_t i, n;
	int ret;

	memset(sc, 0, sizeof(*sc));
	if (!lines || !json_object_is_type(lines, json_type_array)) {
		snprintf(err, errlen, "sidecar lines are not a JSON array");
		return -EINVAL;
	}
	n = json_object_array_length(lines);
	if (!n)
		return 0;
	sc->jobs = calloc(n, sizeof(*sc->jobs));
	if (!sc->jobs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(lines, i);

		ret = read_sidecar_line(o, &sc->jobs[sc->nr], err, errlen, (unsigned int)i + 1);
		if (ret) {
			idr_sidecar_free(sc);
			return ret;
		}
		json_object_get(o);
		sc->nr++;
	}
	return 0;
}

void idr_sidecar_free(struct idr_sidecar *sc)
{
	unsigned int i;

	for (i = 0; i < sc->nr; i++)
		json_object_put(sc->jobs[i].root);
	free(sc->jobs);
	memset(sc, 0, sizeof(*sc));
}

/* ---- the engines' per-I/O latency ------------------------------------------------------- */

int idr_sidecar_lat(const struct idr_sidecar_job *j, int dir, struct idr_hist *h,
		    struct idr_lat_meta *meta)
{
	struct json_object *lat = j->lat, *b = obj(lat, "batched");
	struct json_object *o = obj(lat, dir == IDR_FIO_WRITE ? "write" : "read");

	if (lat && !json_object_is_type(lat, json_type_object))
		return -EINVAL;
	if (!o)
		return -ENOENT;
	/* "batched" decides whether the numbers are latencies at all: absent is malformed */
	if (!b || !json_object_is_type(b, json_type_boolean))
		return -EINVAL;
	if (idr_hist_from_json(o, h))
		return -EINVAL;
	if (meta) {
		meta->clock = str(lat, "clock");
		meta->from = str(lat, "from");
		meta->to = str(lat, "to");
		meta->batched = json_object_get_boolean(b);
	}
	return 0;
}

int idr_sidecar_lat_figs(const struct idr_sidecar *sc, int dir, struct idr_lat_figs *f)
{
	/* 35 KiB each: not on the stack */
	struct idr_hist *sum = malloc(sizeof(*sum)), *one = malloc(sizeof(*one));
	struct idr_lat_meta meta;
	bool batched = false;
	int ret = -ENOMEM;

	if (sum && one) {
		idr_hist_init(sum);
		for (unsigned int i = 0; i < sc->nr; i++) {
			if (idr_sidecar_lat(&sc->jobs[i], dir, one, &meta))
				continue;
			idr_hist_merge(sum, one);
			batched |= meta.batched;
		}
		ret = sum->count ? 0 : -ENODATA;
		if (!ret)
			idr_lat_figs_of(sum, batched, f);
	}
	free(sum);
	free(one);
	return ret;
}

void idr_lat_figs_of(const struct idr_hist *h, bool batched, struct idr_lat_figs *f)
{
	memset(f, 0, sizeof(*f));
	f->count = h->count;
	f->batched = batched;
	if (!h->count)
		return;
	f->min_ns = (double)h->min_ns;
	f->p50_ns = (double)idr_hist_quantile(h, 0.50);
	f->p90_ns = (double)idr_hist_quantile(h, 0.90);
	f->p99_ns = (double)idr_hist_quantile(h, 0.99);
	f->p999_ns = (double)idr_hist_quantile(h, 0.999);
	f->max_ns = (double)h->max_ns;
	f->mean_ns = idr_hist_mean_ns(h);
}

double idr_lat_figs_pct(const struct idr_lat_figs *f, double pct)
{
	if (!f->count || f->batched)
		return NAN;
	if (pct == 50)
		return f->p50_ns;
	if (pct == 90)
		return f->p90_ns;
	if (pct == 99)
		return f->p99_ns;
	if (pct == 99.9)
		return f->p999_ns;
	return pct == 100 ? f->max_ns : NAN;
}

/* v (ns) as microseconds, or null where not shown or not a number. */
static struct json_object *us_or_null(double ns, bool shown)
{
	return shown && isfinite(ns) ? json_object_new_double(ns / 1e3) : NULL;
}

void idr_lat_figs_json(struct json_object *o, const struct idr_lat_figs *f, bool shown,
		       const char *source)
{
	json_object_object_add(o, "p50_us", us_or_null(f->p50_ns, shown));
	json_object_object_add(o, "p99_us", us_or_null(f->p99_ns, shown));
	json_object_object_add(o, "p99_9_us", us_or_null(f->p999_ns, shown));
	json_object_object_add(o, "max_us", us_or_null(f->max_ns, shown));
	json_object_object_add(o, "latency_source", source ? json_object_new_string(source) : NULL);
	json_object_object_add(o, "latency_count", json_object_new_int64((int64_t)f->count));
}

static double capped(uint64_t v, uint64_t max)
{
	return (double)(max && v > max ? max : v);
}

void idr_fio_clat_figs(const struct idr_fio_dir *d, struct idr_lat_figs *f)
{
	*f = (struct idr_lat_figs){ .count = d->clat_n,
				    .mean_ns = d->clat_mean_ns,
				    .p50_ns = capped(d->clat_p50_ns, d->clat_max_ns),
				    .p99_ns = capped(d->clat_p99_ns, d->clat_max_ns),
				    .p999_ns = capped(d->clat_p999_ns, d->clat_max_ns),
				    .max_ns = (double)d->clat_max_ns };
}

const struct idr_sidecar_job *idr_sidecar_find(const struct idr_sidecar *sc, const char *job)
{
	unsigned int i;

	for (i = 0; i < sc->nr; i++)
		if (sc->jobs[i].job_name && job && !strcmp(sc->jobs[i].job_name, job))
			return &sc->jobs[i];
	return NULL;
}
