/*
 * trim.c - DDIR_TRIM as the engines run it in place or in a worker (see trim.h), and the
 * one-time explanation of a trim the target refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include "idr.h"
#include "trim.h"

long long idr_trim_fd(int fd, enum idr_trim_how how, uint64_t off, uint64_t len)
{
	uint64_t range[2] = { off, len };
	int ret;

	if (how == IDR_TRIM_PUNCH)
		ret = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
				(off_t)len);
	else
		ret = ioctl(fd, BLKDISCARD, range);
	return ret ? -errno : (long long)len;
}

const char *idr_trim_how_name(enum idr_trim_how how)
{
	return how == IDR_TRIM_PUNCH ? "fallocate(PUNCH_HOLE)" : "BLKDISCARD";
}

long long idr_trim_io_u(const struct thread_data *td, struct io_u *io_u)
{
	/* Zoned block devices: fio resets whole zones instead (zbd_do_io_u_trim). */
	if (td->o.zone_mode == ZONE_MODE_ZBD) {
		io_u->error = 0;
		do_io_u_trim(td, io_u);
		return io_u->error ? -(long long)io_u->error : (long long)io_u->xfer_buflen;
	}
	return idr_trim_fd(io_u->file->fd, idr_trim_how_of(io_u->file), io_u->offset,
			   io_u->xfer_buflen);
}

void idr_trim_failed(struct idr_ctx *c, const struct io_u *io_u, int err)
{
	const char *name = io_u->file->file_name;

	if (c->trim_told)
		return;
	c->trim_told = true;
	if (err == ENOTTY)
		log_err("%s: trim on %s: neither a block device nor a regular file; trim is "
			"BLKDISCARD on a block device or a hole punched in a file\n",
			c->engine, name);
	else if (err == EOPNOTSUPP && io_u->file->filetype == FIO_TYPE_FILE)
		log_err("%s: trim on %s: its file system cannot punch holes (EOPNOTSUPP)\n",
			c->engine, name);
	else if (err == EOPNOTSUPP)
		log_err("%s: trim on %s: the device does not discard (EOPNOTSUPP; its "
			"queue/discard_max_bytes is 0)\n",
			c->engine, name);
}
