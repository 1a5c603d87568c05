/*
 * nvme.c - what libnvme adds to the sysfs view (see devices.h): the topology walk
 * nvme-cli's `nvme list` does (every host, subsystem, the subsystem's namespaces and
 * each controller's), and Identify Namespace / Identify Controller for the LBA formats,
 * the format in use and MDTS. The only file that includes libnvme.
 *
 * libnvme 1.3 opens each namespace and drops the ones it cannot identify (a user
 * without access to /dev/nvmeXnY), so the list comes from sysfs and libnvme only adds
 * to it: nothing it cannot see goes missing.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libnvme.h>

#include "devices.h"

/* The device in l named name (a namespace's block device), or NULL. */
static struct idr_dev *find(struct idr_devlist *l, const char *name)
{
	unsigned int i;

	for (i = 0; name && i < l->n; i++)
		if (!strcmp(l->v[i].blk.name, name))
			return &l->v[i];
	return NULL;
}

/* An EUI-64 as 16 hex digits, "" when it is all zeros (the namespace has none). */
static void eui64_str(const __u8 *e, char *out, size_t len)
{
	unsigned int i, any = 0;

	out[0] = '\0';
	for (i = 0; i < 8; i++)
		any |= e[i];
	for (i = 0; any && i < 8 && 2 * i + 2 < len; i++)
		snprintf(out + 2 * i, len - 2 * i, "%02x", e[i]);
}

/* Identify Namespace and Controller through fd (a namespace's). Returns 0 or -errno. */
static int identify(int fd, struct idr_dev *d)
{
	struct idr_nvme *nv = &d->nvme;
	struct nvme_id_ctrl_nvm nvm;
	struct nvme_id_ctrl ctrl;
	struct nvme_id_ns ns;
	__u32 nsid = d->blk.nsid;
	__u8 in_use;
	unsigned int i;

	if (!nsid && nvme_get_nsid(fd, &nsid))
		return errno ? -errno : -EIO;
	d->blk.nsid = nsid; /* a generic device alone has no sysfs nsid; kept if Identify fails */
	if (nvme_identify_ns(fd, nsid, &ns))
		return errno ? -errno : -EIO;
	nvme_id_ns_flbas_to_lbaf_inuse(ns.flbas, &in_use);
	nv->lbaf_in_use = in_use;
	nv->extended = ns.flbas & NVME_NS_FLBAS_META_EXT;
	nv->nr_lbaf = (unsigned int)ns.nlbaf + 1u;
	if (nv->nr_lbaf > IDR_MAX_LBAF)
		nv->nr_lbaf = IDR_MAX_LBAF;
	for (i = 0; i < nv->nr_lbaf; i++) {
		nv->lbaf[i].data_bytes = ns.lbaf[i].ds < 32 ? 1u << ns.lbaf[i].ds : 0;
		nv->lbaf[i].meta_bytes = le16toh(ns.lbaf[i].ms);
		nv->lbaf[i].rp = ns.lbaf[i].rp & 3;
	}
	if (nv->lbaf_in_use < nv->nr_lbaf) {
		nv->lba_bytes = nv->lbaf[nv->lbaf_in_use].data_bytes;
		nv->meta_bytes = nv->lbaf[nv->lbaf_in_use].meta_bytes;
	}
	eui64_str(ns.eui64, nv->eui64, sizeof(nv->eui64));
	nv->nsze_blocks = le64toh(ns.nsze);
	nv->nuse_blocks = le64toh(ns.nuse);
	nv->dlfeat_read = ns.dlfeat & NVME_NS_DLFEAT_RB;
	if (nvme_identify_ctrl(fd, &ctrl))
		return errno ? -errno : -EIO;
	nv->lba_status = le16toh(ctrl.oacs) & NVME_CTRL_OACS_LBA_STATUS;
	nv->dsm = le16toh(ctrl.oncs) & NVME_CTRL_ONCS_DSM;
	nv->dmrl = 0;
	nv->dmrsl = 0;
	nv->dmsl = 0;
	/* NVM command set Identify Controller (NVMe 2.0): a 1.x controller refuses it. */
	if (nv->dsm && !nvme_nvm_identify_ctrl(fd, &nvm)) {
		nv->dmrl = nvm.dmrl;
		nv->dmrsl = le32toh(nvm.dmrsl);
		nv->dmsl = le64toh(nvm.dmsl);
	}
	/* MDTS is in units of the controller's minimum page (CAP.MPSMIN), 4 KiB nearly always. */
	nv->mdts = ctrl.mdts;
	nv->mdts_bytes = ctrl.mdts && ctrl.mdts < 40 ? 4096ULL << ctrl.mdts : 0;
	nv->identified = true;
	nv->why_not[0] = '\0';
	return 0;
}

