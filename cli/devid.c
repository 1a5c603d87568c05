/*
 * devid.c - which device a run measured (devid.h): NVMe through libnvme, other block
 * devices through sysfs, files through /proc/self/mountinfo and their backing device.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <unistd.h>

#include <blkid.h>
#include <json-c/json.h>
#include <libnvme.h>

#include "devid.h"

#define SYS_BLOCK "/sys/class/block"

/* Names, keys and descriptions are capped by design (set_name hashes an overlong name):
 * a cut string is intended here, not a bug for the compiler to flag. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* ---- small helpers -------------------------------------------------------------------- */

/* sysread - dir/file's first line, trimmed, into buf. Returns 0 or -errno (buf ""). */
static int sysread(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	size_t n;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	n = strspn(buf, " \t");
	memmove(buf, buf + n, strlen(buf + n) + 1);
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

static int block_disk(const char *sysdir, const char *name, struct idr_devid *id, char *err,
		      size_t errlen);

/* queue facts that change what a number means */
static void queue_facts(const char *sysdir, struct idr_devid *id)
{
	static const char *const q[] = { "logical_block_size", "physical_block_size",
					 "rotational",	       "nr_requests",
					 "max_hw_sectors_kb",  "max_sectors_kb",
					 "io_poll",	       "write_cache" };
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
	put_u64(facts(id), "size_bytes", sysread_u64(sysdir, "size") * 512);
}

/*
 * NVMe identity through libnvme's topology scan.
 * SWITCH TO nvme/ (issue 5): when nvme/'s discovery interface is in main, replace this one
 * function with a call to it; everything else here stays.
 */
struct nvme_facts {
	char model[64], serial[32], firmware[16], generic[32];
	unsigned int nsid, lba_bytes, meta_bytes;
	unsigned long long nlba;
	char eui64[24];
	const char *source;
};

static int ns_is(nvme_ns_t n, const char *name)
{
	const char *s = nvme_ns_get_name(n);

	return s && !strcmp(s, name);
}

/* A namespace of s named name: a multipath head (nvmeXnY under the subsystem) or a
 * namespace of one of its controllers. */
static nvme_ns_t find_ns(nvme_subsystem_t s, const char *name)
{
	nvme_ctrl_t c;
	nvme_ns_t n;

	nvme_subsystem_for_each_ns(s, n)
		if (ns_is(n, name))
			return n;
	nvme_subsystem_for_each_ctrl(s, c)
		nvme_ctrl_for_each_ns(c, n)
			if (ns_is(n, name))
				return n;
	return NULL;
}

static int nvme_lookup_libnvme(const char *ns_name, struct nvme_facts *f)
{
	FILE *quiet = fopen("/dev/null", "we");
	nvme_root_t r = nvme_create_root(quiet, LOG_ERR);
	nvme_host_t h;
	nvme_subsystem_t s;
	nvme_ns_t found = NULL;
	const unsigned char *e;

	/* libnvme 1.x: nvme_scan_topology returns 0 on success (libnvme#1030) */
	if (!r || nvme_scan_topology(r, NULL, NULL) < 0)
		goto out;
	nvme_for_each_host(r, h)
		nvme_for_each_subsystem(h, s)
			if (!found)
				found = find_ns(s, ns_name);
	if (!found)
		goto out;
	snprintf(f->model, sizeof(f->model), "%s", nvme_ns_get_model(found) ?: "");
	snprintf(f->serial, sizeof(f->serial), "%s", nvme_ns_get_serial(found) ?: "");
	snprintf(f->firmware, sizeof(f->firmware), "%s", nvme_ns_get_firmware(found) ?: "");
	snprintf(f->generic, sizeof(f->generic), "%s", nvme_ns_get_generic_name(found) ?: "");
	f->nsid = (unsigned int)nvme_ns_get_nsid(found);
	f->lba_bytes = (unsigned int)nvme_ns_get_lba_size(found);
	f->meta_bytes = (unsigned int)nvme_ns_get_meta_size(found);
	f->nlba = nvme_ns_get_lba_count(found);
	e = nvme_ns_get_eui64(found);
	if (e && (e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7]))
		snprintf(f->eui64, sizeof(f->eui64), "%02x%02x%02x%02x%02x%02x%02x%02x", e[0],
			 e[1], e[2], e[3], e[4], e[5], e[6], e[7]);
	f->source = "libnvme";
out:
	if (r)
		nvme_free_tree(r);
	if (quiet)
		fclose(quiet);
	return f->source ? 0 : -ENOENT;
}

