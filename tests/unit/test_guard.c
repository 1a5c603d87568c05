/*
 * test_guard.c - engines/core/guard.c: the write guard's policy on built reports (what is
 * refused, what overrides it, what the user is told), its mount and swap scanners on
 * fixture files, libblkid on crafted images, and allow_overwrite's up-front check on the
 * sysfs fixture. The guard on real devices is tested in tests/guard/.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "guard.h"
#include "sysfs_fixture.h"
#include "unit.h"

static const char *sys;
static char tmp[64];
static char blk_node[128]; /* a block device node: made with mknod, or found in /dev */
static dev_t blk_rdev;
static char msg[4096];

/* A block device node to name in overrides and mount sources: mknod one, or find one. */
static int find_block_node(void)
{
	struct stat st;
	char path[128];
	int i;

	snprintf(blk_node, sizeof(blk_node), "%s/blk node", tmp);
	if (!mknod(blk_node, S_IFBLK | 0600, makedev(7, 250)) && !stat(blk_node, &st)) {
		blk_rdev = st.st_rdev;
		return 0;
	}
	for (i = 0; i < 256; i++) {
		snprintf(path, sizeof(path), "/dev/loop%d", i);
		if (!stat(path, &st) && S_ISBLK(st.st_mode)) {
			snprintf(blk_node, sizeof(blk_node), "%s", path);
			blk_rdev = st.st_rdev;
			return 0;
		}
	}
	return -1;
}

static int fixture_up(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/idr-guard.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	sys = sysfs_fixture_build();
	return !sys || find_block_node();
}

static int fixture_down(void)
{
	char cmd[128];

	sysfs_fixture_remove();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) ? 1 : 0;
}

/* A report for loop3 (no serial), named through an alias. */
static void loop_report(struct idr_guard_report *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "/dev/disk/by-id/alias");
	r->target = IDR_TARGET_BLOCK;
	snprintf(r->dev.name, sizeof(r->dev.name), "loop3");
	snprintf(r->dev.path, sizeof(r->dev.path), "/dev/loop3");
	snprintf(r->dev.kind, sizeof(r->dev.kind), "loop");
	r->dev.devno = r->dev.disk_devno = blk_rdev;
	r->dev.size_bytes = 40 << 20;
	r->dev.lbsize = 512;
}

/* The fixture's NVMe namespace, named through its generic char device. */
static void nvme_report(struct idr_guard_report *r)
{
	memset(r, 0, sizeof(*r));
	CU_ASSERT_EQUAL_FATAL(idr_blkdev_by_name(sys, "nvme0n1", &r->dev), 0);
	snprintf(r->path, sizeof(r->path), "/dev/ng0n1");
	r->target = IDR_TARGET_NG;
}

static void nothing_found_allowed(void)
{
	struct idr_guard_report r;

	loop_report(&r);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, NULL, msg, sizeof(msg)), IDR_WRITE_OK);
	CU_ASSERT_STRING_EQUAL(msg, "");
	CU_ASSERT_EQUAL(idr_guard_decide(&r, "IDRSER01", msg, sizeof(msg)), IDR_WRITE_OK);
}

static void signature_refused(void)
{
	struct idr_guard_report r;

	loop_report(&r);
	idr_guard_add(&r, IDR_FOUND_SIGNATURE, "loop3", "ext4", NULL, 1080);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, NULL, msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(msg, "refusing to write to /dev/disk/by-id/alias (/dev/loop3)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "ext4 signature on loop3 at offset 1080"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Nothing was written"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "add allow_overwrite=/dev/loop3 to the job"));
	CU_ASSERT_PTR_NULL(strstr(msg, "allow_mounted_write"));
	CU_ASSERT_EQUAL(idr_guard_errno(&r), EPERM);
}

