/*
 * sidecar.c - the counters file (see sidecar.h), written with json-c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "sidecar.h"

struct idr_extra *idr_extra_new(void)
{
	return (struct idr_extra *)json_object_new_object();
}

void idr_extra_free(struct idr_extra *e)
{
	json_object_put((struct json_object *)e);
}

static int extra_add(struct idr_extra *e, const char *key, struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	return json_object_object_add((struct json_object *)e, key, val) ? -ENOMEM : 0;
}

int idr_extra_str(struct idr_extra *e, const char *key, const char *val)
{
	return extra_add(e, key, json_object_new_string(val ? val : ""));
}

int idr_extra_u64(struct idr_extra *e, const char *key, uint64_t val)
{
	return extra_add(e, key, json_object_new_uint64(val));
}

int idr_extra_bool(struct idr_extra *e, const char *key, int val)
{
	return extra_add(e, key, json_object_new_boolean(val));
}

/* json_object_object_add with a freshly made value; a NULL value is dropped. */
static void put(struct json_object *o, const char *key, struct json_object *val)
{
	if (val && json_object_object_add(o, key, val))
		json_object_put(val);
}

static void put_u64(struct json_object *o, const char *key, uint64_t v)
{
	put(o, key, json_object_new_uint64(v));
}

static void put_str(struct json_object *o, const char *key, const char *s)
{
	put(o, key, s ? json_object_new_string(s) : json_object_new_null());
}

static struct json_object *job_json(const struct idr_job_facts *j)
{
	struct json_object *o = json_object_new_object();
	struct json_object *files = json_object_new_array();
	unsigned int i;

	put_str(o, "name", j->name);
	put(o, "thread_number", json_object_new_int(j->thread_number));
	put_u64(o, "iodepth", j->iodepth);
	put_u64(o, "iodepth_batch", j->iodepth_batch);
	put_u64(o, "bs_read", j->bs[0]);
	put_u64(o, "bs_write", j->bs[1]);
	put_u64(o, "bs_trim", j->bs[2]);
	put_u64(o, "size", j->size);
	put_u64(o, "nr_files", j->nr_files);
	for (i = 0; files && j->files && i < j->nr_names; i++)
		json_object_array_add(files,
				      json_object_new_string(j->files[i] ? j->files[i] : ""));
	put(o, "files", files);
	put(o, "direct", json_object_new_boolean(j->direct));
	put(o, "thread", json_object_new_boolean(j->use_thread));
	put_str(o, "rw", j->rw);
	return o;
}

static struct json_object *counters_json(const struct idr_counters *c)
{
	struct json_object *o = json_object_new_object();

	put_u64(o, "submitted", c->submitted);
	put_u64(o, "ios", c->ios);
	put_u64(o, "syncs", c->syncs);
	put_u64(o, "trims", c->trims);
	put_u64(o, "bytes", c->bytes);
	put_u64(o, "errors", c->errors);
	put_u64(o, "short_ios", c->short_ios);
	put_u64(o, "syscalls", c->syscalls);
	put_u64(o, "submit_calls", c->submit_calls);
	put_u64(o, "reap_calls", c->reap_calls);
	put_u64(o, "busy", c->busy);
	put_u64(o, "eintr", c->eintr);
	put_u64(o, "first_submit_ns", c->t_first_submit_ns);
	put_u64(o, "last_complete_ns", c->t_last_complete_ns);
	put_u64(o, "elapsed_ns", idr_counters_elapsed_ns(c));
	return o;
}

static struct json_object *cpu_json(const struct idr_report *r)
{
	struct json_object *o = json_object_new_object();
	uint64_t ns = r->job_cpu.total_ns + r->workers.total_ns;

	put_u64(o, "job_ns", r->job_cpu.total_ns);
	put_u64(o, "job_usr_us", r->job_cpu.usr_us);
	put_u64(o, "job_sys_us", r->job_cpu.sys_us);
	put_u64(o, "workers_ns", r->workers.total_ns);
	put_u64(o, "workers_usr_us", r->workers.usr_us);
	put_u64(o, "workers_sys_us", r->workers.sys_us);
	put_u64(o, "workers", r->workers.threads);
	put_u64(o, "total_ns", ns);
	put_u64(o, "usr_us", r->job_cpu.usr_us + r->workers.usr_us);
	put_u64(o, "sys_us", r->job_cpu.sys_us + r->workers.sys_us);
	/* total_ns is exact; the usr/sys split is sampled at the scheduler tick. */
	put_str(o, "split", "tick-sampled");
	/* Per-I/O figures are what the drill compares; absent when nothing completed. */
	if (r->cnt.ios) {
		put(o, "us_per_io",
		    json_object_new_double((double)ns / 1000.0 / (double)r->cnt.ios));
		put(o, "syscalls_per_io",
		    json_object_new_double((double)r->cnt.syscalls / (double)r->cnt.ios));
	}
	return o;
}

/* Each I/O's latency; a direction with no timed I/O is left out (the reader's -ENOENT). */
static struct json_object *lat_json(const struct idr_lat *l)
{
	static const char *const dirs[] = { "read", "write" };
	struct json_object *o = json_object_new_object();
	unsigned int d;

	put_str(o, "clock", "CLOCK_MONOTONIC");
	put_str(o, "from", l->from);
	put_str(o, "to", l->to);
	put(o, "batched", json_object_new_boolean(l->batched));
	put_u64(o, "untimed_ramp", l->untimed);
	for (d = 0; d < 2; d++)
		if (l->hist[d] && l->hist[d]->count)
			put(o, dirs[d], idr_hist_to_json(l->hist[d]));
	return o;
}

char *idr_report_json(const struct idr_report *r)
{
	struct json_object *o = json_object_new_object();
	const char *text;
	char *line = NULL;
	size_t n;

	if (!o)
		return NULL;
	put(o, "format", json_object_new_int(IDR_SIDECAR_FORMAT));
	put_str(o, "engine", r->engine);
	put_str(o, "build", r->build);
	put_str(o, "fio", r->fio_version);
	put_str(o, "kind", r->kind);
	put_str(o, "twin", r->twin);
	put_str(o, "target", r->target);
	put(o, "pid", json_object_new_int(r->pid));
	put(o, "tid", json_object_new_int(r->tid));
	put(o, "job", job_json(&r->job));
	put(o, "counters", counters_json(&r->cnt));
	put(o, "cpu", cpu_json(r));
	if (r->lat && r->lat->on)
		put(o, "lat", lat_json(r->lat));
	if (r->extra)
		put(o, "engine_facts", json_object_get((struct json_object *)r->extra));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (text) {
		n = strlen(text);
		line = malloc(n + 2);
		if (line) {
			memcpy(line, text, n);
			line[n] = '\n';
			line[n + 1] = '\0';
		}
	}
	json_object_put(o);
	return line;
}

int idr_sidecar_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);

	return fd < 0 ? -errno : fd;
}

int idr_sidecar_append(int fd, const char *line)
{
	size_t n = strlen(line);
	ssize_t w;

	/* One write() with O_APPEND: lines from concurrent jobs land whole. */
	do
		w = write(fd, line, n);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return (size_t)w == n ? 0 : -EIO;
}
