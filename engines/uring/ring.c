/*
 * ring.c - the io_uring ring behind fio's hooks (see ring.h): set-up and registration,
 * the submit/reap loop, SQPOLL wake-ups, the CQE-to-io_u path, and tear-down.
 *
 * Positions: sq_tail counts SQEs filled, sq_sub those handed to the kernel; pend[] holds
 * the io_u of every filled position (slot = position & sq_mask). SQEs are filled in ring
 * order, so the SQ array (when the kernel has one) is the identity map, set once.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rawsys.h"
#include "uring/ring.h"

/* A pending entry that is a resubmission: already counted and stamped once. */
#define RETRY_TAG ((uintptr_t)1)
/* Resubmissions of one I/O after CQE -EAGAIN before its -EAGAIN goes to fio. */
#define MAX_TRIES 16
/* Empty CQ polls before an SQPOLL reap stops spinning and sleeps in the kernel. */
#define SQPOLL_SPINS 4096
/* How long cleanup waits for I/O still in flight (fio drains before; this is a guard). */
#define DRAIN_ROUNDS 50 /* of 100 ms */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static inline struct io_uring_cqe *cqe_at(struct idr_ring *r, unsigned int pos)
{
	return &r->cqes[(size_t)(pos & r->cq_mask) << r->cqe_shift];
}

/*
 * io_uring_enter(2) without a signal mask, made in line (core/rawsys.h) rather than
 * through liburing's out-of-line wrapper. Returns the count or -errno.
 */
static inline int sys_enter(unsigned int fd, unsigned int submit, unsigned int wait,
			    unsigned int flags)
{
	return (int)idr_rawsys6(__NR_io_uring_enter, fd, submit, wait, flags, 0 /* no sigset */,
				_NSIG / 8 /* its size */);
}

/*
 * io_uring_enter, counted in the job's system calls as kind (IDR_SC_*: callers pass a
 * constant). Again while a signal interrupts it before it did anything. Returns the
 * count or -errno.
 */
static inline int ring_enter(struct idr_ring *r, unsigned int submit, unsigned int wait,
			     unsigned int flags, unsigned int kind)
{
	int ret;

	for (;;) {
		idr_count_syscall(&r->c->cnt, kind);
		ret = sys_enter((unsigned int)r->enter_fd, submit, wait, flags | r->enter_flags);
		if (__builtin_expect(ret != -EINTR, 1))
			return ret;
		r->c->cnt.eintr++;
	}
}

/* Make the SQEs filled so far visible; release: their contents before the tail. */
static inline void ring_publish(struct idr_ring *r)
{
	__atomic_store_n(r->sq_ktail, r->sq_tail, __ATOMIC_RELEASE);
}

/*
 * idr_issued over pend[at, at + k), skipping resubmissions (counted the first time; their
 * latency runs from their first submission).
 */
static void issued_skip_retries(struct idr_ring *r, unsigned int at, unsigned int k,
				uint64_t handed_ns)
{
	unsigned int i, start = at;

	for (i = at; i < at + k; i++) {
		if (!((uintptr_t)r->pend[i] & RETRY_TAG))
			continue;
		if (i > start)
			idr_issued_ctx(r->c, r->pend + start, i - start, handed_ns);
		r->pend[i] = (struct io_u *)((uintptr_t)r->pend[i] & ~RETRY_TAG);
		r->nr_pend_retries--;
		start = i + 1;
	}
	if (at + k > start)
		idr_issued_ctx(r->c, r->pend + start, at + k - start, handed_ns);
}

/* ring_issued's general case: the run wraps around the ring, or holds resubmissions. */
static void ring_issued_slow(struct idr_ring *r, unsigned int n, uint64_t handed_ns)
{
	unsigned int at, k;

	while (n) {
		at = r->sq_sub & r->sq_mask;
		k = r->sq_entries - at < n ? r->sq_entries - at : n;
		if (r->nr_pend_retries)
			issued_skip_retries(r, at, k, handed_ns);
		else
			idr_issued_ctx(r->c, r->pend + at, k, handed_ns);
		r->sq_sub += k;
		n -= k;
	}
}

/*
 * The first n pending SQEs went to the kernel at handed_ns (idr_lat_now before the enter,
 * or the publish): count them in flight, stamp issue times.
 */
static inline void ring_issued(struct idr_ring *r, unsigned int n, uint64_t handed_ns)
{
	unsigned int at = r->sq_sub & r->sq_mask;

	r->inflight += n;
	r->merge = false;
	if (__builtin_expect(r->nr_pend_retries || at + n > r->sq_entries, 0)) {
		ring_issued_slow(r, n, handed_ns);
		return;
	}
	idr_issued_ctx(r->c, r->pend + at, n, handed_ns);
	r->sq_sub += n;
}

/*
 * An enter that failed with ret: -EAGAIN or -EBUSY (the kernel is short of resources, or
 * its CQ is full: nothing taken) are counted as busy and returned as -EAGAIN; any other
 * -errno as it is.
 */
static __attribute__((cold, noinline)) int ring_refused(struct idr_ring *r, int ret)
{
	if (ret != -EAGAIN && ret != -EBUSY)
		return ret;
	r->c->cnt.busy++;
	return -EAGAIN;
}

/*
 * ring_submit's other answers: the kernel took fewer than the n SQEs handed over at
 * handed_ns (the rest stay pending), or failed (ret). Returns 0, -EAGAIN when it is
 * short of resources and took nothing, or another -errno.
 */
