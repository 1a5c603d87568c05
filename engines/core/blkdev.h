/*
 * blkdev.h - what block device a path names, from sysfs alone: kernel name, device
 * number, whole disk or partition, size, block sizes, model, serial, WWID, and for an
 * NVMe namespace its generic char device (/dev/ngXnY).
 *
 * Shared by the engines' write guard (guard.h) and the iodrill command (nvme/), so both
 * name a device the same way. No fio types, no libraries: unit-tested on sysfs fixtures.
 * Needs no privilege: sysfs is world-readable.
 */
#ifndef IDR_CORE_BLKDEV_H
#define IDR_CORE_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#define IDR_DEVNAME_MAX 64

struct idr_blkdev {
	char name[IDR_DEVNAME_MAX];	/* kernel name: nvme0n1, loop3p1, vda */
	char path[IDR_DEVNAME_MAX + 8]; /* /dev/<name> */
	dev_t devno;
	char disk[IDR_DEVNAME_MAX]; /* the whole disk: name itself, or a partition's parent */
	dev_t disk_devno;
	unsigned int partno;  /* 0 for a whole disk */
	uint64_t start_bytes; /* a partition's first byte in its disk; 0 for a disk */
	uint64_t size_bytes;
	unsigned int lbsize, pbsize; /* logical and physical block size, bytes */
	unsigned int max_hw_kb;	     /* queue/max_hw_sectors_kb: the largest single I/O */
	bool readonly, removable, rotational;
	char kind[16]; /* nvme, virtio, scsi, loop, dm, md, zram, other */
	char model[64], serial[64], firmware[32];
	char wwid[160];		 /* NVMe namespace or SCSI WWID, "" when none */
	char backing[256];	 /* loop: the backing file (cut to fit: for messages) */
	uint64_t loop_offset;	 /* loop: its first byte in the backing file */
	uint64_t loop_sizelimit; /* loop: the most it covers of it; 0 for all */
	/* NVMe namespace only */
	unsigned int nsid;
	char ctrl[IDR_DEVNAME_MAX]; /* nvme0, or nvme-subsys0 for a multipath head */
	char ng[IDR_DEVNAME_MAX];   /* generic char device name (ng0n1), "" when absent */
	dev_t ng_devno;
};

/*
 * idr_blkdev_read - fill b from the sysfs directory of block device name (a
 * /sys/dev/block/M:m or /sys/class/block/NAME directory; any folder laid out the same
 * way in tests). sys is the sysfs root the NVMe generic devices are looked up under
 * ("/sys"). Returns 0, or -errno when the folder has no readable dev attribute.
 */
int idr_blkdev_read(const char *sys, const char *dir, struct idr_blkdev *b);

/* Every function below takes sys, the sysfs root: IDR_SYSFS, or a fixture in tests. */
#define IDR_SYSFS "/sys"

/*
 * idr_blkdev_by_devno - fill b for the block device devno, from sys/dev/block.
 * Returns 0 or -ENODEV.
 */
int idr_blkdev_by_devno(const char *sys, dev_t devno, struct idr_blkdev *b);

/*
 * idr_blkdev_by_name - fill b for the block device called name (nvme0n1), from
 * sys/class/block. Returns 0 or -ENODEV.
 */
int idr_blkdev_by_name(const char *sys, const char *name, struct idr_blkdev *b);

/*
 * idr_ng_block - the namespace block device of the NVMe generic char device devno
 * (sys/dev/char/M:m in class nvme-generic, ngXnY -> nvmeXnY, both children of the same
 * controller or subsystem): fills b and returns 0; -ENOTTY when devno is not an NVMe
 * generic device; -ENODEV when it is one but no block device matches (b->ng,
 * b->ng_devno, b->kind and b->ctrl, its controller, are still filled).
 */
int idr_ng_block(const char *sys, dev_t devno, struct idr_blkdev *b);

/*
 * idr_blkdev_partitions - the partitions of d's whole disk (sysfs folders with a
 * partition attribute), at most max of them into parts. Returns how many there are
 * (may exceed max), or -errno.
 */
int idr_blkdev_partitions(const char *sys, const struct idr_blkdev *d, struct idr_blkdev *parts,
			  int max);

/* idr_size_str - bytes as "40.0 MiB" / "1.50 TiB" into buf. Returns buf. */
char *idr_size_str(uint64_t bytes, char *buf, size_t len);

/*
 * idr_sysfs_read - the first line of a sysfs attribute dir/attr, trailing blanks cut,
 * into buf. Returns its length, or -errno (buf is then "").
 */
int idr_sysfs_read(const char *dir, const char *attr, char *buf, size_t len);

/* idr_strcpy - the string src into dst[len], cut to fit, always terminated. */
static inline void idr_strcpy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n > len - 1)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* idr_path_join - dir/name into buf. Returns 0, or -ENAMETOOLONG when it does not fit. */
int idr_path_join(char *buf, size_t len, const char *dir, const char *name);

#endif
