/*
 * precondition.c - iodrill precondition TARGET: write every block of a file or device
 * once, sequentially, in 128 KiB writes of fresh random data (profiles/precondition.fio
 * through the sync engine), so that the drill's reads reach the media. A block that was
 * never written (or was trimmed) is answered without it, and flatters the drill.
 *
 * Every write goes through the engines' one write guard (engines/core/guard.c, run by the
 * engine as fio opens the target): a device that is mounted, holds a filesystem, a
 * partition table or any signature, or that LVM, dm or md holds, is refused unless
 * --allow-overwrite names it. The region is written in several fio runs, one after the
 * other, so progress shows between them and Ctrl-C stops at the next; the run is stored
 * in the results archive (kind "precondition") as the device's preconditioning record.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/fiojson.h"
#include "devices.h"
#include "guard.h"
#include "iodrill.h"
#include "run/cmdopts.h"
#include "run/profile.h"
#include "run/run.h"

#define PRE_BS (128u << 10)	     /* profiles/precondition.fio's bs */
#define PRE_MIN_CHUNK (256ull << 20) /* the least a fio run writes */
#define PRE_MAX_RUNS 100u	     /* progress in steps of 1% at most */

const char cmd_precondition_help[] =
	"usage: iodrill precondition TARGET [options]\n"
	"\n"
	"Write every block of TARGET once, sequentially, in 128 KiB writes of fresh random data\n"
	"(profiles/precondition.fio through the sync engine), with progress. OVERWRITES TARGET.\n"
	"A block never written (a new or trimmed SSD, a sparse file, a fresh loop device) is\n"
	"answered without reading any media, so a drill on it flatters the device; iodrill drill\n"
	"reads a sample of its blocks first and says so. The drill reads all of TARGET, so the\n"
	"whole of it is written unless --size says less.\n"
	"\n"
	"TARGET  an existing file, a block device, or an NVMe generic device /dev/ngXnY (written\n"
	"        through its namespace's block device). Nothing is created.\n"
	"\n"
	"A device is written only when the engines' write guard finds nothing on it: not\n"
	"mounted (nor any of its partitions), no filesystem, partition table or other\n"
	"signature, not held by LVM, dm or md. Otherwise it is refused, nothing is written, and\n"
	"the message names what was found and the --allow-overwrite value for that device. A\n"
	"regular file is written as any engine writes one: unchecked.\n"
	"\n"
	"options:\n"
	"  --allow-overwrite ID   write although the guard found something on the device: its\n"
	"                         serial, WWID or path, as the refusal prints it\n"
	"  --size SIZE            only the first SIZE bytes (K, M, G, T; default: all of it)\n"
	"  --chunk SIZE           bytes per fio run, progress between them (default: 1% of the\n"
	"                         region, at least 256M)\n"
	"  --json                 what was written, as JSON on stdout\n"
	"  --keep DIR             keep the run's folder (fio's JSON, sidecars, job files)\n"
	"                         under DIR\n"
	"  --results DIR          the results archive to store the run in (as iodrill drill)\n"
	"  --no-archive           do not store the run\n"
	"\n"
	"The run is stored in the results archive as the device's preconditioning record (kind\n"
	"precondition), also an interrupted or failed one that wrote something; a refusal\n"
	"writes and stores nothing. Exit 0; 1 when the guard refused, fio failed or the run\n"
	"could not be stored; 2 on bad input; 128+N on signal N.\n";

struct pre_opts {
	const char *target, *allow, *keep, *results;
	unsigned long long size, chunk;
	bool json, no_archive;
};

struct pre {
	struct pre_opts o;
	struct idr_run run;
	char path[PATH_MAX];	   /* what is written: the file or block device */
	const char *kind;	   /* "file", "block device" */
	unsigned long long total;  /* the target's size */
	unsigned long long region; /* bytes to write, from offset 0 */
	unsigned long long done;   /* written so far */
	bool direct;		   /* O_DIRECT works on path */
	char engine[PATH_MAX];	   /* engines/sync.so */
	char job[PATH_MAX], tail_job[PATH_MAX];
	unsigned int runs;
	char failed[600];
};

