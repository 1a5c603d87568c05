/*
 * chan.c - the slow paths of chan.h: futex sleep and wake, spinning, counted waits.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "chan.h"
#include "counters.h"

/* glibc has no futex wrapper. Returns the kernel's result, or -errno. */
static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts, uint32_t val3)
{
	long ret = syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);

	return ret < 0 ? -errno : ret;
}

int idr_waitq_wait(struct idr_waitq *w, uint32_t key, const struct timespec *deadline)
{
	long ret;

	/*
	 * FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so a caller that
	 * loops on spurious wake-ups does not stretch its timeout. PRIVATE: the word is
	 * never shared with another process.
	 */
	ret = futex(&w->seq, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, key, deadline,
		    FUTEX_BITSET_MATCH_ANY);
	if (ret == -EAGAIN) /* the word moved before we slept: that was our wake-up */
		return 0;
	return ret < 0 ? (int)ret : 0;
}

int idr_waitq_wake(struct idr_waitq *w, int n)
{
	__atomic_fetch_add(&w->seq, 1, __ATOMIC_SEQ_CST);
	return (int)futex(&w->seq, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, (uint32_t)n, NULL, 0);
}

void idr_deadline(struct timespec *out, const struct timespec *rel)
{
	clock_gettime(CLOCK_MONOTONIC, out);
	out->tv_sec += rel->tv_sec;
	out->tv_nsec += rel->tv_nsec;
	while (out->tv_nsec >= 1000000000L) {
		out->tv_nsec -= 1000000000L;
		out->tv_sec++;
	}
}

int idr_chan_init(struct idr_chan *ch, uint32_t min_entries)
{
	int ret = idr_mpmc_init(&ch->ring, min_entries);

	if (ret)
		return ret;
	ch->wq.seq = ch->wq.waiters = 0;
	ch->want = ch->armed = 0;
	ch->pushed = ch->popped = 0;
	return 0;
}

void idr_chan_free(struct idr_chan *ch)
{
	idr_mpmc_free(&ch->ring);
}

/* About a second of yields: far beyond any preemption of a popper mid-pop. */
#define PUSH_MAX_YIELDS 1000000

int idr_chan_push_sp_retry(struct idr_chan *ch, uint32_t v)
{
	int yields = 0;

	while (!idr_chan_push_sp(ch, v)) {
		if (++yields > PUSH_MAX_YIELDS)
			return -1;
		sched_yield();
	}
	return yields;
}

int idr_chan_push_mp_retry(struct idr_chan *ch, uint32_t v)
{
	int yields = 0;

	while (!idr_chan_push_mp(ch, v)) {
		if (++yields > PUSH_MAX_YIELDS)
			return -1;
		sched_yield();
	}
	return yields;
}

int idr_chan_wake_any(struct idr_chan *ch, unsigned int n)
{
	uint32_t w;

	if (!n || !(w = idr_waitq_waiters(&ch->wq)))
		return 0;
	idr_waitq_wake(&ch->wq, (int)(n < w ? n : w));
	return 1;
}

static bool reached(struct idr_chan *ch, uint32_t target)
{
	return (int32_t)(idr_chan_pushed(ch) - target) >= 0;
}

int idr_chan_wake_want(struct idr_chan *ch)
{
	if (!idr_waitq_waiters(&ch->wq) || !__atomic_load_n(&ch->armed, __ATOMIC_SEQ_CST))
		return 0;
	if (!reached(ch, __atomic_load_n(&ch->want, __ATOMIC_SEQ_CST)))
		return 0;
	/* Several pushers may get here for one waiter: only the one that disarms wakes. */
	if (!__atomic_exchange_n(&ch->armed, 0, __ATOMIC_SEQ_CST))
		return 0;
	idr_waitq_wake(&ch->wq, 1);
	return 1;
}

/* Spin for up to spin_ns until a pop succeeds or *stop. Returns true with a value. */
static bool spin_pop_mc(struct idr_chan *ch, uint32_t *v, const uint32_t *stop, uint64_t spin_ns)
{
	uint64_t end = idr_now_ns() + spin_ns;

	do {
		for (int i = 0; i < 64; i++) {
			if (__atomic_load_n(stop, __ATOMIC_RELAXED))
				return false;
			if (idr_mpmc_pop_mc(&ch->ring, v))
				return true;
			idr_cpu_relax();
		}
	} while (idr_now_ns() < end);
	return false;
}

int idr_chan_pop_mc_wait(struct idr_chan *ch, uint32_t *v, const uint32_t *stop, uint64_t spin_ns,
			 struct idr_chan_stats *st)
{
	uint32_t key;
	int ret;

