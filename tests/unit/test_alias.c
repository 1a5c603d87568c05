/*
 * test_alias.c - engines/core/alias.c: which bytes a loop device, a partition of one, a
 * stacked loop device, a block device or a regular file reaches, and which loop devices
 * the guard finds reaching the same (its aliases), on loop devices added to the sysfs
 * fixture over real files here; and what the guard says about them (guard.c: the
 * refusal, the override, the line before the first write). The guard on real loop
 * devices is tested in tests/guard/.
 *
 * The fixture's loop devices (F an 8 MiB file, H a hard link to it, G another file):
 *   loop900  F  [0, 4M)          loop901  F  [1M, 8M)        loop902  H  [4M, 8M)
 *   loop903  G  [0, 1M)          loop904  F  [0, 1M) (sizelimit)
 *   loop905  a deleted file      loop906  unbound (no loop/ folder, as the kernel has it)
 *   loop907  F  [2M, 4M), its partition loop907p1 at 1 MiB: F [3M, 4M)
 *   sdz      a plain disk of 16 MiB (a real block node's number), sdz1 its partition at
 *            1 MiB, 4 MiB long (another node's number)
 *   loop910  sdz1 from 1 MiB: sdz [2M, 3M)     loop911  sdz [0, 2M)
 *   loop912  sdz [2.5M, 3.5M)
 *   loop913  F [5M, 6M) (a node's number)      loop914  loop913 from 512 KiB: F [5.5M, 6M)
 *   loop915  over itself (a node's number): stacked without end
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "guard.h"
#include "sysfs_fixture.h"
#include "unit.h"

#define MiB (1024 * 1024ULL)

static const char *sys;
static char tmp[64], file_f[96], file_h[96], file_g[96];
static char msg[4096];

/*
 * Block device nodes, to stand for fixture devices a path must resolve to: made in the
 * fixture's folder with mknod (root; numbers no real device uses, as only stat reads
 * them), else the first ones in /dev (a fresh machine may have fewer than five there
 * before a test makes a loop device).
 */
#define NR_NODES 5
static char node[NR_NODES][280];
static dev_t node_rdev[NR_NODES];

static int make_nodes(void)
{
	struct stat st;
	int n;

	for (n = 0; n < NR_NODES; n++) {
		snprintf(node[n], sizeof(node[n]), "%s/blk%d", tmp, n);
		if (mknod(node[n], S_IFBLK | 0600, makedev(240, 200 + n)) || stat(node[n], &st) ||
		    !S_ISBLK(st.st_mode))
			return -1;
		node_rdev[n] = st.st_rdev;
	}
	return 0;
}

static int find_nodes(void)
{
	struct dirent *e;
	struct stat st;
	int n = 0;
	DIR *dp;

	if (!make_nodes())
		return 0;
	dp = opendir("/dev");
	if (!dp)
		return -1;
	while (n < NR_NODES && (e = readdir(dp))) {
		snprintf(node[n], sizeof(node[n]), "/dev/%s", e->d_name);
		if (!stat(node[n], &st) && S_ISBLK(st.st_mode))
			node_rdev[n++] = st.st_rdev;
	}
	closedir(dp);
	if (n < NR_NODES)
		fprintf(stderr,
			"test_alias: needs %d block device nodes: mknod failed (not root?) and "
			"/dev has %d\n",
			NR_NODES, n);
	return n < NR_NODES ? -1 : 0;
}

static int wr(const char *rel, const char *text)
{
	char line[4200];

	snprintf(line, sizeof(line), "%s\n", text);
	return fixture_write(sys, rel, line, strlen(line));
}

/*
 * A block device folder devices/virtual/block/<name> (or <disk>/<name> for a partition)
 * with dev, size (512 B sectors), and for a loop disk its backing file and offset.
 */
