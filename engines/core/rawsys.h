/*
 * rawsys.h - a system call made in line, for the I/O paths' hot calls (io_uring_enter,
 * io_getevents). libc's syscall() moves its seven arguments about (13 instructions a
 * call, callgrind) and liburing's and libaio's wrappers are out of line (libaio's
 * io_getevents may also skip the call, which would miscount system calls). On x86-64 the
 * syscall instruction itself, as liburing's own syscall.h and libaio's io_submit make it;
 * elsewhere libc's syscall().
 */
#ifndef IDR_CORE_RAWSYS_H
#define IDR_CORE_RAWSYS_H

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

/* System call nr with six arguments. Returns its result, or -errno. */
static inline long idr_rawsys6(long nr, unsigned long a1, unsigned long a2, unsigned long a3,
			       unsigned long a4, unsigned long a5, unsigned long a6)
{
#if defined(__x86_64__)
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	register unsigned long r9 __asm__("r9") = a6;
	long ret;

	/* The kernel reads and writes memory the arguments point at: "memory" says so. */
	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "0"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
#else
	long ret = syscall(nr, a1, a2, a3, a4, a5, a6);

	return ret < 0 ? -errno : ret;
#endif
}

#endif