static void mounted_partition_refused(void)
{
	struct idr_guard_report r;

	loop_report(&r);
	idr_guard_add(&r, IDR_FOUND_PTABLE, "loop3", "gpt", NULL, 512);
	idr_guard_add(&r, IDR_FOUND_MOUNT, "loop3p1", "ext4", "/mnt/a b", -1);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, "", msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "gpt partition table on loop3 at offset 512"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "loop3p1 is mounted on /mnt/a b (ext4)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "allow_mounted_write=1"));
	CU_ASSERT_PTR_NULL(strstr(msg, "does not name"));
	CU_ASSERT_EQUAL(idr_guard_errno(&r), EBUSY);
}

static void override_by_serial_and_wwid(void)
{
	struct idr_guard_report r;

	nvme_report(&r);
	idr_guard_add(&r, IDR_FOUND_SIGNATURE, "nvme0n1", "xfs", NULL, 0);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, NULL, msg, sizeof(msg)), IDR_WRITE_REFUSED);
	/* The suggestion is the serial, the path an alternative. */
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "add allow_overwrite=IDRSER01 to the job"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "allow_overwrite=/dev/nvme0n1 works too"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/dev/ng0n1 (namespace /dev/nvme0n1)"));
	CU_ASSERT_EQUAL(idr_guard_decide(&r, "IDRSER01", msg, sizeof(msg)), IDR_WRITE_OVERRIDDEN);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "overwriting /dev/ng0n1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "xfs signature on nvme0n1"));
	CU_ASSERT_EQUAL(idr_guard_decide(&r, "eui.00000000000000aa", msg, sizeof(msg)),
			IDR_WRITE_OVERRIDDEN);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, "OTHER:IDRSER01", msg, sizeof(msg)),
			IDR_WRITE_OVERRIDDEN);
}

static void blanket_values_name_nothing(void)
{
	static const char *const blanket[] = { "yes",	  "1",	       "all",	    "true",
					       "IDRSER0", "IDRSER012", "/dev/null", "/nonexistent",
					       ":",	  "*" };
	struct idr_guard_report r;
	size_t i;

	nvme_report(&r);
	r.target = IDR_TARGET_BLOCK;
	r.dev.ng_devno = 0;
	idr_guard_add(&r, IDR_FOUND_SIGNATURE, "nvme0n1", "ext4", NULL, 1080);
	for (i = 0; i < sizeof(blanket) / sizeof(blanket[0]); i++) {
		CU_ASSERT_EQUAL(idr_guard_decide(&r, blanket[i], msg, sizeof(msg)),
				IDR_WRITE_REFUSED);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, "does not name this device"));
	}
}

static void override_by_path(void)
{
	struct idr_guard_report r;
	char alias[160];

	loop_report(&r);
	idr_guard_add(&r, IDR_FOUND_SIGNATURE, "loop3", "ext4", NULL, 1080);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, blk_node, msg, sizeof(msg)), IDR_WRITE_OVERRIDDEN);
	/* Any alias of the node names the same device. */
	snprintf(alias, sizeof(alias), "%s/alias", tmp);
	CU_ASSERT_EQUAL_FATAL(symlink(blk_node, alias), 0);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, alias, msg, sizeof(msg)), IDR_WRITE_OVERRIDDEN);
	unlink(alias);
	/* A partition target: naming its whole disk covers it. */
	r.dev.devno = makedev(7, 251);
	r.dev.partno = 1;
	CU_ASSERT_EQUAL(idr_guard_decide(&r, blk_node, msg, sizeof(msg)), IDR_WRITE_OVERRIDDEN);
	/* ...but naming another device does not. */
	r.dev.disk_devno = makedev(7, 252);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, blk_node, msg, sizeof(msg)), IDR_WRITE_REFUSED);
}

static void override_by_ng_path(void)
{
	struct idr_guard_report r;
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(stat("/dev/null", &st), 0);
	nvme_report(&r);
	r.dev.ng_devno = st.st_rdev; /* stands in for /dev/ng0n1 */
	idr_guard_add(&r, IDR_FOUND_MOUNT, "nvme0n1p1", "ext4", "/mnt", -1);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, "/dev/null", msg, sizeof(msg)), IDR_WRITE_OVERRIDDEN);
	r.dev.ng_devno = 0;
	CU_ASSERT_EQUAL(idr_guard_decide(&r, "/dev/null", msg, sizeof(msg)), IDR_WRITE_REFUSED);
}

