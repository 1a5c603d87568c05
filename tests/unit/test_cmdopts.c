/*
 * test_cmdopts.c - cli/run/cmdopts.c: the command line of drill, tune and precondition.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/cmdopts.h"
#include "unit.h"

enum { OPT_SIZE = 256 };

static const struct option opts[] = {
	{ "size", required_argument, NULL, OPT_SIZE },
	IDR_CMD_LONG_OPTS,
};

/* The command's own option: --size N, refused when N is "bad". */
static int one(int c, const char *arg, void *ctx)
{
	if (c != OPT_SIZE || !strcmp(arg, "bad"))
		return -EINVAL;
	*(const char **)ctx = arg;
	return 0;
}

static int parse(struct idr_cmd_args *a, const char **size, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	*a = (struct idr_cmd_args){ .cmd = "t",
				    .help = "usage: t\n",
				    .opts = opts,
				    .one = one,
				    .ctx = size };
	return idr_cmd_parse(argc, argv, a);
}

static void shared_and_own(void)
{
	char *argv[] = { "t",  "/dev/x",    "--json", "--size", "4k", "--keep",
			 "/k", "--results", "/r",     "y",	NULL };
	struct idr_cmd_args a;
	const char *size = NULL;

	CU_ASSERT_EQUAL_FATAL(parse(&a, &size, argv), 0);
	CU_ASSERT_TRUE(a.json);
	CU_ASSERT_FALSE(a.no_archive);
	CU_ASSERT_STRING_EQUAL(a.keep, "/k");
	CU_ASSERT_STRING_EQUAL(a.results, "/r");
	CU_ASSERT_STRING_EQUAL(size, "4k");
	/* the arguments in order, wherever they stood; argv itself as typed */
	CU_ASSERT_EQUAL_FATAL(a.nargs, 2);
	CU_ASSERT_STRING_EQUAL(a.args[0], "/dev/x");
	CU_ASSERT_STRING_EQUAL(a.args[1], "y");
	CU_ASSERT_STRING_EQUAL(argv[1], "/dev/x");
	CU_ASSERT_STRING_EQUAL(argv[2], "--json");
}

static void refusals(void)
{
	char *unknown[] = { "t", "--bogus", NULL };
	char *bad[] = { "t", "--size", "bad", NULL };
	char *both[] = { "t", "--results", "/r", "--no-archive", NULL };
	char *many[] = { "t", "1", "2", "3", "4", "5", NULL };
	char *missing[] = { "t", "--size", NULL };
	struct idr_cmd_args a;
	const char *size;

	CU_ASSERT_EQUAL(parse(&a, &size, unknown), -EINVAL);
	CU_ASSERT_EQUAL(parse(&a, &size, bad), -EINVAL);
	CU_ASSERT_EQUAL(parse(&a, &size, both), -EINVAL);
	CU_ASSERT_EQUAL(parse(&a, &size, many), -EINVAL);
	CU_ASSERT_EQUAL(parse(&a, &size, missing), -EINVAL);
}

static void help(void)
{
	char *argv[] = { "t", "--help", NULL };
	struct idr_cmd_args a;
	const char *size;
	FILE *saved = stdout;
	char *buf;
	size_t len;

	stdout = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(parse(&a, &size, argv), 1);
	fclose(stdout);
	stdout = saved;
	CU_ASSERT_STRING_EQUAL(buf, "usage: t\n");
	free(buf);
}

static CU_TestInfo cmdopts_tests[] = {
	{ "idr_cmd_parse/shared options, the command's own, arguments in order", shared_and_own },
	{ "idr_cmd_parse/unknown, refused, both archive options, too many, missing value",
	  refusals },
	{ "idr_cmd_parse/--help printed, 1", help },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/run/cmdopts.c", cmdopts_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
