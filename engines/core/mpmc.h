/*
 * mpmc.h - a bounded lock-free ring of 32-bit values (io_u indices), for handing work
 * between threads without a lock: D. Vyukov's bounded MPMC queue, where every cell
 * carries a sequence number that says whose turn it is. Each side comes in two flavours:
 * _mp/_mc (several threads push/pop: a CAS claims the position) and _sp/_sc (one thread
 * only: a plain store, no CAS). A thread pool uses push_sp/pop_mc for submissions (the
 * job thread feeds N workers) and push_mp/pop_sc for completions (N workers feed the
 * job thread).
 *
 * A ring never blocks: push returns false when full, pop false when empty. Sleeping is
 * chan.h's job (struct idr_waitq). Note that pop can report empty while a pusher that already
 * claimed an earlier cell has not yet published it; the pusher's wake-up (after publishing) covers
 * that window, so a consumer that sleeps on a waitq never misses the value.
 * No fio types: unit-tested on its own (tests/unit/test_chan.c, also under TSan).
 */
#ifndef IDR_CORE_MPMC_H
#define IDR_CORE_MPMC_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define IDR_CACHELINE 64

struct idr_mpmc_cell {
	uint32_t seq; /* == position: free for the push at it; position + 1: holds a value */
	uint32_t val;
};

struct idr_mpmc {
	struct idr_mpmc_cell *cells;
	uint32_t mask; /* capacity - 1 (capacity is a power of 2) */
	/* Pushers and poppers write different lines: no false sharing between the sides. */
	uint32_t head __attribute__((aligned(IDR_CACHELINE))); /* next position to pop */
	uint32_t tail __attribute__((aligned(IDR_CACHELINE))); /* next position to push */
};

/*
 * idr_mpmc_init - a ring that holds at least min_entries values (1 .. 2^30).
 * Returns 0, -EINVAL for a size out of range, or -ENOMEM.
 */
static inline int idr_mpmc_init(struct idr_mpmc *r, uint32_t min_entries)
{
	uint32_t cap = 2, i;

	if (!min_entries || min_entries > (1u << 30))
		return -EINVAL;
	while (cap < min_entries)
		cap <<= 1;
	r->cells = calloc(cap, sizeof(*r->cells));
	if (!r->cells)
		return -ENOMEM;
	for (i = 0; i < cap; i++)
		r->cells[i].seq = i;
	r->mask = cap - 1;
	r->head = r->tail = 0;
	return 0;
}

static inline void idr_mpmc_free(struct idr_mpmc *r)
{
	free(r->cells);
	r->cells = NULL;
}

/* Publish val in the cell claimed at pos: the release pairs with pop's acquire. */
static inline void mpmc_publish(struct idr_mpmc_cell *cell, uint32_t pos, uint32_t val)
{
	cell->val = val;
	__atomic_store_n(&cell->seq, pos + 1, __ATOMIC_RELEASE);
}

/* Take the value of the cell claimed at pos and free the cell for the push one lap on. */
static inline uint32_t mpmc_take(struct idr_mpmc *r, struct idr_mpmc_cell *cell, uint32_t pos)
{
	uint32_t val = cell->val;

	__atomic_store_n(&cell->seq, pos + r->mask + 1, __ATOMIC_RELEASE);
	return val;
}

/* idr_mpmc_push_sp - push from the ring's only pusher. Returns false when full. */
static inline bool idr_mpmc_push_sp(struct idr_mpmc *r, uint32_t val)
{
	uint32_t pos = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
	struct idr_mpmc_cell *cell = &r->cells[pos & r->mask];

	/* The cell is free once the popper of the previous lap has released it. */
	if (__atomic_load_n(&cell->seq, __ATOMIC_ACQUIRE) != pos)
		return false;
	__atomic_store_n(&r->tail, pos + 1, __ATOMIC_RELAXED);
	mpmc_publish(cell, pos, val);
	return true;
}

/* idr_mpmc_push_mp - push from any of several threads. Returns false when full. */
static inline bool idr_mpmc_push_mp(struct idr_mpmc *r, uint32_t val)
{
	uint32_t pos = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
	struct idr_mpmc_cell *cell;
	int32_t dif;

	for (;;) {
		cell = &r->cells[pos & r->mask];
		dif = (int32_t)(__atomic_load_n(&cell->seq, __ATOMIC_ACQUIRE) - pos);
		if (dif < 0)
			return false; /* a lap behind: full */
		/* dif > 0: another pusher took pos; the failed CAS reloads pos. */
		if (dif == 0 && __atomic_compare_exchange_n(&r->tail, &pos, pos + 1, true,
							    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
		if (dif > 0)
			pos = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
	}
	mpmc_publish(cell, pos, val);
	return true;
}

/* idr_mpmc_pop_sc - pop from the ring's only popper. Returns false when empty. */
static inline bool idr_mpmc_pop_sc(struct idr_mpmc *r, uint32_t *val)
{
	uint32_t pos = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	struct idr_mpmc_cell *cell = &r->cells[pos & r->mask];

	if (__atomic_load_n(&cell->seq, __ATOMIC_ACQUIRE) != pos + 1)
		return false;
	__atomic_store_n(&r->head, pos + 1, __ATOMIC_RELAXED);
	*val = mpmc_take(r, cell, pos);
	return true;
}

/* idr_mpmc_pop_mc - pop from any of several threads. Returns false when empty. */
static inline bool idr_mpmc_pop_mc(struct idr_mpmc *r, uint32_t *val)
{
	uint32_t pos = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	struct idr_mpmc_cell *cell;
	int32_t dif;

	for (;;) {
		cell = &r->cells[pos & r->mask];
		dif = (int32_t)(__atomic_load_n(&cell->seq, __ATOMIC_ACQUIRE) - (pos + 1));
		if (dif < 0)
			return false; /* not yet published: empty */
		if (dif == 0 && __atomic_compare_exchange_n(&r->head, &pos, pos + 1, true,
							    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
		if (dif > 0)
			pos = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	}
	*val = mpmc_take(r, cell, pos);
	return true;
}

#endif
