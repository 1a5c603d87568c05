/*
 * setup.c - io_uring ring setup, registration and diagnosis (see setup.h).
 * liburing (2.3 here) maps the rings and wraps the registrations; the ladder, the checks
 * and the explanations are ours. No fio types.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "setup.h"

#define KIB(x) ((unsigned long long)(x) >> 10)

static const struct {
	unsigned int flag;
	const char *name;
} flag_names[] = {
	{ IORING_SETUP_IOPOLL, "IOPOLL" },
	{ IORING_SETUP_SQPOLL, "SQPOLL" },
	{ IORING_SETUP_SQ_AFF, "SQ_AFF" },
	{ IORING_SETUP_CQSIZE, "CQSIZE" },
	{ IORING_SETUP_CLAMP, "CLAMP" },
	{ IORING_SETUP_ATTACH_WQ, "ATTACH_WQ" },
	{ IORING_SETUP_R_DISABLED, "R_DISABLED" },
	{ IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL" },
	{ IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN" },
	{ IORING_SETUP_TASKRUN_FLAG, "TASKRUN_FLAG" },
	{ IORING_SETUP_SQE128, "SQE128" },
	{ IORING_SETUP_CQE32, "CQE32" },
	{ IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER" },
	{ IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN" },
	{ IORING_SETUP_NO_SQARRAY, "NO_SQARRAY" },
};

/*
 * The fallback ladder: the optional flags, newest kernel first. The kernel answers an
 * unknown flag with EINVAL without saying which, so on EINVAL the first rung still set
 * is dropped and setup retried: on a real older kernel the newest flag is the one it
 * lacks. Rungs that the kernel ties together go as one (TASKRUN_FLAG needs COOP_TASKRUN
 * or DEFER_TASKRUN; DEFER_TASKRUN needs SINGLE_ISSUER and is dropped before it).
 * So the fault seam's refuse=COOP_TASKRUN also drops every newer rung, as a real 5.18 does.
 *
 * What the lower rungs cost is the kernel's, and any engine on that kernel pays it: a
 * request punted to io-wq (every read of a tmpfs file on 6.18) completes through task
 * work, which without DEFER_TASKRUN or COOP_TASKRUN interrupts the submitting task with a
 * signal-like notification. Measured on tmpfs, qd32: 0.3-0.5 task-work runs per I/O, CPU
 * per I/O (io-wq included) 1.2-1.7x that of the full ring, and fio's io_uring engine on
 * the same refused flags no faster (make bench: uring-nocoop-32, uring-nodefer-32).
 */
static const unsigned int ladder[] = {
	IORING_SETUP_NO_SQARRAY,    /* 6.6: the SQ ring indexes SQEs directly */
	IORING_SETUP_DEFER_TASKRUN, /* 6.1: completions run only when we enter to reap */
	IORING_SETUP_SINGLE_ISSUER, /* 6.0: one task submits: the kernel skips locking */
	IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, /* 5.19: no IPI per completion */
	IORING_SETUP_SUBMIT_ALL, /* 5.18: a bad SQE does not stop the rest of the batch */
	IORING_SETUP_CQSIZE,	 /* 5.5: we size the CQ; else it is 2x the SQ */
};

char *idr_uring_flag_names(unsigned int flags, char *buf, size_t len)
{
	size_t i, at = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (!(flags & flag_names[i].flag) || at >= len)
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "|" : "",
				       flag_names[i].name);
	}
	return buf;
}

static unsigned int flag_by_name(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (strlen(flag_names[i].name) == n && !strncmp(flag_names[i].name, name, n))
			return flag_names[i].flag;
	return 0;
}

unsigned int idr_uring_wanted_flags(unsigned int required)
{
	unsigned int all = IORING_SETUP_NO_SQARRAY | IORING_SETUP_DEFER_TASKRUN |
			   IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN |
			   IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL |
			   IORING_SETUP_CQSIZE;

	/* The SQPOLL thread runs completions itself: the kernel refuses task-run flags. */
	if (required & IORING_SETUP_SQPOLL)
		all &= ~(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN |
			 IORING_SETUP_TASKRUN_FLAG);
	return all & ~required;
}

