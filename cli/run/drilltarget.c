/*
 * drilltarget.c - resolving and checking TARGET (drilltarget.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "devices.h"
#include "target.h"
#include "run/drilltarget.h"
#include "run/fleet.h"
#include "run/run.h"

const char *idr_target_kind_name(enum idr_drill_kind kind)
{
	static const char *const names[] = {
		[IDR_DRILL_NEW] = "new file",
		[IDR_DRILL_FILE] = "file",
		[IDR_DRILL_BLOCK] = "block device",
		[IDR_DRILL_NGDEV] = "NVMe generic device",
	};

	return names[kind];
}

/* ---- facts about a path ------------------------------------------------------------------ */

/* ---- a new file -------------------------------------------------------------------------- */

/* Fill buf with data no storage layer can compress or deduplicate away. */
static void fill(uint64_t *buf, size_t words, uint64_t *state)
{
	uint64_t x = *state;

	for (size_t i = 0; i < words; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = x;
	}
	*state = x;
}

/* Write size bytes to fd and fsync. Returns 0, -EINTR when stopped, or -errno. */
static int write_data(int fd, unsigned long long size)
{
	const size_t chunk = 1 << 20;
	uint64_t *buf = malloc(chunk), state = 0x9e3779b97f4a7c15ull;
	unsigned long long done = 0;
	ssize_t n;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	while (!ret && done < size) {
		if (idr_run_stopped()) {
			ret = -EINTR;
			break;
		}
		fill(buf, chunk / 8, &state);
		n = write(fd, buf, size - done < chunk ? (size_t)(size - done) : chunk);
		if (n < 0 && errno != EINTR)
			ret = -errno;
		done += n > 0 ? (unsigned long long)n : 0;
	}
	free(buf);
	if (!ret && fsync(fd))
		ret = -errno;
	return ret;
}

static int create_file(const char *dir, bool in_user_dir, unsigned long long size,
		       struct idr_drill_target *t, char *err, size_t errlen)
{
	int fd, ret;

	if (in_user_dir)
		snprintf(t->path, sizeof(t->path), "%s/iodrill-drill-%d.dat", dir, (int)getpid());
	else
		snprintf(t->path, sizeof(t->path), "%s/drill.dat", dir);
	fd = open(t->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ret = -errno;
		if (errno == EROFS)
			snprintf(err, errlen,
				 "%s is on a read-only filesystem: the drill needs to "
				 "create a %llu MiB file there; give a writable folder, an existing "
				 "file or device to read, or no TARGET",
				 dir, size >> 20);
		else
			snprintf(err, errlen, "cannot create the drill file in %s: %s", dir,
				 strerror(errno));
		t->path[0] = '\0';
		return ret;
	}
	t->created = true;
	t->kind = IDR_DRILL_NEW;
	t->size = size;
	ret = write_data(fd, size);
	close(fd);
	if (ret == -ENOSPC)
		snprintf(err, errlen,
			 "no room for the %llu MiB drill file in %s: free some space, "
			 "give another folder, or a smaller --size",
			 size >> 20, dir);
	else if (ret && ret != -EINTR)
		snprintf(err, errlen, "cannot write the drill file %s: %s", t->path,
			 strerror(-ret));
	if (ret)
		idr_target_release(t);
	return ret;
}

/* ---- existing files and devices ----------------------------------------------------------- */

/* Can this user read path? Sets size for block devices. */
static int check_readable(const char *arg, struct idr_drill_target *t, char *err, size_t errlen)
{
	int fd = open(arg, O_RDONLY | O_CLOEXEC | O_NONBLOCK), ret;
	struct stat st;
	uint64_t bytes;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen,
			 "cannot read %s as uid %u: %s; the drill only reads, but needs "
			 "read access: run it as root, or as a member of the group owning %s",
			 arg, (unsigned int)geteuid(), strerror(errno), arg);
		return ret;
	}
	if (!fstat(fd, &st) && S_ISBLK(st.st_mode) && !ioctl(fd, BLKGETSIZE64, &bytes))
		t->size = bytes;
	close(fd);
	return 0;
}

static int refuse_kind(const char *arg, const struct stat *st, char *err, size_t errlen)
{
	const char *what = S_ISCHR(st->st_mode)	   ? "a character device that is not an NVMe "
						     "generic device (/dev/ngXnY)"
			   : S_ISFIFO(st->st_mode) ? "a FIFO"
			   : S_ISSOCK(st->st_mode) ? "a socket"
						   : "not a file or device";

	snprintf(err, errlen,
		 "%s is %s: reading it would not measure storage (it may block or "
		 "never end); give a file, a block device, /dev/ngXnY, or a folder",
		 arg, what);
	return -EINVAL;
}

/*
 * A device TARGET, as nvme/ sees it: a block device, with the generic device of its NVMe
 * namespace for passthrough; or an NVMe generic device (/dev/ngXnY), with its namespace's
 * block device for the other engines. Returns 0, or -ENOTBLK for a character device that
 * is not an NVMe generic device, or -errno.
 */
