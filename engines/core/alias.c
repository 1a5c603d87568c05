/*
 * alias.c - which bytes a device or a file reaches in the end (see alias.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/loop.h>

#include "alias.h"
#include "guard.h"

/* The kernel's encoding of a dev_t in struct loop_info64 (new_encode_dev), undone. */
static dev_t loop_info_dev(uint64_t x)
{
	return makedev((unsigned int)((x >> 8) & 0xfff),
		       (unsigned int)((x & 0xff) | ((x >> 12) & 0xfff00)));
}

/*
 * What loop disk b is over, by LOOP_GET_STATUS64 on its node (root): the backing's
 * st_dev, st_ino and st_rdev (0 for a file) into st, its offset, its name (cut to 64
 * bytes by the kernel). Returns 0, -EACCES (the node cannot be opened by this user) or
 * -ENODEV.
 */
static int loop_ioctl(const struct idr_blkdev *b, struct stat *st, uint64_t *offset, char *name,
		      size_t len)
{
	struct loop_info64 info;
	char node[IDR_DEVNAME_MAX + 8];
	struct stat ns;
	int fd, ret;

	snprintf(node, sizeof(node), "/dev/%s", b->disk);
	fd = open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno == EACCES || errno == EPERM ? -EACCES : -ENODEV;
	ret = fstat(fd, &ns) || ns.st_rdev != b->disk_devno || ioctl(fd, LOOP_GET_STATUS64, &info);
	close(fd);
	if (ret)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	st->st_dev = loop_info_dev(info.lo_device);
	st->st_ino = (ino_t)info.lo_inode;
	st->st_rdev = loop_info_dev(info.lo_rdevice);
	st->st_mode = info.lo_rdevice ? S_IFBLK : S_IFREG;
	*offset = info.lo_offset;
	info.lo_file_name[LO_NAME_SIZE - 1] = '\0';
	idr_strcpy(name, len, (const char *)info.lo_file_name);
	return 0;
}

/*
 * What loop disk b is over: the path sysfs gives, stat()ed, and b's loop/offset; where
 * the path does not resolve, the ioctl. Returns 0, -EACCES (neither the path nor the
 * device can be read by this user) or -ENODEV.
 */
static int loop_backing(const char *sys, const struct idr_blkdev *b, struct stat *st,
			uint64_t *offset, char *name, size_t len)
{
	static const char deleted[] = " (deleted)";
	char dir[PATH_MAX];
	int got, ret, path_err = ENOENT;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/dev/block/%u:%u", sys, major(b->disk_devno),
		 minor(b->disk_devno));
	got = idr_sysfs_read(dir, "loop/backing_file", name, len);
	n = got > 0 ? (size_t)got : 0;
	/* A path cut to fit, or of an unlinked file, names nothing reliable: ask the device. */
	if (n && n + 1 < len &&
	    !(n >= sizeof(deleted) - 1 && !strcmp(name + n - (sizeof(deleted) - 1), deleted))) {
		if (!stat(name, st) && (S_ISREG(st->st_mode) || S_ISBLK(st->st_mode))) {
			*offset = b->loop_offset;
			return 0;
		}
		path_err = errno;
	}
	ret = loop_ioctl(b, st, offset, name, len);
	/* Unreadable both ways for lack of privilege: say so (root would know). */
	return ret == -EACCES && path_err == EACCES ? -EACCES : ret ? -ENODEV : 0;
}

void idr_span_of_file(const char *path, const struct stat *st, struct idr_span *s)
{
	memset(s, 0, sizeof(*s));
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->end = IDR_SPAN_END;
	idr_strcpy(s->obj, sizeof(s->obj), path);
}

static int span_at(const char *sys, const struct idr_blkdev *b, struct idr_span *s,
		   struct idr_blkdev *base, unsigned int depth);

/* a + b, held at IDR_SPAN_END: offsets come from sysfs and the ioctl, unchecked. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > IDR_SPAN_END - b ? IDR_SPAN_END : a + b;
}

/* The span of loop device b (a disk or a partition of one), from its backing's. */
static int span_of_loop(const char *sys, const struct idr_blkdev *b, struct idr_span *s,
			struct idr_blkdev *base, unsigned int depth)
{
	struct idr_blkdev back;
	char name[PATH_MAX];
	uint64_t offset, start, end;
	struct stat st;
	int ret;

	if (depth >= IDR_SPAN_MAX_DEPTH)
		return -ELOOP;
	ret = loop_backing(sys, b, &st, &offset, name, sizeof(name));
	if (ret)
		return ret;
	if (S_ISREG(st.st_mode)) {
		idr_span_of_file(name, &st, s);
		if (base)
			memset(base, 0, sizeof(*base));
	} else {
		if (idr_blkdev_by_devno(sys, st.st_rdev, &back))
			return -ENODEV;
		ret = span_at(sys, &back, s, base, depth + 1);
		if (ret)
			return ret;
	}
	/* b's bytes start at its offset (plus its partition's start) into the backing's. */
	start = sat_add(s->start, sat_add(offset, b->start_bytes));
	end = sat_add(start, b->size_bytes);
	s->end = end < s->end ? end : s->end;
	s->start = start < s->end ? start : s->end;
	return 0;
}