static int dev_dir(const char *name, const char *disk, dev_t devno, unsigned long long size,
		   const char *backing, unsigned long long offset, unsigned long long start)
{
	char dir[256], rel[320], val[64], link[300];
	int ret = 0;

	if (disk)
		snprintf(dir, sizeof(dir), "devices/virtual/block/%s/%s", disk, name);
	else
		snprintf(dir, sizeof(dir), "devices/virtual/block/%s", name);
#define ATTR(a, v) (snprintf(rel, sizeof(rel), "%s/%s", dir, a), wr(rel, v))
	snprintf(val, sizeof(val), "%u:%u", major(devno), minor(devno));
	ret |= ATTR("dev", val);
	snprintf(val, sizeof(val), "%llu", size);
	ret |= ATTR("size", val);
	ret |= ATTR("queue/logical_block_size", "512");
	if (backing) {
		ret |= ATTR("loop/backing_file", backing);
		snprintf(val, sizeof(val), "%llu", offset);
		ret |= ATTR("loop/offset", val);
		ret |= ATTR("loop/sizelimit", "0");
	}
	if (disk) {
		ret |= ATTR("partition", "1");
		snprintf(val, sizeof(val), "%llu", start);
		ret |= ATTR("start", val);
	}
#undef ATTR
	snprintf(rel, sizeof(rel), "class/block/%s", name);
	snprintf(link, sizeof(link), "../../%s", dir);
	ret |= fixture_link(sys, rel, link);
	snprintf(rel, sizeof(rel), "dev/block/%u:%u", major(devno), minor(devno));
	ret |= fixture_link(sys, rel, link);
	return ret;
}

static int fixture_up(void)
{
	char deleted[160];
	int fd;

	snprintf(tmp, sizeof(tmp), "/tmp/idr-alias.XXXXXX");
	if (!mkdtemp(tmp) || find_nodes())
		return 1;
	snprintf(file_f, sizeof(file_f), "%s/F", tmp);
	snprintf(file_h, sizeof(file_h), "%s/H", tmp);
	snprintf(file_g, sizeof(file_g), "%s/G", tmp);
	fd = open(file_f, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, 8 * MiB) || close(fd) || link(file_f, file_h))
		return 1;
	fd = open(file_g, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || close(fd))
		return 1;
	snprintf(deleted, sizeof(deleted), "%s/gone (deleted)", tmp);
	sys = sysfs_fixture_build();
	if (!sys)
		return 1;
	return dev_dir("loop900", NULL, makedev(7, 900), 8192, file_f, 0, 0) |
	       dev_dir("loop901", NULL, makedev(7, 901), 14336, file_f, 1 * MiB, 0) |
	       dev_dir("loop902", NULL, makedev(7, 902), 8192, file_h, 4 * MiB, 0) |
	       dev_dir("loop903", NULL, makedev(7, 903), 2048, file_g, 0, 0) |
	       dev_dir("loop904", NULL, makedev(7, 904), 2048, file_f, 0, 0) |
	       dev_dir("loop905", NULL, makedev(7, 905), 2048, deleted, 0, 0) |
	       dev_dir("loop906", NULL, makedev(7, 906), 0, NULL, 0, 0) |
	       dev_dir("loop907", NULL, makedev(7, 907), 4096, file_f, 2 * MiB, 0) |
	       dev_dir("loop907p1", "loop907", makedev(259, 907), 2048, NULL, 0, 2048) |
	       dev_dir("sdz", NULL, node_rdev[0], 32768, NULL, 0, 0) |
	       dev_dir("sdz1", "sdz", node_rdev[1], 8192, NULL, 0, 2048) |
	       dev_dir("loop910", NULL, node_rdev[4], 2048, node[1], 1 * MiB, 0) |
	       dev_dir("loop911", NULL, makedev(7, 911), 4096, node[0], 0, 0) |
	       dev_dir("loop912", NULL, makedev(7, 912), 2048, node[0], 2 * MiB + MiB / 2, 0) |
	       dev_dir("loop913", NULL, node_rdev[2], 2048, file_f, 5 * MiB, 0) |
	       dev_dir("loop914", NULL, makedev(7, 914), 1024, node[2], MiB / 2, 0) |
	       dev_dir("loop915", NULL, node_rdev[3], 1024, node[3], 0, 0);
}

