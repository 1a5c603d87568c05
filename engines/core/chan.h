/*
 * chan.h - a bounded channel between threads: a lock-free ring (mpmc.h) plus sleeping
 * without lost wake-ups (an eventcount over one futex word). What a thread pool needs on
 * both of its sides:
 *  - submissions: one pusher (the job thread), many poppers (workers) that sleep when
 *    there is nothing to do: idr_chan_push_sp, idr_chan_wake_any, idr_chan_pop_mc_wait;
 *  - completions: many pushers (workers), one popper (the job thread) that sleeps until
 *    at least `min` values arrived, or a deadline: idr_chan_push_mp, idr_chan_wake_want,
 *    idr_chan_pop_sc_many.
 * A pusher that finds nobody asleep pays one atomic read-modify-write: no system call.
 *
 * Why nothing is lost (the eventcount): a waiter announces itself (waiters++), re-checks
 * its condition, and only then sleeps on the futex word's value read at the announce; a
 * pusher publishes, then looks for announced waiters and, if any, bumps the word before
 * waking. Both sides order their write before their read with a read-modify-write on
 * the waiter count (Dekker), so either the waiter's re-check sees the value or the pusher
 * sees the waiter; the kernel
 * compares the word under its own lock, so a bump that lands before the sleep makes the
 * sleep return at once.
 * No fio types: unit-tested on its own (tests/unit/test_chan.c, under TSan as well).
 */
#ifndef IDR_CORE_CHAN_H
#define IDR_CORE_CHAN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "mpmc.h"

/* ---- the eventcount -------------------------------------------------------------- */

struct idr_waitq {
	uint32_t seq;	  /* the futex word: bumped by every wake */
	uint32_t waiters; /* threads between prepare and cancel */
};

/* idr_waitq_prepare - announce a wait; returns the key for idr_waitq_wait. */
static inline uint32_t idr_waitq_prepare(struct idr_waitq *w)
{
	/* A read-modify-write: it orders against the pusher's, see idr_waitq_waiters. */
	__atomic_fetch_add(&w->waiters, 1, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&w->seq, __ATOMIC_SEQ_CST);
}

/* idr_waitq_cancel - the wait is over (condition met, woken, or timed out). */
static inline void idr_waitq_cancel(struct idr_waitq *w)
{
	__atomic_fetch_sub(&w->waiters, 1, __ATOMIC_RELEASE);
}

/* idr_waitq_waiters - after publishing: how many may be waiting (0: skip the wake). */
static inline uint32_t idr_waitq_waiters(struct idr_waitq *w)
{
	/*
	 * A read-modify-write, not a load: the two RMWs on waiters are ordered. If ours
	 * comes second it sees the waiter; if first, the waiter's RMW reads ours (acquire
	 * over our release), so its re-check sees what we published before. A fence and a
	 * load would do the same, but ThreadSanitizer cannot check fences.
	 */
	return __atomic_fetch_or(&w->waiters, 0, __ATOMIC_SEQ_CST);
}

/*
 * idr_waitq_wait - sleep while the word still equals key, until a wake, a signal or the
 * deadline (CLOCK_MONOTONIC, absolute; NULL: none). Returns 0 (woken, or the word had
 * already moved: re-check), -ETIMEDOUT, -EINTR, or another -errno from futex.
 */
int idr_waitq_wait(struct idr_waitq *w, uint32_t key, const struct timespec *deadline);

/* idr_waitq_wake - bump the word, wake up to n sleepers. Returns how many woke, or -errno. */
int idr_waitq_wake(struct idr_waitq *w, int n);

/* ---- the channel ----------------------------------------------------------------- */

struct idr_chan {
	struct idr_mpmc ring;
	struct idr_waitq wq __attribute__((aligned(IDR_CACHELINE)));
	uint32_t want;	/* the counted waiter sleeps until pushed reaches want ... */
	uint32_t armed; /* ... while armed; the pusher that wakes it disarms it */
	uint32_t pushed __attribute__((aligned(IDR_CACHELINE))); /* published, ever (wraps) */
	uint32_t popped __attribute__((aligned(IDR_CACHELINE))); /* by the single popper */
};

/* What a thread's waits cost, for the engine's counters. */
struct idr_chan_stats {
	uint64_t sleeps; /* futex waits (system calls) */
	uint64_t eintr;	 /* waits a signal interrupted, retried */
};

