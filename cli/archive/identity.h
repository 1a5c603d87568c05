/*
 * identity.h - which device a run measured, as the results archive files it: a folder name
 * that is readable and stays the same across reboots and renames (/dev/nvme0n1 today,
 * nvme1n1 tomorrow), the identity behind it, and the device's facts at the time of the run.
 *
 *   NVMe namespace   nvme-<model>-<serial>-ns<nsid>-lba<bytes>[+<metadata bytes>]
 *                    (nvme/: Identify, else sysfs; /dev/ngXnY is filed under its namespace)
 *   other block dev  block-<model|driver>-<serial|wwid|bus path>-<size>
 *   loop device      loop-<backing file>-lb<logical block size>
 *   device-mapper    dm-<name>
 *   partition        <its disk's name>-part<N>
 *   file             file-<fstype>-on-<the backing device's name>, or
 *                    file-<fstype>-<mount point> when there is none (tmpfs, overlay)
 *   nothing          none (the nil engine touches no device)
 */
#ifndef IDR_CLI_IDENTITY_H
#define IDR_CLI_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "devices.h"

struct json_object;

#define IDR_DEVID_NAME_MAX 128 /* a folder name longer than this ends in a hash of the key */

struct idr_devid {
	char name[IDR_DEVID_NAME_MAX + 1]; /* the folder name */
	char key[1024];	       /* every identifying field, joined: equal keys = same device */
	char description[512]; /* one line for people */
	char type[8];	       /* nvme, block, loop, dm, file, none */
	/*
	 * {"type", "name", "key", "description", "identity": {stable fields},
	 *  "facts": {what may change and changes the meaning: block sizes, scheduler, ...}}
	 */
	struct json_object *json;
};

/*
 * idr_devid_identify - identify what target (a path, or "none") lives on.
 * Returns 0, or -errno with a message naming target in err.
 */
int idr_devid_identify(const char *target, struct idr_devid *id, char *err, size_t errlen);
void idr_devid_free(struct idr_devid *id);

/*
 * idr_devid_from_json - an identity object as idr_devid_identify makes it (its json), sent
 * by a fleet host's engines, into id. What came over the network is checked before it
 * names a folder: type, name, key and description must be strings of their sizes, and
 * the name one idr_devid_sanitize leaves alone (no '/', no "..", no leading dot).
 * Returns 0, or -EINVAL / -ENOMEM with a message in err.
 */
int idr_devid_from_json(struct json_object *o, struct idr_devid *id, char *err, size_t errlen);

/*
 * idr_devid_block - the identity of block device devno as nvme/ sees it under o (o->sys
 * a sysfs root; o->nvme to ask NVMe Identify): what idr_devid_identify does for a device
 * path, exposed for tests on a sysfs fixture. Returns 0, or -errno with a message in err.
 */
int idr_devid_block(const struct idr_scan_opts *o, dev_t devno, struct idr_devid *id, char *err,
		    size_t errlen);

/*
 * idr_devid_sanitize - s made safe and readable as part of a folder name: runs of
 * characters other than [A-Za-z0-9._+-] become one '_', no leading '.', '-' or '_', at most
 * len - 1 bytes. Returns out.
 */
char *idr_devid_sanitize(const char *s, char *out, size_t len);

/*
 * idr_devid_nvme_name - the folder name of an NVMe namespace from its identity, into out
 * (exposed for tests: this machine has no NVMe). Returns out.
 */
char *idr_devid_nvme_name(const char *model, const char *serial, unsigned int nsid,
			  unsigned int lba_bytes, unsigned int meta_bytes, char *out, size_t len);

/* idr_devid_human_size - 64GiB, 512MiB, 1.5TiB, ... into out. Returns out. */
char *idr_devid_human_size(unsigned long long bytes, char *out, size_t len);

#endif
