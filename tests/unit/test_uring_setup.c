/*
 * test_uring_setup.c - engines/uring/setup.c: the ring set-up ladder, registration, the
 * why-unavailable diagnosis, the fault seam's parser, CPU lists. The ring cases use this
 * machine's real io_uring.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "setup.h"
#include "unit.h"

static char msg[1024];

static bool has(const char *needle)
{
	return strstr(msg, needle) != NULL;
}

/* ---- the fault seam's parser ------------------------------------------------------ */

static void faults_parse_valid(void)
{
	const char *spec = "refuse=DEFER_TASKRUN|RING_FD,cqe_eagain=7,cqe_short=5,sq_entries=4";
	struct idr_uring_faults f;

	CU_ASSERT_EQUAL(idr_uring_faults_parse(spec, &f, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(f.refuse, IORING_SETUP_DEFER_TASKRUN);
	CU_ASSERT(f.refuse_ring_fd);
	CU_ASSERT_EQUAL(f.cqe_eagain, 7);
	CU_ASSERT_EQUAL(f.cqe_short, 5);
	CU_ASSERT_EQUAL(f.sq_entries, 4);
}

static void faults_parse_empty(void)
{
	struct idr_uring_faults f;

	memset(&f, 0xff, sizeof(f));
	CU_ASSERT_EQUAL(idr_uring_faults_parse(NULL, &f, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(f.refuse | f.cqe_eagain | f.cqe_short | f.sq_entries, 0);
	CU_ASSERT_FALSE(f.refuse_ring_fd);
	CU_ASSERT_EQUAL(idr_uring_faults_parse("", &f, msg, sizeof(msg)), 0);
}

static void faults_parse_garbage(void)
{
	static const char *const bad[] = { "refuse=BOGUS", "cqe_eagain=x",   "nope=1",
					   "cqe_eagain",   "refuse=SQPOLL|", "sq_entries=" };
	struct idr_uring_faults f;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(idr_uring_faults_parse(bad[i], &f, msg, sizeof(msg)), -EINVAL);
		CU_ASSERT(has(IDR_URING_FAULTS_ENV "="));
	}
}

/* ---- flags ------------------------------------------------------------------------ */

static void flag_names_order(void)
{
	char b[128];

	CU_ASSERT_STRING_EQUAL(idr_uring_flag_names(0, b, sizeof(b)), "");
	CU_ASSERT_STRING_EQUAL(idr_uring_flag_names(IORING_SETUP_NO_SQARRAY | IORING_SETUP_SQPOLL,
						    b, sizeof(b)),
			       "SQPOLL|NO_SQARRAY");
	/* Truncated, but terminated. */
	CU_ASSERT_EQUAL(strlen(idr_uring_flag_names(~0u, b, 8)), 7);
}

static void wanted_flags_sqpoll(void)
{
	unsigned int plain = idr_uring_wanted_flags(0);
	unsigned int sqpoll = idr_uring_wanted_flags(IORING_SETUP_SQPOLL);
	unsigned int taskrun =
		IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;

	CU_ASSERT_EQUAL(plain & taskrun, taskrun);
	CU_ASSERT_EQUAL(sqpoll & taskrun, 0);
	CU_ASSERT(sqpoll & IORING_SETUP_SINGLE_ISSUER);
	CU_ASSERT_EQUAL(idr_uring_wanted_flags(IORING_SETUP_CQSIZE) & IORING_SETUP_CQSIZE, 0);
}

/* ---- rings ------------------------------------------------------------------------ */

static int make_ring(unsigned int required, const struct idr_uring_faults *f, struct io_uring *ring,
		     struct idr_uring_info *info)
{
	struct idr_uring_params p = {
		.entries = 8,
		.cq_entries = 16,
		.required = required,
		.wanted = idr_uring_wanted_flags(required),
		.sq_thread_idle_ms = 10,
		.faults = f,
	};

	return idr_uring_create(&p, ring, info);
}

/* A NOP through liburing's own queue path: the SQ (with or without array) is sane. */
static void nop_round_trip(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 42);
	CU_ASSERT_EQUAL(io_uring_submit_and_wait(ring, 1), 1);
	CU_ASSERT_EQUAL_FATAL(io_uring_peek_cqe(ring, &cqe), 0);
	CU_ASSERT_EQUAL(cqe->user_data, 42);
	io_uring_cqe_seen(ring, cqe);
}

static void create_modern(void)
{
	struct io_uring ring;
	struct idr_uring_info info;

	CU_ASSERT_EQUAL_FATAL(make_ring(0, NULL, &ring, &info), 0);
	/* This machine's kernel (6.18) has every flag of the ladder. */
	CU_ASSERT_EQUAL(info.dropped, 0);
	CU_ASSERT_EQUAL(info.flags, idr_uring_wanted_flags(0));
	CU_ASSERT_EQUAL(info.sq_entries, 8);
	CU_ASSERT_EQUAL(info.cq_entries, 16);
	nop_round_trip(&ring);
	CU_ASSERT_EQUAL(idr_uring_register_ring_fd(&ring, NULL), 0);
	nop_round_trip(&ring);
	io_uring_queue_exit(&ring);
}

static void create_drops_newest_first(void)
{
	struct idr_uring_faults f = { .refuse = IORING_SETUP_SINGLE_ISSUER,
				      .refuse_ring_fd = true };
	unsigned int want =
		IORING_SETUP_NO_SQARRAY | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	struct io_uring ring;
	struct idr_uring_info info;

	CU_ASSERT_EQUAL_FATAL(make_ring(0, &f, &ring, &info), 0);
	CU_ASSERT_EQUAL(info.dropped, want);
	CU_ASSERT_EQUAL(info.flags & want, 0);
	CU_ASSERT(info.flags & IORING_SETUP_COOP_TASKRUN);
	nop_round_trip(&ring); /* with the SQ array this time */
	CU_ASSERT_EQUAL(idr_uring_register_ring_fd(&ring, &f), -EINVAL);
	io_uring_queue_exit(&ring);
}

static void create_required_never_dropped(void)
{
	struct idr_uring_faults f = { .refuse = IORING_SETUP_SQPOLL };
	struct io_uring ring;
	struct idr_uring_info info;

	memset(&ring, 0, sizeof(ring));
	CU_ASSERT_EQUAL(make_ring(IORING_SETUP_SQPOLL, &f, &ring, &info), -EINVAL);
	CU_ASSERT_PTR_NULL(ring.sq.ring_ptr);
}

static void sq_tid_of_sqpoll_ring(void)
{
	struct io_uring ring;
	struct idr_uring_info info;
	char path[64], comm[32] = "";
	pid_t tid;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(make_ring(0, NULL, &ring, &info), 0);
	CU_ASSERT_EQUAL(idr_uring_sq_tid(ring.ring_fd), -ENOENT);
	io_uring_queue_exit(&ring);
	CU_ASSERT_EQUAL_FATAL(make_ring(IORING_SETUP_SQPOLL, NULL, &ring, &info), 0);
	/* Until the poller runs the kernel shows our own pid: -EAGAIN, then its tid. */
	nop_round_trip(&ring);
	for (int i = 0; i < 100 && (tid = idr_uring_sq_tid(ring.ring_fd)) == -EAGAIN; i++)
		usleep(1000);
	CU_ASSERT_FATAL(tid > 0);
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(comm, sizeof(comm), f));
	fclose(f);
	CU_ASSERT_EQUAL(strncmp(comm, "iou-sqp-", 8), 0);
	io_uring_queue_exit(&ring);
}

/* Read 4 bytes through registered slot 2 of a sparse table. Returns cqe->res. */
static int read_slot(struct io_uring *ring, char *buf)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int res;

	io_uring_prep_read(sqe, 2, buf, 4, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	CU_ASSERT_EQUAL(io_uring_submit_and_wait(ring, 1), 1);
	if (io_uring_peek_cqe(ring, &cqe))
		return -999;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static void files_sparse_slots(void)
{
	char path[] = "/tmp/idr-unit-files.XXXXXX", buf[8] = "";
	struct io_uring ring;
	struct idr_uring_info info;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	unlink(path);
	CU_ASSERT_EQUAL(write(fd, "abcd", 4), 4);
	CU_ASSERT_EQUAL_FATAL(make_ring(0, NULL, &ring, &info), 0);
	CU_ASSERT_EQUAL(idr_uring_files_init(&ring, 4), 0);
	CU_ASSERT_EQUAL(read_slot(&ring, buf), -EBADF); /* empty slot */
	CU_ASSERT_EQUAL(idr_uring_file_set(&ring, 2, fd), 0);
	CU_ASSERT_EQUAL(read_slot(&ring, buf), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "abcd", 4), 0);
	CU_ASSERT_EQUAL(idr_uring_file_set(&ring, 2, -1), 0);
	CU_ASSERT_EQUAL(read_slot(&ring, buf), -EBADF);
	CU_ASSERT(idr_uring_file_set(&ring, 9, fd) < 0); /* beyond the table */
	io_uring_queue_exit(&ring);
	close(fd);
}

static void buffers_register_limits(void)
{
	static char a[8192] __attribute__((aligned(4096)));
	struct iovec iov[2] = { { a, 4096 }, { a + 4096, 4096 } };
	struct iovec *many = calloc(IDR_URING_MAX_REG_BUFFERS + 1, sizeof(*many));
	struct io_uring ring;
	struct idr_uring_info info;

	CU_ASSERT_PTR_NOT_NULL_FATAL(many);
	CU_ASSERT_EQUAL_FATAL(make_ring(0, NULL, &ring, &info), 0);
	CU_ASSERT_EQUAL(idr_uring_buffers_register(&ring, many, IDR_URING_MAX_REG_BUFFERS + 1, msg,
						   sizeof(msg)),
			-EINVAL);
	CU_ASSERT(has("at most 16384") && has("fixedbufs=0"));
	CU_ASSERT_EQUAL(idr_uring_buffers_register(&ring, iov, 2, msg, sizeof(msg)), 0);
	io_uring_queue_exit(&ring);
	free(many);
}

static void memlock_need_pages(void)
{
	struct iovec aligned[2] = { { (void *)0x10000, 4096 }, { (void *)0x11000, 4096 } };
	struct iovec unaligned[1] = { { (void *)0x10800, 4096 } };

	CU_ASSERT_EQUAL(idr_memlock_need(aligned, 2, 4096), 8192);
	CU_ASSERT_EQUAL(idr_memlock_need(unaligned, 1, 4096), 8192);
	CU_ASSERT_EQUAL(idr_memlock_need(aligned, 0, 4096), 0);
}

/* ---- why io_uring is unavailable ------------------------------------------------ */

static void put(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void env_read_fake_proc(void)
{
	char root[] = "/tmp/idr-unit-proc.XXXXXX", path[512];
	struct idr_uring_env e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
	/* Nothing there: every fact absent or unknown. */
	CU_ASSERT_EQUAL(idr_uring_env_read(root, &e), 0);
	CU_ASSERT_EQUAL(e.disabled, -1);
	CU_ASSERT_EQUAL(e.group, -1);
	CU_ASSERT_EQUAL(e.seccomp, -1);
	CU_ASSERT_FALSE(e.cap_sys_admin);
	snprintf(path, sizeof(path), "%s/sys", root);
	mkdir(path, 0755);
	strcat(path, "/kernel");
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/self", root);
	mkdir(path, 0755);
	put(root, "sys/kernel/io_uring_disabled", "2\n");
	put(root, "sys/kernel/io_uring_group", "12345\n");
	put(root, "self/status",
	    "Name:\tx\nSeccomp:\t2\nSeccomp_filters:\t1\n"
	    "CapEff:\t0000000000200000\n");
	CU_ASSERT_EQUAL(idr_uring_env_read(root, &e), 0);
	CU_ASSERT_EQUAL(e.disabled, 2);
	CU_ASSERT_EQUAL(e.group, 12345);
	CU_ASSERT_EQUAL(e.seccomp, 2);
	CU_ASSERT(e.cap_sys_admin);
	CU_ASSERT_EQUAL(e.uid, geteuid());
	put(root, "self/status", "CapEff:\t0000000000000000\n");
	CU_ASSERT_EQUAL(idr_uring_env_read(root, &e), 0);
	CU_ASSERT_FALSE(e.cap_sys_admin);
	CU_ASSERT_EQUAL(e.seccomp, -1);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	CU_ASSERT_EQUAL(system(path), 0);
}

static const struct idr_uring_env plain_env = { .disabled = 0, .group = -1, .seccomp = 0 };

static void explain(int err, unsigned int flags, const struct idr_uring_env *e)
{
	idr_uring_explain(err, flags, e, msg, sizeof(msg));
}

static void explain_enosys(void)
{
	struct idr_uring_env e = plain_env;

	explain(-ENOSYS, 0, &e);
	CU_ASSERT(has("not available in this kernel") && has("ENOSYS"));
	e.seccomp = 2;
	explain(-ENOSYS, 0, &e);
	CU_ASSERT(has("seccomp filter") && !has("not available in this kernel"));
}

static void explain_eperm_sysctl(void)
{
	struct idr_uring_env e = plain_env;

	e.disabled = 2;
	explain(-EPERM, 0, &e);
	CU_ASSERT(has("kernel.io_uring_disabled=2"));
	e.disabled = 1;
	e.group = 777;
	e.uid = 65534;
	explain(-EPERM, 0, &e);
	CU_ASSERT(has("io_uring_disabled=1") && has("gid 777") && has("uid 65534"));
	e.group = -1;
	explain(-EPERM, 0, &e);
	CU_ASSERT(has("(none set)"));
	/* In the group (or privileged): the sysctl allows it, so look further. */
	e.group = 777;
	e.in_group = true;
	e.seccomp = 2;
	explain(-EPERM, 0, &e);
	CU_ASSERT(has("seccomp filter") && !has("io_uring_disabled=1 allows"));
}

static void explain_eperm_other(void)
{
	struct idr_uring_env e = plain_env;

	explain(-EPERM, IORING_SETUP_SQPOLL, &e);
	CU_ASSERT(has("sqthread_poll=1") && has("5.13"));
	explain(-EPERM, 0, &e);
	CU_ASSERT(has("security module"));
	e.seccomp = 2;
	explain(-EPERM, IORING_SETUP_SQPOLL, &e);
	CU_ASSERT(has("seccomp filter"));
}

static void explain_einval_enomem(void)
{
	explain(-EINVAL, IORING_SETUP_SQE128 | IORING_SETUP_CQE32, &plain_env);
	CU_ASSERT(has("SQE128|CQE32"));
	explain(-ENOMEM, 0, &plain_env);
	CU_ASSERT(has("RLIMIT_MEMLOCK"));
	explain(-EMFILE, 0, &plain_env);
	CU_ASSERT(has("file descriptor"));
}

/* ---- CPU lists -------------------------------------------------------------------- */

static void cpulist(void)
{
	const char *l = "0-3,8,10-11\n";

	CU_ASSERT_EQUAL(idr_cpulist_has(l, 0), 1);
	CU_ASSERT_EQUAL(idr_cpulist_has(l, 3), 1);
	CU_ASSERT_EQUAL(idr_cpulist_has(l, 8), 1);
	CU_ASSERT_EQUAL(idr_cpulist_has(l, 11), 1);
	CU_ASSERT_EQUAL(idr_cpulist_has(l, 4), 0);
	CU_ASSERT_EQUAL(idr_cpulist_has(l, 9), 0);
	CU_ASSERT_EQUAL(idr_cpulist_has(l, 12), 0);
	CU_ASSERT_EQUAL(idr_cpulist_has("0", 0), 1);
	CU_ASSERT_EQUAL(idr_cpulist_has("a", 0), -EINVAL);
	CU_ASSERT_EQUAL(idr_cpulist_has("3-1", 2), -EINVAL);
	CU_ASSERT_EQUAL(idr_cpulist_has("1;2", 2), -EINVAL);
}

static void cpus_online_here(void)
{
	char b[64];

	CU_ASSERT_EQUAL_FATAL(idr_cpus_online(b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(idr_cpulist_has(b, 0), 1);
	CU_ASSERT_EQUAL(idr_cpulist_has(b, 4096), 0);
}

static CU_TestInfo setup_tests[] = {
	{ "idr_uring_faults_parse/valid", faults_parse_valid },
	{ "idr_uring_faults_parse/empty", faults_parse_empty },
	{ "idr_uring_faults_parse/garbage names the variable", faults_parse_garbage },
	{ "idr_uring_flag_names/order and truncation", flag_names_order },
	{ "idr_uring_wanted_flags/no task-run flags with SQPOLL", wanted_flags_sqpoll },
	{ "idr_uring_create/every modern flag here", create_modern },
	{ "idr_uring_create/refused flag dropped newest first", create_drops_newest_first },
	{ "idr_uring_create/required flag never dropped", create_required_never_dropped },
	{ "idr_uring_sq_tid/the SQPOLL thread, none without", sq_tid_of_sqpoll_ring },
	{ "idr_uring_files_init/sparse slots filled and emptied", files_sparse_slots },
	{ "idr_uring_buffers_register/count limit and success", buffers_register_limits },
	{ "idr_memlock_need/whole pages", memlock_need_pages },
	{ "idr_uring_env_read/fake proc tree", env_read_fake_proc },
	{ "idr_uring_explain/ENOSYS: kernel or seccomp", explain_enosys },
	{ "idr_uring_explain/EPERM: the sysctl and the group", explain_eperm_sysctl },
	{ "idr_uring_explain/EPERM: SQPOLL, unknown, seccomp", explain_eperm_other },
	{ "idr_uring_explain/EINVAL, ENOMEM, EMFILE", explain_einval_enomem },
	{ "idr_cpulist_has/ranges and garbage", cpulist },
	{ "idr_cpus_online/this machine", cpus_online_here },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/uring/setup.c", setup_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
