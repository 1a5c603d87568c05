/*
 * kaio.c - Linux native AIO through libaio: io_setup, batched io_submit, io_getevents,
 * and (userspace_reap=1) completions read straight from the kernel's AIO ring.
 *
 * fio twin: libaio (same option names: userspace_reap). Differences: kernel AIO is only
 * asynchronous with O_DIRECT: direct=0 runs, as with libaio, but says once that io_submit
 * then does the I/O itself, and the sidecar records how long io_submit blocked per I/O;
 * trim runs in place (do_io_u_trim), as libaio does it; iodepth above fs.aio-max-nr is refused
 * naming both; userspace_reap also serves getevents calls that must wait (libaio's only
 * polls); fsync goes through the ring (IOCB_CMD_FSYNC) after the writes before it;
 * io_getevents is called directly, so each counted system call is a real one.
 * EAGAIN from io_submit means busy (reap, then submit the rest), EINTR is retried, a
 * batch accepted in part keeps the rest queued, and an iocb the kernel refuses fails
 * alone.
 */
#include <errno.h>
#include <libaio.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/cmdprio.h"
#include "core/idr.h"
#include "core/rawsys.h"

/* linux/aio_abi.h's, which cannot be included beside libaio.h (as fio's libaio.c does). */
#ifndef IOCB_FLAG_IOPRIO
#define IOCB_FLAG_IOPRIO (1 << 1)
#endif
#define KAIO_RING_MAGIC 0xa10a10a1	      /* fs/aio.c: the ring user space may read */
#define KAIO_STALL_NS (30ull * 1000000000ull) /* EAGAIN with nothing in flight: give up */

struct kaio_options {
	IDR_OPTIONS_HEAD;
	unsigned int userspace_reap;
	unsigned int allow_buffered;
	unsigned int nr_events;
	unsigned int nowait;
	struct cmdprio_options cmdprio;
};

static struct fio_option options[] = {
	IDR_CORE_OPTIONS(struct kaio_options),
	{
		.name = "userspace_reap",
		.lname = "kaio user-space reaping",
		.type = FIO_OPT_STR_SET,
		.off1 = offsetof(struct kaio_options, userspace_reap),
		.help = "Read completions from the kernel's AIO ring in user space (no system "
			"call), io_getevents only to wait; unlike libaio's, also when getevents "
			"needs a minimum",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "allow_buffered",
		.lname = "kaio without O_DIRECT",
		.type = FIO_OPT_BOOL,
		.off1 = offsetof(struct kaio_options, allow_buffered),
		.def = "0",
		.help = "Accepted for old job files, no effect: direct=0 always runs (kernel AIO "
			"then does the I/O inside io_submit; the sidecar records how long it blocked)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "nr_events",
		.lname = "kaio io_setup events",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct kaio_options, nr_events),
		.def = "0",
		.help = "Events io_setup reserves (0: iodepth). Fewer than iodepth makes io_submit "
			"accept part of a batch or return EAGAIN, which the engine rides out",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	IDR_CMDPRIO_OPTIONS(struct kaio_options, cmdprio),
	{
		.name = "nowait",
		.lname = "RWF_NOWAIT",
		.type = FIO_OPT_BOOL,
		.off1 = offsetof(struct kaio_options, nowait),
		.help = "Set RWF_NOWAIT for reads/writes (libaio's option): an I/O that would "
			"block fails with EAGAIN instead",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{ .name = NULL },
};

/* The head of the ring io_setup maps into user space (fs/aio.c struct aio_ring). */
struct kaio_ring {
	unsigned int id, nr, head, tail;
	unsigned int magic, compat_features, incompat_features, header_length;
	struct io_event events[];
};

struct kaio_data {
	struct idr_ctx core;
	io_context_t ctx;
	struct kaio_ring *ring; /* NULL when user-space reaping is not possible */
	struct iocb *iocbs;	/* by io_u index */
	struct iocb **pend;	/* queued, not yet accepted by io_submit, in order */
	struct io_u **pend_io_us;
	unsigned int nr_pend;
	unsigned int in_kernel; /* accepted by io_submit, not yet reaped */
	struct io_event *evs;	/* what the last reap read */
	struct io_u **ready;	/* finished outside the ring: refused iocbs, drains */
	long long *ready_res;
	unsigned int nr_ready;
	struct cmdprio cmdprio; /* fio's, from the cmdprio* options */
	int rw_flags;		/* RWF_NOWAIT (nowait=1) for reads and writes */
	bool userspace_reap;
	bool time_submit; /* buffered: measure how long io_submit blocks */
	/* What kernel AIO really did, for the sidecar. */
	uint64_t submit_ns;	   /* inside io_submit (time_submit only) */
	uint64_t in_submit_events; /* completions that appeared during io_submit */
	uint64_t partial_submits;
	uint64_t user_reaped;
	uint64_t refused;     /* iocbs io_submit refused (failed alone) */
	uint64_t sync_fsyncs; /* fsyncs the kernel refused as iocbs, run in place */
	uint64_t drains;
};

static struct kaio_data *kaio_data(struct thread_data *td)
{
	return (struct kaio_data *)idr_ctx(td);
}

/* ---- reaping --------------------------------------------------------------------------- */

/* Events the ring holds now (0 without a usable ring). */
static unsigned int ring_tail(const struct kaio_data *kd)
{
	return kd->ring ? __atomic_load_n(&kd->ring->tail, __ATOMIC_ACQUIRE) : 0;
}

/*
 * Copy up to max completions from the kernel's ring without a system call, as the kernel
 * would in io_getevents: read tail (acquire: the events before it are written), copy,
 * publish head (release: the kernel may reuse those slots). Returns the number copied.
 */
static unsigned int ring_reap(struct kaio_data *kd, struct io_event *out, unsigned int max)
{
	struct kaio_ring *r = kd->ring;
	unsigned int head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	unsigned int tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE), n = 0;

