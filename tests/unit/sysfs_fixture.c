/*
 * sysfs_fixture.c - the fake sysfs tree (see sysfs_fixture.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs_fixture.h"

static char root[PATH_MAX];
const char *fixture_sys;

/* mkdir -p for the folders of root/rel (not the last component). */
static int mkparents(const char *base, const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	for (p = path + strlen(base) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

int fixture_write(const char *base, const char *rel, const char *text, size_t len)
{
	char path[PATH_MAX];
	int fd, ok;

	if (mkparents(base, rel))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ok = write(fd, text, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

int fixture_link(const char *base, const char *rel, const char *target)
{
	char path[PATH_MAX];

	if (mkparents(base, rel))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	return symlink(target, path);
}

#define W(rel, text) (fixture_write(root, rel, text "\n", sizeof(text)) ? -1 : 0)
#define L(rel, target) (fixture_link(root, rel, target) ? -1 : 0)

#define NV0 "devices/pci0000:00/0000:00:04.0/nvme/nvme0"
#define NV1 "devices/pci0000:00/0000:00:05.0/nvme/nvme1"

static int nvme0(void)
{
	return W(NV0 "/model", "QEMU NVMe Ctrl") | W(NV0 "/serial", "IDRSER01") |
	       W(NV0 "/firmware_rev", "8.0.0") | W(NV0 "/dev", "240:0") |
	       W(NV0 "/transport", "pcie") | W(NV0 "/address", "0000:00:04.0") |
	       W(NV0 "/state", "live") | W(NV0 "/numa_node", "-1") | W(NV0 "/queue_count", "3") |
	       L("class/nvme/nvme0", "../../" NV0) |
	       L("class/nvme-subsystem/nvme-subsys0/nvme0", "../../../" NV0) |
	       W(NV0 "/nvme0c0n1/dev", "259:9") | W(NV0 "/nvme0c0n1/size", "2048") |
	       W(NV0 "/nvme0c0n1/hidden", "1") | L(NV0 "/nvme0c0n1/device", "../../nvme0") |
	       L("class/block/nvme0c0n1", "../../" NV0 "/nvme0c0n1") |
	       L(NV0 "/subsystem", "../../../../../class/nvme") | W(NV0 "/nvme0n1/dev", "259:0") |
	       W(NV0 "/nvme0n1/size", "2097152") | W(NV0 "/nvme0n1/nsid", "1") |
	       W(NV0 "/nvme0n1/wwid", "eui.00000000000000aa") | W(NV0 "/nvme0n1/ro", "0") |
	       W(NV0 "/nvme0n1/removable", "0") |
	       W(NV0 "/nvme0n1/queue/logical_block_size", "4096") |
	       W(NV0 "/nvme0n1/queue/physical_block_size", "4096") |
	       W(NV0 "/nvme0n1/queue/max_hw_sectors_kb", "512") |
	       W(NV0 "/nvme0n1/queue/rotational", "0") | L(NV0 "/nvme0n1/device", "../../nvme0") |
	       W(NV0 "/nvme0n1/nvme0n1p1/dev", "259:1") |
	       W(NV0 "/nvme0n1/nvme0n1p1/partition", "1") |
	       W(NV0 "/nvme0n1/nvme0n1p1/size", "1048576") |
	       W(NV0 "/nvme0n1/nvme0n1p2/dev", "259:2") |
	       W(NV0 "/nvme0n1/nvme0n1p2/partition", "2") |
	       W(NV0 "/nvme0n1/nvme0n1p2/size", "1044480") | W(NV0 "/ng0n1/dev", "242:0") |
	       L(NV0 "/ng0n1/device", "../../nvme0") |
	       L(NV0 "/ng0n1/subsystem", "../../../../../../class/nvme-generic") |
	       W(NV0 "/ng0n2/dev", "242:1") | L(NV0 "/ng0n2/device", "../../nvme0") |
	       L(NV0 "/ng0n2/subsystem", "../../../../../../class/nvme-generic") |
	       L("class/block/nvme0n1", "../../" NV0 "/nvme0n1") |
	       L("class/block/nvme0n1p1", "../../" NV0 "/nvme0n1/nvme0n1p1") |
	       L("class/block/nvme0n1p2", "../../" NV0 "/nvme0n1/nvme0n1p2") |
	       L("dev/block/259:0", "../../" NV0 "/nvme0n1") |
	       L("dev/block/259:1", "../../" NV0 "/nvme0n1/nvme0n1p1") |
	       L("dev/block/259:2", "../../" NV0 "/nvme0n1/nvme0n1p2") |
	       L("class/nvme-generic/ng0n1", "../../" NV0 "/ng0n1") |
	       L("class/nvme-generic/ng0n2", "../../" NV0 "/ng0n2") |
	       L("dev/char/242:0", "../../" NV0 "/ng0n1") |
	       L("dev/char/242:1", "../../" NV0 "/ng0n2");
}

/* nvme1n1 hangs off nvme1, but the ng1n1 here hangs off nvme0: they must not be paired. */
static int nvme1(void)
{
	return W(NV1 "/serial", "IDRSER02") | W(NV1 "/model", "Other Ctrl") |
	       L(NV1 "/subsystem", "../../../../../class/nvme") | W(NV1 "/nvme1n1/dev", "259:3") |
	       W(NV1 "/nvme1n1/size", "2048") | W(NV1 "/nvme1n1/nsid", "1") |
	       L(NV1 "/nvme1n1/device", "../../nvme1") | W(NV0 "/ng1n1/dev", "242:2") |
	       L(NV0 "/ng1n1/device", "../../nvme0") |
	       L(NV0 "/ng1n1/subsystem", "../../../../../../class/nvme-generic") |
	       L("class/block/nvme1n1", "../../" NV1 "/nvme1n1") |
	       L("dev/block/259:3", "../../" NV1 "/nvme1n1") |
	       L("class/nvme-generic/ng1n1", "../../" NV0 "/ng1n1") |
	       L("dev/char/242:2", "../../" NV0 "/ng1n1");
}

#define VD "devices/pci0000:00/0000:00:02.0/virtio1"
#define SD "devices/pci0000:00/0000:00:06.0/host0/target0:0:0/0:0:0:0"
#define LP "devices/virtual/block/loop3"

static int others(void)
{
	/* VPD page 0x80: qualifier, page code, length (2 bytes), then the serial. */
	static const char vpd80[] = { 0,   (char)0x80, 0,   12,	 ' ', ' ', 'S', 'C',
				      'S', 'I',	       'S', 'E', 'R', '1', ' ', ' ' };

	return W(VD "/block/vda/dev", "254:0") | W(VD "/block/vda/size", "536870912") |
	       W(VD "/block/vda/serial", "VIRTSER") |
	       L(VD "/block/vda/device", "../../../virtio1") |
	       L(VD "/subsystem", "../../../../bus/virtio") |
	       W(VD "/block/vda/queue/logical_block_size", "512") |
	       L("class/block/vda", "../../" VD "/block/vda") |
	       L("dev/block/254:0", "../../" VD "/block/vda") | W(SD "/block/sda/dev", "8:0") |
	       W(SD "/block/sda/size", "1024") | L(SD "/block/sda/device", "../../../0:0:0:0") |
	       W(SD "/vendor", "ATA") | W(SD "/model", "QEMU HARDDISK") | W(SD "/rev", "2.5+") |
	       W(SD "/wwid", "t10.ATA QEMU HARDDISK QM00001") |
	       fixture_write(root, SD "/vpd_pg80", vpd80, sizeof(vpd80)) |
	       L(SD "/subsystem", "../../../../../../../bus/scsi") |
	       L("class/block/sda", "../../" SD "/block/sda") |
	       L("dev/block/8:0", "../../" SD "/block/sda") | W(LP "/dev", "7:3") |
	       W(LP "/size", "81920") | W(LP "/loop/backing_file", "/images/a.img") |
	       W(LP "/queue/logical_block_size", "512") | L("class/block/loop3", "../../" LP) |
	       L("dev/block/7:3", "../../" LP) | W("devices/virtual/block/loop7/dev", "7:7") |
	       W("devices/virtual/block/loop7/size", "0") |
	       W("devices/virtual/block/loop7/loop/offset", "0") |
	       L("class/block/loop7", "../../devices/virtual/block/loop7") |
	       W("devices/virtual/mem/null/dev", "1:3") |
	       L("devices/virtual/mem/null/subsystem", "../../../../class/mem") |
	       L("dev/char/1:3", "../../devices/virtual/mem/null");
}

const char *sysfs_fixture_build(void)
{
	snprintf(root, sizeof(root), "/tmp/idr-sysfs.XXXXXX");
	if (!mkdtemp(root))
		return NULL;
	if (nvme0() | nvme1() | others()) {
		sysfs_fixture_remove();
		return NULL;
	}
	return root;
}

void sysfs_fixture_remove(void)
{
	char cmd[PATH_MAX + 16];

	if (!root[0] || strncmp(root, "/tmp/idr-sysfs.", 15))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
	root[0] = '\0';
}

int sysfs_fixture_up(void)
{
	fixture_sys = sysfs_fixture_build();
	return fixture_sys ? 0 : 1;
}

int sysfs_fixture_down(void)
{
	sysfs_fixture_remove();
	fixture_sys = NULL;
	return 0;
}
