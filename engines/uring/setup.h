/*
 * setup.h - io_uring ring setup, registration and diagnosis shared by the io_uring
 * engines (uring_fixed, uring_passthru). No fio types: unit-tested on its own
 * (tests/unit/test_uring_setup.c); ring.h builds the fio-facing half on top of it.
 *
 * What lives here:
 *  - idr_uring_create: io_uring_setup with a fallback ladder for the optional flags (the
 *    newest dropped first on EINVAL), never dropping a required one, then the mappings;
 *  - registration helpers (ring fd, a sparse file table, buffers with the RLIMIT_MEMLOCK
 *    check);
 *  - why io_uring is unavailable: ENOSYS, kernel.io_uring_disabled and io_uring_group,
 *    a seccomp filter, SQPOLL privileges, locked-memory limits;
 *  - the SQPOLL thread's id (for its CPU time) and the test seam for faults the kernel
 *    cannot be made to produce on demand (IODRILL_URING_FAULTS).
 *
 * Conventions: 0 or a count on success, -errno on failure.
 */
#ifndef IDR_URING_SETUP_H
#define IDR_URING_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <liburing.h>

/* Flags newer than the liburing headers we build against (Debian 12 ships 2.3). */
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY (1U << 16) /* 6.6: no SQ index array */
#endif
#ifndef IORING_FEAT_REG_REG_RING
#define IORING_FEAT_REG_REG_RING (1U << 13)
#endif

/* The kernel's limits (IORING_MAX_ENTRIES, IORING_MAX_CQ_ENTRIES, IORING_MAX_REG_BUFFERS). */
#define IDR_URING_MAX_ENTRIES 32768u
#define IDR_URING_MAX_CQ_ENTRIES (2 * IDR_URING_MAX_ENTRIES)
#define IDR_URING_MAX_REG_BUFFERS 16384u

/* The environment variable holding the fault spec (see idr_uring_faults_parse). */
#define IDR_URING_FAULTS_ENV "IODRILL_URING_FAULTS"

/*
 * Faults injected for tests. CQE-level faults cannot come from strace (completions live
 * in shared memory), and an old kernel's refusals cannot be had on a new one.
 */
struct idr_uring_faults {
	unsigned int refuse;	 /* IORING_SETUP_* refused (EINVAL) as if old */
	bool refuse_ring_fd;	 /* io_uring_register_ring_fd refused with EINVAL */
	unsigned int cqe_eagain; /* every Nth read/write CQE turns into -EAGAIN (0: off) */
	unsigned int cqe_short;	 /* every Nth read CQE reports half its bytes */
	unsigned int sq_entries; /* a ring this small (SQ and CQ) whatever the depth */
};

/*
 * idr_uring_faults_parse - parse "key=val,key=val": refuse=FLAG|FLAG (setup flag names
 * as in idr_uring_flag_names, or RING_FD), cqe_eagain=N, cqe_short=N, sq_entries=N.
 * NULL or "" means no faults. Returns 0, or -EINVAL with a message in msg.
 */
int idr_uring_faults_parse(const char *spec, struct idr_uring_faults *f, char *msg, size_t len);

/* What idr_uring_create is asked for. */
struct idr_uring_params {
	unsigned int entries;		/* SQ entries (the kernel rounds up to a power of 2) */
	unsigned int cq_entries;	/* with IORING_SETUP_CQSIZE */
	unsigned int required;		/* IORING_SETUP_* never dropped (IOPOLL, SQE128...) */
	unsigned int wanted;		/* optional ones: dropped on EINVAL, newest first */
	unsigned int sq_thread_cpu;	/* with IORING_SETUP_SQ_AFF */
	unsigned int sq_thread_idle_ms; /* with SQPOLL; 0: the kernel's default (1 s) */
	const struct idr_uring_faults *faults; /* or NULL */
};

/* What came up. */
struct idr_uring_info {
	unsigned int flags;    /* IORING_SETUP_* in use */
	unsigned int dropped;  /* wanted flags the kernel refused */
	unsigned int features; /* IORING_FEAT_* */
	unsigned int sq_entries, cq_entries;
	bool ring_fd_registered; /* io_uring_register_ring_fd took */
};

/*
 * idr_uring_wanted_flags - the optional setup flags worth asking for, given the required
 * ones: SQPOLL rings may not have the task-run flags (the kernel refuses the mix).
 */
unsigned int idr_uring_wanted_flags(unsigned int required);

