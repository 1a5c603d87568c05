/*
 * devices.h - what storage this machine has, for `iodrill devices`, the drill and the
 * results archive: every block device from sysfs (NVMe namespaces, virtio, SCSI, loop,
 * ...) with its partitions, what libnvme's Identify adds for NVMe (LBA formats, MDTS,
 * controller, transport), and whether each is safe to write (the engines' write guard,
 * engines/core/guard.h, in look-only mode).
 *
 * Plain structs: libnvme stays inside nvme/nvme.c, and the policy (policy.c: safe to
 * write?, passthrough usable?, which engines apply?) is pure and unit-tested on built
 * fixtures.
 */
#ifndef IDR_NVME_DEVICES_H
#define IDR_NVME_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "blkdev.h"
#include "guard.h"

#define IDR_MAX_LBAF 64

/* One LBA format a namespace supports. */
struct idr_lbaf {
	uint32_t data_bytes; /* 512, 4096, ... */
	uint16_t meta_bytes; /* metadata per block */
	uint8_t rp;	     /* relative performance: 0 best .. 3 degraded */
};

/* What NVMe adds to a namespace's sysfs identity. */
struct idr_nvme {
	char subsys[IDR_DEVNAME_MAX]; /* nvme-subsys0 */
	char ctrl[IDR_DEVNAME_MAX];   /* nvme0: the controller (first path of a multipath ns) */
	char transport[16];	      /* pcie, tcp, rdma, fc, loop */
	char address[128];	      /* PCI address, or the fabric's traddr,trsvcid */
	char state[16];		      /* live, resetting, ... */
	int numa_node;		      /* -1 when unknown or no NUMA */
	int queue_count;	      /* the controller's queues (I/O + admin), -1 unknown */
	/* From Identify (needs to open the namespace: root on most systems) */
	bool identified;
	char why_not[160];	  /* when !identified: what stopped it */
	unsigned int lbaf_in_use; /* index into lbaf[] */
	bool extended;		  /* metadata interleaved with the data (FLBAS bit 4) */
	unsigned int nr_lbaf;
	struct idr_lbaf lbaf[IDR_MAX_LBAF];
	uint64_t nsze_blocks, nuse_blocks;
	char eui64[17];	     /* IEEE EUI-64 in hex, "" when the namespace has none */
	unsigned int mdts;   /* 0: no limit; else 2^mdts minimum-size pages */
	uint64_t mdts_bytes; /* assuming 4 KiB minimum pages; 0: no limit */
	/* DLFEAT bits 2:0: what a read of a deallocated block returns (IDR_DLFEAT_*) */
	unsigned int dlfeat_read;
	bool lba_status; /* the controller has Get LBA Status (OACS bit 9) */
	/*
	 * Dataset Management: ONCS bit 2, and the limits of the NVM command set's Identify
	 * Controller (CNS 06h, CSI 0; all 0 when not reported or that Identify failed):
	 * DMRL ranges per command, DMRSL LBAs per range, DMSL LBAs per command.
	 */
	bool dsm;
	unsigned int dmrl;
	uint32_t dmrsl;
	uint64_t dmsl;
	/*
	 * The LBA format in use: Identify's when identified, else the block layer's (its
	 * logical block size, and metadata_bytes on kernels whose sysfs has it, else 0).
	 */
	unsigned int lba_bytes, meta_bytes;
	/* The generic char device /dev/ngXnY */
	bool ng_node;	 /* /dev/<ng> exists */
	int ng_open_err; /* 0: this user can open it read-write, else -errno */
};

/* Is io_uring NVMe passthrough usable on a namespace, and what engines apply? */
struct idr_env {
	bool root;	    /* effective uid 0 */
	bool cap_sys_admin; /* kernels before 6.2 need it for any passthrough */
	unsigned int kernel_major, kernel_minor;
};

struct idr_dev {
	struct idr_blkdev blk; /* sysfs identity; blk.name is "" for an ng alone */
	bool is_nvme;
	struct idr_nvme nvme;
	struct idr_guard_report safety; /* what a write would destroy (guard findings) */
	int probe_err;			/* 0, or -errno: signatures could not be read */
	bool checked;			/* safety was looked at */
	int parent;			/* index of the whole disk for a partition, else -1 */
};

struct idr_devlist {
	struct idr_dev *v;
	unsigned int n;
	struct idr_env env;
	int nvme_err;	      /* libnvme's scan failed: -errno (0 when fine) */
	unsigned int nr_nvme; /* namespaces (with or without a block device) */
};

struct idr_scan_opts {
	const char *sys; /* sysfs root: IDR_SYSFS, or a fixture */
	bool safety;	 /* run the guard's look-only checks */
	bool nvme;	 /* ask libnvme (Identify) */
	bool all;	 /* listing: also devices of size 0 (unattached loop, ...) */
};

/*
 * idr_devices_scan - every block device under o->sys/class/block (and every NVMe
 * generic device without one), whole disks followed by their partitions, NVMe first,
 * then by kind and name. Devices of size 0 are left out unless o->all, except NVMe
 * namespaces (size 0 there means a format the block layer cannot carry).
 * Returns 0 or -errno (-ENOMEM, or sysfs unreadable); a device
 * that vanishes during the scan is left out.
 */
