/*
 * scan.c - every block device of the machine from sysfs, its partitions, the NVMe
 * controller facts sysfs has, and the write guard's look (see devices.h). Needs no
 * privilege; what needs root (signatures, Identify) is marked as missing, not dropped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "devices.h"

void idr_env_read(struct idr_env *env)
{
	unsigned long long eff = 0;
	struct utsname u;
	char line[256];
	FILE *fp;

	memset(env, 0, sizeof(*env));
	env->root = geteuid() == 0;
	if (!uname(&u))
		sscanf(u.release, "%u.%u", &env->kernel_major, &env->kernel_minor);
	fp = fopen("/proc/self/status", "re");
	while (fp && fgets(line, sizeof(line), fp))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (fp)
		fclose(fp);
	env->cap_sys_admin = (eff >> 21) & 1; /* CAP_SYS_ADMIN is bit 21 */
}

/* ---- NVMe facts from sysfs -------------------------------------------------------- */

/* The subsystem that lists controller ctrl (sys/class/nvme-subsystem/<s>/<ctrl>). */
static void find_subsys(const char *sys, const char *ctrl, char *buf, size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *e;
	DIR *dp;

	buf[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/class/nvme-subsystem", sys);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/%s", dir, e->d_name, ctrl) <
			    (int)sizeof(path) &&
		    !access(path, F_OK)) {
			idr_strcpy(buf, len, e->d_name);
			break;
		}
	}
	closedir(dp);
}

/* The first controller (lowest nvmeN) of subsystem subsys: a multipath namespace's path. */
static void first_ctrl(const char *sys, const char *subsys, char *buf, size_t len)
{
	unsigned int best = ~0u, n;
	char dir[PATH_MAX], tail;
	struct dirent *e;
	DIR *dp;

	buf[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/class/nvme-subsystem/%s", sys, subsys);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((e = readdir(dp)))
		if (sscanf(e->d_name, "nvme%u%c", &n, &tail) == 1 && n < best) {
			best = n;
			idr_strcpy(buf, len, e->d_name);
		}
	closedir(dp);
}

/* What sysfs says of d's controller, and whether its /dev/ngXnY is there and openable. */
static void nvme_sysfs(const char *sys, struct idr_dev *d)
{
	struct idr_nvme *nv = &d->nvme;
	char dir[PATH_MAX], buf[32], node[IDR_DEVNAME_MAX + 8];
	struct stat st;
	int fd;

	if (!strncmp(d->blk.ctrl, "nvme-subsys", 11)) {
		idr_strcpy(nv->subsys, sizeof(nv->subsys), d->blk.ctrl);
		first_ctrl(sys, nv->subsys, nv->ctrl, sizeof(nv->ctrl));
	} else {
		idr_strcpy(nv->ctrl, sizeof(nv->ctrl), d->blk.ctrl);
		find_subsys(sys, nv->ctrl, nv->subsys, sizeof(nv->subsys));
	}
	nv->numa_node = -1;
	nv->queue_count = -1;
	if (*nv->ctrl) {
		snprintf(dir, sizeof(dir), "%s/class/nvme/%s", sys, nv->ctrl);
		/* A generic device alone has no disk to carry these. */
		if (!*d->blk.serial)
			idr_sysfs_read(dir, "serial", d->blk.serial, sizeof(d->blk.serial));
		if (!*d->blk.model)
			idr_sysfs_read(dir, "model", d->blk.model, sizeof(d->blk.model));
		if (!*d->blk.firmware)
			idr_sysfs_read(dir, "firmware_rev", d->blk.firmware,
				       sizeof(d->blk.firmware));
		idr_sysfs_read(dir, "transport", nv->transport, sizeof(nv->transport));
		idr_sysfs_read(dir, "address", nv->address, sizeof(nv->address));
		idr_sysfs_read(dir, "state", nv->state, sizeof(nv->state));
		if (idr_sysfs_read(dir, "numa_node", buf, sizeof(buf)) > 0)
			nv->numa_node = atoi(buf);
		if (idr_sysfs_read(dir, "queue_count", buf, sizeof(buf)) > 0)
			nv->queue_count = atoi(buf);
	}
	snprintf(nv->why_not, sizeof(nv->why_not), "not asked");
	/* The format in use as the block layer has it, until Identify says better. */
	nv->lba_bytes = d->blk.lbsize;
	snprintf(dir, sizeof(dir), "%s/class/block/%s", sys, d->blk.name);
	if (*d->blk.name && idr_sysfs_read(dir, "metadata_bytes", buf, sizeof(buf)) > 0)
		nv->meta_bytes = (unsigned int)strtoul(buf, NULL, 10);
	if (!*d->blk.ng)
		return;
	snprintf(node, sizeof(node), "/dev/%s", d->blk.ng);
	nv->ng_node = !stat(node, &st) && S_ISCHR(st.st_mode) && st.st_rdev == d->blk.ng_devno;
	if (!nv->ng_node)
		return;
	fd = open(node, O_RDONLY | O_CLOEXEC);
	nv->ng_open_err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
}

/* ---- the list ------------------------------------------------------------------------ */

static struct idr_dev *list_add(struct idr_devlist *l, unsigned int *cap)
{
	struct idr_dev *v;

	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		v = realloc(l->v, *cap * sizeof(*v));
		if (!v)
			return NULL;
		l->v = v;
	}
	v = &l->v[l->n++];
	memset(v, 0, sizeof(*v));
	v->parent = -1;
	return v;
}

