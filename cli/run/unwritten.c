/*
 * unwritten.c - the drill's check for blocks that were never written (unwritten.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/fiojson.h"
#include "devices.h"
#include "iodrill.h"
#include "run/fleet.h"
#include "run/run.h"
#include "run/unwritten.h"

#define DRILL_READS 1000 /* profiles/drill.fio's number_ios */

/* ---- judging blocks (pure) ------------------------------------------------------------ */

enum idr_block idr_block_kind(const void *buf, size_t len)
{
	const unsigned char *b = buf;
	size_t i;

	if (!len || (b[0] != 0 && b[0] != 0xff))
		return IDR_BLOCK_DATA;
	for (i = 1; i < len; i++)
		if (b[i] != b[0])
			return IDR_BLOCK_DATA;
	return b[0] ? IDR_BLOCK_ONES : IDR_BLOCK_ZEROS;
}

bool idr_block_unwritten(enum idr_block kind, int dlfeat, int allocated)
{
	if (allocated >= 0)
		return !allocated;
	return kind == IDR_BLOCK_ZEROS || (kind == IDR_BLOCK_ONES && dlfeat == IDR_DLFEAT_ONES);
}

int idr_iolog_reads(const char *text, uint64_t *offs, unsigned int max)
{
	const char *p = text, *nl, *r;
	unsigned long long off;
	unsigned int n = 0;

	if (strncmp(text, "fio version 2 iolog\n", 20) &&
	    strncmp(text, "fio version 3 iolog\n", 20))
		return -EINVAL;
	for (; *p && n < max; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		/* "FILE read OFFSET LEN" or "TIME FILE read OFFSET LEN": after " read " */
		r = memmem(p, (size_t)(nl - p), " read ", 6);
		if (r && sscanf(r + 6, "%llu", &off) == 1)
			offs[n++] = off;
	}
	return (int)n;
}

/* ---- the drill's offsets, from fio ---------------------------------------------------- */

