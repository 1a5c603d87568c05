/*
 * guard.h - the destructive-write guard: is a device safe to overwrite?
 *
 * Before the first write to a block device or an NVMe generic char device (/dev/ngXnY)
 * an engine asks the guard (through idr_open_file in ctx.c). The guard resolves what the
 * path names whatever alias or symlink was used, opens the block device with O_EXCL and
 * holds it (EBUSY when it or a partition is mounted or claimed), then looks for what a
 * write would destroy:
 *  - mounts of the device or any of its partitions, by device number (not by name:
 *    fio's allow_mounted_write compares names and misses a symlink alias);
 *  - active swap on it;
 *  - holders (LVM, dm, md, bcache stacked on it);
 *  - signatures (libblkid, every one as wipefs lists them): filesystems, RAID and LVM
 *    members, LUKS, swap; and partition tables, on the device and on each partition.
 * For /dev/ngXnY the namespace's block device (/dev/nvmeXnY) is what gets checked and
 * held: passthrough I/O bypasses every mount and exclusivity check of the block layer.
 *
 * Anything found refuses the write with one message naming what was found and where,
 * and the one option that overrides it: allow_overwrite=<this device's serial or path>.
 * Reads are never checked; regular files and other char devices are not guarded.
 *
 * No fio types: the device-side half (idr_guard_inspect) and the policy half
 * (idr_guard_decide, pure) are unit-tested on their own; the iodrill command uses the
 * same code for its "safe to write" column.
 */
#ifndef IDR_CORE_GUARD_H
#define IDR_CORE_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "blkdev.h"

/* The core option every engine has, named in every refusal. */
#define IDR_GUARD_OPTION "allow_overwrite"

enum idr_found {
	IDR_FOUND_MOUNT,	/* mounted: where = mount point, what = fs type */
	IDR_FOUND_SWAP,		/* active swap */
	IDR_FOUND_HOLDER,	/* claimed by a stacked device: what = its name (dm-0, md127) */
	IDR_FOUND_BUSY,		/* O_EXCL open refused (EBUSY) and nothing above explains it */
	IDR_FOUND_SIGNATURE,	/* what = type (ext4, LVM2_member, swap), offset */
	IDR_FOUND_PTABLE,	/* what = partition table type (gpt, dos), offset */
	IDR_FOUND_UNCHECKED,	/* could not be checked: what = why */
};

struct idr_finding {
	enum idr_found kind;
	char dev[IDR_DEVNAME_MAX];	/* the device it is on: loop3, loop3p1 */
	char what[64];
	char where[256];
	long long offset;		/* signature offset in bytes, -1 when none */
};

#define IDR_GUARD_MAX_FINDINGS 16
#define IDR_GUARD_MAX_PARTS 64

/* What a path names, as the guard sees it. */
enum idr_target {
	IDR_TARGET_UNGUARDED,	/* a regular file, a pipe, a char device other than ng */
	IDR_TARGET_BLOCK,	/* a block device (a whole disk or a partition) */
	IDR_TARGET_NG,		/* an NVMe generic char device with its namespace disk */
	IDR_TARGET_NG_NODISK,	/* an NVMe generic char device whose namespace has no disk */
};

struct idr_guard_report {
	char path[4096];	/* as the job named it */
	enum idr_target target;
	struct idr_blkdev dev;	/* the block device checked (for ng: its namespace) */
	bool busy;		/* the O_EXCL open said EBUSY */
	bool sibling;		/* ... and another job of this fio run holds it */
	unsigned int nr;	/* findings, at most IDR_GUARD_MAX_FINDINGS kept */
	unsigned int nr_total;
	struct idr_finding found[IDR_GUARD_MAX_FINDINGS];
};

/*
 * idr_guard_resolve - what path names: stat it (following symlinks) and fill r->path,
 * r->target and, for a block or ng device, r->dev from sysfs root sys. A missing path is
 * unguarded (the core refuses creating one under /dev elsewhere). Returns 0, or -errno
 * when a device's sysfs entry cannot be read.
 */
int idr_guard_resolve(const char *sys, const char *path, struct idr_guard_report *r);

/* How idr_guard_inspect opens the block device. */
enum idr_guard_mode {
	IDR_GUARD_LOOK,	/* look only (the devices listing): no O_EXCL, nothing held */
	IDR_GUARD_PROBE,	/* O_EXCL for a moment, released before returning */
	IDR_GUARD_HOLD,	/* O_EXCL kept: *hold_fd is the open claim (-1 when another job
			 * of this run already holds it) */
};

/*
 * idr_guard_inspect - look for everything a write to r's device would destroy (r from
 * idr_guard_resolve) and add it to r's findings. run_id names this fio run (the
 * backend's pid): jobs of one run writing the same device share its claim, marked by an
 * OFD lock at an offset derived from run_id, so the second job's EBUSY is not a refusal.
 * Returns 0, or -errno when the device cannot be opened to check it: then nothing is
 * held and the caller must refuse; in IDR_GUARD_LOOK mode the mounts, swap and holders
 * (which need no privilege) are in r all the same, the signatures are not.
 */