	while (n < max && head != tail) {
		out[n++] = r->events[head];
		if (++head == r->nr) /* no division per event */
			head = 0;
	}
	if (n)
		__atomic_store_n(&r->head, head, __ATOMIC_RELEASE);
	return n;
}

/*
 * io_getevents(2) made in line (core/rawsys.h): libaio's wrapper may skip the call (an
 * empty ring and a zero timeout), which would make the counted system calls wrong.
 * Returns the count or -errno.
 */
static inline long raw_getevents(io_context_t ctx, long min, long max, struct io_event *evs,
				 struct timespec *t)
{
	return idr_rawsys6(SYS_io_getevents, (unsigned long)ctx, (unsigned long)min,
			   (unsigned long)max, (unsigned long)evs, (unsigned long)t, 0);
}

/* io_getevents straight to the kernel, counted. Returns n or -errno. */
static int sys_getevents(struct kaio_data *kd, long min, long max, struct io_event *evs,
			 struct timespec *t)
{
	idr_count_syscall(&kd->core.cnt, IDR_SC_REAP);
	return (int)raw_getevents(kd->ctx, min, max, evs, t);
}

/* Hand n kernel events to fio, from events[at]. Returns at + n. */
static inline __attribute__((always_inline)) unsigned int take_events(struct kaio_data *kd,
								      const struct io_event *evs,
								      unsigned int n,
								      unsigned int at)
{
	uint64_t now = n ? idr_lat_now(&kd->core) : 0; /* when we learned of them: one read */
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct io_u *io_u = idr_io_u(&kd->core, (unsigned int)(uintptr_t)evs[i].data);

		/* res is an unsigned long in the ABI: a negative errno reads back as one. */
		idr_io_u_done(&kd->core, io_u, (long)evs[i].res);
		idr_lat_done(&kd->core, io_u, now);
		kd->core.events[at++] = io_u;
	}
	kd->in_kernel -= n;
	return at;
}

