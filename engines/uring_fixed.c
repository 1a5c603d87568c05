/*
 * uring_fixed.c - io_uring with registered buffers and registered files by default.
 *
 * fio twin: io_uring with fixedbufs=1 registerfiles=1. The options keep the twin's names
 * and meanings (fixedbufs, registerfiles, nonvectored, hipri, sqthread_poll,
 * sqthread_poll_cpu, force_async, nowait), so an A/B job differs only in ioengine=; here
 * fixedbufs and registerfiles default to 1. Differences: the ring is set up with the
 * modern flags the kernel has (a fallback ladder, see engines/uring/setup.c) and the
 * flags in use go into the sidecar; commit and getevents share one io_uring_enter when
 * fio's queue is full; short transfers go back to fio through resid, a CQE -EAGAIN is
 * resubmitted, no completion is ever dropped (fio's commit discards CQEs when the enter
 * says EAGAIN); iodepth is not rounded up to a power of two; files are registered as fio
 * opens them, so open_files < nrfiles works; hipri on a device that cannot poll says so;
 * buffers are page-aligned even for buffered I/O. Trim goes through the ring, where
 * io_uring has it (the twin runs every trim in place with BLKDISCARD, which fails with
 * ENOTTY on a regular file): a regular file gets IORING_OP_FALLOCATE punching a hole; a
 * block device BLKDISCARD in place, as the twin. Not the block layer's BLOCK_URING_CMD_DISCARD
 * (6.12+): with IOSQE_IO_DRAIN on a DEFER_TASKRUN ring its lazily woken completion never
 * wakes a wait for more than one CQE (measured on 6.18: wait_nr 2 or 8 hangs, 1 does not).
 * A trim SQE carries IOSQE_IO_DRAIN: it waits for what went before and nothing after it
 * starts before it ends, as with the twin's in-place trim. The sidecar says which path
 * ran (engine_facts trim_block, trim_file) and counts the trims.
 * The ring itself lives in engines/uring/ (shared with uring_passthru).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "core/idr.h"
#include "uring/opts.h"
#include "uring/ring.h"

struct uring_fixed_options {
	IDR_OPTIONS_HEAD;
	IDR_URING_OPTION_FIELDS;
};

IDR_URING_SQPOLL_CPU_CB(uring_fixed_options)

static struct fio_option options[] = {
	IDR_CORE_OPTIONS(struct uring_fixed_options),
	IDR_URING_OPTIONS(struct uring_fixed_options,
			  "Register the I/O buffers (READ_FIXED/WRITE_FIXED); fixedbufs=0 to not",
			  "With fixedbufs=0: READ/WRITE (1) or READV/WRITEV (0); -1: READ/WRITE when "
			  "the kernel has them",
			  "Use polled completions (IORING_SETUP_IOPOLL): O_DIRECT on a device with poll "
			  "queues",
			  "Use RWF_NOWAIT for reads/writes: -EAGAIN reaches fio instead of blocking",
			  "Buffered reads/writes drop their pages when done (RWF_DONTCACHE, Linux "
			  "6.14+; fio 3.33 sends 0x40, RWF_ATOMIC on today's kernels)"),
	{ .name = NULL },
};

/* Which opcode column: registered buffers, plain buffers, one-iovec vectors. */
enum { OPS_FIXED, OPS_PLAIN, OPS_VECTORED };

static const unsigned char op_table[DDIR_SYNC_FILE_RANGE + 1][3] = {
	[DDIR_READ] = { IORING_OP_READ_FIXED, IORING_OP_READ, IORING_OP_READV },
	[DDIR_WRITE] = { IORING_OP_WRITE_FIXED, IORING_OP_WRITE, IORING_OP_WRITEV },
	[DDIR_SYNC] = { IORING_OP_FSYNC, IORING_OP_FSYNC, IORING_OP_FSYNC },
	[DDIR_DATASYNC] = { IORING_OP_FSYNC, IORING_OP_FSYNC, IORING_OP_FSYNC },
	[DDIR_SYNC_FILE_RANGE] = { IORING_OP_SYNC_FILE_RANGE, IORING_OP_SYNC_FILE_RANGE,
				   IORING_OP_SYNC_FILE_RANGE },
};

