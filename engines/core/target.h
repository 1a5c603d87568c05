/*
 * target.h - checks on the paths a job names, before fio touches them.
 * No fio types: unit-tested on its own.
 */
#ifndef IDR_CORE_TARGET_H
#define IDR_CORE_TARGET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * idr_path_may_create - may fio create path as a new regular file?
 * A path that already exists is fine (0). A missing path whose directory resolves
 * into /dev, /sys or /proc, on that tree's own file system (devtmpfs, sysfs, procfs;
 * not a tmpfs mounted on /dev/shm), is refused: it is a mistyped device name (fio would
 * create /dev/loop0p9 as a regular file). Returns 0, or -ENOENT with a message in msg.
 */
int idr_path_may_create(const char *path, char *msg, size_t msglen);

/*
 * idr_path_check - is path usable as a job's file? A directory is not (fio would try to
 * lay a file out over it and fail in unlink); a missing file is fine only when fio may
 * create it there (idr_path_may_create) and fio will size it (have_size: the caller
 * applies fio's rule, size=, filesize=, fill_device= or an iolog), since fio cannot
 * invent a size. Returns 0, or -EISDIR / -ENOENT with a message in msg.
 */
int idr_path_check(const char *path, int have_size, char *msg, size_t msglen);

/*
 * idr_path_direct_works - does an aligned 4 KiB O_DIRECT read of path work? A target that
 * refuses O_DIRECT (tmpfs before 6.6, some FUSE and network filesystems) is read buffered
 * by the drill, here and on a fleet's hosts alike.
 */
bool idr_path_direct_works(const char *path);

#endif