/* Hidden disks (the per-path nvmeXcYnZ of a multipath namespace) are not for users. */
static bool hidden(const char *sys, const char *name)
{
	char dir[PATH_MAX], buf[8];

	snprintf(dir, sizeof(dir), "%s/class/block/%s", sys, name);
	return idr_sysfs_read(dir, "hidden", buf, sizeof(buf)) > 0 && buf[0] == '1';
}

/* Every whole disk under sys/class/block. Returns 0 or -errno. */
static int add_disks(const struct idr_scan_opts *o, struct idr_devlist *l, unsigned int *cap)
{
	char dir[PATH_MAX];
	struct idr_blkdev b;
	struct idr_dev *d;
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/class/block", o->sys);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((e = readdir(dp))) {
		/* An NVMe namespace of size 0 is real: its format is one the block layer lacks. */
		if (e->d_name[0] == '.' || idr_blkdev_by_name(o->sys, e->d_name, &b) || b.partno ||
		    (!b.size_bytes && !o->all && strcmp(b.kind, "nvme")) ||
		    hidden(o->sys, e->d_name))
			continue;
		d = list_add(l, cap);
		if (!d) {
			closedir(dp);
			return -ENOMEM;
		}
		d->blk = b;
		d->is_nvme = !strcmp(b.kind, "nvme");
	}
	closedir(dp);
	return 0;
}

/* Every NVMe generic device whose namespace has no block device. Returns 0 or -ENOMEM. */
static int add_lone_ngs(const struct idr_scan_opts *o, struct idr_devlist *l, unsigned int *cap)
{
	char dir[PATH_MAX], sub[PATH_MAX], buf[32];
	unsigned int i, maj, min, n0 = l->n;
	struct idr_blkdev b;
	struct idr_dev *d;
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/class/nvme-generic", o->sys);
	dp = opendir(dir);
	if (!dp)
		return 0;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.' || idr_path_join(sub, sizeof(sub), dir, e->d_name) ||
		    idr_sysfs_read(sub, "dev", buf, sizeof(buf)) <= 0 ||
		    sscanf(buf, "%u:%u", &maj, &min) != 2)
			continue;
		for (i = 0; i < n0 && strcmp(l->v[i].blk.ng, e->d_name); i++)
			;
		if (i < n0)
			continue;
		d = list_add(l, cap);
		if (!d) {
			closedir(dp);
			return -ENOMEM;
		}
		d->is_nvme = true;
		idr_strcpy(d->blk.ng, sizeof(d->blk.ng), e->d_name);
		d->blk.ng_devno = makedev(maj, min);
		idr_strcpy(d->blk.kind, sizeof(d->blk.kind), "nvme");
		/* Its controller: the one it hangs off (also that of a disk not listed). */
		idr_ng_block(o->sys, d->blk.ng_devno, &b);
		idr_strcpy(d->blk.ctrl, sizeof(d->blk.ctrl), b.ctrl);
	}
	closedir(dp);
	return 0;
}