static int fixture_down(void)
{
	char cmd[128];

	sysfs_fixture_remove();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) ? 1 : 0;
}

/* A report for block device name of the fixture, resolved and its aliases found. */
static void report_for(const char *name, struct idr_guard_report *r)
{
	memset(r, 0, sizeof(*r));
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(sys, name, &r->dev), 0);
	r->target = IDR_TARGET_BLOCK;
	snprintf(r->path, sizeof(r->path), "/dev/%s", name);
	idr_guard_aliases(sys, r);
}

/* The alias named name in r, or NULL. */
static const struct idr_guard_alias *alias(const struct idr_guard_report *r, const char *name)
{
	unsigned int i;

	for (i = 0; i < r->nr_alias; i++)
		if (!strcmp(r->alias[i].dev.name, name))
			return &r->alias[i];
	return NULL;
}

/* Does r have exactly the aliases in names (NULL-terminated), each with relation rel? */
static bool aliases_are(const struct idr_guard_report *r, enum idr_relation rel,
			const char *const *names)
{
	const struct idr_guard_alias *a;
	unsigned int n;

	for (n = 0; names[n]; n++) {
		a = alias(r, names[n]);
		if (!a || a->rel != rel) {
			fprintf(stderr, "test_alias: %s: %s missing or not related so\n", r->path,
				names[n]);
			return false;
		}
	}
	if (n != r->nr_alias)
		fprintf(stderr, "test_alias: %s: %u aliases, want %u\n", r->path, r->nr_alias, n);
	return n == r->nr_alias;
}

static bool span_is(const struct idr_span *s, unsigned long long start, unsigned long long end)
{
	if (s->start == start && s->end == end)
		return true;
	fprintf(stderr, "test_alias: span [%llu, %llu), want [%llu, %llu)\n",
		(unsigned long long)s->start, (unsigned long long)s->end, start, end);
	return false;
}

/* The span of the fixture's device name (which must resolve); base as idr_span_of_dev's. */
static void span_named(const char *name, struct idr_span *s, struct idr_blkdev *base)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(sys, name, &b), 0);
	CU_ASSERT_EQUAL_FATAL(idr_span_of_dev(sys, &b, s, base), 0);
}

static void sysfs_loop_facts(void)
{
	struct idr_blkdev b;

	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(sys, "loop901", &b), 0);
	CU_ASSERT_STRING_EQUAL(b.kind, "loop");
	CU_ASSERT_STRING_EQUAL(b.backing, file_f);
	CU_ASSERT_EQUAL(b.loop_offset, 1 * MiB);
	CU_ASSERT_EQUAL(b.start_bytes, 0);
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(sys, "loop907p1", &b), 0);
	CU_ASSERT_EQUAL(b.start_bytes, 1 * MiB);
	CU_ASSERT_EQUAL(b.loop_offset, 2 * MiB); /* its disk's */
	CU_ASSERT_STRING_EQUAL(b.backing, file_f);
}

static void spans(void)
{
	struct idr_span s, t, both;
	struct idr_blkdev base;
	struct stat st;

	/* A loop device at an offset; a partition of one; a plain disk's partition. */
	span_named("loop901", &s, &base);
	CU_ASSERT_FALSE(s.blk);
	CU_ASSERT_TRUE(span_is(&s, 1 * MiB, 8 * MiB));
	CU_ASSERT_STRING_EQUAL(s.obj, file_f);
	CU_ASSERT_STRING_EQUAL(base.name, ""); /* the chain ends in a file */
	CU_ASSERT_EQUAL_FATAL(stat(file_f, &st), 0);
	CU_ASSERT_EQUAL(s.dev, st.st_dev);
	CU_ASSERT_EQUAL(s.ino, st.st_ino);
	span_named("loop907p1", &t, NULL);
	CU_ASSERT_TRUE(span_is(&t, 3 * MiB, 4 * MiB));
	CU_ASSERT_TRUE(idr_span_overlap(&s, &t, &both));
	CU_ASSERT_TRUE(span_is(&both, 3 * MiB, 4 * MiB));
	span_named("sdz1", &s, &base);
	CU_ASSERT_TRUE(s.blk);
	CU_ASSERT_EQUAL(s.dev, node_rdev[0]); /* its whole disk */
	CU_ASSERT_TRUE(span_is(&s, 1 * MiB, 5 * MiB));
	CU_ASSERT_STRING_EQUAL(base.name, "sdz1");
	CU_ASSERT_STRING_EQUAL(s.obj, "/dev/sdz");
	/* Different objects never overlap, whatever the numbers. */
	CU_ASSERT_FALSE(idr_span_overlap(&s, &t, NULL));
	/* A hard link is the same file. */
	span_named("loop902", &s, NULL);
	CU_ASSERT_FALSE(idr_span_overlap(&s, &t, NULL)); /* [4M, 8M) vs [3M, 4M) */
	CU_ASSERT_EQUAL(s.ino, st.st_ino);
}