static const char *const ops_names[] = { "READ_FIXED/WRITE_FIXED", "READ/WRITE", "READV/WRITEV" };

struct uring_fixed_data {
	struct idr_ctx core;
	struct idr_ring ring;
	struct iovec *iovecs;	  /* OPS_VECTORED: one per io_u */
	unsigned int ops;	  /* OPS_* */
	unsigned char sqe_flags;  /* IOSQE_FIXED_FILE when the files are registered */
	int rw_flags;		  /* RWF_NOWAIT, RWF_DONTCACHE */
	struct cmdprio cmdprio;	  /* fio's, from the cmdprio* options */
	unsigned int async_every; /* force_async */
	unsigned int async_count;
	bool hipri;
	bool told; /* the EOPNOTSUPP explanation went out */
};

static inline struct uring_fixed_data *ring_data(struct idr_ring *r)
{
	return (struct uring_fixed_data *)((char *)r - offsetof(struct uring_fixed_data, ring));
}

/* force_async=N: every Nth SQE goes straight to io-wq. */
static inline unsigned char async_flag(struct uring_fixed_data *ud)
{
	if (!ud->async_every || ++ud->async_count < ud->async_every)
		return 0;
	ud->async_count = 0;
	return IOSQE_ASYNC;
}

/* A sync SQE: fsync, fdatasync, or sync_file_range over what the file saw written. */
static void prep_sync(struct uring_fixed_data *ud, struct io_uring_sqe *sqe, struct io_u *io_u)
{
	struct fio_file *f = io_u->file;

	*sqe = (struct io_uring_sqe){
		.opcode = op_table[io_u->ddir][ud->ops],
		.flags = ud->sqe_flags,
		.fd = ud->sqe_flags ? (int)f->fileno : f->fd,
		.user_data = io_u->index,
	};
	if (io_u->ddir == DDIR_SYNC_FILE_RANGE) {
		sqe->off = f->first_write;
		sqe->len = (unsigned int)(f->last_write - f->first_write);
		sqe->sync_range_flags = ud->core.td->o.sync_file_range;
	} else if (io_u->ddir == DDIR_DATASYNC) {
		sqe->fsync_flags = IORING_FSYNC_DATASYNC;
	}
}

/*
 * A trim SQE: a hole punched in a regular file, or the block layer's discard. Both
 * drain: the trim starts after everything before it, and nothing after it starts until
 * it is done (trimwrite writes the blocks it just trimmed).
 */
static void prep_trim(struct uring_fixed_data *ud, struct io_uring_sqe *sqe, struct io_u *io_u)
{
	struct fio_file *f = io_u->file;

	*sqe = (struct io_uring_sqe){
		.flags = ud->sqe_flags | IOSQE_IO_DRAIN,
		.fd = ud->sqe_flags ? (int)f->fileno : f->fd,
		.user_data = io_u->index,
	};
	sqe->opcode = IORING_OP_FALLOCATE;
	sqe->off = io_u->offset;
	sqe->addr = io_u->xfer_buflen;
	sqe->len = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
}

/*
 * A read or write SQE. Every field is written once: the slot holds an old SQE. Inline in
 * queue (once per I/O); the ring's resubmissions call it through uring_fixed_prep.
 */
static inline __attribute__((always_inline)) void prep(struct idr_ring *r, struct io_uring_sqe *sqe,
						       struct io_u *io_u)
{
	struct uring_fixed_data *ud = ring_data(r);
	struct fio_file *f = io_u->file;
	struct iovec *iov;

