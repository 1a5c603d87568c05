/*
 * trim.h - fio's DDIR_TRIM for the engines that run it themselves: BLKDISCARD on a block
 * device, as fio's do_io_u_trim (os_trim); a hole punched in a regular file
 * (fallocate PUNCH_HOLE|KEEP_SIZE), where fio 3.33's twins send BLKDISCARD to the file
 * and fail with ENOTTY. Anything else (a character device) gets fio's ioctl, and its
 * errno. No fio types in the system-call part: thread-pool workers call idr_trim_fd.
 *
 * Conventions: bytes trimmed (len) on success, -errno on failure.
 */
#ifndef IDR_CORE_TRIM_H
#define IDR_CORE_TRIM_H

#include <stdint.h>

/* How a file is trimmed: the same for every I/O to it, so decided from fio's file type. */
enum idr_trim_how {
	IDR_TRIM_DISCARD, /* ioctl(BLKDISCARD): block devices (and fio's answer elsewhere) */
	IDR_TRIM_PUNCH,	  /* fallocate(PUNCH_HOLE | KEEP_SIZE): regular files */
};

/* idr_trim_fd - trim len bytes at off of fd as how says. Returns len, or -errno. */
long long idr_trim_fd(int fd, enum idr_trim_how how, uint64_t off, uint64_t len);

/* idr_trim_how_name - "BLKDISCARD" or "fallocate(PUNCH_HOLE)", for notes and messages. */
const char *idr_trim_how_name(enum idr_trim_how how);

#endif