/* Without libnvme's answer (no permission to identify): what sysfs says of the namespace. */
static int nvme_lookup_sysfs(const char *sysdir, struct nvme_facts *f)
{
	char dev[PATH_MAX];

	snprintf(dev, sizeof(dev), "%s/device", sysdir);
	sysread(dev, "model", f->model, sizeof(f->model));
	sysread(dev, "serial", f->serial, sizeof(f->serial));
	sysread(dev, "firmware_rev", f->firmware, sizeof(f->firmware));
	f->nsid = (unsigned int)sysread_u64(sysdir, "nsid");
	f->lba_bytes = (unsigned int)sysread_u64(sysdir, "queue/logical_block_size");
	f->meta_bytes = (unsigned int)sysread_u64(sysdir, "metadata_bytes");
	f->nlba = f->lba_bytes ? sysread_u64(sysdir, "size") * 512 / f->lba_bytes : 0;
	f->source = "sysfs";
	return *f->serial && f->nsid && f->lba_bytes ? 0 : -ENODATA;
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

static int nvme_namespace(const char *sysdir, const char *name, struct idr_devid *id, char *err,
			  size_t errlen)
{
	struct nvme_facts f = { 0 };
	struct json_object *idn = identity(id);
	char folder[512];

	if (nvme_lookup_libnvme(name, &f) && nvme_lookup_sysfs(sysdir, &f)) {
		snprintf(err, errlen,
			 "%s: cannot read the NVMe namespace's identity (serial, nsid, LBA size) "
			 "from libnvme or sysfs", name);
		return -ENODATA;
	}
	set_type(id, "nvme");
	snprintf(id->key, sizeof(id->key), "nvme|%s|%s|%u|%u|%u", f.model, f.serial, f.nsid,
		 f.lba_bytes, f.meta_bytes);
	set_name(id, idr_devid_nvme_name(f.model, f.serial, f.nsid, f.lba_bytes, f.meta_bytes,
					 folder, sizeof(folder)));
	snprintf(id->description, sizeof(id->description),
		 "NVMe %s, serial %s, namespace %u, LBA format %u B + %u B", f.model, f.serial,
		 f.nsid, f.lba_bytes, f.meta_bytes);
	put_str(idn, "model", f.model);
	put_str(idn, "serial", f.serial);
	put_u64(idn, "nsid", f.nsid);
	put_u64(idn, "lba_bytes", f.lba_bytes);
	put_u64(idn, "metadata_bytes", f.meta_bytes);
	put_str(facts(id), "firmware", f.firmware);
	put_str(facts(id), "eui64", f.eui64);
	put_u64(facts(id), "lba_count", f.nlba);
	put_str(facts(id), "generic_device", f.generic);
	put_str(facts(id), "identity_source", f.source);
	return 0;
}

static int loop_device(const char *sysdir, const char *name, struct idr_devid *id, char *err,
		       size_t errlen)
{
	char back[PATH_MAX], lbs[32], folder[PATH_MAX + 64], dir[PATH_MAX];
	unsigned long long off;

	snprintf(dir, sizeof(dir), "%s/loop", sysdir);
	if (sysread(dir, "backing_file", back, sizeof(back)) || !*back) {
		snprintf(err, errlen, "/dev/%s: loop device with no backing file (not attached?)",
			 name);
		return -ENXIO;
	}
	off = sysread_u64(dir, "offset");
	sysread(sysdir, "queue/logical_block_size", lbs, sizeof(lbs));
	set_type(id, "loop");
	snprintf(id->key, sizeof(id->key), "loop|%s|%llu|%s", back, off, lbs);
	snprintf(folder, sizeof(folder), "loop-%s-lb%s", back + strspn(back, "/"), lbs);
	set_name(id, folder);
	snprintf(id->description, sizeof(id->description),
		 "loop device over %s (offset %llu, %s-byte blocks)", back, off, lbs);
	put_str(identity(id), "backing_file", back);
	put_u64(identity(id), "offset", off);
	put_str(facts(id), "direct_io", sysread(dir, "dio", lbs, sizeof(lbs)) ? "" : lbs);
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
static void bus_path(const char *sysdir, char *out, size_t len)
{
	char dev[PATH_MAX], real[PATH_MAX], *p;

	snprintf(dev, sizeof(dev), "%s/device", sysdir);
	out[0] = '\0';
	if (!realpath(dev, real))
		return;
	p = strncmp(real, "/sys/devices/", 13) ? real : real + 13;
	snprintf(out, len, "%s", p);
}

static int generic_disk(const char *sysdir, const char *name, struct idr_devid *id)
{
	char model[128] = "", serial[128] = "", wwid[160] = "", driver[PATH_MAX] = "";
	char where[PATH_MAX], size[32], folder[1024], path[PATH_MAX + 16];
	const char *what, *which;
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
	what = *model ? model : *driver ? strrchr(driver, '/') ? strrchr(driver, '/') + 1 : driver
					: name;
	bus_path(sysdir, where, sizeof(where));
	which = *serial ? serial : *wwid ? wwid : *where ? where : name;
	idr_devid_human_size(sysread_u64(sysdir, "size") * 512, size, sizeof(size));
	set_type(id, "block");
	snprintf(id->key, sizeof(id->key), "block|%s|%s|%s|%s|%s", model, serial, wwid,
		 *serial || *wwid ? "" : which, size);
	snprintf(folder, sizeof(folder), "block-%s-%s-%s", what, which, size);
	set_name(id, folder);
	snprintf(id->description, sizeof(id->description), "%s %s, %s%s, %s", "block device",
		 what, *serial ? "serial " : *wwid ? "wwid " : "at ", which, size);
	put_str(identity(id), "model", model);
	put_str(identity(id), "serial", serial);
	put_str(identity(id), "wwid", wwid);
	put_str(identity(id), "driver", what == model ? "" : what);
	if (!*serial && !*wwid)
		put_str(identity(id), "bus_path", which);
	return 0;
}

static int block_disk(const char *sysdir, const char *name, struct idr_devid *id, char *err,
		      size_t errlen)
{
	int ret;

	if (!strncmp(name, "nvme", 4))
		ret = nvme_namespace(sysdir, name, id, err, errlen);
	else if (!strncmp(name, "loop", 4))
		ret = loop_device(sysdir, name, id, err, errlen);
	else if (!strncmp(name, "dm-", 3) && !dm_device(sysdir, id))
		ret = 0;
	else
		ret = generic_disk(sysdir, name, id);
	if (!ret) {
		queue_facts(sysdir, id);
		put_str(facts(id), "kernel_name", name);
	}
	return ret;
}

/* A block device by number: a whole disk, or a partition filed under its disk. */
static int block_by_devt(dev_t rdev, struct idr_devid *id, char *err, size_t errlen)
{
	char link[64], sysdir[PATH_MAX], parent[PATH_MAX], name[NAME_MAX + 1], *slash;
	char folder[IDR_DEVID_NAME_MAX + 32];
	unsigned long long partno, start;
	int ret;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if (!realpath(link, sysdir)) {
		snprintf(err, errlen, "block device %u:%u is not in sysfs (%s)", major(rdev),
			 minor(rdev), strerror(errno));
		return -ENODEV;
	}
	snprintf(name, sizeof(name), "%s", strrchr(sysdir, '/') + 1);
	partno = sysread_u64(sysdir, "partition");
	if (!partno)
		return block_disk(sysdir, name, id, err, errlen);
	snprintf(parent, sizeof(parent), "%s", sysdir);
	slash = strrchr(parent, '/');
	*slash = '\0';
	ret = block_disk(parent, strrchr(parent, '/') + 1, id, err, errlen);
	if (ret)
		return ret;
	start = sysread_u64(sysdir, "start");
	snprintf(id->key + strlen(id->key), sizeof(id->key) - strlen(id->key), "|part%llu@%llu",
		 partno, start);
	snprintf(folder, sizeof(folder), "%s-part%llu", id->name, partno);
	set_name(id, folder);
	snprintf(id->description + strlen(id->description),
		 sizeof(id->description) - strlen(id->description), ", partition %llu", partno);
	put_u64(identity(id), "partition", partno);
	put_u64(identity(id), "partition_start_sector", start);
	put_u64(facts(id), "size_bytes", sysread_u64(sysdir, "size") * 512);
	put_str(facts(id), "kernel_name", name);
	return 0;
}

/* Is the sysfs device at dir of class cls (its subsystem link names the class)? */
static int in_class(const char *dir, const char *cls)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "%s/subsystem", dir);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	base = strrchr(target, '/');
	return !strcmp(base ? base + 1 : target, cls);
}

bool idr_devid_is_ngdev(dev_t rdev)
{
	char link[64], real[PATH_MAX];

	/* the class is not in the device's sysfs path (.../nvme0/ng0n1): its subsystem link */
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(rdev), minor(rdev));
	return realpath(link, real) && in_class(real, "nvme-generic");
}

/* /dev/ngXnY: the namespace it is a generic interface to. */
static int nvme_generic(dev_t rdev, const char *target, struct idr_devid *id, char *err,
			size_t errlen)
{
	char link[64], real[PATH_MAX], ns[NAME_MAX + 8], sysdir[PATH_MAX], *name;
	struct stat st;

	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(rdev), minor(rdev));
	if (!idr_devid_is_ngdev(rdev) || !realpath(link, real)) {
		snprintf(err, errlen,
			 "%s is a character device but not an NVMe generic device (/dev/ngXnY): "
			 "iodrill cannot tell which device it is", target);
		return -ENODEV;
	}
	name = strrchr(real, '/') + 1;
	/* the kernel numbers ngXnY like the namespace's block device nvmeXnY */
	snprintf(ns, sizeof(ns), "nvme%s", name + 2);
	snprintf(sysdir, sizeof(sysdir), SYS_BLOCK "/%s", ns);
	if (stat(sysdir, &st)) {
		snprintf(err, errlen, "%s: no block device %s for this NVMe namespace", target, ns);
		return -ENODEV;
	}
	if (!realpath(sysdir, real))
		return -errno;
	return block_disk(real, ns, id, err, errlen);
}

/* ---- files ---------------------------------------------------------------------------- */

struct mount {
	char point[PATH_MAX], fstype[64], source[PATH_MAX], options[512];
};

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)strtol((char[]){ s[1], s[2], s[3], 0 }, NULL, 8);
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* The mount holding path (device st_dev): the longest mount point that is a prefix of it. */
static int find_mount(dev_t dev, const char *path, struct mount *m)
{
	char line[8192], point[PATH_MAX], opts[512], fstype[64], source[PATH_MAX], *dash;
	unsigned int maj, min;
	size_t best = 0, n;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s %511s", &maj, &min, point, opts) != 4)
			continue;
		dash = strstr(line, " - ");
		if (!dash || sscanf(dash + 3, "%63s %4095s", fstype, source) != 2)
			continue;
		unescape(point);
		n = strlen(point);
		if (makedev(maj, min) != dev || n < best)
			continue;
		if (strcmp(point, "/") && (strncmp(path, point, n) || (path[n] && path[n] != '/')))
			continue;
		best = n;
		snprintf(m->point, sizeof(m->point), "%s", point);
		snprintf(m->fstype, sizeof(m->fstype), "%s", fstype);
		snprintf(m->source, sizeof(m->source), "%s", source);
		snprintf(m->options, sizeof(m->options), "%s", opts);
		unescape(m->source);
	}
	fclose(f);
	return best ? 0 : -ENOENT;
}

int idr_devid_fs(const char *path, char *fstype, size_t tlen, char *source, size_t slen)
{
	char real[PATH_MAX];
	struct mount m;
	struct stat st;

	if (!realpath(path, real) || stat(real, &st))
		return -errno;
	if (find_mount(st.st_dev, real, &m))
		return -ENOENT;
	snprintf(fstype, tlen, "%s", m.fstype);
	snprintf(source, slen, "%s", m.source);
	return 0;
}

/* The filesystem's UUID, when its device can be read (root, or a readable image). */
static void fs_uuid(dev_t rdev, char *out, size_t len)
{
	char dev[PATH_MAX], link[64], real[PATH_MAX];
	const char *v = NULL;
	blkid_probe pr;

	out[0] = '\0';
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if (!realpath(link, real))
		return;
	snprintf(dev, sizeof(dev), "/dev/%s", strrchr(real, '/') + 1);
	pr = blkid_new_probe_from_filename(dev);
	if (!pr)
		return;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_UUID);
	if (!blkid_do_safeprobe(pr) && !blkid_probe_lookup_value(pr, "UUID", &v, NULL) && v)
		snprintf(out, len, "%s", v);
	blkid_free_probe(pr);
}