/* Identify through the device node /dev/name. Returns 0 or -errno, with why_not set. */
static int identify_at(struct idr_dev *d, const char *name)
{
	char path[IDR_DEVNAME_MAX + 8];
	int fd, ret;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(d->nvme.why_not, sizeof(d->nvme.why_not), "cannot open %s: %s%s", path,
			 strerror(-ret), ret == -EACCES ? " (Identify needs root)" : "");
		return ret;
	}
	ret = identify(fd, d);
	close(fd);
	if (ret)
		snprintf(d->nvme.why_not, sizeof(d->nvme.why_not), "Identify on %s failed: %s",
			 path, strerror(-ret));
	return ret;
}

int idr_nvme_identify_one(struct idr_dev *d)
{
	int ret;

	/*
	 * Admin commands go through the namespace's block device, or its generic device: a
	 * user may be let into /dev/ngXnY alone (6.2+ allows Identify there without root).
	 */
	if (!*d->blk.name && !*d->blk.ng) {
		snprintf(d->nvme.why_not, sizeof(d->nvme.why_not), "no device to send Identify to");
		return -ENODEV;
	}
	ret = identify_at(d, *d->blk.name ? d->blk.name : d->blk.ng);
	if (ret == -EACCES && *d->blk.name && *d->blk.ng && !identify_at(d, d->blk.ng))
		return 0;
	return ret;
}

/* ---- Get LBA Status --------------------------------------------------------------- */

/*
 * NVMe 2.1's action "return tracked allocated LBAs" (libnvme 1.3 names only 10h and 11h;
 * later libnvme calls it NVME_LBA_STATUS_ATYPE_ALLOCATED = 0x2): the descriptors it
 * returns are the ranges holding allocated blocks, so a block no descriptor covers is
 * deallocated.
 */
#define IDR_LBA_STATUS_ATYPE_ALLOCATED 0x02

/* Does any descriptor in ls overlap [slba, slba + nlb)? */
static int any_allocated(const struct nvme_lba_status *ls, size_t max_descs, uint64_t slba,
			 uint32_t nlb)
{
	uint32_t i, n = le32toh(ls->nlsd);
	uint64_t lo, hi;

	for (i = 0; i < n && i < max_descs; i++) {
		lo = le64toh(ls->descs[i].dslba);
		hi = lo + le32toh(ls->descs[i].nlb);
		if (lo < slba + nlb && hi > slba)
			return 1;
	}
	return 0;
}

int idr_nvme_lba_allocated(const struct idr_dev *d, uint64_t slba, uint32_t nlb)
{
	union {
		struct nvme_lba_status ls;
		char buf[4096];
	} u;
	__u32 result = 0;
	struct nvme_get_lba_status_args args = {
		.slba = slba,
		.result = &result,
		.lbas = &u.ls,
		.args_size = sizeof(args),
		.timeout = NVME_DEFAULT_IOCTL_TIMEOUT,
		.nsid = d->blk.nsid,
		.mndw = sizeof(u) / 4 - 1,
		.rl = nlb > 0xffff ? 0xffff : (__u16)nlb,
		.atype = (enum nvme_lba_status_atype)IDR_LBA_STATUS_ATYPE_ALLOCATED,
	};
	char path[IDR_DEVNAME_MAX + 8];
	int ret;

	if (!d->nvme.identified || !d->nvme.lba_status)
		return -EOPNOTSUPP;
	snprintf(path, sizeof(path), "/dev/%s", *d->blk.name ? d->blk.name : d->blk.ng);
	memset(&u, 0, sizeof(u));
	args.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (args.fd < 0)
		return -errno;
	ret = nvme_get_lba_status(&args);
	/* libnvme: -1 with errno for the ioctl, > 0 for an NVMe status (Invalid Field: a
	   controller with Get LBA Status but not this action) */
	ret = ret < 0 ? -errno : ret > 0 ? -EOPNOTSUPP : 0;
	close(args.fd);
	return ret ? ret
		   : any_allocated(&u.ls, (sizeof(u) - sizeof(u.ls)) / sizeof(u.ls.descs[0]), slba,
				   nlb);
}

