/*
 * test_run.c - cli/run/run.c's bridge to the results archive: idr_run_archive turns a run's fio
 * calls into the archive's parts (leaving out, and naming, what did not read), stores
 * nothing when nothing ran or when asked not to, keeps the run's folder when the store
 * fails; idr_run_archive_check refuses a folder that cannot be written before the run.
 * End to end (drill, tune, Ctrl-C, a full archive) is tests/drill/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "run/run.h"
#include "unit.h"

#define FIO_FX "tests/fixtures/fio-sync-nil.json"
#define SC_FX "tests/fixtures/sidecar-sync-nil.jsonl"

static char scratch[256], archive[300];
static char *argv_fx[] = { "drill", "--reps", "1", "/some/target", NULL };

static int setup(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/iodrill-unit-run.XXXXXX");
	if (!mkdtemp(scratch))
		return -1;
	snprintf(archive, sizeof(archive), "%s/archive", scratch);
	return 0;
}

static int teardown(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) ? -1 : 0;
}

static void copy(const char *from, const char *to)
{
	char cmd[2 * PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/*
 * A run (kept under the scratch folder) with one call per label; calls[i] writes its fio
 * output (the fixture) when json[i], and asked for a sidecar when sc[i] (the fixture's,
 * or garbage when sc[i] == 2).
 */
static void make_run(struct idr_run *run, unsigned int n, const char *const *labels,
		     const int *json, const int *sc)
{
	char err[512], path[PATH_MAX];
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(idr_run_begin(run, "drill", 4, argv_fx, scratch, err, sizeof(err)),
			      0);
	run->calls = calloc(n, sizeof(*run->calls));
	CU_ASSERT_PTR_NOT_NULL_FATAL(run->calls);
	run->nr_calls = run->cap = n;
	for (i = 0; i < n; i++) {
		snprintf(run->calls[i].label, sizeof(run->calls[i].label), "%s", labels[i]);
		run->calls[i].sidecar = sc[i] != 0;
		idr_run_path(run, labels[i], ".json", path, sizeof(path));
		if (json[i])
			copy(FIO_FX, path);
		idr_run_path(run, labels[i], ".sidecar", path, sizeof(path));
		if (sc[i] == 1)
			copy(SC_FX, path);
		else if (sc[i] == 2)
			write_text(path, "not a sidecar\n");
	}
	json_object_object_add(run->facts, "reps", json_object_new_int(1));
	run->results = archive;
}

/* The not_archived entries of the run's facts, as "call:what" joined by spaces. */
static void left_out(const struct idr_run *run, char *buf, size_t len)
{
	struct json_object *l = json_object_object_get(run->facts, "not_archived");
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; l && i < json_object_array_length(l) && o < len; i++) {
		struct json_object *e = json_object_array_get_idx(l, i);

		o += (size_t)snprintf(buf + o, len - o, "%s%s:%s", i ? " " : "",
				      json_object_get_string(json_object_object_get(e, "call")),
				      json_object_get_string(json_object_object_get(e, "what")));
	}
}

/* o[array][i][key] (or o[array][i] when key is NULL) as a string, "" when absent. */
static const char *at(struct json_object *o, const char *array, size_t i, const char *key)
{
	struct json_object *v = json_object_array_get_idx(json_object_object_get(o, array), i);

	if (key)
		v = json_object_object_get(v, key);
	return v ? json_object_get_string(v) : "";
}

static void parts(void)
{
	static const char *const labels[] = { "r01-sync", "r01-twin", "r02-sync", "r02-nil" };
	static const int json[] = { 1, 1, 0, 1 }, sc[] = { 1, 0, 1, 2 };
	struct idr_run run;
	struct idr_result r;
	char err[1024], names[256];
	int64_t started;

	make_run(&run, 4, labels, json, sc);
	started = run.started_ms;
	CU_ASSERT_EQUAL(idr_run_archive(&run, "none", "interrupted"), 0);
	CU_ASSERT_EQUAL(run.archived, 0);
	left_out(&run, names, sizeof(names));
	/* r02-sync wrote no JSON: left out; r02-nil's sidecar does not read: stored without */
	CU_ASSERT_STRING_EQUAL(names, "r02-sync:fio output r02-nil:sidecar");
	CU_ASSERT_EQUAL_FATAL(idr_result_load(run.stored.path, &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.nr_parts, 3);
	CU_ASSERT_EQUAL(r.sidecars[0].nr, 2);
	CU_ASSERT_EQUAL(r.sidecars[1].nr, 0);
	CU_ASSERT_EQUAL(r.sidecars[2].nr, 0);
	CU_ASSERT_STRING_EQUAL(r.kind, "drill");
	CU_ASSERT_STRING_EQUAL(r.status, "interrupted");
	CU_ASSERT_STRING_EQUAL(r.device, "none");
	CU_ASSERT_EQUAL(r.time_ms, started);
	CU_ASSERT_STRING_EQUAL(at(r.prov, "parts", 2, "label"), "r02-nil");
	CU_ASSERT_STRING_EQUAL(at(r.prov, "command", 0, NULL), "iodrill");
	CU_ASSERT_STRING_EQUAL(at(r.prov, "command", 4, NULL), "/some/target");
	CU_ASSERT_STRING_EQUAL(at(json_object_object_get(r.prov, "facts"), "not_archived", 0,
				  "call"),
			       "r02-sync");
	idr_result_free(&r);
	idr_run_end(&run);
}

static void nothing(void)
{
	static const char *const labels[] = { "r01-sync" };
	static const int json[] = { 0 }, sc[] = { 1 };
	struct json_object *j;
	struct idr_run run;
	struct stat st;

	make_run(&run, 1, labels, json, sc);
	run.results = "/tmp/iodrill-unit-run-never";
	CU_ASSERT_EQUAL(idr_run_archive(&run, "none", "failed"), -ENODATA);
	CU_ASSERT_PTR_NOT_NULL(strstr(run.archive_err, "no fio run wrote its results"));
	CU_ASSERT_NOT_EQUAL(stat(run.results, &st), 0);
	j = idr_run_archive_json(&run);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(j, "why")) ?: "",
			       run.archive_err);
	json_object_put(j);
	idr_run_end(&run);
}

