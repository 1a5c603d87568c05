/*
 * cmdprio.h - per-I/O priority, as fio's libaio, io_uring and io_uring_cmd take it:
 * cmdprio_percentage, cmdprio_class, cmdprio, cmdprio_bssplit, with their names, meanings,
 * limits and defaults. The options fill fio's own struct cmdprio_options, and the engine
 * calls the helpers fio exports to engines (fio_cmdprio_init, fio_cmdprio_set_ioprio,
 * fio_cmdprio_cleanup: `nm -D --defined-only /usr/bin/fio`), so which I/O gets which
 * priority, and the per-class statistics (`prios` in fio's JSON), are fio's, as with the
 * twin. Use:
 *
 *	struct my_options { IDR_OPTIONS_HEAD; ...; struct cmdprio_options cmdprio; };
 *	options[]: IDR_CMDPRIO_OPTIONS(struct my_options, cmdprio),
 *	init:      fio_cmdprio_init(td, &data->cmdprio, &o->cmdprio)   (1: fio said why)
 *	prep:      if (idr_cmdprio(td, &data->cmdprio, io_u)) <io_u->ioprio into the request>
 *	cleanup:   fio_cmdprio_cleanup(&data->cmdprio)
 */
#ifndef IDR_CORE_CMDPRIO_H
#define IDR_CORE_CMDPRIO_H

#include <stddef.h>

#include <engines/cmdprio.h>
#include <optgroup.h>

/* One of the four options, both data directions (off2: writes) where fio has two. */
#define IDR_CMDPRIO_OPT(otype, m, n, ln, t, field, lo, hi, h)                                   \
	{                                                                                       \
		.name = n, .lname = ln, .type = t, .off1 = offsetof(otype, m.field[DDIR_READ]), \
		.off2 = offsetof(otype, m.field[DDIR_WRITE]), .minval = lo, .maxval = hi,       \
		.interval = 1, .help = h, .category = FIO_OPT_C_ENGINE,                         \
		.group = FIO_OPT_G_INVALID,                                                     \
	}

#define IDR_CMDPRIO_OPTIONS(otype, m)                                                              \
	IDR_CMDPRIO_OPT(otype, m, "cmdprio_percentage", "high priority percentage", FIO_OPT_INT,   \
			percentage, 0, 100, "Send high priority I/O this percentage of the time"), \
		IDR_CMDPRIO_OPT(otype, m, "cmdprio_class", "Asynchronous I/O priority class",      \
				FIO_OPT_INT, class, IOPRIO_MIN_PRIO_CLASS + 1,                     \
				IOPRIO_MAX_PRIO_CLASS, "Set asynchronous IO priority class"),      \
		IDR_CMDPRIO_OPT(otype, m, "cmdprio", "Asynchronous I/O priority level",            \
				FIO_OPT_INT, level, IOPRIO_MIN_PRIO, IOPRIO_MAX_PRIO,              \
				"Set asynchronous IO priority level"),                             \
	{                                                                                          \
		.name = "cmdprio_bssplit", .lname = "Priority percentage block size split",        \
		.type = FIO_OPT_STR_STORE, .off1 = offsetof(otype, m.bssplit_str),                 \
		.help = "Set priority percentages for different block sizes",                      \
		.category = FIO_OPT_C_ENGINE, .group = FIO_OPT_G_INVALID,                          \
	}

/*
 * idr_cmdprio - does this I/O get a priority of its own (then in io_u->ioprio, and its
 * statistics class in io_u->clat_prio_index)? Without cmdprio options, false at the
 * cost of one compare.
 */
static inline bool idr_cmdprio(struct thread_data *td, struct cmdprio *cp, struct io_u *io_u)
{
	return cp->mode != CMDPRIO_MODE_NONE && fio_cmdprio_set_ioprio(td, cp, io_u);
}

#endif
