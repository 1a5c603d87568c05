/*
 * test_archive.c - cli/archive/store.c and cli/archive/index.c: storing runs atomically, never
 * overwriting, the fallback without RENAME_NOREPLACE, bad inputs leaving the archive
 * untouched, run ids, and finding runs and devices (on the fixture archive).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "unit.h"

#define FIO_FX "tests/fixtures/fio-sync-nil.json"
#define SC_FX "tests/fixtures/sidecar-sync-nil.jsonl"
#define ARCHIVE_FX "tests/fixtures/results"

static char err[2048];
static char scratch[256];

static int setup(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/iodrill-unit-archive.XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int teardown(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) ? -1 : 0;
}

/* A fresh archive path under the scratch folder (not created). */
static const char *fresh(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	return path;
}

/* Entries in dir (recursively), to check that a failed store changed nothing. */
static int count_entries(const char *dir)
{
	char cmd[600], buf[32] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "find '%s' 2>/dev/null | wc -l", dir);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	pclose(p);
	return atoi(buf);
}

static struct idr_run_part part = { FIO_FX, SC_FX, "fixture" };

static struct idr_run_input input(void)
{
	static char *argv[] = { "fio", "job.fio" };
	struct idr_run_input in = { 0 };

	in.kind = "fio";
	in.target = "none";
	in.argc = 2;
	in.argv = argv;
	in.parts = &part;
	in.nr_parts = 1;
	in.time_ms = 1795623599617LL;
	return in;
}

static void run_ids(void)
{
	char id[IDR_RUN_ID_MAX], kind[24];
	int64_t ms;

	idr_run_id_make(1795623599617LL, "drill", 0x3fa2, id, sizeof(id));
	CU_ASSERT_STRING_EQUAL(id, "20261125T161959.617Z-drill-3fa2");
	CU_ASSERT_EQUAL_FATAL(idr_run_id_parse(id, &ms, kind, sizeof(kind)), 0);
	CU_ASSERT_EQUAL(ms, 1795623599617LL);
	CU_ASSERT_STRING_EQUAL(kind, "drill");
	CU_ASSERT_EQUAL(idr_run_id_parse("device", &ms, kind, sizeof(kind)), -EINVAL);
	CU_ASSERT_EQUAL(idr_run_id_parse("20261125T161959.617Z-drill-3fa", &ms, kind, sizeof(kind)),
			-EINVAL);
	CU_ASSERT_EQUAL(idr_run_id_parse("20261125T161959.617Z-drill-3fa2x", &ms, kind,
					 sizeof(kind)),
			-EINVAL);
	CU_ASSERT_EQUAL(idr_run_id_parse("20261125T161959.617Z--3fa2", &ms, kind, sizeof(kind)),
			-EINVAL);
}

