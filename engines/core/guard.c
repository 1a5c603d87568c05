/*
 * guard.c - the destructive-write guard (see guard.h).
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
#include <unistd.h>

#include <blkid.h>

#include "guard.h"

/*
 * Jobs of one fio run that write the same device share its O_EXCL claim: the first
 * holds it and marks it with an OFD read lock on one byte at this offset plus the run's
 * id (locks on a device node touch no data; udev and mkfs use flock(), a separate kind).
 */
#define SIBLING_LOCK_BASE (1LL << 40)
#define SIBLING_TRIES 20

/* Record finding f as found on alias via (0: the target). */
static void add_via(struct idr_guard_report *r, const struct idr_finding *f, unsigned int via)
{
	struct idr_finding *n;
	unsigned int i;

	/* GPT has a primary and a backup header: one finding per kind, device and type. */
	for (i = 0; i < r->nr; i++)
		if (r->found[i].kind == f->kind && r->found[i].via == via &&
		    !strcmp(r->found[i].dev, f->dev) && !strcmp(r->found[i].what, f->what) &&
		    !strcmp(r->found[i].where, f->where))
			return;
	r->nr_total++;
	if (r->nr >= IDR_GUARD_MAX_FINDINGS)
		return;
	n = &r->found[r->nr++];
	*n = *f;
	n->via = via;
}

void idr_guard_add(struct idr_guard_report *r, enum idr_found kind, const char *dev,
		   const char *what, const char *where, long long offset)
{
	struct idr_finding f = { .kind = kind, .offset = offset };

	idr_strcpy(f.dev, sizeof(f.dev), dev);
	idr_strcpy(f.what, sizeof(f.what), what ? what : "");
	idr_strcpy(f.where, sizeof(f.where), where ? where : "");
	add_via(r, &f, 0);
}

int idr_guard_resolve(const char *sys, const char *path, struct idr_guard_report *r)
{
	struct stat st;
	int ret;

	memset(r, 0, sizeof(*r));
	idr_strcpy(r->path, sizeof(r->path), path);
	r->target = IDR_TARGET_UNGUARDED;
	if (stat(path, &st))
		return 0;
	if (S_ISBLK(st.st_mode)) {
		if (idr_blkdev_by_devno(sys, st.st_rdev, &r->dev))
			return -ENODEV;
		r->target = IDR_TARGET_BLOCK;
	} else if (S_ISCHR(st.st_mode)) {
		ret = idr_ng_block(sys, st.st_rdev, &r->dev);
		if (ret == 0)
			r->target = IDR_TARGET_NG;
		else if (ret == -ENODEV)
			r->target = IDR_TARGET_NG_NODISK;
	} else if (S_ISREG(st.st_mode)) {
		r->target = IDR_TARGET_FILE;
		idr_span_of_file(path, &st, &r->span);
	}
	/* A regular file that backs no loop device is written unchecked. */
	if (r->target != IDR_TARGET_UNGUARDED && r->target != IDR_TARGET_NG_NODISK &&
	    !idr_guard_aliases(sys, r) && r->target == IDR_TARGET_FILE)
		r->target = IDR_TARGET_UNGUARDED;
	return 0;
}

/* ---- the sibling mark ------------------------------------------------------------ */

static void sibling_lock_at(struct flock *l, short type, unsigned long run_id)
{
	memset(l, 0, sizeof(*l));
	l->l_type = type;
	l->l_whence = SEEK_SET;
	l->l_start = SIBLING_LOCK_BASE + (long long)run_id;
	l->l_len = 1;
}

/* Mark fd's device as claimed by run run_id. Returns 0 or -errno. */
static int sibling_mark(int fd, unsigned long run_id)
{
	struct flock l;

	sibling_lock_at(&l, F_RDLCK, run_id);
	return fcntl(fd, F_OFD_SETLK, &l) ? -errno : 0;
}

/* Has another open file of run run_id marked fd's device? */
static bool sibling_holds(int fd, unsigned long run_id)
{
	struct flock l;

	sibling_lock_at(&l, F_WRLCK, run_id);
	if (fcntl(fd, F_OFD_GETLK, &l))
		return false;
	return l.l_type != F_UNLCK;
}

