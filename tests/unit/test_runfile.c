/*
 * test_runfile.c - cli/archive/runfile.c: reading a stored run back (real fixture runs and each
 * kind of bad file), pairing fio's jobs with sidecar lines, and the numbers show/compare use.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive_int.h"
#include "lat_fixture.h"
#include "unit.h"

#define BASE "tests/fixtures/results/file-tmpfs-dev_shm/20261125T164406.157Z-drill-8f72.json"
#define BAD "tests/fixtures/results-bad/"

static char err[1024];

static void real_run(void)
{
	struct idr_result r;
	const struct idr_result_job *s, *n;

	CU_ASSERT_EQUAL_FATAL(idr_result_load(BASE, &r, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(r.kind, "drill");
	CU_ASSERT_STRING_EQUAL(r.device, "file-tmpfs-dev_shm");
	CU_ASSERT_EQUAL(r.nr_parts, 1);
	CU_ASSERT_EQUAL_FATAL(r.nr_jobs, 2);
	s = &r.jobs[0];
	n = &r.jobs[1];
	CU_ASSERT_STRING_EQUAL(s->engine, "sync");
	CU_ASSERT_STRING_EQUAL(n->engine, "nil");
	CU_ASSERT_EQUAL(s->sc_lines, 1);
	CU_ASSERT_EQUAL(n->iodepth, 32);
	CU_ASSERT_STRING_EQUAL(s->rw, "randread");
	CU_ASSERT_STRING_EQUAL(s->bs, "4k");
	/* IOPS over the engine's ns timer: its I/Os over its elapsed time */
	CU_ASSERT_DOUBLE_EQUAL(s->iops[0],
			       (double)s->fio->dir[0].total_ios / ((double)s->sc.elapsed_ns / 1e9),
			       1e-6);
	CU_ASSERT_DOUBLE_EQUAL(s->cpu_us_per_io, (double)s->sc.cpu_ns / 1e3 / (double)s->sc.ios,
			       1e-9);
	CU_ASSERT(s->syscalls_per_io >= 1.0);
	CU_ASSERT(!isnan(s->iops_rel_sd[0])); /* 2 s runs: fio took IOPS samples */
	CU_ASSERT(isnan(s->iops_rel_sd[1]));  /* no writes */
	CU_ASSERT_STRING_EQUAL(idr_result_prov_str(&r, "device.type"), "file");
	CU_ASSERT_PTR_NULL(idr_result_prov_str(&r, "no.such.key"));
	idr_result_free(&r);
}

static void expect_bad(const char *file, const char *msg)
{
	struct idr_result r;
	char path[256];

	snprintf(path, sizeof(path), BAD "%s", file);
	CU_ASSERT_EQUAL(idr_result_load(path, &r, err, sizeof(err)), -EINVAL);
	if (!strstr(err, msg))
		fprintf(stderr, "  %s: message was: %s\n", file, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, file));
	CU_ASSERT_PTR_NULL(r.root);
}