int idr_guard_inspect(struct idr_guard_report *r, enum idr_guard_mode mode, unsigned long run_id,
		      int *hold_fd);

/* One line of a mountinfo file (proc(5)), its escapes (\040 for a space) undone. */
struct idr_mountinfo {
	dev_t devno;		/* st_dev of the files on it (anonymous for tmpfs, btrfs...) */
	char point[4096];	/* where it is mounted */
	char options[512];	/* the per-mount options, cut to fit */
	char fstype[64];	/* "" when the line has none */
	char source[4096];	/* what is mounted: /dev/vda1, tmpfs, server:/path; or "" */
};

/*
 * idr_mountinfo_parse - split one line of /proc/self/mountinfo into m. The one reader of
 * that format: the guard's mount check and the iodrill command's "which filesystem is this
 * file on" (nvme/fs.c). Returns 0, or -EINVAL for a line that is not one.
 */
int idr_mountinfo_parse(const char *line, struct idr_mountinfo *m);

/*
 * idr_guard_scan_mounts - add a finding for each mount in the mountinfo file whose
 * device number is one of devs[0..n) (or whose source is a device node of one of them:
 * btrfs reports an anonymous device number). names[i] labels devs[i].
 * Returns 0 or -errno when the file cannot be read.
 */
int idr_guard_scan_mounts(struct idr_guard_report *r, const char *mountinfo, const dev_t *devs,
			  const char *const *names, unsigned int n);

/* idr_guard_scan_swaps - the same for a /proc/swaps file. Returns 0 or -errno. */
int idr_guard_scan_swaps(struct idr_guard_report *r, const char *swaps, const dev_t *devs,
			 const char *const *names, unsigned int n);

/*
 * idr_guard_probe_fd - add every signature libblkid knows on the file or device open at
 * fd (labelled name), as wipefs lists them: the low-level probe stepping through all
 * superblock and partition-table probers, bad-checksum leftovers included.
 * Returns 0 or -errno.
 */
int idr_guard_probe_fd(struct idr_guard_report *r, int fd, const char *name);

/* idr_guard_add - record one finding (counted even past the kept maximum). */
void idr_guard_add(struct idr_guard_report *r, enum idr_found kind, const char *dev,
		   const char *what, const char *where, long long offset);

/*
 * idr_guard_override_names - does the allow_overwrite value (one token, or several
 * separated by ':') name r's device? A token names it when it is the device's serial or
 * WWID, or a path (any alias) to the block device, its whole disk, or its NVMe generic
 * char device. "1", "yes", "all" name nothing.
 */
bool idr_guard_override_names(const struct idr_guard_report *r, const char *allow);

/*
 * idr_guard_override_check - catch an allow_overwrite value that can name nothing (a
 * "yes", a typo) before any I/O: every token must be a path to an existing block or char
 * device, or the serial or WWID of a block device under sys/class/block. Returns 0, or
 * -ENODEV with the message for the user in msg.
 */
int idr_guard_override_check(const char *sys, const char *allow, char *msg, size_t len);

enum idr_verdict {
	IDR_WRITE_OK,		/* nothing found */
	IDR_WRITE_OVERRIDDEN,	/* something found, and allow_overwrite names this device */
	IDR_WRITE_REFUSED,
};

/*
 * idr_guard_decide - the verdict on r's findings given the allow_overwrite value (NULL
 * or "" for none). On a refusal msg holds the one message for the user: what was found,
 * where, and the exact allow_overwrite=VALUE that overrides it; on an override it
 * names what will be destroyed. Pure: no system calls but stat() of path tokens.
 */
enum idr_verdict idr_guard_decide(const struct idr_guard_report *r, const char *allow, char *msg,
				  size_t len);

/* idr_guard_errno - the errno a refusal reports: EBUSY when in use, else EPERM. */
int idr_guard_errno(const struct idr_guard_report *r);

/*
 * idr_guard_findings_str - r's findings as one line ("ext4 filesystem on loop3p1,
 * mounted on /mnt/x; gpt partition table on loop3"), or "" when none. Returns buf.
 */
char *idr_guard_findings_str(const struct idr_guard_report *r, char *buf, size_t len);

/*
 * idr_guard_describe - what r's device is, for the line printed before the first write:
 * "/dev/nvme0n1 (nvme, model QEMU NVMe Ctrl, serial X, nsid 1, 1.00 GiB, 512 B blocks)".
 * Returns buf.
 */
char *idr_guard_describe(const struct idr_guard_report *r, char *buf, size_t len);

/* idr_guard_suggest - the override value to print: the serial if any, else the path. */
const char *idr_guard_suggest(const struct idr_guard_report *r);

#endif
