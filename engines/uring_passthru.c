/*
 * uring_passthru.c - NVMe Read, Write and Flush commands built by the engine and sent
 * through io_uring (IORING_OP_URING_CMD, SQE128/CQE32 rings) to an NVMe generic char
 * device, /dev/ngXnY: no block layer, no filesystem, no page cache on the way.
 *
 * fio twin: io_uring_cmd (cmd_type=nvme) with fixedbufs=1 registerfiles=1. The options keep
 * the twin's names and meanings (fixedbufs, registerfiles, nonvectored, hipri,
 * sqthread_poll, sqthread_poll_cpu, force_async, nowait, cmd_type); here fixedbufs and
 * registerfiles default to 1. Differences:
 *  - nsid, LBA format (data and metadata size, extended or separate metadata) and the
 *    largest transfer come from the device, through nvme/devices.h (sysfs, libnvme's
 *    Identify). bs, blockalign and offsets that are not whole LBAs, transfers above what
 *    the kernel maps (MDTS as queue/max_hw_sectors_kb; a segment per page at worst,
 *    queue/max_segments) and I/O past the namespace's end are refused before any
 *    I/O, naming the option and the limit. nlb and data_len come from one block count
 *    (engines/uring/nvmecmd.h): fio 3.33 sends what bs says, and the device does not check.
 *  - Extended-LBA formats (metadata inline) are addressed as fio's byte stream of
 *    data+metadata blocks: bs a multiple of, e.g., 4104. Separate metadata goes to a
 *    buffer of the engine's (fio 3.33 sends none, and the device DMAs it to address 0).
 *  - An NVMe status in the CQE becomes the errno the block layer reports for it (ENODATA
 *    for an unrecovered read), never retried; fio's error line is followed by one naming
 *    the status, the LBA and the offset (the errdetails hook).
 *  - Only /dev/ngXnY: a block device, a partition or a file is refused with the generic
 *    device to use. Writes go through the core's write guard (idr_open_file), which holds
 *    the namespace's block device with O_EXCL and refuses one with a mount, a filesystem
 *    or a partition table: passthrough goes around the block layer's own checks.
 *  - Kernels before 6.2 let only CAP_SYS_ADMIN send passthrough commands, reads included:
 *    said before any I/O.
 *  - Trim (rw=trim, randtrim, trimwrite) sends Dataset Management with the Deallocate
 *    attribute: an io_u's LBAs as one command of ranges (DMRSL LBAs each, DMRL ranges, as
 *    the NVM command set's Identify Controller reports them; the range list lives in an
 *    engine buffer per io_u). fio 3.33's io_uring_cmd sends BLKDISCARD to the char device
 *    instead, which deallocates nothing (on the NVMe test machine its trim job ends with
 *    exit 0, 0 bytes trimmed, the data kept). A controller without DSM (ONCS bit 2) is refused at
 * init.
 *  - fsync=/fdatasync= send NVMe Flush; sync_file_range is refused; direct=1
 *    is accepted (passthrough is uncached anyway; fio's O_DIRECT open of a char device
 *    would fail with EINVAL).
 * The ring itself lives in engines/uring/ (shared with uring_fixed).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>

#include "core/idr.h"
#include "devices.h"
#include "uring/nvmecmd.h"
#include "uring/opts.h"
#include "uring/ring.h"

struct uring_passthru_options {
	IDR_OPTIONS_HEAD;
	IDR_URING_OPTION_FIELDS;
	unsigned int dsm_range_lbas;
};

IDR_URING_SQPOLL_CPU_CB(uring_passthru_options)

static struct fio_option options[] = {
	IDR_CORE_OPTIONS(struct uring_passthru_options),
	IDR_URING_OPTIONS(
		struct uring_passthru_options,
		"Register the I/O buffers (IORING_URING_CMD_FIXED); fixedbufs=0 to not",
		"NVME_URING_CMD_IO (1, or -1: the default) or NVME_URING_CMD_IO_VEC with one "
		"iovec (0: needs fixedbufs=0)",
		"Use polled completions (IORING_SETUP_IOPOLL): needs poll queues "
		"(nvme.poll_queues=N) to poll for real",
		"Accepted for io_uring_cmd jobs; 1 is refused: passthrough has no RWF_NOWAIT",
		"Accepted for io_uring_cmd jobs: passthrough never caches; with direct=0, "
		"1 is refused (fio's io_uring_cmd sends an RWF flag the kernel refuses)"),
	IDR_URING_OPT(struct uring_passthru_options, "dsm_range_lbas", "DSM range size",
		      FIO_OPT_INT, dsm_range_lbas, "0",
		      "Trim: at most this many LBAs per Dataset Management range (0: the "
		      "controller's DMRSL, else 2^32-1), as the kernel splits a discard by "
		      "its max_discard_sectors"),
	{ .name = NULL },
};

/* A namespace as a job addresses it: the format, and the limits behind max_bytes. */
struct pt_ns {
	struct idr_nvme_fmt fmt; /* first: the hot path reads only this */
	uint32_t max_hw_bytes;	 /* queue/max_hw_sectors_kb: MDTS and the driver's cap */
	uint32_t seg_pages;	 /* queue/max_segments: a segment per page at worst */
	unsigned int mdts;	 /* Identify Controller MDTS (0: none) */
	bool offsets_checked;	 /* the file's offset and size, at its first open */
	bool dsm;		 /* ONCS bit 2: Dataset Management */
	struct idr_nvme_dsm_lim dsm_lim;
	unsigned int dmrl, dmrsl; /* as reported (0: not), for messages and the sidecar */
};

/* Why an I/O failed, kept for errdetails (fio logs the error after the completion). */
enum { PT_ERR_NONE, PT_ERR_STATUS, PT_ERR_KERNEL, PT_ERR_REFUSED };

struct pt_err {
	unsigned long long offset; /* of the I/O, to match it with the one fio logs */
	int res;		   /* NVMe status (> 0), or -errno from kernel or refusal */
	uint32_t cdw0;		   /* the completion's result dword (CQE32 big_cqe[0]) */
	unsigned char kind;	   /* PT_ERR_* */
	unsigned char ddir;
};

/* A 128-byte SQE (IORING_SETUP_SQE128): the NVMe command fills its second half. */
struct pt_sqe {
	struct io_uring_sqe sqe;
	unsigned char rest[64];
};
_Static_assert(sizeof(struct pt_sqe) == 128 &&
		       offsetof(struct io_uring_sqe, cmd) + sizeof(struct nvme_uring_cmd) <= 128,
	       "an NVMe command fits a 128-byte SQE");

