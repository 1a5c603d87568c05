/*
 * alias.h - which bytes a device or a file reaches in the end, for the write guard's
 * aliases: a loop device writes into its backing file (or block device) from its offset
 * on, so a second loop device over the same file, a loop device stacked on another, a
 * loop device over a partition and the image file itself all reach the same bytes under
 * other names. Objects are told apart by device and inode (a block device by its whole
 * disk's number), never by path.
 *
 * A loop device's backing comes from sysfs (loop/backing_file, stat() of that path,
 * loop/offset; a partition's start): no privilege, and no device opened. Where that path
 * does not resolve (the file was deleted, or is not reachable from this mount namespace)
 * the LOOP_GET_STATUS64 ioctl on the loop device says the same (root). A loop device over
 * a file in another mount namespace whose path names some other file here is taken for
 * that file: sysfs cannot tell them apart.
 *
 * No fio types: unit-tested on the sysfs fixture with real files.
 */
#ifndef IDR_CORE_ALIAS_H
#define IDR_CORE_ALIAS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "blkdev.h"

/* Bytes [start, end) of one object: a regular file or a whole disk. */
struct idr_span {
	bool blk; /* dev is a whole disk's device number; else a file's st_dev */
	dev_t dev;
	ino_t ino;	     /* the file's inode (0 for a disk) */
	uint64_t start, end; /* end UINT64_MAX: to the end, whatever its size */
	char obj[256];	     /* the object's name for messages: the file, or /dev/<disk> */
};

#define IDR_SPAN_END UINT64_MAX

/* How deep loop devices may be stacked on each other before the guard gives up. */
#define IDR_SPAN_MAX_DEPTH 8

/*
 * idr_span_of_dev - the bytes block device b (from sysfs root sys) reaches: for a loop
 * device or a partition of one, those of its backing file or device (followed down
 * through stacked loop devices); for any other device, its own bytes of its whole disk.
 * base, when not NULL, gets the first device down the chain that is not a loop device
 * (b itself when b is none; base->name "" when the chain ends in a file).
 * Returns 0, -ELOOP (stacked deeper than IDR_SPAN_MAX_DEPTH), -EACCES (a loop device's
 * backing file cannot be looked at by this user, nor the device asked) or -ENODEV (its
 * backing could not be found: its path resolves to nothing here and the device does not
 * answer).
 */
int idr_span_of_dev(const char *sys, const struct idr_blkdev *b, struct idr_span *s,
		    struct idr_blkdev *base);

/* idr_span_of_file - the whole of the regular file st (named path) as a span. */
void idr_span_of_file(const char *path, const struct stat *st, struct idr_span *s);

/*
 * idr_span_overlap - the bytes a and b both reach, into both (may be NULL). Returns
 * false when they are of different objects or do not meet.
 */
bool idr_span_overlap(const struct idr_span *a, const struct idr_span *b, struct idr_span *both);

#endif