/*
 * Hand the I/Os finished outside the ring to fio, from events[at], up to max in all.
 * Returns the new count.
 */
static unsigned int take_ready(struct kaio_data *kd, unsigned int at, unsigned int max)
{
	unsigned int n = at < max ? max - at : 0, i;
	uint64_t now;

	if (!kd->nr_ready) /* the usual case: every completion came through the ring */
		return at;
	if (n > kd->nr_ready)
		n = kd->nr_ready;
	now = n ? idr_lat_now(&kd->core) : 0;
	for (i = 0; i < n; i++) {
		idr_io_u_done(&kd->core, kd->ready[i], kd->ready_res[i]);
		idr_lat_done(&kd->core, kd->ready[i], now);
		kd->core.events[at + i] = kd->ready[i];
	}
	kd->nr_ready -= n;
	memmove(kd->ready, kd->ready + n, kd->nr_ready * sizeof(*kd->ready));
	memmove(kd->ready_res, kd->ready_res + n, kd->nr_ready * sizeof(*kd->ready_res));
	return at + n;
}

static void ready_add(struct kaio_data *kd, struct io_u *io_u, long long res)
{
	kd->ready[kd->nr_ready] = io_u;
	kd->ready_res[kd->nr_ready++] = res;
}

/* ---- submission ------------------------------------------------------------------------ */

/* Drop the first n queued iocbs (accepted, or failed alone). */
static inline void pend_drop(struct kaio_data *kd, unsigned int n)
{
	kd->nr_pend -= n;
	if (!kd->nr_pend) /* the usual case: io_submit took all: two memmove calls saved */
		return;
	memmove(kd->pend, kd->pend + n, kd->nr_pend * sizeof(*kd->pend));
	memmove(kd->pend_io_us, kd->pend_io_us + n, kd->nr_pend * sizeof(*kd->pend_io_us));
}

/*
 * One io_submit of everything queued, timed; *handed_ns is when it was called
 * (idr_lat_now). Returns what io_submit returned.
 */
static int submit_once(struct kaio_data *kd, uint64_t *handed_ns)
{
	unsigned int tail = ring_tail(kd);
	uint64_t t0 = 0;
	int ret;

	*handed_ns = idr_lat_now(&kd->core);
	/* Timed when buffered (where io_submit does the I/O); direct I/O skips 2 clock reads. */
	if (kd->time_submit)
		t0 = *handed_ns ?: idr_now_ns();
	ret = io_submit(kd->ctx, kd->nr_pend, kd->pend);
	if (kd->time_submit)
		kd->submit_ns += idr_now_ns() - t0;
	idr_count_syscall(&kd->core.cnt, IDR_SC_SUBMIT);
	if (kd->ring) {
		/* The ring's slots in use grew by this much (no division: the tail wraps at nr). */
		unsigned int grown = ring_tail(kd) - tail;

		kd->in_submit_events += grown < kd->ring->nr ? grown : grown + kd->ring->nr;
	}
	return ret;
}

/*
 * The kernel refused the first queued iocb (bad fd, alignment, an fsync the file cannot
 * do asynchronously): that I/O alone fails, or an fsync runs in place.
 */
static void submit_refused(struct thread_data *td, struct kaio_data *kd, int err,
			   uint64_t handed_ns)
{
	struct io_u *io_u = kd->pend_io_us[0];
	int fd = kd->pend[0]->aio_fildes;
	long long res = err;

	if (err == -EINVAL && ddir_sync(io_u->ddir)) {
		res = io_u->ddir == DDIR_SYNC ? fsync(fd) : fdatasync(fd);
		res = res < 0 ? -errno : 0;
		idr_count_syscall(&kd->core.cnt, IDR_SC_SUBMIT | IDR_SC_REAP);
		kd->sync_fsyncs++;
	} else {
		kd->refused++;
	}
	idr_issued(td, kd->pend_io_us, 1, handed_ns);
	ready_add(kd, io_u, res);
	pend_drop(kd, 1);
}