static void ng_without_disk_refused(void)
{
	struct idr_guard_report r;

	memset(&r, 0, sizeof(r));
	snprintf(r.path, sizeof(r.path), "/dev/ng0n2");
	snprintf(r.dev.ng, sizeof(r.dev.ng), "ng0n2");
	r.target = IDR_TARGET_NG_NODISK;
	CU_ASSERT_EQUAL(idr_guard_inspect(&r, IDR_GUARD_HOLD, 1, NULL), 0);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, NULL, msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(msg, "ng0n2 could not be checked (its namespace has no block"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "add allow_overwrite=/dev/ng0n2 to the job"));
	CU_ASSERT_EQUAL(idr_guard_errno(&r), EPERM);
}

static void nvme_of_size_zero_unchecked(void)
{
	struct idr_guard_report r;

	/* An extended-LBA namespace: the block layer shows it with size 0. */
	nvme_report(&r);
	r.dev.size_bytes = 0;
	snprintf(r.path, sizeof(r.path), "/nonexistent/ng0n4");
	r.target = IDR_TARGET_BLOCK;
	idr_guard_inspect(&r, IDR_GUARD_LOOK, 1, NULL);
	CU_ASSERT_EQUAL(idr_guard_decide(&r, NULL, msg, sizeof(msg)), IDR_WRITE_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(msg, "nvme0n1 could not be checked (size 0 in the block layer"));
	/* A loop device of size 0 is just empty. */
	loop_report(&r);
	r.dev.size_bytes = 0;
	snprintf(r.path, sizeof(r.path), "/nonexistent/loop3");
	idr_guard_inspect(&r, IDR_GUARD_LOOK, 1, NULL);
	CU_ASSERT_EQUAL(r.nr_total, 0);
}

static void findings_dedupe_and_overflow(void)
{
	struct idr_guard_report r;
	char what[16], line[8192];
	int i;

	loop_report(&r);
	idr_guard_add(&r, IDR_FOUND_PTABLE, "loop3", "gpt", NULL, 512);
	idr_guard_add(&r, IDR_FOUND_PTABLE, "loop3", "gpt", NULL, 41942528); /* backup */
	CU_ASSERT_EQUAL(r.nr, 1);
	CU_ASSERT_EQUAL(r.nr_total, 1);
	for (i = 0; i < 20; i++) {
		snprintf(what, sizeof(what), "fs%d", i);
		idr_guard_add(&r, IDR_FOUND_SIGNATURE, "loop3", what, NULL, i);
	}
	CU_ASSERT_EQUAL(r.nr, IDR_GUARD_MAX_FINDINGS);
	CU_ASSERT_EQUAL(r.nr_total, 21);
	idr_guard_findings_str(&r, line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "; and 5 more"));
	/* A long list is cut, not overrun. */
	idr_guard_findings_str(&r, line, 40);
	CU_ASSERT_EQUAL(strlen(line), 39);
}

