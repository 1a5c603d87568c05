/*
 * identity.c - which device a run measured (identity.h): the archive's folder names and
 * identities, built from what nvme/ says a path is (idr_device_identify: NVMe Identify,
 * sysfs; idr_path_fs: a file's filesystem). What is read here besides is the archive's
 * own: the facts it keeps with a run (queue settings, a loop device's offset) and the
 * attributes its folder names for other disks have always been made of.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/identity.h"

/* Names, keys and descriptions are capped by design (set_name hashes an overlong name):
 * a cut string is intended here, not a bug for the compiler to flag. */
#ifndef __clang__ /* clang has no such warning */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* ---- small helpers -------------------------------------------------------------------- */

/*
 * sysread - dir/file's first line, blanks cut at both ends, into buf (names and keys were
 * always built from this reading: it must not change). Returns 0 or -errno (buf "").
 */
static int sysread(const char *dir, const char *file, char *buf, size_t len)
{
	int n = idr_sysfs_read(dir, file, buf, len);
	size_t lead;

	if (n < 0)
		return n;
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	lead = strspn(buf, " \t");
	memmove(buf, buf + lead, strlen(buf + lead) + 1);
	return 0;
}

static unsigned long long sysread_u64(const char *dir, const char *file)
{
	char buf[64];

	return sysread(dir, file, buf, sizeof(buf)) ? 0 : strtoull(buf, NULL, 0);
}

static void put_str(struct json_object *o, const char *key, const char *val)
{
	if (val && *val)
		json_object_object_add(o, key, json_object_new_string(val));
}

static void put_u64(struct json_object *o, const char *key, unsigned long long val)
{
	json_object_object_add(o, key, json_object_new_uint64(val));
}

static struct json_object *identity(struct idr_devid *id)
{
	return json_object_object_get(id->json, "identity");
}

static struct json_object *facts(struct idr_devid *id)
{
	return json_object_object_get(id->json, "facts");
}

static void set_type(struct idr_devid *id, const char *type)
{
	snprintf(id->type, sizeof(id->type), "%s", type);
}

char *idr_devid_sanitize(const char *s, char *out, size_t len)
{
	size_t o = 0;
	int gap = 0;

	for (; s && *s && o + 1 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-') {
			if (gap && o)
				out[o++] = '_';
			gap = 0;
			if (o + 1 < len && (o || (c != '.' && c != '-' && c != '_')))
				out[o++] = (char)c;
		} else {
			gap = 1;
		}
	}
	out[o] = '\0';
	while (o && (out[o - 1] == '_' || out[o - 1] == '.'))
		out[--o] = '\0';
	return out;
}

char *idr_devid_human_size(unsigned long long bytes, char *out, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (v == (double)(unsigned long long)v || v >= 100)
		snprintf(out, len, "%.0f%s", v, unit[u]);
	else
		snprintf(out, len, "%.1f%s", v, unit[u]);
	return out;
}