static __attribute__((noinline)) int ring_submitted_part(struct idr_ring *r, unsigned int n,
							 int ret, uint64_t handed_ns)
{
	if (ret < 0)
		return ring_refused(r, ret);
	if ((unsigned int)ret > n) /* never from a sane kernel; keep the books straight */
		ret = (int)n;
	if (ret)
		ring_issued(r, (unsigned int)ret, handed_ns);
	return 0;
}

/*
 * Hand the pending SQEs (callers check there are some) to the kernel and wait for wait
 * completions, in one enter. GETEVENTS even with wait 0: it runs deferred completions
 * (DEFER_TASKRUN), polls (IOPOLL) and flushes a CQ overflow backlog. Returns 0 (the
 * kernel may have taken fewer than all: the rest stay pending), -EAGAIN when it is short
 * of resources and took nothing, or another -errno.
 */
static inline __attribute__((always_inline)) int ring_submit(struct idr_ring *r, unsigned int wait)
{
	unsigned int n = r->sq_tail - r->sq_sub;
	uint64_t handed_ns;
	int ret;

	ring_publish(r);
	handed_ns = idr_lat_now(r->c);
	ret = ring_enter(r, n, wait, IORING_ENTER_GETEVENTS, IDR_SC_SUBMIT | IDR_SC_REAP);
	/* The usual answer: the kernel took them all. */
	if (__builtin_expect(ret == (int)n, 1)) {
		ring_issued(r, n, handed_ns);
		return 0;
	}
	return ring_submitted_part(r, n, ret, handed_ns);
}

/*
 * Nothing to submit: wait for wait completions, or with 0 run what is due (as
 * ring_submit's GETEVENTS). Returns 0, -EAGAIN (short of resources), or another -errno.
 */
static inline __attribute__((always_inline)) int ring_wait(struct idr_ring *r, unsigned int wait)
{
	int ret = ring_enter(r, 0, wait, IORING_ENTER_GETEVENTS, IDR_SC_REAP);

	return __builtin_expect(ret >= 0, 1) ? 0 : ring_refused(r, ret);
}

/* Wake an SQPOLL poller that went to sleep. Returns 0 or -errno. */
static int ring_wake(struct idr_ring *r)
{
	int ret;

	r->st.wakeups++;
	ret = ring_enter(r, 0, 0, IORING_ENTER_SQ_WAKEUP, IDR_SC_SUBMIT);
	return ret < 0 ? ret : 0;
}

/*
 * SQPOLL: publish the queued SQEs (the poller takes them from the ring; they count as
 * issued now) and wake the poller only if it sleeps. The full barrier orders the tail
 * store before the flags load: a poller that looked at the tail just before going to
 * sleep has set IORING_SQ_NEED_WAKEUP by then (io_uring_enter(2)). Returns 0 or -errno.
 */
static int ring_sqpoll_submit(struct idr_ring *r)
{
	uint64_t handed_ns = idr_lat_now(r->c);

	ring_publish(r);
	ring_issued(r, r->sq_tail - r->sq_sub, handed_ns);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & IORING_SQ_NEED_WAKEUP)
		return ring_wake(r);
	return 0;
}

/* A failure the job cannot go on from: say what it means. Returns err. */
static int ring_fatal(struct idr_ring *r, int err)
{
	struct thread_data *td = r->c->td;

	if (err == -EBADR)
		log_err("%s: io_uring dropped completions (CQ overflow with no memory to keep "
			"them, EBADR): the run's results are wrong; lower iodepth\n",
			td->io_ops->name);
	else
		log_err("%s: io_uring_enter failed: %s\n", td->io_ops->name, strerror(-err));
	return err;
}

struct io_uring_sqe *idr_ring_sqe_full(struct idr_ring *r)
{
	unsigned int head;

	r->st.sq_full++;
	/* Our own queued SQEs fill it (a ring smaller than iodepth): hand them over. */
	if (r->sq_tail != r->sq_sub) {
		if (r->mode & IDR_RING_SQPOLL) {
			if (ring_sqpoll_submit(r))
				return NULL;
		} else if (ring_submit(r, 0)) {
			return NULL;
		}
	}
	head = __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
	if (r->sq_tail - head >= r->sq_entries)
		return NULL;
	return idr_ring_sqe_at(r, r->sq_tail);
}

/*
 * fio reaps next whenever its io_u pool is empty (do_io and do_verify wait for
 * completions when queue_full(); the final drain calls getevents), and getevents submits
 * whatever is pending. Leaving the SQEs to it makes commit and getevents one
 * io_uring_enter that submits and waits. Only where fio wants no issue times
 * (IDR_RING_MERGE): that enter returns after the wait, and an issue time stamped then
 * would put the device's time into slat and leave clat near zero. Returns true when the
 * SQEs are left to getevents.
 */
static bool ring_commit_merges(struct idr_ctx *c, struct idr_ring *r)
{
	if (!queue_full(c->td))
		return false;
	r->merge = true;
	r->st.merged++;
	return true;
}

int idr_ring_commit(struct idr_ctx *c, struct idr_ring *r)
{
	int ret;

	/* Nothing queued, or already left to getevents (fio commits again just before it). */
	if (r->sq_tail == r->sq_sub || r->merge)
		return 0;
	/* One test for the two modes that do not simply submit here. */
	if (__builtin_expect(r->mode & (IDR_RING_SQPOLL | IDR_RING_MERGE), 0)) {
		if (r->mode & IDR_RING_SQPOLL) {
			ret = ring_sqpoll_submit(r);
			return ret ? ring_fatal(r, ret) : 0;
		}
		if (ring_commit_merges(c, r))
			return 0;
	}
	ret = ring_submit(r, 0);
	if (__builtin_expect(!ret, 1))
		return 0;
	/* The kernel is short of resources: the SQEs wait for the next commit or reap. */
	return ret == -EAGAIN ? 0 : ring_fatal(r, ret);
}

