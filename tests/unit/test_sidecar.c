/*
 * test_sidecar.c - engines/core/sidecar.c: the counters file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/fiojson.h"
#include "sidecar.h"
#include "unit.h"

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, tok, &o))
			return NULL;
	return o;
}

static uint64_t u64(struct json_object *o, const char *path)
{
	return json_object_get_uint64(get(o, path));
}

static void sample(struct idr_report *r)
{
	static const char *const files[] = { "/dev/shm/a", "/tmp/b \"quoted\"" };

	memset(r, 0, sizeof(*r));
	r->engine = "sync";
	r->build = "v1-2-gabc";
	r->fio_version = "fio-3.33";
	r->kind = "sync";
	r->twin = "psync";
	r->target = "file";
	r->job.name = "drill";
	r->job.iodepth = 7;
	r->job.bs[0] = 12288;
	r->job.bs[1] = 8192;
	r->job.nr_files = 2;
	r->job.nr_names = 2;
	r->job.files = files;
	r->cnt.ios = 1000;
	r->cnt.syscalls = 2000;
	r->cnt.t_first_submit_ns = 100;
	r->cnt.t_last_complete_ns = 5100;
	r->job_cpu.usr_us = 300;
	r->job_cpu.sys_us = 700;
	r->job_cpu.total_ns = 1000000;
	r->workers.usr_us = 1000;
	r->workers.sys_us = 1000;
	r->workers.total_ns = 2000000;
	r->workers.threads = 16;
}

static void json_fields(void)
{
	struct idr_report r;
	struct json_object *o, *files;
	char *line;

	sample(&r);
	line = idr_report_json(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	/* One line: exactly one newline, at the end. */
	CU_ASSERT_PTR_EQUAL(strchr(line, '\n'), line + strlen(line) - 1);
	o = json_tokener_parse(line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(get(o, "engine")), "sync");
	CU_ASSERT_EQUAL(u64(o, "format"), IDR_SIDECAR_FORMAT);
	CU_ASSERT_EQUAL(u64(o, "job.iodepth"), 7);
	CU_ASSERT_EQUAL(u64(o, "job.bs_read"), 12288);
	CU_ASSERT_EQUAL(u64(o, "job.bs_write"), 8192);
	CU_ASSERT_EQUAL(u64(o, "counters.elapsed_ns"), 5000);
	CU_ASSERT_EQUAL(u64(o, "cpu.usr_us"), 1300);
	CU_ASSERT_EQUAL(u64(o, "cpu.sys_us"), 1700);
	CU_ASSERT_EQUAL(u64(o, "cpu.workers"), 16);
	CU_ASSERT_EQUAL(u64(o, "cpu.total_ns"), 3000000);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(o, "cpu.us_per_io")), 3.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(o, "cpu.syscalls_per_io")), 2.0, 1e-9);
	files = get(o, "job.files");
	CU_ASSERT_EQUAL(json_object_array_length(files), 2);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(files, 1)),
			       "/tmp/b \"quoted\"");
	json_object_put(o);
	free(line);
}

