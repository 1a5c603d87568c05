/*
 * test_blkdev.c - engines/core/blkdev.c: what block device a path names, read from a
 * built sysfs fixture (tests/unit/sysfs_fixture.c): NVMe namespaces and their generic
 * char devices, partitions, virtio, SCSI, loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "blkdev.h"
#include "sysfs_fixture.h"
#include "unit.h"

static void nvme_namespace(void)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(fixture_sys, "nvme0n1", &b), 0);
	CU_ASSERT_STRING_EQUAL(b.name, "nvme0n1");
	CU_ASSERT_STRING_EQUAL(b.path, "/dev/nvme0n1");
	CU_ASSERT_EQUAL(b.devno, makedev(259, 0));
	CU_ASSERT_STRING_EQUAL(b.kind, "nvme");
	CU_ASSERT_STRING_EQUAL(b.model, "QEMU NVMe Ctrl");
	CU_ASSERT_STRING_EQUAL(b.serial, "IDRSER01");
	CU_ASSERT_STRING_EQUAL(b.firmware, "8.0.0");
	CU_ASSERT_STRING_EQUAL(b.wwid, "eui.00000000000000aa");
	CU_ASSERT_STRING_EQUAL(b.ctrl, "nvme0");
	CU_ASSERT_EQUAL(b.nsid, 1);
	CU_ASSERT_EQUAL(b.size_bytes, 2097152ULL * 512);
	CU_ASSERT_EQUAL(b.lbsize, 4096);
	CU_ASSERT_EQUAL(b.max_hw_kb, 512);
	CU_ASSERT_EQUAL(b.partno, 0);
	CU_ASSERT_STRING_EQUAL(b.disk, "nvme0n1");
	CU_ASSERT_STRING_EQUAL(b.ng, "ng0n1");
	CU_ASSERT_EQUAL(b.ng_devno, makedev(242, 0));
}

static void partition_inherits_disk(void)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_devno(fixture_sys, makedev(259, 2), &b), 0);
	CU_ASSERT_STRING_EQUAL(b.name, "nvme0n1p2");
	CU_ASSERT_EQUAL(b.partno, 2);
	CU_ASSERT_STRING_EQUAL(b.disk, "nvme0n1");
	CU_ASSERT_EQUAL(b.disk_devno, makedev(259, 0));
	CU_ASSERT_STRING_EQUAL(b.serial, "IDRSER01");
	CU_ASSERT_EQUAL(b.size_bytes, 1044480ULL * 512);
	CU_ASSERT_EQUAL(b.lbsize, 4096);
}

static void partitions_listed(void)
{
	struct idr_blkdev d, parts[4];
	int n, i, seen = 0;

	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(fixture_sys, "nvme0n1", &d), 0);
	n = idr_blkdev_partitions(fixture_sys, &d, parts, 4);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	for (i = 0; i < n; i++)
		seen |= parts[i].partno; /* 1 and 2, in readdir order */
	CU_ASSERT_EQUAL(seen, 3);
	/* More partitions than room: the count still says how many. */
	CU_ASSERT_EQUAL(idr_blkdev_partitions(fixture_sys, &d, parts, 1), 2);
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(fixture_sys, "vda", &d), 0);
	CU_ASSERT_EQUAL(idr_blkdev_partitions(fixture_sys, &d, parts, 4), 0);
}

static void ng_maps_to_namespace(void)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL_FATAL(idr_ng_block(fixture_sys, makedev(242, 0), &b), 0);
	CU_ASSERT_STRING_EQUAL(b.name, "nvme0n1");
	CU_ASSERT_EQUAL(b.devno, makedev(259, 0));
	CU_ASSERT_STRING_EQUAL(b.ng, "ng0n1");
	CU_ASSERT_EQUAL(b.ng_devno, makedev(242, 0));
}

static void ng_without_disk(void)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL(idr_ng_block(fixture_sys, makedev(242, 1), &b), -ENODEV);
	CU_ASSERT_STRING_EQUAL(b.ng, "ng0n2");
	CU_ASSERT_STRING_EQUAL(b.ctrl, "nvme0");
	CU_ASSERT_STRING_EQUAL(b.kind, "nvme");
	CU_ASSERT_EQUAL(b.ng_devno, makedev(242, 1));
	CU_ASSERT_EQUAL(b.devno, 0);
}

static void ng_other_controller_not_paired(void)
{
	struct idr_blkdev b;

	/* ng1n1 hangs off nvme0, nvme1n1 off nvme1: same numbers, different namespaces. */
	CU_ASSERT_EQUAL(idr_ng_block(fixture_sys, makedev(242, 2), &b), -ENODEV);
	CU_ASSERT_STRING_EQUAL(b.ng, "ng1n1");
	CU_ASSERT_EQUAL(b.devno, 0);
	CU_ASSERT_STRING_EQUAL(b.ctrl, "nvme0"); /* its own controller, not nvme1n1's */
	CU_ASSERT_STRING_EQUAL(b.kind, "nvme");
}

