/*
 * idr.h - the iodrill engine core: what every engine in engines/ is built on.
 *
 * An engine file includes this header and nothing else of the core. It gets:
 *  - the common options (IDR_OPTIONS_HEAD at the top of its options struct and
 *    IDR_CORE_OPTIONS(...) in its option table, the way fio's cmdprio.h shares options);
 *  - a per-job context (struct idr_ctx) that the engine embeds first in its private data,
 *    holding the io_u index table, the counters and the CPU accounting;
 *  - the hook bodies fio's order demands (idr_setup, idr_init, idr_io_u_init,
 *    idr_post_init, idr_cleanup) so an engine only adds what is its own;
 *  - helpers for buffer and file registration and for turning results into fio's
 *    conventions (io_u->error positive, short transfers through io_u->resid);
 *  - chan.h: a lock-free channel with sleeping ends, for engines that run threads.
 *
 * Conventions: inside the core, 0 or a count on success and -errno on failure. At fio's
 * boundary: setup hooks return 0, or 1 after td_verror(); per-I/O errors go to
 * io_u->error as a positive errno.
 */
#ifndef IDR_CORE_IDR_H
#define IDR_CORE_IDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <fio.h>
#include <optgroup.h>

#include "chan.h"
#include "counters.h"
#include "cpu.h"
#include "guard.h"
#include "sidecar.h"
#include "target.h"
#include "trim.h"

/*
 * The engine ABI is pinned twice: FIO_IOOPS_VERSION from the headers we compile against
 * must equal the version ./configure read from the installed fio binary itself (it loads
 * a probe engine and reads "want N" from fio's refusal).
 */
_Static_assert(FIO_IOOPS_VERSION == IDR_FIO_IOOPS_VERSION,
	       "fio headers do not match the installed fio's ioengine ABI: re-run ./configure");

/* Only `ioengine` leaves an engine .so; everything else is built -fvisibility=hidden. */
#define IDR_EXPORT __attribute__((visibility("default")))

/* ---- common options -------------------------------------------------------------- */

struct idr_opts {
	char *sidecar;	       /* JSON Lines file for this job's counters, or NULL */
	char *allow_overwrite; /* serial or path of a device the guard may let us destroy */
};

/*
 * Every engine options struct starts with IDR_OPTIONS_HEAD: fio ignores an option at
 * offset 0 (hence the pad), and the core finds its options right after it.
 */
#define IDR_OPTIONS_HEAD \
	void *pad;       \
	struct idr_opts core

#define IDR_CORE_OPTIONS(opts_type)                                                           \
	{                                                                                     \
		.name = "sidecar",                                                            \
		.lname = "iodrill counters file",                                             \
		.type = FIO_OPT_STR_STORE,                                                    \
		.off1 = offsetof(opts_type, core.sidecar),                                    \
		.help = "Append this job's counters (I/Os, syscalls, busy events, ns "        \
			"timer, CPU of every engine thread) as one JSON line to this file",   \
		.category = FIO_OPT_C_ENGINE,                                                 \
		.group = FIO_OPT_G_INVALID,                                                   \
	},                                                                                    \
	{                                                                                     \
		.name = IDR_GUARD_OPTION, .lname = "iodrill: device to overwrite",            \
		.type = FIO_OPT_STR_STORE, .off1 = offsetof(opts_type, core.allow_overwrite), \
		.help = "Write to this device although it holds a filesystem, partition "     \
			"table or mount: its serial, WWID or path (any alias); several "      \
			"separated by ':'. Nothing else (no yes/1) overrides the guard",      \
		.category = FIO_OPT_C_ENGINE, .group = FIO_OPT_G_INVALID,                     \
	}

/* ---- the per-job context --------------------------------------------------------- */

struct idr_ctx {
	struct thread_data *td;
	const char *engine; /* engine name as in engines.tbl */
	struct idr_opts *opts;
	int sidecar_fd; /* opened at init so a bad path fails before I/O */

	struct io_u **io_us; /* index table: io_us[io_u->index] */
	unsigned int nr_io_us;
	struct io_u **events; /* completions handed to fio by the last getevents */

