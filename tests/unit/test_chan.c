/*
 * test_chan.c - engines/core/ring.h and engines/core/chan.c: the lock-free ring and the
 * sleeping channel the thread pool is built on. Also built with -fsanitize=thread
 * (test_chan-tsan): the pool-shaped cases then check every hand-off for data races.
 * A lost wake-up shows up as a wait that outlives its 10 s deadline: a FAIL, not a hang.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chan.h"
#include "counters.h"
#include "unit.h"

#ifdef __SANITIZE_THREAD__
#define SCALE 1 /* TSan runs ~10x slower: fewer items, same shapes */
#else
#define SCALE 10
#endif

static void ring_sizes(void)
{
	struct idr_mpmc r;

	CU_ASSERT_EQUAL(idr_mpmc_init(&r, 0), -EINVAL);
	CU_ASSERT_EQUAL(idr_mpmc_init(&r, (1u << 30) + 1), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(idr_mpmc_init(&r, 1), 0);
	CU_ASSERT_EQUAL(r.mask, 1);
	idr_mpmc_free(&r);
	CU_ASSERT_EQUAL_FATAL(idr_mpmc_init(&r, 33), 0);
	CU_ASSERT_EQUAL(r.mask, 63);
	idr_mpmc_free(&r);
}

static void ring_fifo_full_empty(void)
{
	struct idr_mpmc r;
	uint32_t v, i;

	CU_ASSERT_EQUAL_FATAL(idr_mpmc_init(&r, 8), 0);
	CU_ASSERT_FALSE(idr_mpmc_pop_sc(&r, &v));
	CU_ASSERT_FALSE(idr_mpmc_pop_mc(&r, &v));
	for (i = 0; i < 8; i++)
		CU_ASSERT(idr_mpmc_push_sp(&r, 100 + i));
	CU_ASSERT_FALSE(idr_mpmc_push_sp(&r, 1));
	CU_ASSERT_FALSE(idr_mpmc_push_mp(&r, 1));
	for (i = 0; i < 8; i++) {
		CU_ASSERT(idr_mpmc_pop_sc(&r, &v));
		CU_ASSERT_EQUAL(v, 100 + i);
	}
	CU_ASSERT_FALSE(idr_mpmc_pop_sc(&r, &v));
	idr_mpmc_free(&r);
}

/* Many laps, mixing the single and multi flavours, across the 32-bit wrap of positions. */
static void ring_laps_and_wrap(void)
{
	struct idr_mpmc r;
	uint32_t v, i, bad = 0;

	CU_ASSERT_EQUAL_FATAL(idr_mpmc_init(&r, 4), 0);
	/* Start near the wrap: positions and sequence numbers must survive it. */
	r.head = r.tail = 0xfffffff0u;
	for (i = 0; i < 4; i++)
		r.cells[(0xfffffff0u + i) & r.mask].seq = 0xfffffff0u + i;
	for (i = 0; i < 1000; i++) {
		bool ok = (i & 1) ? idr_mpmc_push_mp(&r, i) : idr_mpmc_push_sp(&r, i);

		ok = ok && ((i & 2) ? idr_mpmc_pop_mc(&r, &v) : idr_mpmc_pop_sc(&r, &v));
		bad += !ok || v != i;
	}
	CU_ASSERT_EQUAL(bad, 0);
	idr_mpmc_free(&r);
}

static uint64_t ms_since(uint64_t t0)
{
	return (idr_now_ns() - t0) / 1000000;
}

static void waitq_timeout_and_stale_key(void)
{
	struct idr_waitq w = { 0, 0 };
	struct timespec rel = { 0, 20000000 }, dl;
	uint64_t t0 = idr_now_ns();
	uint32_t key;

	key = idr_waitq_prepare(&w);
	idr_deadline(&dl, &rel);
	CU_ASSERT_EQUAL(idr_waitq_wait(&w, key, &dl), -ETIMEDOUT);
	idr_waitq_cancel(&w);
	CU_ASSERT(ms_since(t0) >= 20);
	/* A wake between prepare and wait: the wait returns at once. */
	key = idr_waitq_prepare(&w);
	CU_ASSERT_EQUAL(idr_waitq_wake(&w, 1), 0);
	t0 = idr_now_ns();
	CU_ASSERT_EQUAL(idr_waitq_wait(&w, key, NULL), 0);
	idr_waitq_cancel(&w);
	CU_ASSERT(ms_since(t0) < 1000);
	CU_ASSERT_EQUAL(w.waiters, 0);
}

static void pop_many_min_max_timeout(void)
{
	struct idr_chan ch;
	struct idr_chan_stats st = { 0, 0 };
	struct timespec rel = { 0, 10000000 }, dl;
	uint32_t out[8];
	uint64_t t0;

	CU_ASSERT_EQUAL_FATAL(idr_chan_init(&ch, 8), 0);
	/* Nothing there, min 0: returns at once. */
	CU_ASSERT_EQUAL(idr_chan_pop_sc_many(&ch, out, 0, 8, NULL, 0, &st), 0);
	/* Nothing there, min 1: the deadline ends the wait. */
	idr_deadline(&dl, &rel);
	t0 = idr_now_ns();
	CU_ASSERT_EQUAL(idr_chan_pop_sc_many(&ch, out, 1, 8, &dl, 0, &st), 0);
	CU_ASSERT(ms_since(t0) >= 10);
	CU_ASSERT(st.sleeps >= 1);
	for (uint32_t i = 0; i < 5; i++)
		CU_ASSERT(idr_chan_push_sp(&ch, i));
	/* max caps what one call takes; min above max is clamped to max. */
	CU_ASSERT_EQUAL(idr_chan_pop_sc_many(&ch, out, 3, 2, NULL, 0, &st), 2);
	CU_ASSERT_EQUAL(out[0], 0);
	CU_ASSERT_EQUAL(out[1], 1);
	CU_ASSERT_EQUAL(idr_chan_pop_sc_many(&ch, out, 3, 8, NULL, 0, &st), 3);
	CU_ASSERT_EQUAL(out[2], 4);
	CU_ASSERT_EQUAL(ch.popped, 5);
	idr_chan_free(&ch);
}

/* ---- the pool shape: one job thread, K workers, D slots in flight --------------------- */

struct pool {
	struct idr_chan sq, cq;
	uint32_t stop;
	unsigned int depth;
	uint64_t spin_ns;
	unsigned int delay_every; /* a worker yields or sleeps every n-th item */
	uint32_t *runs;		  /* per slot: times a worker ran it (worker writes) */
	uint32_t *seen;		  /* per slot: times the job thread reaped it */
	uint64_t worker_items[64];
	uint64_t sleeps;     /* summed by workers as they exit */
	uint32_t push_fails; /* pushes that found the ring full for a second */
};

struct worker_arg {
	struct pool *p;
	unsigned int id;
};

static void *pool_worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct pool *p = wa->p;
	struct idr_chan_stats st = { 0, 0 };
	struct timespec nap = { 0, 200000 };
	uint64_t items = 0;
	uint32_t slot;

	while (idr_chan_pop_mc_wait(&p->sq, &slot, &p->stop, p->spin_ns, &st) == 0) {
		/* The ring hands the slot over: plain accesses, TSan checks the ordering. */
		p->runs[slot]++;
		items++;
		if (p->delay_every && items % p->delay_every == 0) {
			if ((items / p->delay_every) % 4)
				sched_yield();
			else
				nanosleep(&nap, NULL);
		}
		if (idr_chan_push_mp_retry(&p->cq, slot) < 0)
			__atomic_fetch_add(&p->push_fails, 1, __ATOMIC_RELAXED);
		idr_chan_wake_want(&p->cq);
	}
	p->worker_items[wa->id] = items;
	__atomic_fetch_add(&p->sleeps, st.sleeps, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * Run total items through K workers with at most depth in flight, reaping with a
 * varying min; every slot must come back exactly once per submission, and every wait
 * must end well before its 10 s deadline. Returns the number of failed checks.
 */
static unsigned int run_pool(unsigned int workers, unsigned int depth, unsigned int total,
			     uint64_t spin_ns, unsigned int delay_every)
{
	struct pool p;
	struct worker_arg wa[64];
	pthread_t t[64];
	uint32_t *free_slots = calloc(depth, sizeof(uint32_t)),
		 *out = calloc(depth, sizeof(uint32_t));
	struct timespec rel = { 10, 0 }, dl;
	struct idr_chan_stats st = { 0, 0 };
	unsigned int nfree = depth, inflight = 0, issued = 0, reaped = 0, bad = 0, i, min;
	uint64_t sum = 0;
	int n;

	memset(&p, 0, sizeof(p));
	p.depth = depth;
	p.spin_ns = spin_ns;
	p.delay_every = delay_every;
	p.runs = calloc(depth, sizeof(uint32_t));
	p.seen = calloc(depth, sizeof(uint32_t));
	if (!free_slots || !out || !p.runs || !p.seen || idr_chan_init(&p.sq, 2 * depth) ||
	    idr_chan_init(&p.cq, 2 * depth))
		return 1000;
	for (i = 0; i < depth; i++)
		free_slots[i] = i;
	for (i = 0; i < workers; i++) {
		wa[i].p = &p;
		wa[i].id = i;
		if (pthread_create(&t[i], NULL, pool_worker, &wa[i]))
			return 1000;
	}
	while (reaped < total) {
		/* Submit a batch of 1..nfree, as fio's iodepth_batch would. */
		unsigned int batch = nfree ? 1 + (issued * 7) % nfree : 0, pushed = 0;

		for (; pushed < batch && issued < total; pushed++, issued++, inflight++)
			bad += idr_chan_push_sp_retry(&p.sq, free_slots[--nfree]) < 0;
		idr_chan_wake_any(&p.sq, pushed);
		if (!inflight)
			continue;
		/* Reap at least 1..inflight: the min/max logic under every interleaving. */
		min = 1 + (reaped * 13) % inflight;
		idr_deadline(&dl, &rel);
		n = idr_chan_pop_sc_many(&p.cq, out, min, depth, &dl, spin_ns, &st);
		if (n < (int)min) {
			bad += 1000; /* a lost wake-up: 10 s passed with work outstanding */
			break;
		}
		for (i = 0; i < (unsigned int)n; i++) {
			p.seen[out[i]]++;
			bad += p.seen[out[i]] != p.runs[out[i]];
			free_slots[nfree++] = out[i];
		}
		inflight -= n;
		reaped += n;
	}
	idr_chan_stop(&p.sq, &p.stop);
	for (i = 0; i < workers; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < workers; i++)
		sum += p.worker_items[i];
	bad += sum != total;
	bad += p.sq.wq.waiters != 0;
	bad += p.push_fails;
	idr_chan_free(&p.sq);
	idr_chan_free(&p.cq);
	free(p.runs);
	free(p.seen);
	free(free_slots);
	free(out);
	return bad;
}

static void pool_depth1_many_workers(void)
{
	/* Workers mostly asleep: every item is a wake-up race. */
	CU_ASSERT_EQUAL(run_pool(8, 1, 2000 * SCALE, 0, 0), 0);
}

static void pool_depth32_16_workers(void)
{
	CU_ASSERT_EQUAL(run_pool(16, 32, 5000 * SCALE, 0, 3), 0);
}

static void pool_depth1024_4_workers(void)
{
	CU_ASSERT_EQUAL(run_pool(4, 1024, 10000 * SCALE, 0, 5), 0);
}

static void pool_spinning(void)
{
	CU_ASSERT_EQUAL(run_pool(2, 8, 2000 * SCALE, 20000, 0), 0);
}

/* wait_pushed without popping: the drain before a file closes. */
static void *slow_worker(void *arg)
{
	struct pool *p = arg;
	struct idr_chan_stats st = { 0, 0 };
	struct timespec nap = { 0, 2000000 };
	uint32_t slot;

	while (idr_chan_pop_mc_wait(&p->sq, &slot, &p->stop, 0, &st) == 0) {
		nanosleep(&nap, NULL);
		__atomic_fetch_add(&p->runs[slot], 1, __ATOMIC_RELAXED);
		idr_chan_push_mp(&p->cq, slot);
		idr_chan_wake_want(&p->cq);
	}
	return NULL;
}

static void drain_then_stop_mid_work(void)
{
	struct pool p;
	struct idr_chan_stats st = { 0, 0 };
	struct timespec rel = { 10, 0 }, dl;
	pthread_t t[4];
	uint32_t runs[16] = { 0 }, i, done = 0;
	uint64_t t0;

	memset(&p, 0, sizeof(p));
	p.runs = runs;
	CU_ASSERT_EQUAL_FATAL(idr_chan_init(&p.sq, 16), 0);
	CU_ASSERT_EQUAL_FATAL(idr_chan_init(&p.cq, 16), 0);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, slow_worker, &p), 0);
	for (i = 0; i < 16; i++)
		idr_chan_push_sp(&p.sq, i);
	idr_chan_wake_any(&p.sq, 16);
	idr_deadline(&dl, &rel);
	CU_ASSERT_EQUAL(idr_chan_wait_pushed(&p.cq, 16, &dl, 0, &st), 0);
	for (i = 0; i < 16; i++)
		done += __atomic_load_n(&runs[i], __ATOMIC_RELAXED);
	CU_ASSERT_EQUAL(done, 16);
	CU_ASSERT_EQUAL(p.cq.popped, 0); /* drained, nothing consumed */
	/* Stop with work queued and workers busy: all exit within a few naps. */
	for (i = 0; i < 16; i++)
		idr_chan_push_sp(&p.sq, i);
	idr_chan_wake_any(&p.sq, 16);
	t0 = idr_now_ns();
	idr_chan_stop(&p.sq, &p.stop);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CU_ASSERT(ms_since(t0) < 2000);
	idr_chan_free(&p.sq);
	idr_chan_free(&p.cq);
}