/* ---- order ---------------------------------------------------------------------------- */

/* Names in natural order: loop2 before loop10, nvme0n2 before nvme0n10. */
static int natcmp(const char *a, const char *b)
{
	unsigned long x, y;
	char *ea, *eb;

	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			x = strtoul(a, &ea, 10);
			y = strtoul(b, &eb, 10);
			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int kind_rank(const char *kind)
{
	static const char *const order[] = { "nvme", "virtio", "scsi", "md", "dm", "loop", "zram" };
	unsigned int i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (!strcmp(kind, order[i]))
			return (int)i;
	return (int)i;
}

static const char *dev_name(const struct idr_dev *d)
{
	return *d->blk.name ? d->blk.name : d->blk.ng;
}

static int dev_cmp(const void *pa, const void *pb)
{
	const struct idr_dev *a = pa, *b = pb;
	int ra = kind_rank(a->blk.kind), rb = kind_rank(b->blk.kind);

	if (ra != rb)
		return ra - rb;
	/* Namespaces with a block device before generic devices alone. */
	if (!*a->blk.name != !*b->blk.name)
		return *a->blk.name ? -1 : 1;
	return natcmp(dev_name(a), dev_name(b));
}

static int part_cmp(const void *pa, const void *pb)
{
	const struct idr_blkdev *a = pa, *b = pb;

	return (int)a->partno - (int)b->partno;
}

/*
 * Rebuild l with each whole disk followed by its partitions (by number).
 * Returns 0 or -ENOMEM.
 */
static int add_partitions(const struct idr_scan_opts *o, struct idr_devlist *l)
{
	struct idr_blkdev *parts = calloc(IDR_GUARD_MAX_PARTS, sizeof(*parts));
	struct idr_devlist out = { 0 };
	unsigned int cap = 0, i;
	struct idr_dev *d;
	int nr, j, disk;

	if (!parts)
		return -ENOMEM;
	for (i = 0; i < l->n; i++) {
		d = list_add(&out, &cap);
		if (!d)
			goto err;
		*d = l->v[i];
		disk = (int)out.n - 1;
		if (!*l->v[i].blk.name)
			continue;
		nr = idr_blkdev_partitions(o->sys, &l->v[i].blk, parts, IDR_GUARD_MAX_PARTS);
		nr = nr > IDR_GUARD_MAX_PARTS ? IDR_GUARD_MAX_PARTS : nr;
		if (nr > 0)
			qsort(parts, (size_t)nr, sizeof(*parts), part_cmp);
		for (j = 0; j < nr; j++) {
			d = list_add(&out, &cap);
			if (!d)
				goto err;
			d->blk = parts[j];
			d->is_nvme = l->v[i].is_nvme;
			d->parent = disk;
		}
	}
	free(parts);
	free(l->v);
	l->v = out.v;
	l->n = out.n;
	return 0;
err:
	free(parts);
	free(out.v);
	return -ENOMEM;
}

/* ---- safety --------------------------------------------------------------------------- */

/*
 * The guard's look at d (no O_EXCL, nothing held): mounts, holders, signatures of its
 * block device (an ng's namespace disk) and of the devices reaching the same bytes (loop
 * devices over the same file: its aliases, from sysfs root sys), recorded under the name
 * the user gave (path).
 */
static void look(const char *sys, struct idr_dev *d, const char *path)
{
	struct idr_guard_report *r = &d->safety;
	char ng[IDR_DEVNAME_MAX + 8];

	memset(r, 0, sizeof(*r));
	r->dev = d->blk;
	if (*d->blk.name) {
		r->target = IDR_TARGET_BLOCK;
		idr_strcpy(r->path, sizeof(r->path), d->blk.path);
	} else {
		r->target = IDR_TARGET_NG_NODISK;
		snprintf(ng, sizeof(ng), "/dev/%s", d->blk.ng);
		idr_strcpy(r->path, sizeof(r->path), ng);
	}
	if (r->target == IDR_TARGET_BLOCK)
		idr_guard_aliases(sys, r);
	d->probe_err = idr_guard_inspect(r, IDR_GUARD_LOOK, 0, NULL);
	d->checked = true;
	if (path)
		idr_strcpy(r->path, sizeof(r->path), path);
}

int idr_devices_scan(const struct idr_scan_opts *o, struct idr_devlist *l)
{
	unsigned int cap = 0, i;
	int ret;

	memset(l, 0, sizeof(*l));
	idr_env_read(&l->env);
	ret = add_disks(o, l, &cap);
	if (!ret)
		ret = add_lone_ngs(o, l, &cap);
	if (ret)
		goto err;
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), dev_cmp);
	ret = add_partitions(o, l);
	if (ret)
		goto err;
	for (i = 0; i < l->n; i++) {
		if (l->v[i].is_nvme && !l->v[i].blk.partno) {
			nvme_sysfs(o->sys, &l->v[i]);
			l->nr_nvme++;
		}
	}
	if (o->nvme)
		l->nvme_err = idr_nvme_fill(l);
	if (!l->nr_nvme && !l->nvme_err) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s/class/nvme", o->sys);
		if (access(dir, F_OK))
			l->nvme_err = -ENOENT;
	}
	for (i = 0; o->safety && i < l->n; i++)
		look(o->sys, &l->v[i], NULL);
	return 0;
