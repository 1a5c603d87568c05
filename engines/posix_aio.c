/*
 * posix_aio.c - glibc's POSIX AIO: aio_read/aio_write/aio_fsync, reaped with aio_suspend
 * (or, aio_poll=1, by polling aio_error).
 *
 * This is a user-space thread pool, not kernel AIO: glibc hands each request to a helper
 * thread that calls pread/pwrite, and it runs one request per file descriptor at a time,
 * in order (its queue is keyed by fd). aio_fds=N spreads requests over N dup()'d
 * descriptors of each file so up to N run at once; aio_threads/aio_num go to aio_init()
 * before any other aio call. The engine keeps each descriptor's requests in glibc's
 * order, so it checks the head of each queue only and sleeps on one request per queue (at
 * most aio_fds per file, whatever the iodepth): the head, or with aio_wait_spread=N one
 * further down, so several finish per wake-up. The sidecar counts the helpers' CPU time
 * (thread=0 only).
 * fio twin: posixaio. Differences: several descriptors; waits cover every descriptor
 * (posixaio passes aio_suspend the first 8 requests it finds, rarely the one running, so
 * it sleeps through several completions: aio_wait_spread=8 is close); getevents honours
 * min/max/timeout; an fsync waits for the writes before it; a trim runs in place as
 * posixaio's does, but a regular file gets a hole punched (posixaio's BLKDISCARD fails
 * with ENOTTY there).
 */
#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/idr.h"

#define PA_MAX_FDS 256
#define PA_MAX_THREADS 1024
#define PA_MAX_NUM 65536

struct pa_options {
	IDR_OPTIONS_HEAD;
	unsigned int fds;
	unsigned int threads;
	unsigned int num;
	unsigned int poll;
	unsigned int spread;
};

static struct fio_option options[] = {
	IDR_CORE_OPTIONS(struct pa_options),
	{
		.name = "aio_fds",
		.lname = "POSIX AIO descriptors per file",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct pa_options, fds),
		.def = "1",
		.help = "glibc POSIX AIO is a user-space thread pool that runs one request per "
			"file descriptor at a time: spread requests over this many dup()'d "
			"descriptors of each file so that many run at once (1-256; 1 = plain glibc)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "aio_threads",
		.lname = "glibc AIO helper threads",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct pa_options, threads),
		.def = "20",
		.help = "Most helper threads glibc may start, passed to aio_init() (1-1024, glibc's "
			"default 20); takes effect only in the process's first aio_init (thread=1 "
			"jobs share one pool)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "aio_num",
		.lname = "glibc AIO requests",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct pa_options, num),
		.def = "64",
		.help = "Simultaneous requests glibc sizes its pool for, passed to aio_init() "
			"(1-65536, glibc's default 64)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "aio_poll",
		.lname = "POSIX AIO polling",
		.type = FIO_OPT_BOOL,
		.off1 = offsetof(struct pa_options, poll),
		.def = "0",
		.help = "Reap by polling aio_error (yielding the CPU between passes) instead of "
			"sleeping in aio_suspend",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "aio_wait_spread",
		.lname = "POSIX AIO reap spread",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct pa_options, spread),
		.def = "0",
		.help = "0: sleep until the request glibc runs now on a descriptor finishes (each "
			"completion seen as it comes, one wake-up per I/O); N: sleep on the request "
			"(queued - 1) / N behind it, so several finish per wake-up, each seen at "
			"most 1/N of its queued time late (fio's posixaio behaves about as N=8; "
			"0-65536)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{ .name = NULL },
};

#define PA_NONE UINT32_MAX

/* The requests on one descriptor, in the order glibc runs them: one at a time, FIFO. */
struct pa_queue {
	int fd;		     /* -1 once its file is closed */
	uint32_t head, tail; /* slot indices, PA_NONE when empty */
	unsigned int nr;
};

/* A file's queues: q[0] on fio's own descriptor, the others on dup()s of it. */
struct pa_file {
	unsigned int nr;
	struct pa_queue *q[PA_MAX_FDS];
};

struct pa_slot {
	struct aiocb cb;
	struct pa_queue *q;
	uint32_t next; /* the next request in q */
};