static void scan_mounts_by_number_and_source(void)
{
	struct idr_guard_report r;
	char path[128], text[1024];
	dev_t devs[] = { makedev(259, 0), makedev(259, 1), blk_rdev };
	const char *names[] = { "nvme0n1", "nvme0n1p1", "blk" };
	char esc[256], *o;
	const char *s;

	/* mountinfo escapes spaces as \040: the node "blk node" as a btrfs source. */
	for (s = blk_node, o = esc; *s; s++)
		o += *s == ' ' ? sprintf(o, "\\040") : sprintf(o, "%c", *s);
	snprintf(text, sizeof(text),
		 "22 1 0:21 / /proc rw - proc proc rw\n"
		 "36 25 259:1 / /mnt/a\\040b rw,relatime shared:1 - ext4 /dev/nvme0n1p1 rw\n"
		 "37 25 0:45 / /mnt/btrfs rw - btrfs %s rw\n"
		 "38 25 8:0 / /other rw - ext4 /dev/sda rw\n"
		 "garbage\n\n",
		 esc);
	snprintf(path, sizeof(path), "%s/mountinfo", tmp);
	CU_ASSERT_EQUAL_FATAL(fixture_write(tmp, "mountinfo", text, strlen(text)), 0);
	loop_report(&r);
	CU_ASSERT_EQUAL(idr_guard_scan_mounts(&r, path, devs, names, 3), 0);
	CU_ASSERT_EQUAL_FATAL(r.nr, 2);
	CU_ASSERT_EQUAL(r.found[0].kind, IDR_FOUND_MOUNT);
	CU_ASSERT_STRING_EQUAL(r.found[0].dev, "nvme0n1p1");
	CU_ASSERT_STRING_EQUAL(r.found[0].where, "/mnt/a b");
	CU_ASSERT_STRING_EQUAL(r.found[0].what, "ext4");
	CU_ASSERT_STRING_EQUAL(r.found[1].dev, "blk");
	CU_ASSERT_STRING_EQUAL(r.found[1].where, "/mnt/btrfs");
	CU_ASSERT_EQUAL(idr_guard_scan_mounts(&r, "/nonexistent/mountinfo", devs, names, 3),
			-ENOENT);
}

/* The one mountinfo reader: fields, escapes, optional fields before " - ", odd lines. */
static void mountinfo_parse(void)
{
	struct idr_mountinfo m;

	CU_ASSERT_EQUAL_FATAL(idr_mountinfo_parse("36 25 259:1 / /mnt/a\\040b\\011c rw,relatime "
						  "shared:1 master:2 - ext4 /dev/my\\040disk rw\n",
						  &m),
			      0);
	CU_ASSERT_EQUAL(m.devno, makedev(259, 1));
	CU_ASSERT_STRING_EQUAL(m.point, "/mnt/a b\tc");
	CU_ASSERT_STRING_EQUAL(m.options, "rw,relatime");
	CU_ASSERT_STRING_EQUAL(m.fstype, "ext4");
	CU_ASSERT_STRING_EQUAL(m.source, "/dev/my disk");
	/* A backslash not followed by three octal digits is kept as it is. */
	CU_ASSERT_EQUAL_FATAL(idr_mountinfo_parse("1 2 0:5 / /a\\9x rw - tmpfs tmpfs rw", &m), 0);
	CU_ASSERT_STRING_EQUAL(m.point, "/a\\9x");
	CU_ASSERT_EQUAL(m.devno, makedev(0, 5));
	/* No " - " part: the mount is still read, its type and source empty. */
	CU_ASSERT_EQUAL_FATAL(idr_mountinfo_parse("1 2 0:5 / /b rw", &m), 0);
	CU_ASSERT_STRING_EQUAL(m.point, "/b");
	CU_ASSERT_STRING_EQUAL(m.fstype, "");
	CU_ASSERT_STRING_EQUAL(m.source, "");
	CU_ASSERT_EQUAL(idr_mountinfo_parse("garbage", &m), -EINVAL);
	CU_ASSERT_EQUAL(idr_mountinfo_parse("", &m), -EINVAL);
	CU_ASSERT_EQUAL(idr_mountinfo_parse("1 2 x:y / /c rw - ext4 /dev/sda rw", &m), -EINVAL);
}