/* ---- mounts and swaps, by device number ------------------------------------------- */

/* Undo the octal escapes (\040 for a space) of mountinfo and /proc/swaps, in place. */
static void unescape(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
		    in[3] >= '0' && in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/* Index of devno in devs[0..n), or -1. */
static int dev_index(dev_t devno, const dev_t *devs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (devs[i] == devno)
			return (int)i;
	return -1;
}

/* Index in devs of the block device node at path, or -1 (not a node, or not ours). */
static int node_index(const char *path, const dev_t *devs, unsigned int n)
{
	struct stat st;

	if (path[0] != '/' || stat(path, &st) || !S_ISBLK(st.st_mode))
		return -1;
	return dev_index(st.st_rdev, devs, n);
}

int idr_mountinfo_parse(const char *line, struct idr_mountinfo *m)
{
	unsigned int maj, min;
	const char *sep;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%*s %*s %u:%u %*s %4095s %511s", &maj, &min, m->point, m->options) < 3)
		return -EINVAL;
	m->devno = makedev(maj, min);
	sep = strstr(line, " - ");
	if (sep && sscanf(sep + 3, "%63s %4095s", m->fstype, m->source) < 1)
		m->fstype[0] = '\0';
	unescape(m->point);
	unescape(m->source);
	return 0;
}

/* One mountinfo line: a finding when it mounts one of devs (by number, or by source node). */
static void scan_mount_line(struct idr_guard_report *r, const char *line, const dev_t *devs,
			    const char *const *names, unsigned int n)
{
	struct idr_mountinfo m;
	int i;

	if (idr_mountinfo_parse(line, &m))
		return;
	i = dev_index(m.devno, devs, n);
	if (i < 0)
		i = node_index(m.source, devs, n);
	if (i >= 0)
		idr_guard_add(r, IDR_FOUND_MOUNT, names[i], m.fstype, m.point, -1);
}

int idr_guard_scan_mounts(struct idr_guard_report *r, const char *mountinfo, const dev_t *devs,
			  const char *const *names, unsigned int n)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;

	fp = fopen(mountinfo, "re");
	if (!fp)
		return -errno;
	while (getline(&line, &cap, fp) > 0)
		scan_mount_line(r, line, devs, names, n);
	free(line);
	fclose(fp);
	return 0;
}

int idr_guard_scan_swaps(struct idr_guard_report *r, const char *swaps, const dev_t *devs,
			 const char *const *names, unsigned int n)
{
	char *line = NULL, file[4096];
	size_t cap = 0;
	FILE *fp;
	int i;

	fp = fopen(swaps, "re");
	if (!fp)
		return -errno;
	while (getline(&line, &cap, fp) > 0) {
		if (sscanf(line, "%4095s", file) != 1 || file[0] != '/')
			continue; /* the header line */
		unescape(file);
		i = node_index(file, devs, n);
		if (i >= 0)
			idr_guard_add(r, IDR_FOUND_SWAP, names[i], "swap", file, -1);
	}
	free(line);
	fclose(fp);
	return 0;
}

/* ---- holders and signatures ------------------------------------------------------- */

static void scan_holders(struct idr_guard_report *r, const char *sys, dev_t devno, const char *name)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/dev/block/%u:%u/holders", sys, major(devno), minor(devno));
	dp = opendir(dir);
	if (!dp)
		return;
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.')
			idr_guard_add(r, IDR_FOUND_HOLDER, name, e->d_name, NULL, -1);
	closedir(dp);
}

static long long probe_offset(blkid_probe pr, const char *key)
{
	const char *v;

	return blkid_probe_lookup_value(pr, key, &v, NULL) ? -1 : strtoll(v, NULL, 10);
}