	struct idr_job_facts job; /* what fio told us, saved at init */
	struct idr_counters cnt;
	struct idr_cpu_window job_cpu; /* the job thread, first submit to cleanup */
	struct idr_cpu_sum workers;    /* threads the engine ran, added as they exit */
	struct idr_extra *extra;       /* engine-specific facts for the sidecar */
	struct idr_lat lat;	       /* each I/O's own latency (lat.h), with a sidecar */
	/* fio wants issue times from idr_issued: set at the first submission. */
	bool issue_times;

	/* The write guard's state per file (fio's file index): checked once, claim held. */
	struct idr_guard_file *guard;
	unsigned int nr_guard;
	bool trim_told; /* a refused trim was explained (idr_trim_failed) */
};

struct idr_guard_file {
	bool checked; /* the guard has passed this file for this job */
	int hold_fd;  /* the O_EXCL claim on its block device, -1 when none */
};

/* The engine's row in engines/engines.tbl. */
/* The engine's private data embeds struct idr_ctx first; this recovers it. */
static inline struct idr_ctx *idr_ctx(struct thread_data *td)
{
	return td->io_ops_data;
}

/* ---- hooks, in fio's order ------------------------------------------------------- */

/*
 * idr_setup - fio's ->setup: find file sizes the way fio does, but first refuse, with a
 * message naming the path, what fio would get wrong: a missing path under /dev, /sys or
 * /proc (fio would create it as a regular file), a directory, a missing file and no size.
 * Returns 0, or 1 after td_verror().
 */
int idr_setup(struct thread_data *td);

/*
 * idr_init - allocate the engine's private data (size bytes, struct idr_ctx first),
 * validate the common options and open the sidecar. Returns the context, or NULL after
 * td_verror() and a log_err() naming the option.
 */
struct idr_ctx *idr_init(struct thread_data *td, const char *engine, size_t size);

/*
 * idr_open_file / idr_close_file - fio's ->open_file / ->close_file for every engine that
 * opens real files or devices. Every open goes through here so the destructive-write
 * guard (guard.h) lives in one place: for a job that writes or trims, the first open of
 * a block device or /dev/ngXnY claims it with O_EXCL until cleanup, refuses it when it
 * holds a filesystem, a partition table, a mount or a holder unless allow_overwrite=
 * names it, and says on stderr what is about to be written to. Reads, regular files and
 * verify_only runs are not checked. Return 0, or 1 after td_verror() (fio's convention).
 */
int idr_open_file(struct thread_data *td, struct fio_file *f);
int idr_close_file(struct thread_data *td, struct fio_file *f);

/* idr_io_u_init - record io_u in the index table. Returns 0 (fio's convention). */
int idr_io_u_init(struct thread_data *td, struct io_u *io_u);

/*
 * idr_cleanup - write the sidecar line and free the context (the engine's whole private
 * data: free what the engine owns, and join its threads, before calling this).
 * Copes with a half-built or absent context.
 */
void idr_cleanup(struct thread_data *td);

/*
 * idr_event - fio's ->event for engines that fill c->events[] in getevents: the i-th
 * completion of the last getevents call.
 */
struct io_u *idr_event(struct thread_data *td, int i);

/*
 * idr_lat_describe - what the engine's latency timing measures, for the sidecar's "lat":
 * from and to (string literals: the moments it stamps), and whether it learns of
 * completions by waiting for them in the kernel (io_getevents, io_uring_enter). Such an
 * engine's figures are "batched" when fio asks for more than one completion per reap
 * (iodepth_batch_complete_min > 1): a completion is then seen when its whole batch is.
 * Call from init, after idr_init.
 */
void idr_lat_describe(struct idr_ctx *c, const char *from, const char *to, bool reaps_by_waiting);

/* Has fio's ramp_time ended (and the timing begun)? The slow path of idr_lat_now. */
bool idr_lat_ramp_over(struct idr_ctx *c);

/*
 * idr_lat_now - the clock read an engine takes just before handing I/Os over, and where
 * it sees completions; 0 when not timing (no sidecar, or fio's ramp_time still runs:
 * I/Os issued then are not timed, as fio's own statistics drop them).
 */
