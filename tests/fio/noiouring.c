/*
 * noiouring.c - run a command with io_uring blocked by a seccomp filter, the way a
 * container's default profile blocks it: io_uring_setup, io_uring_enter and
 * io_uring_register fail with EPERM, or with the errno in $NOIOURING_ERRNO.
 *
 *	noiouring COMMAND [ARG...]
 *
 * Built by make into build/tests/bin/; used by tests/fio/t-uring-unavailable.sh.
 * Raw BPF, no libseccomp. Exit 126 when the filter cannot be installed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "noiouring: add this architecture's AUDIT_ARCH"
#endif

#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define IF_EQ(k, jt, jf) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), (jf))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))

int main(int argc, char **argv)
{
	const char *env = getenv("NOIOURING_ERRNO");
	unsigned int err = env ? (unsigned int)atoi(env) : EPERM;
	struct sock_filter filter[] = {
		LOAD(arch),
		IF_EQ(ARCH, 1, 0),
		RET(SECCOMP_RET_ALLOW), /* another ABI: leave it alone */
		LOAD(nr),
		IF_EQ(__NR_io_uring_setup, 3, 0),
		IF_EQ(__NR_io_uring_enter, 2, 0),
		IF_EQ(__NR_io_uring_register, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		RET(SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
	};
	struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };

	if (argc < 2) {
		fprintf(stderr, "usage: noiouring COMMAND [ARG...]\n");
		return 2;
	}
	/* Unprivileged callers need no_new_privs to install a filter. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		fprintf(stderr, "noiouring: cannot install the seccomp filter: %s\n",
			strerror(errno));
		return 126;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "noiouring: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