int idr_guard_probe_fd(struct idr_guard_report *r, int fd, const char *name)
{
	const char *type;
	blkid_probe pr;
	int ret;

	pr = blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0)) {
		blkid_free_probe(pr);
		return -EIO;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_TYPE |
						      BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT);
	while ((ret = blkid_do_probe(pr)) == 0) {
		if (!blkid_probe_lookup_value(pr, "TYPE", &type, NULL))
			idr_guard_add(r, IDR_FOUND_SIGNATURE, name, type, NULL,
				      probe_offset(pr, "SBMAGIC_OFFSET"));
		else if (!blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL))
			idr_guard_add(r, IDR_FOUND_PTABLE, name, type, NULL,
				      probe_offset(pr, "PTMAGIC_OFFSET"));
	}
	blkid_free_probe(pr);
	return ret < 0 ? -EIO : 0;
}

/* Probe a partition through its own node; one that cannot be read is not "clean". */
static void probe_partition(struct idr_guard_report *r, const struct idr_blkdev *p)
{
	struct stat st;
	int fd, ret;

	fd = open(p->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		idr_guard_add(r, IDR_FOUND_UNCHECKED, p->name, strerror(errno), p->path, -1);
		return;
	}
	if (fstat(fd, &st) || !S_ISBLK(st.st_mode) || st.st_rdev != p->devno)
		idr_guard_add(r, IDR_FOUND_UNCHECKED, p->name, "not the partition's device node",
			      p->path, -1);
	else if (p->size_bytes && (ret = idr_guard_probe_fd(r, fd, p->name)))
		idr_guard_add(r, IDR_FOUND_UNCHECKED, p->name, strerror(-ret), "libblkid", -1);
	close(fd);
}

/* ---- inspect ---------------------------------------------------------------------- */

/*
 * Open the device to check. LOOK: plainly. PROBE and HOLD: with O_EXCL; HOLD marks the
 * claim for the run's other jobs at once. On EBUSY, another job of this run may have
 * just claimed it and not marked it yet: look for the mark a few times (5 ms apart),
 * retrying the claim, before calling the device busy. Returns the fd or -errno.
 */
static int open_checked(struct idr_guard_report *r, const char *node, enum idr_guard_mode mode,
			unsigned long run_id, bool *exclusive)
{
	int fd, tries;

	*exclusive = false;
	if (mode == IDR_GUARD_LOOK)
		return (fd = open(node, O_RDONLY | O_CLOEXEC)) < 0 ? -errno : fd;
	for (tries = 0;; tries++) {
		fd = open(node, O_RDONLY | O_EXCL | O_CLOEXEC);
		if (fd >= 0) {
			*exclusive = true;
			r->busy = false;
			if (mode == IDR_GUARD_HOLD)
				sibling_mark(fd, run_id);
			return fd;
		}
		if (errno != EBUSY)
			return -errno;
		fd = open(node, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		r->busy = true;
		r->sibling = sibling_holds(fd, run_id);
		if (r->sibling || tries == SIBLING_TRIES)
			return fd;
		close(fd);
		usleep(5000);
	}
}

/* The device and, for a whole disk, its partitions: what the checks run over. */
struct dev_set {
	unsigned int n;
	dev_t devs[IDR_GUARD_MAX_PARTS + 1];
	const char *names[IDR_GUARD_MAX_PARTS + 1];
	struct idr_blkdev *parts; /* devs[i] is parts[i - 1] for i > 0 */
};

/* Fill set for r's device. Returns 0 or -ENOMEM. */
static int dev_set_fill(struct idr_guard_report *r, struct dev_set *set)
{
	int nr, i;

	set->n = 1;
	set->devs[0] = r->dev.devno;
	set->names[0] = r->dev.name;
	set->parts = NULL;
	if (r->dev.partno)
		return 0;
	set->parts = calloc(IDR_GUARD_MAX_PARTS, sizeof(*set->parts));
	if (!set->parts)
		return -ENOMEM;
	nr = idr_blkdev_partitions(IDR_SYSFS, &r->dev, set->parts, IDR_GUARD_MAX_PARTS);
	if (nr > IDR_GUARD_MAX_PARTS) {
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->dev.name, "more than 64 partitions", NULL,
			      -1);
		nr = IDR_GUARD_MAX_PARTS;
	}
	for (i = 0; i < nr; i++, set->n++) {
		set->devs[set->n] = set->parts[i].devno;
		set->names[set->n] = set->parts[i].name;
	}
	return 0;
}