/* One io_uring_setup attempt with flags. Returns the ring fd or -errno. */
static int setup_once(const struct idr_uring_params *p, unsigned int flags,
		      struct io_uring_params *kp)
{
	memset(kp, 0, sizeof(*kp));
	kp->flags = flags;
	kp->cq_entries = p->cq_entries;
	kp->sq_thread_cpu = p->sq_thread_cpu;
	kp->sq_thread_idle = p->sq_thread_idle_ms;
	/* The test seam: behave as a kernel that does not know these flags. */
	if (p->faults && (flags & p->faults->refuse))
		return -EINVAL;
	return io_uring_setup(p->entries, kp);
}

/* The next rung to drop from the optional flags still set, or 0 when none is left. */
static unsigned int ladder_next(unsigned int optional)
{
	size_t i;

	for (i = 0; i < sizeof(ladder) / sizeof(ladder[0]); i++)
		if (optional & ladder[i])
			return optional & ladder[i];
	return optional; /* a wanted flag not on the ladder: drop whatever is left */
}

int idr_uring_create(const struct idr_uring_params *p, struct io_uring *ring,
		     struct idr_uring_info *info)
{
	unsigned int optional = p->wanted & ~p->required, flags, i;
	struct io_uring_params kp;
	int fd, ret;

	memset(info, 0, sizeof(*info));
	for (;;) {
		flags = p->required | optional;
		fd = setup_once(p, flags, &kp);
		if (fd != -EINVAL || !optional)
			break;
		info->dropped |= ladder_next(optional);
		optional &= ~info->dropped;
	}
	if (fd < 0)
		return fd;
	ret = io_uring_queue_mmap(fd, &kp, ring);
	if (ret) {
		close(fd);
		return ret;
	}
	/*
	 * Without NO_SQARRAY the kernel reads SQE indexes from the SQ array: map slot i to
	 * SQE i once, so the hot path fills SQEs in ring order in both layouts. (With
	 * NO_SQARRAY liburing 2.3's array pointer aims at the ring header: never touch it.)
	 */
	if (!(flags & IORING_SETUP_NO_SQARRAY))
		for (i = 0; i < ring->sq.ring_entries; i++)
			ring->sq.array[i] = i;
	info->flags = flags;
	info->features = kp.features;
	info->sq_entries = kp.sq_entries;
	info->cq_entries = kp.cq_entries;
	return 0;
}