/* ---- completions -------------------------------------------------------------------- */

/* The test seam: alter every Nth successful read/write result (IODRILL_URING_FAULTS). */
static int ring_fault(struct idr_ring *r, const struct io_u *io_u, int res)
{
	unsigned int seq;

	if (!ddir_rw(io_u->ddir) || res <= 0)
		return res;
	seq = ++r->fault_seq;
	if (r->faults.cqe_eagain && seq % r->faults.cqe_eagain == 0) {
		r->st.faults++;
		return -EAGAIN;
	}
	/*
	 * Half, kept a multiple of 512 so a direct I/O remainder stays aligned. Reads only:
	 * fio 3.33 re-fills a requeued write's buffer with a new verify header before
	 * writing the remainder, so a short write under verify fails whatever the engine.
	 */
	if (r->faults.cqe_short && seq % r->faults.cqe_short == 0 && res >= 1024 &&
	    io_u->ddir == DDIR_READ) {
		r->st.faults++;
		return (res / 2) & ~511;
	}
	return res;
}

/*
 * Keep io_u for resubmission after a CQE -EAGAIN (the kernel could not do it now; old
 * kernels hand that to the application), up to MAX_TRIES times. Returns true if kept.
 */
static bool ring_retry(struct idr_ring *r, struct io_u *io_u)
{
	if (!r->cfg.retry_eagain || r->tries[io_u->index] >= MAX_TRIES)
		return false;
	r->tries[io_u->index]++;
	r->retry[r->nr_retry++] = io_u;
	r->st.retries++;
	return true;
}

/* Put kept I/Os back on the SQ, tagged: not counted as new submissions. */
static void ring_requeue(struct idr_ring *r)
{
	struct io_uring_sqe *sqe;
	struct io_u *io_u;

	while (r->nr_retry) {
		sqe = idr_ring_sqe(r);
		if (!sqe)
			return; /* the SQ is full: next round */
		io_u = r->retry[--r->nr_retry];
		r->ops->prep(r, sqe, io_u);
		r->pend[r->sq_tail & r->sq_mask] = (struct io_u *)((uintptr_t)io_u | RETRY_TAG);
		r->sq_tail++;
		r->nr_pend_retries++;
	}
}

/* io_u finished with res, seen at now_ns: account it and hand it to fio as event at. */
static inline __attribute__((always_inline)) void ring_deliver(struct idr_ctx *c,
							       struct idr_ring *r,
							       struct io_u *io_u, long long res,
							       unsigned int at, uint64_t now_ns)
{
	r->tries[io_u->index] = 0;
	idr_io_u_done(c, io_u, res);
	idr_lat_done(c, io_u, now_ns);
	c->events[at] = io_u;
}

/* What a successful res (>= 0) means for io_u: bytes moved, or with res0_whole all of them. */
static inline long long ring_bytes(const struct idr_ring *r, const struct io_u *io_u, int res)
{
	return r->mode & IDR_RING_RES0_WHOLE ? (long long)io_u->xfer_buflen : res;
}

/*
 * One CQE, seen at now_ns: its io_u goes to c->events[at] (returns 1), or is kept to
 * resubmit (0).
 */
static __attribute__((noinline)) unsigned int ring_complete(struct idr_ctx *c, struct idr_ring *r,
							    const struct io_uring_cqe *cqe,
							    unsigned int at, uint64_t now_ns)
{
	uint64_t index = cqe->user_data;
	struct io_u *io_u;
	int res = cqe->res;

	if (__builtin_expect(index >= c->nr_io_us, 0)) {
		r->st.stray++; /* not one of ours: not in flight either */
		r->inflight++;
		return 0;
	}
	io_u = c->io_us[index];
	if (__builtin_expect(r->mode & IDR_RING_FAULTS, 0))
		res = ring_fault(r, io_u, res);
	if (__builtin_expect(res == -EAGAIN, 0) && ring_retry(r, io_u))
		return 0;
	/* The engine's look at the CQE: at errors, and with res0_whole at every res but 0. */
	if (res < 0 || (res > 0 && (r->mode & IDR_RING_RES0_WHOLE)))
		ring_deliver(c, r, io_u, r->ops->result(r, cqe, res, io_u), at, now_ns);
	else
		ring_deliver(c, r, io_u, ring_bytes(r, io_u, res), at, now_ns);
	return 1;
}

/*
 * Reap up to max - at completions into c->events[at...]. Returns how many. A successful
 * I/O of ours takes the short way (passthrough's res 0 included: one unsigned compare
 * with res_ok_max); everything else (errors, an NVMe status, -EAGAIN to resubmit, the
 * fault seam, a stray) ring_complete's.
 */
