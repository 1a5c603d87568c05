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
 * A device is also judged by what else reaches its bytes (alias.h): the other loop
 * devices over the same backing file or device whose range overlaps (for a loop device,
 * or any device a loop device is stacked on), and the block device under a loop device.
 * Each is checked as above (O_EXCL for a moment, not held) and what is found on it
 * refuses the write as well. A regular file is checked only when it backs a loop device:
 * then that loop device is; other regular files cost one look at the loop devices'
 * backing files and are written unchecked.
 *
 * Anything found refuses the write with one message naming what was found and where,
 * and the one option that overrides it: allow_overwrite=<the serial or path of each
 * device found holding something>. Reads are never checked; char devices other than
 * /dev/ngXnY are not guarded.
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

#include "alias.h"
#include "blkdev.h"

/* The core option every engine has, named in every refusal. */
#define IDR_GUARD_OPTION "allow_overwrite"

enum idr_found {
	IDR_FOUND_MOUNT,     /* mounted: where = mount point, what = fs type */
	IDR_FOUND_SWAP,	     /* active swap */
	IDR_FOUND_HOLDER,    /* claimed by a stacked device: what = its name (dm-0, md127) */
	IDR_FOUND_BUSY,	     /* O_EXCL open refused (EBUSY) and nothing above explains it */
	IDR_FOUND_SIGNATURE, /* what = type (ext4, LVM2_member, swap), offset */
	IDR_FOUND_PTABLE,    /* what = partition table type (gpt, dos), offset */
	IDR_FOUND_UNCHECKED, /* could not be checked: what = why */
};

struct idr_finding {
	enum idr_found kind;
	char dev[IDR_DEVNAME_MAX]; /* the device it is on: loop3, loop3p1 */
	char what[64];
	char where[256];
	long long offset; /* signature offset in bytes, -1 when none */
	unsigned int via; /* 0: on the target; i: on alias[i - 1] */
};

#define IDR_GUARD_MAX_FINDINGS 16
#define IDR_GUARD_MAX_PARTS 64

/* What a path names, as the guard sees it. */
enum idr_target {
	IDR_TARGET_UNGUARDED, /* a pipe, a char device other than ng, a regular file that
			       * backs no loop device */
	IDR_TARGET_FILE,      /* a regular file that backs a loop device: r->alias */
	IDR_TARGET_BLOCK,     /* a block device (a whole disk or a partition) */
	IDR_TARGET_NG,	      /* an NVMe generic char device with its namespace disk */
	IDR_TARGET_NG_NODISK, /* an NVMe generic char device whose namespace has no disk */
};

/* How another device reaches the target's bytes. */
enum idr_relation {
	IDR_REL_BACKS,	  /* the target (a regular file) is its backing file */
	IDR_REL_OVERLAPS, /* a loop device over the same bytes of the same object */
	IDR_REL_UNDER,	  /* the device under the target loop device: it writes there */
};

struct idr_guard_alias {
	enum idr_relation rel;
	struct idr_blkdev dev; /* the other device */
	struct idr_span both;  /* the bytes both reach, of the object underneath */
};

#define IDR_GUARD_MAX_ALIASES 8 /* said in alias.c's message */

struct idr_guard_report {
	char path[4096]; /* as the job named it */
	enum idr_target target;
	struct idr_blkdev dev; /* the block device checked (for ng: its namespace) */
	struct idr_span span;  /* the bytes it reaches in the end (alias.h) */
	int span_err;	       /* 0, or why span could not be told (-errno of idr_span_of_dev):
				* idr_guard_inspect makes it a finding, or, looking without
				* privilege (-EACCES), its return */
	unsigned int nr_alias; /* other devices reaching them, found by idr_guard_aliases */
	struct idr_guard_alias alias[IDR_GUARD_MAX_ALIASES];
	bool busy;	 /* the O_EXCL open said EBUSY */
	bool sibling;	 /* ... and another job of this fio run holds it */
	unsigned int nr; /* findings, at most IDR_GUARD_MAX_FINDINGS kept */
	unsigned int nr_total;
	struct idr_finding found[IDR_GUARD_MAX_FINDINGS];
};

