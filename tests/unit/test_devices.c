/*
 * test_devices.c - nvme/: the device listing built from the sysfs fixture (order,
 * partitions under their disk, NVMe controller facts, generic devices without a disk,
 * hidden and empty devices), and the policy on built devices: safe to write, NVMe
 * passthrough usable, which engines apply.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "caps.h"
#include "devices.h"
#include "sysfs_fixture.h"
#include "unit.h"

static char why[512];

static const char *name_of(const struct idr_dev *d)
{
	return *d->blk.name ? d->blk.name : d->blk.ng;
}

static void scan_order_and_partitions(void)
{
	static const char *const want[] = { "nvme0n1", "nvme0n1p1", "nvme0n1p2", "nvme1n1", "ng0n2",
					    "ng1n1",   "vda",	    "sda",	 "loop3" };
	struct idr_scan_opts o = { .sys = fixture_sys };
	struct idr_devlist l;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(idr_devices_scan(&o, &l), 0);
	CU_ASSERT_EQUAL(l.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < l.n && i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT_STRING_EQUAL(name_of(&l.v[i]), want[i]);
	CU_ASSERT_EQUAL(l.nr_nvme, 4);
	CU_ASSERT_EQUAL(l.v[0].parent, -1);
	CU_ASSERT_EQUAL(l.v[1].parent, 0);
	CU_ASSERT_EQUAL(l.v[2].parent, 0);
	CU_ASSERT_EQUAL(l.v[2].blk.partno, 2);
	CU_ASSERT_TRUE(l.v[1].is_nvme);
	CU_ASSERT_FALSE(l.v[6].is_nvme);
	CU_ASSERT_FALSE(l.v[0].checked); /* safety not asked */
	idr_devices_free(&l);
}

static void scan_all_adds_empty(void)
{
	struct idr_scan_opts o = { .sys = fixture_sys, .all = true };
	struct idr_devlist l;
	unsigned int i, found = 0;

	CU_ASSERT_EQUAL_FATAL(idr_devices_scan(&o, &l), 0);
	for (i = 0; i < l.n; i++) {
		found += !strcmp(l.v[i].blk.name, "loop7");
		CU_ASSERT_STRING_NOT_EQUAL(l.v[i].blk.name, "nvme0c0n1");
	}
	CU_ASSERT_EQUAL(found, 1);
	idr_devices_free(&l);
}

static void scan_nvme_facts(void)
{
	struct idr_scan_opts o = { .sys = fixture_sys };
	struct idr_devlist l;
	const struct idr_dev *d, *lone;

	CU_ASSERT_EQUAL_FATAL(idr_devices_scan(&o, &l), 0);
	CU_ASSERT_FATAL(l.n >= 5);
	d = &l.v[0];
	CU_ASSERT_STRING_EQUAL(d->nvme.ctrl, "nvme0");
	CU_ASSERT_STRING_EQUAL(d->nvme.subsys, "nvme-subsys0");
	CU_ASSERT_STRING_EQUAL(d->nvme.transport, "pcie");
	CU_ASSERT_STRING_EQUAL(d->nvme.address, "0000:00:04.0");
	CU_ASSERT_STRING_EQUAL(d->nvme.state, "live");
	CU_ASSERT_EQUAL(d->nvme.numa_node, -1);
	CU_ASSERT_EQUAL(d->nvme.queue_count, 3);
	CU_ASSERT_STRING_EQUAL(d->blk.ng, "ng0n1");
	CU_ASSERT_FALSE(d->nvme.identified);
	/* nvme1n1's ng1n1 hangs off nvme0: not its generic device; listed alone. */
	CU_ASSERT_STRING_EQUAL(l.v[3].blk.ng, "");
	lone = &l.v[5];
	CU_ASSERT_STRING_EQUAL(lone->blk.ng, "ng1n1");
	CU_ASSERT_EQUAL(lone->blk.ng_devno, makedev(242, 2));
	CU_ASSERT_STRING_EQUAL(lone->blk.ctrl, "nvme0");
	CU_ASSERT_STRING_EQUAL(lone->blk.name, "");
	CU_ASSERT_STRING_EQUAL(lone->blk.serial, "IDRSER01"); /* from its controller */
	CU_ASSERT_STRING_EQUAL(lone->nvme.transport, "pcie");
	idr_devices_free(&l);
}