static inline __attribute__((always_inline)) unsigned int ring_reap(struct idr_ctx *c,
								    struct idr_ring *r,
								    unsigned int at,
								    unsigned int max)
{
	unsigned int head = *r->cq_khead, got = at, n, i;
	const struct io_uring_cqe *cqe;
	struct io_u *io_u;
	uint64_t now;

	/* Acquire: the CQE contents are visible once we see the tail that covers them. */
	n = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE) - head;
	if (n > max - at)
		n = max - at;
	if (!n)
		return 0;
	now = idr_lat_now(c); /* when we learned of these completions: one read for all */
	for (i = 0; i < n; i++) {
		cqe = cqe_at(r, head + i);
		if (__builtin_expect((unsigned int)cqe->res > r->res_ok_max ||
					     cqe->user_data >= c->nr_io_us,
				     0)) {
			got += ring_complete(c, r, cqe, got, now);
			continue;
		}
		io_u = c->io_us[cqe->user_data];
		ring_deliver(c, r, io_u, ring_bytes(r, io_u, cqe->res), got++, now);
	}
	/* Release: done reading these CQEs before the kernel may reuse their slots. */
	__atomic_store_n(r->cq_khead, head + n, __ATOMIC_RELEASE);
	r->inflight -= n;
	return got - at;
}

/*
 * Must we enter the kernel to see completions that may be there? With IOPOLL (we poll),
 * DEFER_TASKRUN (completions run only when we enter; TASKRUN_FLAG says when there are
 * some), or a CQ overflow backlog to flush.
 */
static bool ring_needs_kick(const struct idr_ring *r)
{
	unsigned int fl;

	if (r->mode & IDR_RING_IOPOLL)
		return true;
	fl = __atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED);
	if (fl & IORING_SQ_CQ_OVERFLOW)
		return true;
	if (r->mode & IDR_RING_TASKRUN_FLAG)
		return fl & IORING_SQ_TASKRUN;
	return r->mode & IDR_RING_DEFER;
}

/*
 * SQPOLL: the poller posts completions without us entering, so spin on the CQ (as fio
 * does), waking the poller if it fell asleep with SQEs left and flushing a CQ overflow
 * backlog; after SQPOLL_SPINS empty polls sleep in the kernel for want completions (a
 * slow device should not cost a core; counted as sqpoll_waits). Returns 0 or -errno.
 */
static int ring_sqpoll_wait(struct idr_ring *r, unsigned int want, unsigned int *spins)
{
	unsigned int fl = __atomic_load_n(r->sq_kflags, __ATOMIC_ACQUIRE);
	int ret;

	if ((fl & IORING_SQ_NEED_WAKEUP) &&
	    __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE) != r->sq_tail)
		return ring_wake(r);
	if (fl & IORING_SQ_CQ_OVERFLOW) {
		r->st.overflow_flushes++;
		ret = ring_enter(r, 0, 0, IORING_ENTER_GETEVENTS, IDR_SC_REAP);
		return ret < 0 && ret != -EAGAIN && ret != -EBUSY ? ret : 0;
	}
	if (++*spins < SQPOLL_SPINS || !want) {
		cpu_relax();
		return 0;
	}
	*spins = 0;
	r->st.sqpoll_waits++;
	ret = ring_enter(r, 0, want, IORING_ENTER_GETEVENTS, IDR_SC_REAP);
	return ret < 0 && ret != -EAGAIN && ret != -EBUSY ? ret : 0;
}

/*
 * The kernel took nothing (-EAGAIN/-EBUSY: short of request memory, or an overflow
 * backlog). Completions free what it lacks: wait for one if any I/O is in flight, else
 * back off 100 us (getevents may sleep; queue never does). Returns 0 or -errno.
 */
static int ring_stall(struct idr_ring *r)
{
	int ret;

	if (!r->inflight) {
		usleep(100);
		return 0;
	}
	ret = ring_enter(r, 0, 1, IORING_ENTER_GETEVENTS, IDR_SC_REAP);
	return ret < 0 && ret != -EAGAIN && ret != -EBUSY ? ret : 0;
}

/* An enter while the kernel holds a CQ overflow backlog flushes it: count those enters. */
static inline void ring_note_overflow(struct idr_ring *r)
{
	if (*r->sq_kflags & IORING_SQ_CQ_OVERFLOW)
		r->st.overflow_flushes++;
}

/* One step of getevents that must go to the kernel. Returns 0, 1 to stop, or -errno. */
static inline __attribute__((always_inline)) int ring_getevents_step(struct idr_ring *r,
								     unsigned int got,
								     unsigned int min,
								     unsigned int *spins)
{
	unsigned int want = got < min && !(r->mode & IDR_RING_SPIN_MIN0) ? min - got : 0;
	int ret;

	if (r->mode & IDR_RING_SQPOLL) {
		if (r->sq_tail != r->sq_sub)
			return ring_sqpoll_submit(r);
		return ring_sqpoll_wait(r, want, spins);
	}
	ring_note_overflow(r);
	ret = r->sq_tail != r->sq_sub ? ring_submit(r, want) : ring_wait(r, want);
	if (ret != -EAGAIN)
		return ret;
	/* Nothing taken: with what fio asked for in hand, return it; else make room. */
	return got >= min ? 1 : ring_stall(r);
}

/*
 * got completions were reaped. The core's timer wants the time of the last completion,
 * and only a sidecar reads it. A clock read costs about as much as the rest of a reap
 * (~90 ns here), so stamp only when the ring runs dry: the run's last completion always
 * leaves it dry (fio drains before cleanup), and cleanup stamps if an error left I/O
 * behind.
 */
static inline void ring_reaped(struct idr_ctx *c, struct idr_ring *r)
{
	if (!idr_stamps(c))
		return;
	r->unstamped = true;
	if (!r->inflight && r->sq_tail == r->sq_sub && !r->nr_retry) {
		idr_complete_stamp(c);
		r->unstamped = false;
	}
}

/* getevents returns got: stamp the timer if due; commits go to the kernel again. */
static inline int ring_getevents_done(struct idr_ctx *c, struct idr_ring *r, unsigned int got)
{
	if (got)
		ring_reaped(c, r);
	r->merge = false; /* until fio's queue fills again */
	return (int)got;
}