struct pa_data {
	struct idr_ctx core;
	unsigned int nr_fds;
	bool poll;
	unsigned int spread;	  /* aio_wait_spread: see q_wait_target */
	struct pa_slot *slots;	  /* by io_u index */
	struct pa_queue **queues; /* open files' queues, and closed ones not empty */
	unsigned int nr_queues, cap_queues;
	const struct aiocb **suspend; /* queue heads, for aio_suspend */
	unsigned int nr_inflight;     /* requests glibc holds, done or not */
	uint64_t polls;		      /* aio_poll passes */
	uint64_t max_queue;	      /* most requests ever on one descriptor */
	/* The helpers' CPU: the process's minus the job thread's, init to cleanup. */
	bool helpers_on;
	struct idr_cpu proc0, job0;
};

static struct pa_data *pa_data(struct thread_data *td)
{
	return (struct pa_data *)idr_ctx(td);
}

/* ---- the queues ------------------------------------------------------------------------ */

static void q_push(struct pa_data *pd, struct pa_queue *q, uint32_t idx)
{
	pd->slots[idx].q = q;
	pd->slots[idx].next = PA_NONE;
	if (q->tail == PA_NONE)
		q->head = idx;
	else
		pd->slots[q->tail].next = idx;
	q->tail = idx;
	if (++q->nr > pd->max_queue)
		pd->max_queue = q->nr;
}

static uint32_t q_pop(struct pa_data *pd, struct pa_queue *q)
{
	uint32_t idx = q->head;

	q->head = pd->slots[idx].next;
	if (q->head == PA_NONE)
		q->tail = PA_NONE;
	q->nr--;
	return idx;
}

/* Add a queue on fd to the set getevents looks at. Returns it, or NULL. */
static struct pa_queue *q_new(struct pa_data *pd, int fd)
{
	struct pa_queue *q, **qs;
	const struct aiocb **sl;
	unsigned int cap = 2 * pd->cap_queues + 8;

	if (pd->nr_queues == pd->cap_queues) {
		qs = realloc(pd->queues, cap * sizeof(*qs));
		if (qs)
			pd->queues = qs;
		sl = realloc(pd->suspend, cap * sizeof(*sl));
		if (sl)
			pd->suspend = sl;
		if (!qs || !sl)
			return NULL;
		pd->cap_queues = cap;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->fd = fd;
	q->head = q->tail = PA_NONE;
	pd->queues[pd->nr_queues++] = q;
	return q;
}

/* Drop queue i (empty, its file closed) from the set. */
static void q_drop(struct pa_data *pd, unsigned int i)
{
	free(pd->queues[i]);
	pd->queues[i] = pd->queues[--pd->nr_queues];
}

/* Close pf's dup()s and retire its queues (a queue still holding results stays until reaped). */
static void pa_file_free(struct pa_data *pd, struct pa_file *pf)
{
	unsigned int i, j;

	for (i = 0; i < pf->nr; i++) {
		if (i)
			close(pf->q[i]->fd);
		pf->q[i]->fd = -1;
		for (j = 0; j < pd->nr_queues; j++)
			if (pd->queues[j] == pf->q[i] && !pf->q[i]->nr)
				q_drop(pd, j);
	}
	free(pf);
}

/* Give open file f its queues: fio's descriptor and aio_fds - 1 dup()s. Returns 0 or -errno. */
static int pa_file_attach(struct pa_data *pd, struct fio_file *f)
{
	struct pa_file *pf = calloc(1, sizeof(*pf));
	int fd = f->fd, err;

	if (!pf)
		return -ENOMEM;
	for (pf->nr = 0; pf->nr < pd->nr_fds; pf->nr++) {
		if (pf->nr && (fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0)) < 0)
			goto err;
		pf->q[pf->nr] = q_new(pd, fd);
		if (!pf->q[pf->nr]) {
			if (pf->nr)
				close(fd);
			errno = ENOMEM;
			goto err;
		}
	}
	FILE_SET_ENG_DATA(f, pf);
	return 0;
err:
	err = -errno;
	pa_file_free(pd, pf);
	return err;
}

/* ---- submission ------------------------------------------------------------------------ */