/* FNV-1a of s, for names that must be cut short or told apart. */
static unsigned int hash32(const char *s)
{
	unsigned int h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The name as given, or cut and ended with a hash of the key when too long. */
static void set_name(struct idr_devid *id, const char *name)
{
	char buf[1024];

	idr_devid_sanitize(name, buf, sizeof(buf));
	if (strlen(buf) <= IDR_DEVID_NAME_MAX) {
		snprintf(id->name, sizeof(id->name), "%s", buf);
		return;
	}
	snprintf(id->name, sizeof(id->name), "%.*s-%08x", IDR_DEVID_NAME_MAX - 9, buf,
		 hash32(id->key));
}

/* ---- block devices -------------------------------------------------------------------- */

/* queue facts that change what a number means */
static void queue_facts(const char *sysdir, const struct idr_blkdev *b, struct idr_devid *id)
{
	static const char *const q[] = {
		"logical_block_size", "physical_block_size", "rotational", "nr_requests",
		"max_hw_sectors_kb",  "max_sectors_kb",	     "io_poll",	   "write_cache"
	};
	char dir[PATH_MAX], buf[128], *sel, *end;
	unsigned int i;

	snprintf(dir, sizeof(dir), "%s/queue", sysdir);
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		if (!sysread(dir, q[i], buf, sizeof(buf)))
			put_str(facts(id), q[i], buf);
	if (!sysread(dir, "scheduler", buf, sizeof(buf))) {
		sel = strchr(buf, '[');
		end = sel ? strchr(sel, ']') : NULL;
		if (sel && end) {
			*end = '\0';
			put_str(facts(id), "scheduler", sel + 1);
		} else {
			put_str(facts(id), "scheduler", buf);
		}
	}
	put_u64(facts(id), "size_bytes", b->size_bytes);
}

char *idr_devid_nvme_name(const char *model, const char *serial, unsigned int nsid,
			  unsigned int lba_bytes, unsigned int meta_bytes, char *out, size_t len)
{
	char m[128], s[64];

	idr_devid_sanitize(model, m, sizeof(m));
	idr_devid_sanitize(serial, s, sizeof(s));
	if (meta_bytes)
		snprintf(out, len, "nvme-%s-%s-ns%u-lba%u+%u", m, s, nsid, lba_bytes, meta_bytes);
	else
		snprintf(out, len, "nvme-%s-%s-ns%u-lba%u", m, s, nsid, lba_bytes);
	return out;
}

/* The facts of a namespace beside its identity: what Identify or sysfs said besides. */
static void nvme_facts(const struct idr_dev *d, unsigned long long nlba, struct idr_devid *id)
{
	const struct idr_nvme *nv = &d->nvme;

	put_str(facts(id), "firmware", d->blk.firmware);
	put_str(facts(id), "eui64", nv->eui64);
	put_str(facts(id), "wwid", d->blk.wwid);
	put_u64(facts(id), "lba_count", nlba);
	/* Metadata inline with the data (extended LBA) or in a separate buffer: only Identify
	 * tells, and it changes what a passthrough transfer carries. */
	if (nv->identified && nv->meta_bytes)
		json_object_object_add(facts(id), "extended_lba",
				       json_object_new_boolean(nv->extended));
	put_str(facts(id), "generic_device", d->blk.ng);
	put_str(facts(id), "identity_source", nv->identified ? "libnvme" : "sysfs");
}

/* An NVMe namespace (d: whole, through its block device or its /dev/ngXnY). */
static int nvme_namespace(const struct idr_dev *d, struct idr_devid *id, char *err, size_t errlen)
{
	const struct idr_blkdev *b = &d->blk;
	const struct idr_nvme *nv = &d->nvme;
	struct json_object *idn = identity(id);
	unsigned long long nlba;
	char folder[512];

	if (!*b->serial || !b->nsid || !nv->lba_bytes) {
		snprintf(err, errlen,
			 "%s: cannot read the NVMe namespace's identity (serial, nsid, LBA size) "
			 "from NVMe Identify (%s) or sysfs",
			 *b->name ? b->name : b->ng, nv->why_not);
		return -ENODATA;
	}
	nlba = nv->identified ? nv->nsze_blocks : b->size_bytes / nv->lba_bytes;
	set_type(id, "nvme");
	snprintf(id->key, sizeof(id->key), "nvme|%s|%s|%u|%u|%u", b->model, b->serial, b->nsid,
		 nv->lba_bytes, nv->meta_bytes);
	set_name(id, idr_devid_nvme_name(b->model, b->serial, b->nsid, nv->lba_bytes,
					 nv->meta_bytes, folder, sizeof(folder)));
	snprintf(id->description, sizeof(id->description),
		 "NVMe %s, serial %s, namespace %u, LBA format %u B + %u B", b->model, b->serial,
		 b->nsid, nv->lba_bytes, nv->meta_bytes);
	put_str(idn, "model", b->model);
	put_str(idn, "serial", b->serial);
	put_u64(idn, "nsid", b->nsid);
	put_u64(idn, "lba_bytes", nv->lba_bytes);
	put_u64(idn, "metadata_bytes", nv->meta_bytes);
	nvme_facts(d, nlba, id);
	return 0;
}

static int loop_device(const char *sysdir, const struct idr_blkdev *b, struct idr_devid *id,
		       char *err, size_t errlen)
{
	char back[PATH_MAX], dio[32], folder[PATH_MAX + 64], dir[PATH_MAX];
	unsigned long long off;

	/* The whole path: blkdev.h keeps 255 bytes of it, and the key holds all of it. */
	snprintf(dir, sizeof(dir), "%s/loop", sysdir);
	if (sysread(dir, "backing_file", back, sizeof(back)) || !*back) {
		snprintf(err, errlen, "/dev/%s: loop device with no backing file (not attached?)",
			 b->name);
		return -ENXIO;
	}
	off = sysread_u64(dir, "offset");
	set_type(id, "loop");
	snprintf(id->key, sizeof(id->key), "loop|%s|%llu|%u", back, off, b->lbsize);
	snprintf(folder, sizeof(folder), "loop-%s-lb%u", back + strspn(back, "/"), b->lbsize);
	set_name(id, folder);
	snprintf(id->description, sizeof(id->description),
		 "loop device over %s (offset %llu, %u-byte blocks)", back, off, b->lbsize);
	put_str(identity(id), "backing_file", back);
	put_u64(identity(id), "offset", off);
	put_str(facts(id), "direct_io", sysread(dir, "dio", dio, sizeof(dio)) ? "" : dio);
	return 0;
}

static int dm_device(const char *sysdir, struct idr_devid *id)
{
	char dmname[128], uuid[160], folder[200];

	snprintf(folder, sizeof(folder), "%s/dm", sysdir);
	sysread(folder, "uuid", uuid, sizeof(uuid));
	if (sysread(folder, "name", dmname, sizeof(dmname)) || !*dmname)
		return -ENODATA;
	set_type(id, "dm");
	snprintf(id->key, sizeof(id->key), "dm|%s|%s", dmname, uuid);
	snprintf(folder, sizeof(folder), "dm-%s", dmname);
	set_name(id, folder);
	snprintf(id->description, sizeof(id->description), "device-mapper %s%s%s", dmname,
		 *uuid ? ", uuid " : "", uuid);
	put_str(identity(id), "dm_name", dmname);
	put_str(identity(id), "dm_uuid", uuid);
	return 0;
}

/* The device's place on its bus (e.g. pci0000:00/0000:00:02.0/virtio1): stable across
 * reboots while the hardware stays where it is; the last resort for a disk with no serial. */
static void bus_path(const char *sys, const char *sysdir, char *out, size_t len)
{
	char dev[PATH_MAX], real[PATH_MAX], root[PATH_MAX];
	size_t n;

	snprintf(dev, sizeof(dev), "%s/device", sysdir);
	out[0] = '\0';
	if (!realpath(dev, real))
		return;
	if (!realpath(sys, root))
		snprintf(root, sizeof(root), "%s", sys);
	n = strlen(root);
	if (!strncmp(real, root, n) && !strncmp(real + n, "/devices/", 9))
		snprintf(out, len, "%s", real + n + 9);
	else
		snprintf(out, len, "%s", real);
}

/*
 * Any other disk. Its folder name has always been made of these attributes (the disk's
 * device/model; serial and wwid from the disk's folder or its device's), not of
 * blkdev.h's (which reads a SCSI disk's serial from VPD page 0x80 and puts the vendor
 * before its model): taking those would rename every SCSI disk's folder.
 */
static int generic_disk(const char *sys, const char *sysdir, const struct idr_blkdev *b,
			struct idr_devid *id)
{
	char model[128] = "", serial[128] = "", wwid[160] = "", driver[PATH_MAX] = "";
	char where[PATH_MAX], size[32], folder[1024], path[PATH_MAX + 16];
	const char *what, *which, *name = b->name;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/device", sysdir);
	sysread(path, "model", model, sizeof(model));
	if (sysread(sysdir, "serial", serial, sizeof(serial)) || !*serial)
		sysread(path, "serial", serial, sizeof(serial));
	if (sysread(sysdir, "wwid", wwid, sizeof(wwid)) || !*wwid)
		sysread(path, "wwid", wwid, sizeof(wwid));
	snprintf(path, sizeof(path), "%s/device/driver", sysdir);
	n = readlink(path, driver, sizeof(driver) - 1);
	driver[n > 0 ? n : 0] = '\0';
	what = *model	 ? model
	       : *driver ? strrchr(driver, '/') ? strrchr(driver, '/') + 1 : driver
			 : name;
	bus_path(sys, sysdir, where, sizeof(where));
	which = *serial ? serial : *wwid ? wwid : *where ? where : name;
	idr_devid_human_size(b->size_bytes, size, sizeof(size));
	set_type(id, "block");
	snprintf(id->key, sizeof(id->key), "block|%s|%s|%s|%s|%s", model, serial, wwid,
		 *serial || *wwid ? "" : which, size);
	snprintf(folder, sizeof(folder), "block-%s-%s-%s", what, which, size);
	set_name(id, folder);
	snprintf(id->description, sizeof(id->description), "%s %s, %s%s, %s", "block device", what,
		 *serial ? "serial "
		 : *wwid ? "wwid "
			 : "at ",
		 which, size);
	put_str(identity(id), "model", model);
	put_str(identity(id), "serial", serial);
	put_str(identity(id), "wwid", wwid);
	put_str(identity(id), "driver", what == model ? "" : what);
	if (!*serial && !*wwid)
		put_str(identity(id), "bus_path", which);
	return 0;
}

/* A whole disk, or an NVMe namespace through its generic device alone (no sysfs disk). */
static int block_disk(const struct idr_scan_opts *o, const struct idr_dev *d, struct idr_devid *id,
		      char *err, size_t errlen)
{
	const struct idr_blkdev *b = &d->blk;
	char sysdir[PATH_MAX];
	int ret;

	snprintf(sysdir, sizeof(sysdir), "%s/dev/block/%u:%u", o->sys, major(b->devno),
		 minor(b->devno));
	if (d->is_nvme)
		ret = nvme_namespace(d, id, err, errlen);
	else if (!strncmp(b->name, "loop", 4))
		ret = loop_device(sysdir, b, id, err, errlen);
	else if (!strncmp(b->name, "dm-", 3) && !dm_device(sysdir, id))
		ret = 0;
	else
		ret = generic_disk(o->sys, sysdir, b, id);
	if (ret)
		return ret;
	if (*b->name)
		queue_facts(sysdir, b, id);
	put_str(facts(id), "kernel_name", *b->name ? b->name : b->ng);
	return 0;
}

/* A partition, filed under its disk. */
static int partition(const struct idr_scan_opts *o, const struct idr_dev *p, struct idr_devid *id,
		     char *err, size_t errlen)
{
	char folder[IDR_DEVID_NAME_MAX + 32], sysdir[PATH_MAX];
	unsigned long long start;
	struct idr_dev *disk = malloc(sizeof(*disk));
	int ret;

	if (!disk)
		return -ENOMEM;
	ret = idr_device_by_devno(o, p->blk.disk_devno, disk);
	if (ret)
		snprintf(err, errlen, "%s: its disk %s is not in sysfs", p->blk.path, p->blk.disk);
	else
		ret = block_disk(o, disk, id, err, errlen);
	free(disk);
	if (ret)
		return ret;
	snprintf(sysdir, sizeof(sysdir), "%s/dev/block/%u:%u", o->sys, major(p->blk.devno),
		 minor(p->blk.devno));
	start = sysread_u64(sysdir, "start");
	snprintf(id->key + strlen(id->key), sizeof(id->key) - strlen(id->key), "|part%u@%llu",
		 p->blk.partno, start);
	snprintf(folder, sizeof(folder), "%s-part%u", id->name, p->blk.partno);
	set_name(id, folder);
	snprintf(id->description + strlen(id->description),
		 sizeof(id->description) - strlen(id->description), ", partition %u",
		 p->blk.partno);
	put_u64(identity(id), "partition", p->blk.partno);
	put_u64(identity(id), "partition_start_sector", start);
	put_u64(facts(id), "size_bytes", p->blk.size_bytes);
	put_str(facts(id), "kernel_name", p->blk.name);
	return 0;
}

/* What nvme/ made of a device: a disk, a partition, a namespace's /dev/ngXnY. */
static int device(const struct idr_scan_opts *o, const struct idr_dev *d, struct idr_devid *id,
		  char *err, size_t errlen)
{
	if (d->blk.partno)
		return partition(o, d, id, err, errlen);
	return block_disk(o, d, id, err, errlen);
}

/* Block device devno, as o sees it. */
static int block_devno(const struct idr_scan_opts *o, dev_t devno, struct idr_devid *id, char *err,
		       size_t errlen)
{
	struct idr_dev *d = malloc(sizeof(*d));
	int ret;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = idr_device_by_devno(o, devno, d);
	if (ret == -ENODEV)
		snprintf(err, errlen, "block device %u:%u is not in sysfs", major(devno),
			 minor(devno));
	else if (ret)
		snprintf(err, errlen, "block device %u:%u: %s", major(devno), minor(devno),
			 strerror(-ret));
	else
		ret = device(o, d, id, err, errlen);
	free(d);
	return ret;
}

/* A block device or an /dev/ngXnY named by path (any alias). */
static int device_at(const char *target, const struct stat *st, struct idr_devid *id, char *err,
		     size_t errlen)
{
	const struct idr_scan_opts o = { .sys = IDR_SYSFS, .nvme = true };
	struct idr_dev *d = malloc(sizeof(*d));
	int ret;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = idr_device_identify(&o, target, d);
	if (ret == -ENOTBLK) {
		snprintf(err, errlen,
			 "%s is a character device but not an NVMe generic device (/dev/ngXnY): "
			 "iodrill cannot tell which device it is",
			 target);
		ret = -ENODEV;
	} else if (ret == -ENODEV) {
		snprintf(err, errlen, "%s: device %u:%u is not in sysfs", target,
			 major(st->st_rdev), minor(st->st_rdev));
	} else if (ret) {
		snprintf(err, errlen, "target %s: %s", target, strerror(-ret));
	} else {
		ret = device(&o, d, id, err, errlen);
	}
	free(d);
	return ret;
}

/* ---- files ---------------------------------------------------------------------------- */

static int file_on(const char *target, struct idr_devid *id, char *err, size_t errlen)
{
	const struct idr_scan_opts o = { .sys = IDR_SYSFS, .nvme = true };
	struct idr_devid back = { 0 };
	char uuid[64], folder[IDR_DEVID_NAME_MAX + 128], point[PATH_MAX];
	struct idr_fs *fs = malloc(sizeof(*fs));
	struct statfs sf;
	int ret = -ENOMEM;

	if (!fs) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (idr_path_fs(target, fs)) {
		snprintf(err, errlen,
			 "%s: cannot find the filesystem it is on in "
			 "/proc/self/mountinfo",
			 target);
		ret = -ENOENT;
		goto out;
	}
	set_type(id, "file");
	put_str(identity(id), "fstype", fs->m.fstype);
	put_str(facts(id), "mount_point", fs->m.point);
	put_str(facts(id), "mount_source", fs->m.source);
	put_str(facts(id), "mount_options", fs->m.options);
	if (!statfs(target, &sf))
		put_u64(facts(id), "fs_block_size", (unsigned long long)sf.f_bsize);
	if (!fs->devno) {
		idr_devid_sanitize(strcmp(fs->m.point, "/") ? fs->m.point : "root", point,
				   sizeof(point));
		snprintf(id->key, sizeof(id->key), "file|%s|%s|%s", fs->m.fstype, fs->m.point,
			 fs->m.source);
		snprintf(folder, sizeof(folder), "file-%s-%s", fs->m.fstype, point);
		set_name(id, folder);
		snprintf(id->description, sizeof(id->description), "%s on %s (no backing device)",
			 fs->m.fstype, fs->m.point);
		put_str(identity(id), "mount_point", fs->m.point);
		ret = 0;
		goto out;
	}
	ret = idr_devid_block(&o, fs->devno, &back, err, errlen);
	if (ret)
		goto out;
	idr_fs_uuid(fs->devno, uuid, sizeof(uuid));
	snprintf(id->key, sizeof(id->key), "file|%s|%s|%s", fs->m.fstype, uuid, back.key);
	snprintf(folder, sizeof(folder), "file-%s-on-%s", fs->m.fstype, back.name);
	set_name(id, folder);
	snprintf(id->description, sizeof(id->description), "%s on %s, mounted at %s", fs->m.fstype,
		 back.description, fs->m.point);
	put_str(identity(id), "fs_uuid", uuid);
	json_object_object_add(identity(id), "backing_device",
			       json_object_get(json_object_object_get(back.json, "identity")));
	put_str(identity(id), "backing_device_name", back.name);
	json_object_object_add(facts(id), "backing_device",
			       json_object_get(json_object_object_get(back.json, "facts")));
out:
	idr_devid_free(&back);
	free(fs);
	return ret;
}

/* ---- the entry point ------------------------------------------------------------------ */

/* The identity object, its summary first: type, name, key, description, identity, facts. */
static int finish(struct idr_devid *id)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "type", json_object_new_string(id->type));
	json_object_object_add(o, "name", json_object_new_string(id->name));
	json_object_object_add(o, "key", json_object_new_string(id->key));
	json_object_object_add(o, "description", json_object_new_string(id->description));
	json_object_object_add(o, "identity", json_object_get(identity(id)));
	json_object_object_add(o, "facts", json_object_get(facts(id)));
	json_object_put(id->json);
	id->json = o;
	return 0;
}

