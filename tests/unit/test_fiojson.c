/*
 * test_fiojson.c - cli/archive/fiojson.c: reading fio's JSON output and the sidecar.
 * Fixtures in tests/fixtures/ are real output of this project's engines under fio 3.33.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "archive/fiojson.h"
#include "hist.h"
#include "lat_fixture.h"
#include "unit.h"

static char err[512];

static void real_fio_output(void)
{
	struct idr_fio_run run;
	const struct idr_fio_job *sync, *nil;

	CU_ASSERT_EQUAL_FATAL(idr_fio_run_load("tests/fixtures/fio-sync-nil.json", &run, err,
					       sizeof(err)),
			      0);
	CU_ASSERT_STRING_EQUAL(run.fio_version, "fio-3.33");
	CU_ASSERT_EQUAL_FATAL(run.nr_jobs, 2);
	sync = &run.jobs[0];
	nil = &run.jobs[1];
	CU_ASSERT_STRING_EQUAL(sync->name, "fx-sync");
	CU_ASSERT_STRING_EQUAL(sync->ioengine, "external:engines/sync.so");
	CU_ASSERT_EQUAL(sync->error, 0);
	CU_ASSERT_EQUAL(sync->dir[IDR_FIO_READ].total_ios, 1000);
	CU_ASSERT_EQUAL(sync->dir[IDR_FIO_WRITE].total_ios, 0);
	CU_ASSERT(sync->dir[IDR_FIO_READ].clat_p99_ns >= sync->dir[IDR_FIO_READ].clat_p50_ns);
	CU_ASSERT(sync->dir[IDR_FIO_READ].clat_p50_ns > 0);
	CU_ASSERT_EQUAL(sync->dir[IDR_FIO_READ].lat_max_ns, 82043);
	CU_ASSERT_DOUBLE_EQUAL(sync->dir[IDR_FIO_READ].lat_mean_ns, 1198.842, 0.001);
	CU_ASSERT_STRING_EQUAL(idr_fio_job_opt(sync, "rw"), "randread");
	CU_ASSERT_PTR_NULL(idr_fio_job_opt(sync, "no-such-option"));
	CU_ASSERT_EQUAL(nil->dir[IDR_FIO_READ].total_ios + nil->dir[IDR_FIO_WRITE].total_ios, 2000);
	CU_ASSERT_STRING_EQUAL(idr_fio_job_opt(nil, "iodepth"), "32");
	idr_fio_run_free(&run);
}

static void error_lines_before_json(void)
{
	const char *t =
		"fx: you need to specify size=\nfio: pid=0, err=22\n"
		"{\"fio version\":\"fio-3.33\",\"jobs\":[{\"jobname\":\"a\",\"error\":22}]}\n";
	struct idr_fio_run run;

	CU_ASSERT_EQUAL_FATAL(idr_fio_run_parse(t, strlen(t), &run, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(run.nr_jobs, 1);
	CU_ASSERT_EQUAL(run.jobs[0].error, 22);
	CU_ASSERT_EQUAL(run.jobs[0].dir[IDR_FIO_READ].total_ios, 0);
	idr_fio_run_free(&run);
}

static void truncated_and_foreign(void)
{
	const char *trunc = "{\"fio version\":\"fio-3.33\",\"jobs\":[{\"jobname\":\"a\"";
	const char *foreign = "{\"hello\":1}";
	const char *none = "fio: engine not loadable\n";
	struct idr_fio_run run;

	CU_ASSERT_EQUAL(idr_fio_run_parse(trunc, strlen(trunc), &run, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	CU_ASSERT_EQUAL(idr_fio_run_parse(foreign, strlen(foreign), &run, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not fio's JSON output"));
	CU_ASSERT_EQUAL(idr_fio_run_parse(none, strlen(none), &run, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no JSON object"));
	CU_ASSERT_EQUAL(idr_fio_run_load("tests/fixtures/no-such-file.json", &run, err,
					 sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no-such-file.json"));
}

static void wrong_types_read_as_absent(void)
{
	const char *t =
		"{\"fio version\":\"fio-3.33\",\"jobs\":[7,{\"jobname\":\"a\",\"error\":\"x\","
		"\"read\":{\"total_ios\":-5,\"iops\":\"many\",\"clat_ns\":[1]},"
		"\"job options\":{\"rw\":3}},{\"jobname\":5}]}";
	struct idr_fio_run run;

	CU_ASSERT_EQUAL_FATAL(idr_fio_run_parse(t, strlen(t), &run, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(run.nr_jobs, 1);
	CU_ASSERT_EQUAL(run.jobs[0].error, 0);
	CU_ASSERT_EQUAL(run.jobs[0].dir[IDR_FIO_READ].total_ios, 0);
	CU_ASSERT_EQUAL(run.jobs[0].dir[IDR_FIO_READ].iops, 0.0);
	CU_ASSERT_PTR_NULL(idr_fio_job_opt(&run.jobs[0], "rw"));
	idr_fio_run_free(&run);
}

static void real_sidecar(void)
{
	struct idr_sidecar sc;
	const struct idr_sidecar_job *j;

	CU_ASSERT_EQUAL_FATAL(idr_sidecar_load("tests/fixtures/sidecar-sync-nil.jsonl", &sc, err,
					       sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(sc.nr, 2);
	j = idr_sidecar_find(&sc, "fx-sync");
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(j->engine, "sync");
	CU_ASSERT_EQUAL(j->ios, 1000);
	CU_ASSERT_EQUAL(j->syscalls, 1000);
	CU_ASSERT(j->elapsed_ns > 0);
	CU_ASSERT(j->cpu_ns > 0);
	j = idr_sidecar_find(&sc, "fx-nil");
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(j->ios, 2000);
	CU_ASSERT_PTR_NULL(idr_sidecar_find(&sc, "nope"));
	idr_sidecar_free(&sc);
}

static void sidecar_bad_lines(void)
{
	const char *newer =
		"{\"format\":99,\"engine\":\"x\",\"job\":{},\"counters\":{},\"cpu\":{}}\n";
	const char *junk =
		"\n{\"format\":1,\"engine\":\"x\",\"job\":{},\"counters\":{},\"cpu\":{}}\n[1,2]\n";
	const char *torn = "{\"format\":1,\"engine\":\"x\",\"job\":{},\"coun";
	struct idr_sidecar sc;

	CU_ASSERT_EQUAL(idr_sidecar_parse(newer, strlen(newer), &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "newer than this iodrill reads"));
	CU_ASSERT_EQUAL(idr_sidecar_parse(junk, strlen(junk), &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 3"));
	CU_ASSERT_EQUAL(idr_sidecar_parse(torn, strlen(torn), &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(sc.nr, 0);
	CU_ASSERT_EQUAL(idr_sidecar_parse("", 0, &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sc.nr, 0);
}

static void json_range_and_spread(void)
{
	const char *t =
		"fio: warning\n{\"fio version\":\"fio-3.33\",\"global options\":{\"bs\":\"8k\"},"
		"\"jobs\":[{\"jobname\":\"a\",\"job options\":{\"rw\":\"read\"},"
		"\"read\":{\"iops_mean\":10.5,\"iops_stddev\":1.5,\"iops_samples\":4,"
		"\"clat_ns\":{\"N\":100,\"percentile\":{\"50.000000\":100,"
		"\"60.000000\":200,\"99.000000\":1000}}}}]}\nfio: trailing\n";
	struct idr_fio_run run;
	const struct idr_fio_dir *d;

	CU_ASSERT_EQUAL_FATAL(idr_fio_run_parse(t, strlen(t), &run, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(run.json_start, strlen("fio: warning\n"));
	CU_ASSERT_EQUAL(t[run.json_end - 1], '}');
	CU_ASSERT_EQUAL(t[run.json_end], '\n');
	CU_ASSERT_STRING_EQUAL(idr_fio_run_opt(&run, &run.jobs[0], "bs"), "8k");
	CU_ASSERT_STRING_EQUAL(idr_fio_run_opt(&run, &run.jobs[0], "rw"), "read");
	CU_ASSERT_PTR_NULL(idr_fio_run_opt(&run, &run.jobs[0], "iodepth"));
	d = &run.jobs[0].dir[IDR_FIO_READ];
	CU_ASSERT_EQUAL(d->clat_n, 100);
	CU_ASSERT_EQUAL(d->iops_samples, 4);
	CU_ASSERT_DOUBLE_EQUAL(d->iops_stddev, 1.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_fio_dir_percentile(d, 55), 150, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_fio_dir_percentile(d, 99), 1000, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_fio_dir_percentile(d, 10), 100, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(idr_fio_dir_percentile(d, 99.9), 1000, 1e-9);
	CU_ASSERT(isnan(idr_fio_dir_percentile(&run.jobs[0].dir[IDR_FIO_WRITE], 50)));
	idr_fio_run_free(&run);
}

static void sidecar_text_after_object(void)
{
	const char *t =
		"{\"format\":1,\"engine\":\"x\",\"job\":{},\"counters\":{},\"cpu\":{}} junk\n";
	const char *ok =
		"{\"format\":1,\"engine\":\"x\",\"job\":{},\"counters\":{},\"cpu\":{}}  \r\n";
	struct idr_sidecar sc;

	CU_ASSERT_EQUAL(idr_sidecar_parse(t, strlen(t), &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "text after its JSON object"));
	CU_ASSERT_EQUAL(idr_sidecar_parse(ok, strlen(ok), &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sc.nr, 1);
	idr_sidecar_free(&sc);
}

static void sidecar_from_json(void)
{
	struct json_object *a = json_tokener_parse(
		"[{\"format\":1,\"engine\":\"nil\",\"job\":{\"name\":\"j\"},\"counters\":{\"ios\":7},"
		"\"cpu\":{}}]");
	struct json_object *bad = json_tokener_parse("[{\"format\":1},3]");
	struct idr_sidecar sc;

	CU_ASSERT_EQUAL_FATAL(idr_sidecar_from_json(a, &sc, err, sizeof(err)), 0);
	json_object_put(a); /* the sidecar holds its own references */
	CU_ASSERT_EQUAL_FATAL(sc.nr, 1);
	CU_ASSERT_EQUAL(sc.jobs[0].ios, 7);
	CU_ASSERT_STRING_EQUAL(sc.jobs[0].job_name, "j");
	idr_sidecar_free(&sc);
	CU_ASSERT_EQUAL(idr_sidecar_from_json(bad, &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(idr_sidecar_from_json(NULL, &sc, err, sizeof(err)), -EINVAL);
	json_object_put(bad);
}

/* Parse one line into sc; the first job. */
static const struct idr_sidecar_job *one_line(char *line, struct idr_sidecar *sc)
{
	int ret = idr_sidecar_parse(line, strlen(line), sc, err, sizeof(err));

	free(line);
	CU_ASSERT_EQUAL(ret, 0);
	return ret || sc->nr != 1 ? NULL : &sc->jobs[0];
}

/* The nearest-rank quantile of sorted v[0..n). */
static double ref_q(const uint64_t *v, unsigned int n, double q)
{
	unsigned int rank = (unsigned int)ceil(q * n);

	return (double)v[rank ? rank - 1 : 0];
}

static void sidecar_lat(void)
{
	static uint64_t rd[1000], wr[10];
	struct idr_sidecar sc;
	const struct idr_sidecar_job *j;
	struct idr_lat_meta meta;
	struct idr_lat_figs f;
	struct idr_hist *h = malloc(sizeof(*h));

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	lat_fixture_uniform(rd, 1000, 10000, 1009990); /* 10 us .. 1010 us */
	lat_fixture_uniform(wr, 10, 5000, 5000);
	j = one_line(lat_fixture_line("kaio", "drill", 1, 1000,
				      lat_fixture_lat(rd, 1000, wr, 10, false)),
		     &sc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(idr_sidecar_lat(j, IDR_FIO_READ, h, &meta), 0);
	CU_ASSERT_EQUAL(h->count, 1000);
	CU_ASSERT_FALSE(meta.batched);
	CU_ASSERT_STRING_EQUAL(meta.clock, "CLOCK_MONOTONIC");
	CU_ASSERT_STRING_EQUAL(meta.to, "completion seen");
	idr_lat_figs_of(h, meta.batched, &f);
	CU_ASSERT_EQUAL(f.count, 1000);
	/* the histogram's bound: within 0.4% of the sorted reference */
	CU_ASSERT_DOUBLE_EQUAL(f.p50_ns, ref_q(rd, 1000, 0.5), 0.004 * ref_q(rd, 1000, 0.5));
	CU_ASSERT_DOUBLE_EQUAL(f.p99_ns, ref_q(rd, 1000, 0.99), 0.004 * ref_q(rd, 1000, 0.99));
	CU_ASSERT_DOUBLE_EQUAL(f.p999_ns, ref_q(rd, 1000, 0.999), 0.004 * ref_q(rd, 1000, 0.999));
	CU_ASSERT_DOUBLE_EQUAL(f.max_ns, 1009990, 0); /* exact */
	CU_ASSERT_DOUBLE_EQUAL(f.min_ns, 10000, 0);
	CU_ASSERT_DOUBLE_EQUAL(idr_lat_figs_pct(&f, 99), f.p99_ns, 0);
	CU_ASSERT_DOUBLE_EQUAL(idr_lat_figs_pct(&f, 100), f.max_ns, 0);
	CU_ASSERT(isnan(idr_lat_figs_pct(&f, 75)));
	CU_ASSERT_EQUAL(idr_sidecar_lat(j, IDR_FIO_WRITE, h, NULL), 0);
	CU_ASSERT_EQUAL(h->count, 10);
	idr_sidecar_free(&sc);

	/* batched: read, but its figures are not latencies */
	j = one_line(lat_fixture_line("kaio", "drill", 1, 1000,
				      lat_fixture_lat(rd, 1000, NULL, 0, true)),
		     &sc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(idr_sidecar_lat(j, IDR_FIO_READ, h, &meta), 0);
	CU_ASSERT_TRUE(meta.batched);
	idr_lat_figs_of(h, meta.batched, &f);
	CU_ASSERT(isnan(idr_lat_figs_pct(&f, 50)));
	CU_ASSERT_EQUAL(idr_sidecar_lat(j, IDR_FIO_WRITE, h, NULL), -ENOENT);
	idr_sidecar_free(&sc);

	/* an older engine's line: no "lat", no engine latency (never 0) */
	j = one_line(lat_fixture_line("kaio", "drill", 1, 1000, NULL), &sc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_PTR_NULL(j->lat);
	CU_ASSERT_EQUAL(idr_sidecar_lat(j, IDR_FIO_READ, h, &meta), -ENOENT);
	idr_sidecar_free(&sc);
	free(h);
}

/* Two jobs' lines: ra and rb read latencies each, the second batched when asked. */
static int two_lines(const uint64_t *ra, const uint64_t *rb, unsigned int n, bool b_batched,
		     struct idr_sidecar *sc)
{
	char *a =
		lat_fixture_line("uring_fixed", "s", 1, n, lat_fixture_lat(ra, n, NULL, 0, false));
	char *b = lat_fixture_line("uring_fixed", "s", 2, n,
				   lat_fixture_lat(rb, n, NULL, 0, b_batched));
	char *text = NULL;
	int ret = -ENOMEM;

	if (a && b && asprintf(&text, "%s\n%s\n", a, b) > 0)
		ret = idr_sidecar_parse(text, strlen(text), sc, err, sizeof(err));
	free(a);
	free(b);
	free(text);
	return ret;
}

/* A run's jobs (one line each) merged into one set of figures. */
static void sidecar_lat_figs(void)
{
	static uint64_t ra[100], rb[100];
	struct idr_lat_figs f;
	struct idr_sidecar sc;

	lat_fixture_uniform(ra, 100, 1000, 1000);     /* 1 us */
	lat_fixture_uniform(rb, 100, 100000, 100000); /* 100 us */
	CU_ASSERT_EQUAL_FATAL(two_lines(ra, rb, 100, false, &sc), 0);
	CU_ASSERT_EQUAL(idr_sidecar_lat_figs(&sc, IDR_FIO_READ, &f), 0);
	CU_ASSERT_EQUAL(f.count, 200);
	CU_ASSERT_FALSE(f.batched);
	CU_ASSERT_DOUBLE_EQUAL(f.min_ns, 1000, 0);
	CU_ASSERT_DOUBLE_EQUAL(f.max_ns, 100000, 0);
	CU_ASSERT_DOUBLE_EQUAL(f.p99_ns, 100000, 0.004 * 100000);
	CU_ASSERT_EQUAL(idr_sidecar_lat_figs(&sc, IDR_FIO_WRITE, &f), -ENODATA);
	idr_sidecar_free(&sc);
	/* one batched line makes the merged figures a batch's */
	CU_ASSERT_EQUAL_FATAL(two_lines(ra, rb, 100, true, &sc), 0);
	CU_ASSERT_EQUAL(idr_sidecar_lat_figs(&sc, IDR_FIO_READ, &f), 0);
	CU_ASSERT_TRUE(f.batched);
	idr_sidecar_free(&sc);
}

static void sidecar_lat_malformed(void)
{
	static const char *const lats[] = {
		"\"yes\"",			   /* not an object */
		"{\"read\":{}}",		   /* no batched */
		"{\"batched\":1,\"read\":{}}",	   /* batched not a bool */
		"{\"batched\":false,\"read\":[]}", /* not a histogram */
		"{\"batched\":false,\"read\":{\"count\":1,\"min_ns\":1,\"max_ns\":1,"
		"\"sum_ns\":1,\"hist\":{\"scheme\":\"hdr\",\"sub_bits\":8,\"buckets\":[]}}}",
		"{\"batched\":false,\"read\":{\"count\":2,\"min_ns\":1,\"max_ns\":1,"
		"\"sum_ns\":1,\"hist\":{\"scheme\":\"log-linear\",\"sub_bits\":8,"
		"\"buckets\":[[1,1]]}}}", /* counts do not add up */
	};
	struct idr_sidecar sc;
	struct idr_hist *h = malloc(sizeof(*h));
	char *line;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	for (i = 0; i < sizeof(lats) / sizeof(lats[0]); i++) {
		CU_ASSERT_FATAL(asprintf(&line,
					 "{\"format\":1,\"engine\":\"x\",\"job\":"
					 "{\"name\":\"j\"},\"counters\":{},\"cpu\":{},"
					 "\"lat\":%s}",
					 lats[i]) > 0);
		CU_ASSERT_EQUAL_FATAL(idr_sidecar_parse(line, strlen(line), &sc, err, sizeof(err)),
				      0);
		CU_ASSERT_EQUAL(idr_sidecar_lat(&sc.jobs[0], IDR_FIO_READ, h, NULL), -EINVAL);
		idr_sidecar_free(&sc);
		free(line);
	}
	free(h);
}

static CU_TestInfo fiojson_tests[] = {
	{ "idr_sidecar_lat/histogram, batched, older line", sidecar_lat },
	{ "idr_sidecar_lat/malformed lat is -EINVAL", sidecar_lat_malformed },
	{ "idr_sidecar_lat_figs/jobs merged; one batched makes all; none is -ENODATA",
	  sidecar_lat_figs },
	{ "idr_fio_run_parse/JSON byte range, global options, spread", json_range_and_spread },
	{ "idr_sidecar_parse/text after the object", sidecar_text_after_object },
	{ "idr_sidecar_from_json/parsed lines", sidecar_from_json },
	{ "idr_fio_run_load/real fio 3.33 output", real_fio_output },
	{ "idr_fio_run_parse/error lines before the JSON", error_lines_before_json },
	{ "idr_fio_run_parse/truncated, foreign and missing", truncated_and_foreign },
	{ "idr_fio_run_parse/wrong types read as absent", wrong_types_read_as_absent },
	{ "idr_sidecar_load/real sidecar", real_sidecar },
	{ "idr_sidecar_parse/newer format, junk and torn lines", sidecar_bad_lines },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/archive/fiojson.c", fiojson_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