static void spans_stacked(void)
{
	struct idr_blkdev b, base;
	struct idr_span s;

	/* A loop device over a partition: the disk's bytes, the partition as the base. */
	span_named("loop910", &s, &base);
	CU_ASSERT_TRUE(s.blk);
	CU_ASSERT_TRUE(span_is(&s, 2 * MiB, 3 * MiB));
	CU_ASSERT_STRING_EQUAL(base.name, "sdz1");
	/* A loop device over a loop device over a file: the file's bytes. */
	span_named("loop914", &s, &base);
	CU_ASSERT_FALSE(s.blk);
	CU_ASSERT_TRUE(span_is(&s, 5 * MiB + MiB / 2, 6 * MiB));
	CU_ASSERT_STRING_EQUAL(base.name, "");
	/* Over itself: the depth limit, not a hang. */
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(sys, "loop915", &b), 0);
	CU_ASSERT_EQUAL(idr_span_of_dev(sys, &b, &s, NULL), -ELOOP);
	/* A deleted backing file with no device to ask; an unbound loop device. */
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(sys, "loop905", &b), 0);
	CU_ASSERT_EQUAL(idr_span_of_dev(sys, &b, &s, NULL), -ENODEV);
	/* Unbound, a loop device has no loop/ folder in sysfs: no bytes, no error. */
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(sys, "loop906", &b), 0);
	CU_ASSERT_EQUAL(idr_span_of_dev(sys, &b, &s, NULL), 0);
	CU_ASSERT_EQUAL(s.start, s.end);
}

static void loop_aliases(void)
{
	static const char *const of900[] = { "loop901", "loop904", "loop907", NULL };
	static const char *const of901[] = { "loop900", "loop902", "loop907",
					     "loop913", "loop914", NULL };
	static const char *const of907p1[] = { "loop900", "loop901", NULL };
	static const char *const of903[] = { NULL };
	struct idr_guard_report r;

	/* At an offset, at 0 with a size limit, a hard link, stacked: by file, not path. */
	report_for("loop900", &r);
	CU_ASSERT_TRUE(aliases_are(&r, IDR_REL_OVERLAPS, of900));
	CU_ASSERT_TRUE(span_is(&alias(&r, "loop901")->both, 1 * MiB, 4 * MiB));
	CU_ASSERT_TRUE(span_is(&alias(&r, "loop904")->both, 0, 1 * MiB));
	report_for("loop901", &r);
	CU_ASSERT_TRUE(aliases_are(&r, IDR_REL_OVERLAPS, of901));
	CU_ASSERT_TRUE(span_is(&alias(&r, "loop914")->both, 5 * MiB + MiB / 2, 6 * MiB));
	/* A partition of a loop device: its own bytes; its disk is not an alias. */
	report_for("loop907p1", &r);
	CU_ASSERT_TRUE(aliases_are(&r, IDR_REL_OVERLAPS, of907p1));
	/* Another file: no alias; nothing to tell either. */
	report_for("loop903", &r);
	CU_ASSERT_TRUE(aliases_are(&r, IDR_REL_OVERLAPS, of903));
	CU_ASSERT_EQUAL(r.nr_total, 0);
}