/*
 * getevents' general case, after a first look at the CQ found got: submit what is
 * pending, resubmit, wait, poll or spin, and look again, until done. entered: a kernel
 * entry already ran deferred completions. Returns the count, or -errno.
 */
static __attribute__((noinline)) int ring_getevents_loop(struct idr_ctx *c, struct idr_ring *r,
							 unsigned int min, unsigned int max,
							 unsigned int got, bool entered)
{
	unsigned int spins = 0, enough = min ? min : 1;
	int ret;

	for (;;) {
		if (got >= enough && r->sq_tail == r->sq_sub && !r->nr_retry)
			break;
		if (__builtin_expect(r->nr_retry, 0))
			ring_requeue(r);
		/*
		 * Done when nothing is left to submit and we have max, or at least min and
		 * either some, or a look that needed no (more) kernel entry.
		 */
		if (r->sq_tail == r->sq_sub &&
		    (got >= max || (got >= min && (got || entered || !ring_needs_kick(r)))))
			break;
		/* Submit what is left, wait, poll, resubmit, as needed; then look again. */
		ret = ring_getevents_step(r, got, min, &spins);
		if (ret > 0)
			break;
		if (ret < 0)
			return ring_fatal(r, ret);
		entered = !(r->mode & IDR_RING_SQPOLL);
		/* Full already (the common merged submit): no second look at the CQ. */
		if (got >= max && r->sq_tail == r->sq_sub)
			break;
		got += ring_reap(c, r, got, max);
	}
	return ring_getevents_done(c, r, got);
}

/*
 * idr_ring_getevents' body, inlined into fio's hook. Straight through for the two common
 * reaps: the CQ holds what fio asked for, or (depth 1) it was empty and one wait for the
 * rest fills it; everything else in ring_getevents_loop.
 */
static inline __attribute__((always_inline)) int ring_getevents(struct idr_ctx *c,
								struct idr_ring *r,
								unsigned int min, unsigned int max)
{
	unsigned int got = ring_reap(c, r, 0, max);
	bool entered = false;
	int ret;

	if (__builtin_expect(r->sq_tail != r->sq_sub || r->nr_retry, 0))
		return ring_getevents_loop(c, r, min, max, got, false);
	/* Most reaps: nothing left to submit, and the CQ held what fio asked for (some). */
	if (__builtin_expect(got && got >= min, 1))
		return ring_getevents_done(c, r, got);
	/*
	 * Fewer than min (depth 1: the CQ was empty): one step (a wait for the rest, nothing
	 * being pending), then one reap. Not with SQPOLL (the poller posts: spin) nor min 0
	 * (never block): the loop's.
	 */
	if (got < min && !(r->mode & (IDR_RING_SQPOLL | IDR_RING_SPIN_MIN0))) {
		ret = ring_getevents_step(r, got, min, NULL); /* no spins: not SQPOLL */
		if (__builtin_expect(ret < 0, 0))
			return ring_fatal(r, ret);
		entered = true;
		got += ring_reap(c, r, got, max);
		if (__builtin_expect(got >= min && !r->nr_retry, 1))
			return ring_getevents_done(c, r, got);
	}
	return ring_getevents_loop(c, r, min, max, got, entered);
}

int idr_ring_getevents(struct idr_ctx *c, struct idr_ring *r, unsigned int min, unsigned int max)
{
	return ring_getevents(c, r, min, max);
}

int idr_ring_fio_commit(struct thread_data *td)
{
	struct idr_ring_engine *e = (struct idr_ring_engine *)idr_ctx(td);

	return idr_ring_commit(&e->core, &e->ring);
}

int idr_ring_fio_open_file(struct thread_data *td, struct fio_file *f)
{
	struct idr_ring_engine *e = (struct idr_ring_engine *)idr_ctx(td);

	return e ? idr_ring_open_file(&e->core, &e->ring, f) : idr_open_file(td, f);
}

int idr_ring_fio_close_file(struct thread_data *td, struct fio_file *f)
{
	struct idr_ring_engine *e = (struct idr_ring_engine *)idr_ctx(td);

	return e ? idr_ring_close_file(&e->core, &e->ring, f) : idr_close_file(td, f);
}

int idr_ring_fio_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			   const struct timespec *t)
{
	struct idr_ring_engine *e = (struct idr_ring_engine *)idr_ctx(td);

	(void)t; /* fio passes a zero timeout exactly when min is 0: never block then */
	return ring_getevents(&e->core, &e->ring, min, max);
}

/* ---- set-up --------------------------------------------------------------------------- */