static void scan_missing_sysfs(void)
{
	struct idr_scan_opts o = { .sys = "/nonexistent-sysfs" };
	struct idr_devlist l;

	CU_ASSERT_EQUAL(idr_devices_scan(&o, &l), -ENOENT);
	CU_ASSERT_EQUAL(l.n, 0);
}

/* A checked, clean loop device. */
static void loop_dev(struct idr_dev *d)
{
	memset(d, 0, sizeof(*d));
	d->parent = -1;
	snprintf(d->blk.name, sizeof(d->blk.name), "loop3");
	snprintf(d->blk.path, sizeof(d->blk.path), "/dev/loop3");
	snprintf(d->blk.kind, sizeof(d->blk.kind), "loop");
	d->blk.size_bytes = 40 << 20;
	d->checked = true;
}

/* A checked, clean NVMe namespace with a usable generic device. */
static void nvme_dev(struct idr_dev *d)
{
	loop_dev(d);
	snprintf(d->blk.name, sizeof(d->blk.name), "nvme0n1");
	snprintf(d->blk.path, sizeof(d->blk.path), "/dev/nvme0n1");
	snprintf(d->blk.kind, sizeof(d->blk.kind), "nvme");
	snprintf(d->blk.ng, sizeof(d->blk.ng), "ng0n1");
	d->is_nvme = true;
	d->nvme.ng_node = true;
}

static const struct idr_env env_new_user = { .kernel_major = 6, .kernel_minor = 18 };

static void safe_verdicts(void)
{
	struct idr_dev d;

	loop_dev(&d);
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_YES);
	CU_ASSERT_STRING_EQUAL(why, "");
	d.checked = false;
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_UNKNOWN);
	loop_dev(&d);
	idr_guard_add(&d.safety, IDR_FOUND_MOUNT, "loop3p1", "ext4", "/mnt", -1);
	idr_guard_add(&d.safety, IDR_FOUND_PTABLE, "loop3", "gpt", NULL, 512);
	idr_guard_add(&d.safety, IDR_FOUND_SIGNATURE, "loop3p1", "ext4", NULL, 1080);
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_NO);
	CU_ASSERT_STRING_EQUAL(why,
			       "loop3p1 mounted on /mnt, gpt partition table, ext4 on loop3p1");
	loop_dev(&d);
	idr_guard_add(&d.safety, IDR_FOUND_MOUNT, "loop3", "ext4", "/", -1);
	idr_guard_add(&d.safety, IDR_FOUND_HOLDER, "loop3", "dm-0", NULL, -1);
	idr_guard_add(&d.safety, IDR_FOUND_BUSY, "loop3", NULL, NULL, -1);
	idr_guard_add(&d.safety, IDR_FOUND_SWAP, "loop3", "swap", "/dev/loop3", -1);
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_NO);
	CU_ASSERT_STRING_EQUAL(why, "mounted on /, held by dm-0, in exclusive use, swap in use");
	/* Something mounted is a "no" even when the signatures could not be read. */
	d.probe_err = -EACCES;
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_NO);
}

