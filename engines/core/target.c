/*
 * target.c - checks on the paths a job names (see target.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target.h"

static const char *const no_create_dirs[] = { "/dev", "/sys", "/proc" };

/*
 * Is dir (a canonical path) inside one of the pseudo-file-system trees, on that tree's
 * own file system? /dev/shm is a tmpfs of its own where creating files is fine;
 * /dev/disk/by-id is devtmpfs where it is not.
 */
static const char *pseudo_tree(const char *dir)
{
	struct stat d, root;
	size_t i, n;

	if (stat(dir, &d))
		return NULL;
	for (i = 0; i < sizeof(no_create_dirs) / sizeof(no_create_dirs[0]); i++) {
		n = strlen(no_create_dirs[i]);
		if (strncmp(dir, no_create_dirs[i], n) || (dir[n] != '/' && dir[n] != '\0'))
			continue;
		if (!stat(no_create_dirs[i], &root) && root.st_dev == d.st_dev)
			return no_create_dirs[i];
	}
	return NULL;
}

int idr_path_may_create(const char *path, char *msg, size_t msglen)
{
	char dir[PATH_MAX], canon[PATH_MAX];
	const char *slash, *tree;
	struct stat st;

	if (lstat(path, &st) == 0)
		return 0;
	/* Resolve the directory part so /dev/../dev/x and symlinked dirs are seen too. */
	slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (!realpath(dir, canon))
		return 0; /* a missing directory: fio reports that itself */
	tree = pseudo_tree(canon);
	if (!tree)
		return 0;
	snprintf(msg, msglen,
		 "filename=%s does not exist, and it is under %s: refusing to create it as a "
		 "regular file. Check the device name (ls %s).",
		 path, tree, canon);
	return -ENOENT;
}

int idr_path_check(const char *path, int have_size, char *msg, size_t msglen)
{
	struct stat st;
	int ret;

	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return 0;
		snprintf(msg, msglen,
			 "filename=%s is a directory: name a file or a device (or use "
			 "directory=%s with nrfiles=)",
			 path, path);
		return -EISDIR;
	}
	ret = idr_path_may_create(path, msg, msglen);
	if (ret || have_size)
		return ret;
	snprintf(msg, msglen,
		 "filename=%s does not exist: name an existing file or device, or give size= "
		 "(or filesize=) so fio creates the file",
		 path);
	return -ENOENT;
}

bool idr_path_direct_works(const char *path)
{
	void *buf = NULL;
	bool ok = false;
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (!posix_memalign(&buf, 4096, 4096))
		ok = pread(fd, buf, 4096, 0) >= 0;
	free(buf);
	close(fd);
	return ok;
}