int idr_ring_init(struct idr_ctx *c, struct idr_ring *r, const struct idr_ring_cfg *cfg)
{
	struct thread_data *td = c->td;
	char msg[512], cpus[256];
	int ret;

	r->c = c;
	r->cfg = *cfg;
	r->ops = cfg->ops;
	r->enter_fd = -1;
	idr_lat_describe(c,
			 cfg->required & IORING_SETUP_SQPOLL
				 ? "SQ tail published for the SQPOLL thread"
				 : "io_uring_enter that submitted it called",
			 "its CQE seen", true);
	if (c->nr_io_us > IDR_URING_MAX_ENTRIES)
		return idr_fail(td, EINVAL,
				"iodepth=%u is beyond io_uring's %u entries per ring "
				"(IORING_MAX_ENTRIES): use iodepth<=%u, or more jobs (numjobs=)",
				c->nr_io_us, IDR_URING_MAX_ENTRIES, IDR_URING_MAX_ENTRIES);
	if (cfg->fixedbufs && c->nr_io_us > IDR_URING_MAX_REG_BUFFERS)
		return idr_fail(td, EINVAL,
				"fixedbufs=1 registers one buffer per I/O and io_uring takes at "
				"most %u: iodepth=%u is too deep; use fixedbufs=0 or iodepth<=%u",
				IDR_URING_MAX_REG_BUFFERS, c->nr_io_us, IDR_URING_MAX_REG_BUFFERS);
	if (cfg->sq_aff && !idr_cpus_online(cpus, sizeof(cpus)) &&
	    idr_cpulist_has(cpus, cfg->sq_thread_cpu) == 0)
		return idr_fail(td, EINVAL,
				"sqthread_poll_cpu=%u but the CPUs online here are %s; pick one "
				"of those",
				cfg->sq_thread_cpu, cpus);
	ret = idr_uring_faults_parse(getenv(IDR_URING_FAULTS_ENV), &r->faults, msg, sizeof(msg));
	if (ret)
		return idr_fail(td, -ret, "%s", msg);
	if (r->faults.cqe_eagain || r->faults.cqe_short)
		r->mode |= IDR_RING_FAULTS;
	r->retry = calloc(c->nr_io_us, sizeof(*r->retry));
	r->tries = calloc(c->nr_io_us, sizeof(*r->tries));
	if (!r->retry || !r->tries)
		return idr_fail(td, ENOMEM, "out of memory for iodepth=%u", c->nr_io_us);
	return 0;
}

/* io_uring_setup failed with err: say why, as precisely as this machine lets us. */
static int ring_setup_failed(struct idr_ctx *c, int err, unsigned int flags)
{
	struct idr_uring_env env;
	char msg[768];

	idr_uring_env_read("/proc", &env);
	idr_uring_explain(err, flags, &env, msg, sizeof(msg));
	return idr_fail(c->td, -err, "%s", msg);
}

/* Cache the ring's hot pointers and decide its modes. Returns 0 or -ENOMEM. */
static int ring_map(struct idr_ctx *c, struct idr_ring *r)
{
	struct io_uring *ring = &r->ring;
	unsigned int fl = r->info.flags;

	r->sqes = ring->sq.sqes;
	r->sq_khead = ring->sq.khead;
	r->sq_ktail = ring->sq.ktail;
	r->sq_kflags = ring->sq.kflags;
	r->sq_mask = ring->sq.ring_mask;
	r->sq_entries = ring->sq.ring_entries;
	r->sqe_shift = fl & IORING_SETUP_SQE128 ? 1 : 0;
	r->cqes = ring->cq.cqes;
	r->cq_khead = ring->cq.khead;
	r->cq_ktail = ring->cq.ktail;
	r->cq_mask = ring->cq.ring_mask;
	r->cqe_shift = fl & IORING_SETUP_CQE32 ? 1 : 0;
	r->sq_tail = r->sq_sub = *r->sq_ktail;
	r->enter_fd = ring->ring_fd;
	if (fl & IORING_SETUP_SQPOLL)
		r->mode |= IDR_RING_SQPOLL;
	else if (fl & IORING_SETUP_IOPOLL)
		r->mode |= IDR_RING_IOPOLL;
	if (fl & IORING_SETUP_DEFER_TASKRUN)
		r->mode |= IDR_RING_DEFER;
	if (fl & IORING_SETUP_TASKRUN_FLAG)
		r->mode |= IDR_RING_TASKRUN_FLAG;
	if (!c->td->o.iodepth_batch_complete_min)
		r->mode |= IDR_RING_SPIN_MIN0;
	/* The fault seam alters successful results: they go the long way too. */
	r->res_ok_max = INT_MAX;
	if (r->cfg.res0_whole)
		r->mode |= IDR_RING_RES0_WHOLE;
	if (r->mode & (IDR_RING_RES0_WHOLE | IDR_RING_FAULTS))
		r->res_ok_max = 0;
	/* slat, clat, bandwidth and iolog replay all off: nothing reads an issue time. */
	if (!fio_fill_issue_time(c->td))
		r->mode |= IDR_RING_MERGE;
	r->pend = calloc(r->sq_entries, sizeof(*r->pend));
	return r->pend ? 0 : -ENOMEM;
}

/* Register the io_u buffers (buf_index = io_u->index). Returns 0, or 1 after idr_fail. */
static int ring_register_buffers(struct idr_ctx *c, struct idr_ring *r)
{
	struct iovec *iov = idr_buffers_iovec(c);
	char msg[512];
	int ret;

	if (!iov)
		return idr_fail(c->td, ENOMEM, "out of memory for the buffer table");
	ret = idr_uring_buffers_register(&r->ring, iov, c->nr_io_us, msg, sizeof(msg));
	free(iov);
	return ret ? idr_fail(c->td, -ret, "%s", msg) : 0;
}

/*
 * A table with a slot per file of the job (slot = f->fileno): files enter it as fio
 * opens them and leave it as fio closes them, so fio's open/close cycles and
 * open_files< nr_files work. Returns 0, or 1 after idr_fail.
 */