static void bad_files(void)
{
	struct idr_result r;

	expect_bad("truncated.json", "not valid JSON (truncated");
	expect_bad("garbage.json", "not valid JSON");
	expect_bad("empty.json", "truncated");
	expect_bad("newer.json", "written by a newer iodrill (result format 2");
	expect_bad("not-a-result.json", "not an iodrill result");
	expect_bad("foreign-fio.json", "fio output 1: not fio's JSON output");
	CU_ASSERT_EQUAL(idr_result_load(BAD "missing.json", &r, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing.json: No such file"));
}

static int parse(const char *t, struct idr_result *r)
{
	return idr_result_parse(t, strlen(t), r, err, sizeof(err));
}

#define HEAD \
	"{\"iodrill_result\":1,\"provenance\":{\"id\":\"x\",\"kind\":\"fio\",\"device\":{\"name\":\"d\"}},"
#define SC(name, thr, ios, el)                                                                    \
	"{\"format\":1,\"engine\":\"nil\",\"job\":{\"name\":\"" name "\",\"thread_number\":" #thr \
	"},\"counters\":{\"ios\":" #ios ",\"elapsed_ns\":" #el "},\"cpu\":{\"total_ns\":1000}}"

static void odd_shapes(void)
{
	struct idr_result r;

	CU_ASSERT_EQUAL(parse("[1,2]", &r), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a JSON object"));
	CU_ASSERT_EQUAL(parse(HEAD "\"fio\":[]}", &r), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no fio output"));
	CU_ASSERT_EQUAL(parse(HEAD "\"fio\":[{\"fio version\":\"f\",\"jobs\":[]}],\"sidecar\":[]}",
			      &r),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "one array per fio output"));
	CU_ASSERT_EQUAL(parse(HEAD "\"fio\":[{\"fio version\":\"f\",\"jobs\":[]}]} trailing", &r),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "text after"));
	CU_ASSERT_EQUAL(parse("{\"iodrill_result\":1,\"provenance\":{},\"fio\":[]}", &r), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "lacks its id"));
	CU_ASSERT_EQUAL(parse("{\"iodrill_result\":\"1\"}", &r), -EINVAL);
	CU_ASSERT_EQUAL(parse("{\"iodrill_result\":0,\"provenance\":{}}", &r), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(parse(HEAD "\"fio\":[{\"fio version\":\"f\",\"jobs\":[]}]}", &r), 0);
	CU_ASSERT_EQUAL(r.nr_jobs, 0);
	CU_ASSERT_STRING_EQUAL(r.status, "unknown");
	idr_result_free(&r);
}

/* numjobs=2 without group_reporting: two fio jobs named j; sidecar lines in finishing
 * order (thread 3, 2): the first fio job takes thread 2's line. */
static void pairs_by_thread(void)
{
	struct idr_result r;
	const char *t = HEAD "\"fio\":[{\"fio version\":\"f\",\"jobs\":["
			     "{\"jobname\":\"j\",\"read\":{\"total_ios\":10}},"
			     "{\"jobname\":\"j\",\"read\":{\"total_ios\":20}}]}],"
			     "\"sidecar\":[[" SC("j", 3, 20, 2000) "," SC("j", 2, 10, 1000) "]]}";

	CU_ASSERT_EQUAL_FATAL(parse(t, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.nr_jobs, 2);
	CU_ASSERT_EQUAL(r.jobs[0].sc.ios, 10);
	CU_ASSERT_EQUAL(r.jobs[1].sc.ios, 20);
	CU_ASSERT_EQUAL(r.jobs[0].occurrence, 0);
	CU_ASSERT_EQUAL(r.jobs[1].occurrence, 1);
	CU_ASSERT_DOUBLE_EQUAL(r.jobs[0].iops[0], 10 / 1e-6, 1e-3);
	idr_result_free(&r);
}

/* group_reporting: one fio job, a line per thread: summed, the longest elapsed time. */
static void sums_group(void)
{
	struct idr_result r;
	const char *t = HEAD
		"\"fio\":[{\"fio version\":\"f\",\"jobs\":["
		"{\"jobname\":\"g\",\"read\":{\"total_ios\":30}}]}],"
		"\"sidecar\":[[" SC("g", 1, 10, 1000) "," SC("g", 2, 20, 3000) "," SC("other", 3, 5,
										      5) "]]}";

	CU_ASSERT_EQUAL_FATAL(parse(t, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.nr_jobs, 1);
	CU_ASSERT_EQUAL(r.jobs[0].sc_lines, 2);
	CU_ASSERT_EQUAL(r.jobs[0].sc.ios, 30);
	CU_ASSERT_EQUAL(r.jobs[0].sc.elapsed_ns, 3000);
	CU_ASSERT_EQUAL(r.jobs[0].sc.cpu_ns, 2000);
	CU_ASSERT_DOUBLE_EQUAL(r.jobs[0].cpu_us_per_io, 2.0 / 30, 1e-9);
	idr_result_free(&r);
}

/* Without a sidecar: fio's IOPS and its job-thread CPU, the engine from ioengine=. */
static void without_sidecar(void)
{
	struct idr_result r;
	char key[256];
	const char *t = HEAD
		"\"fio\":[{\"fio version\":\"f\",\"global options\":{\"bs\":\"8k\"},"
		"\"jobs\":[{\"jobname\":\"p\",\"job_runtime\":1000,\"usr_cpu\":10,\"sys_cpu\":40,"
		"\"job options\":{\"ioengine\":\"psync\",\"iodepth\":\"4\"},"
		"\"read\":{\"total_ios\":1000,\"iops\":1000.5}}]}]}";

	CU_ASSERT_EQUAL_FATAL(parse(t, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.jobs[0].engine, "psync");
	CU_ASSERT_STRING_EQUAL(r.jobs[0].bs, "8k");
	CU_ASSERT_STRING_EQUAL(r.jobs[0].rw, "read");
	CU_ASSERT_EQUAL(r.jobs[0].iodepth, 4);
	CU_ASSERT_DOUBLE_EQUAL(r.jobs[0].iops[0], 1000.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r.jobs[0].cpu_us_per_io, 500.0, 1e-9); /* 0.5 s / 1000 */
	CU_ASSERT(isnan(r.jobs[0].syscalls_per_io));
	idr_result_job_key(&r.jobs[0], key, sizeof(key));
	CU_ASSERT_STRING_EQUAL(key, "psync/p read 8k qd4");
	idr_result_free(&r);
}

/* A result of one part: fio's jobs (JSON text) and the sidecar lines (malloc'd, freed). */
static int parse_part(const char *jobs, char **lines, unsigned int n, struct idr_result *r)
{
	char *t = NULL, *sc = strdup(""), *grown;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		if (asprintf(&grown, "%s%s%s", sc, i ? "," : "", lines[i]) < 0)
			grown = NULL;
		free(sc);
		free(lines[i]);
		sc = grown;
	}
	if (!sc || asprintf(&t,
			    HEAD "\"fio\":[{\"fio version\":\"f\",\"jobs\":[%s]}],"
				 "\"sidecar\":[[%s]]}",
			    jobs, sc) < 0)
		t = NULL;
	ret = t ? parse(t, r) : -ENOMEM;
	free(sc);
	free(t);
	return ret;
}

/* group_reporting: the job's histogram is its lines' merged; batched from any line. */
static void lat_merged(void)
{
	static uint64_t a[100], b[300];
	struct idr_result r;
	char *lines[3];

	lat_fixture_uniform(a, 100, 1000, 1000); /* 1 us */
	lat_fixture_uniform(b, 300, 9000, 9000); /* 9 us */
	lines[0] = lat_fixture_line("kaio", "g", 1, 100, lat_fixture_lat(a, 100, NULL, 0, false));
	lines[1] = lat_fixture_line("kaio", "g", 2, 300, lat_fixture_lat(b, 300, NULL, 0, false));
	lines[2] = lat_fixture_line("kaio", "o", 3, 300, lat_fixture_lat(b, 300, NULL, 0, true));
	CU_ASSERT_EQUAL_FATAL(parse_part("{\"jobname\":\"g\",\"read\":{\"total_ios\":400}},"
					 "{\"jobname\":\"o\",\"read\":{\"total_ios\":300}}",
					 lines, 3, &r),
			      0);
	CU_ASSERT_EQUAL_FATAL(r.nr_jobs, 2);
	CU_ASSERT_EQUAL(r.jobs[0].lat[0].count, 400);
	CU_ASSERT_EQUAL(r.jobs[0].lat[1].count, 0);
	/* 100 at 1 us, 300 at 9 us: the median is 9 us, the minimum 1 us */
	CU_ASSERT_DOUBLE_EQUAL(r.jobs[0].lat[0].p50_ns, 9000, 9000 * 0.004);
	CU_ASSERT_DOUBLE_EQUAL(r.jobs[0].lat[0].min_ns, 1000, 0);
	CU_ASSERT_FALSE(r.jobs[0].lat[0].batched);
	CU_ASSERT_FALSE(r.jobs[0].clat_batched);
	CU_ASSERT_TRUE(r.jobs[1].lat[0].batched); /* the engine said so */
	CU_ASSERT_TRUE(r.jobs[1].clat_batched);
	idr_result_free(&r);
}

/* Older lines without "lat", and a line with a broken one: no figures, the run reads. */
static void lat_absent_or_broken(void)
{
	struct idr_result r;
	char *lines[2];

	lines[0] = lat_fixture_line("kaio", "old", 1, 10, NULL);
	CU_ASSERT_FATAL(asprintf(&lines[1],
				 "{\"format\":1,\"engine\":\"kaio\",\"job\":"
				 "{\"name\":\"bad\"},\"counters\":{\"ios\":10},\"cpu\":{},"
				 "\"lat\":{\"batched\":false,\"read\":{\"count\":3}}}") > 0);
	CU_ASSERT_EQUAL_FATAL(parse_part("{\"jobname\":\"old\",\"read\":{\"total_ios\":10},"
					 "\"job options\":{\"iodepth\":\"1000\","
					 "\"iodepth_batch_complete_min\":\"1000\"}},"
					 "{\"jobname\":\"bad\",\"read\":{\"total_ios\":10}}",
					 lines, 2, &r),
			      0);
	CU_ASSERT_EQUAL_FATAL(r.nr_jobs, 2);
	CU_ASSERT_EQUAL(r.jobs[0].sc_lines, 1);
	CU_ASSERT_EQUAL(r.jobs[0].lat[0].count, 0);
	CU_ASSERT(isnan(idr_lat_figs_pct(&r.jobs[0].lat[0], 50)));
	/* fio reaped 1,000 at a time: its clat is a batch's stamp */
	CU_ASSERT_TRUE(r.jobs[0].clat_batched);
	CU_ASSERT_EQUAL(r.jobs[1].lat[0].count, 0);
	CU_ASSERT_FALSE(r.jobs[1].clat_batched);
	idr_result_free(&r);
}

/* fio runs a synchronous engine at depth 1 whatever the job says: its clat is per read. */
static void clat_sync_not_batched(void)
{
	struct idr_result r;
	const char *t =
		HEAD "\"fio\":[{\"fio version\":\"f\",\"global options\":{"
		     "\"iodepth\":\"1000\",\"iodepth_batch_complete_min\":\"1000\"},\"jobs\":["
		     "{\"jobname\":\"drill\",\"job options\":{\"ioengine\":\"psync\"},"
		     "\"read\":{\"total_ios\":1000}},"
		     "{\"jobname\":\"drill\",\"job options\":{\"ioengine\":\"libaio\"},"
		     "\"read\":{\"total_ios\":1000}}]}]}";

	CU_ASSERT_EQUAL_FATAL(parse(t, &r), 0);
	CU_ASSERT_FALSE(r.jobs[0].clat_batched);
	CU_ASSERT_TRUE(r.jobs[1].clat_batched);
	idr_result_free(&r);
}

static void engine_names(void)
{
	char b[48];

	CU_ASSERT_STRING_EQUAL(idr_engine_name("external:/usr/lib/iodrill/engines/sync.so", b,
					       sizeof(b)),
			       "sync");
	CU_ASSERT_STRING_EQUAL(idr_engine_name("external:engines/uring_fixed.so", b, sizeof(b)),
			       "uring_fixed");
	CU_ASSERT_STRING_EQUAL(idr_engine_name("io_uring", b, sizeof(b)), "io_uring");
	CU_ASSERT_STRING_EQUAL(idr_engine_name(NULL, b, sizeof(b)), "psync");
}

static CU_TestInfo result_tests[] = {
	{ "idr_result_load/a real stored run", real_run },
	{ "idr_result_load/bad files, each with its reason", bad_files },
	{ "idr_result_parse/odd shapes", odd_shapes },
	{ "idr_result_build_jobs/numjobs paired by thread number", pairs_by_thread },
	{ "idr_result_build_jobs/group_reporting summed", sums_group },
	{ "idr_result_build_jobs/no sidecar: fio's figures", without_sidecar },
	{ "idr_engine_name/from ioengine", engine_names },
	{ "idr_result_build_jobs/latency histograms merged per job", lat_merged },
	{ "idr_result_build_jobs/no lat or a broken one: no figures", lat_absent_or_broken },
	{ "idr_result_build_jobs/a synchronous engine's clat is per read", clat_sync_not_batched },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/archive/runfile.c", result_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