static void *pop_later(void *arg)
{
	struct idr_chan *ch = arg;
	struct idr_chan_stats st = { 0, 0 };
	struct timespec nap = { 0, 20000000 };
	uint32_t v, stop = 0;

	nanosleep(&nap, NULL);
	idr_chan_pop_mc_wait(ch, &v, &stop, 0, &st);
	return NULL;
}

/* A push into a ring whose cell is still taken waits for the popper, then succeeds. */
static void push_retry_waits_for_cell(void)
{
	struct idr_chan ch;
	pthread_t t;
	uint32_t out[4];
	struct idr_chan_stats st = { 0, 0 };

	CU_ASSERT_EQUAL_FATAL(idr_chan_init(&ch, 2), 0);
	CU_ASSERT_EQUAL(idr_chan_push_sp_retry(&ch, 1), 0);
	CU_ASSERT_EQUAL(idr_chan_push_mp_retry(&ch, 2), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, pop_later, &ch), 0);
	CU_ASSERT(idr_chan_push_sp_retry(&ch, 3) > 0);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(idr_chan_pop_sc_many(&ch, out, 2, 4, NULL, 0, &st), 2);
	CU_ASSERT_EQUAL(out[0], 2);
	CU_ASSERT_EQUAL(out[1], 3);
	idr_chan_free(&ch);
}

static CU_TestInfo ring_tests[] = {
	{ "idr_mpmc_init/sizes round up to a power of 2", ring_sizes },
	{ "idr_mpmc_push_pop/FIFO, full and empty", ring_fifo_full_empty },
	{ "idr_mpmc_push_pop/laps across the 32-bit wrap", ring_laps_and_wrap },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo chan_tests[] = {
	{ "idr_waitq_wait/timeout and a wake before the sleep", waitq_timeout_and_stale_key },
	{ "idr_chan_pop_sc_many/min, max and the deadline", pop_many_min_max_timeout },
	{ "idr_chan_push_sp_retry/waits for a taken cell", push_retry_waits_for_cell },
	{ "pool/iodepth 1, 8 sleeping workers", pool_depth1_many_workers },
	{ "pool/iodepth 32, 16 workers", pool_depth32_16_workers },
	{ "pool/iodepth 1024, 4 workers", pool_depth1024_4_workers },
	{ "pool/spinning workers and reaper", pool_spinning },
	{ "idr_chan_wait_pushed/drain, then stop mid-work", drain_then_stop_mid_work },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/ring.h", ring_tests, NULL, NULL },
	{ "engines/core/chan.c", chan_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