/* A libnvme string attribute into buf, when it has one. */
static void take(char *buf, size_t len, const char *val)
{
	if (val && *val)
		idr_strcpy(buf, len, val);
}

/* What libnvme knows of namespace n (of subsystem s, controller c or NULL) into l. */
static void fill_ns(struct idr_devlist *l, nvme_subsystem_t s, nvme_ctrl_t c, nvme_ns_t n)
{
	struct idr_dev *d = find(l, nvme_ns_get_name(n));
	const char *v;

	if (!d || !d->is_nvme)
		return;
	take(d->nvme.subsys, sizeof(d->nvme.subsys), nvme_subsystem_get_name(s));
	if (!c)
		c = nvme_subsystem_first_ctrl(s);
	if (c) {
		take(d->nvme.ctrl, sizeof(d->nvme.ctrl), nvme_ctrl_get_name(c));
		take(d->nvme.transport, sizeof(d->nvme.transport), nvme_ctrl_get_transport(c));
		take(d->nvme.address, sizeof(d->nvme.address), nvme_ctrl_get_address(c));
		take(d->nvme.state, sizeof(d->nvme.state), nvme_ctrl_get_state(c));
		take(d->blk.firmware, sizeof(d->blk.firmware), nvme_ctrl_get_firmware(c));
		if ((v = nvme_ctrl_get_numa_node(c)) && *v)
			d->nvme.numa_node = atoi(v);
		if ((v = nvme_ctrl_get_queue_count(c)) && *v)
			d->nvme.queue_count = atoi(v);
	}
	if (!d->nvme.identified && nvme_ns_get_fd(n) >= 0 && identify(nvme_ns_get_fd(n), d))
		snprintf(d->nvme.why_not, sizeof(d->nvme.why_not), "Identify failed: %s",
			 strerror(errno));
}

/* Walk the tree as nvme-cli does: nothing under a host, subsystem or controller missed. */
static void walk(struct idr_devlist *l, nvme_root_t r)
{
	nvme_subsystem_t s;
	nvme_host_t h;
	nvme_ctrl_t c;
	nvme_ns_t n;

	nvme_for_each_host(r, h)
	{
		nvme_for_each_subsystem(h, s)
		{
			nvme_subsystem_for_each_ns(s, n) fill_ns(l, s, NULL, n);
			nvme_subsystem_for_each_ctrl(s, c) nvme_ctrl_for_each_ns(c, n)
				fill_ns(l, s, c, n);
		}
	}
}

int idr_nvme_fill(struct idr_devlist *l)
{
	unsigned int i;
	nvme_root_t r;
	FILE *quiet;
	int ret = 0;

	if (!l->nr_nvme)
		return 0;
	/* libnvme logs every namespace it cannot open; what is missing is said per device. */
	quiet = fopen("/dev/null", "we");
	r = nvme_create_root(quiet ? quiet : stderr, LOG_CRIT);
	if (!r) {
		ret = errno ? -errno : -ENOMEM;
		goto out;
	}
	if (nvme_scan_topology(r, NULL, NULL))
		ret = errno ? -errno : -EIO;
	walk(l, r);
	nvme_free_tree(r);
out:
	if (quiet)
		fclose(quiet);
	/* Namespaces libnvme dropped (no access): ask ourselves, to say why. */
	for (i = 0; i < l->n; i++)
		if (l->v[i].is_nvme && !l->v[i].blk.partno && !l->v[i].nvme.identified)
			idr_nvme_identify_one(&l->v[i]);
	return ret;
}