static int ring_register_files(struct idr_ctx *c, struct idr_ring *r)
{
	struct thread_data *td = c->td;
	struct fio_file *f;
	unsigned int i;
	int ret;

	ret = idr_uring_files_init(&r->ring, td->files_index);
	if (ret)
		return idr_fail(td, -ret,
				"registerfiles=1: cannot register a table of %u files: %s%s",
				td->files_index, strerror(-ret),
				ret == -EMFILE ? " (RLIMIT_NOFILE: raise ulimit -n, or lower "
						 "nrfiles)"
					       : "");
	r->files_registered = true;
	for_each_file(td, f, i)
	{
		if (f->fd < 0)
			continue;
		ret = idr_uring_file_set(&r->ring, f->fileno, f->fd);
		if (ret)
			return idr_fail(td, -ret, "registerfiles=1: cannot register %s: %s",
					f->file_name, strerror(-ret));
	}
	return 0;
}

/* The flags in use and the fallbacks taken, for the sidecar. */
static void ring_note_setup(struct idr_ctx *c, struct idr_ring *r)
{
	char names[256];
	size_t at;

	idr_note_str(c, "ring_flags", idr_uring_flag_names(r->info.flags, names, sizeof(names)));
	idr_uring_flag_names(r->info.dropped, names, sizeof(names));
	at = strlen(names);
	if (!r->info.ring_fd_registered)
		snprintf(names + at, sizeof(names) - at, "%sREGISTER_RING_FD", at ? "|" : "");
	idr_note_str(c, "ring_dropped", names);
	idr_note_u64(c, "ring_sq_entries", r->info.sq_entries);
	idr_note_u64(c, "ring_cq_entries", r->info.cq_entries);
	idr_note_bool(c, "ring_fd_registered", r->info.ring_fd_registered);
	idr_note_bool(c, "nodrop", r->info.features & IORING_FEAT_NODROP);
	idr_note_bool(c, "fixedbufs", r->cfg.fixedbufs);
	idr_note_bool(c, "registerfiles", r->files_registered);
}

int idr_ring_post_init(struct idr_ctx *c, struct idr_ring *r)
{
	struct idr_uring_params p = { 0 };
	int ret;

	p.entries = r->faults.sq_entries ? r->faults.sq_entries : c->nr_io_us;
	p.cq_entries = p.entries; /* in flight <= iodepth <= SQ entries */
	p.required = r->cfg.required | (r->cfg.sq_aff ? IORING_SETUP_SQ_AFF : 0);
	p.wanted = idr_uring_wanted_flags(p.required);
	p.sq_thread_cpu = r->cfg.sq_thread_cpu;
	p.sq_thread_idle_ms = r->cfg.sq_thread_idle_ms;
	p.faults = &r->faults;
	/* Before the ring's kernel threads exist: ring_iowq_cpu's starting point. */
	r->tid = gettid();
	idr_cpu_process(&r->proc0);
	idr_cpu_self(&r->self0);
	ret = idr_uring_create(&p, &r->ring, &r->info);
	if (ret)
		return ring_setup_failed(c, ret, p.required);
	r->up = true;
	if (ring_map(c, r))
		return idr_fail(c->td, ENOMEM, "out of memory for the SQ table");
	/* A registered ring fd spares every enter the fd lookup; the plain fd works too. */
	if (!idr_uring_register_ring_fd(&r->ring, &r->faults)) {
		r->info.ring_fd_registered = true;
		r->enter_fd = r->ring.enter_ring_fd;
		r->enter_flags = IORING_ENTER_REGISTERED_RING;
	}
	/* Before 5.11 an SQPOLL ring could use registered files only. */
	if ((r->mode & IDR_RING_SQPOLL) && !(r->info.features & IORING_FEAT_SQPOLL_NONFIXED))
		r->cfg.registerfiles = true;
	if (r->cfg.fixedbufs && ring_register_buffers(c, r))
		return 1;
	if (r->cfg.registerfiles && ring_register_files(c, r))
		return 1;
	ring_note_setup(c, r);
	return 0;
}

int idr_ring_open_file(struct idr_ctx *c, struct idr_ring *r, struct fio_file *f)
{
	int ret;

	if (idr_open_file(c->td, f))
		return 1;
	if (!r->files_registered || !r->up)
		return 0;
	ret = idr_uring_file_set(&r->ring, f->fileno, f->fd);
	if (!ret)
		return 0;
	idr_close_file(c->td, f);
	return idr_fail(c->td, -ret, "registerfiles=1: cannot register %s in slot %u: %s",
			f->file_name, f->fileno, strerror(-ret));
}

int idr_ring_close_file(struct idr_ctx *c, struct idr_ring *r, struct fio_file *f)
{
	/* In-flight requests hold their own file references: emptying the slot is safe. */
	if (r->files_registered && r->up)
		idr_uring_file_set(&r->ring, f->fileno, -1);
	return idr_close_file(c->td, f);
}

/* ---- tear-down ------------------------------------------------------------------------ */

/*
 * I/O still in the kernel at cleanup: fio drains before cleanup, so only after an
 * error. Wait for it (bounded) so no late completion writes into memory that is reused;
 * these completions never reach fio: they are noted as abandoned.
 */
static void ring_drain(struct idr_ctx *c, struct idr_ring *r)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 };
	struct io_uring_getevents_arg arg = { .ts = (uint64_t)(uintptr_t)&ts };
	unsigned int rounds = DRAIN_ROUNDS, abandoned = 0, head, n;

	if (!(r->info.features & IORING_FEAT_EXT_ARG))
		rounds = 0; /* no timed wait before 5.11: do not risk a hang */
	while (r->inflight && rounds--) {
		io_uring_enter2((unsigned int)r->enter_fd, 0, 1,
				IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG | r->enter_flags,
				(sigset_t *)&arg, sizeof(arg));
		head = *r->cq_khead;
		n = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE) - head;
		__atomic_store_n(r->cq_khead, head + n, __ATOMIC_RELEASE);
		n = n > r->inflight ? r->inflight : n;
		r->inflight -= n;
		abandoned += n;
	}
	if (abandoned || r->inflight)
		idr_note_u64(c, "abandoned", abandoned + r->inflight);
	if (r->inflight)
		log_err("%s: %u I/Os still in flight at cleanup after 5 s\n", c->td->io_ops->name,
			r->inflight);
}