/* What uses the devices: mounts, swap, holders. Needs no privilege. */
static void scan_usage(struct idr_guard_report *r, const struct dev_set *set)
{
	unsigned int i;

	if (idr_guard_scan_mounts(r, "/proc/self/mountinfo", set->devs, set->names, set->n))
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->dev.name, "cannot read mounts",
			      "/proc/self/mountinfo", -1);
	idr_guard_scan_swaps(r, "/proc/swaps", set->devs, set->names, set->n);
	for (i = 0; i < set->n; i++)
		scan_holders(r, IDR_SYSFS, set->devs[i], set->names[i]);
}

/* What is written on them: signatures on the device (open at fd) and each partition. */
static void scan_contents(struct idr_guard_report *r, const struct dev_set *set, int fd)
{
	unsigned int i;
	int ret;

	if (r->dev.size_bytes && (ret = idr_guard_probe_fd(r, fd, r->dev.name)))
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->dev.name, strerror(-ret), "libblkid", -1);
	for (i = 1; i < set->n; i++)
		probe_partition(r, &set->parts[i - 1]);
}

static bool found_kind(const struct idr_guard_report *r, enum idr_found kind)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (r->found[i].kind == kind)
			return true;
	return false;
}

/* The target's own checks (see idr_guard_inspect). */
static int inspect_target(struct idr_guard_report *r, enum idr_guard_mode mode,
			  unsigned long run_id, int *hold_fd)
{
	const char *node = r->target == IDR_TARGET_NG ? r->dev.path : r->path;
	struct dev_set set;
	bool exclusive;
	struct stat st;
	int fd, ret = 0;

	if (r->target == IDR_TARGET_NG_NODISK) {
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->dev.ng,
			      "its namespace has no block device to check", NULL, -1);
		return 0;
	}
	/*
	 * An NVMe namespace whose LBA format the block layer cannot carry (extended LBA,
	 * some metadata formats) shows as a disk of size 0: nothing on it can be read here.
	 */
	if (!r->dev.size_bytes && !strcmp(r->dev.kind, "nvme"))
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->dev.name,
			      "size 0 in the block layer: LBA format not supported there", NULL,
			      -1);
	fd = open_checked(r, node, mode, run_id, &exclusive);
	/* Looking without permission to open: what uses it is still worth telling. */
	if (fd < 0 && mode != IDR_GUARD_LOOK)
		return fd;
	if (dev_set_fill(r, &set)) {
		ret = -ENOMEM;
		goto out_close;
	}
	scan_usage(r, &set);
	if (fd < 0) {
		ret = fd;
		goto out_free;
	}
	/* The node must still be the device sysfs described (renamed, or a stale node?). */
	if (fstat(fd, &st) || !S_ISBLK(st.st_mode) || st.st_rdev != r->dev.devno)
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->dev.name, "not its device node", node, -1);
	else
		scan_contents(r, &set, fd);
	if (r->busy && !r->sibling && !found_kind(r, IDR_FOUND_MOUNT) &&
	    !found_kind(r, IDR_FOUND_SWAP) && !found_kind(r, IDR_FOUND_HOLDER))
		idr_guard_add(r, IDR_FOUND_BUSY, r->dev.name, NULL, NULL, -1);
	if (mode == IDR_GUARD_HOLD && exclusive && hold_fd) {
		*hold_fd = fd;
		fd = -1;
	}
out_free:
	free(set.parts);
out_close:
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * Check each alias as a block device of its own, its findings marked with via. Its O_EXCL
 * is probed, not held: the target's claim is what keeps the job's own device; an alias
 * another job of this run holds is found by the sibling mark like the target. An alias
 * that cannot be opened is unchecked, except when only looking without the privilege to
 * read it: that is returned (-EACCES), as for the target's own signatures. Returns 0 or
 * -EACCES.
 */