/* pf's queue with the fewest requests (glibc runs one per descriptor at a time). */
static struct pa_queue *least_busy(const struct pa_file *pf)
{
	struct pa_queue *best = pf->q[0];
	unsigned int i;

	for (i = 1; i < pf->nr && best->nr; i++)
		if (pf->q[i]->nr < best->nr)
			best = pf->q[i];
	return best;
}

/* Hand slot's request to glibc. Returns 0 or -errno (-EAGAIN: glibc is out of resources). */
static int pa_submit(struct pa_slot *s, enum fio_ddir ddir)
{
	int ret;

	switch (ddir) {
	case DDIR_READ:
		ret = aio_read(&s->cb);
		break;
	case DDIR_WRITE:
		ret = aio_write(&s->cb);
		break;
	case DDIR_SYNC:
		ret = aio_fsync(O_SYNC, &s->cb);
		break;
	case DDIR_DATASYNC:
		ret = aio_fsync(O_DSYNC, &s->cb);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return ret ? -errno : 0;
}

/* An I/O that never reached glibc: finished here, with err. */
static enum fio_q_status pa_fail_now(struct thread_data *td, struct io_u *io_u, int err)
{
	struct pa_data *pd = pa_data(td);

	pd->core.cnt.submitted++;
	idr_io_u_done(&pd->core, io_u, err);
	io_u_log_error(td, io_u);
	return FIO_Q_COMPLETED;
}

/*
 * Trim as fio's posixaio does it: POSIX AIO has no discard, so it runs here, in place
 * (BLKDISCARD, or a hole punched in a regular file), with nothing in flight; fio stamps
 * its issue time.
 */
static enum fio_q_status pa_trim(struct thread_data *td, struct pa_data *pd, struct io_u *io_u)
{
	long long res;

	pd->core.cnt.submitted++;
	res = idr_trim_io_u(td, io_u);
	idr_count_syscall(&pd->core.cnt, IDR_SC_SUBMIT | IDR_SC_REAP);
	idr_io_u_done(&pd->core, io_u, res);
	if (io_u->error)
		io_u_log_error(td, io_u);
	return FIO_Q_COMPLETED;
}

static enum fio_q_status pa_queue(struct thread_data *td, struct io_u *io_u)
{
	struct pa_data *pd = pa_data(td);
	struct pa_slot *s = &pd->slots[io_u->index];
	struct pa_file *pf = FILE_ENG_DATA(io_u->file);
	struct pa_queue *q;
	uint64_t handed_ns;
	int ret;

	fio_ro_check(td, io_u);
	/*
	 * An fsync must cover the writes queued before it, and a trim must not overtake a
	 * write to its blocks: let those finish first.
	 */
	if (!ddir_rw(io_u->ddir) && pd->nr_inflight)
		return FIO_Q_BUSY;
	idr_submit_begin(&pd->core);
	if (__builtin_expect(io_u->ddir == DDIR_TRIM, 0))
		return pa_trim(td, pd, io_u);
	if (!pf) {
		/* Opened before init, and still open: attach now. */
		ret = pa_file_attach(pd, io_u->file);
		if (ret)
			return pa_fail_now(td, io_u, ret);
		pf = FILE_ENG_DATA(io_u->file);
	}
	q = ddir_sync(io_u->ddir) ? pf->q[0] : least_busy(pf);
	memset(&s->cb, 0, sizeof(s->cb));
	s->cb.aio_fildes = q->fd;
	s->cb.aio_buf = io_u->xfer_buf;
	s->cb.aio_nbytes = io_u->xfer_buflen;
	s->cb.aio_offset = (off_t)io_u->offset;
	s->cb.aio_sigevent.sigev_notify = SIGEV_NONE;
	handed_ns = idr_lat_now(&pd->core);
	ret = pa_submit(s, io_u->ddir);
	idr_count_syscall(&pd->core.cnt, IDR_SC_SUBMIT);
	if (ret == -EAGAIN) {
		pd->core.cnt.busy++;
		return FIO_Q_BUSY;
	}
	if (ret)
		return pa_fail_now(td, io_u, ret);
	q_push(pd, q, io_u->index);
	pd->nr_inflight++;
	idr_issued(td, &io_u, 1, handed_ns);
	return FIO_Q_QUEUED;
}

/* Submission happens in ->queue; commit exists so fio leaves the depth accounting to us. */
static int pa_commit(struct thread_data *td)
{
	(void)td;
	return 0;
}

/* ---- completion ------------------------------------------------------------------------ */

/*
 * Take q's finished requests, in order, into events[n..max); *now is when the scan saw
 * the first finished one (idr_lat_now, read once per scan). Returns the new n.
 */
static unsigned int reap_queue(struct pa_data *pd, struct pa_queue *q, unsigned int n,
			       unsigned int max, uint64_t *now)
{
	while (n < max && q->head != PA_NONE) {
		struct pa_slot *s = &pd->slots[q->head];
		int err = aio_error(&s->cb);
		struct io_u *io_u;
		long long res;

		if (err == EINPROGRESS)
			break; /* glibc runs q in order: the rest are not done either */
		if (!*now)
			*now = idr_lat_now(&pd->core);
		/* aio_return exactly once: it ends glibc's record of the request. */
		res = aio_return(&s->cb);
		if (err)
			res = -err;
		io_u = idr_io_u(&pd->core, q_pop(pd, q));
		pd->nr_inflight--;
		idr_io_u_done(&pd->core, io_u, res);
		idr_lat_done(&pd->core, io_u, *now);
		pd->core.events[n++] = io_u;
	}
	return n;
}

/* Collect finished requests from every queue. Returns the new n. */
static unsigned int pa_scan(struct pa_data *pd, unsigned int n, unsigned int max)
{
	unsigned int i = 0;
	uint64_t now = 0;

	while (i < pd->nr_queues && n < max) {
		n = reap_queue(pd, pd->queues[i], n, max, &now);
		if (pd->queues[i]->fd < 0 && !pd->queues[i]->nr)
			q_drop(pd, i); /* its file closed while results were waiting */
		else
			i++;
	}
	return n;
}

/* ns left until deadline into rel; false when it has passed. */
static bool time_left(const struct timespec *deadline, struct timespec *rel)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (deadline->tv_sec - now.tv_sec) * 1000000000LL + deadline->tv_nsec - now.tv_nsec;
	if (ns <= 0)
		return false;
	rel->tv_sec = ns / 1000000000LL;
	rel->tv_nsec = ns % 1000000000LL;
	return true;
}

