/*
 * test_target.c - engines/core/target.c: paths fio must not create.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target.h"
#include "unit.h"

static char msg[512];

static void existing_paths_pass(void)
{
	CU_ASSERT_EQUAL(idr_path_may_create("/dev/null", msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(idr_path_may_create("/proc/self/status", msg, sizeof(msg)), 0);
}

static void missing_device_refused(void)
{
	CU_ASSERT_EQUAL(idr_path_may_create("/dev/loop0p9-iodrill-unit", msg, sizeof(msg)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "filename=/dev/loop0p9-iodrill-unit"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "under /dev"));
	CU_ASSERT_EQUAL(idr_path_may_create("/sys/iodrill-unit", msg, sizeof(msg)), -ENOENT);
	CU_ASSERT_EQUAL(idr_path_may_create("/proc/iodrill-unit", msg, sizeof(msg)), -ENOENT);
}

static void dotdot_and_symlinked_dirs_resolved(void)
{
	char link[64];

	CU_ASSERT_EQUAL(idr_path_may_create("/tmp/../dev/nvme9n9-iodrill", msg, sizeof(msg)),
			-ENOENT);
	snprintf(link, sizeof(link), "/tmp/idr-unit-devlink.%d", (int)getpid());
	CU_ASSERT_EQUAL_FATAL(symlink("/dev", link), 0);
	strcat(link, "/sdz9-iodrill");
	CU_ASSERT_EQUAL(idr_path_may_create(link, msg, sizeof(msg)), -ENOENT);
	link[strlen(link) - strlen("/sdz9-iodrill")] = '\0';
	unlink(link);
}

static void ordinary_and_tmpfs_on_dev_allowed(void)
{
	CU_ASSERT_EQUAL(idr_path_may_create("/tmp/iodrill-unit-new-file", msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(idr_path_may_create("iodrill-relative-new-file", msg, sizeof(msg)), 0);
	/* /dev/shm is a tmpfs of its own when mounted: new files there are fine. */
	struct stat dev, shm;

	if (!stat("/dev", &dev) && !stat("/dev/shm", &shm) && dev.st_dev != shm.st_dev)
		CU_ASSERT_EQUAL(idr_path_may_create("/dev/shm/iodrill-unit", msg, sizeof(msg)), 0);
}

static void missing_directory_left_to_fio(void)
{
	CU_ASSERT_EQUAL(idr_path_may_create("/nonexistent-iodrill/x", msg, sizeof(msg)), 0);
}

static CU_TestInfo target_tests[] = {
	{ "idr_path_may_create/existing paths pass", existing_paths_pass },
	{ "idr_path_may_create/missing device name refused", missing_device_refused },
	{ "idr_path_may_create/.. and symlinked dirs resolved",
	  dotdot_and_symlinked_dirs_resolved },
	{ "idr_path_may_create/ordinary dirs and /dev/shm allowed",
	  ordinary_and_tmpfs_on_dev_allowed },
	{ "idr_path_may_create/missing directory left to fio", missing_directory_left_to_fio },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/target.c", target_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