enum { OPT_ALLOW = 256, OPT_SIZE, OPT_CHUNK };

static const struct option long_opts[] = {
	{ "allow-overwrite", required_argument, NULL, OPT_ALLOW },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "chunk", required_argument, NULL, OPT_CHUNK },
	IDR_CMD_LONG_OPTS,
};

/* ---- options ----------------------------------------------------------------------------- */

static int size_opt(const char *name, const char *arg, unsigned long long *out)
{
	if (!idr_parse_size(arg, out) && *out >= PRE_BS)
		return 0;
	idr_err("precondition: --%s %s is not a size of at least 128K (bytes, or with K, M, G, "
		"T)",
		name, arg);
	return -EINVAL;
}

static int one_opt(int c, const char *arg, void *ctx)
{
	struct pre_opts *o = ctx;

	switch (c) {
	case OPT_ALLOW:
		o->allow = arg;
		return 0;
	case OPT_SIZE:
		return size_opt("size", arg, &o->size);
	case OPT_CHUNK:
		return size_opt("chunk", arg, &o->chunk);
	default:
		return -EINVAL;
	}
}

/* Returns 0, 1 for --help (printed), or -EINVAL after a message. */
static int parse_opts(int argc, char **argv, struct pre_opts *o)
{
	struct idr_cmd_args a = { .cmd = "precondition",
				  .help = cmd_precondition_help,
				  .opts = long_opts,
				  .one = one_opt,
				  .ctx = o };
	int ret;

	*o = (struct pre_opts){ 0 };
	ret = idr_cmd_parse(argc, argv, &a);
	if (ret)
		return ret;
	if (a.nargs != 1) {
		idr_err("precondition: %s; usage: iodrill precondition TARGET [options] (TARGET: "
			"the file or device to write, e.g. /dev/nvme0n1)",
			a.nargs ? "one TARGET only" : "no TARGET");
		return -EINVAL;
	}
	o->target = a.args[0];
	o->json = a.json;
	o->keep = a.keep;
	o->results = a.results;
	o->no_archive = a.no_archive;
	return 0;
}

/* ---- the target ------------------------------------------------------------------------- */

/* An NVMe generic device: the block device of its namespace, which the guard checks. */
static int ng_block(struct pre *p, char *err, size_t errlen)
{
	struct idr_scan_opts so = { .sys = IDR_SYSFS };
	struct idr_dev *d = calloc(1, sizeof(*d));
	int ret = d ? idr_device_identify(&so, p->o.target, d) : -ENOMEM;

	if (!ret && d->safety.target == IDR_TARGET_NG && d->blk.name[0]) {
		snprintf(p->path, sizeof(p->path), "/dev/%s", d->blk.name);
		p->kind = "block device";
	} else if (ret != -ENOMEM) {
		snprintf(err, errlen,
			 "%s is a character device%s: give a file, a block device, or "
			 "an NVMe generic device with a block device",
			 p->o.target,
			 !ret && d->safety.target == IDR_TARGET_NG_NODISK
				 ? " whose namespace has no block device to write through"
				 : "");
		ret = -ENODEV;
	}
	free(d);
	return ret;
}

/* What TARGET is, and its size. Returns 0 or -errno with a message in err. */
static int resolve(struct pre *p, char *err, size_t errlen)
{
	struct stat st;

	if (stat(p->o.target, &st)) {
		snprintf(err, errlen,
			 "%s: %s: precondition writes an existing file or device and "
			 "never creates one",
			 p->o.target, strerror(errno));
		return -errno;
	}
	snprintf(p->path, sizeof(p->path), "%s", p->o.target);
	if (S_ISREG(st.st_mode)) {
		p->kind = "file";
		p->total = (unsigned long long)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode)) {
		p->kind = "block device";
		return 0;
	}
	if (S_ISCHR(st.st_mode))
		return ng_block(p, err, errlen);
	snprintf(err, errlen, "%s is %s: give a file or a device", p->o.target,
		 S_ISDIR(st.st_mode) ? "a folder" : "neither a file nor a device");
	return -EINVAL;
}