/*
 * The request of q (not empty) to sleep on: the head, or with aio_wait_spread=N the one
 * k = (nr - 1) / N places behind it. Sleeping on the head costs a wake-up per request (two
 * futex calls per I/O measured on one descriptor at iodepth 32, where fio's posixaio makes
 * 0.55: it sleeps on the first 8 requests it finds, rarely the one running); a request k
 * places down lets k + 1 finish per wake-up and tells each of them late by at most k
 * service times, less than 1/N of the nr they spent queued. Up to N requests on q: the head.
 */
static const struct aiocb *q_wait_target(const struct pa_data *pd, const struct pa_queue *q)
{
	uint32_t idx = q->head;
	unsigned int k;

	if (!pd->spread)
		return &pd->slots[idx].cb;
	for (k = (q->nr - 1) / pd->spread; k; k--)
		idx = pd->slots[idx].next;
	return &pd->slots[idx].cb;
}

/*
 * Wait until the chosen request of some queue finishes, or the deadline: one per queue,
 * so the list is short whatever the iodepth. aio_suspend's timeout is relative:
 * recomputed from the deadline on every call. Returns 0, or -ETIMEDOUT.
 */
static int pa_wait(struct pa_data *pd, const struct timespec *deadline)
{
	struct timespec rel;
	unsigned int i;
	int k = 0;

	if (deadline && !time_left(deadline, &rel))
		return -ETIMEDOUT;
	idr_count_syscall(&pd->core.cnt, IDR_SC_REAP);
	if (pd->poll) {
		pd->polls++;
		sched_yield(); /* on 2 CPUs a spinning reaper would starve the helpers */
		return 0;
	}
	for (i = 0; i < pd->nr_queues; i++)
		if (pd->queues[i]->head != PA_NONE)
			pd->suspend[k++] = q_wait_target(pd, pd->queues[i]);
	if (!k || !aio_suspend(pd->suspend, k, deadline ? &rel : NULL))
		return 0;
	if (errno == EINTR) {
		pd->core.cnt.eintr++;
		return 0;
	}
	return errno == EAGAIN ? -ETIMEDOUT : 0;
}