static void block_aliases(void)
{
	struct idr_guard_report r;

	/* The device under a loop device, and a loop device over the same bytes of its disk. */
	report_for("loop910", &r);
	CU_ASSERT_EQUAL(r.nr_alias, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(alias(&r, "sdz1"));
	CU_ASSERT_EQUAL(alias(&r, "sdz1")->rel, IDR_REL_UNDER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(alias(&r, "loop912"));
	CU_ASSERT_EQUAL(alias(&r, "loop912")->rel, IDR_REL_OVERLAPS);
	CU_ASSERT_TRUE(span_is(&alias(&r, "loop912")->both, 2 * MiB + MiB / 2, 3 * MiB));
	CU_ASSERT_PTR_NULL(alias(&r, "loop911")); /* [0, 2M): next to it, not over it */
	/* A plain disk: every loop device over its bytes, through any of its partitions. */
	report_for("sdz", &r);
	CU_ASSERT_EQUAL(r.nr_alias, 3);
	CU_ASSERT_PTR_NOT_NULL(alias(&r, "loop910"));
	CU_ASSERT_PTR_NOT_NULL(alias(&r, "loop911"));
	CU_ASSERT_PTR_NOT_NULL(alias(&r, "loop912"));
	report_for("sdz1", &r);
	CU_ASSERT_EQUAL(r.nr_alias, 3);
	/* The fixture's NVMe namespace: no loop device over it. */
	report_for("nvme0n1", &r);
	CU_ASSERT_EQUAL(r.nr_alias, 0);
	CU_ASSERT_EQUAL(r.nr_total, 0);
}

static void unresolvable_targets(void)
{
	struct idr_guard_report r;

	/*
	 * A loop device whose backing cannot be found: unchecked, so refused. (Looking: its
	 * node is not in /dev, so only what needs no open is looked at.)
	 */
	report_for("loop905", &r);
	CU_ASSERT_EQUAL(r.nr_alias, 0);
	CU_ASSERT_EQUAL(r.span_err, -ENODEV);
	CU_ASSERT_EQUAL(r.nr_total, 0);
	idr_guard_inspect(&r, IDR_GUARD_LOOK, 1, NULL);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, NULL, msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "loop905 could not be checked (No such device: cannot "
					   "tell which file its loop device writes into)"));
	report_for("loop915", &r);
	CU_ASSERT_EQUAL(r.span_err, -ELOOP);
	idr_guard_inspect(&r, IDR_GUARD_LOOK, 1, NULL);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, NULL, msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Too many levels of symbolic links"));
	/* An unbound one reaches nothing: nothing to say. */
	report_for("loop906", &r);
	CU_ASSERT_EQUAL(r.span_err, 0);
	idr_guard_inspect(&r, IDR_GUARD_LOOK, 1, NULL);
	CU_ASSERT_EQUAL(r.nr_total, 0);
}