static int inspect_aliases(struct idr_guard_report *r, enum idr_guard_mode mode,
			   unsigned long run_id)
{
	struct idr_guard_report *sub;
	unsigned int i, k;
	int ret, denied = 0;

	if (!r->nr_alias)
		return 0;
	sub = malloc(sizeof(*sub));
	if (!sub) {
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->alias[0].dev.name, "out of memory", NULL,
			      -1);
		return 0;
	}
	for (i = 0; i < r->nr_alias; i++) {
		struct idr_finding f = { .kind = IDR_FOUND_UNCHECKED, .offset = -1 };

		memset(sub, 0, sizeof(*sub));
		sub->target = IDR_TARGET_BLOCK;
		sub->dev = r->alias[i].dev;
		idr_strcpy(sub->path, sizeof(sub->path), sub->dev.path);
		ret = inspect_target(sub, mode == IDR_GUARD_HOLD ? IDR_GUARD_PROBE : mode, run_id,
				     NULL);
		if (mode == IDR_GUARD_LOOK && (ret == -EACCES || ret == -EPERM)) {
			denied = -EACCES;
		} else if (ret) {
			idr_strcpy(f.dev, sizeof(f.dev), sub->dev.name);
			idr_strcpy(f.what, sizeof(f.what), strerror(-ret));
			snprintf(f.where, sizeof(f.where), "cannot open %s to read it",
				 sub->dev.path);
			add_via(r, &f, i + 1);
		}
		for (k = 0; k < sub->nr; k++)
			add_via(r, &sub->found[k], i + 1);
		r->nr_total += sub->nr_total - sub->nr;
	}
	free(sub);
	return denied;
}

int idr_guard_inspect(struct idr_guard_report *r, enum idr_guard_mode mode, unsigned long run_id,
		      int *hold_fd)
{
	int ret = 0, ret2;

	if (hold_fd)
		*hold_fd = -1;
	if (r->target == IDR_TARGET_UNGUARDED)
		return 0;
	if (r->target != IDR_TARGET_FILE)
		ret = inspect_target(r, mode, run_id, hold_fd);
	/* Nothing is held after a failure: the caller refuses (looking goes on). */
	if (ret && mode != IDR_GUARD_LOOK)
		return ret;
	/*
	 * What a loop device writes into, not known: refused as unchecked; but looking as a
	 * user who may not read its backing file, "needs root", as for its signatures.
	 */
	if (r->span_err == -EACCES && mode == IDR_GUARD_LOOK)
		ret = ret ?: r->span_err;
	else if (r->span_err)
		idr_guard_add(r, IDR_FOUND_UNCHECKED, r->dev.name, strerror(-r->span_err),
			      "cannot tell which file its loop device writes into", -1);
	ret2 = inspect_aliases(r, mode, run_id);
	return ret ?: ret2;
}

/* ---- the verdict ------------------------------------------------------------------ */

/* Does one override token name device d (nodisk: an ng alone, named by its char device)? */
static bool token_names(const struct idr_blkdev *d, bool nodisk, const char *tok)
{
	struct stat st;

	if (tok[0] == '/') {
		if (stat(tok, &st))
			return false;
		if (S_ISBLK(st.st_mode))
			return !nodisk && (st.st_rdev == d->devno || st.st_rdev == d->disk_devno);
		return S_ISCHR(st.st_mode) && d->ng_devno && st.st_rdev == d->ng_devno;
	}
	return (*d->serial && !strcmp(tok, d->serial)) || (*d->wwid && !strcmp(tok, d->wwid));
}