/*
 * Submit what is queued. EAGAIN with I/O in flight leaves the rest queued for after the
 * next reap; with nothing in flight it can only be a transient kernel shortage, so wait
 * and retry, for at most 30 s. Returns 0, or -EAGAIN for a stall.
 */
static int kaio_submit(struct thread_data *td)
{
	struct kaio_data *kd = kaio_data(td);
	struct timespec pause = { 0, 10000 };
	uint64_t stall_start = 0, handed_ns;
	int ret;

	while (kd->nr_pend) {
		ret = submit_once(kd, &handed_ns);
		if (ret > 0) {
			idr_issued(td, kd->pend_io_us, (unsigned int)ret, handed_ns);
			kd->in_kernel += (unsigned int)ret;
			kd->partial_submits += (unsigned int)ret < kd->nr_pend;
			pend_drop(kd, (unsigned int)ret);
			stall_start = 0;
		} else if (ret == -EINTR) {
			kd->core.cnt.eintr++;
		} else if (ret == -EAGAIN || ret == 0) {
			kd->core.cnt.busy++;
			if (kd->in_kernel || kd->nr_ready)
				return 0;
			if (!stall_start) {
				stall_start = idr_now_ns();
			} else if (idr_now_ns() - stall_start > KAIO_STALL_NS) {
				log_err("kaio: io_submit returned EAGAIN for 30 s with nothing in "
					"flight: the kernel is out of AIO resources\n");
				return -EAGAIN;
			}
			nanosleep(&pause, NULL);
		} else {
			submit_refused(td, kd, ret, handed_ns);
		}
	}
	return 0;
}

/*
 * Trim as fio's libaio does it: kernel AIO has no discard, so the trim (BLKDISCARD on a
 * device; a punched hole in a file, as the other engines, where fio 3.33's os_trim fails
 * with ENOTTY) runs here, in place, once what was queued before it has gone to the
 * kernel. fio stamps its issue time (FIO_ASYNCIO_SYNC_TRIM).
 */
static enum fio_q_status kaio_trim(struct thread_data *td, struct kaio_data *kd, struct io_u *io_u)
{
	if (kd->nr_pend)
		return FIO_Q_BUSY;
	idr_submit_begin(&kd->core);
	kd->core.cnt.submitted++;
	idr_io_u_done(&kd->core, io_u, idr_trim_io_u(td, io_u));
	io_u_mark_submit(td, 1);
	io_u_mark_complete(td, 1);
	return FIO_Q_COMPLETED;
}

/* What a read or write iocb carries beyond io_prep_*: RWF_NOWAIT, and its cmdprio. */
static inline void kaio_prep_rw(struct thread_data *td, struct kaio_data *kd, struct iocb *iocb,
				struct io_u *io_u)
{
	iocb->aio_rw_flags = kd->rw_flags;
	if (idr_cmdprio(td, &kd->cmdprio, io_u)) {
		iocb->aio_reqprio = io_u->ioprio;
		iocb->u.c.flags |= IOCB_FLAG_IOPRIO;
	}
}

static enum fio_q_status kaio_queue(struct thread_data *td, struct io_u *io_u)
{
	struct kaio_data *kd = kaio_data(td);
	struct iocb *iocb = &kd->iocbs[io_u->index];
	int fd = io_u->file->fd;