struct uring_passthru_data {
	struct idr_ctx core;
	struct idr_ring ring;
	struct pt_ns *ns;     /* per file (fio's file index) */
	struct pt_err *err;   /* per io_u */
	struct iovec *iovecs; /* NVME_URING_CMD_IO_VEC: one per io_u */
	unsigned char *meta;  /* separate metadata: meta_per_io bytes per io_u */
	uint32_t meta_per_io;
	/* trim: DSM range lists, dsm_per_io entries per io_u (not fio's data buffers) */
	struct idr_nvme_dsm_range *dsm;
	unsigned int dsm_per_io;
	unsigned short *dsm_nr;	 /* per io_u: ranges in its list */
	uint32_t cmd_op;	 /* NVME_URING_CMD_IO or NVME_URING_CMD_IO_VEC */
	uint32_t cmd_flags;	 /* IORING_URING_CMD_FIXED with fixedbufs */
	struct cmdprio cmdprio;	 /* fio's, from the cmdprio* options */
	unsigned char sqe_flags; /* IOSQE_FIXED_FILE when the files are registered */
	/* Reads and writes take queue's fast path: a plain_job, after its first submission. */
	bool fast;
	/* What every fast-path SQE starts from (pt_tmpl_init): all but the I/O's own fields. */
	struct pt_sqe tmpl;
	/*
	 * Per SQ slot: it holds the template's fields already (pt_fill_plain wrote it last;
	 * the kernel only reads SQEs), so the next plain command there writes its own only.
	 */
	unsigned char *slot_tmpl;
	unsigned int async_every; /* force_async */
	unsigned int async_count;
	struct {
		uint64_t status;  /* completions with an NVMe status */
		uint64_t kernel;  /* completions with a -errno from the kernel */
		uint64_t refused; /* I/Os refused before sending (never reached the device) */
		uint64_t dsm_cmds, dsm_ranges; /* trims sent: DSM commands and their ranges */
		unsigned int last_status;
	} st;
};

static inline struct uring_passthru_data *ring_data(struct idr_ring *r)
{
	return (struct uring_passthru_data *)((char *)r -
					      offsetof(struct uring_passthru_data, ring));
}

/* ---- which namespace, and what it takes ---------------------------------------------- */

/* What a path that is no /dev/ngXnY names, and the generic device to use instead. */
static int refuse_not_ng(struct thread_data *td, const char *path, const struct idr_dev *d)
{
	const struct idr_blkdev *b = &d->blk;

	if (!d->is_nvme)
		return idr_fail(td, ENOTTY,
				"filename=%s is a block device (%s), not an NVMe namespace: "
				"uring_passthru sends NVMe commands to an NVMe generic char device "
				"(/dev/ngXnY; `iodrill devices` lists them); for this device use "
				"uring_fixed",
				path, *b->kind ? b->kind : "not NVMe");
	if (b->partno)
		return idr_fail(td, ENOTTY,
				"filename=%s is partition %u of %s: NVMe commands address the whole "
				"namespace; its generic char device is /dev/%s (offsets there count "
				"from the namespace's first LBA, not the partition's)",
				path, b->partno, b->disk, *b->ng ? b->ng : "ngXnY (none here)");
	if (!*b->ng)
		return idr_fail(td, ENOTTY,
				"filename=%s is an NVMe block device with no generic char device "
				"(the kernel makes /dev/ngXnY from 5.13): uring_passthru needs one; "
				"use uring_fixed on %s",
				path, path);
	return idr_fail(td, ENOTTY,
			"filename=%s is the namespace's block device: NVMe passthrough goes "
			"through its generic char device; use filename=/dev/%s",
			path, b->ng);
}

/* Kernels before 6.2 let only CAP_SYS_ADMIN send passthrough commands, even reads. */
#define OLD_KERNEL_HINT                                                                      \
	"; before 6.2 the kernel sends NVMe passthrough commands, reads included, only for " \
	"CAP_SYS_ADMIN (6.2+ lets a user with access to /dev/ngXnY read, and write when it " \
	"is open for writing): run fio as root or give it CAP_SYS_ADMIN"

static bool old_kernel(const struct idr_env *env)
{
	return env->kernel_major < 6 || (env->kernel_major == 6 && env->kernel_minor < 2);
}

/* What a path that is no device is: "a regular file", "a directory", ... */
static const char *kind_of(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return "something that cannot be looked at";
	return S_ISREG(st.st_mode)   ? "a regular file"
	       : S_ISDIR(st.st_mode) ? "a directory"
	       : S_ISCHR(st.st_mode) ? "a character device that is no NVMe generic device"
				     : "not a device";
}

/* The path could not be identified: say what it is. Returns 1 after idr_fail. */
static int refuse_unknown(struct thread_data *td, const char *path, int err)
{
	if (err == -ENOTBLK)
		return idr_fail(td, ENOTTY,
				"filename=%s is %s: uring_passthru sends NVMe commands to an NVMe "
				"generic char device, /dev/ngXnY (`iodrill devices` lists them); "
				"for files and other devices use uring_fixed",
				path, kind_of(path));
	if (err == -ENOENT) /* ENODEV: idr_setup lets an ENOENT through, to create a file */
		return idr_fail(td, ENODEV,
				"filename=%s does not exist; uring_passthru needs an NVMe generic "
				"char device (/dev/ngXnY)",
				path);
	return idr_fail(td, -err, "filename=%s: cannot tell what device it is: %s", path,
			strerror(-err));
}

/*
 * The largest transfer d's queue takes: max_hw_sectors_kb (MDTS, and the driver's cap),
 * and max_segments pages. The kernel maps a passthrough buffer one segment per page
 * unless pages happen to be physically adjacent (registered buffers: never on 6.1), so
 * 512 KiB (128 pages) fails with EINVAL on a queue of 127 segments, at random without
 * fixedbufs (seen on the NVMe test machine).
 */
static void ns_limits(const struct idr_dev *d, struct pt_ns *ns)
{
	char dir[IDR_DEVNAME_MAX + 32], buf[32];

	ns->mdts = d->nvme.mdts;
	ns->max_hw_bytes =
		d->blk.max_hw_kb ? d->blk.max_hw_kb * 1024u : (uint32_t)d->nvme.mdts_bytes;
	ns->seg_pages = 0;
	if (*d->blk.name) {
		snprintf(dir, sizeof(dir), "/sys/class/block/%s/queue", d->blk.name);
		if (idr_sysfs_read(dir, "max_segments", buf, sizeof(buf)) > 0)
			ns->seg_pages = (uint32_t)strtoul(buf, NULL, 10);
	}
	ns->fmt.max_bytes = ns->max_hw_bytes;
	if (ns->seg_pages &&
	    (!ns->fmt.max_bytes || ns->seg_pages * (uint64_t)page_size < ns->fmt.max_bytes))
		ns->fmt.max_bytes = ns->seg_pages * (uint32_t)page_size;
}

/* d's format in use into ns. Returns 0, or 1 after idr_fail. */
static int ns_format(struct thread_data *td, const char *path, const struct idr_dev *d,
		     struct pt_ns *ns)
{
	const struct idr_lbaf *lbaf = &d->nvme.lbaf[d->nvme.lbaf_in_use];

