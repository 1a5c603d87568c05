/*
 * threadpool.c - tp_workers threads doing blocking pread/pwrite/fsync: the drill's "16
 * threads reading in parallel", inside one fio job at any iodepth.
 *
 * fio twin: none (the bench compares it with posixaio, and with psync at numjobs=16).
 * The job thread hands io_us to the workers through a lock-free ring and reaps them from
 * another (core/chan.h): no lock on the hot path. Idle workers sleep on a futex, as does
 * the job thread when getevents must wait, unless tp_spin= makes them poll first; a
 * submission that finds no worker asleep makes no system call. Workers start at
 * post_init with every signal blocked, are joined at cleanup, and a file is drained of
 * in-flight I/O before fio closes it (fio frees the buffers right after).
 * Differences from psync: EINTR is retried; a trim runs in a worker like any I/O
 * (BLKDISCARD on a block device; a hole punched in a regular file, where psync's
 * BLKDISCARD fails with ENOTTY); an fsync waits for the writes queued before it (fio's
 * libaio does the same).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "core/idr.h"

#define TP_MAX_WORKERS 1024
#define TP_MAX_SPIN_US 1000000
#define TP_STACK_BYTES (256 * 1024) /* a worker only calls pread: 8 MiB each is waste */

struct tp_options {
	IDR_OPTIONS_HEAD;
	unsigned int workers;
	unsigned int spin_us;
};

static struct fio_option options[] = {
	IDR_CORE_OPTIONS(struct tp_options),
	{
		.name = "tp_workers",
		.lname = "thread pool workers",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct tp_options, workers),
		.def = "16",
		.help = "Worker threads doing blocking pread/pwrite/fsync for this job (1-1024)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{
		.name = "tp_spin",
		.lname = "thread pool spin time",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct tp_options, spin_us),
		.def = "0",
		.help = "Microseconds an idle worker, or the job thread waiting for completions, "
			"polls before sleeping on a futex (0: sleep at once; spinning burns a CPU)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_INVALID,
	},
	{ .name = NULL },
};

/*
 * What a worker needs to run one I/O, copied from the io_u by the job thread before the
 * hand-off (so workers never touch fio's structures), and the result the worker leaves.
 * One cache line each: workers finishing neighbouring slots do not share a line.
 */
struct tp_slot {
	int fd;
	unsigned short ddir;
	unsigned short trim_how; /* enum idr_trim_how, for DDIR_TRIM */
	void *buf;
	unsigned long long len;
	unsigned long long off;
	uint64_t handed_ns; /* pushed to the workers (idr_lat_now): 0, not timed */
	long long res;	    /* bytes moved, or -errno */
} __attribute__((aligned(IDR_CACHELINE)));

struct tp_data;

struct tp_worker {
	struct tp_data *tp;
	pthread_t thread;
	struct idr_chan_stats st; /* its futex sleeps */
	uint64_t io_calls;	  /* pread/pwrite/fsync calls */
	uint64_t wakes;		  /* futex wakes of the job thread */
	uint64_t eintr;
	uint64_t push_yields; /* completions that waited for a held ring cell */
	/* Its I/Os' latencies (with a sidecar), merged into the job's at cleanup: no lock. */
	struct idr_hist *lat[2];
	uint64_t untimed;
} __attribute__((aligned(IDR_CACHELINE)));

struct tp_data {
	struct idr_ctx core;
	struct tp_slot *slots; /* by io_u index */
	struct idr_chan sq;    /* job thread -> workers: slot indices */
	struct idr_chan cq;    /* workers -> job thread */
	bool chans_ok;
	uint32_t stop; /* set once, at cleanup */
	bool barrier;  /* a trim is queued: nothing else until it is done */
	uint64_t spin_ns;
	struct tp_worker *workers;
	unsigned int nr_workers, nr_started;
	struct io_u **pending; /* queued since the last commit */
	unsigned int nr_pending;
	unsigned int inflight;	      /* committed, not yet reaped */
	uint32_t *reaped;	      /* indices the last getevents popped */
	struct idr_chan_stats job_st; /* the job thread's futex sleeps */
	uint64_t drains;	      /* files closed with I/O still in flight */
	uint64_t push_yields;	      /* submissions that waited for a held ring cell */
};