static int pa_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			const struct timespec *t)
{
	struct pa_data *pd = pa_data(td);
	struct timespec deadline;
	unsigned int n = 0;

	if (t)
		idr_deadline(&deadline, t);
	if (max > pd->core.nr_io_us)
		max = pd->core.nr_io_us;
	for (;;) {
		n = pa_scan(pd, n, max);
		if (n >= min || n >= max || !pd->nr_inflight)
			break;
		if (pa_wait(pd, t ? &deadline : NULL)) {
			n = pa_scan(pd, n, max);
			break;
		}
	}
	if (n)
		idr_complete_stamp(&pd->core);
	return (int)n;
}

/* ---- files ----------------------------------------------------------------------------- */

/*
 * fio opens the file, we add the queues. fio also opens files before init, to lay them
 * out (no engine data yet, no I/O through us): those get theirs at their first I/O.
 * Returns 0, or 1 (fio's convention).
 */
static int pa_open_file(struct thread_data *td, struct fio_file *f)
{
	struct pa_data *pd = pa_data(td);
	int ret;

	if (idr_open_file(td, f))
		return 1;
	if (!pd)
		return 0;
	ret = pa_file_attach(pd, f);
	if (!ret)
		return 0;
	idr_close_file(td, f);
	return idr_fail(td, -ret,
			"aio_fds=%u: duplicating the descriptor of %s failed: %s; lower "
			"aio_fds or raise the descriptor limit (ulimit -n)",
			pd->nr_fds, f->file_name, strerror(-ret));
}

/* Sleep until glibc is done with every request on q (the results stay for getevents). */
static void q_wait_idle(struct pa_data *pd, struct pa_queue *q)
{
	const struct aiocb *cb;
	uint32_t idx;

	for (idx = q->head; idx != PA_NONE; idx = pd->slots[idx].next) {
		cb = &pd->slots[idx].cb;
		while (aio_error(cb) == EINPROGRESS)
			aio_suspend(&cb, 1, NULL);
	}
}

/*
 * fio closes the files, then frees the io_u buffers: wait until glibc's helpers are done
 * with every request on this file, then close the dup()s.
 */
static int pa_close_file(struct thread_data *td, struct fio_file *f)
{
	struct pa_data *pd = pa_data(td);
	struct pa_file *pf = FILE_ENG_DATA(f);
	unsigned int i;

	if (pd && pf) {
		for (i = 0; i < pf->nr; i++)
			q_wait_idle(pd, pf->q[i]);
		pa_file_free(pd, pf);
		FILE_SET_ENG_DATA(f, NULL);
	}
	return idr_close_file(td, f);
}

/* ---- set-up and clean-up --------------------------------------------------------------- */

/*
 * glibc starts and stops its helpers as it likes (a woken idle helper that finds the work
 * gone exits; another is started later), so following them by thread id loses the CPU
 * of the ones that exited. The process's CPU clock keeps it: with thread=0 the job
 * process is ours alone, and what it used beyond the job thread is the helpers'.
 */
static void pa_helpers_cpu(struct pa_data *pd)
{
	struct idr_cpu d;

	idr_cpu_residual(&pd->proc0, &pd->job0, &d);
	idr_cpu_sum_add(&pd->core.workers, &d);
	pd->core.workers.threads = 0; /* glibc's helpers cannot be counted from here */
}

static void pa_note_facts(struct pa_data *pd, const struct pa_options *o)
{
	struct idr_ctx *c = &pd->core;

	idr_note_str(c, "pool", "glibc user-space threads, one request per descriptor at a time");
	idr_note_u64(c, "aio_fds", pd->nr_fds);
	idr_note_u64(c, "aio_threads", o->threads);
	idr_note_u64(c, "aio_num", o->num);
	idr_note_bool(c, "aio_poll", pd->poll);
	idr_note_u64(c, "aio_wait_spread", pd->spread);
	idr_note_u64(c, "max_requests_on_one_fd", pd->max_queue);
	idr_note_u64(c, "poll_passes", pd->polls);
	idr_note_str(c, "syscalls_are",
		     "aio_* calls of the job thread; each request also costs "
		     "a pread/pwrite in a helper thread");
	idr_note_str(c, "helper_cpu",
		     pd->helpers_on
			     ? "process CPU minus the job thread's, "
			       "init to cleanup (glibc's helpers, exited ones included)"
			     : "not measured: "
			       "with thread=1 glibc's helpers serve every job of the process");
}