	memset(ns, 0, sizeof(*ns));
	ns->fmt.nsid = d->blk.nsid;
	ns->fmt.lba_data = lbaf->data_bytes;
	ns->fmt.lba_meta = lbaf->meta_bytes;
	ns->fmt.extended = d->nvme.extended && lbaf->meta_bytes;
	ns->fmt.nlba = d->nvme.nsze_blocks;
	ns_limits(d, ns);
	ns->dsm = d->nvme.dsm;
	ns->dmrl = d->nvme.dmrl;
	ns->dmrsl = d->nvme.dmrsl;
	idr_nvme_dsm_lim_init(&ns->dsm_lim, d->nvme.dmrl, d->nvme.dmrsl, d->nvme.dmsl);
	if (!ns->fmt.nsid || idr_nvme_fmt_init(&ns->fmt))
		return idr_fail(td, EINVAL,
				"filename=%s: namespace %u has an LBA format no command can "
				"address (%u B data + %u B metadata, %llu LBAs)",
				path, ns->fmt.nsid, lbaf->data_bytes, lbaf->meta_bytes,
				(unsigned long long)d->nvme.nsze_blocks);
	return 0;
}

/* Passthrough to d is not possible for this process: why. Returns 1 after idr_fail. */
static int refuse_passthru(struct thread_data *td, const char *path, const struct idr_dev *d,
			   const struct idr_env *env, const char *why)
{
	if (d->nvme.ng_node && !d->nvme.ng_open_err && old_kernel(env) && !env->cap_sys_admin)
		return idr_fail(td, EACCES,
				"filename=%s: kernel %u.%u sends NVMe passthrough commands, reads "
				"included, only for CAP_SYS_ADMIN, which this process lacks (6.2+ "
				"lets a user with access to /dev/ngXnY read, and write when it is "
				"open for writing): run fio as root or give it CAP_SYS_ADMIN",
				path, env->kernel_major, env->kernel_minor);
	return idr_fail(td, d->nvme.ng_open_err ? -d->nvme.ng_open_err : EACCES,
			"filename=%s: NVMe passthrough is not possible here: %s", path, why);
}

/*
 * What NVMe namespace path names, and whether this process may send it commands: its
 * format and limits into ns, or a refusal naming what to use instead.
 * Returns 0, or 1 after idr_fail.
 */
static int ns_lookup(struct thread_data *td, const char *path, struct pt_ns *ns)
{
	/* What the path is and its Identify data; the write guard looks at safety itself. */
	const struct idr_scan_opts o = { .sys = IDR_SYSFS, .nvme = true };
	struct idr_dev *d = malloc(sizeof(*d));
	struct idr_env env;
	char why[256];
	int ret;

	if (!d)
		return idr_fail(td, ENOMEM, "out of memory looking at filename=%s", path);
	idr_env_read(&env);
	ret = idr_device_identify(&o, path, d);
	if (ret)
		ret = refuse_unknown(td, path, ret);
	else if (d->safety.target == IDR_TARGET_BLOCK)
		ret = refuse_not_ng(td, path, d);
	else if (!idr_dev_passthru(d, &env, why, sizeof(why)))
		ret = refuse_passthru(td, path, d, &env, why);
	else if (!d->nvme.identified)
		ret = idr_fail(td, EACCES,
			       "filename=%s: cannot read the namespace's LBA format: %s", path,
			       d->nvme.why_not);
	else
		ret = ns_format(td, path, d, ns);
	free(d);
	return ret;
}

/* " (4096 B data + 8 B metadata inline: extended LBA)", or "" for a plain format. */
static const char *fmt_note(const struct idr_nvme_fmt *f, char *buf, size_t len)
{
	buf[0] = '\0';
	if (f->extended)
		snprintf(buf, len,
			 " (%u B data + %u B metadata inline: an extended-LBA format "
			 "is addressed in blocks of both)",
			 f->lba_data, f->lba_meta);
	return buf;
}

/* Is one block size of the job whole LBAs? Returns 0, or 1 after idr_fail naming opt. */
static int check_bs_value(struct thread_data *td, const char *path, const struct pt_ns *ns,
			  const char *opt, unsigned long long bs)
{
	const struct idr_nvme_fmt *f = &ns->fmt;
	char note[160];

	if (bs % f->block)
		return idr_fail(td, EINVAL,
				"%s=%llu is not a multiple of the %u-byte LBA of %s%s: NVMe "
				"commands move whole LBAs; use %s=%u or a multiple",
				opt, bs, f->block, path, fmt_note(f, note, sizeof(note)), opt,
				f->block);
	return 0;
}

/* The job's largest transfer against the kernel's limits. Returns 0, or 1 after idr_fail. */
static int check_bs_max(struct thread_data *td, const char *path, const struct pt_ns *ns,
			unsigned long long bs)
{
	unsigned long long pages = (bs + page_size - 1) / page_size;

	if (ns->max_hw_bytes && bs > ns->max_hw_bytes)
		return idr_fail(td, E2BIG,
				"bs=%llu is above the largest transfer %s takes: %u KiB (MDTS %u, "
				"queue/max_hw_sectors_kb %u); the kernel refuses it (EINVAL); use "
				"bs<=%uk",
				bs, path, ns->max_hw_bytes >> 10, ns->mdts, ns->max_hw_bytes >> 10,
				ns->max_hw_bytes >> 10);
	if (ns->seg_pages && pages > ns->seg_pages)
		return idr_fail(td, E2BIG,
				"bs=%llu spans %llu pages, and the kernel maps a passthrough buffer "
				"one segment per page (registered buffers always, others unless "
				"their pages happen to be adjacent): %s takes %u segments "
				"(queue/max_segments); use bs<=%luk",
				bs, pages, path, ns->seg_pages, ns->seg_pages * page_size / 1024);
	if (bs / ns->fmt.block > IDR_NVME_MAX_NLB)
		return idr_fail(td, E2BIG,
				"bs=%llu is more than %u LBAs, the most one NVMe "
				"command moves",
				bs, IDR_NVME_MAX_NLB);
	return 0;
}

/*
 * Trim: the namespace has Dataset Management, and the largest trim fits one command (DMRL
 * ranges of DMRSL LBAs, DMSL LBAs in all; the range list is 4 KiB at most, within any
 * MDTS). Returns 0, or 1 after idr_fail.
 */
static int check_trim(struct thread_data *td, const char *path, const struct pt_ns *ns,
		      unsigned long long bs)
{
	uint64_t most = idr_nvme_dsm_max_bytes(&ns->fmt, &ns->dsm_lim);

	if (!ns->dsm)
		return idr_fail(td, EOPNOTSUPP,
				"rw=%s on %s: the controller does not support Dataset Management "
				"(Identify Controller ONCS bit 2 is 0), the command uring_passthru "
				"trims with; nothing was sent",
				td_random(td)  ? "randtrim"
				: td_write(td) ? "trimwrite"
					       : "trim",
				path);
	if (bs > most)
		return idr_fail(td, E2BIG,
				"bs=%llu: a trim is one Dataset Management command, and %s takes "
				"%llu bytes in one (%u ranges of %u LBAs%s); use bs<=%llu",
				bs, path, (unsigned long long)most, ns->dsm_lim.ranges,
				ns->dsm_lim.range_lbas, ns->dsm_lim.cmd_lbas ? ", DMSL" : "",
				(unsigned long long)most);
	return 0;
}