static void scan_swaps(void)
{
	struct idr_guard_report r;
	char path[128], text[512];
	dev_t devs[] = { blk_rdev };
	const char *names[] = { "blk" };
	char esc[256], *o;
	const char *s;

	for (s = blk_node, o = esc; *s; s++)
		o += *s == ' ' ? sprintf(o, "\\040") : sprintf(o, "%c", *s);
	snprintf(text, sizeof(text),
		 "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		 "/swapfile                               file\t\t1048572\t\t0\t\t-2\n"
		 "%s partition\t1024\t0\t-3\n",
		 esc);
	snprintf(path, sizeof(path), "%s/swaps", tmp);
	CU_ASSERT_EQUAL_FATAL(fixture_write(tmp, "swaps", text, strlen(text)), 0);
	loop_report(&r);
	CU_ASSERT_EQUAL(idr_guard_scan_swaps(&r, path, devs, names, 1), 0);
	CU_ASSERT_EQUAL_FATAL(r.nr, 1);
	CU_ASSERT_EQUAL(r.found[0].kind, IDR_FOUND_SWAP);
	CU_ASSERT_EQUAL(idr_guard_errno(&r), EBUSY);
}

/* Write len bytes of data at offset into file path (created, 4 MiB). */
static int put(const char *path, off_t offset, const void *data, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT, 0600), ok;

	if (fd < 0)
		return -1;
	ok = !ftruncate(fd, 4 << 20) && pwrite(fd, data, len, offset) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

/* Probe a crafted image; returns the number of findings, the first in *f. */
static unsigned int probe_file(const char *path, struct idr_finding *f)
{
	struct idr_guard_report r;
	int fd = open(path, O_RDONLY);

	memset(&r, 0, sizeof(r));
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(idr_guard_probe_fd(&r, fd, "img"), 0);
	close(fd);
	if (r.nr)
		*f = r.found[0];
	return r.nr;
}

static void blkid_signatures(void)
{
	/* One MBR partition entry (type 0x83, LBA 2048, 6144 sectors) and the boot mark. */
	static const unsigned char entry[16] = { 0, 0x20, 0x21, 0, 0x83, 0x8a, 0x08, 0x82,
						 0, 0x08, 0,	0, 0,	 0x18, 0,    0 };
	static const unsigned char mark[2] = { 0x55, 0xaa };
	static const unsigned int swap_hdr[2] = { 1, 1023 }; /* version, last page */
	struct idr_finding f;
	char mbr[128], swap[128], zero[128];

	snprintf(mbr, sizeof(mbr), "%s/mbr.img", tmp);
	snprintf(swap, sizeof(swap), "%s/swap.img", tmp);
	snprintf(zero, sizeof(zero), "%s/zero.img", tmp);
	CU_ASSERT_EQUAL_FATAL(put(mbr, 446, entry, sizeof(entry)) | put(mbr, 510, mark, 2), 0);
	CU_ASSERT_EQUAL_FATAL(put(swap, 1024, swap_hdr, sizeof(swap_hdr)) |
				      put(swap, 4086, "SWAPSPACE2", 10),
			      0);
	CU_ASSERT_EQUAL_FATAL(put(zero, 0, "", 0), 0);
	CU_ASSERT_EQUAL(probe_file(mbr, &f), 1);
	CU_ASSERT_EQUAL(f.kind, IDR_FOUND_PTABLE);
	CU_ASSERT_STRING_EQUAL(f.what, "dos");
	CU_ASSERT_EQUAL(f.offset, 510);
	CU_ASSERT_EQUAL(probe_file(swap, &f), 1);
	CU_ASSERT_EQUAL(f.kind, IDR_FOUND_SIGNATURE);
	CU_ASSERT_STRING_EQUAL(f.what, "swap");
	CU_ASSERT_EQUAL(f.offset, 4086);
	CU_ASSERT_EQUAL(probe_file(zero, &f), 0);
}

static void unguarded_targets(void)
{
	struct idr_guard_report r;
	char file[128];
	int fd;

	snprintf(file, sizeof(file), "%s/regular", tmp);
	CU_ASSERT_EQUAL_FATAL(put(file, 0, "x", 1), 0);
	CU_ASSERT_EQUAL(idr_guard_resolve(IDR_SYSFS, file, &r), 0);
	CU_ASSERT_EQUAL(r.target, IDR_TARGET_UNGUARDED);
	CU_ASSERT_EQUAL(idr_guard_inspect(&r, IDR_GUARD_HOLD, 1, &fd), 0);
	CU_ASSERT_EQUAL(fd, -1);
	CU_ASSERT_EQUAL(r.nr_total, 0);
	CU_ASSERT_EQUAL(idr_guard_resolve(IDR_SYSFS, "/dev/null", &r), 0);
	CU_ASSERT_EQUAL(r.target, IDR_TARGET_UNGUARDED);
	CU_ASSERT_EQUAL(idr_guard_resolve(IDR_SYSFS, "/nonexistent/x", &r), 0);
	CU_ASSERT_EQUAL(r.target, IDR_TARGET_UNGUARDED);
}

