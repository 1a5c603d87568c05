/*
 * cpu.h - CPU time of the threads an engine runs: the job thread (over a window that
 * opens at the first submission), worker threads (each adds its own total as it exits),
 * and threads the engine does not own (glibc's AIO helpers, the SQPOLL kernel thread),
 * read from /proc. fio's own usr/sys figures cover only the job thread.
 * No fio types: unit-tested on its own.
 */
#ifndef IDR_CORE_CPU_H
#define IDR_CORE_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * total_ns is exact (the scheduler's runtime, read through a thread CPU clock). The
 * usr/sys split comes from getrusage or /proc stat, which this kind of kernel
 * (TICK_CPU_ACCOUNTING) samples at the scheduler tick: over a few milliseconds it can
 * read 0/0 while total_ns is right. Per-I/O figures use total_ns.
 */
struct idr_cpu {
	uint64_t usr_us;
	uint64_t sys_us;
	uint64_t total_ns;
};

struct idr_cpu_window {
	struct idr_cpu start; /* the thread's totals when the window opened */
	struct idr_cpu used;  /* usage inside the window once closed */
	bool open;
	bool closed;
};

/* Summed by worker threads as they exit; atomic, so no lock is needed. */
struct idr_cpu_sum {
	uint64_t usr_us;
	uint64_t sys_us;
	uint64_t total_ns;
	unsigned int threads;
};

/* idr_cpu_self - the calling thread's CPU time so far (getrusage RUSAGE_THREAD). */
void idr_cpu_self(struct idr_cpu *out);

/*
 * idr_cpu_process - the whole process's CPU time so far, threads that already exited
 * included (CLOCK_PROCESS_CPUTIME_ID, getrusage RUSAGE_SELF): what threads we cannot
 * follow by id (glibc's AIO helpers come and go) used, as a difference.
 */
void idr_cpu_process(struct idr_cpu *out);

/* Open the window on the calling thread (first call wins); close it on the same thread. */
void idr_cpu_window_open(struct idr_cpu_window *w);
void idr_cpu_window_close(struct idr_cpu_window *w);

/* idr_cpu_sum_add_self - a worker thread adds its lifetime CPU time, once, as it exits. */
void idr_cpu_sum_add_self(struct idr_cpu_sum *sum);

/* idr_cpu_sum_add - add a measured figure (e.g. a /proc reading) to a sum. */
void idr_cpu_sum_add(struct idr_cpu_sum *sum, const struct idr_cpu *cpu);

/*
 * idr_cpu_task - CPU time of thread tid of this process (a worker we did not start,
 * glibc's AIO helpers, the SQPOLL thread): total from its thread CPU clock, split from
 * /proc/self/task/TID/stat. Returns 0, or -errno (-ESRCH when the thread is gone).
 */
int idr_cpu_task(pid_t tid, struct idr_cpu *out);

/*
 * idr_cpu_parse_stat - parse utime/stime (fields 14 and 15) from the text of a
 * /proc/.../stat file, whose comm field may hold spaces and parentheses.
 * Returns 0, or -EINVAL for text that is not a stat line.
 */
int idr_cpu_parse_stat(const char *text, long ticks_per_sec, struct idr_cpu *out);

/*
 * idr_cpu_residual - what the process used beyond the calling thread since proc0 and
 * self0 (idr_cpu_process and idr_cpu_self, read then on this thread): the CPU of threads
 * that cannot be followed by id, exited ones included. Clamped at 0.
 */
void idr_cpu_residual(const struct idr_cpu *proc0, const struct idr_cpu *self0,
		      struct idr_cpu *out);

/*
 * idr_cpu_threads - the lifetime CPU of the live threads of this process (other than
 * self) whose name is one of names (NULL-terminated), summed into *sum; *strangers counts
 * the other threads whose name does not start with prefix. Returns how many were summed,
 * or -errno when /proc/self/task cannot be read.
 */
int idr_cpu_threads(pid_t self, const char *prefix, const char *const *names, struct idr_cpu *sum,
		    unsigned int *strangers);

/* idr_cpu_sum_add_time - add a figure's time to a sum without counting a thread. */
void idr_cpu_sum_add_time(struct idr_cpu_sum *sum, const struct idr_cpu *cpu);

#endif