/* Does some token of allow name d? */
static bool allow_names(const struct idr_blkdev *d, bool nodisk, const char *allow)
{
	char buf[4096], *tok, *save = NULL;

	if (!allow || !*allow)
		return false;
	idr_strcpy(buf, sizeof(buf), allow);
	for (tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
		if (token_names(d, nodisk, tok))
			return true;
	return false;
}

bool idr_guard_override_names(const struct idr_guard_report *r, const char *allow)
{
	return allow_names(&r->dev, r->target == IDR_TARGET_NG_NODISK, allow);
}

/* Is tok the serial or WWID of some block device under sys/class/block? */
static bool known_id(const char *sys, const char *tok)
{
	char dir[PATH_MAX];
	struct idr_blkdev b;
	struct dirent *e;
	bool found = false;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/class/block", sys);
	dp = opendir(dir);
	if (!dp)
		return false;
	while (!found && (e = readdir(dp))) {
		if (e->d_name[0] == '.' || idr_blkdev_by_name(sys, e->d_name, &b))
			continue;
		found = (*b.serial && !strcmp(b.serial, tok)) || (*b.wwid && !strcmp(b.wwid, tok));
	}
	closedir(dp);
	return found;
}

int idr_guard_override_check(const char *sys, const char *allow, char *msg, size_t len)
{
	char buf[4096], *tok, *save = NULL;
	struct stat st;

	idr_strcpy(buf, sizeof(buf), allow);
	for (tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (tok[0] == '/' ? !stat(tok, &st) && (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode))
				  : known_id(sys, tok))
			continue;
		snprintf(msg, len,
			 "%s=%s: '%s' names no device here. Give the serial or the path (any "
			 "alias) of the one device to overwrite, as the guard's refusal prints "
			 "it; nothing else (no yes or 1) overrides the guard.",
			 IDR_GUARD_OPTION, allow, tok);
		return -ENODEV;
	}
	return 0;
}

int idr_guard_errno(const struct idr_guard_report *r)
{
	return found_kind(r, IDR_FOUND_MOUNT) || found_kind(r, IDR_FOUND_SWAP) ||
			       found_kind(r, IDR_FOUND_HOLDER) || found_kind(r, IDR_FOUND_BUSY)
		       ? EBUSY
		       : EPERM;
}

/* One finding in words. */
static void finding_str(const struct idr_finding *f, char *buf, size_t len)
{
	switch (f->kind) {
	case IDR_FOUND_MOUNT:
		snprintf(buf, len, "%s is mounted on %s%s%s%s", f->dev, f->where,
			 *f->what ? " (" : "", f->what, *f->what ? ")" : "");
		break;
	case IDR_FOUND_SWAP:
		snprintf(buf, len, "%s is in use as swap", f->dev);
		break;
	case IDR_FOUND_HOLDER:
		snprintf(buf, len, "%s is held by %s (LVM, dm or md on top of it)", f->dev,
			 f->what);
		break;
	case IDR_FOUND_BUSY:
		snprintf(buf, len, "%s is in exclusive use by another program (O_EXCL: busy)",
			 f->dev);
		break;
	case IDR_FOUND_SIGNATURE:
		snprintf(buf, len, "%s signature on %s at offset %lld", f->what, f->dev, f->offset);
		break;
	case IDR_FOUND_PTABLE:
		snprintf(buf, len, "%s partition table on %s at offset %lld", f->what, f->dev,
			 f->offset);
		break;
	case IDR_FOUND_UNCHECKED:
	default:
		snprintf(buf, len, "%s could not be checked (%s%s%s)", f->dev, f->what,
			 *f->where ? ": " : "", f->where);
		break;
	}
}

/* "bytes 1048576-2097151 of /s/a.img" for span s. */
static void bytes_str(const struct idr_span *s, char *buf, size_t len)
{
	if (s->end == IDR_SPAN_END)
		snprintf(buf, len, "bytes %llu to the end of %s", (unsigned long long)s->start,
			 s->obj);
	else
		snprintf(buf, len, "bytes %llu-%llu of %s", (unsigned long long)s->start,
			 (unsigned long long)s->end - 1, s->obj);
}

char *idr_guard_relation(const struct idr_guard_report *r, const struct idr_guard_alias *a,
			 char *buf, size_t len)
{
	char bytes[384];

	(void)r;
	bytes_str(&a->both, bytes, sizeof(bytes));
	switch (a->rel) {
	case IDR_REL_BACKS:
		snprintf(buf, len, "it backs %s (%s)", a->dev.path, bytes);
		break;
	case IDR_REL_OVERLAPS:
		snprintf(buf, len, "it overlaps %s (both reach %s)", a->dev.path, bytes);
		break;
	case IDR_REL_UNDER:
	default:
		snprintf(buf, len, "it writes into %s (%s)", a->dev.path, bytes);
		break;
	}
	return buf;
}