/*
 * Add the SQPOLL thread's CPU time (fio's report shows sys 0% with SQPOLL), read while
 * the ring still holds the thread; it has long run by now, so its tid is known. What it
 * used goes to *sq too.
 */
static void ring_sqpoll_cpu(struct idr_ctx *c, struct idr_ring *r, struct idr_cpu *sq)
{
	if (!(r->mode & IDR_RING_SQPOLL))
		return;
	r->sq_tid = idr_uring_sq_tid(r->ring.ring_fd);
	idr_note_u64(c, "sqpoll_tid", r->sq_tid > 0 ? (uint64_t)r->sq_tid : 0);
	if (r->sq_tid <= 0 || idr_cpu_task(r->sq_tid, sq))
		return;
	idr_cpu_sum_add(&c->workers, sq);
	idr_note_u64(c, "sqpoll_cpu_ns", sq->total_ns);
}

/*
 * Add the CPU of the ring's io-wq workers: kernel threads named iou-wrk-TID in this
 * process that run what cannot complete inline (on 6.18 every read of a tmpfs file, a
 * write that must wait for a lock): neither fio's figures nor the job thread's clock
 * see them, and on tmpfs they do half the work. With thread=0 the job process holds only
 * the job thread and the ring's kernel threads, so the process clock since the ring was
 * set up, less the job thread's and the SQPOLL thread's, is theirs, exited ones included;
 * with thread=1, or other threads in the process, only the workers alive now are read.
 */
static void ring_iowq_cpu(struct idr_ctx *c, struct idr_ring *r, const struct idr_cpu *sq)
{
	char own[32], sqw[32];
	const char *names[] = { own, r->sq_tid > 0 ? sqw : NULL, NULL };
	struct idr_cpu live, res;
	unsigned int strangers;
	const char *how;
	int n;

	snprintf(own, sizeof(own), "iou-wrk-%d", (int)r->tid);
	snprintf(sqw, sizeof(sqw), "iou-wrk-%d", (int)r->sq_tid);
	n = idr_cpu_threads(r->tid, "iou-", names, &live, &strangers);
	if (n < 0) {
		idr_note_str(c, "iowq_cpu", "not measured: /proc/self/task cannot be read");
		return;
	}
	c->workers.threads += (unsigned int)n;
	if (!c->td->o.use_thread && !strangers) {
		idr_cpu_residual(&r->proc0, &r->self0, &res);
		res.total_ns -= res.total_ns > sq->total_ns ? sq->total_ns : res.total_ns;
		res.usr_us -= res.usr_us > sq->usr_us ? sq->usr_us : res.usr_us;
		res.sys_us -= res.sys_us > sq->sys_us ? sq->sys_us : res.sys_us;
		live = res;
		how = "process CPU since ring set-up less the job and SQPOLL threads' "
		      "(every io-wq worker, exited ones included)";
	} else {
		how = c->td->o.use_thread
			      ? "io-wq workers alive at cleanup only (thread=1: "
				"workers that exited before are missed)"
			      : "io-wq workers alive at cleanup only (other threads "
				"share the job process: workers that exited are missed)";
	}
	idr_cpu_sum_add_time(&c->workers, &live);
	idr_note_u64(c, "iowq_cpu_ns", live.total_ns);
	idr_note_u64(c, "iowq_workers_at_cleanup", (uint64_t)n);
	idr_note_str(c, "iowq_cpu", how);
}

static void ring_note_counters(struct idr_ctx *c, struct idr_ring *r)
{
	idr_note_u64(c, "enter_merged", r->st.merged);
	if (r->mode & IDR_RING_SQPOLL) {
		idr_note_u64(c, "sqpoll_wakeups", r->st.wakeups);
		idr_note_u64(c, "sqpoll_waits", r->st.sqpoll_waits);
	}
	idr_note_u64(c, "cqe_eagain_retries", r->st.retries);
	idr_note_u64(c, "cq_overflow_flushes", r->st.overflow_flushes);
	idr_note_u64(c, "sq_full", r->st.sq_full);
	if (r->mode & IDR_RING_FAULTS)
		idr_note_u64(c, "faults_injected", r->st.faults);
	if (r->st.stray)
		idr_note_u64(c, "stray_cqes", r->st.stray);
	if (*r->ring.cq.koverflow) {
		idr_note_u64(c, "cq_dropped", *r->ring.cq.koverflow);
		log_err("%s: io_uring dropped %u completions (CQ overflow): the run's results are "
			"wrong\n",
			c->td->io_ops->name, *r->ring.cq.koverflow);
	}
}

void idr_ring_exit(struct idr_ctx *c, struct idr_ring *r)
{
	if (r->unstamped)
		idr_complete_stamp(c); /* only after an error left I/O in flight */
	if (r->up) {
		struct idr_cpu sq = { 0 };

		ring_drain(c, r);
		ring_sqpoll_cpu(c, r, &sq);
		ring_iowq_cpu(c, r, &sq);
		ring_note_counters(c, r);
		io_uring_queue_exit(&r->ring);
		r->up = false;
	}
	free(r->pend);
	free(r->retry);
	free(r->tries);
	r->pend = NULL;
	r->retry = NULL;
	r->tries = NULL;
}
