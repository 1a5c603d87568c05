/*
 * nil.c - completes every I/O at once without touching a device.
 *
 * fio twin: null. nil goes through the same core paths as the real engines (io_u table,
 * counters, ns timer, issue-time stamping), so nil minus null is the core's own cost per
 * I/O; and it is a device-free target for tests. Like null it is synchronous at
 * iodepth 1 and asynchronous above; unlike null it sets that per job (null rewrites its
 * shared ops table) and honours getevents' max.
 */
#include "core/idr.h"

struct nil_options {
	IDR_OPTIONS_HEAD;
};

static struct fio_option options[] = {
	IDR_CORE_OPTIONS(struct nil_options),
	{ .name = NULL },
};

struct nil_data {
	struct idr_ctx core;
	struct io_u **queued; /* queued, not yet committed */
	unsigned int nr_queued;
	struct io_u **done; /* committed: complete, waiting to be reaped */
	unsigned int nr_done;
	unsigned int done_head; /* first not yet handed to fio */
};

static enum fio_q_status nil_queue(struct thread_data *td, struct io_u *io_u)
{
	struct nil_data *nd = (struct nil_data *)idr_ctx(td);

	fio_ro_check(td, io_u);
	idr_submit_begin(&nd->core);
	if (td_ioengine_flagged(td, FIO_SYNCIO)) {
		uint64_t t0 = idr_lat_now(&nd->core);

		nd->core.cnt.submitted++;
		idr_io_u_done(&nd->core, io_u, (long long)io_u->xfer_buflen);
		idr_complete_stamp(&nd->core);
		idr_lat_add(&nd->core, io_u, t0, nd->core.cnt.t_last_complete_ns);
		return FIO_Q_COMPLETED;
	}
	nd->queued[nd->nr_queued++] = io_u;
	return FIO_Q_QUEUED;
}

static int nil_commit(struct thread_data *td)
{
	struct nil_data *nd = (struct nil_data *)idr_ctx(td);
	unsigned int i, left;

	if (!nd->nr_queued)
		return 0;
	idr_issued(td, nd->queued, nd->nr_queued, idr_lat_now(&nd->core));
	/*
	 * Move unreaped completions to the front, then append: fio never has more than
	 * iodepth io_us in flight, so done[] (iodepth slots) cannot overflow.
	 */
	left = nd->nr_done - nd->done_head;
	memmove(nd->done, nd->done + nd->done_head, left * sizeof(*nd->done));
	nd->done_head = 0;
	nd->nr_done = left;
	for (i = 0; i < nd->nr_queued; i++)
		nd->done[nd->nr_done++] = nd->queued[i];
	nd->nr_queued = 0;
	return 0;
}

static int nil_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			 const struct timespec *t)
{
	struct nil_data *nd = (struct nil_data *)idr_ctx(td);
	unsigned int n = nd->nr_done - nd->done_head;
	uint64_t now;

	(void)min;
	(void)t;
	if (n > max)
		n = max;
	if (!n)
		return 0;
	/* One clock read: the timer's last completion and each I/O's latency end here. */
	idr_complete_stamp(&nd->core);
	now = nd->core.cnt.t_last_complete_ns;
	for (unsigned int i = 0; i < n; i++) {
		struct io_u *io_u = nd->done[nd->done_head++];

		idr_io_u_done(&nd->core, io_u, (long long)io_u->xfer_buflen);
		idr_lat_done(&nd->core, io_u, now);
		nd->core.events[i] = io_u;
	}
	return (int)n;
}

static void nil_cleanup(struct thread_data *td)
{
	struct nil_data *nd = (struct nil_data *)idr_ctx(td);

	if (nd) {
		free(nd->queued);
		free(nd->done);
	}
	idr_cleanup(td);
}

static int nil_init(struct thread_data *td)
{
	struct nil_data *nd = (struct nil_data *)idr_init(td, "nil", sizeof(*nd));

	if (!nd)
		return 1;
	nd->queued = calloc(td->o.iodepth, sizeof(*nd->queued));
	nd->done = calloc(td->o.iodepth, sizeof(*nd->done));
	if (!nd->queued || !nd->done)
		return idr_fail(td, ENOMEM, "out of memory for iodepth=%u", td->o.iodepth);
	idr_lat_describe(&nd->core, "commit (iodepth 1: queue called)",
			 "handed to fio by getevents (iodepth 1: queue returns)", false);
	/*
	 * At iodepth 1 complete in ->queue, as null does, so the two compare like for like.
	 * The flags are this job's copy (fio copies the ops flags into td->flags at load and
	 * never again); the shared ops table stays untouched.
	 */
	if (td->o.iodepth == 1) {
		td->flags |= (unsigned long long)FIO_SYNCIO << TD_ENG_FLAG_SHIFT;
		td->flags &=
			~((unsigned long long)FIO_ASYNCIO_SETS_ISSUE_TIME << TD_ENG_FLAG_SHIFT);
	}
	return 0;
}

static int nil_open_file(struct thread_data *td, struct fio_file *f)
{
	(void)td;
	(void)f;
	return 0;
}

struct ioengine_ops ioengine IDR_EXPORT = {
	.name = "iodrill-nil",
	.version = FIO_IOOPS_VERSION,
	.flags = FIO_DISKLESSIO | FIO_FAKEIO | FIO_ASYNCIO_SETS_ISSUE_TIME,
	.init = nil_init,
	.io_u_init = idr_io_u_init,
	.queue = nil_queue,
	.commit = nil_commit,
	.getevents = nil_getevents,
	.event = idr_event,
	.cleanup = nil_cleanup,
	.open_file = nil_open_file,
	.options = options,
	.option_struct_size = sizeof(struct nil_options),
};
