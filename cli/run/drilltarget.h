/*
 * drilltarget.h - what iodrill drill and tune read from: TARGET resolved, checked, and
 * made when it is to be a new file.
 *
 * TARGET may be an existing regular file, a block device, an NVMe generic char device
 * (/dev/ngXnY), a folder (iodrill creates the drill file in it), or nothing (a file in a
 * temporary folder). Anything else is refused with a message saying what to give instead:
 * a missing path (iodrill never creates a file by a name it was given), a folder on a
 * read-only filesystem, a file or device this user cannot read, a character device that
 * is not an NVMe generic device (/dev/tty or /dev/zero would block or never end), a FIFO,
 * or a target smaller than the drill's 1,000 different blocks.
 */
#ifndef IDR_CLI_DRILLTARGET_H
#define IDR_CLI_DRILLTARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum idr_drill_kind {
	IDR_DRILL_NEW,	 /* a file iodrill created (no TARGET, or TARGET a folder) */
	IDR_DRILL_FILE,	 /* an existing regular file */
	IDR_DRILL_BLOCK, /* a block device */
	IDR_DRILL_NGDEV, /* an NVMe generic char device */
};

struct idr_drill_target {
	enum idr_drill_kind kind;
	char arg[PATH_MAX];	 /* TARGET as given, "" for none */
	char path[PATH_MAX];	 /* what the file and block engines read; "" when none */
	char ngdev[PATH_MAX];	 /* the NVMe generic char device for passthrough, or "" */
	char fstype[32];	 /* the filesystem holding a file ("ext4", "tmpfs") */
	char fsdev[128];	 /* what that filesystem is mounted from ("/dev/vda") */
	unsigned long long size; /* bytes */
	bool direct;		 /* O_DIRECT reads work on path */
	bool created;		 /* iodrill made path; idr_target_release removes it */
};

/* The drill reads 1,000 different 4 KiB blocks. */
#define IDR_TARGET_MIN_BYTES (1000ull * 4096)

/*
 * idr_target_open - resolve arg (NULL: a new file in tmpdir) into t (in a fleet host's
 * remote mode, arg is a path on that host: idr_remote_target, fleet.h); a new file of
 * new_size bytes is written (non-repeating data, fsync'd) and, if a stop signal arrives
 * meanwhile, removed. Returns 0, -EINTR when stopped, or -errno with a message for the
 * user in err naming TARGET and what to give instead.
 */
int idr_target_open(const char *arg, const char *tmpdir, unsigned long long new_size,
		    struct idr_drill_target *t, char *err, size_t errlen);

/* idr_target_release - remove the file iodrill created, if any. */
void idr_target_release(struct idr_drill_target *t);

/* idr_target_describe - one line for the table's header: what the target is. */
void idr_target_describe(const struct idr_drill_target *t, char *buf, size_t len);

/* idr_target_kind_name - "new file", "file", "block device", "NVMe generic device". */
const char *idr_target_kind_name(enum idr_drill_kind kind);

#endif
