/*
 * test_devid.c - cli/devid.c: folder names (sanitized, NVMe from its identity, sizes), and
 * identifying what this machine has: no device, a file, a bad path, a char device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>

#include <json-c/json.h>

#include "devid.h"
#include "unit.h"

#define TMPFS_MAGIC 0x01021994

static char err[1024];

static void sanitize(void)
{
	char b[64];

	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize("Samsung SSD 980 PRO 1TB", b, sizeof(b)),
			       "Samsung_SSD_980_PRO_1TB");
	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize("  /dev//shm/ ", b, sizeof(b)), "dev_shm");
	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize("../..//x", b, sizeof(b)), "x");
	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize(".hidden", b, sizeof(b)), "hidden");
	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize("a\nb\tc;d", b, sizeof(b)), "a_b_c_d");
	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize("4096+8", b, sizeof(b)), "4096+8");
	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize("abcdef", b, 4), "abc");
	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize("", b, sizeof(b)), "");
	CU_ASSERT_STRING_EQUAL(idr_devid_sanitize(NULL, b, sizeof(b)), "");
}

static void nvme_names(void)
{
	char b[160];

	CU_ASSERT_STRING_EQUAL(idr_devid_nvme_name("Samsung SSD 980 PRO 1TB", "S5GXNF0R123456  ",
						   1, 512, 0, b, sizeof(b)),
			       "nvme-Samsung_SSD_980_PRO_1TB-S5GXNF0R123456-ns1-lba512");
	CU_ASSERT_STRING_EQUAL(idr_devid_nvme_name("QEMU NVMe Ctrl", "deadbeef", 3, 4096, 8, b,
						   sizeof(b)),
			       "nvme-QEMU_NVMe_Ctrl-deadbeef-ns3-lba4096+8");
}

static void sizes(void)
{
	char b[32];

	CU_ASSERT_STRING_EQUAL(idr_devid_human_size(64ull << 30, b, sizeof(b)), "64GiB");
	CU_ASSERT_STRING_EQUAL(idr_devid_human_size(1536ull << 30, b, sizeof(b)), "1.5TiB");
	CU_ASSERT_STRING_EQUAL(idr_devid_human_size(512, b, sizeof(b)), "512B");
	CU_ASSERT_STRING_EQUAL(idr_devid_human_size(500107862016ull, b, sizeof(b)), "466GiB");
}

static void nothing(void)
{
	struct idr_devid id;

	CU_ASSERT_EQUAL_FATAL(idr_devid_identify("none", &id, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(id.name, "none");
	CU_ASSERT_STRING_EQUAL(id.type, "none");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(id.json, "key")),
			       "none");
	idr_devid_free(&id);
}

/* A file is filed under its filesystem: the same folder for two files on it. */
static void files(void)
{
	struct idr_devid a, b;
	struct statfs sf;

	CU_ASSERT_EQUAL_FATAL(idr_devid_identify("Makefile", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(idr_devid_identify("tests/README.md", &b, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(a.type, "file");
	CU_ASSERT_EQUAL(strncmp(a.name, "file-", 5), 0);
	CU_ASSERT_STRING_EQUAL(a.name, b.name);
	CU_ASSERT_STRING_EQUAL(a.key, b.key);
	CU_ASSERT_PTR_NOT_NULL(json_object_object_get(json_object_object_get(a.json, "facts"),
						      "mount_point"));
	idr_devid_free(&a);
	idr_devid_free(&b);
	if (!statfs("/dev/shm", &sf) && sf.f_type == TMPFS_MAGIC) {
		CU_ASSERT_EQUAL_FATAL(idr_devid_identify("/dev/shm", &a, err, sizeof(err)), 0);
		CU_ASSERT_STRING_EQUAL(a.name, "file-tmpfs-dev_shm");
		idr_devid_free(&a);
	}
}

static void bad_targets(void)
{
	struct idr_devid id;

	CU_ASSERT_EQUAL(idr_devid_identify("/no/such/file", &id, err, sizeof(err)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "target /no/such/file: No such file or directory");
	CU_ASSERT_PTR_NULL(id.json);
	CU_ASSERT_EQUAL(idr_devid_identify("/dev/null", &id, err, sizeof(err)), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/dev/null is a character device but not an NVMe"));
}

static CU_TestInfo devid_tests[] = {
	{ "idr_devid_sanitize/readable, safe, no hidden names", sanitize },
	{ "idr_devid_nvme_name/model, serial, nsid, LBA format", nvme_names },
	{ "idr_devid_human_size/binary units", sizes },
	{ "idr_devid_identify/none", nothing },
	{ "idr_devid_identify/files share their filesystem's folder", files },
	{ "idr_devid_identify/missing path, char device", bad_targets },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/devid.c", devid_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