/*
 * The job's block sizes and alignment against ns: every size fio can pick is whole LBAs
 * and within the limits. Returns 0, or 1 after idr_fail naming the option.
 */
static int check_sizes(struct thread_data *td, const char *path, const struct pt_ns *ns)
{
	struct thread_options *o = &td->o;
	enum fio_ddir dd;
	unsigned int i;

	if (o->bs_unaligned)
		return idr_fail(td, EINVAL,
				"bs_unaligned=1: NVMe commands move whole LBAs of "
				"%u bytes; drop bs_unaligned",
				ns->fmt.block);
	for (dd = DDIR_READ; dd <= DDIR_TRIM; dd++) {
		if (!(dd == DDIR_READ	 ? td_read(td)
		      : dd == DDIR_WRITE ? td_write(td)
					 : td_trim(td)))
			continue;
		if (check_bs_value(td, path, ns, "bs", o->min_bs[dd]) ||
		    check_bs_value(td, path, ns, "bs", o->max_bs[dd]) ||
		    check_bs_value(td, path, ns, "blockalign", o->ba[dd]))
			return 1;
		for (i = 0; i < o->bssplit_nr[dd]; i++)
			if (check_bs_value(td, path, ns, "bssplit", o->bssplit[dd][i].bs))
				return 1;
		/* fio aligns bsrange picks to min bs only when it is a power of two. */
		if (o->min_bs[dd] != o->max_bs[dd] && !o->bssplit_nr[dd] && !ns->fmt.shift &&
		    o->min_bs[dd] & (o->min_bs[dd] - 1))
			return idr_fail(td, EINVAL,
					"bsrange=%llu-%llu on %s: fio picks sizes in a "
					"range aligned only to a power-of-two minimum, and %u-byte "
					"LBAs are not one; use one bs or bssplit",
					o->min_bs[dd], o->max_bs[dd], path, ns->fmt.block);
		if (dd == DDIR_TRIM ? check_trim(td, path, ns, o->max_bs[dd])
				    : check_bs_max(td, path, ns, o->max_bs[dd]))
			return 1;
	}
	return 0;
}

/*
 * At the file's first open (fio has set its offset and size by then): the region is
 * whole LBAs inside the namespace. Returns 0, or 1 after idr_fail naming offset/size.
 */
static int check_region(struct thread_data *td, struct fio_file *f, const struct pt_ns *ns)
{
	unsigned long long end = idr_nvme_fmt_bytes(&ns->fmt);
	const struct idr_nvme_fmt *fm = &ns->fmt;
	char note[160];

	if (f->file_offset % fm->block)
		return idr_fail(td, EINVAL,
				"offset=%llu is not a multiple of the %u-byte LBA of %s%s; use an "
				"offset of whole LBAs",
				(unsigned long long)f->file_offset, fm->block, f->file_name,
				fmt_note(fm, note, sizeof(note)));
	if (f->file_offset >= end || f->io_size > end - f->file_offset)
		return idr_fail(td, ERANGE,
				"offset=%llu size=%llu reaches past the end of %s: the namespace "
				"holds %llu bytes (%llu LBAs of %u B)",
				(unsigned long long)f->file_offset, (unsigned long long)f->io_size,
				f->file_name, end, (unsigned long long)fm->nlba, fm->block);
	return 0;
}

/* ---- the command ---------------------------------------------------------------------- */

static inline unsigned char async_flag(struct uring_passthru_data *pd)
{
	if (!pd->async_every || ++pd->async_count < pd->async_every)
		return 0;
	pd->async_count = 0;
	return IOSQE_ASYNC;
}

/*
 * Fill the 128-byte SQE for io_u: every field the kernel reads is written once (the slot
 * holds an old command). Flush (fsync, fdatasync) moves no data.
 */
static inline void pt_fill(struct uring_passthru_data *pd, struct io_uring_sqe *sqe,
			   struct io_u *io_u, const struct idr_nvme_rw *rw)
{
	struct fio_file *f = io_u->file;
	struct nvme_uring_cmd *cmd = (struct nvme_uring_cmd *)sqe->cmd;
	bool data = rw->data_len != 0;
	struct iovec *iov;

	pd->slot_tmpl[((char *)sqe - (char *)pd->ring.sqes) / sizeof(struct pt_sqe)] = 0;
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->flags = pd->sqe_flags | async_flag(pd);
	sqe->ioprio = 0;
	sqe->fd = pd->sqe_flags ? (int)f->fileno : f->fd;
	sqe->cmd_op = data ? pd->cmd_op : NVME_URING_CMD_IO;
	sqe->__pad1 = 0;
	sqe->addr = 0;
	sqe->len = 0;
	sqe->uring_cmd_flags = data ? pd->cmd_flags : 0;
	sqe->user_data = io_u->index;
	sqe->buf_index = (uint16_t)io_u->index;
	sqe->personality = 0;
	sqe->splice_fd_in = 0;
	*cmd = (struct nvme_uring_cmd){
		.opcode = io_u->ddir == DDIR_READ    ? IDR_NVME_CMD_READ
			  : io_u->ddir == DDIR_WRITE ? IDR_NVME_CMD_WRITE
						     : IDR_NVME_CMD_FLUSH,
		.nsid = pd->ns[f->fileno].fmt.nsid,
		.addr = (uintptr_t)io_u->xfer_buf,
		.data_len = rw->data_len,
		.cdw10 = (uint32_t)rw->slba,
		.cdw11 = (uint32_t)(rw->slba >> 32),
		.cdw12 = rw->nlb,
	};
	if (!data) {
		cmd->addr = 0;
		return;
	}
	if (rw->meta_len) {
		cmd->metadata = (uintptr_t)(pd->meta + (size_t)io_u->index * pd->meta_per_io);
		cmd->metadata_len = rw->meta_len;
	}
	if (pd->cmd_op == NVME_URING_CMD_IO_VEC) {
		iov = &pd->iovecs[io_u->index];
		iov->iov_base = io_u->xfer_buf;
		iov->iov_len = rw->data_len;
		cmd->addr = (uintptr_t)iov;
		cmd->data_len = 1; /* the number of iovecs */
	}
}

static inline struct idr_nvme_dsm_range *dsm_list(struct uring_passthru_data *pd,
						  const struct io_u *io_u)
{
	return pd->dsm + (size_t)io_u->index * pd->dsm_per_io;
}