	/* fio's ddir_rw() counts trims too: reads and writes are the two below DDIR_TRIM. */
	if (__builtin_expect(io_u->ddir > DDIR_WRITE, 0)) {
		if (io_u->ddir == DDIR_TRIM)
			prep_trim(ud, sqe, io_u);
		else
			prep_sync(ud, sqe, io_u);
		return;
	}
	sqe->opcode = op_table[io_u->ddir][ud->ops];
	sqe->flags = ud->sqe_flags | async_flag(ud);
	/*
	 * io_prio is per job (fio copies it into io_u->ioprio), or per I/O with cmdprio*;
	 * SQPOLL submits from another task, so it rides in the SQE.
	 */
	sqe->ioprio = (uint16_t)io_u->ioprio;
	sqe->fd = ud->sqe_flags ? (int)f->fileno : f->fd;
	sqe->off = io_u->offset;
	sqe->rw_flags = ud->rw_flags;
	sqe->user_data = io_u->index;
	/* The registered buffer covers io_u->buf whole, so xfer_buf lies inside it. */
	sqe->buf_index = ud->ops == OPS_FIXED ? (uint16_t)io_u->index : 0;
	sqe->personality = 0;
	sqe->splice_fd_in = 0;
	sqe->addr3 = 0;
	sqe->__pad2[0] = 0;
	if (ud->ops != OPS_VECTORED) {
		sqe->addr = (uintptr_t)io_u->xfer_buf;
		sqe->len = (unsigned int)io_u->xfer_buflen;
		return;
	}
	/* xfer_buf/len, not buf: a requeued short transfer moved them on. */
	iov = &ud->iovecs[io_u->index];
	iov->iov_base = io_u->xfer_buf;
	iov->iov_len = io_u->xfer_buflen;
	sqe->addr = (uintptr_t)iov;
	sqe->len = 1;
}

static void uring_fixed_prep(struct idr_ring *r, struct io_uring_sqe *sqe, struct io_u *io_u)
{
	prep(r, sqe, io_u);
}

/*
 * hipri and -EOPNOTSUPP: the target cannot complete I/O by polling. Say which target
 * and why (once); the I/O fails with the errno as usual.
 */
static void tell_no_polling(struct uring_fixed_data *ud, const struct io_u *io_u)
{
	const char *name = io_u->file->file_name;
	char path[96], val[8] = "?";
	struct stat st;
	FILE *fp;

	if (!ud->core.td->o.odirect) {
		log_err("uring_fixed: hipri=1 on %s with direct=0: polled completions exist "
			"only for O_DIRECT I/O; set direct=1 or drop hipri\n",
			name);
	} else if (stat(name, &st) || !S_ISBLK(st.st_mode)) {
		log_err("uring_fixed: hipri=1: %s is not a block device, and cannot complete "
			"I/O by polling (EOPNOTSUPP); drop hipri, or use an NVMe device with "
			"poll queues\n",
			name);
	} else {
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/io_poll",
			 major(st.st_rdev), minor(st.st_rdev));
		fp = fopen(path, "re");
		if (fp && fgets(val, sizeof(val), fp))
			val[strcspn(val, "\n")] = '\0';
		if (fp)
			fclose(fp);
		log_err("uring_fixed: hipri=1: %s cannot complete I/O by polling (EOPNOTSUPP; "
			"queue/io_poll is %s: no poll queues); drop hipri, or use an NVMe device "
			"with poll queues (nvme.poll_queues=N)\n",
			name, val);
	}
}

static long long uring_fixed_result(struct idr_ring *r, const struct io_uring_cqe *cqe, int res,
				    struct io_u *io_u)
{
	struct uring_fixed_data *ud = ring_data(r);

	(void)cqe;
	if (res != -EOPNOTSUPP || ud->told)
		return res;
	ud->told = true;
	if (ud->hipri)
		tell_no_polling(ud, io_u);
	else if (ud->rw_flags & RWF_NOWAIT)
		log_err("uring_fixed: nowait=1: %s does not take RWF_NOWAIT I/O (EOPNOTSUPP); "
			"drop nowait\n",
			io_u->file->file_name);
	else if (ud->rw_flags & RWF_DONTCACHE)
		log_err("uring_fixed: uncached=1: %s does not take RWF_DONTCACHE I/O (EOPNOTSUPP: "
			"a kernel before 6.14, or a file system without it); drop uncached\n",
			io_u->file->file_name);
	return res;
}

static const struct idr_ring_ops ring_ops = {
	.prep = uring_fixed_prep,
	.result = uring_fixed_result,
};

/* A trim the ring does not carry: anything but a regular file. */
static bool trim_in_place(const struct io_u *io_u)
{
	return io_u->file->filetype != FIO_TYPE_FILE;
}

/*
 * Trim as the twin does it, where the ring does not carry it (block and character devices):
 * BLKDISCARD in place, once nothing is in the ring, as fio's io_uring does; fio stamps its issue
 * time (FIO_ASYNCIO_SYNC_TRIM).
 */
