/*
 * test_engsel.c - cli/run/engsel.c: which engines.tbl rows apply to a target.
 * The unit binary finds no engines beside itself: every row reads as not built unless
 * iodrill is installed, so the assertions hold either way.
 */
#include <errno.h>
#include <string.h>

#include "run/engsel.h"
#include "run/run.h"
#include "unit.h"

static char err[1024];

static struct idr_drill_target file_target(bool direct)
{
	struct idr_drill_target t;

	memset(&t, 0, sizeof(t));
	t.kind = IDR_DRILL_FILE;
	strcpy(t.path, "/dev/shm/x");
	t.size = 64 << 20;
	t.direct = direct;
	return t;
}

static const struct idr_skip *skipped(const struct idr_picks *p, const char *name)
{
	for (unsigned int i = 0; i < p->nr_skip; i++)
		if (!strcmp(p->skip[i].name, name))
			return &p->skip[i];
	return NULL;
}

static const struct idr_pick *picked(const struct idr_picks *p, const char *name)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

static void unknown_engine(void)
{
	struct idr_drill_target t = file_target(true);
	struct idr_picks p;

	CU_ASSERT_EQUAL(idr_engines_pick(&t, "sync,bogus", false, &p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown engine 'bogus'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "sync nil"));
	/* a name that merely contains a real one is not it */
	CU_ASSERT_EQUAL(idr_engines_pick(&t, "syn", false, &p, err, sizeof(err)), -EINVAL);
}

static void every_row_accounted_for(void)
{
	struct idr_drill_target t = file_target(false);
	struct idr_picks p;
	char known[512], *name, *save = NULL;
	const struct idr_skip *s;

	CU_ASSERT_EQUAL_FATAL(idr_engines_pick(&t, NULL, false, &p, err, sizeof(err)), 0);
	idr_engines_known(known, sizeof(known));
	for (name = strtok_r(known, " ", &save); name; name = strtok_r(NULL, " ", &save))
		CU_ASSERT(picked(&p, name) || skipped(&p, name));
	s = skipped(&p, "uring_passthru");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s->why, "/dev/ngXnY"));
	s = skipped(&p, "kaio");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(strstr(s->why, "O_DIRECT") || strstr(s->why, "not built"));
}

static void not_applicable_by_name_is_an_error(void)
{
	struct idr_drill_target t = file_target(true);
	struct idr_picks p;

	CU_ASSERT_EQUAL(idr_engines_pick(&t, "uring_passthru", false, &p, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "uring_passthru needs an NVMe generic char device"));
}

static void twins_follow_their_engine(void)
{
	struct idr_drill_target t = file_target(true);
	const struct idr_pick *k;
	struct idr_picks p;
	struct idr_args a = { .n = 0 };

	CU_ASSERT_EQUAL_FATAL(idr_engines_pick(&t, NULL, true, &p, err, sizeof(err)), 0);
	k = picked(&p, "io_uring");
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT(k->builtin);
	CU_ASSERT_STRING_EQUAL(k->ours, "uring_fixed");
	idr_pick_args(k, &t, &a);
	CU_ASSERT_STRING_EQUAL(a.v[0], "--ioengine=io_uring");
	CU_ASSERT_STRING_EQUAL(a.v[1], "--filename=/dev/shm/x");
	CU_ASSERT_STRING_EQUAL(a.v[2], "--fixedbufs=1");
	CU_ASSERT_STRING_EQUAL(a.v[3], "--registerfiles=1");
	CU_ASSERT_PTR_NULL(a.v[4]);
	k = picked(&p, "null");
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT(k->floor);
	CU_ASSERT_PTR_NULL(picked(&p, "io_uring_cmd")); /* its target is an ngdev */
	CU_ASSERT_PTR_NULL(picked(&p, "-"));		/* threadpool has no twin */
}

static CU_TestInfo engsel_tests[] = {
	{ "idr_engines_pick/unknown engine names the known ones", unknown_engine },
	{ "idr_engines_pick/every row picked or skipped with why", every_row_accounted_for },
	{ "idr_engines_pick/named but not applicable is an error",
	  not_applicable_by_name_is_an_error },
	{ "idr_engines_pick/twins with their twin_opts", twins_follow_their_engine },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/run/engsel.c", engsel_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
