/*
 * sync.c - the naive loop: one pread/pwrite (or fsync/fdatasync) system call per I/O,
 * finished inside ->queue, so fio runs it at iodepth 1.
 *
 * fio twin: psync. Differences: EINTR is retried instead of failing the I/O; a trim of a
 * regular file punches a hole (psync sends BLKDISCARD to it and fails with ENOTTY; on a
 * block device both send BLKDISCARD); and the core's counters (ns timer, syscalls, CPU)
 * are kept for the drill.
 */
#include <errno.h>
#include <unistd.h>

#include "core/idr.h"

struct sync_options {
	IDR_OPTIONS_HEAD;
};

static struct fio_option options[] = {
	IDR_CORE_OPTIONS(struct sync_options),
	{ .name = NULL },
};

struct sync_data {
	struct idr_ctx core;
};

/* One system call for io_u. Returns bytes moved (or trimmed), or -errno. */
static long long sync_syscall(const struct thread_data *td, struct io_u *io_u)
{
	int fd = io_u->file->fd;
	ssize_t ret;

	switch (io_u->ddir) {
	case DDIR_READ:
		ret = pread(fd, io_u->xfer_buf, io_u->xfer_buflen, io_u->offset);
		break;
	case DDIR_WRITE:
		ret = pwrite(fd, io_u->xfer_buf, io_u->xfer_buflen, io_u->offset);
		break;
	case DDIR_SYNC:
		ret = fsync(fd);
		break;
	case DDIR_DATASYNC:
		ret = fdatasync(fd);
		break;
	case DDIR_TRIM:
		return idr_trim_io_u(td, io_u);
	default:
		errno = EOPNOTSUPP;
		ret = -1;
		break;
	}
	return ret < 0 ? -errno : ret;
}

static enum fio_q_status sync_queue(struct thread_data *td, struct io_u *io_u)
{
	struct idr_ctx *c = idr_ctx(td);
	uint64_t t0;
	long long res;

	fio_ro_check(td, io_u);
	idr_submit_begin(c);
	c->cnt.submitted++;
	t0 = idr_lat_now(c);
	/* A signal may interrupt a read on a slow device: retry rather than fail the I/O. */
	for (;;) {
		res = sync_syscall(td, io_u);
		idr_count_syscall(&c->cnt, IDR_SC_SUBMIT | IDR_SC_REAP);
		if (res != -EINTR)
			break;
		c->cnt.eintr++;
	}
	idr_complete_stamp(c);
	idr_io_u_done(c, io_u, res);
	idr_lat_add(c, io_u, t0, c->cnt.t_last_complete_ns);
	/*
	 * fio's completion path does not log an error that ->queue completed in place:
	 * say which file, direction and offset failed here, as psync does.
	 */
	if (io_u->error)
		io_u_log_error(td, io_u);
	return FIO_Q_COMPLETED;
}

static int sync_init(struct thread_data *td)
{
	struct idr_ctx *c;

	c = idr_init(td, "sync", sizeof(struct sync_data));
	if (!c)
		return 1;
	idr_lat_describe(c, "pread/pwrite called", "pread/pwrite returned", false);
	return 0;
}

struct ioengine_ops ioengine IDR_EXPORT = {
	.name = "iodrill-sync",
	.version = FIO_IOOPS_VERSION,
	.flags = FIO_SYNCIO,
	.setup = idr_setup,
	.init = sync_init,
	.io_u_init = idr_io_u_init,
	.queue = sync_queue,
	.cleanup = idr_cleanup,
	.open_file = idr_open_file,
	.close_file = idr_close_file,
	.get_file_size = generic_get_file_size,
	.options = options,
	.option_struct_size = sizeof(struct sync_options),
};