/* Found through an alias: "overlaps /dev/loop0, mounted on /mnt, ext4". */
static void safe_through_alias(void)
{
	struct idr_guard_alias *a;
	struct idr_dev d;

	loop_dev(&d);
	a = &d.safety.alias[d.safety.nr_alias++];
	a->rel = IDR_REL_OVERLAPS;
	snprintf(a->dev.name, sizeof(a->dev.name), "loop0");
	snprintf(a->dev.path, sizeof(a->dev.path), "/dev/loop0");
	a = &d.safety.alias[d.safety.nr_alias++];
	a->rel = IDR_REL_UNDER;
	snprintf(a->dev.name, sizeof(a->dev.name), "vda2");
	snprintf(a->dev.path, sizeof(a->dev.path), "/dev/vda2");
	idr_guard_add(&d.safety, IDR_FOUND_SIGNATURE, "loop3", "xfs", NULL, 0);
	idr_guard_add(&d.safety, IDR_FOUND_MOUNT, "loop0", "ext4", "/mnt", -1);
	d.safety.found[d.safety.nr - 1].via = 1;
	idr_guard_add(&d.safety, IDR_FOUND_SIGNATURE, "loop0", "ext4", NULL, 1080);
	d.safety.found[d.safety.nr - 1].via = 1;
	idr_guard_add(&d.safety, IDR_FOUND_HOLDER, "vda2", "dm-0", NULL, -1);
	d.safety.found[d.safety.nr - 1].via = 2;
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_NO);
	CU_ASSERT_STRING_EQUAL(why, "xfs, overlaps /dev/loop0, mounted on /mnt, ext4, writes into "
				    "/dev/vda2, held by dm-0");
}

static void safe_unknown(void)
{
	struct idr_dev d;

	loop_dev(&d);
	d.probe_err = -EACCES;
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(why, "needs root to read /dev/loop3 for signatures");
	d.probe_err = -EIO;
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_UNKNOWN);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "Input/output error"));
	loop_dev(&d);
	idr_guard_add(&d.safety, IDR_FOUND_UNCHECKED, "ng0n2", "no block device", NULL, -1);
	CU_ASSERT_EQUAL(idr_dev_safe(&d, why, sizeof(why)), IDR_SAFE_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(idr_safe_str(IDR_SAFE_UNKNOWN), "unknown");
}