static void file_targets(void)
{
	static const char *const ofF[] = { "loop900", "loop901", "loop902", "loop904",
					   "loop907", "loop913", "loop914", NULL };
	static const char *const ofG[] = { "loop903", NULL };
	struct idr_guard_report r;
	char other[128];
	int fd;

	CU_ASSERT_EQUAL(idr_guard_resolve(sys, file_f, &r), 0);
	CU_ASSERT_EQUAL(r.target, IDR_TARGET_FILE);
	CU_ASSERT_TRUE(aliases_are(&r, IDR_REL_BACKS, ofF));
	CU_ASSERT_TRUE(span_is(&alias(&r, "loop907")->both, 2 * MiB, 4 * MiB));
	/* Through the hard link: the same file. */
	CU_ASSERT_EQUAL(idr_guard_resolve(sys, file_h, &r), 0);
	CU_ASSERT_TRUE(aliases_are(&r, IDR_REL_BACKS, ofF));
	CU_ASSERT_EQUAL(idr_guard_resolve(sys, file_g, &r), 0);
	CU_ASSERT_TRUE(aliases_are(&r, IDR_REL_BACKS, ofG));
	/* A file no loop device is over stays unguarded, and costs no finding. */
	snprintf(other, sizeof(other), "%s/other", tmp);
	fd = open(other, O_RDWR | O_CREAT, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(idr_guard_resolve(sys, other, &r), 0);
	CU_ASSERT_EQUAL(r.target, IDR_TARGET_UNGUARDED);
	CU_ASSERT_EQUAL(r.nr_alias, 0);
	CU_ASSERT_EQUAL(r.nr_total, 0);
	/* No sysfs at all (some containers): a file is written unchecked, as before. */
	CU_ASSERT_EQUAL(idr_guard_resolve("/nonexistent", file_f, &r), 0);
	CU_ASSERT_EQUAL(r.target, IDR_TARGET_UNGUARDED);
	CU_ASSERT_EQUAL(r.nr_total, 0);
}

/* Add a finding on alias name of r (as found through it: on the alias itself). */
static void found_on(struct idr_guard_report *r, const char *name, enum idr_found kind,
		     const char *what, const char *where, long long offset)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(alias(r, name));
	idr_guard_add(r, kind, name, what, where, offset);
	r->found[r->nr - 1].via = (unsigned int)(alias(r, name) - r->alias) + 1;
}

/* r is refused, with errno err and the whole message printf(fmt, ...). */
static void __attribute__((format(printf, 3, 4)))
refused_as(const struct idr_guard_report *r, int err, const char *fmt, ...)
{
	char want[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	CU_ASSERT_EQUAL(idr_guard_decide(r, NULL, msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_STRING_EQUAL(msg, want);
	CU_ASSERT_EQUAL(idr_guard_errno(r), err);
}

static void refusal_names_both(void)
{
	struct idr_guard_report r;

	report_for("loop901", &r);
	found_on(&r, "loop900", IDR_FOUND_MOUNT, "ext4", "/mnt/a", -1);
	found_on(&r, "loop900", IDR_FOUND_SIGNATURE, "ext4", NULL, 1080);
	refused_as(&r, EBUSY,
		   "refusing to write to /dev/loop901: it overlaps /dev/loop900 (both reach bytes "
		   "1048576-4194303 of %s): loop900 is mounted on /mnt/a (ext4); ext4 signature "
		   "on loop900 at offset 1080. Nothing was written. To destroy what is on "
		   "/dev/loop900, add allow_overwrite=/dev/loop900 to the job (it names that "
		   "device only).",
		   file_f);
	/* Naming the target is not naming what would be destroyed. */
	CU_ASSERT_EQUAL(idr_guard_decide(&r, node[0], msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "does not name /dev/loop900."));
}

static void refusal_of_a_file(void)
{
	struct idr_guard_report r;
	char want[1024];

	CU_ASSERT_EQUAL_FATAL(idr_guard_resolve(sys, file_g, &r), 0);
	found_on(&r, "loop903", IDR_FOUND_SIGNATURE, "ext4", NULL, 1080);
	refused_as(&r, EPERM,
		   "refusing to write to %s: it backs /dev/loop903 (bytes 0-1048575 of %s): ext4 "
		   "signature on loop903 at offset 1080. Nothing was written. To destroy what is "
		   "on /dev/loop903, add allow_overwrite=/dev/loop903 to the job (it names that "
		   "device only).",
		   file_g, file_g);
	/* Described by what it backs. */
	idr_guard_describe(&r, want, sizeof(want));
	CU_ASSERT_PTR_NOT_NULL(strstr(want, "(a regular file backing /dev/loop903)"));
}

/* Overrides name every device something was found on: the target, each alias. */
static void override_each(void)
{
	struct idr_guard_report r;
	char both[600];

	report_for("loop910", &r); /* its number is node[4]'s; sdz1 under it, node[1]'s */
	found_on(&r, "sdz1", IDR_FOUND_MOUNT, "xfs", "/data", -1);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, NULL, msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "it writes into /dev/sdz1 (bytes 2097152-3145727 of "
					   "/dev/sdz): sdz1 is mounted on /data (xfs)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "add allow_overwrite=/dev/sdz1 to the job"));
	/* The mount is not on the target: fio's own name check will not see it. */
	CU_ASSERT_PTR_NULL(strstr(msg, "allow_mounted_write"));
	CU_ASSERT_EQUAL(idr_guard_decide(&r, node[1], msg, sizeof(msg)), IDR_WRITE_OVERRIDDEN);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "overwriting /dev/loop910 as allow_overwrite="));
	/* Something on the target too: both must be named. */
	idr_guard_add(&r, IDR_FOUND_SIGNATURE, "loop910", "ext4", NULL, 1080);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, node[1], msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "does not name each of them."));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "To destroy what is on them, add "
					   "allow_overwrite=/dev/loop910:/dev/sdz1 to the job (it "
					   "names these devices only)."));
	CU_ASSERT_EQUAL(idr_guard_decide(&r, node[4], msg, sizeof(msg)), IDR_WRITE_REFUSED);
	snprintf(both, sizeof(both), "%s:%s", node[1], node[4]);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, both, msg, sizeof(msg)), IDR_WRITE_OVERRIDDEN);
}

