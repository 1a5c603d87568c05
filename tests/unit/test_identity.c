/*
 * test_identity.c - cli/archive/identity.c: folder names (sanitized, NVMe from its identity, sizes),
 * every kind of block device of the sysfs fixture filed under the very names (and keys)
 * it had before identity.c asked nvme/, and identifying what this machine has: no device, a
 * file, a bad path, a char device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include <json-c/json.h>

#include "archive/identity.h"
#include "sysfs_fixture.h"
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

	CU_ASSERT_STRING_EQUAL(idr_devid_nvme_name("Samsung SSD 980 PRO 1TB", "S5GXNF0R123456  ", 1,
						   512, 0, b, sizeof(b)),
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
	CU_ASSERT_PTR_NOT_NULL(
		json_object_object_get(json_object_object_get(a.json, "facts"), "mount_point"));
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

/* ---- the sysfs fixture: names and keys pinned (an archive's folders must not move) ---- */

/* Block device maj:min of the fixture is filed as name, key, description, identity. */
static void filed_as(unsigned int maj, unsigned int min, const char *name, const char *key,
		     const char *description, const char *identity_json)
{
	const struct idr_scan_opts o = { .sys = fixture_sys }; /* no Identify: sysfs alone */
	struct idr_devid id;
	const char *got;

	CU_ASSERT_EQUAL_FATAL(idr_devid_block(&o, makedev(maj, min), &id, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(id.name, name);
	CU_ASSERT_STRING_EQUAL(id.key, key);
	CU_ASSERT_STRING_EQUAL(id.description, description);
	got = json_object_to_json_string_ext(json_object_object_get(id.json, "identity"),
					     JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
	CU_ASSERT_STRING_EQUAL(got, identity_json);
	idr_devid_free(&id);
}

static void fixture_nvme(void)
{
	const struct idr_scan_opts o = { .sys = fixture_sys };
	struct json_object *f;
	struct idr_devid id;

	filed_as(259, 0, "nvme-QEMU_NVMe_Ctrl-IDRSER01-ns1-lba4096",
		 "nvme|QEMU NVMe Ctrl|IDRSER01|1|4096|0",
		 "NVMe QEMU NVMe Ctrl, serial IDRSER01, namespace 1, LBA format 4096 B + 0 B",
		 "{\"model\":\"QEMU NVMe Ctrl\",\"serial\":\"IDRSER01\",\"nsid\":1,"
		 "\"lba_bytes\":4096,\"metadata_bytes\":0}");
	filed_as(259, 2, "nvme-QEMU_NVMe_Ctrl-IDRSER01-ns1-lba4096-part2",
		 "nvme|QEMU NVMe Ctrl|IDRSER01|1|4096|0|part2@0",
		 "NVMe QEMU NVMe Ctrl, serial IDRSER01, namespace 1, LBA format 4096 B + 0 B, "
		 "partition 2",
		 "{\"model\":\"QEMU NVMe Ctrl\",\"serial\":\"IDRSER01\",\"nsid\":1,"
		 "\"lba_bytes\":4096,\"metadata_bytes\":0,\"partition\":2,"
		 "\"partition_start_sector\":0}");
	CU_ASSERT_EQUAL_FATAL(idr_devid_block(&o, makedev(259, 0), &id, err, sizeof(err)), 0);
	f = json_object_object_get(id.json, "facts");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(f, "identity_source")),
			       "sysfs");
	CU_ASSERT_EQUAL(json_object_get_int64(json_object_object_get(f, "lba_count")), 262144);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(f, "generic_device")),
			       "ng0n1");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(f, "wwid")),
			       "eui.00000000000000aa");
	/* Only Identify knows where the metadata goes: no guess from sysfs. */
	CU_ASSERT_PTR_NULL(json_object_object_get(f, "extended_lba"));
	idr_devid_free(&id);
	/* nvme1n1 has no logical block size in sysfs: no LBA format, no folder. */
	CU_ASSERT_EQUAL(idr_devid_block(&o, makedev(259, 3), &id, err, sizeof(err)), -ENODATA);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nvme1n1: cannot read the NVMe namespace's identity"));
}

/* Other disks keep the names their own sysfs reading gave (not blkdev.h's VPD serial). */
static void fixture_other_disks(void)
{
	const struct idr_scan_opts o = { .sys = fixture_sys };
	struct idr_devid id;

	filed_as(254, 0, "block-vda-VIRTSER-256GiB", "block||VIRTSER|||256GiB",
		 "block device vda, serial VIRTSER, 256GiB",
		 "{\"serial\":\"VIRTSER\",\"driver\":\"vda\"}");
	filed_as(8, 0, "block-QEMU_HARDDISK-t10.ATA_QEMU_HARDDISK_QM00001-512KiB",
		 "block|QEMU HARDDISK||t10.ATA QEMU HARDDISK QM00001||512KiB",
		 "block device QEMU HARDDISK, wwid t10.ATA QEMU HARDDISK QM00001, 512KiB",
		 "{\"model\":\"QEMU HARDDISK\",\"wwid\":\"t10.ATA QEMU HARDDISK QM00001\"}");
	filed_as(7, 3, "loop-images_a.img-lb512", "loop|/images/a.img|0|512",
		 "loop device over /images/a.img (offset 0, 512-byte blocks)",
		 "{\"backing_file\":\"/images/a.img\",\"offset\":0}");
	CU_ASSERT_EQUAL(idr_devid_block(&o, makedev(7, 7), &id, err, sizeof(err)), -ENODEV);
	CU_ASSERT_STRING_EQUAL(err, "block device 7:7 is not in sysfs");
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

static CU_TestInfo devid_fixture_tests[] = {
	{ "idr_devid_block/NVMe namespace and partition: names, keys, identity as before",
	  fixture_nvme },
	{ "idr_devid_block/virtio, SCSI, loop: names, keys, identity as before",
	  fixture_other_disks },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/archive/identity.c", devid_tests, NULL, NULL },
	{ "cli/archive/identity.c (sysfs fixture)", devid_fixture_tests, sysfs_fixture_up,
	  sysfs_fixture_down },
	{ NULL, NULL, NULL, NULL },
};