/*
 * A trim, after pt_fill: Dataset Management with the Deallocate attribute, NR (0-based)
 * in cdw10, the io_u's range list (the engine's, never registered) as the data.
 */
static void pt_fill_dsm(struct uring_passthru_data *pd, struct io_uring_sqe *sqe,
			const struct io_u *io_u)
{
	struct nvme_uring_cmd *cmd = (struct nvme_uring_cmd *)sqe->cmd;
	unsigned int nr = pd->dsm_nr[io_u->index];

	sqe->cmd_op = NVME_URING_CMD_IO;
	sqe->uring_cmd_flags = 0;
	cmd->opcode = IDR_NVME_CMD_DSM;
	cmd->addr = (uintptr_t)dsm_list(pd, io_u);
	cmd->data_len = nr * (uint32_t)sizeof(struct idr_nvme_dsm_range);
	cmd->metadata = 0;
	cmd->metadata_len = 0;
	cmd->cdw10 = nr - 1;
	cmd->cdw11 = IDR_NVME_DSM_AD;
	cmd->cdw12 = 0;
}

/* NVMe opcodes of the fast path's two directions. */
static const unsigned char rw_opcode[] = {
	[DDIR_READ] = IDR_NVME_CMD_READ,
	[DDIR_WRITE] = IDR_NVME_CMD_WRITE,
};

/*
 * Does every read and write of this job take queue's fast path? Not with what pt_fill
 * handles beside a plain command: cmdprio (fio's per-I/O choice and statistics),
 * force_async, NVME_URING_CMD_IO_VEC's iovec, separate metadata.
 */
static bool plain_job(const struct uring_passthru_data *pd)
{
	return pd->cmdprio.mode == CMDPRIO_MODE_NONE && !pd->async_every &&
	       pd->cmd_op == NVME_URING_CMD_IO && !pd->meta_per_io;
}

/*
 * The template of a plain read or write: what pt_fill writes that does not change from
 * one I/O to the next (opcode, the SQE's and the command's flags; 0 everywhere else).
 * After the ring is set up: sqe_flags depends on the files being registered.
 */
static void pt_tmpl_init(struct uring_passthru_data *pd)
{
	struct io_uring_sqe *sqe = &pd->tmpl.sqe;

	memset(&pd->tmpl, 0, sizeof(pd->tmpl));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->flags = pd->sqe_flags;
	sqe->cmd_op = NVME_URING_CMD_IO;
	sqe->uring_cmd_flags = pd->cmd_flags;
}

/*
 * pt_fill for a plain job's read or write at SQ position pos: the whole 128-byte SQE from
 * the template unless the slot holds it already (an old plain command), then the fields
 * of this I/O, the same values pt_fill writes.
 */
static inline void pt_fill_plain(struct uring_passthru_data *pd, unsigned int pos,
				 struct io_u *io_u, uint32_t nsid, const struct idr_nvme_rw *rw)
{
	struct io_uring_sqe *sqe = idr_ring_sqe_at(&pd->ring, pos);
	struct nvme_uring_cmd *cmd = (struct nvme_uring_cmd *)sqe->cmd;
	unsigned int slot = pos & pd->ring.sq_mask;
	struct fio_file *f = io_u->file;

	if (__builtin_expect(!pd->slot_tmpl[slot], 0)) {
		memcpy(sqe, &pd->tmpl, sizeof(pd->tmpl));
		pd->slot_tmpl[slot] = 1;
	}
	sqe->fd = pd->sqe_flags ? (int)f->fileno : f->fd;
	sqe->user_data = io_u->index;
	sqe->buf_index = (uint16_t)io_u->index;
	cmd->opcode = rw_opcode[io_u->ddir];
	cmd->nsid = nsid;
	cmd->addr = (uintptr_t)io_u->xfer_buf;
	cmd->data_len = rw->data_len;
	cmd->cdw10 = (uint32_t)rw->slba;
	cmd->cdw11 = (uint32_t)(rw->slba >> 32);
	cmd->cdw12 = rw->nlb;
}

/* The ring resubmits an I/O whose CQE said -EAGAIN: the same command again. */
static void uring_passthru_prep(struct idr_ring *r, struct io_uring_sqe *sqe, struct io_u *io_u)
{
	struct uring_passthru_data *pd = ring_data(r);
	struct idr_nvme_rw rw = { 0 };

	if (io_u->ddir == DDIR_READ || io_u->ddir == DDIR_WRITE) /* fio's ddir_rw: trim too */
		idr_nvme_rw_map(&pd->ns[io_u->file->fileno].fmt, io_u->offset, io_u->xfer_buflen,
				&rw); /* it passed once, in queue */
	pt_fill(pd, sqe, io_u, &rw);
	if (io_u->ddir == DDIR_TRIM)
		pt_fill_dsm(pd, sqe, io_u); /* its range list is still in place */
}

/* Keep why io_u failed for errdetails. */
static void pt_note_err(struct uring_passthru_data *pd, struct io_u *io_u, unsigned char kind,
			int res, uint32_t cdw0)
{
	pd->err[io_u->index] = (struct pt_err){ .offset = io_u->offset,
						.res = res,
						.cdw0 = cdw0,
						.kind = kind,
						.ddir = (unsigned char)io_u->ddir };
}

/*
 * A CQE res other than 0 (the ring's res0_whole: 0 is success, all bytes, and never
 * comes here): > 0 an NVMe status, < 0 a -errno.
 */
static long long uring_passthru_result(struct idr_ring *r, const struct io_uring_cqe *cqe, int res,
				       struct io_u *io_u)
{
	struct uring_passthru_data *pd = ring_data(r);
	uint32_t cdw0 = (uint32_t)cqe->big_cqe[0];

	if (res < 0) {
		pd->st.kernel++;
		pt_note_err(pd, io_u, PT_ERR_KERNEL, res, cdw0);
		return res;
	}
	pd->st.status++;
	pd->st.last_status = (unsigned int)res;
	pt_note_err(pd, io_u, PT_ERR_STATUS, res, cdw0);
	/* A status whose code is 0 with More/DNR set is no success either. */
	return -(idr_nvme_status_errno((unsigned int)res) ?: EIO);
}

static const struct idr_ring_ops ring_ops = {
	.prep = uring_passthru_prep,
	.result = uring_passthru_result,
};

/* An I/O no command can carry (checked at init; fio can still shorten a last block). */
static enum fio_q_status pt_refuse(struct uring_passthru_data *pd, struct io_u *io_u, int err)
{
	pd->st.refused++;
	pt_note_err(pd, io_u, PT_ERR_REFUSED, err, 0);
	idr_io_u_done(&pd->core, io_u, err == -ERANGE ? -EINVAL : err);
	return FIO_Q_COMPLETED;
}

/*
 * queue's general case: the first submission, a trim or a flush, cmdprio, force_async,
 * NVME_URING_CMD_IO_VEC, separate metadata, a refusal, a full SQ.
 */
