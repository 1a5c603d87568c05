/*
 * ctx.c - the per-job context and the hook bodies every engine shares (see idr.h).
 * This is the only core file that knows fio's structures.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "idr.h"
#include "idr_build.h"
#include "remote.h"

int idr_fail(struct thread_data *td, int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s: %s\n", td->io_ops->name, msg);
	td_verror(td, err, td->io_ops->name);
	return 1;
}

void idr_notice(struct thread_data *td, const char *key, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (td->io_ops_data)
		idr_note_str(idr_ctx(td), key, msg);
	/* fio prints its own notices only in normal mode: JSON and terse output stay whole. */
	if (!(output_format & FIO_OUTPUT_NORMAL))
		return;
	log_info("%s: %s\n", td->io_ops->name, msg);
	/* A process job leaves with _exit(): unflushed, the line would be lost with it. */
	log_info_flush();
}

/* The core's options sit right after the pad pointer in every engine options struct. */
static struct idr_opts *core_opts(struct thread_data *td)
{
	return td->eo ? (struct idr_opts *)((char *)td->eo + sizeof(void *)) : NULL;
}

/*
 * Will fio give a missing file a size, so creating it is fine? fio's own rule
 * (setup_files() in filesetup.c, "you need to specify size="): size=, filesize= (with
 * nrfiles, at least 1), fill_device=, or an iolog to replay, which sizes nothing up front.
 */
static bool job_sizes_files(struct thread_data *td)
{
	const struct thread_options *o = &td->o;

	return o->size || o->fill_device || o->read_iolog_file ||
	       (o->nr_files && (o->file_size_low || o->file_size_high));
}

int idr_setup(struct thread_data *td)
{
	struct idr_opts *o = core_opts(td);
	struct fio_file *f;
	unsigned int i;
	char msg[2 * PATH_MAX + 256];
	int ret;

	/* Before the guard looks at any device: an override that can name nothing is a typo. */
	if (o && o->allow_overwrite && *o->allow_overwrite &&
	    idr_guard_override_check(IDR_SYSFS, o->allow_overwrite, msg, sizeof(msg)))
		return idr_fail(td, EINVAL, "%s", msg);

	for_each_file(td, f, i)
	{
		ret = idr_path_check(f->file_name, job_sizes_files(td), msg, sizeof(msg));
		/* No filename= at all: the name is fio's own invention, so say what to give. */
		if (ret == -ENOENT && !td->o.filename)
			snprintf(msg, sizeof(msg),
				 "no filename= given (fio made up %s, which "
				 "does not exist): name the file or device to use, e.g. "
				 "--filename=/dev/nvme0n1; a new file also needs a size, e.g. "
				 "--filename=/var/tmp/drill.dat --size=64M",
				 f->file_name);
		if (ret)
			return idr_fail(td, -ret, "%s", msg);
		/*
		 * From here on what fio's get_file_sizes() does when an engine has no
		 * ->setup: a missing regular file is fine (fio creates it later).
		 */
		if (td_io_get_file_size(td, f)) {
			if (td->error != ENOENT) {
				log_err("%s\n", td->verror);
				return 1;
			}
			td_clear_error(td);
		}
		if (f->real_file_size == -1ULL && td->o.size)
			f->real_file_size = td->o.size / td->o.nr_files;
	}
	return 0;
}

/*
 * Record what fio told us about the job, at init: by cleanup fio has already freed the
 * files. Returns 0 or -ENOMEM.
 */
