/*
 * runfile.c - read a stored run back (archive.h: idr_result_*): the result file's own
 * fields, then each part through fiojson.h, then every job paired with its sidecar lines
 * and turned into the numbers show, compare and plot use. Fuzzed (tests/fuzz/).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "archive/fiojson.h"
#include "caps.h"
#include "hist.h"
#include "iodrill.h"

#define MAX_PARTS 65536u /* a result with more parts than this is not one of ours */

/* ---- engines ------------------------------------------------------------------------ */

char *idr_engine_name(const char *ioengine, char *buf, size_t len)
{
	const char *s = ioengine ? ioengine : "psync"; /* fio's default on Linux */
	const char *slash;
	size_t n;

	if (!strncmp(s, "external:", 9))
		s += 9;
	slash = strrchr(s, '/');
	if (slash)
		s = slash + 1;
	n = strlen(s);
	if (n > 3 && !strcmp(s + n - 3, ".so"))
		n -= 3;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* ---- run ids and times ---------------------------------------------------------------- */

char *idr_time_iso(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || !gmtime_r(&t, &tm)) {
		snprintf(buf, len, "(no time)");
		return buf;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	return buf;
}

void idr_run_id_make(int64_t time_ms, const char *kind, unsigned int suffix, char *buf, size_t len)
{
	time_t t = (time_t)(time_ms / 1000);
	struct tm tm;

	if (time_ms < 0 || !gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, len, "%04d%02d%02dT%02d%02d%02d.%03dZ-%s-%04x", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(time_ms % 1000),
		 kind, suffix & 0xffff);
}

int idr_run_id_parse(const char *name, int64_t *time_ms, char *kind, size_t kindlen)
{
	int y, mo, d, h, mi, s, ms, n = 0, klen;
	unsigned int suffix;
	const char *k;
	char hex[8];

	if (sscanf(name, "%4d%2d%2dT%2d%2d%2d.%3dZ-%n", &y, &mo, &d, &h, &mi, &s, &ms, &n) != 7 ||
	    n != 21)
		return -EINVAL;
	k = name + n;
	klen = (int)strcspn(k, "-");
	if (klen < 1 || (size_t)klen >= kindlen || k[klen] != '-' ||
	    sscanf(k + klen + 1, "%4x%7s", &suffix, hex) != 1 || strlen(k + klen + 1) != 4)
		return -EINVAL;
	*time_ms = idr_utc_ms(y, mo, d, h, mi, s, ms);
	memcpy(kind, k, (size_t)klen);
	kind[klen] = '\0';
	return 0;
}

/* ---- jobs: fio's numbers paired with the engine's ---------------------------------------- */

static void sc_add(struct idr_sidecar_job *sum, const struct idr_sidecar_job *j, int first)
{
	if (first) {
		*sum = *j;
		return;
	}
	sum->ios += j->ios;
	sum->syncs += j->syncs;
	sum->submitted += j->submitted;
	sum->bytes += j->bytes;
	sum->errors += j->errors;
	sum->short_ios += j->short_ios;
	sum->syscalls += j->syscalls;
	sum->submit_calls += j->submit_calls;
	sum->reap_calls += j->reap_calls;
	sum->busy += j->busy;
	sum->eintr += j->eintr;
	sum->cpu_ns += j->cpu_ns;
	sum->job_cpu_ns += j->job_cpu_ns;
	sum->workers_cpu_ns += j->workers_cpu_ns;
	sum->workers += j->workers;
	sum->usr_us += j->usr_us;
	sum->sys_us += j->sys_us;
	/* jobs of one fio run run side by side: the wall time is the longest */
	if (j->elapsed_ns > sum->elapsed_ns)
		sum->elapsed_ns = j->elapsed_ns;
}

/* A job's latency histograms being merged from its sidecar lines (35 KiB each). */
struct lat_acc {
	struct idr_hist sum[2], one;
	bool batched;
};

/* Add sidecar line j to job out: its counters, and its latency histograms when it has
 * them (a malformed "lat" counts as none: the reader never fails a run over it). */
static void take_line(struct idr_result_job *out, const struct idr_sidecar_job *j,
		      struct lat_acc *acc)
{
	struct idr_lat_meta meta;
	int d;

	sc_add(&out->sc, j, out->sc_lines++ == 0);
	for (d = 0; d < 2; d++) {
		if (idr_sidecar_lat(j, d, &acc->one, &meta))
			continue;
		idr_hist_merge(&acc->sum[d], &acc->one);
		acc->batched |= meta.batched;
	}
}

static int same_name(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static int by_thread(const void *a, const void *b, void *arg)
{
	const struct idr_sidecar *sc = arg;
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;
	int tx = sc->jobs[x].thread_number, ty = sc->jobs[y].thread_number;

	return tx != ty ? (tx < ty ? -1 : 1) : (x < y ? -1 : x > y);
}

/*
 * The sidecar lines of fio job i: fio lists a name's jobs in thread order, the sidecar in
 * the order they finished, so the k-th job of a name takes the line with the k-th
 * smallest thread_number. One fio job for several lines (group_reporting) takes them all.
 * Returns 0 or -ENOMEM.
 */
static int pair_sidecar(const struct idr_fio_run *run, const struct idr_sidecar *sc, unsigned int i,
			struct idr_result_job *out, struct lat_acc *acc)
{
	const char *name = run->jobs[i].name;
	unsigned int k, nf = 0, fi = 0, ns = 0, *lines;

	for (k = 0; k < run->nr_jobs; k++)
		if (same_name(run->jobs[k].name, name)) {
			fi += k < i;
			nf++;
		}
	lines = malloc((sc->nr ? sc->nr : 1) * sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	for (k = 0; k < sc->nr; k++)
		if (same_name(sc->jobs[k].job_name, name))
			lines[ns++] = k;
	idr_hist_init(&acc->sum[0]);
	idr_hist_init(&acc->sum[1]);
	acc->batched = false;
	if (nf == 1) {
		for (k = 0; k < ns; k++)
			take_line(out, &sc->jobs[lines[k]], acc);
	} else if (fi < ns) {
		qsort_r(lines, ns, sizeof(*lines), by_thread, (void *)sc);
		take_line(out, &sc->jobs[lines[fi]], acc);
	}
	free(lines);
	idr_lat_figs_of(&acc->sum[0], acc->batched, &out->lat[0]);
	idr_lat_figs_of(&acc->sum[1], acc->batched, &out->lat[1]);
	return 0;
}

static const char *opt(const struct idr_fio_run *run, const struct idr_fio_job *job,
		       const char *key, const char *alias)
{
	const char *v = idr_fio_run_opt(run, job, key);

	return v ? v : alias ? idr_fio_run_opt(run, job, alias) : NULL;
}

/* A synchronous engine (engines.tbl kind sync, or its fio twin): fio runs it at depth 1. */
static bool sync_engine(const char *name)
{
	const struct idr_caps *c;
	size_t i;

	for (i = 0; i < idr_caps_nr(); i++) {
		c = idr_caps_at(i);
		if (!strcmp(c->name, name) || !strcmp(c->twin, name))
			return !strcmp(c->kind, "sync");
	}
	return false;
}

static void job_options(const struct idr_fio_run *run, struct idr_result_job *j)
{
	const char *v;

	j->rw = opt(run, j->fio, "rw", "readwrite");
	if (!j->rw)
		j->rw = j->sc_lines && j->sc.root
				? idr_json_str(idr_json_get(j->sc.root, "job"), "rw")
				: NULL;
	if (!j->rw)
		j->rw = "read"; /* fio's default */
	j->bs = opt(run, j->fio, "bs", "blocksize");
	if (!j->bs && j->sc_lines && j->sc.root) {
		/* as fio would print it: 4k, not 4096 (keys must match jobs that set bs=4k) */
		unsigned long long b = idr_json_u64(idr_json_get(j->sc.root, "job"), "bs_read");

		if (b && !(b % (1ull << 20)))
			snprintf(j->bs_buf, sizeof(j->bs_buf), "%llum", b >> 20);
		else if (b && !(b % 1024))
			snprintf(j->bs_buf, sizeof(j->bs_buf), "%lluk", b >> 10);
		else
			snprintf(j->bs_buf, sizeof(j->bs_buf), "%llu", b);
		j->bs = b ? j->bs_buf : NULL;
	}
	if (!j->bs)
		j->bs = "4k"; /* fio's default */
	v = opt(run, j->fio, "iodepth", NULL);
	j->iodepth = v ? (unsigned int)strtoul(v, NULL, 0) : 0;
	if (!v && j->sc_lines)
		j->iodepth = (unsigned int)idr_json_u64(idr_json_get(j->sc.root, "job"), "iodepth");
	if (!j->iodepth)
		j->iodepth = 1;
	/* fio stamps every completion one getevents call returns at once: with a minimum
	   above 1 the stamp is when the batch was whole (profiles/drill.fio's drill job) */
	v = opt(run, j->fio, "iodepth_batch_complete_min", "iodepth_batch_complete");
	j->clat_batched =
		(v && strtoul(v, NULL, 0) > 1 && j->iodepth > 1 && !sync_engine(j->engine)) ||
		j->lat[0].batched || j->lat[1].batched;
}

static void job_numbers(struct idr_result_job *j)
{
	const struct idr_fio_job *f = j->fio;
	uint64_t ios = f->dir[0].total_ios + f->dir[1].total_ios;
	double cpu_s;
	int d;

	j->elapsed_s = j->sc_lines && j->sc.elapsed_ns ? (double)j->sc.elapsed_ns / 1e9
						       : (double)f->job_runtime_ms / 1e3;
	for (d = 0; d < 2; d++) {
		const struct idr_fio_dir *fd = &f->dir[d];

		if (j->sc_lines && j->sc.elapsed_ns)
			j->iops[d] = (double)fd->total_ios / j->elapsed_s;
		else
			j->iops[d] = fd->iops;
		j->iops_rel_sd[d] = fd->iops_samples >= 2 && fd->iops_mean > 0
					    ? fd->iops_stddev / fd->iops_mean
					    : NAN;
	}
	j->cpu_us_per_io = NAN;
	j->syscalls_per_io = NAN;
	if (j->sc_lines && j->sc.ios) {
		j->cpu_us_per_io = (double)j->sc.cpu_ns / 1e3 / (double)j->sc.ios;
		j->syscalls_per_io = (double)j->sc.syscalls / (double)j->sc.ios;
	} else if (ios) {
		/* fio's usr_cpu/sys_cpu: percent of the job thread over job_runtime */
		cpu_s = (f->usr_cpu + f->sys_cpu) / 100.0 * (double)f->job_runtime_ms / 1e3;
		j->cpu_us_per_io = cpu_s * 1e6 / (double)ios;
	}
}

void idr_result_job_key(const struct idr_result_job *j, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s %s %s qd%u", j->engine, j->fio->name, j->rw, j->bs, j->iodepth);
}

int idr_result_build_jobs(struct idr_result *r)
{
	unsigned int p, i, k, n = 0;
	char ki[512], kk[512];
	struct lat_acc *acc = malloc(sizeof(*acc));

	for (p = 0; p < r->nr_parts; p++)
		n += r->runs[p].nr_jobs;
	free(r->jobs);
	r->nr_jobs = 0;
	r->jobs = calloc(n ? n : 1, sizeof(*r->jobs));
	if (!r->jobs || !acc) {
		free(acc);
		return -ENOMEM;
	}
	for (p = 0; p < r->nr_parts; p++) {
		for (i = 0; i < r->runs[p].nr_jobs; i++) {
			struct idr_result_job *j = &r->jobs[r->nr_jobs++];

			j->part = p;
			j->fio = &r->runs[p].jobs[i];
			if (pair_sidecar(&r->runs[p], &r->sidecars[p], i, j, acc)) {
				free(acc);
				return -ENOMEM;
			}
			j->engine = j->sc_lines && j->sc.engine
					    ? j->sc.engine
					    : idr_engine_name(j->fio->ioengine, j->engine_buf,
							      sizeof(j->engine_buf));
			job_options(&r->runs[p], j);
			job_numbers(j);
		}
	}
	free(acc);
	for (i = 0; i < r->nr_jobs; i++) {
		idr_result_job_key(&r->jobs[i], ki, sizeof(ki));
		for (k = 0; k < i; k++) {
			idr_result_job_key(&r->jobs[k], kk, sizeof(kk));
			r->jobs[i].occurrence += !strcmp(ki, kk);
		}
	}
	return 0;
}

/* ---- the result file -------------------------------------------------------------------- */

static struct json_object *parse_whole(const char *text, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL;
	enum json_tokener_error e;
	size_t end;

	if (!tok || len > (size_t)INT32_MAX) {
		snprintf(err, errlen, tok ? "too large to be a result" : "out of memory");
		json_tokener_free(tok);
		return NULL;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!root || e != json_tokener_success) {
		snprintf(err, errlen, "not valid JSON (%s)",
			 e == json_tokener_continue || !len ? "truncated: empty or cut short"
							    : json_tokener_error_desc(e));
		json_object_put(root);
		root = NULL;
	} else {
		while (end < len && strchr(" \t\r\n", text[end]) && text[end])
			end++;
		if (end < len) {
			snprintf(err, errlen, "text after the result's JSON object (at byte %zu)",
				 end);
			json_object_put(root);
			root = NULL;
		}
	}
	json_tokener_free(tok);
	return root;
}

static int read_header(struct idr_result *r, char *err, size_t errlen)
{
	struct json_object *fmt = idr_json_get(r->root, "iodrill_result");
	int64_t f;

	if (!fmt || !json_object_is_type(fmt, json_type_int)) {
		snprintf(err, errlen,
			 "not an iodrill result (no \"iodrill_result\" format number)");
		return -EINVAL;
	}
	f = json_object_get_int64(fmt);
	if (f > IDR_RESULT_FORMAT) {
		snprintf(err, errlen,
			 "written by a newer iodrill (result format %lld; this one reads format %d "
			 "and older): update iodrill to read it",
			 (long long)f, IDR_RESULT_FORMAT);
		return -EINVAL;
	}
	if (f < 1) {
		snprintf(err, errlen, "bad result format %lld", (long long)f);
		return -EINVAL;
	}
	r->prov = idr_json_get(r->root, "provenance");
	if (!r->prov || !json_object_is_type(r->prov, json_type_object)) {
		snprintf(err, errlen, "incomplete result: no \"provenance\" object");
		return -EINVAL;
	}
	r->id = idr_json_str(r->prov, "id");
	r->kind = idr_json_str(r->prov, "kind");
	r->status = idr_json_str(r->prov, "status");
	r->time_ms = (int64_t)idr_json_u64(r->prov, "time_ms");
	r->device = idr_json_str(idr_json_get(r->prov, "device"), "name");
	r->target = idr_json_str(idr_json_get(r->prov, "target"), "path");
	if (!r->id || !r->kind || !r->device) {
		snprintf(err, errlen, "incomplete result: provenance lacks its id, kind or device");
		return -EINVAL;
	}
	if (!r->status)
		r->status = "unknown";
	return 0;
}

static int read_parts(struct idr_result *r, char *err, size_t errlen)
{
	struct json_object *fio = idr_json_get(r->root, "fio");
	struct json_object *sc = idr_json_get(r->root, "sidecar");
	char why[256];
	size_t n;
	unsigned int p;

	if (!fio || !json_object_is_type(fio, json_type_array) || !json_object_array_length(fio)) {
		snprintf(err, errlen, "incomplete result: no fio output (\"fio\" array)");
		return -EINVAL;
	}
	n = json_object_array_length(fio);
	if (n > MAX_PARTS || (sc && (!json_object_is_type(sc, json_type_array) ||
				     json_object_array_length(sc) != n))) {
		snprintf(err, errlen, "bad result: %s",
			 n > MAX_PARTS ? "too many parts"
				       : "\"sidecar\" is not one array per fio output");
		return -EINVAL;
	}
	r->runs = calloc(n, sizeof(*r->runs));
	r->sidecars = calloc(n, sizeof(*r->sidecars));
	if (!r->runs || !r->sidecars) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (p = 0; p < n; p++, r->nr_parts++) {
		if (idr_fio_run_from_json(json_object_array_get_idx(fio, p), &r->runs[p], why,
					  sizeof(why))) {
			snprintf(err, errlen, "fio output %u: %s", p + 1, why);
			return -EINVAL;
		}
		if (sc && idr_sidecar_from_json(json_object_array_get_idx(sc, p), &r->sidecars[p],
						why, sizeof(why))) {
			snprintf(err, errlen, "sidecar of fio output %u: %s", p + 1, why);
			r->nr_parts++;
			return -EINVAL;
		}
	}
	return 0;
}

int idr_result_parse(const char *text, size_t len, struct idr_result *r, char *err, size_t errlen)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->root = parse_whole(text, len, err, errlen);
	if (!r->root)
		return -EINVAL;
	if (!json_object_is_type(r->root, json_type_object)) {
		snprintf(err, errlen, "not an iodrill result (not a JSON object)");
		ret = -EINVAL;
		goto fail;
	}
	ret = read_header(r, err, errlen);
	if (!ret)
		ret = read_parts(r, err, errlen);
	if (!ret && idr_result_build_jobs(r)) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	if (!ret)
		return 0;
fail:
	idr_result_free(r);
	return ret;
}

int idr_result_load(const char *path, struct idr_result *r, char *err, size_t errlen)
{
	char *text, why[512];
	size_t len;
	int ret = idr_read_file(path, &text, &len);

	memset(r, 0, sizeof(*r));
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = idr_result_parse(text, len, r, why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, why);
	free(text);
	return ret;
}

void idr_result_free(struct idr_result *r)
{
	unsigned int p;

	for (p = 0; p < r->nr_parts; p++) {
		if (r->runs)
			idr_fio_run_free(&r->runs[p]);
		if (r->sidecars)
			idr_sidecar_free(&r->sidecars[p]);
	}
	free(r->runs);
	free(r->sidecars);
	free(r->jobs);
	json_object_put(r->root);
	memset(r, 0, sizeof(*r));
}

const char *idr_result_prov_str(const struct idr_result *r, const char *dotted)
{
	struct json_object *o = r->prov;
	char key[128];
	const char *dot;

	while ((dot = strchr(dotted, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - dotted), dotted);
		o = idr_json_get(o, key);
		dotted = dot + 1;
	}
	return idr_json_str(o, dotted);
}