/* The block device under a filesystem: its st_dev, or for btrfs and the like (anonymous
 * st_dev) the mount's source when that is a block device. Returns 0 or -ENODEV. */
static int backing_devt(dev_t dev, const struct mount *m, dev_t *rdev)
{
	char link[64];
	struct stat st;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (major(dev) && !access(link, F_OK)) {
		*rdev = dev;
		return 0;
	}
	if (!strncmp(m->source, "/dev/", 5) && !stat(m->source, &st) && S_ISBLK(st.st_mode)) {
		*rdev = st.st_rdev;
		return 0;
	}
	return -ENODEV;
}

static int file_on(const char *target, const struct stat *st, struct idr_devid *id, char *err,
		   size_t errlen)
{
	struct idr_devid back = { 0 };
	char real[PATH_MAX], uuid[64], folder[IDR_DEVID_NAME_MAX + 128], point[PATH_MAX];
	struct mount m;
	struct statfs sf;
	dev_t rdev;
	int ret;

	if (!realpath(target, real) || find_mount(st->st_dev, real, &m)) {
		snprintf(err, errlen, "%s: cannot find the filesystem it is on in /proc/self/mountinfo",
			 target);
		return -ENOENT;
	}
	set_type(id, "file");
	put_str(identity(id), "fstype", m.fstype);
	put_str(facts(id), "mount_point", m.point);
	put_str(facts(id), "mount_source", m.source);
	put_str(facts(id), "mount_options", m.options);
	if (!statfs(real, &sf))
		put_u64(facts(id), "fs_block_size", (unsigned long long)sf.f_bsize);
	if (backing_devt(st->st_dev, &m, &rdev)) {
		idr_devid_sanitize(strcmp(m.point, "/") ? m.point : "root", point, sizeof(point));
		snprintf(id->key, sizeof(id->key), "file|%s|%s|%s", m.fstype, m.point, m.source);
		snprintf(folder, sizeof(folder), "file-%s-%s", m.fstype, point);
		set_name(id, folder);
		snprintf(id->description, sizeof(id->description), "%s on %s (no backing device)",
			 m.fstype, m.point);
		put_str(identity(id), "mount_point", m.point);
		return 0;
	}
	back.json = json_object_new_object();
	json_object_object_add(back.json, "identity", json_object_new_object());
	json_object_object_add(back.json, "facts", json_object_new_object());
	ret = block_by_devt(rdev, &back, err, errlen);
	if (ret) {
		json_object_put(back.json);
		return ret;
	}
	fs_uuid(rdev, uuid, sizeof(uuid));
	snprintf(id->key, sizeof(id->key), "file|%s|%s|%s", m.fstype, uuid, back.key);
	snprintf(folder, sizeof(folder), "file-%s-on-%s", m.fstype, back.name);
	set_name(id, folder);
	snprintf(id->description, sizeof(id->description), "%s on %s, mounted at %s", m.fstype,
		 back.description, m.point);
	put_str(identity(id), "fs_uuid", uuid);
	json_object_object_add(identity(id), "backing_device",
			       json_object_get(json_object_object_get(back.json, "identity")));
	put_str(identity(id), "backing_device_name", back.name);
	json_object_object_add(facts(id), "backing_device",
			       json_object_get(json_object_object_get(back.json, "facts")));
	json_object_put(back.json);
	return 0;
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
	if (S_ISBLK(st.st_mode))
		return block_by_devt(st.st_rdev, id, err, errlen);
	if (S_ISCHR(st.st_mode))
		return nvme_generic(st.st_rdev, target, id, err, errlen);
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return file_on(target, &st, id, err, errlen);
	snprintf(err, errlen, "target %s is neither a file nor a block or NVMe device", target);
	return -EINVAL;
}

int idr_devid_identify(const char *target, struct idr_devid *id, char *err, size_t errlen)
{
	int ret;

	memset(id, 0, sizeof(*id));
	id->json = json_object_new_object();
	if (!id->json) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_object_object_add(id->json, "identity", json_object_new_object());
	json_object_object_add(id->json, "facts", json_object_new_object());
	ret = identify(target, id, err, errlen);
	if (!ret && finish(id)) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	if (ret)
		idr_devid_free(id);
	return ret;
}

void idr_devid_free(struct idr_devid *id)
{
	json_object_put(id->json);
	id->json = NULL;
}