static int span_at(const char *sys, const struct idr_blkdev *b, struct idr_span *s,
		   struct idr_blkdev *base, unsigned int depth)
{
	if (!strcmp(b->kind, "loop"))
		return span_of_loop(sys, b, s, base, depth);
	memset(s, 0, sizeof(*s));
	s->blk = true;
	s->dev = b->disk_devno;
	s->start = b->start_bytes;
	s->end = b->start_bytes + b->size_bytes;
	snprintf(s->obj, sizeof(s->obj), "/dev/%s", b->disk);
	if (base)
		*base = *b;
	return 0;
}

int idr_span_of_dev(const char *sys, const struct idr_blkdev *b, struct idr_span *s,
		    struct idr_blkdev *base)
{
	return span_at(sys, b, s, base, 0);
}

bool idr_span_overlap(const struct idr_span *a, const struct idr_span *b, struct idr_span *both)
{
	if (a->blk != b->blk || a->dev != b->dev || a->ino != b->ino)
		return false;
	if (a->start >= b->end || b->start >= a->end)
		return false;
	if (both) {
		*both = *a;
		both->start = a->start > b->start ? a->start : b->start;
		both->end = a->end < b->end ? a->end : b->end;
	}
	return true;
}

/* ---- the guard's aliases ------------------------------------------------------------ */

/* Keep alias dev of r, or note that there are more than kept. */
static void alias_add(struct idr_guard_report *r, enum idr_relation rel,
		      const struct idr_blkdev *dev, const struct idr_span *both)
{
	struct idr_guard_alias *a;

	if (r->nr_alias >= IDR_GUARD_MAX_ALIASES) {
		idr_guard_add(r, IDR_FOUND_UNCHECKED, *r->dev.name ? r->dev.name : r->path,
			      "more than 8 loop devices reach its bytes: not all were looked at",
			      NULL, -1);
		return;
	}
	a = &r->alias[r->nr_alias++];
	a->rel = rel;
	a->dev = *dev;
	a->both = *both;
}

/*
 * Can the loop device over backing (a path from sysfs) be passed over without reading
 * the rest of it? Yes when the path names a regular file that is not the target's: a
 * loop device over a file reaches that file's bytes only. The common case (a regular
 * file written, a few loop devices over other files) costs this and no more.
 */
static bool other_file(const struct idr_guard_report *r, const char *backing)
{
	struct stat st;

	if (stat(backing, &st) || !S_ISREG(st.st_mode))
		return false;
	return r->span.blk || st.st_dev != r->span.dev || st.st_ino != r->span.ino;
}

/* The bound loop device at sysfs folder dir: an alias when it reaches some target bytes. */
static void alias_loop(const char *sys, const char *dir, struct idr_guard_report *r)
{
	char backing[PATH_MAX];
	struct idr_span s, both;
	struct idr_blkdev loop;
	int n;

	n = idr_sysfs_read(dir, "loop/backing_file", backing, sizeof(backing));
	/* Unbound (no backing); or, its path cut to fit, read through idr_span_of_dev. */
	if (n <= 0 || ((size_t)n + 1 < sizeof(backing) && other_file(r, backing)))
		return;
	if (idr_blkdev_read(sys, dir, &loop) || loop.partno)
		return;
	/* The target itself, or the loop device the target is a partition of. */
	if (r->target != IDR_TARGET_FILE && loop.devno == r->dev.disk_devno)
		return;
	/* One whose backing cannot be found here reaches nothing we can tell. */
	if (idr_span_of_dev(sys, &loop, &s, NULL) || !idr_span_overlap(&r->span, &s, &both))
		return;
	alias_add(r, r->target == IDR_TARGET_FILE ? IDR_REL_BACKS : IDR_REL_OVERLAPS, &loop, &both);
}

/* Every loop device under sys/class/block through alias_loop. Returns 0 or -errno. */
static int alias_loops(const char *sys, struct idr_guard_report *r)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/class/block", sys);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((e = readdir(dp)))
		if (!strncmp(e->d_name, "loop", 4) &&
		    !idr_path_join(sub, sizeof(sub), dir, e->d_name))
			alias_loop(sys, sub, r);
	closedir(dp);
	return 0;
}

unsigned int idr_guard_aliases(const char *sys, struct idr_guard_report *r)
{
	struct idr_blkdev base;
	int ret;

	r->nr_alias = 0;
	if (r->target != IDR_TARGET_FILE) {
		ret = idr_span_of_dev(sys, &r->dev, &r->span, &base);
		/* An unbound loop device (size 0) reaches nothing; a bound one must be told. */
		if (ret) {
			r->span_err = r->dev.size_bytes ? ret : 0;
			return 0;
		}
		if (*base.name && base.devno != r->dev.devno)
			alias_add(r, IDR_REL_UNDER, &base, &r->span);
	}
	/*
	 * A device was found in sysfs, so its class/block is there to read. Without sysfs
	 * (some containers) no loop device can be found over a regular file: it is written
	 * unchecked, as files always were.
	 */
	if (alias_loops(sys, r) && r->target != IDR_TARGET_FILE)
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->dev.name, "cannot list the loop devices",
			      "sysfs", -1);
	return r->nr_alias;
}