static void announcements(void)
{
	struct idr_guard_report r;
	char line[2048];

	report_for("loop900", &r);
	idr_guard_announce(&r, IDR_WRITE_OK, "", line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "writing to /dev/loop900 (loop over "));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "4.00 MiB, 512 B blocks): no filesystem, partition "
					    "table, mount or holder on it or on "));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "/dev/loop904 (overlapping it)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "/dev/loop901 (overlapping it)"));
	CU_ASSERT_EQUAL_FATAL(idr_guard_resolve(sys, file_g, &r), 0);
	idr_guard_announce(&r, IDR_WRITE_OK, "", line, sizeof(line));
	snprintf(msg, sizeof(msg),
		 "writing to %s (a regular file backing /dev/loop903): no filesystem, partition "
		 "table, mount or holder on /dev/loop903 (backed by it)",
		 file_g);
	CU_ASSERT_STRING_EQUAL(line, msg);
	idr_guard_announce(&r, IDR_WRITE_OVERRIDDEN, "overwriting X", line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(line, "(a regular file backing /dev/loop903); overwriting X"));
	/* No alias: the line it always was. */
	report_for("nvme0n1", &r);
	idr_guard_announce(&r, IDR_WRITE_OK, "", line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "writing to /dev/nvme0n1 (nvme, model QEMU NVMe Ctrl, serial "
				     "IDRSER01, nsid 1, 1.00 GiB, 4096 B blocks): no filesystem, "
				     "partition table, mount or holder on it");
}

static CU_TestInfo alias_tests[] = {
	{ "idr_blkdev_read/loop offset, backing file, partition start", sysfs_loop_facts },
	{ "idr_span_of_dev/loop at an offset, its partition, a disk's partition, a hard link",
	  spans },
	{ "idr_span_of_dev/over a partition, stacked, over itself, deleted, unbound",
	  spans_stacked },
	{ "idr_guard_aliases/loop devices over the same file: overlapping ranges only",
	  loop_aliases },
	{ "idr_guard_aliases/the device under a loop device; loop devices over a disk",
	  block_aliases },
	{ "idr_guard_aliases/a loop device whose backing cannot be told: unchecked",
	  unresolvable_targets },
	{ "idr_guard_resolve/a regular file backing loop devices, a hard link, no sysfs",
	  file_targets },
	{ "idr_guard_decide/the alias refused: both devices, the mount, the value",
	  refusal_names_both },
	{ "idr_guard_decide/a file backing a loop device with a filesystem", refusal_of_a_file },
	{ "idr_guard_decide/the override names each device found holding something",
	  override_each },
	{ "idr_guard_announce/aliases named, files described, the plain line kept", announcements },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/alias.c", alias_tests, fixture_up, fixture_down },
	{ NULL, NULL, NULL, NULL },
};