static struct tp_data *tp_data(struct thread_data *td)
{
	return (struct tp_data *)idr_ctx(td);
}

/* ---- the workers ------------------------------------------------------------------- */

/* One blocking system call for slot s, EINTR retried. Returns bytes moved, or -errno. */
static long long tp_exec(struct tp_worker *w, const struct tp_slot *s)
{
	ssize_t ret;

	for (;;) {
		switch (s->ddir) {
		case DDIR_READ:
			ret = pread(s->fd, s->buf, s->len, (off_t)s->off);
			break;
		case DDIR_WRITE:
			ret = pwrite(s->fd, s->buf, s->len, (off_t)s->off);
			break;
		case DDIR_SYNC:
			ret = fsync(s->fd);
			break;
		case DDIR_DATASYNC:
			ret = fdatasync(s->fd);
			break;
		case DDIR_TRIM:
			w->io_calls++;
			return idr_trim_fd(s->fd, s->trim_how, s->off, s->len);
		default:
			return -EOPNOTSUPP;
		}
		w->io_calls++;
		if (ret >= 0)
			return ret;
		if (errno != EINTR)
			return -errno;
		w->eintr++;
	}
}

/* The worker timed s's I/O: handed over to its pread/pwrite returning. */
static void tp_lat_add(struct tp_worker *w, const struct tp_slot *s)
{
	if (s->res < 0 || s->ddir > DDIR_WRITE)
		return;
	if (s->handed_ns)
		idr_hist_add(w->lat[s->ddir], idr_now_ns() - s->handed_ns);
	else
		w->untimed++;
}

static void *tp_worker_main(void *arg)
{
	struct tp_worker *w = arg;
	struct tp_data *tp = w->tp;
	uint32_t idx;
	int ret;

	for (;;) {
		ret = idr_chan_pop_mc_wait(&tp->sq, &idx, &tp->stop, tp->spin_ns, &w->st);
		if (ret == -ESHUTDOWN)
			break;
		if (ret)
			continue; /* a futex error: cannot happen on a valid word; retry */
		tp->slots[idx].res = tp_exec(w, &tp->slots[idx]);
		if (w->lat[0])
			tp_lat_add(w, &tp->slots[idx]);
		/*
		 * The ring holds twice the most completions ever queued, so a push fails only
		 * while the job thread, preempted mid-pop, holds a cell: yield until it lets go.
		 */
		if (idr_chan_push_mp_retry(&tp->cq, idx) > 0)
			w->push_yields++;
		w->wakes += (uint64_t)idr_chan_wake_want(&tp->cq);
	}
	idr_cpu_sum_add_self(&tp->core.workers);
	return NULL;
}

/*
 * Start the workers with every signal blocked (they inherit the mask), so a SIGINT goes
 * to fio's own threads and never interrupts a worker's system call. Returns 0 or an
 * errno from pthread_create (positive, as pthreads does).
 */