static void no_per_io_figures_without_ios(void)
{
	struct idr_report r;
	struct json_object *o;
	char *line;

	sample(&r);
	r.cnt.ios = 0;
	r.cnt.t_last_complete_ns = 0;
	line = idr_report_json(&r);
	o = json_tokener_parse(line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_PTR_NULL(get(o, "cpu.us_per_io"));
	CU_ASSERT_EQUAL(u64(o, "counters.elapsed_ns"), 0);
	json_object_put(o);
	free(line);
}

static void extra_facts(void)
{
	struct idr_report r;
	struct idr_extra *e = idr_extra_new();
	struct json_object *o;
	char *line;

	CU_ASSERT_EQUAL(idr_extra_str(e, "setup_flags", "SINGLE_ISSUER|DEFER_TASKRUN"), 0);
	CU_ASSERT_EQUAL(idr_extra_u64(e, "sq_entries", 128), 0);
	CU_ASSERT_EQUAL(idr_extra_bool(e, "sqpoll", 1), 0);
	sample(&r);
	r.extra = e;
	line = idr_report_json(&r);
	o = json_tokener_parse(line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(get(o, "engine_facts.setup_flags")),
			       "SINGLE_ISSUER|DEFER_TASKRUN");
	CU_ASSERT_EQUAL(u64(o, "engine_facts.sq_entries"), 128);
	CU_ASSERT_TRUE(json_object_get_boolean(get(o, "engine_facts.sqpoll")));
	json_object_put(o);
	free(line);
	/* The report took its own reference: the engine's copy is still usable. */
	CU_ASSERT_EQUAL(idr_extra_u64(e, "after", 1), 0);
	idr_extra_free(e);
}

static char path[64];

/* The engines' "lat" reads back through the command's reader, figures and all. */
static void lat_round_trip(void)
{
	struct idr_hist *rd = malloc(sizeof(*rd)), *wr = malloc(sizeof(*wr)), *back;
	struct idr_lat lat = { .on = true,
			       .batched = false,
			       .from = "io_submit called",
			       .to = "its CQE seen",
			       .untimed = 3 };
	struct idr_lat_meta meta;
	struct idr_report r;
	struct idr_sidecar sc;
	char *line, err[256];
	unsigned int i;

	back = malloc(sizeof(*back));
	CU_ASSERT_FATAL(rd && wr && back);
	idr_hist_init(rd);
	idr_hist_init(wr);
	for (i = 1; i <= 1000; i++)
		idr_hist_add(rd, 1000ull * i);
	lat.hist[0] = rd;
	lat.hist[1] = wr; /* no write timed: the direction is left out */
	sample(&r);
	r.lat = &lat;
	line = idr_report_json(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	CU_ASSERT_EQUAL_FATAL(idr_sidecar_parse(line, strlen(line), &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(idr_sidecar_lat(&sc.jobs[0], IDR_FIO_READ, back, &meta), 0);
	CU_ASSERT_EQUAL(back->count, 1000);
	CU_ASSERT_EQUAL(back->min_ns, 1000);
	CU_ASSERT_EQUAL(back->max_ns, 1000000);
	CU_ASSERT_EQUAL(idr_hist_quantile(back, 0.5), idr_hist_quantile(rd, 0.5));
	CU_ASSERT_FALSE(meta.batched);
	CU_ASSERT_STRING_EQUAL(meta.clock, "CLOCK_MONOTONIC");
	CU_ASSERT_STRING_EQUAL(meta.from, "io_submit called");
	CU_ASSERT_STRING_EQUAL(meta.to, "its CQE seen");
	CU_ASSERT_EQUAL(idr_sidecar_lat(&sc.jobs[0], IDR_FIO_WRITE, back, &meta), -ENOENT);
	idr_sidecar_free(&sc);
	free(line);
	/* Not timed (no sidecar asked for it, so on is false): no "lat" at all. */
	lat.on = false;
	line = idr_report_json(&r);
	CU_ASSERT_PTR_NULL(strstr(line, "\"lat\""));
	free(line);
	free(rd);
	free(wr);
	free(back);
}

static void *appender(void *arg)
{
	int fd = idr_sidecar_open(path), i;
	char line[600];

	memset(line, 'a' + (int)(long)arg, sizeof(line));
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 200; i++)
		if (idr_sidecar_append(fd, line))
			break;
	close(fd);
	return NULL;
}

static void concurrent_appends_never_interleave(void)
{
	pthread_t t[4];
	char line[700];
	FILE *f;
	long i, lines = 0, bad = 0;

	snprintf(path, sizeof(path), "/tmp/idr-sidecar-unit.%d", (int)getpid());
	unlink(path);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, appender, (void *)i), 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f)) {
		lines++;
		for (i = 1; i < 598; i++)
			bad += line[i] != line[0];
	}
	fclose(f);
	unlink(path);
	CU_ASSERT_EQUAL(lines, 800);
	CU_ASSERT_EQUAL(bad, 0);
}

static void open_errors(void)
{
	CU_ASSERT_EQUAL(idr_sidecar_open("/nonexistent-dir/x.json"), -ENOENT);
	CU_ASSERT_EQUAL(idr_sidecar_open("/proc/self"), -EISDIR);
	CU_ASSERT_EQUAL(idr_sidecar_append(-1, "x\n"), -EBADF);
}

static void append_to_full_device(void)
{
	int fd = open("/dev/full", O_WRONLY);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(idr_sidecar_append(fd, "{}\n"), -ENOSPC);
	close(fd);
}

static CU_TestInfo sidecar_tests[] = {
	{ "idr_report_json/fields and one line", json_fields },
	{ "idr_report_json/no per-I/O figures without I/Os", no_per_io_figures_without_ios },
	{ "idr_extra/engine facts in the report", extra_facts },
	{ "idr_report_json/lat reads back through idr_sidecar_lat", lat_round_trip },
	{ "idr_sidecar_append/concurrent appends never interleave",
	  concurrent_appends_never_interleave },
	{ "idr_sidecar_open/errors as -errno", open_errors },
	{ "idr_sidecar_append/full device is -ENOSPC", append_to_full_device },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/sidecar.c", sidecar_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
