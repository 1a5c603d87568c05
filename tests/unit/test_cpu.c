/*
 * test_cpu.c - engines/core/cpu.c: CPU accounting.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"
#include "unit.h"

static void burn_ms(unsigned int ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static void parse_stat_plain(void)
{
	const char *s = "1234 (fio) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 1 0";
	struct idr_cpu c;

	CU_ASSERT_EQUAL(idr_cpu_parse_stat(s, 100, &c), 0);
	CU_ASSERT_EQUAL(c.usr_us, 2500000);
	CU_ASSERT_EQUAL(c.sys_us, 750000);
}

static void parse_stat_comm_with_spaces(void)
{
	/* comm may hold spaces and ')': only the last ')' ends it. */
	const char *s = "77 (iou-sqp) x) 1) R 1 1 1 0 -1 0 0 0 0 0 3 9 0 0";
	struct idr_cpu c;

	CU_ASSERT_EQUAL(idr_cpu_parse_stat(s, 100, &c), 0);
	CU_ASSERT_EQUAL(c.usr_us, 30000);
	CU_ASSERT_EQUAL(c.sys_us, 90000);
}

static void parse_stat_garbage(void)
{
	struct idr_cpu c;

	CU_ASSERT_EQUAL(idr_cpu_parse_stat("no parenthesis here", 100, &c), -EINVAL);
	CU_ASSERT_EQUAL(idr_cpu_parse_stat("1 (x) R 1", 100, &c), -EINVAL);
	CU_ASSERT_EQUAL(idr_cpu_parse_stat("1 (x) R 1 1 1 0 -1 0 0 0 0 0 3 9", 0, &c), -EINVAL);
}

static void task_self_and_gone(void)
{
	struct idr_cpu c;

	burn_ms(30);
	CU_ASSERT_EQUAL(idr_cpu_task((pid_t)syscall(SYS_gettid), &c), 0);
	CU_ASSERT(c.total_ns >= 30000000);
	/* 30 ms of CPU at the usual 100-1000 Hz tick is at least 2 ticks. */
	CU_ASSERT(c.usr_us + c.sys_us >= 20000);
	CU_ASSERT_EQUAL(idr_cpu_task(999999999, &c), -ESRCH);
}

static void window_measures_only_inside(void)
{
	struct idr_cpu_window w = { 0 };

	burn_ms(40); /* before the window: must not count */
	idr_cpu_window_open(&w);
	burn_ms(30);
	idr_cpu_window_close(&w);
	CU_ASSERT(w.closed);
	/* The exact total, not the tick-sampled split. */
	CU_ASSERT(w.used.total_ns >= 30000000);
	CU_ASSERT(w.used.total_ns < 40000000 + 25000000);
}

static void window_close_without_open(void)
{
	struct idr_cpu_window w = { 0 };

	idr_cpu_window_close(&w);
	CU_ASSERT_FALSE(w.closed);
	CU_ASSERT_EQUAL(w.used.total_ns, 0);
}

static struct idr_cpu_sum sum;

static void *worker(void *arg)
{
	(void)arg;
	burn_ms(25);
	idr_cpu_sum_add_self(&sum);
	return NULL;
}

static void sum_counts_every_worker(void)
{
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CU_ASSERT_EQUAL(sum.threads, 4);
	CU_ASSERT(sum.total_ns >= 4 * 25000000ull);
}

static void *other_thread(void *arg)
{
	*(pid_t *)arg = (pid_t)syscall(SYS_gettid);
	burn_ms(40);
	return NULL;
}

static void task_other_thread_exact(void)
{
	pthread_t t;
	pid_t tid = 0;
	struct idr_cpu c;
	struct timespec ts = { 0, 20000000 };

	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, other_thread, &tid), 0);
	nanosleep(&ts, NULL);
	CU_ASSERT_EQUAL(idr_cpu_task(tid, &c), 0);
	pthread_join(t, NULL);
	/* Read mid-burn from another thread: some CPU, never more than the thread's life. */
	CU_ASSERT(c.total_ns > 0);
	CU_ASSERT(c.total_ns < 1000000000ull);
}