static enum fio_q_status uring_fixed_trim_now(struct thread_data *td, struct uring_fixed_data *ud,
					      struct io_u *io_u)
{
	struct idr_ring *r = &ud->ring;

	if (r->inflight || r->sq_tail != r->sq_sub || r->nr_retry)
		return FIO_Q_BUSY;
	ud->core.cnt.submitted++;
	idr_io_u_done(&ud->core, io_u, idr_trim_io_u(td, io_u));
	idr_count_syscall(&ud->core.cnt, IDR_SC_SUBMIT | IDR_SC_REAP);
	if (io_u->error)
		io_u_log_error(td, io_u);
	io_u_mark_submit(td, 1);
	io_u_mark_complete(td, 1);
	return FIO_Q_COMPLETED;
}

/*
 * queue's general case: the first submission, a sync or a trim, cmdprio, a full SQ.
 * Apart from the hot path, which then calls nothing and saves no registers.
 */
static __attribute__((noinline)) enum fio_q_status uring_fixed_queue_any(
	struct thread_data *td, struct uring_fixed_data *ud, struct io_u *io_u)
{
	struct io_uring_sqe *sqe;

	idr_submit_begin(&ud->core);
	if (__builtin_expect(io_u->ddir == DDIR_TRIM, 0) && trim_in_place(io_u))
		return uring_fixed_trim_now(td, ud, io_u);
	sqe = idr_ring_sqe(&ud->ring);
	if (__builtin_expect(!sqe, 0)) {
		ud->core.cnt.busy++;
		return FIO_Q_BUSY;
	}
	/* Once per I/O, not in prep: a resubmitted I/O keeps its priority and class. */
	if (ddir_rw(io_u->ddir))
		idr_cmdprio(td, &ud->cmdprio, io_u);
	prep(&ud->ring, sqe, io_u);
	idr_ring_push(&ud->ring, io_u);
	return FIO_Q_QUEUED;
}

static enum fio_q_status uring_fixed_queue(struct thread_data *td, struct io_u *io_u)
{
	struct uring_fixed_data *ud = (struct uring_fixed_data *)idr_ctx(td);
	struct idr_ring *r = &ud->ring;

	fio_ro_check(td, io_u);
	/*
	 * Room in the SQ, and a read or write, after the first, without cmdprio (tested
	 * after the SQ's acquire load, so prep's tests of ddir fold into this one).
	 */
	if (__builtin_expect(idr_ring_sq_full(r) || io_u->ddir > DDIR_WRITE ||
				     !ud->core.cnt.t_first_submit_ns ||
				     ud->cmdprio.mode != CMDPRIO_MODE_NONE,
			     0))
		return uring_fixed_queue_any(td, ud, io_u);
	prep(r, idr_ring_sqe_at(r, r->sq_tail), io_u);
	idr_ring_push(r, io_u);
	return FIO_Q_QUEUED;
}

static int uring_fixed_init(struct thread_data *td)
{
	struct uring_fixed_options *o = td->eo;
	struct uring_fixed_data *ud;
	struct idr_ring_cfg cfg = {
		.required = (o->hipri ? IORING_SETUP_IOPOLL : 0) |
			    (o->sqpoll ? IORING_SETUP_SQPOLL : 0),
		.sq_aff = o->sqpoll && o->sqpoll_cpu_set,
		.sq_thread_cpu = o->sqpoll_cpu,
		.sq_thread_idle_ms = o->sqpoll_idle_ms,
		/* A trim-only job has no data buffers to register (fio allocates none). */
		.fixedbufs = o->fixedbufs && (td_read(td) || td_write(td)),
		.registerfiles = o->registerfiles,
		.retry_eagain = !o->nowait, /* with nowait, -EAGAIN is the answer wanted */
		.ops = &ring_ops,
	};

	ud = (struct uring_fixed_data *)idr_init(td, "uring_fixed", sizeof(*ud));
	if (!ud)
		return 1;
	ud->hipri = o->hipri;
	ud->rw_flags =
		(o->nowait ? RWF_NOWAIT : 0) | (o->uncached && !td->o.odirect ? RWF_DONTCACHE : 0);
	ud->async_every = o->force_async;
	/* fio's own parser of the cmdprio* options; it says what is wrong itself. */
	if (fio_cmdprio_init(td, &ud->cmdprio, &o->cmdprio))
		return idr_fail(td, EINVAL, "the cmdprio options (see the line above)");
	return idr_ring_init(&ud->core, &ud->ring, &cfg);
}