static void passthru_usable(void)
{
	struct idr_env old = { .kernel_major = 6, .kernel_minor = 1 };
	struct idr_dev d;

	nvme_dev(&d);
	CU_ASSERT_TRUE(idr_dev_passthru(&d, &env_new_user, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "");
	CU_ASSERT_FALSE(idr_dev_passthru(&d, &old, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(why, "kernel 6.1 allows passthrough only with CAP_SYS_ADMIN"));
	old.cap_sys_admin = true;
	CU_ASSERT_TRUE(idr_dev_passthru(&d, &old, why, sizeof(why)));
	d.nvme.ng_open_err = -EACCES;
	CU_ASSERT_FALSE(idr_dev_passthru(&d, &env_new_user, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "cannot open /dev/ng0n1: Permission denied"));
	d.nvme.ng_node = false;
	CU_ASSERT_FALSE(idr_dev_passthru(&d, &env_new_user, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "/dev/ng0n1 does not exist"));
	d.blk.ng[0] = '\0';
	CU_ASSERT_FALSE(idr_dev_passthru(&d, &env_new_user, why, sizeof(why)));
	nvme_dev(&d);
	d.blk.partno = 1;
	CU_ASSERT_FALSE(idr_dev_passthru(&d, &env_new_user, why, sizeof(why)));
	loop_dev(&d);
	CU_ASSERT_FALSE(idr_dev_passthru(&d, &env_new_user, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "not NVMe");
}

/* Does names[0..n) hold name? */
static bool has(const char **names, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* How many engines.tbl rows have a target in the list. */
static unsigned int rows_with(const char *t1, const char *t2)
{
	const struct idr_caps *c;
	unsigned int n = 0;
	size_t i;

	for (i = 0; (c = idr_caps_at(i)); i++)
		n += !strcmp(c->target, t1) || (t2 && !strcmp(c->target, t2));
	return n;
}

static void engines_apply(void)
{
	const char *names[32];
	unsigned int n;
	struct idr_dev d;

	loop_dev(&d);
	n = idr_dev_engines(&d, &env_new_user, names, 32);
	CU_ASSERT_EQUAL(n, rows_with("file", "direct"));
	CU_ASSERT_TRUE(has(names, n, "sync"));
	CU_ASSERT_FALSE(has(names, n, "nil"));
	CU_ASSERT_FALSE(has(names, n, "uring_passthru"));
	nvme_dev(&d);
	n = idr_dev_engines(&d, &env_new_user, names, 32);
	CU_ASSERT_EQUAL(n, rows_with("file", "direct") + rows_with("ngdev", NULL));
	CU_ASSERT_TRUE(has(names, n, "uring_passthru"));
	/* A generic device alone: passthrough only. */
	d.blk.name[0] = '\0';
	n = idr_dev_engines(&d, &env_new_user, names, 32);
	CU_ASSERT_EQUAL(n, rows_with("ngdev", NULL));
	/* Nothing applies to an empty device without passthrough. */
	loop_dev(&d);
	d.blk.size_bytes = 0;
	CU_ASSERT_EQUAL(idr_dev_engines(&d, &env_new_user, names, 32), 0);
	/* More engines than room: counted, not overrun. */
	loop_dev(&d);
	CU_ASSERT_EQUAL(idr_dev_engines(&d, &env_new_user, names, 1), rows_with("file", "direct"));
}

static void env_facts(void)
{
	struct idr_env env;

	idr_env_read(&env);
	CU_ASSERT_EQUAL(env.root, geteuid() == 0);
	CU_ASSERT(env.kernel_major >= 3);
	if (geteuid() == 0)
		CU_ASSERT_TRUE(env.cap_sys_admin);
}

static void identify_bad_paths(void)
{
	struct idr_scan_opts o = { .sys = IDR_SYSFS };
	struct idr_dev d;

	CU_ASSERT_EQUAL(idr_device_identify(&o, "/nonexistent/dev", &d), -ENOENT);
	CU_ASSERT_EQUAL(idr_device_identify(&o, "/dev/null", &d), -ENOTBLK);
	CU_ASSERT_EQUAL(idr_device_identify(&o, "/etc/hostname", &d), -ENOTBLK);
	CU_ASSERT_EQUAL(idr_device_by_devno(&o, makedev(4095, 1048575), &d), -ENODEV);
}

/* A namespace by number: sysfs identity, its controller, its format from sysfs. */
static void by_devno_nvme(void)
{
	struct idr_scan_opts o = { .sys = fixture_sys };
	char dir[4096];
	struct idr_dev d;

	CU_ASSERT_EQUAL_FATAL(idr_device_by_devno(&o, makedev(259, 0), &d), 0);
	CU_ASSERT_TRUE(d.is_nvme);
	CU_ASSERT_STRING_EQUAL(d.blk.serial, "IDRSER01");
	CU_ASSERT_EQUAL(d.blk.nsid, 1);
	CU_ASSERT_STRING_EQUAL(d.blk.ng, "ng0n1");
	CU_ASSERT_STRING_EQUAL(d.nvme.ctrl, "nvme0");
	CU_ASSERT_EQUAL(d.nvme.lba_bytes, 4096);
	CU_ASSERT_EQUAL(d.nvme.meta_bytes, 0);
	CU_ASSERT_FALSE(d.nvme.identified); /* not asked */
	CU_ASSERT_FALSE(d.checked);
	CU_ASSERT_EQUAL(d.safety.target, IDR_TARGET_BLOCK);
	CU_ASSERT_STRING_EQUAL(d.safety.path, "/dev/nvme0n1");
	/* Kernels with sysfs metadata_bytes say how much metadata each block carries. */
	snprintf(dir, sizeof(dir), "%s/class/block/nvme0n1/metadata_bytes", fixture_sys);
	CU_ASSERT_EQUAL_FATAL(fixture_write(fixture_sys, "class/block/nvme0n1/metadata_bytes",
					    "8\n", 2),
			      0);
	CU_ASSERT_EQUAL(idr_device_by_devno(&o, makedev(259, 0), &d), 0);
	CU_ASSERT_EQUAL(d.nvme.meta_bytes, 8);
	unlink(dir);
	/* A partition: its disk's identity, no namespace facts of its own. */
	CU_ASSERT_EQUAL_FATAL(idr_device_by_devno(&o, makedev(259, 1), &d), 0);
	CU_ASSERT_TRUE(d.is_nvme);
	CU_ASSERT_EQUAL(d.blk.partno, 1);
	CU_ASSERT_STRING_EQUAL(d.blk.disk, "nvme0n1");
	CU_ASSERT_EQUAL(d.nvme.lba_bytes, 0);
	CU_ASSERT_EQUAL_FATAL(idr_device_by_devno(&o, makedev(8, 0), &d), 0);
	CU_ASSERT_FALSE(d.is_nvme);
	CU_ASSERT_STRING_EQUAL(d.blk.kind, "scsi");
}

/* Only a node in /dev with the device's own number and type counts. */
static void dev_node(void)
{
	struct idr_dev d;
	char out[64];

	memset(&d, 0, sizeof(d));
	d.is_nvme = true;
	snprintf(d.blk.ng, sizeof(d.blk.ng), "null"); /* /dev/null is char 1:3 everywhere */
	d.blk.ng_devno = makedev(1, 3);
	CU_ASSERT_STRING_EQUAL(idr_dev_node(&d, true, out, sizeof(out)), "/dev/null");
	d.blk.ng_devno = makedev(1, 5);
	CU_ASSERT_STRING_EQUAL(idr_dev_node(&d, true, out, sizeof(out)), "");
	d.blk.ng_devno = makedev(1, 3);
	d.blk.partno = 1; /* a partition has no generic device of its own */
	CU_ASSERT_STRING_EQUAL(idr_dev_node(&d, true, out, sizeof(out)), "");
	snprintf(d.blk.name, sizeof(d.blk.name), "null");
	d.blk.devno = makedev(1, 3); /* not a block device */
	CU_ASSERT_STRING_EQUAL(idr_dev_node(&d, false, out, sizeof(out)), "");
	d.blk.name[0] = '\0';
	CU_ASSERT_STRING_EQUAL(idr_dev_node(&d, false, out, sizeof(out)), "");
}

/* Which filesystem a file is on: found, with or without a block device under it. */
static void path_fs(void)
{
	struct idr_fs fs;
	char uuid[64];

	CU_ASSERT_EQUAL_FATAL(idr_path_fs("/proc/self/status", &fs), 0);
	CU_ASSERT_STRING_EQUAL(fs.m.fstype, "proc");
	CU_ASSERT_STRING_EQUAL(fs.m.point, "/proc");
	CU_ASSERT_EQUAL(fs.devno, 0);
	CU_ASSERT_STRING_EQUAL(idr_fs_uuid(fs.devno, uuid, sizeof(uuid)), "");
	CU_ASSERT_EQUAL(idr_path_fs("/nonexistent/file", &fs), -ENOENT);
	/* The tree's own files are on some mount; a file and its folder on the same one. */
	CU_ASSERT_EQUAL_FATAL(idr_path_fs("Makefile", &fs), 0);
	CU_ASSERT_NOT_EQUAL(fs.m.fstype[0], '\0');
}

static CU_TestInfo devices_tests[] = {
	{ "idr_devices_scan/order, partitions under their disk", scan_order_and_partitions },
	{ "idr_devices_scan/--all adds empty devices, never hidden ones", scan_all_adds_empty },
	{ "idr_devices_scan/NVMe controller facts, lone generic devices", scan_nvme_facts },
	{ "idr_devices_scan/no sysfs: an error, no list", scan_missing_sysfs },
	{ "idr_dev_safe/no, with what and where", safe_verdicts },
	{ "idr_dev_safe/through an alias: which device, how, and what is on it",
	  safe_through_alias },
	{ "idr_dev_safe/unknown without root or with only unchecked parts", safe_unknown },
	{ "idr_dev_passthru/ng present, openable, capability on old kernels", passthru_usable },
	{ "idr_dev_engines/target column of engines.tbl", engines_apply },
	{ "idr_env_read/privileges and kernel", env_facts },
	{ "idr_device_identify/missing path, not a device", identify_bad_paths },
	{ "idr_device_by_devno/NVMe namespace, its format from sysfs, partition, SCSI",
	  by_devno_nvme },
	{ "idr_dev_node/the node must carry the device's number and type", dev_node },
	{ "idr_path_fs/proc, the tree's filesystem, a missing path", path_fs },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "nvme/scan.c, nvme/policy.c", devices_tests, sysfs_fixture_up, sysfs_fixture_down },
	{ NULL, NULL, NULL, NULL },
};
