/*
 * test_caps.c - engines/core/caps.c: the capability table read once, and the one rule for
 * "does this engine apply to this target" that `iodrill devices` and the drill share.
 */
#include <string.h>

#include "caps.h"
#include "unit.h"

static void find_rows(void)
{
	const struct idr_caps *c = idr_caps_find("uring_fixed");

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->twin, "io_uring");
	CU_ASSERT_STRING_EQUAL(c->target, "file");
	CU_ASSERT_STRING_EQUAL(idr_caps_find("nil")->target, "none");
	CU_ASSERT_STRING_EQUAL(idr_caps_find("kaio")->target, "direct");
	/* fio's built-in engines are not rows */
	CU_ASSERT_PTR_NULL(idr_caps_find("psync"));
	CU_ASSERT_PTR_NULL(idr_caps_find(NULL));
	CU_ASSERT_PTR_NULL(idr_caps_at(idr_caps_nr()));
	CU_ASSERT(idr_caps_nr() >= 7);
}

static void rule(void)
{
	const struct idr_target_offer file = { .path = true, .direct = true };
	const struct idr_target_offer buffered = { .path = true, .direct = false };
	const struct idr_target_offer ng_only = { .ngdev = true };
	const struct idr_target_offer both = { .path = true, .direct = true, .ngdev = true };
	const struct idr_caps *kaio = idr_caps_find("kaio"), *pt = idr_caps_find("uring_passthru");
	const struct idr_caps *sync = idr_caps_find("sync"), *nil = idr_caps_find("nil");

	CU_ASSERT_PTR_NULL(idr_caps_applies(sync, &file));
	CU_ASSERT_PTR_NULL(idr_caps_applies(sync, &buffered));
	CU_ASSERT_PTR_NULL(idr_caps_applies(kaio, &file));
	CU_ASSERT_PTR_NOT_NULL(strstr(idr_caps_applies(kaio, &buffered), "O_DIRECT"));
	CU_ASSERT_PTR_NOT_NULL(strstr(idr_caps_applies(pt, &file), "/dev/ngXnY"));
	CU_ASSERT_PTR_NULL(idr_caps_applies(pt, &ng_only));
	CU_ASSERT_PTR_NULL(idr_caps_applies(pt, &both));
	CU_ASSERT_PTR_NOT_NULL(strstr(idr_caps_applies(sync, &ng_only), "no block device"));
	/* a device-free engine applies to anything */
	CU_ASSERT_PTR_NULL(idr_caps_applies(nil, &ng_only));
	CU_ASSERT(idr_caps_floor(nil));
	CU_ASSERT(!idr_caps_floor(sync));
}

static CU_TestInfo caps_tests[] = {
	{ "idr_caps_find/rows of engines.tbl, not fio's engines", find_rows },
	{ "idr_caps_applies/file, O_DIRECT, ngdev, device-free", rule },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/caps.c", caps_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
