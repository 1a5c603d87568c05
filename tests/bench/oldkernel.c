/*
 * oldkernel.c - an LD_PRELOAD shim that makes fio's built-in io_uring engine see an older
 * kernel: io_uring_setup fails with EINVAL while its flags hold any flag named in
 * IODRILL_URING_FAULTS's refuse= list (the same names and the same variable as our
 * engines' own seam, engines/uring/setup.c), and RING_FD refuses io_uring_register's
 * IORING_REGISTER_RING_FDS. An unknown flag makes a real kernel answer exactly so, and
 * fio falls back down its own ladder (DEFER_TASKRUN|SINGLE_ISSUER, COOP_TASKRUN,
 * CQSIZE), as it would on that kernel.
 *
 *	IODRILL_URING_FAULTS='refuse=COOP_TASKRUN|TASKRUN_FLAG' LD_PRELOAD=oldkernel.so fio ...
 *
 * Built and used by tests/bench/run, so a refused-flag row compares both engines on the
 * same (emulated) kernel. fio 3.33 calls io_uring through libc's syscall(); liburing, which
 * our engines use, makes its own system calls and never comes here. Other keys of the
 * variable (cqe_eagain=...) are ours only and ignored.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <linux/io_uring.h>

typedef long (*syscall_fn)(long nr, ...);

static const struct {
	const char *name;
	unsigned int flag;
} flags[] = {
	{ "IOPOLL", 1U << 0 },	       { "SQPOLL", 1U << 1 },	      { "SQ_AFF", 1U << 2 },
	{ "CQSIZE", 1U << 3 },	       { "CLAMP", 1U << 4 },	      { "ATTACH_WQ", 1U << 5 },
	{ "R_DISABLED", 1U << 6 },     { "SUBMIT_ALL", 1U << 7 },     { "COOP_TASKRUN", 1U << 8 },
	{ "TASKRUN_FLAG", 1U << 9 },   { "SQE128", 1U << 10 },	      { "CQE32", 1U << 11 },
	{ "SINGLE_ISSUER", 1U << 12 }, { "DEFER_TASKRUN", 1U << 13 }, { "NO_SQARRAY", 1U << 16 },
};

/* The refuse= list of IODRILL_URING_FAULTS as setup flags; RING_FD sets *ring_fd. */
static unsigned int refused(int *ring_fd)
{
	const char *s = getenv("IODRILL_URING_FAULTS"), *end;
	unsigned int mask = 0;
	size_t i, n;

	*ring_fd = 0;
	s = s ? strstr(s, "refuse=") : NULL;
	if (!s)
		return 0;
	for (s += 7; *s && *s != ','; s = *end == '|' ? end + 1 : end) {
		end = s + strcspn(s, "|,");
		n = (size_t)(end - s);
		if (n == 7 && !strncmp(s, "RING_FD", 7))
			*ring_fd = 1;
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (strlen(flags[i].name) == n && !strncmp(flags[i].name, s, n))
				mask |= flags[i].flag;
	}
	return mask;
}

long syscall(long nr, ...)
{
	static syscall_fn real;
	const struct io_uring_params *p;
	long a[6];
	int ring_fd, i;
	va_list ap;

	/* Six words, as the kernel takes them: callers pass fewer, the rest are not read. */
	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
	if (nr == __NR_io_uring_setup) {
		p = (const struct io_uring_params *)a[1];
		if (p && (p->flags & refused(&ring_fd))) {
			errno = EINVAL;
			return -1;
		}
	} else if (nr == __NR_io_uring_register && a[1] == 20 /* IORING_REGISTER_RING_FDS */) {
		refused(&ring_fd);
		if (ring_fd) {
			errno = EINVAL;
			return -1;
		}
	}
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