/*
 * idr_uring_create - set up and map a ring. On EINVAL the newest optional flag left is
 * dropped and setup retried; required flags are never dropped. Returns 0 with ring
 * mapped and info filled, or -errno of the last attempt (ring untouched).
 */
int idr_uring_create(const struct idr_uring_params *p, struct io_uring *ring,
		     struct idr_uring_info *info);

/*
 * idr_uring_register_ring_fd - register the ring's fd so io_uring_enter skips the fd
 * lookup (5.18+). Returns 0, or -errno (the ring keeps working with its plain fd).
 */
int idr_uring_register_ring_fd(struct io_uring *ring, const struct idr_uring_faults *f);

/*
 * idr_uring_flag_names - "SQPOLL|SINGLE_ISSUER|..." for flags, into buf ("" for none).
 * Returns buf.
 */
char *idr_uring_flag_names(unsigned int flags, char *buf, size_t len);

/* ---- registration -------------------------------------------------------------- */

/*
 * idr_uring_files_init - a table of nr empty registered-file slots (sparse on 5.19+,
 * an array of -1 before). Returns 0 or -errno.
 * idr_uring_file_set - put fd (or -1: empty) into slot. Returns 0 or -errno.
 */
int idr_uring_files_init(struct io_uring *ring, unsigned int nr);
int idr_uring_file_set(struct io_uring *ring, unsigned int slot, int fd);

/* Locked memory: what registering buffers needs against what this process may lock. */
struct idr_memlock {
	uint64_t need_bytes;  /* pages the buffers span */
	uint64_t limit_bytes; /* RLIMIT_MEMLOCK soft limit; UINT64_MAX: unlimited */
	bool exempt;	      /* CAP_IPC_LOCK: the limit does not apply */
};

/* idr_memlock_need - the bytes of whole pages nr buffers of iov span. */
uint64_t idr_memlock_need(const struct iovec *iov, unsigned int nr, long page_size);

/* idr_memlock_read - fill limit_bytes and exempt for this process. Returns 0 or -errno. */
int idr_memlock_read(struct idr_memlock *m);

/*
 * idr_uring_buffers_register - register nr buffers, first checking the locked-memory
 * limit. Returns 0, or -errno with a message in msg: -ENOMEM for the limit (needed vs
 * limit in KiB), -EINVAL for too many, -EOPNOTSUPP/-EFAULT for memory that cannot be
 * registered.
 */
int idr_uring_buffers_register(struct io_uring *ring, const struct iovec *iov, unsigned int nr,
			       char *msg, size_t len);

/* ---- why io_uring is unavailable ----------------------------------------------- */

/* Facts about this process and kernel that decide whether it may use io_uring. */
struct idr_uring_env {
	int disabled;	    /* kernel.io_uring_disabled: 0..2, -1 absent (< 6.6) */
	long group;	    /* kernel.io_uring_group, -1 none or absent */
	bool in_group;	    /* the group is our egid or a supplementary group */
	int seccomp;	    /* Seccomp: of /proc/self/status; -1 unknown */
	bool cap_sys_admin; /* CapEff holds CAP_SYS_ADMIN */
	uid_t uid;
};

/*
 * idr_uring_env_read - read the facts under proc ("/proc" normally; a fake tree in
 * unit tests). Missing files leave their field at "absent"/"unknown". Returns 0.
 */
int idr_uring_env_read(const char *proc, struct idr_uring_env *e);

/*
 * idr_uring_explain - a sentence naming the cause of err (negative errno) from
 * io_uring_setup with flags, given env. Returns msg.
 */
char *idr_uring_explain(int err, unsigned int flags, const struct idr_uring_env *e, char *msg,
			size_t len);

/* ---- the SQPOLL thread and CPUs -------------------------------------------------- */

/*
 * idr_uring_sq_tid - the SQPOLL thread of the ring with fd ring_fd, from the ring's
 * /proc/self/fdinfo entry (SqThread:). Call it from the task that set the ring up.
 * Returns the tid, or -errno: -ENOENT for none, -EAGAIN when the poller has not run yet.
 */
pid_t idr_uring_sq_tid(int ring_fd);

/*
 * idr_cpulist_has - does a kernel CPU list ("0-3,8,10-11") hold cpu? Returns 1, 0, or
 * -EINVAL for text that is not a CPU list.
 */
int idr_cpulist_has(const char *list, unsigned int cpu);

/*
 * idr_cpus_online - the online CPU list (/sys/devices/system/cpu/online) into buf.
 * Returns 0 or -errno.
 */
int idr_cpus_online(char *buf, size_t len);

#endif
