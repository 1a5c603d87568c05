/*
 * cpu.c - CPU accounting for the threads an engine runs. See cpu.h.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"

static uint64_t tv_us(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000ull + (uint64_t)tv->tv_usec;
}

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The CPU clock of thread tid, as glibc's pthread_getcpuclockid builds it for a pthread
 * (linux/posix-timers.h: ~tid << 3 | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED); works for
 * any thread of this process, ours or not.
 */
static clockid_t thread_clock(pid_t tid)
{
	return (clockid_t)((~(unsigned int)tid << 3) | 4 | 2);
}

void idr_cpu_self(struct idr_cpu *out)
{
	struct rusage ru;

	out->total_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	/* RUSAGE_THREAD cannot fail for the calling thread; zero it anyway if it does. */
	if (getrusage(RUSAGE_THREAD, &ru)) {
		out->usr_us = out->sys_us = 0;
		return;
	}
	out->usr_us = tv_us(&ru.ru_utime);
	out->sys_us = tv_us(&ru.ru_stime);
}

void idr_cpu_process(struct idr_cpu *out)
{
	struct rusage ru;

	out->total_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	if (getrusage(RUSAGE_SELF, &ru)) {
		out->usr_us = out->sys_us = 0;
		return;
	}
	out->usr_us = tv_us(&ru.ru_utime);
	out->sys_us = tv_us(&ru.ru_stime);
}

void idr_cpu_window_open(struct idr_cpu_window *w)
{
	if (w->open)
		return;
	idr_cpu_self(&w->start);
	w->open = true;
}

void idr_cpu_window_close(struct idr_cpu_window *w)
{
	struct idr_cpu now;

	if (!w->open || w->closed)
		return;
	idr_cpu_self(&now);
	w->used.usr_us = now.usr_us - w->start.usr_us;
	w->used.sys_us = now.sys_us - w->start.sys_us;
	w->used.total_ns = now.total_ns - w->start.total_ns;
	w->closed = true;
}

void idr_cpu_sum_add(struct idr_cpu_sum *sum, const struct idr_cpu *cpu)
{
	/* Workers exit concurrently: relaxed atomics are enough, the joiner reads after join. */
	__atomic_fetch_add(&sum->usr_us, cpu->usr_us, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sum->sys_us, cpu->sys_us, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sum->total_ns, cpu->total_ns, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sum->threads, 1, __ATOMIC_RELAXED);
}

void idr_cpu_sum_add_self(struct idr_cpu_sum *sum)
{
	struct idr_cpu self;

	idr_cpu_self(&self);
	idr_cpu_sum_add(sum, &self);
}

int idr_cpu_parse_stat(const char *text, long ticks_per_sec, struct idr_cpu *out)
{
	unsigned long long utime, stime;
	const char *p;

	/* comm (field 2) is in parentheses and may contain anything: skip to the last ')'. */
	p = strrchr(text, ')');
	if (!p || ticks_per_sec <= 0)
		return -EINVAL;
	/* After comm: state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	 * cmajflt(13) utime(14) stime(15). */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
		   &stime) != 2)
		return -EINVAL;
	out->usr_us = utime * 1000000ull / (unsigned long long)ticks_per_sec;
	out->sys_us = stime * 1000000ull / (unsigned long long)ticks_per_sec;
	return 0;
}

int idr_cpu_task(pid_t tid, struct idr_cpu *out)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	err = idr_cpu_parse_stat(buf, sysconf(_SC_CLK_TCK), out);
	if (err)
		return err;
	out->total_ns = clock_ns(thread_clock(tid));
	if (!out->total_ns) /* no clock for it: fall back to the tick counts */
		out->total_ns = (out->usr_us + out->sys_us) * 1000;
	return 0;
}

void idr_cpu_residual(const struct idr_cpu *proc0, const struct idr_cpu *self0, struct idr_cpu *out)
{
	struct idr_cpu proc, self;
	int64_t d;

	idr_cpu_process(&proc);
	idr_cpu_self(&self);
	/* The tick-sampled split can come out a tick negative: clamp; total_ns is exact. */
	d = (int64_t)(proc.total_ns - proc0->total_ns) - (int64_t)(self.total_ns - self0->total_ns);
	out->total_ns = d > 0 ? (uint64_t)d : 0;
	d = (int64_t)(proc.usr_us - proc0->usr_us) - (int64_t)(self.usr_us - self0->usr_us);
	out->usr_us = d > 0 ? (uint64_t)d : 0;
	d = (int64_t)(proc.sys_us - proc0->sys_us) - (int64_t)(self.sys_us - self0->sys_us);
	out->sys_us = d > 0 ? (uint64_t)d : 0;
}

/* comm of thread tid of this process into buf; 0 or -errno. */
static int task_comm(const char *tid, char *buf, size_t len)
{
	char path[320];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/self/task/%s/comm", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int idr_cpu_threads(pid_t self, const char *prefix, const char *const *names, struct idr_cpu *sum,
		    unsigned int *strangers)
{
	char comm[64], *end;
	struct idr_cpu one;
	struct dirent *e;
	int found = 0;
	long tid;
	DIR *d;

	memset(sum, 0, sizeof(*sum));
	*strangers = 0;
	d = opendir("/proc/self/task");
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		tid = strtol(e->d_name, &end, 10);
		if (*end || tid <= 0 || tid == self || task_comm(e->d_name, comm, sizeof(comm)))
			continue;
		if (strncmp(comm, prefix, strlen(prefix))) {
			(*strangers)++;
			continue;
		}
		for (unsigned int i = 0; names[i]; i++) {
			if (strcmp(comm, names[i]) || idr_cpu_task((pid_t)tid, &one))
				continue;
			sum->usr_us += one.usr_us;
			sum->sys_us += one.sys_us;
			sum->total_ns += one.total_ns;
			found++;
			break;
		}
	}
	closedir(d);
	return found;
}

void idr_cpu_sum_add_time(struct idr_cpu_sum *sum, const struct idr_cpu *cpu)
{
	__atomic_fetch_add(&sum->usr_us, cpu->usr_us, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sum->sys_us, cpu->sys_us, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sum->total_ns, cpu->total_ns, __ATOMIC_RELAXED);
}