static int tp_start_workers(struct tp_data *tp)
{
	pthread_attr_t attr;
	sigset_t all, old;
	int err;

	err = pthread_attr_init(&attr);
	if (err)
		return err;
	pthread_attr_setstacksize(&attr, TP_STACK_BYTES);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (; tp->nr_started < tp->nr_workers; tp->nr_started++) {
		struct tp_worker *w = &tp->workers[tp->nr_started];

		w->tp = tp;
		err = pthread_create(&w->thread, &attr, tp_worker_main, w);
		if (err)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return err;
}

/* Stop and join every started worker, folding its counts into the job's. */
static void tp_stop_workers(struct tp_data *tp)
{
	struct idr_counters *cnt = &tp->core.cnt;
	unsigned int i;

	idr_chan_stop(&tp->sq, &tp->stop);
	for (i = 0; i < tp->nr_started; i++) {
		struct tp_worker *w = &tp->workers[i];

		pthread_join(w->thread, NULL);
		/* A pread both submits and completes: counted as both, like the sync engine. */
		cnt->syscalls += w->io_calls + w->st.sleeps + w->wakes;
		cnt->submit_calls += w->io_calls;
		cnt->reap_calls += w->io_calls + w->wakes;
		cnt->eintr += w->eintr + w->st.eintr;
		if (w->lat[0]) {
			idr_hist_merge(tp->core.lat.hist[0], w->lat[0]);
			idr_hist_merge(tp->core.lat.hist[1], w->lat[1]);
			tp->core.lat.untimed += w->untimed;
		}
	}
}

/* ---- the job thread's side ------------------------------------------------------------ */

static enum fio_q_status tp_queue(struct thread_data *td, struct io_u *io_u)
{
	struct tp_data *tp = tp_data(td);
	struct tp_slot *s = &tp->slots[io_u->index];

	fio_ro_check(td, io_u);
	/*
	 * An fsync must cover the writes queued before it, and a trim must not overtake a
	 * write to its blocks: let those finish first. Nothing passes a trim either (after
	 * trimwrite's trim comes the write of the same blocks, maybe to another worker).
	 */
	if (__builtin_expect(tp->barrier, 0)) {
		if (tp->inflight || tp->nr_pending)
			return FIO_Q_BUSY;
		tp->barrier = false;
	}
	if (!ddir_rw(io_u->ddir) && (tp->inflight || tp->nr_pending))
		return FIO_Q_BUSY;
	idr_submit_begin(&tp->core);
	s->fd = io_u->file->fd;
	s->ddir = (unsigned short)io_u->ddir;
	s->buf = io_u->xfer_buf;
	s->len = io_u->xfer_buflen;
	s->off = io_u->offset;
	if (__builtin_expect(io_u->ddir == DDIR_TRIM, 0)) {
		s->trim_how = (unsigned short)idr_trim_how_of(io_u->file);
		tp->barrier = true;
	}
	tp->pending[tp->nr_pending++] = io_u;
	return FIO_Q_QUEUED;
}

static int tp_commit(struct thread_data *td)
{
	struct tp_data *tp = tp_data(td);
	unsigned int i, n = tp->nr_pending;
	uint64_t handed_ns;
	int ret;

	if (!n)
		return 0;
	/* Stamp issue times first: once pushed, a worker may finish an io_u at any moment. */
	handed_ns = idr_lat_now(&tp->core);
	idr_issued(td, tp->pending, n, handed_ns);
	for (i = 0; i < n; i++) {
		tp->slots[tp->pending[i]->index].handed_ns = handed_ns;
		/*
		 * The ring holds twice iodepth, so a push waits only while a worker,
		 * preempted mid-pop, holds a cell; staying full would be a bug, not a busy
		 * device.
		 */
		ret = idr_chan_push_sp_retry(&tp->sq, tp->pending[i]->index);
		if (ret < 0) {
			log_err("threadpool: internal error: submission ring full at %u in flight\n",
				tp->inflight);
			return -EIO;
		}
		tp->push_yields += ret > 0;
	}
	tp->inflight += n;
	tp->nr_pending = 0;
	if (idr_chan_wake_any(&tp->sq, n))
		idr_count_syscall(&tp->core.cnt, IDR_SC_SUBMIT);
	return 0;
}

static int tp_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			const struct timespec *t)
{
	struct tp_data *tp = tp_data(td);
	uint64_t sleeps = tp->job_st.sleeps;
	struct timespec deadline;
	int n, i;

	if (t)
		idr_deadline(&deadline, t);
	if (max > tp->core.nr_io_us)
		max = tp->core.nr_io_us;
	n = idr_chan_pop_sc_many(&tp->cq, tp->reaped, min, max, t ? &deadline : NULL, tp->spin_ns,
				 &tp->job_st);
	for (; sleeps < tp->job_st.sleeps; sleeps++)
		idr_count_syscall(&tp->core.cnt, IDR_SC_REAP);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		struct io_u *io_u = idr_io_u(&tp->core, tp->reaped[i]);

		idr_io_u_done(&tp->core, io_u, tp->slots[tp->reaped[i]].res);
		tp->core.events[i] = io_u;
	}
	tp->inflight -= (unsigned int)n;
	if (n)
		idr_complete_stamp(&tp->core);
	return n;
}