static void not_asked(void)
{
	static const char *const labels[] = { "r01-sync" };
	static const int json[] = { 1 }, sc[] = { 1 };
	struct idr_run run;
	struct json_object *j;

	make_run(&run, 1, labels, json, sc);
	CU_ASSERT_PTR_NULL(idr_run_archive_json(&run)); /* not tried yet: null */
	run.results = "/tmp/iodrill-unit-run-never";
	run.no_archive = true;
	CU_ASSERT_EQUAL(idr_run_archive(&run, "none", "complete"), 1);
	j = idr_run_archive_json(&run);
	CU_ASSERT_FALSE(json_object_get_boolean(json_object_object_get(j, "stored")));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(j, "why")),
			       "--no-archive");
	json_object_put(j);
	CU_ASSERT_NOT_EQUAL(access(run.results, F_OK), 0);
	idr_run_end(&run);
}

static void store_fails(void)
{
	static const char *const labels[] = { "r01-sync" };
	static const int json[] = { 1 }, sc[] = { 1 };
	char under_file[PATH_MAX + 32];
	struct idr_run run;

	make_run(&run, 1, labels, json, sc);
	run.keep = false;
	snprintf(under_file, sizeof(under_file), "%s/r01-sync.json/archive", run.dir);
	run.results = under_file;
	CU_ASSERT_TRUE(idr_run_archive(&run, "none", "complete") < 0);
	CU_ASSERT_NOT_EQUAL(run.archive_err[0], '\0');
	CU_ASSERT_TRUE(run.keep); /* nothing measured is thrown away */
	idr_run_end(&run);
}

static void check(void)
{
	char err[1024], file[300];
	struct idr_run run;

	CU_ASSERT_EQUAL_FATAL(idr_run_begin(&run, "tune", 1, argv_fx, scratch, err, sizeof(err)),
			      0);
	snprintf(file, sizeof(file), "%s/a-file", scratch);
	write_text(file, "x");
	run.results = archive; /* does not exist yet: made when stored */
	CU_ASSERT_EQUAL(idr_run_archive_check(&run, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(run.archive_dir, archive);
	snprintf(file, sizeof(file), "%s/a-file/deeper/archive", scratch);
	run.results = file;
	CU_ASSERT_EQUAL(idr_run_archive_check(&run, err, sizeof(err)), -ENOTDIR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "or --no-archive"));
	run.no_archive = true;
	CU_ASSERT_EQUAL(idr_run_archive_check(&run, err, sizeof(err)), 0);
	idr_run_end(&run);
}

/* An argument that does not fit is never dropped silently: the call is refused. */
static void args_lost(void)
{
	static struct idr_args a, b;
	struct idr_run run;
	unsigned int i;

	memset(&run, 0, sizeof(run));
	for (i = 0; i < IDR_ARGS_MAX; i++)
		idr_args_add(&a, "--opt%u=1", i);
	CU_ASSERT_FALSE(a.lost);
	CU_ASSERT_EQUAL(a.n, IDR_ARGS_MAX);
	CU_ASSERT_PTR_NULL(a.v[IDR_ARGS_MAX]);
	idr_args_add(&a, "--one-too-many");
	CU_ASSERT_TRUE(a.lost);
	CU_ASSERT_EQUAL(idr_run_fio(&run, "x", "sync", 0, &a, false), -E2BIG);
	CU_ASSERT_EQUAL(run.nr_calls, 0);
	/* one too long for its slot */
	idr_args_add(&b, "--filename=%0*d", (int)sizeof(b.buf[0]), 7);
	CU_ASSERT_TRUE(b.lost);
	CU_ASSERT_EQUAL(b.n, 0);
}

static CU_TestInfo run_tests[] = {
	{ "idr_args_add/too many or too long: lost, and idr_run_fio refuses", args_lost },
	{ "idr_run_archive/parts: what did not read is left out and named", parts },
	{ "idr_run_archive/nothing ran: -ENODATA, nothing stored", nothing },
	{ "idr_run_archive/--no-archive: 1, nothing stored", not_asked },
	{ "idr_run_archive/store fails: the run's folder is kept", store_fails },
	{ "idr_run_archive_check/writable, or refused with what to do", check },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/run/run.c", run_tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};