/* Which trim path each kind of file takes, for the sidecar. */
static void note_trim(struct uring_fixed_data *ud)
{
	if (!td_trim(ud->core.td))
		return;
	idr_note_str(&ud->core, "trim_block", "BLKDISCARD in place");
	idr_note_str(&ud->core, "trim_file", "IORING_OP_FALLOCATE PUNCH_HOLE|KEEP_SIZE");
}

/* nonvectored=-1 (fio's default): READ/WRITE when the kernel has them, as fio probes. */
static bool want_vectored(struct uring_fixed_data *ud, const struct uring_fixed_options *o)
{
	struct io_uring_probe *p;
	bool vectored;

	if (o->nonvectored != -1)
		return !o->nonvectored;
	p = io_uring_get_probe_ring(&ud->ring.ring);
	vectored = !p || !io_uring_opcode_supported(p, IORING_OP_READ) ||
		   !io_uring_opcode_supported(p, IORING_OP_WRITE);
	io_uring_free_probe(p);
	return vectored;
}

static int uring_fixed_post_init(struct thread_data *td)
{
	struct uring_fixed_options *o = td->eo;
	struct uring_fixed_data *ud = (struct uring_fixed_data *)idr_ctx(td);

	if (idr_ring_post_init(&ud->core, &ud->ring))
		return 1;
	ud->sqe_flags = ud->ring.files_registered ? IOSQE_FIXED_FILE : 0;
	ud->ops = o->fixedbufs ? OPS_FIXED : want_vectored(ud, o) ? OPS_VECTORED : OPS_PLAIN;
	if (ud->ops == OPS_VECTORED) {
		ud->iovecs = calloc(ud->core.nr_io_us, sizeof(*ud->iovecs));
		if (!ud->iovecs)
			return idr_fail(td, ENOMEM, "out of memory for iodepth=%u iovecs",
					ud->core.nr_io_us);
	}
	idr_note_str(&ud->core, "ops", ops_names[ud->ops]);
	note_trim(ud);
	return 0;
}

static void uring_fixed_cleanup(struct thread_data *td)
{
	struct uring_fixed_data *ud = (struct uring_fixed_data *)idr_ctx(td);

	if (ud) {
		idr_ring_exit(&ud->core, &ud->ring);
		free(ud->iovecs);
		fio_cmdprio_cleanup(&ud->cmdprio);
	}
	idr_cleanup(td);
}

/* The ring's fio hooks find core and ring at the head of the private data. */
_Static_assert(offsetof(struct uring_fixed_data, core) == 0 &&
		       offsetof(struct uring_fixed_data, ring) ==
			       offsetof(struct idr_ring_engine, ring),
	       "struct uring_fixed_data must begin with core, then ring");

struct ioengine_ops ioengine IDR_EXPORT = {
	.name = "iodrill-uring_fixed",
	.version = FIO_IOOPS_VERSION,
	/*
	 * One task submits (SINGLE_ISSUER, DEFER_TASKRUN): no io_submit_mode=offload.
	 * Page-aligned buffers even when buffered (fio 3.33 aligns for FIO_RAWIO; MEMALIGN
	 * reserves the room): a registered 4 KiB buffer then pins, and charges to
	 * RLIMIT_MEMLOCK, one page instead of the two an unaligned one spans.
	 */
	.flags = FIO_ASYNCIO_SETS_ISSUE_TIME | FIO_NO_OFFLOAD | FIO_MEMALIGN | FIO_RAWIO,
	.setup = idr_setup,
	.init = uring_fixed_init,
	.post_init = uring_fixed_post_init,
	.io_u_init = idr_io_u_init,
	.queue = uring_fixed_queue,
	.commit = idr_ring_fio_commit,
	.getevents = idr_ring_fio_getevents,
	.event = idr_event,
	.cleanup = uring_fixed_cleanup,
	.open_file = idr_ring_fio_open_file,
	.close_file = idr_ring_fio_close_file,
	.get_file_size = generic_get_file_size,
	.options = options,
	.option_struct_size = sizeof(struct uring_fixed_options),
};
