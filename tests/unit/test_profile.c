/*
 * test_profile.c - cli/run/profile.c: a copy of a job file with [global] settings changed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/fiojson.h"
#include "run/profile.h"
#include "unit.h"

static char dir[64], err[512];

static int make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/idr-unit-profile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Render text with sets; returns the copy (malloc'd) or NULL. */
static char *render(const char *text, const char *const *sets, unsigned int n)
{
	char src[128], dst[128], *out = NULL;
	size_t len;
	FILE *f;

	snprintf(src, sizeof(src), "%s/src.fio", dir);
	snprintf(dst, sizeof(dst), "%s/dst.fio", dir);
	unlink(dst);
	f = fopen(src, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	if (idr_profile_render(src, dst, sets, n, err, sizeof(err)))
		return NULL;
	return idr_read_file(dst, &out, &len) ? NULL : out;
}

static void replaces_and_adds(void)
{
	const char *sets[] = { "direct=0", "runtime=200ms", "time_based" };
	const char *text = "# direct=1 in a comment stays\n[global]\nrw=randread\n direct = 1\n"
			   "runtime=3\n\n[qd1]\niodepth=1\ndirect=1\n";
	char *out = render(text, sets, 3);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, "# direct=1 in a comment stays\n[global]\nrw=randread\n"
				    "direct=0\nruntime=200ms\n\ntime_based\n[qd1]\niodepth=1\n"
				    "direct=1\n");
	free(out);
}

static void no_global_section(void)
{
	const char *sets[] = { "direct=0" };
	char *out = render("[drill]\nbs=4k\n", sets, 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, "[global]\ndirect=0\n[drill]\nbs=4k\n");
	free(out);
}

static void global_at_end_and_prefix_keys(void)
{
	const char *sets[] = { "runtime=1" };
	/* ramp_time and runtime_x are other options: only runtime itself is replaced */
	char *out = render("[global]\nruntime_x=9\nramp_time=1\nruntime=3", sets, 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, "[global]\nruntime_x=9\nramp_time=1\nruntime=1\n");
	free(out);
}

static void errors_name_the_file(void)
{
	char dst[128];

	snprintf(dst, sizeof(dst), "%s/x.fio", dir);
	CU_ASSERT_EQUAL(idr_profile_render("/nonexistent/p.fio", dst, NULL, 0, err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/p.fio"));
}

static void key_of_a_line(void)
{
	char key[32];

	idr_profile_key("  iodepth_batch_submit = 32", key, sizeof(key));
	CU_ASSERT_STRING_EQUAL(key, "iodepth_batch_submit");
	idr_profile_key("time_based", key, sizeof(key));
	CU_ASSERT_STRING_EQUAL(key, "time_based");
	idr_profile_key("# runtime=3", key, sizeof(key));
	CU_ASSERT_STRING_EQUAL(key, "");
	idr_profile_key("[global]", key, sizeof(key));
	CU_ASSERT_STRING_EQUAL(key, "");
}

static CU_TestInfo profile_tests[] = {
	{ "idr_profile_render/replaces in [global], adds what is missing", replaces_and_adds },
	{ "idr_profile_render/adds a [global] section", no_global_section },
	{ "idr_profile_render/whole keys only, [global] last", global_at_end_and_prefix_keys },
	{ "idr_profile_render/a missing profile is named", errors_name_the_file },
	{ "idr_profile_key/options, flags, comments, sections", key_of_a_line },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/run/profile.c", profile_tests, make_dir, remove_dir },
	{ NULL, NULL, NULL, NULL },
};