int idr_devices_scan(const struct idr_scan_opts *o, struct idr_devlist *l);
void idr_devices_free(struct idr_devlist *l);

/*
 * idr_device_identify - what device path names (a block device, a partition, an
 * /dev/ngXnY; any alias): its sysfs identity (under o->sys), for an NVMe namespace its
 * controller's facts and, with o->nvme, its Identify data where readable; with o->safety
 * the guard's look. d->safety.target says what path is (block device, ng with or without
 * its disk) either way. The one answer to "which device is this?" for `iodrill devices`,
 * the drill and the results archive. Returns 0, -ENOENT (no such path), -ENOTBLK (a
 * path that is no block or NVMe generic device), -ENODEV (not in sysfs), or -errno.
 */
int idr_device_identify(const struct idr_scan_opts *o, const char *path, struct idr_dev *d);

/* idr_device_by_devno - the same for block device number devno (a filesystem's st_dev). */
int idr_device_by_devno(const struct idr_scan_opts *o, dev_t devno, struct idr_dev *d);

/*
 * idr_dev_node - the path of d's block device node (/dev/nvme0n1) or, with generic, of
 * its NVMe generic char device (/dev/ng0n1; whole namespaces only), when that node is in
 * /dev with d's device number. Returns out: "" when there is none.
 */
char *idr_dev_node(const struct idr_dev *d, bool generic, char *out, size_t len);

/* The filesystem a file is on (nvme/fs.c). */
struct idr_fs {
	struct idr_mountinfo m; /* its mount: type, source, mount point, options */
	dev_t devno;		/* the block device under it; 0 when none (tmpfs, overlay, NFS) */
};

/*
 * idr_path_fs - the filesystem holding path: the mount on path's device whose mount point
 * is the longest prefix of its real path, and the block device under it (path's st_dev,
 * or for btrfs and the like, whose st_dev is anonymous, the mount's source when that is a
 * block device). Returns 0, -ENOENT (no mount found), or -errno (no such path: stat's).
 */
int idr_path_fs(const char *path, struct idr_fs *fs);

/*
 * idr_fs_uuid - the UUID of the filesystem on block device devno (libblkid), into out;
 * "" when it cannot be read (the device needs root) or has none. Returns out.
 */
char *idr_fs_uuid(dev_t devno, char *out, size_t len);

/* idr_env_read - this process's privileges and the running kernel's version. */
void idr_env_read(struct idr_env *env);

/* ---- nvme.c: libnvme ---------------------------------------------------------------- */

/*
 * idr_nvme_fill - walk libnvme's topology as nvme-cli does (hosts, subsystems, their
 * namespaces, their controllers' namespaces) and fill the nvme part of every NVMe
 * device in l; namespaces libnvme could not identify keep what sysfs said, with why_not
 * set. Returns 0, or -errno when libnvme could not scan at all.
 */
int idr_nvme_fill(struct idr_devlist *l);

/* idr_nvme_identify_one - Identify data for one namespace device d. Returns 0 or -errno. */
int idr_nvme_identify_one(struct idr_dev *d);

/* Identify Namespace DLFEAT bits 2:0: what a read of a deallocated block returns. */
enum { IDR_DLFEAT_NOT_REPORTED = 0, IDR_DLFEAT_ZEROES = 1, IDR_DLFEAT_ONES = 2 };

/*
 * idr_nvme_lba_allocated - does namespace d (identified, nvme.lba_status set) hold
 * blocks slba .. slba + nlb - 1 (in its LBAs), as Get LBA Status with action "allocated
 * LBAs" (ATYPE 02h, NVMe 2.1) answers. Returns 1 (some allocated), 0 (none: deallocated
 * or never written), -EOPNOTSUPP when the controller has no such command or refuses
 * that action, or -errno.
 */
int idr_nvme_lba_allocated(const struct idr_dev *d, uint64_t slba, uint32_t nlb);

/* ---- policy.c: pure ------------------------------------------------------------------- */

enum idr_safe { IDR_SAFE_YES, IDR_SAFE_NO, IDR_SAFE_UNKNOWN };

/*
 * idr_dev_safe - is d safe to write: NO when anything a write would destroy was found
 * (why names it: "mounted on /", "ext4 on loop3p1"), UNKNOWN when its signatures could
 * not be read (why says what is needed), YES otherwise.
 */
enum idr_safe idr_dev_safe(const struct idr_dev *d, char *why, size_t len);

/* idr_safe_str - "yes", "no", "unknown". */
const char *idr_safe_str(enum idr_safe s);

/*
 * idr_dev_passthru - can io_uring NVMe passthrough run on d's generic char device as
 * this user: an NVMe namespace with its /dev/ngXnY present and openable, and on kernels
 * before 6.2 CAP_SYS_ADMIN. why says what is missing.
 */
bool idr_dev_passthru(const struct idr_dev *d, const struct idr_env *env, char *why, size_t len);

/*
 * idr_dev_engines - the engines (engines.tbl) that apply to d: target file and direct
 * to any block device, ngdev to an NVMe namespace whose passthrough is usable, none
 * (nil) to no device. Fills names[0..max) and returns how many apply.
 */
unsigned int idr_dev_engines(const struct idr_dev *d, const struct idr_env *env, const char **names,
			     unsigned int max);

#endif
