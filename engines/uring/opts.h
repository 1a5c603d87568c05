/* SPDX-License-Identifier: GPL-2.0 */
/*
 * engines/uring/opts.h - the options both io_uring engines take, under fio's io_uring and
 * io_uring_cmd names, so that an A/B job file differs only in ioengine=. Written once:
 *
 *	struct my_options {
 *		IDR_OPTIONS_HEAD;
 *		IDR_URING_OPTION_FIELDS;
 *		...			(the engine's own)
 *	};
 *	IDR_URING_SQPOLL_CPU_CB(my_options)
 *	static struct fio_option options[] = {
 *		IDR_CORE_OPTIONS(struct my_options),
 *		IDR_URING_OPTIONS(struct my_options, fixedbufs help, nonvectored help,
 *				  hipri help, nowait help, uncached help),
 *		...			(the engine's own)
 *		{ .name = NULL },
 *	};
 * Include after core/idr.h (fio's option types). The cmdprio* options are fio's own
 * (core/cmdprio.h): the engine calls fio_cmdprio_init/set_ioprio/cleanup on `cmdprio`.
 */
#ifndef IODRILL_URING_OPTS_H
#define IODRILL_URING_OPTS_H

#include <stddef.h>

#include "core/cmdprio.h"

#define IDR_URING_OPTION_FIELDS                                        \
	unsigned int hipri;                                            \
	unsigned int fixedbufs;                                        \
	unsigned int registerfiles;                                    \
	unsigned int sqpoll;                                           \
	unsigned int sqpoll_cpu;                                       \
	unsigned int sqpoll_cpu_set; /* sqthread_poll_cpu was given */ \
	unsigned int sqpoll_idle_ms;                                   \
	int nonvectored;                                               \
	unsigned int nowait;                                           \
	unsigned int force_async;                                      \
	unsigned int uncached;                                         \
	unsigned int cmd_type;                                         \
	struct cmdprio_options cmdprio

/* sqthread_poll_cpu: the value, and that it was given (0 is a CPU too). */
#define IDR_URING_SQPOLL_CPU_CB(tag)                                  \
	static int sqpoll_cpu_cb(void *data, unsigned long long *val) \
	{                                                             \
		struct tag *o = data;                                 \
                                                                      \
		o->sqpoll_cpu = (unsigned int)*val;                   \
		o->sqpoll_cpu_set = 1;                                \
		return 0;                                             \
	}

/* One option of the struct otype; no_warn_def: a set-only option defaulting to 1 still
 * takes =0, and fio need not warn about it. */
#define IDR_URING_OPT(otype, n, ln, t, field, d, h)                                          \
	{                                                                                    \
		.name = n, .lname = ln, .type = t, .off1 = offsetof(otype, field), .def = d, \
		.help = h, .category = FIO_OPT_C_ENGINE, .group = FIO_OPT_G_IOURING,         \
		.no_warn_def = 1,                                                            \
	}

#define IDR_URING_OPTIONS(otype, fixedbufs_help, nonvectored_help, hipri_help, nowait_help,        \
			  uncached_help)                                                           \
	IDR_CMDPRIO_OPTIONS(otype, cmdprio),                                                       \
		IDR_URING_OPT(otype, "fixedbufs", "Fixed (pre-mapped) IO buffers",                 \
			      FIO_OPT_STR_SET, fixedbufs, "1", fixedbufs_help),                    \
		IDR_URING_OPT(otype, "registerfiles", "Register file set", FIO_OPT_STR_SET,        \
			      registerfiles, "1",                                                  \
			      "Register the files (IOSQE_FIXED_FILE); registerfiles=0 to not"),    \
		IDR_URING_OPT(otype, "nonvectored", "Non-vectored", FIO_OPT_INT, nonvectored,      \
			      "-1", nonvectored_help),                                             \
		IDR_URING_OPT(otype, "hipri", "High Priority", FIO_OPT_STR_SET, hipri, NULL,       \
			      hipri_help),                                                         \
		IDR_URING_OPT(otype, "sqthread_poll", "Kernel SQ thread polling", FIO_OPT_STR_SET, \
			      sqpoll, NULL,                                                        \
			      "Offload submission to a kernel thread (IORING_SETUP_SQPOLL)"),      \
		{                                                                                  \
			.name = "sqthread_poll_cpu",                                               \
			.lname = "SQ Thread Poll CPU",                                             \
			.type = FIO_OPT_INT,                                                       \
			.cb = sqpoll_cpu_cb,                                                       \
			.help = "What CPU to run SQ thread polling on",                            \
			.category = FIO_OPT_C_ENGINE,                                              \
			.group = FIO_OPT_G_IOURING,                                                \
		},                                                                                 \
		IDR_URING_OPT(otype, "sqthread_poll_idle", "SQ thread idle time", FIO_OPT_INT,     \
			      sqpoll_idle_ms, "0",                                                 \
			      "Milliseconds the SQ thread spins idle before it sleeps; 0: the "    \
			      "kernel's default (1000)"),                                          \
		IDR_URING_OPT(otype, "nowait", "RWF_NOWAIT", FIO_OPT_BOOL, nowait, "0",            \
			      nowait_help),                                                        \
		IDR_URING_OPT(otype, "force_async", "Force async", FIO_OPT_INT, force_async, "0",  \
			      "Set IOSQE_ASYNC every N requests"),                                 \
		IDR_URING_OPT(otype, "uncached", "Uncached", FIO_OPT_INT, uncached, "0",           \
			      uncached_help),                                                      \
	{                                                                                          \
		.name = "cmd_type", .lname = "Uring cmd type", .type = FIO_OPT_STR,                \
		.off1 = offsetof(otype, cmd_type),                                                 \
		.help = "Specify uring-cmd type (fio's io_uring takes it too, and ignores it)",    \
		.def = "nvme",                                                                     \
		.posval = { { .ival = "nvme", .oval = 0, .help = "Issue nvme-uring-cmd" } },       \
		.category = FIO_OPT_C_ENGINE, .group = FIO_OPT_G_IOURING,                          \
	}

/*
 * RWF_DONTCACHE (Linux 6.14): buffered I/O that drops its pages once done, what fio 3.33
 * means by uncached=1. fio 3.33 sends 0x40, its RWF_UNCACHED of a patch set that was never
 * merged; on 6.11+ kernels 0x40 is RWF_ATOMIC, which buffered reads and writes refuse
 * (EOPNOTSUPP here on 6.18), and before 6.11 an unknown flag (EOPNOTSUPP too). 0x80 is
 * refused the same way (EOPNOTSUPP) by a kernel before 6.14 or a file system without it.
 */
#ifndef RWF_DONTCACHE
#define RWF_DONTCACHE 0x00000080
#endif

#endif