static inline uint64_t idr_lat_now(struct idr_ctx *c)
{
	if (!c->lat.on || (__builtin_expect(c->lat.ramp, 0) && !idr_lat_ramp_over(c)))
		return 0;
	return idr_now_ns();
}

/*
 * idr_lat_add - one I/O the engine timed itself from start_ns (idr_lat_now(), 0: not
 * timed) to end_ns: a synchronous call. Like fio's clat, only reads and writes that
 * finished without an error count. After idr_io_u_done.
 */
static inline void idr_lat_add(struct idr_ctx *c, const struct io_u *io_u, uint64_t start_ns,
			       uint64_t end_ns)
{
	/* Reads and writes only (fio's ddir_rw counts trims too): one histogram each. */
	if (io_u->error || io_u->ddir > DDIR_WRITE)
		return;
	if (start_ns)
		idr_hist_add(c->lat.hist[io_u->ddir], end_ns - start_ns);
	else
		c->lat.untimed += c->lat.on; /* issued during ramp_time */
}

/*
 * idr_lat_done - io_u's completion was seen at now_ns (idr_lat_now(), one read for a
 * whole reap): add its latency since idr_issued to its direction's histogram (as
 * idr_lat_add). After idr_io_u_done.
 */
static inline void idr_lat_done(struct idr_ctx *c, const struct io_u *io_u, uint64_t now_ns)
{
	uint64_t t;

	if (!c->lat.on)
		return;
	t = c->lat.t_issue_ns[io_u->index];
	c->lat.t_issue_ns[io_u->index] = 0;
	idr_lat_add(c, io_u, t, now_ns);
}

/*
 * The first submission: open the job thread's CPU window, stamp the timer's start, and
 * settle what the engine's flags and fio's options no longer change (issue_times).
 */
void idr_submit_first(struct idr_ctx *c);

/* Call first in ->queue: the CPU window of the job thread opens at its first submission. */
static inline void idr_submit_begin(struct idr_ctx *c)
{
	if (__builtin_expect(c->cnt.t_first_submit_ns == 0, 0))
		idr_submit_first(c);
}

/*
 * idr_issued_ctx / idr_issued - n io_us were just handed to the kernel (or workers):
 * count them, record handed_ns (idr_lat_now() taken just before the hand-over) as the
 * start of each one's own latency, and for engines flagged FIO_ASYNCIO_SETS_ISSUE_TIME
 * stamp fio's issue time with one clock read and tell fio (slat, the submit histogram),
 * as fio's own io_uring engine does: call it right after the call that submitted them,
 * never after a wait. After idr_submit_begin.
 */
static inline void idr_issued_ctx(struct idr_ctx *c, struct io_u *const *io_us, unsigned int n,
				  uint64_t handed_ns)
{
	struct thread_data *td = c->td;
	struct timespec now;
	unsigned int i;

	c->cnt.submitted += n;
	io_u_mark_submit(td, n);
	if (c->lat.on)
		for (i = 0; i < n; i++)
			c->lat.t_issue_ns[io_us[i]->index] = handed_ns;
	if (!c->issue_times)
		return;
	fio_gettime(&now, NULL);
	for (i = 0; i < n; i++) {
		io_us[i]->issue_time = now;
		io_u_queued(td, io_us[i]);
	}
}

static inline void idr_issued(struct thread_data *td, struct io_u *const *io_us, unsigned int n,
			      uint64_t handed_ns)
{
	idr_issued_ctx(idr_ctx(td), io_us, n, handed_ns);
}

/* Whether the timer stamps completions: only a sidecar reads the stamps. */
static inline bool idr_stamps(const struct idr_ctx *c)
{
	return c->sidecar_fd >= 0;
}

/*
 * Stamp the end of the last completion batch seen so far: the timer's end (the sidecar's
 * last_complete_ns, elapsed_ns). Without a sidecar nothing reads it: no clock read then.
 */
static inline void idr_complete_stamp(struct idr_ctx *c)
{
	if (idr_stamps(c))
		c->cnt.t_last_complete_ns = idr_now_ns();
}

/* Look up an io_u by the index an engine put into a completion's user data. */
static inline struct io_u *idr_io_u(struct idr_ctx *c, unsigned int index)
{
	return c->io_us[index];
}