/*
 * idr_chan_init - a channel for at least min_entries values. Returns 0 or -errno.
 * A popper holds its cell from claiming it to releasing it (two instructions), so a
 * popper preempted right there makes the push one lap later fail although the ring has
 * room: size the ring above the most values ever in it (twice is plenty) and push with
 * the _retry variants, which yield to let that popper run.
 */
int idr_chan_init(struct idr_chan *ch, uint32_t min_entries);
void idr_chan_free(struct idr_chan *ch);

/* idr_chan_push_sp - push from the only pusher; no wake. Returns false when full. */
static inline bool idr_chan_push_sp(struct idr_chan *ch, uint32_t v)
{
	if (!idr_mpmc_push_sp(&ch->ring, v))
		return false;
	/* Counted after the publish: pushed never runs ahead of what a pop can see. */
	__atomic_store_n(&ch->pushed, __atomic_load_n(&ch->pushed, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELEASE);
	return true;
}

/* idr_chan_push_mp - push from any of several pushers; no wake. Returns false when full. */
static inline bool idr_chan_push_mp(struct idr_chan *ch, uint32_t v)
{
	if (!idr_mpmc_push_mp(&ch->ring, v))
		return false;
	__atomic_fetch_add(&ch->pushed, 1, __ATOMIC_RELEASE);
	return true;
}

/*
 * idr_chan_push_sp_retry / idr_chan_push_mp_retry - push, yielding while the cell is
 * still held (see idr_chan_init). Return the number of yields (0 almost always), or -1
 * when the ring stayed full for about a second: a caller that overfilled it.
 */
int idr_chan_push_sp_retry(struct idr_chan *ch, uint32_t v);
int idr_chan_push_mp_retry(struct idr_chan *ch, uint32_t v);

/* idr_chan_pushed - values published so far (wrapping). */
static inline uint32_t idr_chan_pushed(struct idr_chan *ch)
{
	return __atomic_load_n(&ch->pushed, __ATOMIC_SEQ_CST);
}

/*
 * idr_chan_wake_any - after pushing n values: wake up to n sleeping poppers of
 * idr_chan_pop_mc_wait. Returns 1 when it made a system call, 0 when nobody slept.
 */
int idr_chan_wake_any(struct idr_chan *ch, unsigned int n);

/*
 * idr_chan_wake_want - after pushing: wake the single popper sleeping in
 * idr_chan_pop_sc_many / idr_chan_wait_pushed if pushed reached what it waits for.
 * Returns 1 when it made a system call, 0 otherwise.
 */
int idr_chan_wake_want(struct idr_chan *ch);

/*
 * idr_chan_pop_mc_wait - pop one value into *v, sleeping while the channel is empty;
 * spin polling first for up to spin_ns. *stop (set by idr_chan_stop) ends the wait.
 * Returns 0, -ESHUTDOWN once *stop is set, or -errno from futex.
 */
int idr_chan_pop_mc_wait(struct idr_chan *ch, uint32_t *v, const uint32_t *stop, uint64_t spin_ns,
			 struct idr_chan_stats *st);

/* idr_chan_stop - set *stop and wake every sleeping popper of idr_chan_pop_mc_wait. */
void idr_chan_stop(struct idr_chan *ch, uint32_t *stop);

/*
 * idr_chan_pop_sc_many - the single popper: pop up to max values into out, sleeping
 * until at least min arrived or the deadline (CLOCK_MONOTONIC, absolute; NULL: none)
 * passed; spin polling first for up to spin_ns. Signals are retried.
 * Returns how many were popped (fewer than min only at the deadline), or -errno.
 */
int idr_chan_pop_sc_many(struct idr_chan *ch, uint32_t *out, unsigned int min, unsigned int max,
			 const struct timespec *deadline, uint64_t spin_ns,
			 struct idr_chan_stats *st);

/*
 * idr_chan_wait_pushed - the single popper: sleep until pushed reaches target (without
 * popping), or the deadline. Returns 0, -ETIMEDOUT, or -errno.
 */
int idr_chan_wait_pushed(struct idr_chan *ch, uint32_t target, const struct timespec *deadline,
			 uint64_t spin_ns, struct idr_chan_stats *st);

/* idr_deadline - now + rel on CLOCK_MONOTONIC, for the deadlines above. */
void idr_deadline(struct timespec *out, const struct timespec *rel);

/* idr_cpu_relax - a pause for spin loops (lets the sibling hyperthread run). */
static inline void idr_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif
