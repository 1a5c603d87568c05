/*
 * test_unwritten.c - cli/run/unwritten.c: judging sampled blocks, reading fio's I/O log,
 * and what the drill says about unwritten blocks. (The whole check, with fio and real
 * sparse targets, is tests/drill/t-unwritten.sh.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "devices.h"
#include "run/unwritten.h"
#include "unit.h"

static void block_kinds(void)
{
	unsigned char b[4096];

	memset(b, 0, sizeof(b));
	CU_ASSERT_EQUAL(idr_block_kind(b, sizeof(b)), IDR_BLOCK_ZEROS);
	b[4095] = 1; /* one byte of data at the very end */
	CU_ASSERT_EQUAL(idr_block_kind(b, sizeof(b)), IDR_BLOCK_DATA);
	memset(b, 0xff, sizeof(b));
	CU_ASSERT_EQUAL(idr_block_kind(b, sizeof(b)), IDR_BLOCK_ONES);
	b[0] = 0;
	CU_ASSERT_EQUAL(idr_block_kind(b, sizeof(b)), IDR_BLOCK_DATA);
	memset(b, 0x5a, sizeof(b)); /* a repeated byte that is not 0 or FFh is data */
	CU_ASSERT_EQUAL(idr_block_kind(b, sizeof(b)), IDR_BLOCK_DATA);
	CU_ASSERT_EQUAL(idr_block_kind(b, 0), IDR_BLOCK_DATA);
}

static void verdicts(void)
{
	/* the device's own answer wins, whatever the block holds */
	CU_ASSERT_TRUE(idr_block_unwritten(IDR_BLOCK_DATA, -1, 0));
	CU_ASSERT_FALSE(idr_block_unwritten(IDR_BLOCK_ZEROS, IDR_DLFEAT_ZEROES, 1));
	/* no answer: zeros are unwritten; FFh only where DLFEAT says deallocated reads so */
	CU_ASSERT_TRUE(idr_block_unwritten(IDR_BLOCK_ZEROS, -1, -1));
	CU_ASSERT_TRUE(idr_block_unwritten(IDR_BLOCK_ZEROS, IDR_DLFEAT_ZEROES, -1));
	CU_ASSERT_FALSE(idr_block_unwritten(IDR_BLOCK_ONES, IDR_DLFEAT_ZEROES, -1));
	CU_ASSERT_FALSE(idr_block_unwritten(IDR_BLOCK_ONES, -1, -1));
	CU_ASSERT_TRUE(idr_block_unwritten(IDR_BLOCK_ONES, IDR_DLFEAT_ONES, -1));
	CU_ASSERT_FALSE(idr_block_unwritten(IDR_BLOCK_DATA, IDR_DLFEAT_ZEROES, -1));
}

static void iolog(void)
{
	const char *v2 = "fio version 2 iolog\n/dev/loop0 add\n/dev/loop0 open\n"
			 "/dev/loop0 read 8192 4096\n/dev/loop0 read 4096 4096\n/dev/loop0 close\n";
	const char *v3 = "fio version 3 iolog\n0 /x y add\n1 /x y open\n"
			 "5 /x y read 40960 4096\n6 /x y write 4096 4096\n7 /x y read 0 4096\n";
	uint64_t o[4];

	CU_ASSERT_EQUAL(idr_iolog_reads(v2, o, 4), 2);
	CU_ASSERT_EQUAL(o[0], 8192);
	CU_ASSERT_EQUAL(o[1], 4096);
	/* version 3 has a time first; a name with a space; writes are not reads */
	CU_ASSERT_EQUAL(idr_iolog_reads(v3, o, 4), 2);
	CU_ASSERT_EQUAL(o[0], 40960);
	CU_ASSERT_EQUAL(o[1], 0);
	CU_ASSERT_EQUAL(idr_iolog_reads(v2, o, 1), 1); /* at most max */
	CU_ASSERT_EQUAL(idr_iolog_reads("{\"fio version\": 1}", o, 4), -EINVAL);
	CU_ASSERT_EQUAL(idr_iolog_reads("", o, 4), -EINVAL);
}

static void sayings(void)
{
	struct idr_unwritten u = { .checked = true,
				   .sampled = 64,
				   .unwritten = 60,
				   .zeros = 60,
				   .first_offset = 4096,
				   .dlfeat = IDR_DLFEAT_ZEROES,
				   .deallocated = -1 };
	struct json_object *o;
	char buf[1024];

	idr_unwritten_say(&u, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "60 of 64 sampled blocks this drill reads are "
					   "unwritten"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "DLFEAT says a deallocated block returns"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "offset 4096"));
	CU_ASSERT(strlen(buf) < 400); /* one finding of the drill's */
	idr_unwritten_fix(&u, "/dev/nvme0n1", buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "iodrill precondition /dev/nvme0n1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "profiles/precondition.fio --filename=/dev/nvme0n1"));
	u.dlfeat = -1;
	idr_unwritten_say(&u, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "all zeros: never written, or deallocated"));
	u.deallocated = 60;
	idr_unwritten_say(&u, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Get LBA Status says they are not allocated"));
	o = idr_unwritten_json(&u);
	CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(o, "unwritten")), 60);
	CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(o, "deallocated")), 60);
	json_object_put(o);
	/* nothing unwritten, or not checked: nothing said */
	u.unwritten = 0;
	idr_unwritten_say(&u, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
	idr_unwritten_fix(&u, "/x", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
	u = (struct idr_unwritten){ .checked = false, .dlfeat = -1, .deallocated = -1 };
	strcpy(u.why_not, "no block device");
	o = idr_unwritten_json(&u);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(o, "why_not")),
			       "no block device");
	json_object_put(o);
}

static CU_TestInfo unwritten_tests[] = {
	{ "idr_block_kind/zeros, FFh, data", block_kinds },
	{ "idr_block_unwritten/the device's answer, else zeros or DLFEAT's FFh", verdicts },
	{ "idr_iolog_reads/versions 2 and 3, not a log", iolog },
	{ "idr_unwritten_say/how judged, the fix, JSON", sayings },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/run/unwritten.c", unwritten_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