static void not_ng(void)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL(idr_ng_block(fixture_sys, makedev(1, 3), &b), -ENOTTY);
	CU_ASSERT_EQUAL(idr_ng_block(fixture_sys, makedev(99, 99), &b), -ENOTTY);
}

static void virtio_scsi_loop(void)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(fixture_sys, "vda", &b), 0);
	CU_ASSERT_STRING_EQUAL(b.kind, "virtio");
	CU_ASSERT_STRING_EQUAL(b.serial, "VIRTSER");
	CU_ASSERT_STRING_EQUAL(b.ng, "");
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(fixture_sys, "sda", &b), 0);
	CU_ASSERT_STRING_EQUAL(b.kind, "scsi");
	CU_ASSERT_STRING_EQUAL(b.model, "ATA QEMU HARDDISK");
	CU_ASSERT_STRING_EQUAL(b.serial, "SCSISER1");
	CU_ASSERT_STRING_EQUAL(b.firmware, "2.5+");
	CU_ASSERT_STRING_EQUAL(b.wwid, "t10.ATA QEMU HARDDISK QM00001");
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(fixture_sys, "loop3", &b), 0);
	CU_ASSERT_STRING_EQUAL(b.kind, "loop");
	CU_ASSERT_STRING_EQUAL(b.backing, "/images/a.img");
	CU_ASSERT_STRING_EQUAL(b.serial, "");
	CU_ASSERT_EQUAL(b.size_bytes, 40ULL << 20);
}

static void unknown_devices(void)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL(idr_blkdev_by_name(fixture_sys, "nvme9n9", &b), -ENODEV);
	CU_ASSERT_EQUAL(idr_blkdev_by_name(fixture_sys, "../../etc", &b), -ENODEV);
	CU_ASSERT_EQUAL(idr_blkdev_by_name(fixture_sys, "", &b), -ENODEV);
	CU_ASSERT_EQUAL(idr_blkdev_by_devno(fixture_sys, makedev(7, 99), &b), -ENODEV);
}

static void real_sysfs_null_not_block(void)
{
	struct idr_blkdev b;

	/* /dev/null is 1:3 everywhere; it is a char device, not NVMe. */
	CU_ASSERT_EQUAL(idr_ng_block(IDR_SYSFS, makedev(1, 3), &b), -ENOTTY);
}

static void size_strings(void)
{
	char buf[32];

	CU_ASSERT_STRING_EQUAL(idr_size_str(512, buf, sizeof(buf)), "512 B");
	CU_ASSERT_STRING_EQUAL(idr_size_str(40ULL << 20, buf, sizeof(buf)), "40.0 MiB");
	CU_ASSERT_STRING_EQUAL(idr_size_str(1ULL << 30, buf, sizeof(buf)), "1.00 GiB");
	CU_ASSERT_STRING_EQUAL(idr_size_str(256ULL << 30, buf, sizeof(buf)), "256 GiB");
	CU_ASSERT_STRING_EQUAL(idr_size_str(0, buf, sizeof(buf)), "0 B");
}

static void strcpy_cuts(void)
{
	char small[4];

	idr_strcpy(small, sizeof(small), "abcdef");
	CU_ASSERT_STRING_EQUAL(small, "abc");
	idr_strcpy(small, sizeof(small), "");
	CU_ASSERT_STRING_EQUAL(small, "");
}

static CU_TestInfo blkdev_tests[] = {
	{ "idr_blkdev_by_name/NVMe namespace: identity, ng, sizes", nvme_namespace },
	{ "idr_blkdev_by_devno/partition inherits its disk", partition_inherits_disk },
	{ "idr_blkdev_partitions/lists and counts", partitions_listed },
	{ "idr_ng_block/ng maps to its namespace", ng_maps_to_namespace },
	{ "idr_ng_block/ng without a block device", ng_without_disk },
	{ "idr_ng_block/same numbers, other controller: not paired",
	  ng_other_controller_not_paired },
	{ "idr_ng_block/not an NVMe generic device", not_ng },
	{ "idr_ng_block/real sysfs: /dev/null is not ng", real_sysfs_null_not_block },
	{ "idr_blkdev_read/virtio, SCSI (VPD 0x80), loop", virtio_scsi_loop },
	{ "idr_blkdev_by_name/unknown names and numbers", unknown_devices },
	{ "idr_size_str/units", size_strings },
	{ "idr_strcpy/cuts to fit", strcpy_cuts },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/blkdev.c", blkdev_tests, sysfs_fixture_up, sysfs_fixture_down },
	{ NULL, NULL, NULL, NULL },
};
