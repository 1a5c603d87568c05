/*
 * sysfs_fixture.h - a small fake sysfs tree for unit tests, laid out as the kernel lays
 * out /sys (class/block, dev/block, dev/char, class/nvme-generic, the device folders and
 * their links), so the sysfs readers run without hardware:
 *
 *   nvme0n1  259:0  NVMe namespace 1 of controller nvme0 (QEMU NVMe Ctrl, serial
 *                   IDRSER01, pcie 0000:00:04.0, 3 queues, in nvme-subsys0), 1 GiB,
 *                   4 KiB blocks; partitions nvme0n1p1 (259:1) and nvme0n1p2 (259:2);
 *                   generic char device ng0n1 (242:0)
 *   ng0n2   242:1   a generic device whose namespace has no block device
 *   ng1n1   242:2   named like nvme1n1's, but under another controller than nvme1n1
 *   nvme1n1 259:3   namespace of controller nvme1
 *   vda     254:0   virtio disk, serial VIRTSER
 *   sda     8:0     SCSI disk, ATA QEMU HARDDISK, serial from VPD page 0x80
 *   loop3   7:3     loop device over /images/a.img
 *   loop7   7:7     an unattached loop device (size 0)
 *   nvme0c0n1       a hidden multipath path device (not for users)
 *   null    1:3     a char device that is not NVMe
 */
#ifndef IDR_TESTS_SYSFS_FIXTURE_H
#define IDR_TESTS_SYSFS_FIXTURE_H

/* The tree's root while a suite set up by sysfs_fixture_up runs. */
extern const char *fixture_sys;

/* CUnit suite hooks: build the tree into fixture_sys (0, or 1 when it cannot be), remove it. */
int sysfs_fixture_up(void);
int sysfs_fixture_down(void);

/* Build the tree under a fresh temporary folder. Returns its path, or NULL. */
const char *sysfs_fixture_build(void);

/* Remove it. */
void sysfs_fixture_remove(void);

/* Create parent folders and write text to root/rel. Returns 0 or -1. */
int fixture_write(const char *root, const char *rel, const char *text, size_t len);

/* Create root/rel as a symlink to target. Returns 0 or -1. */
int fixture_link(const char *root, const char *rel, const char *target);

#endif