/*
 * fio closes the files, then frees the io_u buffers, then calls cleanup: wait until the
 * workers have finished everything handed to them (the completions stay queued for
 * getevents), so no worker reads a closed fd or writes into a freed buffer.
 */
static int tp_close_file(struct thread_data *td, struct fio_file *f)
{
	struct tp_data *tp = tp_data(td);
	uint32_t handed;

	if (tp && tp->chans_ok) {
		handed = idr_chan_pushed(&tp->sq);
		if (handed != idr_chan_pushed(&tp->cq)) {
			idr_chan_wait_pushed(&tp->cq, handed, NULL, 0, &tp->job_st);
			tp->drains++;
		}
	}
	return idr_close_file(td, f);
}

/* ---- set-up and clean-up ------------------------------------------------------------- */

static void tp_note_facts(struct tp_data *tp)
{
	struct idr_ctx *c = &tp->core;
	uint64_t worker_sleeps = 0, worker_wakes = 0, yields = tp->push_yields;
	unsigned int i;

	for (i = 0; i < tp->nr_started; i++) {
		worker_sleeps += tp->workers[i].st.sleeps;
		worker_wakes += tp->workers[i].wakes;
		yields += tp->workers[i].push_yields;
	}
	idr_note_u64(c, "tp_workers", tp->nr_workers);
	idr_note_u64(c, "tp_spin_us", tp->spin_ns / 1000);
	idr_note_u64(c, "worker_sleeps", worker_sleeps);
	idr_note_u64(c, "worker_wakes_of_job", worker_wakes);
	idr_note_u64(c, "job_sleeps", tp->job_st.sleeps);
	idr_note_u64(c, "drained_at_close", tp->drains);
	idr_note_u64(c, "ring_push_yields", yields);
}

static void tp_cleanup(struct thread_data *td)
{
	struct tp_data *tp = tp_data(td);

	if (tp) {
		if (tp->chans_ok) {
			tp_stop_workers(tp);
			tp->core.cnt.eintr += tp->job_st.eintr;
			tp_note_facts(tp);
			idr_chan_free(&tp->sq);
			idr_chan_free(&tp->cq);
		}
		free(tp->slots);
		for (unsigned int i = 0; tp->workers && i < tp->nr_workers; i++) {
			free(tp->workers[i].lat[0]);
			free(tp->workers[i].lat[1]);
		}
		free(tp->workers);
		free(tp->pending);
		free(tp->reaped);
	}
	idr_cleanup(td);
}

/* Check the options before anything is allocated. Returns 0, or 1 after idr_fail. */
static int tp_check_options(struct thread_data *td, const struct tp_options *o)
{
	/* A zone reset (fio's zbd trim) needs fio's zone locks: not from a worker. */
	if (td_trim(td) && td->o.zone_mode == ZONE_MODE_ZBD)
		return idr_fail(td, EINVAL,
				"rw=%s with zonemode=zbd: zone resets need fio's zone locks, "
				"which workers do not take; use ioengine=sync or kaio",
				td_random(td) ? "randtrim" : "trim");
	/* fio stores a negative int as is: compare signed, so tp_workers=-1 reads as -1. */
	if ((int)o->workers < 1)
		return idr_fail(td, EINVAL,
				"tp_workers=%d: the pool needs at least one worker "
				"thread; use 1 to %d (default 16)",
				(int)o->workers, TP_MAX_WORKERS);
	if ((int)o->workers > TP_MAX_WORKERS)
		return idr_fail(td, EINVAL,
				"tp_workers=%d is above the bound of %d threads per "
				"job; use 1 to %d, and numjobs= for more",
				(int)o->workers, TP_MAX_WORKERS, TP_MAX_WORKERS);
	if ((int)o->spin_us < 0 || (int)o->spin_us > TP_MAX_SPIN_US)
		return idr_fail(td, EINVAL,
				"tp_spin=%d: spin 0 to %d us before sleeping "
				"(0, the default, sleeps at once)",
				(int)o->spin_us, TP_MAX_SPIN_US);
	return 0;
}

