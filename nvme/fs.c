/*
 * fs.c - which filesystem a file is on, and the block device under it (see devices.h):
 * for the drill's description of its target and the results archive's file identity.
 * Mounts are read through the core's one mountinfo reader (engines/core/guard.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <blkid.h>

#include "devices.h"

/*
 * The mount of device dev holding path (a real path): the one whose mount point is the
 * longest prefix of it; bind mounts of the same device elsewhere do not hold it.
 * Returns 0 or -ENOENT, or -errno when mountinfo cannot be read.
 */
static int find_mount(dev_t dev, const char *path, struct idr_mountinfo *best)
{
	struct idr_mountinfo *m = malloc(sizeof(*m));
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0, n, len = 0;
	int ret = -ENOENT;

	if (!f || !m) {
		ret = f ? -ENOMEM : -errno;
		goto out;
	}
	while (getline(&line, &cap, f) > 0) {
		if (idr_mountinfo_parse(line, m) || !*m->fstype || !*m->source || m->devno != dev)
			continue;
		n = strlen(m->point);
		if (n < len)
			continue;
		if (strcmp(m->point, "/") &&
		    (strncmp(path, m->point, n) || (path[n] && path[n] != '/')))
			continue;
		len = n;
		*best = *m;
		ret = 0;
	}
out:
	free(line);
	free(m);
	if (f)
		fclose(f);
	return ret;
}

/*
 * The block device under a filesystem: its st_dev when that is one, or for btrfs and the
 * like (anonymous st_dev) the mount's source when that is a block device node; 0 if none.
 */
static dev_t backing(dev_t dev, const struct idr_mountinfo *m)
{
	char link[64];
	struct stat st;

	snprintf(link, sizeof(link), IDR_SYSFS "/dev/block/%u:%u", major(dev), minor(dev));
	if (major(dev) && !access(link, F_OK))
		return dev;
	if (!strncmp(m->source, "/dev/", 5) && !stat(m->source, &st) && S_ISBLK(st.st_mode))
		return st.st_rdev;
	return 0;
}

int idr_path_fs(const char *path, struct idr_fs *fs)
{
	char real[PATH_MAX];
	struct stat st;
	int ret;

	memset(fs, 0, sizeof(*fs));
	if (!realpath(path, real) || stat(real, &st))
		return -errno;
	ret = find_mount(st.st_dev, real, &fs->m);
	if (!ret)
		fs->devno = backing(st.st_dev, &fs->m);
	return ret;
}

char *idr_fs_uuid(dev_t devno, char *out, size_t len)
{
	struct idr_blkdev b;
	const char *v = NULL;
	blkid_probe pr;

	out[0] = '\0';
	if (!devno || idr_blkdev_by_devno(IDR_SYSFS, devno, &b))
		return out;
	pr = blkid_new_probe_from_filename(b.path);
	if (!pr)
		return out;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_UUID);
	if (!blkid_do_safeprobe(pr) && !blkid_probe_lookup_value(pr, "UUID", &v, NULL) && v)
		snprintf(out, len, "%s", v);
	blkid_free_probe(pr);
	return out;
}