/*
 * idr_guard_resolve - what path names: stat it (following symlinks) and fill r->path,
 * r->target and, for a block or ng device, r->dev from sysfs root sys; then its aliases
 * (idr_guard_aliases). A regular file is IDR_TARGET_FILE when it backs a loop device,
 * else unguarded; a missing path is unguarded (the core refuses creating one under /dev
 * elsewhere). Returns 0, or -errno when a device's sysfs entry cannot be read.
 */
int idr_guard_resolve(const char *sys, const char *path, struct idr_guard_report *r);

/*
 * idr_guard_aliases - fill r->span and r->alias for r's target (r->dev, or for a regular
 * file r->span set by the caller): every bound loop device under sys other than the
 * target whose bytes overlap the target's, and the device under a loop device target.
 * A loop device target whose backing cannot be told sets r->span_err; more aliases than
 * kept is an unchecked finding. Loop devices whose backing this user cannot look at are
 * passed over. Returns the number of aliases.
 */
unsigned int idr_guard_aliases(const char *sys, struct idr_guard_report *r);

/* How idr_guard_inspect opens the block device. */
enum idr_guard_mode {
	IDR_GUARD_LOOK,	 /* look only (the devices listing): no O_EXCL, nothing held */
	IDR_GUARD_PROBE, /* O_EXCL for a moment, released before returning */
	IDR_GUARD_HOLD,	 /* O_EXCL kept: *hold_fd is the open claim (-1 when another job
			  * of this run already holds it) */
};

/*
 * idr_guard_inspect - look for everything a write to r's device would destroy (r from
 * idr_guard_resolve) and add it to r's findings, then the same on each of r's aliases
 * (findings marked with via; an alias's O_EXCL is only probed, never held). run_id names
 * this fio run (the backend's pid): jobs of one run writing the same device share its
 * claim, marked by an OFD lock at an offset derived from run_id, so the second job's
 * EBUSY is not a refusal.
 * Returns 0, or -errno when the device cannot be opened to check it: then nothing is
 * held and the caller must refuse; in IDR_GUARD_LOOK mode the mounts, swap and holders
 * (which need no privilege) are in r all the same, the signatures are not (-EACCES also
 * when an alias, or the target loop device's backing file, could not be read).
 */
int idr_guard_inspect(struct idr_guard_report *r, enum idr_guard_mode mode, unsigned long run_id,
		      int *hold_fd);

/* One line of a mountinfo file (proc(5)), its escapes (\040 for a space) undone. */
struct idr_mountinfo {
	dev_t devno;	   /* st_dev of the files on it (anonymous for tmpfs, btrfs...) */
	char point[4096];  /* where it is mounted */
	char options[512]; /* the per-mount options, cut to fit */
	char fstype[64];   /* "" when the line has none */
	char source[4096]; /* what is mounted: /dev/vda1, tmpfs, server:/path; or "" */
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
	IDR_WRITE_OK,	      /* nothing found */
	IDR_WRITE_OVERRIDDEN, /* something found, and allow_overwrite names this device */
	IDR_WRITE_REFUSED,
};

/*
 * idr_guard_decide - the verdict on r's findings given the allow_overwrite value (NULL
 * or "" for none): overridden when, for the target and for each alias something was
 * found on, a token names that device. On a refusal msg holds the one message for the
 * user: what was found, where (through which alias), and the exact allow_overwrite=VALUE
 * that overrides it; on an override it names what will be destroyed. Pure: no system
 * calls but stat() of path tokens.
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

/*
 * idr_guard_announce - the line said before the first write, after a verdict v that is not
 * a refusal (msg: idr_guard_decide's): "writing to <describe>: no filesystem, partition
 * table, mount or holder on it[ or on <alias> (<relation>)]", or, overridden,
 * "writing to <describe>; <msg>". Returns buf.
 */
char *idr_guard_announce(const struct idr_guard_report *r, enum idr_verdict v, const char *msg,
			 char *buf, size_t len);

/* idr_guard_relation - how alias a reaches the target's bytes, in words. Returns buf. */
char *idr_guard_relation(const struct idr_guard_report *r, const struct idr_guard_alias *a,
			 char *buf, size_t len);

#endif
