/*
 * ring.h - the io_uring ring an io_uring engine runs on: set-up (through setup.h's
 * fallback ladder), buffer and file registration, the submit/reap loop that honours fio's
 * iodepth_batch_* options, SQPOLL wake-ups, and the CQE-to-io_u completion path.
 *
 * An engine (uring_fixed, uring_passthru) embeds struct idr_ring in its private data
 * after struct idr_ctx, fills struct idr_ring_cfg at init, and gives two callbacks: prep
 * (build its SQE for an io_u: 64 bytes, or 128 with IORING_SETUP_SQE128) and result (turn
 * its CQE into bytes moved or -errno: passthrough decodes the NVMe status there, and
 * reads the second half of a 32-byte CQE). Its hooks then read:
 *
 *	queue:     sqe = idr_ring_sqe(r); if (!sqe) busy; prep(sqe); idr_ring_push(r, io_u)
 *	commit:    idr_ring_commit(c, r)
 *	getevents: idr_ring_getevents(c, r, min, max)
 *	event:     idr_event (the core's)
 *
 * The SQE's user_data is the io_u's index (io_u->index); the ring owns it.
 * Conventions: -errno inside; the idr_ring_* hooks follow fio's (see each).
 */
#ifndef IDR_URING_RING_H
#define IDR_URING_RING_H

#include "core/idr.h"
#include "uring/setup.h"

struct idr_ring;

struct idr_ring_ops {
	/*
	 * Fill sqe for io_u, user_data included. Called by the engine's queue hook and
	 * again by the ring to resubmit an I/O whose CQE said -EAGAIN.
	 */
	void (*prep)(struct idr_ring *r, struct io_uring_sqe *sqe, struct io_u *io_u);
	/*
	 * The result of io_u as idr_io_u_done takes it: bytes moved, or -errno. res is
	 * cqe->res (possibly altered by the fault seam); cqe is the whole CQE. Called for
	 * negative results only, or with cfg.res0_whole for every result but 0
	 * (passthrough: res > 0 is an NVMe status).
	 */
	long long (*result)(struct idr_ring *r, const struct io_uring_cqe *cqe, int res,
			    struct io_u *io_u);
};

struct idr_ring_cfg {
	unsigned int required; /* IORING_SETUP_*: IOPOLL, SQPOLL, SQE128|CQE32... */
	bool sq_aff;	       /* pin the SQPOLL thread to sq_thread_cpu */
	unsigned int sq_thread_cpu;
	unsigned int sq_thread_idle_ms; /* 0: the kernel's default (1 s) */
	bool fixedbufs;			/* register io_u buffers (buf_index = io_u->index) */
	bool registerfiles;		/* register the files (fixed file slot = f->fileno) */
	bool retry_eagain;		/* resubmit I/O whose CQE says -EAGAIN (not nowait) */
	/*
	 * A CQE res of 0 means the whole transfer done, and any other goes to ops->result
	 * (passthrough: 0 is NVMe success, > 0 a status). Without it res is bytes moved.
	 */
	bool res0_whole;
	const struct idr_ring_ops *ops;
};

/* Ring modes, decided at set-up (bits of idr_ring.mode). */
enum {
	IDR_RING_SQPOLL = 1 << 0,	/* the kernel's poller submits: no enter to submit */
	IDR_RING_IOPOLL = 1 << 1,	/* completions appear only when polled */
	IDR_RING_DEFER = 1 << 2,	/* DEFER_TASKRUN: completions run only when we enter */
	IDR_RING_TASKRUN_FLAG = 1 << 3, /* the kernel flags pending task work in sq flags */
	IDR_RING_SPIN_MIN0 = 1 << 4,	/* iodepth_batch_complete_min=0: never block in wait */
	IDR_RING_FAULTS = 1 << 5,	/* the fault seam is armed */
	IDR_RING_RES0_WHOLE = 1 << 6,	/* cfg.res0_whole: res 0 is all of xfer_buflen */
	IDR_RING_MERGE = 1 << 7, /* no issue times wanted: commit may leave SQEs to getevents */
};

struct idr_ring {
	/* Submission, hot. Positions count up forever; slot = position & sq_mask. */
	struct io_uring_sqe *sqes;
	unsigned int *sq_khead, *sq_ktail, *sq_kflags;
	unsigned int sq_mask, sq_entries, sqe_shift;
	unsigned int sq_tail;	      /* next position to fill */
	unsigned int sq_sub;	      /* first position not yet handed to the kernel */
	struct io_u **pend;	      /* io_u at each filled position (tagged: resubmitted) */
	unsigned int nr_pend_retries; /* tagged entries among the pending */

	/* Completion, hot. */
	struct io_uring_cqe *cqes;
	unsigned int *cq_khead, *cq_ktail;
	unsigned int cq_mask, cqe_shift;
	/*
	 * A CQE whose res, as unsigned, is above this goes the long way (ring_complete):
	 * INT_MAX (every -errno), or 0 with res0_whole or the fault seam (every res but 0).
	 */
	unsigned int res_ok_max;
	unsigned int inflight;	  /* handed to the kernel, CQE not yet reaped */
	unsigned int mode;	  /* IDR_RING_* */
	bool merge;		  /* commit left the pending SQEs to getevents' enter */
	bool unstamped;		  /* completions reaped since the last stamp */
	int enter_fd;		  /* the registered ring index, or the ring fd */
	unsigned int enter_flags; /* IORING_ENTER_REGISTERED_RING or 0 */

	struct idr_ctx *c;
	const struct idr_ring_ops *ops;
	struct idr_ring_cfg cfg;
	struct io_uring ring; /* liburing's view: fds and mappings */
	struct idr_uring_info info;
	struct idr_uring_faults faults;
	bool up; /* ring set up and mapped */
	bool files_registered;