static void override_check(void)
{
	CU_ASSERT_EQUAL(idr_guard_override_check(sys, "IDRSER01", msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(idr_guard_override_check(sys, "VIRTSER:/dev/null", msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(idr_guard_override_check(sys, "t10.ATA QEMU HARDDISK QM00001", msg,
						 sizeof(msg)),
			0);
	CU_ASSERT_EQUAL(idr_guard_override_check(sys, blk_node, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(idr_guard_override_check(sys, "yes", msg, sizeof(msg)), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "allow_overwrite=yes: 'yes' names no device here"));
	CU_ASSERT_EQUAL(idr_guard_override_check(sys, "IDRSER01:1", msg, sizeof(msg)), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "'1' names no device"));
	CU_ASSERT_EQUAL(idr_guard_override_check(sys, "/etc/passwd", msg, sizeof(msg)), -ENODEV);
	CU_ASSERT_EQUAL(idr_guard_override_check(sys, "/nonexistent", msg, sizeof(msg)), -ENODEV);
}

static void describe_target(void)
{
	struct idr_guard_report r;
	char buf[512];

	nvme_report(&r);
	idr_guard_describe(&r, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "/dev/ng0n1 (namespace /dev/nvme0n1) (nvme, model QEMU NVMe "
				    "Ctrl, serial IDRSER01, nsid 1, 1.00 GiB, 4096 B blocks)");
	loop_report(&r);
	snprintf(r.path, sizeof(r.path), "/dev/loop3");
	snprintf(r.dev.backing, sizeof(r.dev.backing), "/img");
	idr_guard_describe(&r, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "/dev/loop3 (loop over /img, 40.0 MiB, 512 B blocks)");
}

static CU_TestInfo guard_tests[] = {
	{ "idr_guard_decide/nothing found: allowed", nothing_found_allowed },
	{ "idr_guard_decide/signature refused, message names it and the override",
	  signature_refused },
	{ "idr_guard_decide/mounted partition refused, EBUSY", mounted_partition_refused },
	{ "idr_guard_decide/override by serial or WWID", override_by_serial_and_wwid },
	{ "idr_guard_decide/yes, 1, all, near-serials name nothing", blanket_values_name_nothing },
	{ "idr_guard_decide/override by path, alias, whole disk", override_by_path },
	{ "idr_guard_decide/override by the ng char device's path", override_by_ng_path },
	{ "idr_guard_inspect/ng without a disk: refused unless named", ng_without_disk_refused },
	{ "idr_guard_inspect/NVMe of size 0: contents unchecked", nvme_of_size_zero_unchecked },
	{ "idr_guard_add/deduplicated, overflow counted", findings_dedupe_and_overflow },
	{ "idr_guard_scan_mounts/by device number and by source node",
	  scan_mounts_by_number_and_source },
	{ "idr_mountinfo_parse/fields, escapes, lines without a type, garbage", mountinfo_parse },
	{ "idr_guard_scan_swaps/swap partition found", scan_swaps },
	{ "idr_guard_probe_fd/MBR, swap, blank", blkid_signatures },
	{ "idr_guard_resolve/files, /dev/null, missing: unguarded", unguarded_targets },
	{ "idr_guard_override_check/blanket values refused up front", override_check },
	{ "idr_guard_describe/NVMe via ng, loop", describe_target },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/guard.c", guard_tests, fixture_up, fixture_down },
	{ NULL, NULL, NULL, NULL },
};