static int save_job_facts(struct idr_ctx *c)
{
	struct thread_data *td = c->td;
	struct idr_job_facts *j = &c->job;
	struct fio_file *f;
	unsigned int i;
	char **names;

	j->name = td->o.name;
	j->thread_number = td->thread_number;
	j->iodepth = td->o.iodepth;
	j->iodepth_batch = td->o.iodepth_batch;
	for (i = 0; i < 3; i++)
		j->bs[i] = td->o.bs[i];
	j->size = td->o.size;
	j->nr_files = td->o.nr_files;
	j->direct = td->o.odirect;
	j->use_thread = td->o.use_thread;
	j->rw = td_rw(td)      ? (td_random(td) ? "randrw" : "rw")
		: td_write(td) ? (td_random(td) ? "randwrite" : "write")
		: td_trim(td)  ? "trim"
			       : (td_random(td) ? "randread" : "read");
	names = calloc(td->files_index + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for_each_file(td, f, i) if (!(names[i] = strdup(f->file_name))) break;
	j->nr_names = i;
	j->files = (const char *const *)names;
	return i == td->files_index ? 0 : -ENOMEM;
}

static void free_job_facts(struct idr_job_facts *j)
{
	unsigned int i;

	for (i = 0; j->files && i < j->nr_names; i++)
		free((char *)j->files[i]);
	free((void *)j->files);
}

/* ---- the write guard -------------------------------------------------------------- */

/* Reads are never refused: only jobs that write or trim, and not verify-only passes. */
static bool guard_applies(struct thread_data *td)
{
	return (td_write(td) || td_trim(td)) && !td->o.verify_only;
}

/*
 * The fio run a job belongs to, for sharing one device claim between its jobs: the
 * backend process. thread=1 jobs run inside it; process jobs are its children. Outside a
 * job (file set-up in the backend, no context yet) it is this process.
 */
static unsigned long guard_run_id(struct thread_data *td, bool in_job)
{
	return (!in_job || td->o.use_thread) ? (unsigned long)getpid() : (unsigned long)getppid();
}

/* Say what is about to be written to (idr_notice); jobs sharing the device say it once. */
static void guard_announce(struct thread_data *td, const struct idr_guard_report *r,
			   enum idr_verdict v, const char *msg)
{
	char line[4096];

	idr_guard_announce(r, v, msg, line, sizeof(line));
	if (r->sibling)
		idr_note_str(idr_ctx(td), "guard", line);
	else
		idr_notice(td, "guard", "%s", line);
}

/* Check r (resolved) and record the verdict for g (NULL outside a job). Returns 0 or 1. */
static int guard_check(struct thread_data *td, struct idr_guard_report *r, struct idr_guard_file *g)
{
	struct idr_opts *o = core_opts(td);
	const char *allow = o ? o->allow_overwrite : NULL;
	enum idr_verdict v;
	char msg[3072];
	int fd, ret;

	ret = idr_guard_inspect(r, g ? IDR_GUARD_HOLD : IDR_GUARD_PROBE,
				guard_run_id(td, g != NULL), &fd);
	if (ret)
		return idr_fail(td, -ret,
				"filename=%s: cannot open %s to check it before writing: %s",
				r->path, r->target == IDR_TARGET_NG ? r->dev.path : r->path,
				strerror(-ret));
	v = idr_guard_decide(r, allow, msg, sizeof(msg));
	if (v == IDR_WRITE_REFUSED) {
		if (fd >= 0)
			close(fd);
		return idr_fail(td, idr_guard_errno(r), "%s", msg);
	}
	if (!g)
		return 0;
	g->checked = true;
	g->hold_fd = fd;
	guard_announce(td, r, v, msg);
	if (v == IDR_WRITE_OVERRIDDEN)
		idr_note_str(idr_ctx(td), "overwritten",
			     r->target == IDR_TARGET_FILE ? r->path : r->dev.path);
	return 0;
}

/*
 * The guard, before fio opens f: once per file per job (the claim is then held until
 * cleanup), and once more, claim released at once, when fio opens a device in the
 * backend to size it before the job (and its context) exists. Returns 0 or 1.
 */
static int guard_file(struct thread_data *td, struct fio_file *f)
{
	struct idr_ctx *c = idr_ctx(td);
	struct idr_guard_file *g = NULL;
	struct idr_guard_report *r;
	int ret;

	if (!guard_applies(td))
		return 0;
	if (c && f->fileno >= 0 && (unsigned int)f->fileno < c->nr_guard)
		g = &c->guard[f->fileno];
	if (g && g->checked)
		return 0;
	r = malloc(sizeof(*r));
	if (!r)
		return idr_fail(td, ENOMEM, "out of memory checking filename=%s", f->file_name);
	if (idr_guard_resolve(IDR_SYSFS, f->file_name, r))
		ret = idr_fail(td, ENODEV,
			       "filename=%s: a block device sysfs does not describe; cannot check "
			       "it before writing",
			       f->file_name);
	else if (r->target == IDR_TARGET_UNGUARDED)
		ret = g ? (g->checked = true, 0) : 0;
	else
		ret = guard_check(td, r, g);
	free(r);
	return ret;
}

/* Release every claim the guard holds for this job. */
static void guard_release(struct idr_ctx *c)
{
	unsigned int i;

	for (i = 0; c->guard && i < c->nr_guard; i++)
		if (c->guard[i].hold_fd >= 0)
			close(c->guard[i].hold_fd);
	free(c->guard);
	c->guard = NULL;
}

/* Allocate the per-file guard state. Returns 0 or -ENOMEM. */
static int guard_alloc(struct idr_ctx *c)
{
	unsigned int i;

	c->nr_guard = c->td->files_index;
	c->guard = calloc(c->nr_guard ? c->nr_guard : 1, sizeof(*c->guard));
	if (!c->guard)
		return -ENOMEM;
	for (i = 0; i < c->nr_guard; i++)
		c->guard[i].hold_fd = -1;
	return 0;
}

/* ---- each I/O's latency (lat.h) ------------------------------------------------- */

void idr_lat_describe(struct idr_ctx *c, const char *from, const char *to, bool reaps_by_waiting)
{
	c->lat.from = from;
	c->lat.to = to;
	c->lat.batched = reaps_by_waiting && c->td->o.iodepth_batch_complete_min > 1;
}

/*
 * Time each I/O when a sidecar will carry the result: a start stamp per io_u and a
 * histogram per direction (35 KiB each). Returns 0 or -ENOMEM.
 */
static int lat_alloc(struct idr_ctx *c)
{
	struct idr_lat *l = &c->lat;
	unsigned int d;

	l->t_issue_ns = calloc(c->nr_io_us, sizeof(*l->t_issue_ns));
	for (d = 0; d < 2; d++) {
		l->hist[d] = malloc(sizeof(*l->hist[d]));
		if (l->hist[d])
			idr_hist_init(l->hist[d]);
	}
	if (!l->t_issue_ns || !l->hist[0] || !l->hist[1])
		return -ENOMEM;
	l->ramp = c->td->o.ramp_time != 0;
	l->on = true;
	return 0;
}

static void lat_free(struct idr_lat *l)
{
	free(l->t_issue_ns);
	free(l->hist[0]);
	free(l->hist[1]);
	memset(l, 0, sizeof(*l));
}

bool idr_lat_ramp_over(struct idr_ctx *c)
{
	/* fio flips ramp_time_over as it completes I/O once ramp_time has passed. */
	if (!c->td->ramp_time_over)
		return false;
	c->lat.ramp = false;
	return true;
}

struct idr_ctx *idr_init(struct thread_data *td, const char *engine, size_t size)
{
	struct idr_ctx *c;
	char msg[512];
	int fd;

	c = calloc(1, size);
	if (!c) {
		idr_fail(td, ENOMEM, "out of memory for the engine context");
		return NULL;
	}
	c->td = td;
	c->engine = engine;
	c->opts = core_opts(td);
	c->sidecar_fd = -1;
	c->nr_io_us = td->o.iodepth;
	if (save_job_facts(c)) {
		idr_fail(td, ENOMEM, "out of memory saving the job's facts");
		goto err_free_ctx;
	}
	c->io_us = calloc(c->nr_io_us, sizeof(*c->io_us));
	c->events = calloc(c->nr_io_us, sizeof(*c->events));
	if (!c->io_us || !c->events || guard_alloc(c)) {
		idr_fail(td, ENOMEM, "out of memory for %u io_u slots (iodepth)", c->nr_io_us);
		goto err_free_table;
	}
	if (c->opts && c->opts->allow_overwrite && *c->opts->allow_overwrite &&
	    idr_guard_override_check(IDR_SYSFS, c->opts->allow_overwrite, msg, sizeof(msg))) {
		idr_fail(td, EINVAL, "%s", msg);
		goto err_free_table;
	}
	/* Open the sidecar now so a bad path fails before any I/O, not after the run. */
	if (c->opts && c->opts->sidecar && *c->opts->sidecar) {
		fd = idr_sidecar_open(c->opts->sidecar);
		if (fd < 0) {
			idr_fail(td, -fd, "sidecar=%s: cannot open for appending: %s",
				 c->opts->sidecar, strerror(-fd));
			goto err_free_table;
		}
		c->sidecar_fd = fd;
		if (lat_alloc(c)) {
			idr_fail(td, ENOMEM, "out of memory for the latency histograms");
			goto err_close_sidecar;
		}
	}
	td->io_ops_data = c;
	return c;

err_close_sidecar:
	lat_free(&c->lat);
	close(c->sidecar_fd);
err_free_table:
	free(c->guard);
	free(c->events);
	free(c->io_us);
err_free_ctx:
	free_job_facts(&c->job);
	free(c);
	return NULL;
}

int idr_io_u_init(struct thread_data *td, struct io_u *io_u)
{
	struct idr_ctx *c = idr_ctx(td);

	/* fio numbers io_us 0..iodepth-1 before calling us; anything else is a fio change. */
	if (io_u->index >= c->nr_io_us) {
		log_err("%s: io_u index %u beyond iodepth %u: fio ABI mismatch?\n",
			td->io_ops->name, io_u->index, c->nr_io_us);
		return 1;
	}
	c->io_us[io_u->index] = io_u;
	return 0;
}

int idr_open_file(struct thread_data *td, struct fio_file *f)
{
	return guard_file(td, f) ?: generic_open_file(td, f);
}

int idr_close_file(struct thread_data *td, struct fio_file *f)
{
	return generic_close_file(td, f);
}

struct io_u *idr_event(struct thread_data *td, int i)
{
	return idr_ctx(td)->events[i];
}

void idr_submit_first(struct idr_ctx *c)
{
	struct thread_data *td = c->td;

	c->cnt.t_first_submit_ns = idr_now_ns();
	idr_cpu_window_open(&c->job_cpu);
	/*
	 * Both are settled by now: the engine's flags (nil drops FIO_ASYNCIO_SETS_ISSUE_TIME
	 * at iodepth 1 in its init) and the options fio_fill_issue_time reads.
	 */
	c->issue_times =
		td_ioengine_flagged(td, FIO_ASYNCIO_SETS_ISSUE_TIME) && fio_fill_issue_time(td);
}

struct iovec *idr_buffers_iovec(struct idr_ctx *c)
{
	struct iovec *iov = calloc(c->nr_io_us, sizeof(*iov));
	unsigned int i;

	if (!iov)
		return NULL;
	for (i = 0; i < c->nr_io_us; i++) {
		iov[i].iov_base = c->io_us[i]->buf;
		iov[i].iov_len = td_max_bs(c->td);
	}
	return iov;
}

int *idr_files_fds(struct idr_ctx *c)
{
	struct thread_data *td = c->td;
	struct fio_file *f;
	unsigned int i;
	int *fds = malloc(sizeof(*fds) * (td->o.nr_files ? td->o.nr_files : 1));

	if (!fds)
		return NULL;
	for_each_file(td, f, i) fds[i] = f->fd;
	return fds;
}

static int note(struct idr_ctx *c)
{
	if (!c->extra)
		c->extra = idr_extra_new();
	return c->extra ? 0 : -ENOMEM;
}

int idr_note_str(struct idr_ctx *c, const char *key, const char *val)
{
	return note(c) ?: idr_extra_str(c->extra, key, val);
}

int idr_note_u64(struct idr_ctx *c, const char *key, uint64_t val)
{
	return note(c) ?: idr_extra_u64(c->extra, key, val);
}

int idr_note_bool(struct idr_ctx *c, const char *key, bool val)
{
	return note(c) ?: idr_extra_bool(c->extra, key, val);
}

/*
 * Under `fio --server` a sidecar file would stay on the server: a job that asks for one
 * (iodrill's fleet gives sidecar=/dev/null there) also sends the same line, and where it
 * ran (the host, the target's identity), to the client through fio's own log, which the
 * server forwards (remote.h). A job without sidecar= sends nothing: a plain client's JSON
 * stays one document. After the job's CPU window closed: not measured.
 */
static void remote_report(struct idr_ctx *c, const char *line)
{
	char *where = idr_remote_where_line(c->job.nr_names ? c->job.files[0] : "");

	log_info("%s%s", IDR_REMOTE_SIDECAR, line);
	if (where)
		log_info("%s", where);
	free(where);
}

/* Build this job's sidecar line; append it to the sidecar file, and send it back from a
 * server. Returns 0 or -errno. */
static int write_sidecar(struct idr_ctx *c)
{
	const struct idr_caps *caps = idr_caps_find(c->engine);
	struct idr_report r = { 0 };
	char *line;
	int ret;

	r.engine = c->engine;
	r.build = IDR_BUILD;
	r.fio_version = IDR_FIO_VERSION;
	if (caps) {
		r.kind = caps->kind;
		r.twin = caps->twin;
		r.target = caps->target;
	}
	r.pid = getpid();
	r.tid = gettid();
	r.job = c->job;
	r.cnt = c->cnt;
	r.job_cpu = c->job_cpu.used;
	r.workers = c->workers;
	r.extra = c->extra;
	r.lat = &c->lat;
	line = idr_report_json(&r);
	if (!line)
		return -ENOMEM;
	ret = idr_sidecar_append(c->sidecar_fd, line);
	if (is_backend)
		remote_report(c, line);
	free(line);
	return ret;
}

void idr_cleanup(struct thread_data *td)
{
	struct idr_ctx *c = idr_ctx(td);
	int ret;

	if (!c)
		return;
	idr_cpu_window_close(&c->job_cpu);
	if (c->sidecar_fd >= 0) {
		ret = write_sidecar(c);
		if (ret)
			log_err("%s: sidecar=%s: writing the counters failed: %s\n",
				td->io_ops->name, c->opts->sidecar, strerror(-ret));
		close(c->sidecar_fd);
	}
	guard_release(c);
	lat_free(&c->lat);
	if (c->extra)
		idr_extra_free(c->extra);
	free_job_facts(&c->job);
	free(c->events);
	free(c->io_us);
	free(c);
	td->io_ops_data = NULL;
}