static void *burn_and_exit(void *arg)
{
	(void)arg;
	burn_ms(40);
	return NULL;
}

/* A thread that exited still counts in the process total. */
static void process_includes_exited_threads(void)
{
	struct idr_cpu before, after, self0, self1;
	pthread_t t;

	idr_cpu_process(&before);
	idr_cpu_self(&self0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, burn_and_exit, NULL), 0);
	pthread_join(t, NULL);
	idr_cpu_process(&after);
	idr_cpu_self(&self1);
	CU_ASSERT(after.total_ns - before.total_ns - (self1.total_ns - self0.total_ns) >=
		  40000000ull);
}

/* A thread that exited, alone beside the caller: the residual is its CPU, not ours. */
static void residual_is_the_others(void)
{
	struct idr_cpu proc0, self0, res;
	pthread_t t;

	idr_cpu_process(&proc0);
	idr_cpu_self(&self0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, burn_and_exit, NULL), 0);
	pthread_join(t, NULL);
	burn_ms(60); /* ours: must not count */
	idr_cpu_residual(&proc0, &self0, &res);
	CU_ASSERT(res.total_ns >= 40000000ull);
	CU_ASSERT(res.total_ns < 40000000ull + 50000000ull);
}

struct named {
	const char *name;
	pthread_barrier_t *bar;
};

static void *named_thread(void *arg)
{
	struct named *n = arg;

	pthread_setname_np(pthread_self(), n->name);
	burn_ms(30);
	pthread_barrier_wait(n->bar); /* named and burnt */
	pthread_barrier_wait(n->bar); /* read */
	return NULL;
}

/* Threads are found by exact name; others with the prefix are neither summed nor
 * strangers; a thread without it is a stranger. */
static void threads_by_name(void)
{
	const char *names[] = { "iou-wrk-1", "iou-wrk-2", NULL };
	const char *tn[] = { "iou-wrk-1", "iou-wrk-2", "iou-sqp-3", "helper" };
	struct named n[4];
	pthread_barrier_t bar;
	struct idr_cpu got;
	unsigned int strangers;
	pthread_t t[4];
	int i, found;

	pthread_barrier_init(&bar, NULL, 5);
	for (i = 0; i < 4; i++) {
		n[i] = (struct named){ tn[i], &bar };
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, named_thread, &n[i]), 0);
	}
	pthread_barrier_wait(&bar);
	found = idr_cpu_threads((pid_t)syscall(SYS_gettid), "iou-", names, &got, &strangers);
	pthread_barrier_wait(&bar);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	CU_ASSERT_EQUAL(found, 2);
	CU_ASSERT_EQUAL(strangers, 1);
	CU_ASSERT(got.total_ns >= 2 * 30000000ull);
	CU_ASSERT(got.total_ns < 3 * 30000000ull);
}

static CU_TestInfo cpu_tests[] = {
	{ "idr_cpu_residual/the other threads' CPU, exited ones included", residual_is_the_others },
	{ "idr_cpu_threads/by name, strangers counted", threads_by_name },
	{ "idr_cpu_process/exited threads included", process_includes_exited_threads },
	{ "idr_cpu_task/another thread's exact total", task_other_thread_exact },
	{ "idr_cpu_parse_stat/plain", parse_stat_plain },
	{ "idr_cpu_parse_stat/comm with spaces and parentheses", parse_stat_comm_with_spaces },
	{ "idr_cpu_parse_stat/garbage", parse_stat_garbage },
	{ "idr_cpu_task/self and a vanished thread", task_self_and_gone },
	{ "idr_cpu_window/only CPU inside the window", window_measures_only_inside },
	{ "idr_cpu_window/close without open", window_close_without_open },
	{ "idr_cpu_sum_add_self/every worker counted", sum_counts_every_worker },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/cpu.c", cpu_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