static __attribute__((noinline)) enum fio_q_status uring_passthru_queue_any(
	struct thread_data *td, struct uring_passthru_data *pd, struct io_u *io_u)
{
	struct idr_nvme_rw rw = { 0 };
	struct io_uring_sqe *sqe;
	int ret;

	idr_submit_begin(&pd->core);
	pd->fast = plain_job(pd); /* from now on: idr_submit_begin has nothing left to do */
	if (__builtin_expect(io_u->ddir == DDIR_TRIM, 0)) {
		ret = idr_nvme_dsm_map(&pd->ns[io_u->file->fileno].fmt,
				       &pd->ns[io_u->file->fileno].dsm_lim, io_u->offset,
				       io_u->xfer_buflen, dsm_list(pd, io_u), pd->dsm_per_io);
		if (ret < 0)
			return pt_refuse(pd, io_u, ret);
		pd->dsm_nr[io_u->index] = (unsigned short)ret;
	} else if (__builtin_expect(ddir_rw(io_u->ddir), 1)) {
		/*
		 * fio's choice and per-class statistics, as io_uring_cmd makes them; the NVMe
		 * passthrough path carries no I/O priority (the kernel builds the request
		 * without one), so nothing more goes into the command.
		 */
		idr_cmdprio(td, &pd->cmdprio, io_u);
		ret = idr_nvme_rw_map(&pd->ns[io_u->file->fileno].fmt, io_u->offset,
				      io_u->xfer_buflen, &rw);
		if (__builtin_expect(ret != 0, 0))
			return pt_refuse(pd, io_u, ret);
	}
	sqe = idr_ring_sqe(&pd->ring);
	if (__builtin_expect(!sqe, 0)) {
		pd->core.cnt.busy++;
		return FIO_Q_BUSY;
	}
	pt_fill(pd, sqe, io_u, &rw);
	if (io_u->ddir == DDIR_TRIM) {
		pt_fill_dsm(pd, sqe, io_u);
		pd->st.dsm_cmds++;
		pd->st.dsm_ranges += pd->dsm_nr[io_u->index];
	}
	idr_ring_push(&pd->ring, io_u);
	return FIO_Q_QUEUED;
}

/*
 * The hot path: a read or write of a plain job after its first submission (pd->fast),
 * that maps to a command, with room in the SQ. It calls nothing: the template's copy and
 * the I/O's own fields. Everything else goes to uring_passthru_queue_any, which also
 * refuses what does not map. The SQ-full test comes
 * first, as in uring_fixed's queue: its acquire load would make the compiler read io_u's
 * fields again after it.
 */
static enum fio_q_status uring_passthru_queue(struct thread_data *td, struct io_u *io_u)
{
	struct uring_passthru_data *pd = (struct uring_passthru_data *)idr_ctx(td);
	struct idr_ring *r = &pd->ring;
	struct idr_nvme_rw rw;
	const struct idr_nvme_fmt *fmt;

	fio_ro_check(td, io_u);
	if (__builtin_expect(idr_ring_sq_full(r) || io_u->ddir > DDIR_WRITE || !pd->fast, 0))
		return uring_passthru_queue_any(td, pd, io_u);
	fmt = &pd->ns[io_u->file->fileno].fmt;
	if (__builtin_expect(idr_nvme_rw_map(fmt, io_u->offset, io_u->xfer_buflen, &rw) != 0, 0))
		return uring_passthru_queue_any(td, pd, io_u); /* refuses it */
	pt_fill_plain(pd, r->sq_tail, io_u, fmt->nsid, &rw);
	idr_ring_push(r, io_u);
	return FIO_Q_QUEUED;
}

/* ---- fio's error line: what the device or the kernel said ------------------------------ */

/* "read of 4096 bytes at offset 4194304 (LBA 8192, 8 LBAs of 512 B)" into buf. */
static void io_words(const struct uring_passthru_data *pd, const struct io_u *io_u, char *buf,
		     size_t len)
{
	const struct idr_nvme_fmt *f = &pd->ns[io_u->file->fileno].fmt;

	if (!ddir_rw(io_u->ddir)) { /* fio's ddir_rw: read, write and trim */
		snprintf(buf, len, "flush of namespace %u", f->nsid);
		return;
	}
	snprintf(buf, len, "%s of %llu bytes at offset %llu (LBA %llu, %llu LBAs of %u B)",
		 io_u->ddir == DDIR_READ    ? "read"
		 : io_u->ddir == DDIR_WRITE ? "write"
					    : "trim (Dataset Management, deallocate)",
		 io_u->xfer_buflen, io_u->offset, io_u->offset / f->block,
		 io_u->xfer_buflen / f->block, f->block);
}

/* What the kernel's -errno means for a passthrough command. */
static const char *kernel_hint(int res)
{
	switch (res) {
	case -EACCES:
	case -EPERM:
		return OLD_KERNEL_HINT;
	case -EINVAL:
		return "; the kernel could not map the command's buffer (above "
		       "queue/max_hw_sectors_kb, or more pages than queue/max_segments?)";
	case -EOPNOTSUPP:
		return "; with hipri=1: this kernel or device cannot poll passthrough commands";
	default:
		return "";
	}
}

static char *uring_passthru_errdetails(struct io_u *io_u)
{
	struct uring_passthru_data *pd = io_u->file ? FILE_ENG_DATA(io_u->file) : NULL;
	char *msg = malloc(1024), what[160], status[192];
	const struct pt_err *e;

	if (!msg)
		return NULL;
	e = pd ? &pd->err[io_u->index] : NULL;
	if (!e || e->kind == PT_ERR_NONE || e->offset != io_u->offset ||
	    e->ddir != (unsigned char)io_u->ddir) {
		snprintf(msg, 1024,
			 "uring_passthru: no NVMe status for this I/O: fio set error "
			 "%u itself",
			 io_u->error);
		return msg;
	}
	io_words(pd, io_u, what, sizeof(what));
	if (e->kind == PT_ERR_STATUS)
		snprintf(msg, 1024,
			 "uring_passthru: %s of %s (nsid %u) failed with %s, result "
			 "0x%x; reported as %s, not retried",
			 what, io_u->file->file_name, pd->ns[io_u->file->fileno].fmt.nsid,
			 idr_nvme_status_str((unsigned int)e->res, status, sizeof(status)), e->cdw0,
			 strerror(io_u->error));
	else if (e->kind == PT_ERR_KERNEL)
		snprintf(msg, 1024, "uring_passthru: the kernel refused the %s of %s: %s%s", what,
			 io_u->file->file_name, strerror(-e->res), kernel_hint(e->res));
	else
		snprintf(msg, 1024, "uring_passthru: not sent: the %s of %s %s", what,
			 io_u->file->file_name,
			 e->res == -E2BIG ? "is above the most one command of this namespace takes"
			 : e->res == -ERANGE ? "reaches past the end of the namespace"
					     : "is not whole LBAs");
	return msg;
}

/* ---- set-up and tear-down ---------------------------------------------------------------- */

/*
 * hipri=1 on kernel 6.1: several rings polling passthrough commands on one controller at
 * once crash it (a general protection fault in bio_poll, called from
 * nvme_ns_chr_uring_cmd_iopoll: seen on the NVMe test machine, with fio's io_uring_cmd
 * too). One ring alone is fine, so say it rather than refuse: a notice, as fio's own
 * warnings are (its log, normal output mode; and the sidecar).
 */
static void warn_iopoll_kernel(struct thread_data *td)
{
	struct idr_env env;

	idr_env_read(&env);
	if (env.kernel_major != 6 || env.kernel_minor != 1)
		return;
	idr_notice(td, "warning",
		   "hipri=1 on kernel 6.1: several jobs polling NVMe passthrough "
		   "commands on one controller at once crash this kernel (general protection "
		   "fault in bio_poll); run one hipri job per controller at a time");
}

/* Options the device or the kernel cannot honour, refused by name. Returns 0 or 1. */
static int check_options(struct thread_data *td, const struct uring_passthru_options *o)
{
	if (td->sync_file_range_nr)
		return idr_fail(td, EINVAL,
				"sync_file_range=: NVMe has no ranged flush; use "
				"fsync=N (an NVMe Flush command)");
	if (o->nowait)
		return idr_fail(td, EINVAL,
				"nowait=1: passthrough commands have no RWF_NOWAIT "
				"(the kernel refuses the flag with EINVAL); drop nowait");
	/* fio's io_uring_cmd puts RWF_UNCACHED in uring_cmd_flags: every I/O gets EINVAL. */
	if (o->uncached && !td->o.odirect)
		return idr_fail(td, EINVAL,
				"uncached=%u: passthrough commands never go through the "
				"page cache and take no RWF flags (the kernel refuses one with EINVAL); "
				"drop uncached",
				o->uncached);
	if (o->fixedbufs && o->nonvectored == 0)
		return idr_fail(td, EINVAL,
				"nonvectored=0 with fixedbufs=1: the kernel takes "
				"registered buffers only for NVME_URING_CMD_IO; set fixedbufs=0 for "
				"NVME_URING_CMD_IO_VEC");
	return 0;
}

/* The most ranges one of the job's trims takes on ns (check_trim kept it in one command). */
static unsigned int dsm_ranges(struct thread_data *td, const struct pt_ns *ns)
{
	uint64_t lbas = td->o.max_bs[DDIR_TRIM] / ns->fmt.block;
	uint64_t n = (lbas + ns->dsm_lim.range_lbas - 1) / ns->dsm_lim.range_lbas;

	return n ? (unsigned int)n : 1;
}

/*
 * Every file of the job: the namespace, its sizes against the job's, and the bytes of
 * separate metadata one I/O can need. Returns 0, or 1 after idr_fail.
 */
static int ns_all(struct thread_data *td, struct uring_passthru_data *pd)
{
	const struct uring_passthru_options *o = td->eo;
	unsigned long long max_bs = td_max_bs(td);
	struct fio_file *f;
	uint64_t meta;
	unsigned int i;

	pd->ns = calloc(td->files_index ? td->files_index : 1, sizeof(*pd->ns));
	if (!pd->ns)
		return idr_fail(td, ENOMEM, "out of memory for %u files", td->files_index);
	for_each_file(td, f, i)
	{
		if (ns_lookup(td, f->file_name, &pd->ns[i]))
			return 1;
		if (o->dsm_range_lbas && o->dsm_range_lbas < pd->ns[i].dsm_lim.range_lbas)
			pd->ns[i].dsm_lim.range_lbas = o->dsm_range_lbas;
		if (check_sizes(td, f->file_name, &pd->ns[i]))
			return 1;
		meta = max_bs / pd->ns[i].fmt.block * pd->ns[i].fmt.meta_sep;
		if (meta > pd->meta_per_io)
			pd->meta_per_io = (uint32_t)meta;
		if (td_trim(td) && dsm_ranges(td, &pd->ns[i]) > pd->dsm_per_io)
			pd->dsm_per_io = dsm_ranges(td, &pd->ns[i]);
		FILE_SET_ENG_DATA(f, pd); /* errdetails finds the job through the file */
	}
	return 0;
}

/* The per-I/O tables: error notes, iovecs, separate metadata buffers. Returns 0 or 1. */
static int pt_alloc(struct thread_data *td, struct uring_passthru_data *pd)
{
	unsigned int n = pd->core.nr_io_us;

	pd->err = calloc(n, sizeof(*pd->err));
	if (pd->cmd_op == NVME_URING_CMD_IO_VEC)
		pd->iovecs = calloc(n, sizeof(*pd->iovecs));
	if (pd->meta_per_io &&
	    posix_memalign((void **)&pd->meta, (size_t)page_size, (size_t)n * pd->meta_per_io))
		pd->meta = NULL;
	if (pd->dsm_per_io) {
		if (posix_memalign((void **)&pd->dsm, (size_t)page_size,
				   (size_t)n * pd->dsm_per_io * sizeof(*pd->dsm)))
			pd->dsm = NULL;
		pd->dsm_nr = calloc(n, sizeof(*pd->dsm_nr));
	}
	if (!pd->err || (pd->cmd_op == NVME_URING_CMD_IO_VEC && !pd->iovecs) ||
	    (pd->meta_per_io && !pd->meta) || (pd->dsm_per_io && (!pd->dsm || !pd->dsm_nr)))
		return idr_fail(td, ENOMEM, "out of memory for iodepth=%u", n);
	if (pd->meta)
		memset(pd->meta, 0, (size_t)n * pd->meta_per_io);
	return 0;
}

static int uring_passthru_init(struct thread_data *td)
{
	struct uring_passthru_options *o = td->eo;
	struct uring_passthru_data *pd;
	struct idr_ring_cfg cfg = {
		.required = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
			    (o->hipri ? IORING_SETUP_IOPOLL : 0) |
			    (o->sqpoll ? IORING_SETUP_SQPOLL : 0),
		.sq_aff = o->sqpoll && o->sqpoll_cpu_set,
		.sq_thread_cpu = o->sqpoll_cpu,
		.sq_thread_idle_ms = o->sqpoll_idle_ms,
		/* A trim-only job has no data buffers (fio allocates none): nothing to register. */
		.fixedbufs = o->fixedbufs && (td_read(td) || td_write(td)),
		.registerfiles = o->registerfiles,
		.retry_eagain = true,
		.res0_whole = true, /* res 0: NVMe success; > 0: an NVMe status */
		.ops = &ring_ops,
	};

	if (check_options(td, o))
		return 1;
	pd = (struct uring_passthru_data *)idr_init(td, "uring_passthru", sizeof(*pd));
	if (!pd)
		return 1;
	if (o->hipri)
		warn_iopoll_kernel(td);
	pd->cmd_op = o->nonvectored == 0 ? NVME_URING_CMD_IO_VEC : NVME_URING_CMD_IO;
	pd->cmd_flags = cfg.fixedbufs ? IORING_URING_CMD_FIXED : 0;
	pd->async_every = o->force_async;
	/* fio's own parser of the cmdprio* options; it says what is wrong itself. */
	if (fio_cmdprio_init(td, &pd->cmdprio, &o->cmdprio))
		return idr_fail(td, EINVAL, "the cmdprio options (see the line above)");
	if (ns_all(td, pd) || pt_alloc(td, pd))
		return 1;
	return idr_ring_init(&pd->core, &pd->ring, &cfg);
}

/* The first file's namespace, for the sidecar. */
static void note_format(struct uring_passthru_data *pd)
{
	const struct pt_ns *ns = &pd->ns[0];

	idr_note_u64(&pd->core, "nsid", ns->fmt.nsid);
	idr_note_u64(&pd->core, "lba_data_bytes", ns->fmt.lba_data);
	idr_note_u64(&pd->core, "lba_meta_bytes", ns->fmt.lba_meta);
	idr_note_str(&pd->core, "metadata",
		     !ns->fmt.lba_meta	? "none"
		     : ns->fmt.extended ? "extended: inline, part of fio's blocks"
					: "separate: an engine buffer, not verified");
	idr_note_u64(&pd->core, "block_bytes", ns->fmt.block);
	idr_note_u64(&pd->core, "max_transfer_bytes", ns->fmt.max_bytes);
	if (td_trim(pd->core.td)) {
		idr_note_str(&pd->core, "trim", "NVMe Dataset Management, deallocate");
		idr_note_u64(&pd->core, "dsm_dmrl", ns->dmrl);
		idr_note_u64(&pd->core, "dsm_dmrsl", ns->dmrsl);
		idr_note_u64(&pd->core, "dsm_range_lbas", ns->dsm_lim.range_lbas);
	}
	idr_note_str(&pd->core, "cmd_op",
		     pd->cmd_op == NVME_URING_CMD_IO ? "NVME_URING_CMD_IO"
						     : "NVME_URING_CMD_IO_VEC");
}

static int uring_passthru_post_init(struct thread_data *td)
{
	struct uring_passthru_data *pd = (struct uring_passthru_data *)idr_ctx(td);

	if (idr_ring_post_init(&pd->core, &pd->ring))
		return 1;
	pd->sqe_flags = pd->ring.files_registered ? IOSQE_FIXED_FILE : 0;
	pt_tmpl_init(pd);
	pd->slot_tmpl = calloc(pd->ring.sq_entries, 1);
	if (!pd->slot_tmpl)
		return idr_fail(td, ENOMEM, "out of memory for %u SQ slots", pd->ring.sq_entries);
	if (pd->core.td->files_index)
		note_format(pd);
	return 0;
}

static int uring_passthru_get_file_size(struct thread_data *td, struct fio_file *f)
{
	struct pt_ns ns;

	if (fio_file_size_known(f))
		return 0;
	if (ns_lookup(td, f->file_name, &ns))
		return 1;
	f->real_file_size = idr_nvme_fmt_bytes(&ns.fmt);
	fio_file_set_size_known(f);
	return 0;
}

/*
 * Open the generic device. Passthrough never goes through a cache, so direct=1 is what it
 * does anyway; but a char device refuses O_DIRECT at open (EINVAL: no direct_IO), so
 * fio's open runs with direct=0 for the moment.
 */
static int uring_passthru_open_file(struct thread_data *td, struct fio_file *f)
{
	struct uring_passthru_data *pd = (struct uring_passthru_data *)idr_ctx(td);
	unsigned int odirect = td->o.odirect;
	struct pt_ns *ns;
	int ret;

	if (pd) {
		ns = &pd->ns[f->fileno];
		if (!ns->offsets_checked && check_region(td, f, ns))
			return 1;
		ns->offsets_checked = true;
	}
	td->o.odirect = 0;
	ret = idr_ring_fio_open_file(td, f);
	td->o.odirect = odirect;
	return ret;
}

static void uring_passthru_cleanup(struct thread_data *td)
{
	struct uring_passthru_data *pd = (struct uring_passthru_data *)idr_ctx(td);
	struct fio_file *f;
	unsigned int i;

	if (pd) {
		idr_ring_exit(&pd->core, &pd->ring);
		idr_note_u64(&pd->core, "nvme_status_errors", pd->st.status);
		idr_note_u64(&pd->core, "kernel_errors", pd->st.kernel);
		idr_note_u64(&pd->core, "refused_ios", pd->st.refused);
		if (td_trim(td)) {
			idr_note_u64(&pd->core, "dsm_commands", pd->st.dsm_cmds);
			idr_note_u64(&pd->core, "dsm_ranges", pd->st.dsm_ranges);
		}
		if (pd->st.status)
			idr_note_u64(&pd->core, "last_nvme_status", pd->st.last_status);
		for_each_file(td, f, i) if (FILE_ENG_DATA(f) == pd) FILE_SET_ENG_DATA(f, NULL);
		free(pd->ns);
		free(pd->err);
		free(pd->iovecs);
		free(pd->meta);
		free(pd->dsm);
		free(pd->dsm_nr);
		free(pd->slot_tmpl);
		fio_cmdprio_cleanup(&pd->cmdprio);
	}
	idr_cleanup(td);
}

/* The ring's fio hooks find core and ring at the head of the private data. */
_Static_assert(offsetof(struct uring_passthru_data, core) == 0 &&
		       offsetof(struct uring_passthru_data, ring) ==
			       offsetof(struct idr_ring_engine, ring),
	       "struct uring_passthru_data must begin with core, then ring");

struct ioengine_ops ioengine IDR_EXPORT = {
	.name = "iodrill-uring_passthru",
	.version = FIO_IOOPS_VERSION,
	/* One task submits (SINGLE_ISSUER, DEFER_TASKRUN): no io_submit_mode=offload. */
	.flags = FIO_ASYNCIO_SETS_ISSUE_TIME | FIO_NO_OFFLOAD | FIO_MEMALIGN | FIO_RAWIO,
	.setup = idr_setup,
	.init = uring_passthru_init,
	.post_init = uring_passthru_post_init,
	.io_u_init = idr_io_u_init,
	.queue = uring_passthru_queue,
	.commit = idr_ring_fio_commit,
	.getevents = idr_ring_fio_getevents,
	.event = idr_event,
	.errdetails = uring_passthru_errdetails,
	.cleanup = uring_passthru_cleanup,
	.open_file = uring_passthru_open_file,
	.close_file = idr_ring_fio_close_file,
	.get_file_size = uring_passthru_get_file_size,
	.options = options,
	.option_struct_size = sizeof(struct uring_passthru_options),
};
