/*
 * test_drilltarget.c - cli/run/drilltarget.c: what drill and tune may read, and the file they
 * create.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/drilltarget.h"
#include "run/run.h"
#include "unit.h"

static char dir[64], err[1024];
static struct idr_drill_target t;

static int make_dir(void)
{
	snprintf(dir, sizeof(dir), "/dev/shm/idr-unit-target.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void sized_file(const char *name, off_t size, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	CU_ASSERT_EQUAL(truncate(path, size), 0);
}

static void missing_is_refused(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/nope", dir);
	CU_ASSERT_EQUAL(idr_target_open(path, dir, 8 << 20, &t, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not exist"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
}

static void new_file_made_and_removed(void)
{
	struct stat st;
	char desc[8192];

	CU_ASSERT_EQUAL_FATAL(idr_target_open(NULL, dir, 8 << 20, &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.kind, IDR_DRILL_NEW);
	CU_ASSERT(t.created);
	CU_ASSERT_EQUAL(t.size, 8 << 20);
	CU_ASSERT_EQUAL_FATAL(stat(t.path, &st), 0);
	CU_ASSERT_EQUAL(st.st_size, 8 << 20);
	CU_ASSERT_STRING_EQUAL(t.fstype, "tmpfs");
	idr_target_describe(&t, desc, sizeof(desc));
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, "created for this run"));
	idr_target_release(&t);
	CU_ASSERT_NOT_EQUAL(stat(t.path, &st), 0);
}

static void folder_gets_a_new_file(void)
{
	CU_ASSERT_EQUAL_FATAL(idr_target_open(dir, "/nonexistent", 8 << 20, &t, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(strncmp(t.path, dir, strlen(dir)), 0);
	CU_ASSERT(t.created);
	idr_target_release(&t);
	CU_ASSERT_NOT_EQUAL(access(t.path, F_OK), 0);
}

static void existing_file_is_read(void)
{
	char path[128];

	sized_file("big", 8 << 20, path, sizeof(path));
	CU_ASSERT_EQUAL_FATAL(idr_target_open(path, dir, 0, &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.kind, IDR_DRILL_FILE);
	CU_ASSERT_FALSE(t.created);
	CU_ASSERT_EQUAL(t.size, 8 << 20);
	CU_ASSERT_STRING_EQUAL(t.path, path);
	CU_ASSERT_STRING_EQUAL(t.ngdev, "");
	idr_target_release(&t);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
}

static void too_small_refused(void)
{
	char path[128];

	sized_file("small", 1 << 20, path, sizeof(path));
	CU_ASSERT_EQUAL(idr_target_open(path, dir, 0, &t, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least 4096000 bytes"));
}

static void unreadable_kinds_refused(void)
{
	char path[128];

	CU_ASSERT_EQUAL(idr_target_open("/dev/null", dir, 0, &t, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an NVMe generic device"));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
	CU_ASSERT_EQUAL(idr_target_open(path, dir, 0, &t, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "a FIFO"));
}

/* A stop signal while the file is written: -EINTR, and the half-made file is gone. */
static void stopped_while_creating(void)
{
	struct idr_run run;
	char sub[128];

	snprintf(sub, sizeof(sub), "%s/stop", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
	CU_ASSERT_EQUAL_FATAL(idr_run_begin(&run, "unit", 0, NULL, dir, err, sizeof(err)), 0);
	raise(SIGINT);
	CU_ASSERT_EQUAL(idr_run_stopped(), SIGINT);
	CU_ASSERT_EQUAL(idr_target_open(sub, run.dir, 64 << 20, &t, err, sizeof(err)), -EINTR);
	CU_ASSERT_FALSE(t.created);
	CU_ASSERT_EQUAL(rmdir(sub), 0); /* empty: nothing was left in it */
	run.keep = false;
	idr_run_end(&run);
}

static CU_TestInfo target_tests[] = {
	{ "idr_target_open/missing TARGET refused, nothing created", missing_is_refused },
	{ "idr_target_open/no TARGET: a new file, removed by release", new_file_made_and_removed },
	{ "idr_target_open/a folder gets a new file", folder_gets_a_new_file },
	{ "idr_target_open/an existing file is read, never removed", existing_file_is_read },
	{ "idr_target_open/smaller than 1,000 blocks refused", too_small_refused },
	{ "idr_target_open/char devices and FIFOs refused", unreadable_kinds_refused },
	{ "idr_target_open/stopped while writing: file removed", stopped_while_creating },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/run/drilltarget.c", target_tests, make_dir, remove_dir },
	{ NULL, NULL, NULL, NULL },
};
