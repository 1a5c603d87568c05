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

#include "idr.h"
#include "idr_build.h"

static const struct idr_caps caps_table[] = {
#define IDR_ENGINE_ROW(name, kind, twin, twin_opts, target) \
	{ name, kind, twin, twin_opts, target },
#include "engine_caps.h"
#undef IDR_ENGINE_ROW
};

const struct idr_caps *idr_caps_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(caps_table) / sizeof(caps_table[0]); i++)
		if (!strcmp(caps_table[i].name, name))
			return &caps_table[i];
	return NULL;
}

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

int idr_setup(struct thread_data *td)
{
	struct fio_file *f;
	unsigned int i;
	char msg[2 * PATH_MAX + 256];
	int ret;

	for_each_file(td, f, i) {
		ret = idr_path_check(f->file_name, td->o.size || td->o.io_size, msg, sizeof(msg));
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

/* The core's options sit right after the pad pointer in every engine options struct. */
static struct idr_opts *core_opts(struct thread_data *td)
{
	return td->eo ? (struct idr_opts *)((char *)td->eo + sizeof(void *)) : NULL;
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
	j->rw = td_rw(td) ? (td_random(td) ? "randrw" : "rw")
		: td_write(td) ? (td_random(td) ? "randwrite" : "write")
		: td_trim(td) ? "trim" : (td_random(td) ? "randread" : "read");
	names = calloc(td->files_index + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for_each_file(td, f, i)
		if (!(names[i] = strdup(f->file_name)))
			break;
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

struct idr_ctx *idr_init(struct thread_data *td, const char *engine, size_t size)
{
	struct idr_ctx *c;
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
	if (!c->io_us || !c->events) {
		idr_fail(td, ENOMEM, "out of memory for %u io_u slots (iodepth)", c->nr_io_us);
		goto err_free_ctx;
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
	}
	td->io_ops_data = c;
	return c;

err_free_table:
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
	return generic_open_file(td, f);
}

int idr_close_file(struct thread_data *td, struct fio_file *f)
{
	return generic_close_file(td, f);
}

struct io_u *idr_event(struct thread_data *td, int i)
{
	return idr_ctx(td)->events[i];
}

void idr_issued(struct thread_data *td, struct io_u *const *io_us, unsigned int n)
{
	struct timespec now;
	unsigned int i;

	idr_ctx(td)->cnt.submitted += n;
	io_u_mark_submit(td, n);
	if (!td_ioengine_flagged(td, FIO_ASYNCIO_SETS_ISSUE_TIME) || !fio_fill_issue_time(td))
		return;
	fio_gettime(&now, NULL);
	for (i = 0; i < n; i++) {
		io_us[i]->issue_time = now;
		io_u_queued(td, io_us[i]);
	}
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
	for_each_file(td, f, i)
		fds[i] = f->fd;
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

/* Build and append this job's sidecar line. Returns 0 or -errno. */
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
	line = idr_report_json(&r);
	if (!line)
		return -ENOMEM;
	ret = idr_sidecar_append(c->sidecar_fd, line);
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
	if (c->extra)
		idr_extra_free(c->extra);
	free_job_facts(&c->job);
	free(c->events);
	free(c->io_us);
	free(c);
	td->io_ops_data = NULL;
}