/* Run argv (fio) with its output discarded and wait. Returns its exit status, or -errno. */
static int run_quiet(char *const *argv)
{
	posix_spawn_file_actions_t fa;
	int ret, st;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	ret = posix_spawn(&pid, argv[0], &fa, NULL, argv, NULL);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return -ret;
	/* run.h's signal handlers interrupt the wait: keep waiting, fio ends by itself */
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * The drill's offsets on t: its job run with fio's null engine (no I/O at all) over the
 * same size, which draws the same offsets from the same seed, logged by write_iolog.
 * Returns how many, or -errno with why in u.
 */
static int drill_offsets(const struct idr_drill_target *t, const char *job, const char *dir,
			 uint64_t *offs, struct idr_unwritten *u)
{
	char log[PATH_MAX], out[PATH_MAX], a[5][PATH_MAX + 32], *text;
	char *argv[] = { (char *)idr_fio_path(),
			 "--output-format=json",
			 a[0],
			 (char *)job,
			 "--section=drill",
			 "--ioengine=null",
			 a[1],
			 a[2],
			 a[3],
			 "--readonly",
			 NULL };
	size_t len;
	int ret;

	snprintf(log, sizeof(log), "%s/drill-offsets.iolog", dir);
	snprintf(out, sizeof(out), "%s/drill-offsets.json", dir);
	snprintf(a[0], sizeof(a[0]), "--output=%s", out);
	snprintf(a[1], sizeof(a[1]), "--filename=%s", t->path);
	snprintf(a[2], sizeof(a[2]), "--size=%llu", t->size);
	snprintf(a[3], sizeof(a[3]), "--write_iolog=%s", log);
	ret = run_quiet(argv);
	if (ret == 0)
		ret = idr_read_file(log, &text, &len);
	else if (ret > 0)
		ret = -EPROTO;
	if (ret) {
		snprintf(u->why_not, sizeof(u->why_not),
			 "fio could not list the drill's offsets "
			 "(%s)",
			 ret == -EPROTO ? "it failed" : strerror(-ret));
		return ret;
	}
	ret = idr_iolog_reads(text, offs, DRILL_READS);
	free(text);
	unlink(log);
	unlink(out);
	if (ret < IDR_UNWRITTEN_SAMPLE) {
		snprintf(u->why_not, sizeof(u->why_not), "fio listed %d of the drill's offsets",
			 ret);
		return -EPROTO;
	}
	return ret;
}

/* ---- the device's own view (NVMe) ------------------------------------------------------ */

/*
 * What t's NVMe namespace says: DLFEAT, and whether Get LBA Status can be asked (a whole
 * namespace, not a partition, whose controller has it). Returns d (malloc'd) when it is
 * an identified namespace, else NULL with why in u.
 */
static struct idr_dev *nvme_of(const struct idr_drill_target *t, struct idr_unwritten *u)
{
	struct idr_scan_opts o = { .sys = IDR_SYSFS, .nvme = true };
	struct idr_dev *d = calloc(1, sizeof(*d));

	snprintf(u->lba_status_why, sizeof(u->lba_status_why), "not an NVMe namespace");
	if (!d || t->kind != IDR_DRILL_BLOCK || idr_device_identify(&o, t->path, d) ||
	    !d->is_nvme || !d->nvme.identified) {
		if (d && d->is_nvme)
			snprintf(u->lba_status_why, sizeof(u->lba_status_why),
				 "NVMe Identify: %.120s",
				 d->nvme.why_not[0] ? d->nvme.why_not : "not readable");
		free(d);
		return NULL;
	}
	u->dlfeat = (int)d->nvme.dlfeat_read;
	if (!d->nvme.lba_status)
		snprintf(u->lba_status_why, sizeof(u->lba_status_why),
			 "the controller has no Get "
			 "LBA Status (OACS bit 9)");
	else if (d->blk.partno || !d->nvme.lba_bytes)
		snprintf(u->lba_status_why, sizeof(u->lba_status_why),
			 "a partition: offsets are "
			 "not the namespace's");
	else
		u->lba_status_why[0] = '\0';
	return d;
}

/* Get LBA Status for the block at off: 1, 0, or -1 when it cannot say (why set once). */
static int allocated(const struct idr_dev *d, uint64_t off, struct idr_unwritten *u)
{
	unsigned int lba = d ? d->nvme.lba_bytes : 0;
	int ret;

	if (!d || u->lba_status_why[0])
		return -1;
	ret = idr_nvme_lba_allocated(d, off / lba,
				     IDR_UNWRITTEN_BS > lba ? IDR_UNWRITTEN_BS / lba : 1);
	if (ret >= 0) {
		if (u->deallocated < 0)
			u->deallocated = 0;
		u->deallocated += !ret;
		return ret;
	}
	/* a controller that lists the command but refuses this action: ask no more */
	snprintf(u->lba_status_why, sizeof(u->lba_status_why),
		 "Get LBA Status (allocated LBAs): "
		 "%s",
		 ret == -EOPNOTSUPP ? "not supported by the controller" : strerror(-ret));
	u->deallocated = -1;
	return -1;
}

/* ---- the check ----------------------------------------------------------------------- */

/* Read the sampled blocks and judge each. Returns 0 or -errno with why in u. */
static int read_sample(const struct idr_drill_target *t, const uint64_t *offs, unsigned int n,
		       const struct idr_dev *d, struct idr_unwritten *u)
{
	int fd = open(t->path, O_RDONLY | O_CLOEXEC | (t->direct ? O_DIRECT : 0));
	unsigned int i, step = n / IDR_UNWRITTEN_SAMPLE;
	enum idr_block k;
	void *buf = NULL;
	int ret = 0;

	if (fd < 0 || posix_memalign(&buf, IDR_UNWRITTEN_BS, IDR_UNWRITTEN_BS)) {
		ret = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	for (i = 0; i < IDR_UNWRITTEN_SAMPLE && !ret; i++) {
		errno = 0;
		if (pread(fd, buf, IDR_UNWRITTEN_BS, (off_t)offs[i * step]) != IDR_UNWRITTEN_BS) {
			ret = errno ? -errno : -EIO;
			break;
		}
		k = idr_block_kind(buf, IDR_UNWRITTEN_BS);
		u->zeros += k == IDR_BLOCK_ZEROS;
		u->ones += k == IDR_BLOCK_ONES;
		if (idr_block_unwritten(k, u->dlfeat, allocated(d, offs[i * step], u)) &&
		    !u->unwritten++)
			u->first_offset = offs[i * step];
		u->sampled++;
	}
	/* the sample must not sit in the page cache for the drill to find */
	if (!t->direct)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
out:
	if (ret)
		snprintf(u->why_not, sizeof(u->why_not), "reading %.200s: %s", t->path,
			 strerror(-ret));
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

int idr_unwritten_check(const struct idr_drill_target *t, const char *job, const char *dir,
			struct idr_unwritten *u)
{
	uint64_t *offs = calloc(DRILL_READS, sizeof(*offs));
	struct idr_dev *d = NULL;
	int n;

	*u = (struct idr_unwritten){ .dlfeat = -1, .deallocated = -1 };
	/* a fleet host's TARGET is a path there: nothing here to read (fleet.h) */
	if (idr_remote_host()) {
		snprintf(u->why_not, sizeof(u->why_not),
			 "TARGET is on a fleet host: its blocks "
			 "are not sampled from here");
		free(offs);
		return 0;
	}
	if (!offs) {
		snprintf(u->why_not, sizeof(u->why_not), "out of memory");
		return 0;
	}
	if (!t->path[0]) {
		snprintf(u->why_not, sizeof(u->why_not),
			 "no block device to read the sample "
			 "through (an NVMe generic device alone)");
		free(offs);
		return 0;
	}
	n = drill_offsets(t, job, dir, offs, u);
	if (n > 0) {
		d = nvme_of(t, u);
		u->checked = !read_sample(t, offs, (unsigned int)n, d, u);
	}
	free(d);
	free(offs);
	return idr_run_stopped() ? -EINTR : 0;
}

/* ---- saying it --------------------------------------------------------------------------- */

/* How the blocks were judged, for the sentence. */
static const char *how(const struct idr_unwritten *u)
{
	if (u->deallocated >= 0)
		return "the device's Get LBA Status says they are not allocated";
	if (u->dlfeat == IDR_DLFEAT_ZEROES)
		return "they read as all zeros, which is what this namespace's DLFEAT says a "
		       "deallocated block returns";
	if (u->dlfeat == IDR_DLFEAT_ONES)
		return "they read as all FFh, which is what this namespace's DLFEAT says a "
		       "deallocated block returns";
	return "they read as all zeros: never written, or deallocated";
}

void idr_unwritten_say(const struct idr_unwritten *u, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!u->checked || !u->unwritten)
		return;
	snprintf(buf, len,
		 "%u of %u sampled blocks this drill reads are unwritten (%s; the "
		 "first at offset %llu): a device answers such reads without reading its media, "
		 "so these numbers flatter it.",
		 u->unwritten, u->sampled, how(u), (unsigned long long)u->first_offset);
}

void idr_unwritten_fix(const struct idr_unwritten *u, const char *target, char *buf, size_t len)
{
	buf[0] = '\0';
	if (u->checked && u->unwritten)
		snprintf(buf, len,
			 "Write them first: iodrill precondition %s, or fio "
			 "profiles/precondition.fio --filename=%s "
			 "--ioengine=external:engines/sync.so (either overwrites the target).",
			 target, target);
}

struct json_object *idr_unwritten_json(const struct idr_unwritten *u)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "checked", json_object_new_boolean(u->checked));
	if (!u->checked) {
		json_object_object_add(o, "why_not", json_object_new_string(u->why_not));
		return o;
	}
	json_object_object_add(o, "sampled", json_object_new_int((int)u->sampled));
	json_object_object_add(o, "unwritten", json_object_new_int((int)u->unwritten));
	json_object_object_add(o, "zeros", json_object_new_int((int)u->zeros));
	json_object_object_add(o, "ones", json_object_new_int((int)u->ones));
	json_object_object_add(o, "dlfeat_read",
			       u->dlfeat >= 0 ? json_object_new_int(u->dlfeat) : NULL);
	json_object_object_add(o, "deallocated",
			       u->deallocated >= 0 ? json_object_new_int(u->deallocated) : NULL);
	json_object_object_add(o, "lba_status",
			       u->lba_status_why[0] ? json_object_new_string(u->lba_status_why)
						    : NULL);
	return o;
}