/* With a sidecar, a latency histogram per direction for every worker. Returns 0 or -ENOMEM. */
static int tp_lat_alloc(struct tp_data *tp)
{
	unsigned int i, d;

	for (i = 0; tp->core.lat.on && i < tp->nr_workers; i++) {
		for (d = 0; d < 2; d++) {
			tp->workers[i].lat[d] = malloc(sizeof(struct idr_hist));
			if (!tp->workers[i].lat[d])
				return -ENOMEM;
			idr_hist_init(tp->workers[i].lat[d]);
		}
	}
	return 0;
}

static int tp_init(struct thread_data *td)
{
	struct tp_options *o = td->eo;
	struct tp_data *tp;
	unsigned int depth = td->o.iodepth;

	if (tp_check_options(td, o))
		return 1;
	tp = (struct tp_data *)idr_init(td, "threadpool", sizeof(*tp));
	if (!tp)
		return 1;
	tp->nr_workers = o->workers;
	tp->spin_ns = (uint64_t)o->spin_us * 1000;
	tp->slots = aligned_alloc(IDR_CACHELINE, depth * sizeof(*tp->slots));
	tp->workers = aligned_alloc(IDR_CACHELINE, tp->nr_workers * sizeof(*tp->workers));
	tp->pending = calloc(depth, sizeof(*tp->pending));
	tp->reaped = calloc(depth, sizeof(*tp->reaped));
	if (!tp->slots || !tp->workers || !tp->pending || !tp->reaped)
		return idr_fail(td, ENOMEM, "out of memory for iodepth=%u, tp_workers=%u", depth,
				tp->nr_workers);
	memset(tp->workers, 0, tp->nr_workers * sizeof(*tp->workers));
	if (tp_lat_alloc(tp))
		return idr_fail(td, ENOMEM,
				"out of memory for the latency histograms of %u workers",
				tp->nr_workers);
	idr_lat_describe(&tp->core, "handed to the workers (commit)",
			 "the worker's pread/pwrite/fsync returned", false);
	/* Twice iodepth: see idr_chan_init on cells held by a preempted popper. */
	if (idr_chan_init(&tp->sq, 2 * depth) || idr_chan_init(&tp->cq, 2 * depth)) {
		idr_chan_free(&tp->sq);
		return idr_fail(td, ENOMEM, "out of memory for rings of iodepth=%u", depth);
	}
	tp->chans_ok = true;
	return 0;
}

/* Workers start once fio has set up the io_us: a failure here still gets a cleanup. */
static int tp_post_init(struct thread_data *td)
{
	struct tp_data *tp = tp_data(td);
	int err = tp_start_workers(tp);

	if (err)
		return idr_fail(td, err,
				"tp_workers=%u: only %u worker threads could start (%s); "
				"lower tp_workers or raise the thread limit (ulimit -u)",
				tp->nr_workers, tp->nr_started, strerror(err));
	return 0;
}

struct ioengine_ops ioengine IDR_EXPORT = {
	.name = "iodrill-threadpool",
	.version = FIO_IOOPS_VERSION,
	.flags = FIO_ASYNCIO_SETS_ISSUE_TIME,
	.setup = idr_setup,
	.init = tp_init,
	.post_init = tp_post_init,
	.io_u_init = idr_io_u_init,
	.queue = tp_queue,
	.commit = tp_commit,
	.getevents = tp_getevents,
	.event = idr_event,
	.cleanup = tp_cleanup,
	.open_file = idr_open_file,
	.close_file = tp_close_file,
	.get_file_size = generic_get_file_size,
	.options = options,
	.option_struct_size = sizeof(struct tp_options),
};