err:
	idr_devices_free(l);
	return ret;
}

void idr_devices_free(struct idr_devlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * d from what the guard resolved (r: a block device, or an ng with or without its disk),
 * as o asks. Returns 0, or -ENOTBLK when r is no device.
 */
static int identify_resolved(const struct idr_scan_opts *o, const struct idr_guard_report *r,
			     struct idr_dev *d)
{
	if (r->target == IDR_TARGET_UNGUARDED || r->target == IDR_TARGET_FILE)
		return -ENOTBLK;
	d->blk = r->dev;
	d->is_nvme = !strcmp(r->dev.kind, "nvme") || r->target == IDR_TARGET_NG_NODISK;
	if (d->is_nvme && !d->blk.partno) {
		nvme_sysfs(o->sys, d);
		if (o->nvme)
			idr_nvme_identify_one(d);
	}
	if (o->safety) {
		look(o->sys, d, r->path);
	} else {
		d->safety.dev = d->blk;
		idr_strcpy(d->safety.path, sizeof(d->safety.path), r->path);
	}
	d->safety.target = r->target;
	return 0;
}

int idr_device_identify(const struct idr_scan_opts *o, const char *path, struct idr_dev *d)
{
	struct idr_guard_report *r;
	struct stat st;
	int ret;

	memset(d, 0, sizeof(*d));
	d->parent = -1;
	if (stat(path, &st))
		return -errno;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	ret = idr_guard_resolve(o->sys, path, r);
	if (!ret)
		ret = identify_resolved(o, r, d);
	free(r);
	return ret;
}

int idr_device_by_devno(const struct idr_scan_opts *o, dev_t devno, struct idr_dev *d)
{
	struct idr_guard_report *r;
	int ret;

	memset(d, 0, sizeof(*d));
	d->parent = -1;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	ret = idr_blkdev_by_devno(o->sys, devno, &r->dev);
	if (!ret) {
		r->target = IDR_TARGET_BLOCK;
		idr_strcpy(r->path, sizeof(r->path), r->dev.path);
		ret = identify_resolved(o, r, d);
	}
	free(r);
	return ret;
}

char *idr_dev_node(const struct idr_dev *d, bool generic, char *out, size_t len)
{
	const char *name = generic ? d->blk.ng : d->blk.name;
	dev_t devno = generic ? d->blk.ng_devno : d->blk.devno;
	struct stat st;

	out[0] = '\0';
	/* A partition's generic device would be its whole namespace's. */
	if (!*name || (generic && (!d->is_nvme || d->blk.partno)))
		return out;
	snprintf(out, len, "/dev/%s", name);
	if (stat(out, &st) || st.st_rdev != devno ||
	    (generic ? !S_ISCHR(st.st_mode) : !S_ISBLK(st.st_mode)))
		out[0] = '\0';
	return out;
}