char *idr_guard_findings_str(const struct idr_guard_report *r, char *buf, size_t len)
{
	char one[512], lead[768];
	const struct idr_finding *f;
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < r->nr && used < len; i++) {
		f = &r->found[i];
		finding_str(f, one, sizeof(one));
		lead[0] = '\0';
		/* Findings on an alias follow each other: say once how it is reached. */
		if (f->via && f->via <= r->nr_alias && (!i || r->found[i - 1].via != f->via)) {
			idr_guard_relation(r, &r->alias[f->via - 1], lead, sizeof(lead) - 2);
			strcat(lead, ": ");
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s", i ? "; " : "", lead,
					 one);
	}
	if (r->nr_total > r->nr && used < len)
		snprintf(buf + used, len - used, "; and %u more", r->nr_total - r->nr);
	return buf;
}

/* The override value to print for device d: its serial if any, else its path. */
static const char *suggest_dev(const struct idr_blkdev *d)
{
	if (*d->serial && !strchr(d->serial, ':') && !strchr(d->serial, ' '))
		return d->serial;
	return d->path;
}

const char *idr_guard_suggest(const struct idr_guard_report *r)
{
	if (r->target == IDR_TARGET_NG_NODISK)
		return r->path;
	return suggest_dev(&r->dev);
}

/* What something was found on: bit 0 the target, bit i alias i - 1. */
static unsigned int found_on(const struct idr_guard_report *r)
{
	unsigned int i, on = 0;

	for (i = 0; i < r->nr; i++)
		on |= 1u << r->found[i].via;
	return on;
}

/* Does allow name every device in on? */
static bool allow_names_all(const struct idr_guard_report *r, unsigned int on, const char *allow)
{
	unsigned int i;

	if ((on & 1) && !idr_guard_override_names(r, allow))
		return false;
	for (i = 0; i < r->nr_alias; i++)
		if ((on & (2u << i)) && !allow_names(&r->alias[i].dev, false, allow))
			return false;
	return true;
}

/* The override value naming every device in on, ':'-separated, into buf. Returns buf. */
static char *suggest_all(const struct idr_guard_report *r, unsigned int on, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	if (on & 1)
		used = (size_t)snprintf(buf, len, "%s", idr_guard_suggest(r));
	for (i = 0; i < r->nr_alias && used < len; i++)
		if (on & (2u << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ":" : "",
						 suggest_dev(&r->alias[i].dev));
	return buf;
}

/* Was a mount found on the target itself (then fio's own name check sees it too)? */
static bool target_mounted(const struct idr_guard_report *r)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (r->found[i].kind == IDR_FOUND_MOUNT && !r->found[i].via)
			return true;
	return false;
}

/* "/dev/alias" -> " (/dev/loop3)"; "/dev/ng0n1" -> " (namespace /dev/nvme0n1)". */
static void via_str(const struct idr_guard_report *r, char *buf, size_t len)
{
	buf[0] = '\0';
	if (r->target == IDR_TARGET_NG)
		snprintf(buf, len, " (namespace %s)", r->dev.path);
	else if (r->target == IDR_TARGET_BLOCK && strcmp(r->path, r->dev.path))
		snprintf(buf, len, " (%s)", r->dev.path);
}

/* The devices of on, for the refusal: what is destroyed, and what the value names. */
static void subject_words(const struct idr_guard_report *r, unsigned int on, const char **what,
			  const char **names)
{
	if (on == 1) {
		*what = "it";
		*names = "this device";
	} else if (!(on & (on - 1))) {
		*what = r->alias[__builtin_ctz(on) - 1].dev.path;
		*names = "that device";
	} else {
		*what = "them";
		*names = "these devices";
	}
}

enum idr_verdict idr_guard_decide(const struct idr_guard_report *r, const char *allow, char *msg,
				  size_t len)
{
	char found[2048], via[128], alt[160] = "", mismatch[256] = "", value[640];
	unsigned int on = found_on(r);
	const char *what, *names;

	msg[0] = '\0';
	if (!r->nr_total)
		return IDR_WRITE_OK;
	idr_guard_findings_str(r, found, sizeof(found));
	via_str(r, via, sizeof(via));
	if (allow_names_all(r, on, allow)) {
		snprintf(msg, len, "overwriting %s%s as %s=%s asks: %s", r->path, via,
			 IDR_GUARD_OPTION, allow, found);
		return IDR_WRITE_OVERRIDDEN;
	}
	subject_words(r, on, &what, &names);
	if (allow && *allow)
		snprintf(mismatch, sizeof(mismatch), " %s=%s does not name %s.", IDR_GUARD_OPTION,
			 allow,
			 on == 1	 ? names
			 : on & (on - 1) ? "each of them"
					 : what);
	suggest_all(r, on, value, sizeof(value));
	if (on == 1 && strcmp(value, r->dev.path) && r->target != IDR_TARGET_NG_NODISK)
		snprintf(alt, sizeof(alt), "; %s=%s works too", IDR_GUARD_OPTION, r->dev.path);
	snprintf(msg, len,
		 "refusing to write to %s%s: %s. Nothing was written.%s To destroy what is on %s, "
		 "add %s=%s to the job (it names %s only%s)%s",
		 r->path, via, found, mismatch, what, IDR_GUARD_OPTION, value, names, alt,
		 target_mounted(r) ? "; a mounted device also needs fio's allow_mounted_write=1."
				   : ".");
	return IDR_WRITE_REFUSED;
}

/* The regular file target: "/s/a.img (a regular file backing /dev/loop0, /dev/loop1)". */
static void describe_file(const struct idr_guard_report *r, char *buf, size_t len)
{
	size_t used;
	unsigned int i;

	used = (size_t)snprintf(buf, len, "%s (a regular file backing", r->path);
	for (i = 0; i < r->nr_alias && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s %s", i ? "," : "",
					 r->alias[i].dev.path);
	if (used < len)
		snprintf(buf + used, len - used, ")");
}

char *idr_guard_describe(const struct idr_guard_report *r, char *buf, size_t len)
{
	const struct idr_blkdev *d = &r->dev;
	char size[32], via[128], nsid[24] = "";
	char model[96] = "", serial[96] = "", backing[300] = "";

	if (r->target == IDR_TARGET_FILE) {
		describe_file(r, buf, len);
		return buf;
	}
	if (r->target == IDR_TARGET_NG_NODISK) {
		snprintf(buf, len, "%s (NVMe generic device %s, no block device)", r->path, d->ng);
		return buf;
	}
	via_str(r, via, sizeof(via));
	if (*d->model)
		snprintf(model, sizeof(model), ", model %s", d->model);
	if (*d->serial)
		snprintf(serial, sizeof(serial), ", serial %s", d->serial);
	if (d->nsid)
		snprintf(nsid, sizeof(nsid), ", nsid %u", d->nsid);
	if (*d->backing)
		snprintf(backing, sizeof(backing), " over %s", d->backing);
	snprintf(buf, len, "%s%s (%s%s%s%s%s, %s, %u B blocks)", r->path, via, d->kind, backing,
		 model, serial, nsid, idr_size_str(d->size_bytes, size, sizeof(size)), d->lbsize);
	return buf;
}

char *idr_guard_announce(const struct idr_guard_report *r, enum idr_verdict v, const char *msg,
			 char *buf, size_t len)
{
	static const char *const rel[] = {
		[IDR_REL_BACKS] = "backed by it",
		[IDR_REL_OVERLAPS] = "overlapping it",
		[IDR_REL_UNDER] = "under it",
	};
	char what[1024], on[1024];
	size_t used = 0;
	unsigned int i;

	idr_guard_describe(r, what, sizeof(what));
	if (v == IDR_WRITE_OVERRIDDEN) {
		snprintf(buf, len, "writing to %s; %s", what, msg);
		return buf;
	}
	on[0] = '\0';
	if (r->target != IDR_TARGET_FILE)
		used = (size_t)snprintf(on, sizeof(on), "it");
	for (i = 0; i < r->nr_alias && used < sizeof(on); i++)
		used += (size_t)snprintf(on + used, sizeof(on) - used, "%s%s (%s)",
					 used ? " or on " : "", r->alias[i].dev.path,
					 rel[r->alias[i].rel]);
	snprintf(buf, len, "writing to %s: no filesystem, partition table, mount or holder on %s",
		 what, on);
	return buf;
}