static int identify(const char *target, struct idr_devid *id, char *err, size_t errlen)
{
	struct stat st;

	if (!strcmp(target, "none")) {
		set_type(id, "none");
		snprintf(id->key, sizeof(id->key), "none");
		set_name(id, "none");
		snprintf(id->description, sizeof(id->description),
			 "no device (engines that touch nothing, such as nil)");
		return 0;
	}
	if (stat(target, &st)) {
		snprintf(err, errlen, "target %s: %s", target, strerror(errno));
		return -errno;
	}
	if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode))
		return device_at(target, &st, id, err, errlen);
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return file_on(target, id, err, errlen);
	snprintf(err, errlen, "target %s is neither a file nor a block or NVMe device", target);
	return -EINVAL;
}

/* An empty identity in id, to fill. Returns 0 or -ENOMEM (said in err). */
static int start(struct idr_devid *id, char *err, size_t errlen)
{
	memset(id, 0, sizeof(*id));
	id->json = json_object_new_object();
	if (!id->json) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_object_object_add(id->json, "identity", json_object_new_object());
	json_object_object_add(id->json, "facts", json_object_new_object());
	return 0;
}

/* id finished when filling it returned ret == 0, else freed. Returns 0 or -errno. */
static int done(struct idr_devid *id, int ret, char *err, size_t errlen)
{
	if (!ret && finish(id)) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	if (ret)
		idr_devid_free(id);
	return ret;
}