int idr_uring_register_ring_fd(struct io_uring *ring, const struct idr_uring_faults *f)
{
	int ret;

	if (f && f->refuse_ring_fd)
		return -EINVAL;
	ret = io_uring_register_ring_fd(ring);
	return ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

/* ---- registration -------------------------------------------------------------- */

int idr_uring_files_init(struct io_uring *ring, unsigned int nr)
{
	int *fds, ret;
	unsigned int i;

	ret = io_uring_register_files_sparse(ring, nr);
	if (ret != -EINVAL)
		return ret < 0 ? ret : 0;
	/* Before 5.19 there is no sparse flag, but a table of -1 entries is accepted. */
	fds = malloc(sizeof(*fds) * (nr ? nr : 1));
	if (!fds)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		fds[i] = -1;
	ret = io_uring_register_files(ring, fds, nr);
	free(fds);
	return ret < 0 ? ret : 0;
}

int idr_uring_file_set(struct io_uring *ring, unsigned int slot, int fd)
{
	int ret = io_uring_register_files_update(ring, slot, &fd, 1);

	return ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

uint64_t idr_memlock_need(const struct iovec *iov, unsigned int nr, long page_size)
{
	uint64_t need = 0, ps = (uint64_t)page_size, start, end;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		start = (uintptr_t)iov[i].iov_base & ~(ps - 1);
		end = ((uintptr_t)iov[i].iov_base + iov[i].iov_len + ps - 1) & ~(ps - 1);
		need += end - start;
	}
	return need;
}

/* The value of a "Key:\tvalue" line of a /proc status file, into val. Returns 0 or -errno. */
static int status_field(const char *path, const char *key, char *val, size_t len)
{
	char line[256];
	size_t klen = strlen(key);
	FILE *f = fopen(path, "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		snprintf(val, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
		val[strcspn(val, "\n")] = '\0';
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* Does the CapEff mask of proc/self/status hold capability bit cap? */
static bool cap_effective(const char *proc, unsigned int cap)
{
	char path[PATH_MAX], val[64];

	snprintf(path, sizeof(path), "%s/self/status", proc);
	if (status_field(path, "CapEff", val, sizeof(val)))
		return false;
	return (strtoull(val, NULL, 16) >> cap) & 1;
}

int idr_memlock_read(struct idr_memlock *m)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		return -errno;
	m->limit_bytes = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
	m->exempt = cap_effective("/proc", 14 /* CAP_IPC_LOCK */);
	return 0;
}

/* The locked-memory refusal, in KiB both ways. */
static void memlock_msg(const struct idr_memlock *m, unsigned int nr, bool after, char *msg,
			size_t len)
{
	snprintf(msg, len,
		 "fixedbufs=1 registers %u buffers needing %llu KiB of locked memory, but "
		 "RLIMIT_MEMLOCK is %llu KiB%s: raise it (ulimit -l, prlimit --memlock, "
		 "LimitMEMLOCK=) or use fixedbufs=0",
		 nr, KIB(m->need_bytes), KIB(m->limit_bytes),
		 after ? " (memory this user already locked elsewhere counts too)" : "");
}

int idr_uring_buffers_register(struct io_uring *ring, const struct iovec *iov, unsigned int nr,
			       char *msg, size_t len)
{
	struct idr_memlock m = { 0 };
	int ret;

	if (nr > IDR_URING_MAX_REG_BUFFERS) {
		snprintf(msg, len,
			 "fixedbufs=1 registers one buffer per I/O, and io_uring takes at most "
			 "%u: iodepth=%u is too deep for it; use fixedbufs=0 or iodepth<=%u",
			 IDR_URING_MAX_REG_BUFFERS, nr, IDR_URING_MAX_REG_BUFFERS);
		return -EINVAL;
	}
	m.need_bytes = idr_memlock_need(iov, nr, sysconf(_SC_PAGESIZE));
	if (!idr_memlock_read(&m) && !m.exempt && m.need_bytes > m.limit_bytes) {
		memlock_msg(&m, nr, false, msg, len);
		return -ENOMEM;
	}
	ret = io_uring_register_buffers(ring, iov, nr);
	if (ret == -ENOMEM && !m.exempt && m.limit_bytes != UINT64_MAX)
		memlock_msg(&m, nr, true, msg, len);
	else if (ret == -EOPNOTSUPP || ret == -EFAULT)
		snprintf(msg, len,
			 "fixedbufs=1: the kernel cannot register these I/O buffers (%s): "
			 "file-backed or shared memory (mem=mmapshared, mem=shm...) is not "
			 "accepted; use mem=malloc or fixedbufs=0",
			 strerror(-ret));
	else if (ret)
		snprintf(msg, len, "fixedbufs=1: registering %u buffers failed: %s", nr,
			 strerror(-ret));
	return ret;
}

/* ---- why io_uring is unavailable ----------------------------------------------- */

/* A whole file under proc as a long. Returns 0 or -errno. */
static int read_long(const char *proc, const char *rel, long *out)
{
	char path[PATH_MAX], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", proc, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*out = strtol(buf, NULL, 10);
	return 0;
}

static bool in_group(gid_t g)
{
	gid_t groups[NGROUPS_MAX];
	int i, n;

	if (getegid() == g)
		return true;
	n = getgroups(NGROUPS_MAX, groups);
	for (i = 0; i < n; i++)
		if (groups[i] == g)
			return true;
	return false;
}

int idr_uring_env_read(const char *proc, struct idr_uring_env *e)
{
	char path[PATH_MAX], val[32];
	long v;

	e->disabled = read_long(proc, "sys/kernel/io_uring_disabled", &v) ? -1 : (int)v;
	e->group = read_long(proc, "sys/kernel/io_uring_group", &v) ? -1 : v;
	e->in_group = e->group >= 0 && in_group((gid_t)e->group);
	snprintf(path, sizeof(path), "%s/self/status", proc);
	e->seccomp = status_field(path, "Seccomp", val, sizeof(val)) ? -1 : atoi(val);
	e->cap_sys_admin = cap_effective(proc, 21 /* CAP_SYS_ADMIN */);
	e->uid = geteuid();
	return 0;
}

static const char seccomp_hint[] =
	"run it with a seccomp profile that allows io_uring_setup, io_uring_enter and "
	"io_uring_register (docker: --security-opt seccomp=...), or use another engine";

/* EPERM: the sysctl, then a seccomp filter, then SQPOLL privileges. */
static void explain_eperm(unsigned int flags, const struct idr_uring_env *e, char *msg, size_t len)
{
	char group[32];

	if (e->disabled == 2) {
		snprintf(msg, len,
			 "io_uring is disabled for every process by sysctl "
			 "kernel.io_uring_disabled=2; set it to 0 (sysctl -w "
			 "kernel.io_uring_disabled=0) or use another engine");
	} else if (e->disabled == 1 && !e->cap_sys_admin && !e->in_group) {
		if (e->group >= 0)
			snprintf(group, sizeof(group), "gid %ld", e->group);
		else
			snprintf(group, sizeof(group), "none set");
		snprintf(msg, len,
			 "sysctl kernel.io_uring_disabled=1 allows io_uring only to "
			 "CAP_SYS_ADMIN and members of kernel.io_uring_group (%s); uid %u is "
			 "neither: add the user to that group, or run privileged",
			 group, (unsigned int)e->uid);
	} else if (e->seccomp == 2) {
		snprintf(msg, len,
			 "io_uring_setup is refused by a seccomp filter (Seccomp: 2 in "
			 "/proc/self/status, as under a container's default profile): %s",
			 seccomp_hint);
	} else if (flags & IORING_SETUP_SQPOLL) {
		snprintf(msg, len,
			 "sqthread_poll=1 was refused (EPERM): before 5.13 an SQPOLL ring needs "
			 "CAP_SYS_NICE or root; run privileged or drop sqthread_poll");
	} else {
		snprintf(msg, len,
			 "io_uring_setup was refused (EPERM) though kernel.io_uring_disabled is "
			 "%d and no seccomp filter is set: a security module (SELinux, AppArmor) "
			 "policy may deny io_uring",
			 e->disabled);
	}
}

char *idr_uring_explain(int err, unsigned int flags, const struct idr_uring_env *e, char *msg,
			size_t len)
{
	char names[256];

	if (err == -EPERM) {
		explain_eperm(flags, e, msg, len);
	} else if (e->seccomp == 2 && err != -EINVAL && err != -ENOMEM) {
		snprintf(msg, len,
			 "io_uring_setup failed (%s) and this process runs under a seccomp "
			 "filter (Seccomp: 2 in /proc/self/status), which can return any errno: "
			 "%s",
			 strerror(-err), seccomp_hint);
	} else if (err == -ENOSYS) {
		snprintf(msg, len,
			 "io_uring is not available in this kernel (io_uring_setup: ENOSYS; "
			 "built without CONFIG_IO_URING?): use kaio or sync");
	} else if (err == -EINVAL) {
		snprintf(msg, len,
			 "the kernel refused the ring even with only the flags this job needs "
			 "(%s): it is too old for them, or an option value is out of range",
			 flags ? idr_uring_flag_names(flags, names, sizeof(names)) : "none");
	} else if (err == -ENOMEM) {
		snprintf(msg, len,
			 "io_uring_setup: out of memory for the ring (kernels before 5.12 count "
			 "rings against RLIMIT_MEMLOCK: raise ulimit -l, or lower iodepth)");
	} else if (err == -EMFILE || err == -ENFILE) {
		snprintf(msg, len, "io_uring_setup: no file descriptor left for the ring (%s)",
			 strerror(-err));
	} else {
		snprintf(msg, len, "io_uring_setup failed: %s", strerror(-err));
	}
	return msg;
}

/* ---- the SQPOLL thread and CPUs -------------------------------------------------- */

pid_t idr_uring_sq_tid(int ring_fd)
{
	char path[64], val[32];
	long tid;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ring_fd);
	if (status_field(path, "SqThread", val, sizeof(val)))
		return -ENOENT;
	tid = strtol(val, NULL, 10);
	if (tid <= 0)
		return -ENOENT;
	/*
	 * Until the poller first runs, the kernel shows the creating task's pid there
	 * (io_sq_thread resets it to its own after naming itself iou-sqp-PID).
	 */
	return tid == gettid() ? -EAGAIN : (pid_t)tid;
}

int idr_cpulist_has(const char *list, unsigned int cpu)
{
	const char *s = list;
	unsigned long lo, hi;
	char *end;

	while (*s && *s != '\n') {
		lo = strtoul(s, &end, 10);
		if (end == s)
			return -EINVAL;
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			hi = strtoul(s, &end, 10);
			if (end == s || hi < lo)
				return -EINVAL;
		}
		if (cpu >= lo && cpu <= hi)
			return 1;
		s = end;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return 0;
}

int idr_cpus_online(char *buf, size_t len)
{
	ssize_t n;
	int fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* ---- the test seam --------------------------------------------------------------- */

/* refuse=A|B: setup flag names, or RING_FD. Returns 0 or -EINVAL. */
static int parse_refuse(const char *v, size_t n, struct idr_uring_faults *f)
{
	const char *end = v + n, *bar;
	unsigned int flag;

	for (;;) {
		bar = memchr(v, '|', (size_t)(end - v));
		if (!bar)
			bar = end;
		if ((size_t)(bar - v) == 7 && !strncmp(v, "RING_FD", 7))
			f->refuse_ring_fd = true;
		else if ((flag = flag_by_name(v, (size_t)(bar - v))))
			f->refuse |= flag;
		else
			return -EINVAL; /* an unknown or empty name */
		if (bar == end)
			return 0;
		v = bar + 1;
	}
}

static int parse_fault(const char *key, size_t klen, const char *v, size_t vlen,
		       struct idr_uring_faults *f)
{
	static const struct {
		const char *key;
		size_t off;
	} nums[] = {
		{ "cqe_eagain", offsetof(struct idr_uring_faults, cqe_eagain) },
		{ "cqe_short", offsetof(struct idr_uring_faults, cqe_short) },
		{ "sq_entries", offsetof(struct idr_uring_faults, sq_entries) },
	};
	char num[16], *end;
	size_t i;

	if (klen == 6 && !strncmp(key, "refuse", 6))
		return parse_refuse(v, vlen, f);
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strlen(nums[i].key) != klen || strncmp(nums[i].key, key, klen))
			continue;
		if (!vlen || vlen >= sizeof(num))
			return -EINVAL;
		memcpy(num, v, vlen);
		num[vlen] = '\0';
		*(unsigned int *)((char *)f + nums[i].off) = (unsigned int)strtoul(num, &end, 10);
		return *end ? -EINVAL : 0;
	}
	return -EINVAL;
}

int idr_uring_faults_parse(const char *spec, struct idr_uring_faults *f, char *msg, size_t len)
{
	const char *s = spec, *comma, *eq;

	memset(f, 0, sizeof(*f));
	while (s && *s) {
		comma = strchr(s, ',');
		if (!comma)
			comma = s + strlen(s);
		eq = memchr(s, '=', (size_t)(comma - s));
		if (!eq || parse_fault(s, (size_t)(eq - s), eq + 1, (size_t)(comma - eq - 1), f)) {
			snprintf(msg, len,
				 "%s=%s: cannot parse '%.*s'; expected refuse=FLAG|FLAG, "
				 "cqe_eagain=N, cqe_short=N or sq_entries=N",
				 IDR_URING_FAULTS_ENV, spec, (int)(comma - s), s);
			return -EINVAL;
		}
		s = *comma ? comma + 1 : comma;
	}
	return 0;
}