static int device_target(const char *arg, const struct stat *st, struct idr_drill_target *t)
{
	const struct idr_scan_opts o = { .sys = IDR_SYSFS };
	struct idr_dev *d = malloc(sizeof(*d));
	int ret;

	if (!d)
		return -ENOMEM;
	ret = idr_device_identify(&o, arg, d);
	if (S_ISBLK(st->st_mode)) {
		t->kind = IDR_DRILL_BLOCK;
		snprintf(t->path, sizeof(t->path), "%s", arg);
		if (!ret)
			idr_dev_node(d, true, t->ngdev, sizeof(t->ngdev));
		ret = 0; /* read it all the same: only its passthrough twin is unknown */
	} else if (!ret) {
		t->kind = IDR_DRILL_NGDEV;
		snprintf(t->ngdev, sizeof(t->ngdev), "%s", arg);
		idr_dev_node(d, false, t->path, sizeof(t->path));
	}
	free(d);
	return ret;
}

static int classify(const char *arg, const struct stat *st, struct idr_drill_target *t, char *err,
		    size_t errlen)
{
	int ret;

	if (S_ISREG(st->st_mode)) {
		t->kind = IDR_DRILL_FILE;
		t->size = (unsigned long long)st->st_size;
		snprintf(t->path, sizeof(t->path), "%s", arg);
	} else if (S_ISBLK(st->st_mode) || S_ISCHR(st->st_mode)) {
		ret = device_target(arg, st, t);
		if (ret == -ENOTBLK)
			return refuse_kind(arg, st, err, errlen);
		if (ret) {
			snprintf(err, errlen, "cannot tell which device %s is: %s", arg,
				 strerror(-ret));
			return ret;
		}
	} else {
		return refuse_kind(arg, st, err, errlen);
	}
	ret = check_readable(arg, t, err, errlen);
	/* /dev/ngXnY: the other engines read the block device beside it, and its size is that */
	if (!ret && t->kind == IDR_DRILL_NGDEV && t->path[0])
		ret = check_readable(t->path, t, err, errlen);
	return ret;
}

static int check_size(const struct idr_drill_target *t, char *err, size_t errlen)
{
	/* A passthrough-only target: the engine learns the size from the namespace. */
	if (t->kind == IDR_DRILL_NGDEV && !t->path[0])
		return 0;
	if (t->size >= IDR_TARGET_MIN_BYTES)
		return 0;
	snprintf(err, errlen,
		 "%s is %llu bytes: the drill reads 1,000 different 4 KiB blocks, so "
		 "it needs at least %llu bytes",
		 t->arg, t->size, IDR_TARGET_MIN_BYTES);
	return -EINVAL;
}

/* The filesystem holding file path, into t (nothing when it cannot be found). */
static void file_fs(const char *path, struct idr_drill_target *t)
{
	struct idr_fs *fs = malloc(sizeof(*fs));

	if (fs && !idr_path_fs(path, fs)) {
		idr_strcpy(t->fstype, sizeof(t->fstype), fs->m.fstype);
		idr_strcpy(t->fsdev, sizeof(t->fsdev), fs->m.source);
	}
	free(fs);
}

static void probe(struct idr_drill_target *t)
{
	struct stat st;

	if (t->path[0] && !stat(t->path, &st)) {
		if (S_ISREG(st.st_mode))
			file_fs(t->path, t);
		t->direct = idr_path_direct_works(t->path);
	} else {
		t->direct = true; /* passthrough never goes through the page cache */
	}
}

int idr_target_open(const char *arg, const char *tmpdir, unsigned long long new_size,
		    struct idr_drill_target *t, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	/* a fleet host's TARGET is a path there: resolved there (fleet.h) */
	if (idr_remote_host())
		return idr_remote_target(arg, t, err, errlen);
	memset(t, 0, sizeof(*t));
	snprintf(t->arg, sizeof(t->arg), "%s", arg ? arg : "");
	if (!arg) {
		ret = create_file(tmpdir, false, new_size, t, err, errlen);
	} else if (stat(arg, &st)) {
		ret = -errno;
		if (errno == ENOENT)
			snprintf(err, errlen,
				 "TARGET %s does not exist: give an existing file, block "
				 "device or /dev/ngXnY, a folder to create the drill file in, or no "
				 "TARGET for a temporary file",
				 arg);
		else
			snprintf(err, errlen, "TARGET %s: %s", arg, strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		ret = create_file(arg, true, new_size, t, err, errlen);
	} else {
		ret = classify(arg, &st, t, err, errlen);
		if (!ret)
			ret = check_size(t, err, errlen);
	}
	if (!ret)
		probe(t);
	return ret;
}

void idr_target_release(struct idr_drill_target *t)
{
	if (t->created && t->path[0])
		unlink(t->path);
	t->created = false;
}

void idr_target_describe(const struct idr_drill_target *t, char *buf, size_t len)
{
	char fs[200] = "", twin[PATH_MAX + 32] = "";

	if (t->fstype[0])
		snprintf(fs, sizeof(fs), " on %s (%s)", t->fstype, t->fsdev[0] ? t->fsdev : "?");
	if (t->kind == IDR_DRILL_BLOCK && t->ngdev[0])
		snprintf(twin, sizeof(twin), "; passthrough through %s", t->ngdev);
	else if (t->kind == IDR_DRILL_NGDEV && t->path[0])
		snprintf(twin, sizeof(twin), "; the other engines read %s", t->path);
	snprintf(buf, len, "%s %s, %llu MiB%s%s%s%s%s", idr_target_kind_name(t->kind),
		 t->kind == IDR_DRILL_NGDEV ? t->ngdev : t->path, t->size >> 20, fs,
		 t->created ? ", created for this run" : "", twin,
		 idr_remote_host() ? ", on host " : "",
		 idr_remote_host() ? idr_remote_host()->spec : "");
}