int idr_devid_identify(const char *target, struct idr_devid *id, char *err, size_t errlen)
{
	int ret = start(id, err, errlen);

	return ret ? ret : done(id, identify(target, id, err, errlen), err, errlen);
}

int idr_devid_block(const struct idr_scan_opts *o, dev_t devno, struct idr_devid *id, char *err,
		    size_t errlen)
{
	int ret = start(id, err, errlen);

	return ret ? ret : done(id, block_devno(o, devno, id, err, errlen), err, errlen);
}

/* Copy string field key of o into buf (len bytes). Returns 0, or -EINVAL when it is
 * missing, not a string, empty or too long. */
static int remote_field(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v = json_object_object_get(o, key);
	const char *s =
		v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;

	if (!s || !*s || strlen(s) >= len)
		return -EINVAL;
	snprintf(buf, len, "%s", s);
	return 0;
}

int idr_devid_from_json(struct json_object *o, struct idr_devid *id, char *err, size_t errlen)
{
	char clean[IDR_DEVID_NAME_MAX + 1];

	memset(id, 0, sizeof(*id));
	if (!o || !json_object_is_type(o, json_type_object) ||
	    remote_field(o, "type", id->type, sizeof(id->type)) ||
	    remote_field(o, "name", id->name, sizeof(id->name)) ||
	    remote_field(o, "key", id->key, sizeof(id->key)) ||
	    remote_field(o, "description", id->description, sizeof(id->description))) {
		snprintf(err, errlen,
			 "the device identity sent is not one (type, name, key and "
			 "description, each a string of its size)");
		return -EINVAL;
	}
	if (strcmp(idr_devid_sanitize(id->name, clean, sizeof(clean)), id->name) ||
	    strspn(id->type, "abcdefghijklmnopqrstuvwxyz") != strlen(id->type)) {
		snprintf(err, errlen,
			 "the device identity sent names no folder iodrill would make "
			 "('%s', type '%s')",
			 id->name, id->type);
		return -EINVAL;
	}
	if (json_object_deep_copy(o, &id->json, NULL)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

void idr_devid_free(struct idr_devid *id)
{
	json_object_put(id->json);
	id->json = NULL;
}