	for (;;) {
		if (__atomic_load_n(stop, __ATOMIC_ACQUIRE))
			return -ESHUTDOWN;
		if (idr_mpmc_pop_mc(&ch->ring, v))
			return 0;
		if (spin_ns && spin_pop_mc(ch, v, stop, spin_ns))
			return 0;
		key = idr_waitq_prepare(&ch->wq);
		/* Re-check after the announce: a push or a stop before it is seen here. */
		if (__atomic_load_n(stop, __ATOMIC_SEQ_CST)) {
			idr_waitq_cancel(&ch->wq);
			return -ESHUTDOWN;
		}
		if (idr_mpmc_pop_mc(&ch->ring, v)) {
			idr_waitq_cancel(&ch->wq);
			return 0;
		}
		ret = idr_waitq_wait(&ch->wq, key, NULL);
		idr_waitq_cancel(&ch->wq);
		st->sleeps++;
		if (ret == -EINTR)
			st->eintr++;
		else if (ret < 0)
			return ret;
	}
}

void idr_chan_stop(struct idr_chan *ch, uint32_t *stop)
{
	__atomic_store_n(stop, 1, __ATOMIC_SEQ_CST);
	/* Unconditional: shutdown is rare, and a sleeper must never be left behind. */
	idr_waitq_wake(&ch->wq, INT_MAX);
}

static bool spin_reached(struct idr_chan *ch, uint32_t target, uint64_t spin_ns)
{
	uint64_t end = idr_now_ns() + spin_ns;

	do {
		for (int i = 0; i < 64; i++) {
			if (reached(ch, target))
				return true;
			idr_cpu_relax();
		}
	} while (idr_now_ns() < end);
	return false;
}

int idr_chan_wait_pushed(struct idr_chan *ch, uint32_t target, const struct timespec *deadline,
			 uint64_t spin_ns, struct idr_chan_stats *st)
{
	uint32_t key;
	int ret = 0;

	if (reached(ch, target) || (spin_ns && spin_reached(ch, target, spin_ns)))
		return 0;
	for (;;) {
		__atomic_store_n(&ch->want, target, __ATOMIC_SEQ_CST);
		__atomic_store_n(&ch->armed, 1, __ATOMIC_SEQ_CST);
		key = idr_waitq_prepare(&ch->wq);
		/*
		 * Re-check after the announce. A pusher may also have disarmed us with an
		 * older want just before we re-armed, and bumped the word before we read
		 * key: sleeping now would sleep disarmed, so go round and re-arm instead.
		 */
		if (reached(ch, target) || !__atomic_load_n(&ch->armed, __ATOMIC_SEQ_CST)) {
			idr_waitq_cancel(&ch->wq);
			if (reached(ch, target))
				break;
			continue;
		}
		ret = idr_waitq_wait(&ch->wq, key, deadline);
		idr_waitq_cancel(&ch->wq);
		st->sleeps++;
		if (reached(ch, target)) {
			ret = 0;
			break;
		}
		if (ret == -EINTR) {
			st->eintr++;
			continue;
		}
		if (ret < 0)
			break;
	}
	/* A pusher that finds us disarmed will not make a needless wake-up call. */
	__atomic_store_n(&ch->armed, 0, __ATOMIC_SEQ_CST);
	return ret;
}

/* Pop what is there, up to max - n more. Returns the new n. */
static unsigned int pop_available(struct idr_chan *ch, uint32_t *out, unsigned int n,
				  unsigned int max)
{
	while (n < max && idr_mpmc_pop_sc(&ch->ring, &out[n]))
		n++;
	return n;
}

int idr_chan_pop_sc_many(struct idr_chan *ch, uint32_t *out, unsigned int min, unsigned int max,
			 const struct timespec *deadline, uint64_t spin_ns,
			 struct idr_chan_stats *st)
{
	unsigned int n = 0, got;
	uint32_t target, p, gap_p = 0;
	bool gap = false;
	int ret;

	if (min > max)
		min = max;
	for (;;) {
		got = pop_available(ch, out, n, max);
		ch->popped += got - n;
		n = got;
		if (n >= min)
			return (int)n;
		target = ch->popped + (min - n);
		p = idr_chan_pushed(ch);
		if ((int32_t)(p - target) >= 0) {
			/*
			 * Enough were published, yet a pop failed: either they landed just
			 * now (pop again), or a pusher claimed an earlier cell and has not
			 * published it yet. Its push will be counted: wait for one more.
			 */
			if (!gap || p != gap_p) {
				gap = true;
				gap_p = p;
				continue;
			}
			target = p + 1;
		}
		ret = idr_chan_wait_pushed(ch, target, deadline, spin_ns, st);
		if (ret == -ETIMEDOUT) {
			got = pop_available(ch, out, n, max);
			ch->popped += got - n;
			return (int)got;
		}
		if (ret < 0)
			return ret;
	}
}