	fio_ro_check(td, io_u);
	/* An fsync must cover the writes queued before it: let those finish first. */
	if (ddir_sync(io_u->ddir) && (kd->in_kernel || kd->nr_pend || kd->nr_ready))
		return FIO_Q_BUSY;
	if (io_u->ddir == DDIR_TRIM)
		return kaio_trim(td, kd, io_u);
	idr_submit_begin(&kd->core);
	switch (io_u->ddir) {
	case DDIR_READ:
		io_prep_pread(iocb, fd, io_u->xfer_buf, io_u->xfer_buflen, (long long)io_u->offset);
		kaio_prep_rw(td, kd, iocb, io_u);
		break;
	case DDIR_WRITE:
		io_prep_pwrite(iocb, fd, io_u->xfer_buf, io_u->xfer_buflen,
			       (long long)io_u->offset);
		kaio_prep_rw(td, kd, iocb, io_u);
		break;
	case DDIR_SYNC:
		io_prep_fsync(iocb, fd);
		break;
	case DDIR_DATASYNC:
		io_prep_fdsync(iocb, fd);
		break;
	default:
		kd->core.cnt.submitted++;
		idr_io_u_done(&kd->core, io_u, -EOPNOTSUPP);
		io_u_log_error(td, io_u);
		return FIO_Q_COMPLETED;
	}
	iocb->data = (void *)(uintptr_t)io_u->index;
	kd->pend[kd->nr_pend] = iocb;
	kd->pend_io_us[kd->nr_pend++] = io_u;
	return FIO_Q_QUEUED;
}

/* fio calls commit again before every getevents: with nothing queued that costs no call. */
static int kaio_commit(struct thread_data *td)
{
	return kaio_data(td)->nr_pend ? kaio_submit(td) : 0;
}

/*
 * Completions the ring holds, without a system call when user-space reaping is on.
 * Returns the new count of events handed to fio.
 */
static unsigned int reap_nowait(struct kaio_data *kd, unsigned int n, unsigned int max)
{
	unsigned int got;

	if (!kd->userspace_reap || n >= max)
		return n;
	got = ring_reap(kd, kd->evs, max - n);
	kd->user_reaped += got;
	return take_events(kd, kd->evs, got, n);
}

static int kaio_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			  const struct timespec *t)
{
	struct kaio_data *kd = kaio_data(td);
	struct timespec rel;
	unsigned int n, want;
	int ret;

	if (max > kd->core.nr_io_us)
		max = kd->core.nr_io_us;
	n = 0;
	for (;;) {
		if (kd->nr_pend && (ret = kaio_submit(td)) < 0)
			return ret;
		n = take_ready(kd, n, max);
		n = reap_nowait(kd, n, max);
		if (n >= max || (n >= min && (kd->userspace_reap || n)))
			break;
		/* Wait for what fio needs, but never for more than the kernel holds. */
		want = n < min ? min - n : 0;
		if (want > kd->in_kernel)
			want = kd->in_kernel;
		if (!kd->in_kernel) {
			if (n >= min || !kd->nr_pend)
				break;
			continue; /* all queued, none accepted yet: kaio_submit retries */
		}
		if (t)
			rel = *t;
		ret = sys_getevents(kd, want, max - n, kd->evs, t ? &rel : NULL);
		if (ret == -EINTR) {
			kd->core.cnt.eintr++;
			continue;
		}
		if (ret < 0)
			return ret;
		n = take_events(kd, kd->evs, (unsigned int)ret, n);
		if (n >= min || t)
			break;
	}
	if (n)
		idr_complete_stamp(&kd->core);
	return (int)n;
}

/*
 * fio closes the files, then frees the io_u buffers: wait for every I/O the kernel
 * still holds, so no DMA lands in freed memory. The events wait in the ready list for
 * the next getevents, as if the ring still held them.
 */
static int kaio_close_file(struct thread_data *td, struct fio_file *f)
{
	struct kaio_data *kd = kaio_data(td);
	int ret;

	while (kd && kd->in_kernel) {
		ret = sys_getevents(kd, kd->in_kernel, kd->in_kernel, kd->evs, NULL);
		if (ret < 0 && ret != -EINTR)
			break;
		for (int i = 0; i < ret; i++)
			ready_add(kd, idr_io_u(&kd->core, (unsigned int)(uintptr_t)kd->evs[i].data),
				  (long)kd->evs[i].res);
		kd->in_kernel -= ret > 0 ? (unsigned int)ret : 0;
		kd->drains++;
	}
	return idr_close_file(td, f);
}