/*
 * Can path be written, and how large is it? Opened for writing (nothing is written), a
 * block device asked whether it is read-only and for its size; O_DIRECT tried.
 * Returns 0 or -errno with a message in err.
 */
static int check_writable(struct pre *p, char *err, size_t errlen)
{
	int fd = open(p->path, O_WRONLY | O_CLOEXEC), ro = 0, dfd;
	uint64_t bytes = 0;

	if (fd < 0) {
		snprintf(err, errlen, "cannot write %.512s: %s%s", p->path, strerror(errno),
			 errno == EROFS || errno == EACCES || errno == EPERM
				 ? " (a read-only target cannot be preconditioned)"
				 : "");
		return -errno;
	}
	if (!strcmp(p->kind, "block device") &&
	    (ioctl(fd, BLKROGET, &ro) || ro || ioctl(fd, BLKGETSIZE64, &bytes))) {
		snprintf(err, errlen, "cannot write %.512s: %s", p->path,
			 ro ? "the device is read-only (blockdev --getro says 1)"
			    : strerror(errno));
		close(fd);
		return ro ? -EROFS : -errno;
	}
	close(fd);
	if (bytes)
		p->total = bytes;
	/* a filesystem that refuses O_DIRECT (ramfs): buffered writes, flushed at the end */
	dfd = open(p->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	p->direct = dfd >= 0;
	if (dfd >= 0)
		close(dfd);
	if (p->total < PRE_BS) {
		snprintf(err, errlen,
			 "%.512s holds %llu bytes: nothing for the drill to read "
			 "(it needs at least 1,000 blocks of 4 KiB)",
			 p->path, p->total);
		return -EINVAL;
	}
	return 0;
}

/* ---- the job files ------------------------------------------------------------------------ */

/* profiles/precondition.fio, or a copy changed where it must: direct=0, and for the last
 * piece of the region that is not a whole 128 KiB, bs of that piece. */
static int prepare_jobs(struct pre *p, char *err, size_t errlen)
{
	char src[PATH_MAX], bs[32];
	const char *sets[2] = { "direct=0", bs };
	unsigned long long tail = p->region % PRE_BS;
	int ret;

	if (idr_profile_path("precondition", src, sizeof(src)) ||
	    idr_engine_path("sync", p->engine, sizeof(p->engine))) {
		snprintf(err, errlen,
			 "profiles/precondition.fio or engines/sync.so not found "
			 "beside iodrill nor installed: run make, or make install");
		return -ENOPKG;
	}
	snprintf(p->job, sizeof(p->job), "%s", src);
	if (!p->direct) {
		idr_run_path(&p->run, "precondition", ".fio", p->job, sizeof(p->job));
		ret = idr_profile_render(src, p->job, sets, 1, err, errlen);
		if (ret)
			return ret;
	}
	if (!tail)
		return 0;
	/* the tail is a whole number of logical blocks on a device; on a file it may not be */
	snprintf(bs, sizeof(bs), "bs=%llu", tail);
	idr_run_path(&p->run, "precondition-tail", ".fio", p->tail_job, sizeof(p->tail_job));
	if (p->direct && !(tail % 512))
		return idr_profile_render(src, p->tail_job, sets + 1, 1, err, errlen);
	return idr_profile_render(src, p->tail_job, sets, 2, err, errlen);
}

/* ---- writing --------------------------------------------------------------------------- */

/* What fio wrote in run label: 0 when it was bytes, else -EIO with why in p->failed. */
static int check_written(struct pre *p, const char *label, unsigned long long bytes)
{
	char json[PATH_MAX], why[400], said[300];
	struct idr_fio_run fr;
	uint64_t wrote = 0;
	int error = -1;

	idr_run_path(&p->run, label, ".json", json, sizeof(json));
	if (idr_fio_run_load(json, &fr, why, sizeof(why))) {
		snprintf(p->failed, sizeof(p->failed), "%s", why);
		return -EIO;
	}
	if (fr.nr_jobs) {
		wrote = fr.jobs[0].dir[IDR_FIO_WRITE].io_bytes;
		error = fr.jobs[0].error;
	}
	idr_fio_run_free(&fr);
	if (!error && wrote == bytes)
		return 0;
	/* fio's own refusals (a mounted device) end the job with exit status 0: its words */
	idr_run_said(&p->run, label, said, sizeof(said));
	snprintf(p->failed, sizeof(p->failed),
		 "fio wrote %llu of %llu bytes at offset %llu "
		 "(error %d)%s%s",
		 (unsigned long long)wrote, bytes, p->done, error, said[0] ? ": " : "", said);
	return -EIO;
}

/* One fio run: bytes from p->done. Returns 0, -EINTR, or -EIO with why in p->failed. */
static int write_piece(struct pre *p, unsigned long long bytes, const char *job)
{
	struct idr_args a = { .n = 0 };
	char label[32], said[480];
	int st;

	snprintf(label, sizeof(label), "w%03u", ++p->runs);
	idr_args_add(&a, "--ioengine=external:%s", p->engine);
	idr_args_add(&a, "--filename=%s", p->path);
	idr_args_add(&a, "--offset=%llu", p->done);
	idr_args_add(&a, "--size=%llu", bytes);
	if (p->o.allow)
		idr_args_add(&a, "--allow_overwrite=%s", p->o.allow);
	idr_args_add(&a, "%s", job);
	st = idr_run_fio(&p->run, label, "sync", p->runs, &a, true);
	if (st == -EINTR)
		return st;
	if (st) {
		idr_run_said(&p->run, label, said, sizeof(said));
		snprintf(p->failed, sizeof(p->failed), "%s",
			 st < 0	   ? strerror(-st)
			 : said[0] ? said
				   : "fio failed (no message)");
		return -EIO;
	}
	if (check_written(p, label, bytes))
		return -EIO;
	p->done += bytes;
	return 0;
}

static void progress(const struct pre *p, int64_t started_ms, bool tty)
{
	double s = (double)(idr_now_ms() - started_ms) / 1e3;

	fprintf(stderr, "%siodrill: precondition %s: %3.0f%% (%llu MiB of %llu MiB), %.0f MB/s%s",
		tty ? "\r\033[K" : "", p->path, 100.0 * (double)p->done / (double)p->region,
		p->done >> 20, p->region >> 20, s > 0 ? (double)p->done / 1e6 / s : 0.0,
		tty ? "" : "\n");
}

/* The whole region, in pieces of the chunk size, then the tail. Returns 0, -EINTR, -EIO. */
static int write_all(struct pre *p)
{
	unsigned long long body = p->region - p->region % PRE_BS, chunk = p->o.chunk, n;
	int64_t t0 = idr_now_ms();
	bool tty = isatty(2);
	int ret = 0;

	if (!chunk)
		chunk = body / PRE_MAX_RUNS > PRE_MIN_CHUNK ? body / PRE_MAX_RUNS : PRE_MIN_CHUNK;
	chunk += (PRE_BS - chunk % PRE_BS) % PRE_BS;
	while (!ret && p->done < body) {
		n = body - p->done < chunk ? body - p->done : chunk;
		ret = write_piece(p, n, p->job);
		if (!ret)
			progress(p, t0, tty);
	}
	if (!ret && p->done < p->region)
		ret = write_piece(p, p->region - p->done, p->tail_job);
	if (tty && p->done)
		fprintf(stderr, "\n");
	return ret;
}

/* The guard's refusal names the engine option: say this command's for the same value. */
static void say_override(const struct pre *p)
{
	const char *v = strstr(p->failed, IDR_GUARD_OPTION "=");
	int n;

	if (!v)
		return;
	v += strlen(IDR_GUARD_OPTION "=");
	n = (int)strcspn(v, " \t\n");
	if (n && v[n - 1] == '.')
		n--;
	idr_err("precondition: to destroy what is on it: iodrill precondition %s "
		"--allow-overwrite %.*s",
		p->o.target, n, v);
}

/* ---- the command ---------------------------------------------------------------------- */

static void record_facts(struct pre *p)
{
	struct json_object *f = p->run.facts;

	json_object_object_add(f, "target", json_object_new_string(p->o.target));
	json_object_object_add(f, "written_path", json_object_new_string(p->path));
	json_object_object_add(f, "kind", json_object_new_string(p->kind));
	json_object_object_add(f, "size", json_object_new_int64((int64_t)p->total));
	json_object_object_add(f, "region_offset", json_object_new_int64(0));
	json_object_object_add(f, "region_bytes", json_object_new_int64((int64_t)p->region));
	json_object_object_add(f, "direct", json_object_new_boolean(p->direct));
	json_object_object_add(f, "bs", json_object_new_int((int)PRE_BS));
	json_object_object_add(f, "data",
			       json_object_new_string("random, new for every write "
						      "(refill_buffers)"));
}

static void report(struct pre *p, int64_t ms)
{
	struct json_object *o;

	if (!p->o.json) {
		printf("iodrill precondition: wrote %llu of %llu bytes of %s (%s) sequentially, in "
		       "128 KiB writes of random data, %u fio run%s, %.1f s\n",
		       p->done, p->region, p->path, p->kind, p->runs, p->runs == 1 ? "" : "s",
		       (double)ms / 1e3);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "command", json_object_new_string("precondition"));
	json_object_object_add(o, "facts", json_object_get(p->run.facts));
	json_object_object_add(o, "written_bytes", json_object_new_int64((int64_t)p->done));
	json_object_object_add(o, "fio_runs", json_object_new_int((int)p->runs));
	json_object_object_add(o, "failed",
			       p->failed[0] ? json_object_new_string(p->failed) : NULL);
	json_object_object_add(o, "archive", idr_run_archive_json(&p->run));
	idr_print_json(stdout, o);
	json_object_put(o);
}

/* After write_all: store what was written (nothing stored when nothing was), report. */
static int finish(struct pre *p, int ret, int64_t t0)
{
	if (ret == -EINTR || idr_run_stopped())
		return p->done ? idr_run_interrupted(&p->run, p->path) : 128 + idr_run_stopped();
	if (!p->done) {
		/* the first run wrote nothing: a refusal by the guard, or fio failed to start */
		idr_err("precondition: nothing written to %s: %s", p->path, p->failed);
		say_override(p);
		return 1;
	}
	json_object_object_add(p->run.facts, "written_bytes",
			       json_object_new_int64((int64_t)p->done));
	idr_run_archive(&p->run, p->path, ret ? "failed" : "complete");
	report(p, idr_now_ms() - t0);
	fflush(stdout);
	if (ret)
		idr_err("precondition: stopped after %llu bytes: %s", p->done, p->failed);
	return idr_run_epilogue(&p->run, "") || ret ? 1 : 0;
}

static int run(struct pre *p)
{
	char err[1024];
	int64_t t0;
	int ret;

	ret = resolve(p, err, sizeof(err));
	if (!ret)
		ret = check_writable(p, err, sizeof(err));
	if (!ret)
		ret = idr_run_archive_check(&p->run, err, sizeof(err));
	if (!ret) {
		p->region = p->o.size && p->o.size < p->total ? p->o.size : p->total;
		ret = prepare_jobs(p, err, sizeof(err));
	}
	if (ret) {
		idr_err("precondition: %s", err);
		return ret == -ENOPKG ? 1 : 2; /* an incomplete build, else bad input */
	}
	record_facts(p);
	fprintf(stderr,
		"iodrill: precondition: writing %llu bytes of %s (%s), sequentially; "
		"run folder %s\n",
		p->region, p->path, p->kind, p->run.dir);
	t0 = idr_now_ms();
	return finish(p, write_all(p), t0);
}

int cmd_precondition(int argc, char **argv)
{
	struct pre *p = calloc(1, sizeof(*p));
	char err[1024];
	int ret;

	if (!p)
		return 1;
	ret = parse_opts(argc, argv, &p->o);
	if (ret) {
		free(p);
		return ret > 0 ? 0 : 2;
	}
	if (idr_fio_check(err, sizeof(err)) ||
	    idr_run_begin(&p->run, "precondition", argc, argv, p->o.keep, err, sizeof(err))) {
		idr_err("precondition: %s", err);
		free(p);
		return 1;
	}
	p->run.results = p->o.results;
	p->run.no_archive = p->o.no_archive;
	ret = run(p);
	idr_run_end(&p->run);
	free(p);
	return ret;
}