/* ---- trim (trim.h) ----------------------------------------------------------------- */

/* idr_trim_how_of - how f is trimmed: a hole punched in a regular file, else BLKDISCARD. */
static inline enum idr_trim_how idr_trim_how_of(const struct fio_file *f)
{
	return f->filetype == FIO_TYPE_FILE ? IDR_TRIM_PUNCH : IDR_TRIM_DISCARD;
}

/*
 * idr_trim_io_u - run io_u's trim now, in the calling thread (zone_mode=zbd: fio's own
 * do_io_u_trim, which resets zones). Returns bytes trimmed, or -errno; leaves io_u->error
 * to idr_io_u_done.
 */
long long idr_trim_io_u(const struct thread_data *td, struct io_u *io_u);

/*
 * idr_trim_failed - once per job, say why a trim failed when the errno alone does not
 * (a device without discard, a file system without hole punching, a character device).
 * Called by idr_io_u_done.
 */
void idr_trim_failed(struct idr_ctx *c, const struct io_u *io_u, int err);

/*
 * idr_io_u_done - account one finished I/O from a kernel-style result: res >= 0 bytes
 * moved, res < 0 is -errno. Sets io_u->error (positive) or io_u->resid for a short
 * transfer, so fio requeues the remainder or verify sees it; never reports a short
 * transfer as success.
 */
static inline void idr_io_u_done(struct idr_ctx *c, struct io_u *io_u, long long res)
{
	if (__builtin_expect(io_u->ddir <= DDIR_WRITE, 1))
		c->cnt.ios++;
	else if (io_u->ddir == DDIR_TRIM)
		c->cnt.trims++;
	else
		c->cnt.syncs++;
	if (res < 0) {
		io_u->error = (int)-res;
		c->cnt.errors++;
		if (io_u->ddir == DDIR_TRIM)
			idr_trim_failed(c, io_u, (int)-res);
		return;
	}
	/*
	 * A sync moves no bytes (fio leaves its xfer_buflen from the io_u's last I/O), nor
	 * does a trim, which is all or nothing.
	 */
	if (io_u->ddir > DDIR_WRITE)
		return;
	c->cnt.bytes += (unsigned long long)res;
	if ((unsigned long long)res < io_u->xfer_buflen) {
		io_u->resid = io_u->xfer_buflen - (unsigned long long)res;
		c->cnt.short_ios++;
	}
}

/* ---- registration helpers -------------------------------------------------------- */

/*
 * idr_buffers_iovec - one iovec per io_u (index order) covering its whole buffer
 * (td's max block size), for io_uring buffer registration. Call from post_init, after
 * fio has assigned buffers. Returns a malloc'd array of c->nr_io_us entries, or NULL.
 */
struct iovec *idr_buffers_iovec(struct idr_ctx *c);

/*
 * idr_files_fds - the fds of the job's files in fio's file index order, for file
 * registration; unopened files are -1. Returns a malloc'd array of td->o.nr_files
 * entries, or NULL.
 */
int *idr_files_fds(struct idr_ctx *c);

/* ---- errors ---------------------------------------------------------------------- */

/*
 * idr_fail - report a setup failure: log_err() the message (prefixed with the engine
 * name) and set td's error to err (a positive errno). Returns 1 for fio's setup hooks.
 */
int idr_fail(struct thread_data *td, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * idr_notice - tell the user something that is no error (what is about to be written, a
 * kernel caveat): where fio tells its own notices (log_info: stdout, the --output file,
 * or the client under --server), in fio's normal output mode only, so JSON and terse
 * output stay whole; and, once the job has its context, as engine_facts.<key> in the
 * sidecar whatever the mode. Prefixed with the engine name. stderr is for errors.
 */
void idr_notice(struct thread_data *td, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- engine facts for the sidecar (ring flags in use, fallbacks taken, ...) -------- */

/* Record key=val in this job's sidecar line. Return 0, or -ENOMEM. */
int idr_note_str(struct idr_ctx *c, const char *key, const char *val);
int idr_note_u64(struct idr_ctx *c, const char *key, uint64_t val);
int idr_note_bool(struct idr_ctx *c, const char *key, bool val);

#endif