static void archive_dir(void)
{
	char buf[4096];

	setenv("IODRILL_RESULTS", "/from/env", 1);
	CU_ASSERT_EQUAL(idr_archive_dir("/from/option", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/from/option");
	CU_ASSERT_EQUAL(idr_archive_dir(NULL, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/from/env");
	unsetenv("IODRILL_RESULTS");
	setenv("XDG_DATA_HOME", "/xdg", 1);
	CU_ASSERT_EQUAL(idr_archive_dir(NULL, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/xdg/iodrill/results");
	unsetenv("XDG_DATA_HOME");
	CU_ASSERT_EQUAL(idr_archive_dir("/x", buf, 2), -ENAMETOOLONG);
}

/* The stored file holds fio's JSON object byte for byte. */
static int holds_fio_bytes(const char *stored)
{
	char *a, *b, *start, *end;
	size_t la, lb;
	int same;

	if (idr_read_file(stored, &a, &la) || idr_read_file(FIO_FX, &b, &lb))
		return 0;
	start = strstr(a, "\"fio\": [\n");
	end = strstr(a, "\n],\n\"sidecar\"");
	while (lb && (b[lb - 1] == '\n' || b[lb - 1] == ' '))
		lb--;
	same = start && end && (size_t)(end - start - 9) == lb && !memcmp(start + 9, b, lb);
	free(a);
	free(b);
	return same;
}

static void store_and_read_back(void)
{
	struct idr_run_input in = input();
	const char *dir = fresh("a");
	struct idr_stored st, st2;
	struct idr_result r;
	char path[4200];
	struct stat sb;

	in.facts = json_tokener_parse("{\"skipped\":{\"kaio\":\"tmpfs: no O_DIRECT\"}}");
	CU_ASSERT_EQUAL_FATAL(idr_archive_store(dir, &in, &st, err, sizeof(err)), 0);
	json_object_put(in.facts);
	in.facts = NULL;
	CU_ASSERT_STRING_EQUAL(st.device, "none");
	CU_ASSERT_EQUAL(strncmp(st.id, "20261125T161959.617Z-fio-", 25), 0);
	snprintf(path, sizeof(path), "%s/none/device.json", dir);
	CU_ASSERT_EQUAL(stat(path, &sb), 0);
	CU_ASSERT(holds_fio_bytes(st.path));
	CU_ASSERT_EQUAL_FATAL(idr_result_load(st.path, &r, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(r.id, st.id);
	CU_ASSERT_STRING_EQUAL(r.kind, "fio");
	CU_ASSERT_STRING_EQUAL(r.status, "complete");
	CU_ASSERT_EQUAL(r.nr_jobs, 2);
	CU_ASSERT_PTR_NOT_NULL(idr_result_prov_str(&r, "host.kernel"));
	CU_ASSERT_PTR_NOT_NULL(idr_result_prov_str(&r, "host.cpu_model"));
	CU_ASSERT_STRING_EQUAL(idr_result_prov_str(&r, "fio.version"), "fio-3.33");
	CU_ASSERT_STRING_EQUAL(idr_result_prov_str(&r, "facts.skipped.kaio"), "tmpfs: no O_DIRECT");
	CU_ASSERT_PTR_NOT_NULL(json_object_object_get(r.prov, "engines"));
	idr_result_free(&r);
	/* a second run of the same moment lands beside the first, under another name */
	CU_ASSERT_EQUAL_FATAL(idr_archive_store(dir, &in, &st2, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(st2.device, "none");
	CU_ASSERT_STRING_NOT_EQUAL(st2.id, st.id);
	CU_ASSERT_EQUAL(stat(st.path, &sb), 0);
	CU_ASSERT_EQUAL(count_entries(dir), 5); /* dir, none/, device.json, two runs */
}

struct seq {
	const unsigned int *v;
	unsigned int n, i;
};

static unsigned int next_suffix(void *arg)
{
	struct seq *s = arg;

	return s->v[s->i++ % s->n];
}

/* A name that is taken is never overwritten: the store picks other hex digits. */
static void never_overwrites(void)
{
	static const unsigned int v[] = { 0x1234, 0x1234, 0x1234, 0x5678 };
	struct seq seq = { v, 4, 0 };
	struct idr_store_opts opts = { next_suffix, &seq, 0 };
	struct idr_run_input in = input();
	const char *dir = fresh("b");
	struct idr_stored st;
	char taken[4200], *text;
	size_t len;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(idr_archive_store_opts(dir, &in, &opts, &st, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(st.id + strlen(st.id) - 4, "1234");
	/* a foreign file already holds the next name the sequence gives */
	seq.i = 0;
	snprintf(taken, sizeof(taken), "%s/none/20261125T161959.617Z-fio-5678.json", dir);
	f = fopen(taken, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("precious", f);
	fclose(f);
	CU_ASSERT_EQUAL(idr_archive_store_opts(dir, &in, &opts, &st, err, sizeof(err)), -EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "free name"));
	CU_ASSERT_EQUAL_FATAL(idr_read_file(taken, &text, &len), 0);
	CU_ASSERT_STRING_EQUAL(text, "precious");
	free(text);
}

/* A taken name is skipped: the next hex digits are used. */
static void retries_taken_name(void)
{
	static const unsigned int v[] = { 0x4321, 0x4321, 0x9abc };
	struct seq seq = { v, 3, 0 };
	struct idr_store_opts opts = { next_suffix, &seq, 0 };
	struct idr_run_input in = input();
	const char *dir = fresh("b2");
	struct idr_stored st;

	CU_ASSERT_EQUAL_FATAL(idr_archive_store_opts(dir, &in, &opts, &st, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(st.id + strlen(st.id) - 4, "4321");
	seq.i = 0;
	CU_ASSERT_EQUAL_FATAL(idr_archive_store_opts(dir, &in, &opts, &st, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(st.id + strlen(st.id) - 4, "9abc");
	CU_ASSERT_EQUAL(count_entries(dir), 5);
}

static void without_renameat2(void)
{
	struct idr_store_opts opts = { NULL, NULL, 1 };
	struct idr_run_input in = input();
	const char *dir = fresh("c");
	struct idr_stored st, st2;
	struct idr_result r;

	CU_ASSERT_EQUAL_FATAL(idr_archive_store_opts(dir, &in, &opts, &st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(idr_archive_store_opts(dir, &in, &opts, &st2, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(idr_result_load(st2.path, &r, err, sizeof(err)), 0);
	idr_result_free(&r);
	CU_ASSERT_EQUAL(count_entries(dir), 5);
}

/* Each bad input: a message naming it, and no archive folder made. */
static void expect_refused(struct idr_run_input *in, const char *dir, int want, const char *msg)
{
	struct idr_stored st;
	int ret = idr_archive_store(dir, in, &st, err, sizeof(err));

	CU_ASSERT_EQUAL(ret, want);
	if (!strstr(err, msg))
		fprintf(stderr, "  message was: %s (wanted %s)\n", err, msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
	CU_ASSERT_EQUAL(count_entries(dir), 0);
}

static void bad_inputs(void)
{
	struct idr_run_input in = input();
	struct idr_run_part p = part;
	const char *dir = fresh("d");

	in.kind = "Drill!";
	expect_refused(&in, dir, -EINVAL, "run kind 'Drill!'");
	in = input();
	in.nr_parts = 0;
	expect_refused(&in, dir, -EINVAL, "at least one fio output");
	in = input();
	in.parts = &p;
	p.fio_json = "tests/fixtures/no-such.json";
	expect_refused(&in, dir, -ENOENT, "tests/fixtures/no-such.json");
	p.fio_json = "tests/fixtures/results-bad/truncated.json";
	expect_refused(&in, dir, -EINVAL, "fio's output is not valid JSON (truncated)");
	p.fio_json = "tests/fixtures/results-bad/empty.json";
	expect_refused(&in, dir, -EINVAL, "no JSON object");
	p.fio_json = FIO_FX;
	p.sidecar = FIO_FX; /* not a sidecar */
	expect_refused(&in, dir, -EINVAL, "line 1 is not valid JSON");
	p.sidecar = SC_FX;
	in.target = "/no/such/target";
	expect_refused(&in, dir, -ENOENT, "target /no/such/target");
	in.target = NULL; /* the jobs use different files and /nil: must say which */
	expect_refused(&in, dir, -ENOENT, "/dev/shm/fx/f");
	in = input();
	in.status = "great";
	expect_refused(&in, dir, -EINVAL, "run status 'great'");
}

static void archive_is_a_file(void)
{
	struct idr_run_input in = input();
	const char *dir = fresh("plainfile");
	struct idr_stored st;
	FILE *f = fopen(dir, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	CU_ASSERT_EQUAL(idr_archive_store(dir, &in, &st, err, sizeof(err)), -ENOTDIR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nothing was stored"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, dir));
}

/* A missing archive folder is made, with its parents; removed again if the store fails. */
static void makes_parents(void)
{
	struct idr_run_input in = input();
	struct idr_stored st;
	char dir[600];

	snprintf(dir, sizeof(dir), "%s/e/f/g", scratch);
	CU_ASSERT_EQUAL(idr_archive_store(dir, &in, &st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(count_entries(dir), 4);
}

static void scan_fixtures(void)
{
	struct idr_archive_index idx;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(idr_archive_scan(ARCHIVE_FX, &idx, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(idx.nr_devices, 3);
	CU_ASSERT_EQUAL(idx.nr, 12);
	CU_ASSERT_EQUAL(idx.nr_stale, 0);
	for (i = 1; i < idx.nr; i++)
		CU_ASSERT(idx.runs[i - 1].time_ms >= idx.runs[i].time_ms);
	CU_ASSERT_STRING_EQUAL(idx.runs[0].kind, "drill");
	idr_archive_index_free(&idx);
	CU_ASSERT_EQUAL(idr_archive_scan("/no/such/archive", &idx, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(idx.nr, 0);
	CU_ASSERT_EQUAL(idr_archive_scan(FIO_FX, &idx, err, sizeof(err)), -ENOTDIR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, FIO_FX));
}

static void find_runs_and_devices(void)
{
	struct idr_archive_index idx;
	const struct idr_archive_run *r;
	const char *d;

	CU_ASSERT_EQUAL_FATAL(idr_archive_scan(ARCHIVE_FX, &idx, err, sizeof(err)), 0);
	CU_ASSERT_PTR_EQUAL(idr_archive_find_run(&idx, "latest", err, sizeof(err)), &idx.runs[0]);
	r = idr_archive_find_run(&idx, "f002", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->device, "file-tmpfs-dev_shm");
	CU_ASSERT_PTR_EQUAL(idr_archive_find_run(&idx, r->id, err, sizeof(err)), r);
	CU_ASSERT_PTR_NULL(idr_archive_find_run(&idx, "drill", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "matches 12 runs"));
	CU_ASSERT_PTR_NULL(idr_archive_find_run(&idx, "nope", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no run 'nope'"));
	d = idr_archive_find_device(&idx, "lba512", err, sizeof(err));
	CU_ASSERT_STRING_EQUAL(d, "nvme-QEMU_NVMe_Ctrl-deadbeef-ns1-lba512");
	CU_ASSERT_PTR_NULL(idr_archive_find_device(&idx, "nvme", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "matches 2 device folders"));
	CU_ASSERT_PTR_NULL(idr_archive_find_device(&idx, "sata", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no device folder matches 'sata'"));
	CU_ASSERT_PTR_NULL(idr_archive_find_device(&idx, "none", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "has no runs on it"));
	idr_archive_index_free(&idx);
}

static CU_TestInfo archive_tests[] = {
	{ "idr_run_id_make/made and parsed back, junk refused", run_ids },
	{ "idr_archive_dir/option, environment, XDG", archive_dir },
	{ "idr_archive_store/stored, read back, fio's bytes kept, two at once",
	  store_and_read_back },
	{ "idr_archive_store/a taken name is never overwritten", never_overwrites },
	{ "idr_archive_store/a taken name: other hex digits", retries_taken_name },
	{ "idr_archive_store/filesystem without RENAME_NOREPLACE", without_renameat2 },
	{ "idr_archive_store/bad inputs refused, nothing made", bad_inputs },
	{ "idr_archive_store/archive path is a file", archive_is_a_file },
	{ "idr_archive_store/missing archive folder made with parents", makes_parents },
	{ "idr_archive_scan/fixture archive, missing, not a folder", scan_fixtures },
	{ "idr_archive_find_run/latest, parts, ambiguous; find_device", find_runs_and_devices },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/archive/store.c", archive_tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};