/* ---- set-up and clean-up --------------------------------------------------------------- */

/* A number from a /proc/sys file, or 0 when it cannot be read. */
static unsigned long proc_ulong(const char *path)
{
	unsigned long v = 0;
	FILE *fp = fopen(path, "r");

	if (fp) {
		if (fscanf(fp, "%lu", &v) != 1)
			v = 0;
		fclose(fp);
	}
	return v;
}

static void kaio_note_facts(struct kaio_data *kd)
{
	struct idr_ctx *c = &kd->core;
	uint64_t n = c->cnt.submitted ? c->cnt.submitted : 1;

	idr_note_bool(c, "userspace_reap", kd->userspace_reap);
	idr_note_bool(c, "submission_blocks", kd->time_submit);
	if (kd->time_submit) {
		idr_note_u64(c, "io_submit_ns", kd->submit_ns);
		idr_note_u64(c, "io_submit_ns_per_io", kd->submit_ns / n);
	}
	idr_note_u64(c, "events_during_submit", kd->in_submit_events);
	idr_note_u64(c, "partial_submits", kd->partial_submits);
	idr_note_u64(c, "user_reaped", kd->user_reaped);
	idr_note_u64(c, "refused_iocbs", kd->refused);
	idr_note_u64(c, "fsyncs_run_in_place", kd->sync_fsyncs);
	idr_note_u64(c, "drained_at_close", kd->drains);
}

static void kaio_cleanup(struct thread_data *td)
{
	struct kaio_data *kd = kaio_data(td);

	if (kd) {
		if (kd->ctx) {
			/* Waits for anything still in flight: nothing may complete after us. */
			io_destroy(kd->ctx);
			kaio_note_facts(kd);
		}
		free(kd->iocbs);
		free(kd->pend);
		free(kd->pend_io_us);
		free(kd->evs);
		free(kd->ready);
		free(kd->ready_res);
		fio_cmdprio_cleanup(&kd->cmdprio);
	}
	idr_cleanup(td);
}

/* Refuse what kernel AIO cannot do well, naming the option. Returns 0, or 1 after idr_fail. */
static int kaio_check_options(struct thread_data *td, const struct kaio_options *o)
{
	unsigned long max_nr = proc_ulong("/proc/sys/fs/aio-max-nr");
	unsigned int nr = o->nr_events ? o->nr_events : td->o.iodepth;

	if ((int)o->nr_events < 0)
		return idr_fail(td, EINVAL,
				"nr_events=%d: use 0 (events for iodepth) or a positive "
				"number of events",
				(int)o->nr_events);
	if (max_nr && nr > max_nr)
		return idr_fail(td, EAGAIN,
				"%s=%u is above the kernel's limit on AIO events, "
				"fs.aio-max-nr=%lu (/proc/sys/fs/aio-max-nr): lower %s, or raise the "
				"limit (sysctl -w fs.aio-max-nr=%u)",
				o->nr_events ? "nr_events" : "iodepth", nr, max_nr,
				o->nr_events ? "nr_events" : "iodepth", nr);
	return 0;
}

/* io_setup, with a message that says which limit ran out. Returns 0, or 1 after idr_fail. */
static int kaio_setup_ctx(struct thread_data *td, struct kaio_data *kd, unsigned int nr)
{
	int ret = io_setup((int)nr, &kd->ctx);

	if (ret == -EAGAIN)
		return idr_fail(td, EAGAIN,
				"io_setup(%u events for iodepth=%u) failed: EAGAIN: "
				"the kernel's AIO events are used up: fs.aio-max-nr=%lu, in use "
				"fs.aio-nr=%lu (/proc/sys/fs/aio-max-nr, aio-nr); lower iodepth, or "
				"raise the limit (sysctl -w fs.aio-max-nr=N)",
				nr, td->o.iodepth, proc_ulong("/proc/sys/fs/aio-max-nr"),
				proc_ulong("/proc/sys/fs/aio-nr"));
	if (ret < 0)
		return idr_fail(td, -ret, "io_setup(%u events for iodepth=%u) failed: %s", nr,
				td->o.iodepth, strerror(-ret));
	kd->ring = (struct kaio_ring *)kd->ctx;
	/* Only a ring the kernel marks as readable, with no features we do not know. */
	if (kd->ring->magic != KAIO_RING_MAGIC || kd->ring->incompat_features)
		kd->ring = NULL;
	return 0;
}

static int kaio_init(struct thread_data *td)
{
	struct kaio_options *o = td->eo;
	struct kaio_data *kd;
	unsigned int depth = td->o.iodepth;

	if (kaio_check_options(td, o))
		return 1;
	kd = (struct kaio_data *)idr_init(td, "kaio", sizeof(*kd));
	if (!kd)
		return 1;
	kd->iocbs = calloc(depth, sizeof(*kd->iocbs));
	kd->pend = calloc(depth, sizeof(*kd->pend));
	kd->pend_io_us = calloc(depth, sizeof(*kd->pend_io_us));
	kd->evs = calloc(depth, sizeof(*kd->evs));
	kd->ready = calloc(depth, sizeof(*kd->ready));
	kd->ready_res = calloc(depth, sizeof(*kd->ready_res));
	if (!kd->iocbs || !kd->pend || !kd->pend_io_us || !kd->evs || !kd->ready || !kd->ready_res)
		return idr_fail(td, ENOMEM, "out of memory for iodepth=%u", depth);
	/* Before fio allocates buffers: a refused io_setup costs nothing. */
	if (kaio_setup_ctx(td, kd, o->nr_events ? o->nr_events : depth))
		return 1;
	/* fio's own parser of the cmdprio* options; it says what is wrong itself. */
	if (fio_cmdprio_init(td, &kd->cmdprio, &o->cmdprio))
		return idr_fail(td, EINVAL, "the cmdprio options (see the line above)");
	idr_lat_describe(&kd->core, "io_submit called",
			 "io_getevents returned it, or seen in the AIO ring (userspace_reap)",
			 true);
	kd->rw_flags = o->nowait ? RWF_NOWAIT : 0;
	kd->userspace_reap = o->userspace_reap && kd->ring;
	kd->time_submit = !td->o.odirect;
	/*
	 * Buffered kernel AIO runs, as fio's libaio runs it, but is no asynchronous I/O: say
	 * so once per job definition (not per numjobs clone) where fio says its notices, and
	 * in every clone's sidecar.
	 */
	if (!td->o.odirect) {
		if (!td->subjob_number)
			idr_notice(td, "buffered",
				   "job %s: direct=0: Linux kernel AIO does buffered "
				   "I/O inside io_submit, synchronously; the sidecar's "
				   "io_submit_ns_per_io is how long io_submit blocked per I/O (direct=1 "
				   "for asynchronous I/O)",
				   td->o.name);
		else
			idr_note_str(&kd->core, "buffered", "direct=0: io_submit does the I/O");
	}
	if (o->userspace_reap && !kd->ring)
		idr_note_str(&kd->core, "userspace_reap_off",
			     "the kernel's AIO ring is not "
			     "readable from user space (magic or features differ)");
	return 0;
}

struct ioengine_ops ioengine IDR_EXPORT = {
	.name = "iodrill-kaio",
	.version = FIO_IOOPS_VERSION,
	.flags = FIO_ASYNCIO_SETS_ISSUE_TIME | FIO_ASYNCIO_SYNC_TRIM,
	.setup = idr_setup,
	.init = kaio_init,
	.io_u_init = idr_io_u_init,
	.queue = kaio_queue,
	.commit = kaio_commit,
	.getevents = kaio_getevents,
	.event = idr_event,
	.cleanup = kaio_cleanup,
	.open_file = idr_open_file,
	.close_file = kaio_close_file,
	.get_file_size = generic_get_file_size,
	.options = options,
	.option_struct_size = sizeof(struct kaio_options),
};
