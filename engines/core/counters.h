/*
 * counters.h - what every engine counts, and the clock it counts time with.
 * Plain data, no fio types: the sidecar writer and the unit tests use it as is.
 */
#ifndef IDR_CORE_COUNTERS_H
#define IDR_CORE_COUNTERS_H

#include <stdint.h>
#include <time.h>

struct idr_counters {
	uint64_t submitted; /* I/Os (syncs, trims too) handed to the kernel or the engine's workers */
	uint64_t ios;	    /* reads and writes finished, whatever their result */
	uint64_t syncs;	    /* fsync/fdatasync finished */
	uint64_t trims;	    /* trims finished, whatever their result */
	uint64_t bytes;	    /* bytes actually moved (short transfers count what moved) */
	uint64_t errors;    /* I/Os finished with an error */
	uint64_t short_ios;	     /* I/Os finished short (io_u->resid > 0) */
	uint64_t syscalls;	     /* every system call on the I/O path */
	uint64_t submit_calls;	     /* ... of which submit I/O (pread, io_submit, enter+submit) */
	uint64_t reap_calls;	     /* ... of which wait for or reap completions */
	uint64_t busy;		     /* EAGAIN/EBUSY from the kernel or a full queue: FIO_Q_BUSY */
	uint64_t eintr;		     /* interrupted calls, retried */
	uint64_t t_first_submit_ns;  /* CLOCK_MONOTONIC at the first submission */
	uint64_t t_last_complete_ns; /* CLOCK_MONOTONIC when the last completion was seen */
};

/* Which side of the I/O path a system call served; a call may serve both. */
enum idr_syscall_kind {
	IDR_SC_SUBMIT = 1 << 0,
	IDR_SC_REAP = 1 << 1,
};

/* Count one I/O-path system call of the given kind(s). */
static inline void idr_count_syscall(struct idr_counters *cnt, unsigned int kind)
{
	cnt->syscalls++;
	cnt->submit_calls += !!(kind & IDR_SC_SUBMIT);
	cnt->reap_calls += !!(kind & IDR_SC_REAP);
}

/* CLOCK_MONOTONIC in ns (vDSO: no system call). */
static inline uint64_t idr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* First submission to last completion in ns; 0 when nothing completed. */
static inline uint64_t idr_counters_elapsed_ns(const struct idr_counters *cnt)
{
	if (!cnt->t_first_submit_ns || cnt->t_last_complete_ns < cnt->t_first_submit_ns)
		return 0;
	return cnt->t_last_complete_ns - cnt->t_first_submit_ns;
}

#endif