static void pa_cleanup(struct thread_data *td)
{
	struct pa_data *pd = pa_data(td);

	if (pd) {
		if (pd->helpers_on)
			pa_helpers_cpu(pd);
		if (td->eo)
			pa_note_facts(pd, td->eo);
		while (pd->nr_queues)
			q_drop(pd, 0);
		free(pd->queues);
		free(pd->suspend);
		free(pd->slots);
	}
	idr_cleanup(td);
}

/* Returns 0, or 1 after idr_fail naming the option. */
static int pa_check_options(struct thread_data *td, const struct pa_options *o)
{
	if ((int)o->fds < 1 || (int)o->fds > PA_MAX_FDS)
		return idr_fail(td, EINVAL,
				"aio_fds=%d: use 1 to %d descriptors per file (1, the "
				"default, is plain glibc: one request at a time per file)",
				(int)o->fds, PA_MAX_FDS);
	if ((int)o->threads < 1 || (int)o->threads > PA_MAX_THREADS)
		return idr_fail(td, EINVAL,
				"aio_threads=%d: glibc needs 1 to %d helper threads "
				"(its default is 20)",
				(int)o->threads, PA_MAX_THREADS);
	if ((int)o->num < 1 || (int)o->num > PA_MAX_NUM)
		return idr_fail(td, EINVAL,
				"aio_num=%d: use 1 to %d simultaneous requests (glibc's "
				"default is 64)",
				(int)o->num, PA_MAX_NUM);
	if ((int)o->spread < 0 || (int)o->spread > PA_MAX_NUM)
		return idr_fail(td, EINVAL,
				"aio_wait_spread=%d: use 0 (each completion as it comes) to %d",
				(int)o->spread, PA_MAX_NUM);
	return 0;
}

static int pa_init(struct thread_data *td)
{
	struct pa_options *o = td->eo;
	struct aioinit ai = { 0 };
	struct pa_data *pd;

	if (pa_check_options(td, o))
		return 1;
	pd = (struct pa_data *)idr_init(td, "posix_aio", sizeof(*pd));
	if (!pd)
		return 1;
	pd->nr_fds = o->fds;
	pd->poll = o->poll;
	pd->spread = o->spread;
	idr_lat_describe(&pd->core, "aio_read/aio_write called",
			 "aio_error stopped saying EINPROGRESS", false);
	/* A spread reap sees a request when one further down its queue is done. */
	if (pd->spread && !pd->poll && td->o.iodepth > pd->spread)
		pd->core.lat.batched = true;
	pd->slots = calloc(td->o.iodepth, sizeof(*pd->slots));
	if (!pd->slots)
		return idr_fail(td, ENOMEM, "out of memory for iodepth=%u", td->o.iodepth);
	/* Must come before any other aio call of the process to take effect. */
	ai.aio_threads = (int)o->threads;
	ai.aio_num = (int)o->num;
	aio_init(&ai);
	/* With thread=0 the job is a process of its own: every other thread is a helper. */
	pd->helpers_on = !td->o.use_thread;
	idr_cpu_process(&pd->proc0);
	idr_cpu_self(&pd->job0);
	return 0;
}

struct ioengine_ops ioengine IDR_EXPORT = {
	.name = "iodrill-posix_aio",
	.version = FIO_IOOPS_VERSION,
	.flags = FIO_ASYNCIO_SETS_ISSUE_TIME,
	.setup = idr_setup,
	.init = pa_init,
	.io_u_init = idr_io_u_init,
	.queue = pa_queue,
	.commit = pa_commit,
	.getevents = pa_getevents,
	.event = idr_event,
	.cleanup = pa_cleanup,
	.open_file = pa_open_file,
	.close_file = pa_close_file,
	.get_file_size = generic_get_file_size,
	.options = options,
	.option_struct_size = sizeof(struct pa_options),
};
