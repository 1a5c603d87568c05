/*
 * blkdev.c - what block device a path names, from sysfs (see blkdev.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blkdev.h"

int idr_path_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int idr_sysfs_read(const char *dir, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if (idr_path_join(path, sizeof(path), dir, attr))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		buf[0] = '\0';
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	n = (ssize_t)strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return (int)n;
}

/* An unsigned attribute, or 0 when absent or not a number. */
static unsigned long long sysfs_ull(const char *dir, const char *attr)
{
	char buf[32];

	if (idr_sysfs_read(dir, attr, buf, sizeof(buf)) <= 0)
		return 0;
	return strtoull(buf, NULL, 0);
}

/* "M:m" into a dev_t. Returns 0 or -EINVAL. */
static int parse_devno(const char *s, dev_t *devno)
{
	unsigned int maj, min;

	if (sscanf(s, "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	*devno = makedev(maj, min);
	return 0;
}

/* The last component of a link's target (dir/link), into buf; "" when no link. */
static void link_base(const char *dir, const char *link, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *slash;
	ssize_t n;

	buf[0] = '\0';
	if (idr_path_join(path, sizeof(path), dir, link))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	idr_strcpy(buf, len, slash ? slash + 1 : target);
}

static bool has_entry(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (idr_path_join(path, sizeof(path), dir, name))
		return false;
	return access(path, F_OK) == 0;
}

/* What drives the disk: from its own folders, its parent device's bus, or its name. */
static void read_kind(const char *disk_dir, const char *disk, char *kind, size_t len)
{
	char bus[64];

	link_base(disk_dir, "device/subsystem", bus, sizeof(bus));
	if (has_entry(disk_dir, "loop"))
		snprintf(kind, len, "loop");
	else if (has_entry(disk_dir, "dm"))
		snprintf(kind, len, "dm");
	else if (has_entry(disk_dir, "md"))
		snprintf(kind, len, "md");
	else if (!strncmp(bus, "nvme", 4) || !strncmp(disk, "nvme", 4))
		snprintf(kind, len, "nvme");
	else if (!strcmp(bus, "virtio"))
		snprintf(kind, len, "virtio");
	else if (!strcmp(bus, "scsi"))
		snprintf(kind, len, "scsi");
	else if (!strncmp(disk, "zram", 4))
		snprintf(kind, len, "zram");
	else
		snprintf(kind, len, "other");
}

/* SCSI VPD page 0x80 (unit serial number): 4-byte header, then the serial. */
static void read_vpd80(const char *dir, char *serial, size_t len)
{
	unsigned char page[260], c;
	char path[PATH_MAX];
	size_t n, i, start, end;
	ssize_t got;
	int fd;

	if (idr_path_join(path, sizeof(path), dir, "device/vpd_pg80"))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	got = read(fd, page, sizeof(page));
	close(fd);
	if (got < 4 || page[1] != 0x80)
		return;
	n = page[3] < (size_t)got - 4 ? page[3] : (size_t)got - 4;
	for (start = 4; start < 4 + n && page[start] == ' '; start++)
		;
	for (end = 4 + n; end > start && (page[end - 1] == ' ' || !page[end - 1]); end--)
		;
	for (i = 0; i + 1 < len && start + i < end; i++) {
		c = page[start + i];
		serial[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	serial[i] = '\0';
}

static void read_scsi(const char *dir, struct idr_blkdev *b)
{
	char vendor[16], model[40];

	idr_sysfs_read(dir, "device/vendor", vendor, sizeof(vendor));
	idr_sysfs_read(dir, "device/model", model, sizeof(model));
	snprintf(b->model, sizeof(b->model), "%s%s%s", vendor, *vendor ? " " : "", model);
	idr_sysfs_read(dir, "device/rev", b->firmware, sizeof(b->firmware));
	idr_sysfs_read(dir, "device/wwid", b->wwid, sizeof(b->wwid));
	read_vpd80(dir, b->serial, sizeof(b->serial));
}

/* Do two sysfs links resolve to the same place? */
static bool same_target(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/*
 * The generic char device of namespace disk nvmeXnY (sysfs folder disk_dir) is ngXnY,
 * the same two instance numbers, when it hangs off the same controller (or subsystem).
 */
static void read_ng(const char *sys, const char *disk_dir, struct idr_blkdev *b)
{
	char dir[PATH_MAX], dev[32], a[PATH_MAX], c[PATH_MAX];
	char ng[IDR_DEVNAME_MAX];
	int inst, head;

	if (sscanf(b->disk, "nvme%dn%d", &inst, &head) != 2 || strchr(b->disk, 'c'))
		return;
	snprintf(ng, sizeof(ng), "ng%dn%d", inst, head);
	snprintf(dir, sizeof(dir), "%s/class/nvme-generic/%s", sys, ng);
	if (idr_sysfs_read(dir, "dev", dev, sizeof(dev)) <= 0 || parse_devno(dev, &b->ng_devno) ||
	    idr_path_join(a, sizeof(a), dir, "device") ||
	    idr_path_join(c, sizeof(c), disk_dir, "device") || !same_target(a, c)) {
		b->ng_devno = 0;
		return;
	}
	idr_strcpy(b->ng, sizeof(b->ng), ng);
}

static void read_nvme(const char *sys, const char *dir, struct idr_blkdev *b)
{
	idr_sysfs_read(dir, "device/model", b->model, sizeof(b->model));
	idr_sysfs_read(dir, "device/serial", b->serial, sizeof(b->serial));
	idr_sysfs_read(dir, "device/firmware_rev", b->firmware, sizeof(b->firmware));
	idr_sysfs_read(dir, "wwid", b->wwid, sizeof(b->wwid));
	b->nsid = (unsigned int)sysfs_ull(dir, "nsid");
	link_base(dir, "device", b->ctrl, sizeof(b->ctrl));
	read_ng(sys, dir, b);
}

/* A loop device's backing file and the bytes of it the device covers. */
static void read_loop(const char *dir, struct idr_blkdev *b)
{
	idr_sysfs_read(dir, "loop/backing_file", b->backing, sizeof(b->backing));
	b->loop_offset = sysfs_ull(dir, "loop/offset");
	b->loop_sizelimit = sysfs_ull(dir, "loop/sizelimit");
}

/* What the whole disk says about itself (a partition inherits all of it). */
static void read_disk(const char *sys, const char *dir, struct idr_blkdev *b)
{
	char buf[PATH_MAX];

	read_kind(dir, b->disk, b->kind, sizeof(b->kind));
	b->lbsize = (unsigned int)sysfs_ull(dir, "queue/logical_block_size");
	b->pbsize = (unsigned int)sysfs_ull(dir, "queue/physical_block_size");
	b->max_hw_kb = (unsigned int)sysfs_ull(dir, "queue/max_hw_sectors_kb");
	b->rotational = sysfs_ull(dir, "queue/rotational") != 0;
	b->removable = sysfs_ull(dir, "removable") != 0;
	if (!strcmp(b->kind, "nvme"))
		read_nvme(sys, dir, b);
	else if (!strcmp(b->kind, "scsi"))
		read_scsi(dir, b);
	else if (!strcmp(b->kind, "virtio"))
		idr_sysfs_read(dir, "serial", b->serial, sizeof(b->serial));
	else if (!strcmp(b->kind, "loop"))
		read_loop(dir, b);
	else if (!strcmp(b->kind, "dm") && idr_sysfs_read(dir, "dm/name", buf, sizeof(buf)) > 0)
		snprintf(b->model, sizeof(b->model), "dm %.56s", buf);
}

int idr_blkdev_read(const char *sys, const char *dir, struct idr_blkdev *b)
{
	char real[PATH_MAX], disk_dir[PATH_MAX], buf[32];
	char *slash;

	memset(b, 0, sizeof(*b));
	if (idr_sysfs_read(dir, "dev", buf, sizeof(buf)) <= 0 || parse_devno(buf, &b->devno))
		return -ENODEV;
	if (!realpath(dir, real))
		return -errno;
	slash = strrchr(real, '/');
	idr_strcpy(b->name, sizeof(b->name), slash ? slash + 1 : real);
	snprintf(b->path, sizeof(b->path), "/dev/%s", b->name);
	b->size_bytes = sysfs_ull(real, "size") * 512;
	b->readonly = sysfs_ull(real, "ro") != 0;
	b->partno = (unsigned int)sysfs_ull(real, "partition");
	if (b->partno)
		b->start_bytes = sysfs_ull(real, "start") * 512;
	idr_strcpy(disk_dir, sizeof(disk_dir), real);
	b->disk_devno = b->devno;
	if (b->partno && slash) {
		*strrchr(disk_dir, '/') = '\0';
		if (idr_sysfs_read(disk_dir, "dev", buf, sizeof(buf)) > 0)
			parse_devno(buf, &b->disk_devno);
	}
	slash = strrchr(disk_dir, '/');
	idr_strcpy(b->disk, sizeof(b->disk), slash ? slash + 1 : disk_dir);
	read_disk(sys, disk_dir, b);
	return 0;
}

int idr_blkdev_by_devno(const char *sys, dev_t devno, struct idr_blkdev *b)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/dev/block/%u:%u", sys, major(devno), minor(devno));
	return idr_blkdev_read(sys, dir, b) ? -ENODEV : 0;
}

int idr_blkdev_by_name(const char *sys, const char *name, struct idr_blkdev *b)
{
	char dir[PATH_MAX];

	if (!*name || strchr(name, '/'))
		return -ENODEV;
	snprintf(dir, sizeof(dir), "%s/class/block/%s", sys, name);
	return idr_blkdev_read(sys, dir, b) ? -ENODEV : 0;
}

/* b for the NVMe generic device at sysfs folder real whose namespace has no block device
 * here: its name, number and controller. Returns -ENODEV. */
static int ng_alone(const char *real, dev_t devno, struct idr_blkdev *b)
{
	memset(b, 0, sizeof(*b));
	idr_strcpy(b->ng, sizeof(b->ng), strrchr(real, '/') + 1);
	b->ng_devno = devno;
	idr_strcpy(b->kind, sizeof(b->kind), "nvme");
	link_base(real, "device", b->ctrl, sizeof(b->ctrl));
	return -ENODEV;
}

int idr_ng_block(const char *sys, dev_t devno, struct idr_blkdev *b)
{
	char dir[PATH_MAX], real[PATH_MAX], bus[64], disk[IDR_DEVNAME_MAX], a[PATH_MAX];
	char bdir[PATH_MAX];
	int inst, head;

	memset(b, 0, sizeof(*b));
	snprintf(dir, sizeof(dir), "%s/dev/char/%u:%u", sys, major(devno), minor(devno));
	link_base(dir, "subsystem", bus, sizeof(bus));
	if (strcmp(bus, "nvme-generic") || !realpath(dir, real))
		return -ENOTTY;
	if (sscanf(strrchr(real, '/') + 1, "ng%dn%d", &inst, &head) != 2)
		return ng_alone(real, devno, b);
	snprintf(disk, sizeof(disk), "nvme%dn%d", inst, head);
	if (idr_blkdev_by_name(sys, disk, b))
		return ng_alone(real, devno, b);
	/* Both hang off the same controller (or, multipath, the same subsystem). */
	snprintf(bdir, sizeof(bdir), "%s/class/block/%s/device", sys, disk);
	if (idr_path_join(a, sizeof(a), real, "device") || !same_target(a, bdir))
		return ng_alone(real, devno, b);
	return 0;
}

int idr_blkdev_partitions(const char *sys, const struct idr_blkdev *d, struct idr_blkdev *parts,
			  int max)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	int n = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/dev/block/%u:%u", sys, major(d->disk_devno),
		 minor(d->disk_devno));
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		if (idr_path_join(sub, sizeof(sub), dir, e->d_name) || !has_entry(sub, "partition"))
			continue;
		if (n < max && idr_blkdev_read(sys, sub, &parts[n]))
			continue;
		n++;
	}
	closedir(dp);
	return n;
}

char *idr_size_str(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len,
			 v < 10	   ? "%.2f %s"
			 : v < 100 ? "%.1f %s"
				   : "%.0f %s",
			 v, units[u]);
	return buf;
}