	/* I/Os whose CQE said -EAGAIN, waiting to be resubmitted, and their tries. */
	struct io_u **retry;
	unsigned int nr_retry;
	unsigned char *tries;	/* per io_u index */
	unsigned int fault_seq; /* read/write CQEs seen, for the fault seam */

	pid_t sq_tid;		     /* the SQPOLL thread, or <= 0 */
	pid_t tid;		     /* the job thread, which set the ring up */
	struct idr_cpu proc0, self0; /* process and job thread CPU at ring set-up */
	struct {
		uint64_t merged;	   /* commits left to the next getevents' single enter */
		uint64_t wakeups;	   /* SQPOLL poller woken (IORING_SQ_NEED_WAKEUP) */
		uint64_t sqpoll_waits;	   /* SQPOLL reaps that gave up spinning and slept */
		uint64_t retries;	   /* I/Os resubmitted after a CQE -EAGAIN */
		uint64_t faults;	   /* CQEs altered by the fault seam */
		uint64_t overflow_flushes; /* enters made to flush a CQ overflow backlog */
		uint64_t sq_full;	   /* queue found the SQ full */
		uint64_t stray;		   /* CQEs whose user_data is no io_u of ours */
	} st;
};

/*
 * idr_ring_init - fio's ->init part: validate what the ring will need (iodepth against
 * the kernel's limits, the SQPOLL CPU), arm the fault seam, allocate. Returns 0, or 1
 * after idr_fail() naming the option.
 */
int idr_ring_init(struct idr_ctx *c, struct idr_ring *r, const struct idr_ring_cfg *cfg);

/*
 * idr_ring_post_init - fio's ->post_init part (buffers exist now): set the ring up,
 * register the ring fd, the buffers and the file table, and note the flags in use and
 * the fallbacks taken. Returns 0, or 1 after idr_fail() with the cause.
 */
int idr_ring_post_init(struct idr_ctx *c, struct idr_ring *r);

/*
 * idr_ring_open_file / idr_ring_close_file - open through the core (idr_open_file) and
 * put the fd into, or take it out of, its registered slot. fio's conventions: 0, or 1
 * after td_verror().
 */
int idr_ring_open_file(struct idr_ctx *c, struct idr_ring *r, struct fio_file *f);
int idr_ring_close_file(struct idr_ctx *c, struct idr_ring *r, struct fio_file *f);

/*
 * idr_ring_commit - fio's ->commit: hand the queued SQEs to the kernel, or, when fio's
 * queue is full (it will reap next), leave them to getevents' enter, which submits and
 * waits in one call. With SQPOLL: publish, and wake the poller only if it sleeps.
 * Returns 0 or -errno (fio's convention for commit).
 */
int idr_ring_commit(struct idr_ctx *c, struct idr_ring *r);

/*
 * idr_ring_getevents - fio's ->getevents: reap between min and max completions into
 * c->events[], submitting what is still queued in the same enter. Honours
 * iodepth_batch_complete_min=0 (poll, never block). Returns the count, or -errno.
 */
int idr_ring_getevents(struct idr_ctx *c, struct idr_ring *r, unsigned int min, unsigned int max);

/*
 * The head of every io_uring engine's private data: the core's context, then the ring.
 * idr_ring_fio_commit, _getevents, _open_file and _close_file are fio's hooks for such
 * an engine, written once. fio sizes block devices by opening them before ->init: with
 * no context yet, the file hooks open and close the plain way.
 */
struct idr_ring_engine {
	struct idr_ctx core;
	struct idr_ring ring;
};

int idr_ring_fio_commit(struct thread_data *td);
int idr_ring_fio_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			   const struct timespec *t);
int idr_ring_fio_open_file(struct thread_data *td, struct fio_file *f);
int idr_ring_fio_close_file(struct thread_data *td, struct fio_file *f);

/*
 * idr_ring_exit - for ->cleanup: reap what is still in flight (bounded), add the SQPOLL
 * thread's CPU time to the job's workers, note the ring's counters, tear the ring down.
 * Copes with a ring never set up.
 */
void idr_ring_exit(struct idr_ctx *c, struct idr_ring *r);

/* The slow path of idr_ring_sqe: the SQ is full. */
struct io_uring_sqe *idr_ring_sqe_full(struct idr_ring *r);

/* ---- the queue path (inline: one per I/O) ------------------------------------------ */

static inline struct io_uring_sqe *idr_ring_sqe_at(struct idr_ring *r, unsigned int pos)
{
	return (struct io_uring_sqe *)((char *)r->sqes +
				       ((size_t)(pos & r->sq_mask) << (6 + r->sqe_shift)));
}

/* Is the SQ full (no slot to fill at sq_tail)? */
static inline bool idr_ring_sq_full(struct idr_ring *r)
{
	/* Acquire: with SQPOLL the kernel must be done reading a slot before we reuse it. */
	return r->sq_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE) >= r->sq_entries;
}

/*
 * idr_ring_sqe - the SQE to fill for the next I/O, or NULL when the SQ is full even
 * after handing the pending SQEs to the kernel (the caller returns FIO_Q_BUSY).
 */
static inline struct io_uring_sqe *idr_ring_sqe(struct idr_ring *r)
{
	if (__builtin_expect(idr_ring_sq_full(r), 0))
		return idr_ring_sqe_full(r);
	return idr_ring_sqe_at(r, r->sq_tail);
}

/* idr_ring_push - the SQE from idr_ring_sqe now holds io_u: queue it for the next commit. */
static inline void idr_ring_push(struct idr_ring *r, struct io_u *io_u)
{
	r->pend[r->sq_tail & r->sq_mask] = io_u;
	r->sq_tail++;
}

#endif
