/*
 * syscheck.c - reading and judging the settings that hold a device's peak back
 * (syscheck.h). sysapply.c changes them and puts them back.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscheck.h"

static const char *const names[IDR_SC_NR] = {
	[IDR_SC_SCHEDULER] = "scheduler", [IDR_SC_IOSTATS] = "iostats",
	[IDR_SC_NOMERGES] = "nomerges",	  [IDR_SC_POLL] = "poll_queues",
	[IDR_SC_WCACHE] = "write_cache",  [IDR_SC_NUMA] = "numa",
	[IDR_SC_IRQ] = "irq_affinity",	  [IDR_SC_GOVERNOR] = "cpu_governor",
	[IDR_SC_IDLE] = "cpu_idle",
};

const char *idr_sc_name(enum idr_sc_what what)
{
	return what < IDR_SC_NR ? names[what] : "?";
}

const char *idr_sc_state_name(enum idr_sc_state s)
{
	static const char *const st[] = { [IDR_SC_NA] = "n/a",
					  [IDR_SC_GOOD] = "ok",
					  [IDR_SC_INFO] = "info",
					  [IDR_SC_COSTS] = "costs" };

	return s <= IDR_SC_COSTS ? st[s] : "?";
}

unsigned int idr_sc_costs(const struct idr_syscheck *sc)
{
	unsigned int i, n = 0;

	for (i = 0; i < IDR_SC_NR; i++)
		n += sc->item[i].state == IDR_SC_COSTS;
	return n;
}

/* ---- CPU lists ------------------------------------------------------------------------ */

int idr_cpulist_parse(const char *s, cpu_set_t *set)
{
	unsigned long lo, hi;
	char *end;

	CPU_ZERO(set);
	while (*s && *s != '\n') {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		lo = hi = strtoul(s, &end, 10);
		if (*end == '-') {
			s = end + 1;
			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			hi = strtoul(s, &end, 10);
		}
		if (hi < lo || hi >= CPU_SETSIZE)
			return -EINVAL;
		for (; lo <= hi; lo++)
			CPU_SET(lo, set);
		s = end;
		if (*s == ',' && s[1] && s[1] != '\n')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return 0;
}

char *idr_cpulist_str(const cpu_set_t *set, char *buf, size_t len)
{
	size_t used = 0;
	int c, end;

	buf[0] = '\0';
	for (c = 0; c < CPU_SETSIZE && used < len; c++) {
		if (!CPU_ISSET(c, set))
			continue;
		for (end = c; end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, set); end++)
			;
		used += (size_t)snprintf(buf + used, len - used, end > c ? "%s%d-%d" : "%s%d",
					 used ? "," : "", c, end);
		c = end;
	}
	return buf;
}

int idr_cpulist_nth(const cpu_set_t *set, unsigned int n)
{
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set) && n-- == 0)
			return c;
	return -1;
}

/* ---- reading ------------------------------------------------------------------------- */

/* The first line of the file at the formatted path into buf. Returns its length or -errno. */
static int __attribute__((format(printf, 3, 4))) readf(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX], *slash;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	slash = strrchr(path, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	return idr_sysfs_read(path, slash + 1, buf, len);
}

/* An integer file, or def when absent or not a number. */
static long __attribute__((format(printf, 2, 3))) readf_long(long def, const char *fmt, ...)
{
	char path[PATH_MAX], buf[32], *end;
	va_list ap;
	long v;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (readf(buf, sizeof(buf), "%s", path) <= 0)
		return def;
	v = strtol(buf, &end, 10);
	return *end ? def : v;
}

/* A knob: one file --apply-recommended would write. Returns 0 or -ENOMEM. */
static int add_knob(struct idr_syscheck *sc, enum idr_sc_what what, const char *path,
		    const char *now, const char *want)
{
	struct idr_sc_knob *k;

	if (!(sc->nr_knobs & 15)) {
		k = realloc(sc->knob, (sc->nr_knobs + 16) * sizeof(*k));
		if (!k)
			return -ENOMEM;
		sc->knob = k;
	}
	k = &sc->knob[sc->nr_knobs++];
	k->what = what;
	idr_strcpy(k->path, sizeof(k->path), path);
	idr_strcpy(k->now, sizeof(k->now), now);
	idr_strcpy(k->want, sizeof(k->want), want);
	sc->item[what].can_apply = true;
	return 0;
}

static void __attribute__((format(printf, 4, 5)))
say(struct idr_sc_item *it, enum idr_sc_state st, char *field, const char *fmt, ...)
{
	va_list ap;
	size_t len = field == it->value ? sizeof(it->value)
		     : field == it->why ? sizeof(it->why)
					: sizeof(it->fix);

	it->state = st;
	va_start(ap, fmt);
	vsnprintf(field, len, fmt, ap);
	va_end(ap);
}

#define VALUE(it, st, ...) say(it, st, (it)->value, __VA_ARGS__)
#define WHY(it, ...) say(it, (it)->state, (it)->why, __VA_ARGS__)
#define FIX(it, ...) say(it, (it)->state, (it)->fix, __VA_ARGS__)

/* ---- the block queue ----------------------------------------------------------------- */

/* The scheduler in effect: the bracketed name of "[none] mq-deadline", or a lone name. */
static void scheduler_in_effect(const char *line, char *out, size_t len)
{
	const char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;

	if (a && b)
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
	else
		snprintf(out, len, "%s", line);
}

static int check_scheduler(struct idr_syscheck *sc, const char *q)
{
	struct idr_sc_item *it = &sc->item[IDR_SC_SCHEDULER];
	char line[160], now[160], path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/scheduler", q) >= (int)sizeof(path) ||
	    readf(line, sizeof(line), "%s", path) <= 0) {
		VALUE(it, IDR_SC_NA, "-");
		WHY(it, "%s has no I/O scheduler setting", sc->disk);
		return 0;
	}
	scheduler_in_effect(line, now, sizeof(now));
	if (!strcmp(now, "none")) {
		VALUE(it, IDR_SC_GOOD, "none");
		WHY(it, "requests go straight to the driver's queues");
		return 0;
	}
	VALUE(it, IDR_SC_COSTS, "%s (offered: %s)", now, line);
	WHY(it,
	    "every request passes through the %s scheduler (its lock, sorting, merge "
	    "attempts); the peak recipes run with none",
	    now);
	FIX(it, "echo none > %s", path);
	return strstr(line, "none") ? add_knob(sc, IDR_SC_SCHEDULER, path, now, "none") : 0;
}

/* iostats and nomerges: a number, good when it is want. */
static int check_number(struct idr_syscheck *sc, const char *q, enum idr_sc_what what,
			const char *want, const char *good, const char *costs)
{
	struct idr_sc_item *it = &sc->item[what];
	char now[32], path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", q, names[what]);
	if (readf(now, sizeof(now), "%s", path) <= 0) {
		VALUE(it, IDR_SC_NA, "-");
		WHY(it, "%s has no %s setting", sc->disk, names[what]);
		return 0;
	}
	VALUE(it, strcmp(now, want) ? IDR_SC_COSTS : IDR_SC_GOOD, "%s", now);
	WHY(it, "%s", it->state == IDR_SC_GOOD ? good : costs);
	if (it->state == IDR_SC_GOOD)
		return 0;
	FIX(it, "echo %s > %s", want, path);
	return add_knob(sc, what, path, now, want);
}

/* The kernel module whose poll_queues parameter gives a kind of disk its poll queues. */
static const char *poll_module(const char *kind)
{
	return !strcmp(kind, "nvme") ? "nvme" : !strcmp(kind, "virtio") ? "virtio_blk" : NULL;
}

static void check_poll(struct idr_syscheck *sc, const struct idr_sc_opts *o, const char *q)
{
	struct idr_sc_item *it = &sc->item[IDR_SC_POLL];
	const char *mod = poll_module(sc->kind);

	sc->io_poll = (int)readf_long(-1, "%s/io_poll", q);
	sc->poll_queues =
		mod ? (int)readf_long(-1, "%s/module/%s/parameters/poll_queues", o->sys, mod) : -1;
	if (sc->io_poll == 1) {
		VALUE(it, IDR_SC_GOOD, "%d poll queue%s, io_poll 1", sc->poll_queues,
		      sc->poll_queues == 1 ? "" : "s");
		WHY(it, "polled I/O (hipri) completes on queues without interrupts");
		return;
	}
	if (!mod) {
		VALUE(it, IDR_SC_NA, "io_poll %d", sc->io_poll);
		WHY(it, "a %s device has no poll queues: polled I/O (hipri) cannot run on it",
		    sc->kind);
		return;
	}
	VALUE(it, IDR_SC_COSTS, "%s.poll_queues=%d, io_poll %d", mod, sc->poll_queues, sc->io_poll);
	WHY(it,
	    "no poll queues: every completion is an interrupt, and polled I/O (hipri), "
	    "the fastest way to reap, cannot run on %s",
	    sc->disk);
	FIX(it,
	    "boot with %s.poll_queues=N, or echo 'options %s poll_queues=N' > "
	    "/etc/modprobe.d/iodrill-poll.conf and reload the driver (modprobe -r %s; "
	    "modprobe %s) with nothing on it in use; N = the CPUs that will poll",
	    mod, mod, mod, mod);
}

static void check_wcache(struct idr_syscheck *sc, const char *q)
{
	struct idr_sc_item *it = &sc->item[IDR_SC_WCACHE];
	char now[32];

	if (readf(now, sizeof(now), "%s/write_cache", q) <= 0) {
		VALUE(it, IDR_SC_NA, "-");
		WHY(it, "%s has no write cache setting", sc->disk);
		return;
	}
	VALUE(it, IDR_SC_INFO, "%s", now);
	WHY(it,
	    "reads: no effect. Writes: %s; iodrill never changes it (it decides whether "
	    "acknowledged writes survive a power cut)",
	    strcmp(now, "write back") ? "the kernel sends no flushes"
				      : "fsync and FUA writes flush the device's volatile cache");
}

/* ---- the NUMA node and the CPUs --------------------------------------------------------- */

/* The NUMA node of a device folder: its own numa_node, else the nearest parent's. */
static int node_of(const char *sys, const char *dir)
{
	char real[PATH_MAX], rsys[PATH_MAX], *slash;
	long n;

	if (!realpath(dir, real) || !realpath(sys, rsys))
		return -1;
	while (strlen(real) > strlen(rsys)) {
		n = readf_long(-2, "%s/numa_node", real);
		if (n != -2)
			return (int)n;
		slash = strrchr(real, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return -1;
}

/* An NVMe multipath head (ctrl nvme-subsysN): the first controller of its subsystem. */
static void first_ctrl(const char *sys, char *ctrl, size_t len)
{
	char dir[PATH_MAX], best[IDR_DEVNAME_MAX] = "";
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/class/nvme-subsystem/%s", sys, ctrl);
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "nvme", 4) && isdigit((unsigned char)e->d_name[4]) &&
		    (!*best || strcmp(e->d_name, best) < 0))
			idr_strcpy(best, sizeof(best), e->d_name);
	if (d)
		closedir(d);
	if (*best)
		idr_strcpy(ctrl, len, best);
}

static int disk_node(struct idr_syscheck *sc, const struct idr_sc_opts *o)
{
	char dir[PATH_MAX];

	if (!*sc->disk)
		return -1;
	if (*sc->ctrl) {
		snprintf(dir, sizeof(dir), "%s/class/nvme/%s", o->sys, sc->ctrl);
		return node_of(o->sys, dir);
	}
	snprintf(dir, sizeof(dir), "%s/class/block/%s", o->sys, sc->disk);
	return node_of(o->sys, dir);
}

/* Online CPUs this process may use. */
static void available_cpus(const struct idr_sc_opts *o, cpu_set_t *avail)
{
	char line[1024];

	if (readf(line, sizeof(line), "%s/devices/system/cpu/online", o->sys) <= 0 ||
	    idr_cpulist_parse(line, avail))
		CPU_ZERO(avail);
	if (o->allowed)
		CPU_AND(avail, avail, o->allowed);
}

/* The CPUs a user gave (--cpus): a list of CPUs that are online and allowed. */
static int given_cpus(struct idr_syscheck *sc, const struct idr_sc_opts *o, const cpu_set_t *avail,
		      const char *a, char *err, size_t errlen)
{
	cpu_set_t extra;
	char n[256];

	if (idr_cpulist_parse(o->cpus, &sc->used) || !CPU_COUNT(&sc->used)) {
		snprintf(err, errlen, "--cpus %s is not a CPU list (e.g. 0-3,8)", o->cpus);
		return -EINVAL;
	}
	CPU_XOR(&extra, &sc->used, avail);
	CPU_AND(&extra, &extra, &sc->used);
	if (!CPU_COUNT(&extra))
		return 0;
	snprintf(err, errlen,
		 "--cpus %s: CPU %s %s not online or not allowed for this process (online and "
		 "allowed: %s)",
		 o->cpus, idr_cpulist_str(&extra, n, sizeof(n)),
		 CPU_COUNT(&extra) > 1 ? "are" : "is", a);
	return -EINVAL;
}

static int choose_cpus(struct idr_syscheck *sc, const struct idr_sc_opts *o, char *err,
		       size_t errlen)
{
	char line[1024] = "", a[256];
	cpu_set_t avail;

	available_cpus(o, &avail);
	sc->node_cpus = avail;
	if (sc->numa_node >= 0 &&
	    readf(line, sizeof(line), "%s/devices/system/node/node%d/cpulist", o->sys,
		  sc->numa_node) >= 0 &&
	    !idr_cpulist_parse(line, &sc->node_cpus))
		CPU_AND(&sc->node_cpus, &sc->node_cpus, &avail);
	idr_cpulist_str(&avail, a, sizeof(a));
	if (o->cpus)
		return given_cpus(sc, o, &avail, a, err, errlen);
	sc->used = sc->node_cpus;
	if (CPU_COUNT(&sc->used))
		return 0;
	if (sc->numa_node < 0)
		snprintf(err, errlen,
			 "no CPU is online and allowed for this process (read from "
			 "%s/devices/system/cpu/online and the process's affinity)",
			 o->sys);
	else
		snprintf(err, errlen,
			 "%s is on NUMA node %d, which has no CPU this process may run on (node "
			 "%d's CPUs: %s; online and allowed: %s): give the CPUs to use (--cpus LIST)",
			 sc->disk, sc->numa_node, sc->numa_node, *line ? line : "none",
			 *a ? a : "none");
	return -EXDEV;
}

/* How many NUMA nodes the machine has (node<N> folders). */
static unsigned int nr_nodes(const struct idr_sc_opts *o)
{
	char dir[PATH_MAX];
	unsigned int n = 0;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/devices/system/node", o->sys);
	d = opendir(dir);
	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, "node", 4) && isdigit((unsigned char)e->d_name[4]);
	if (d)
		closedir(d);
	return n;
}

static void check_numa(struct idr_syscheck *sc, const struct idr_sc_opts *o)
{
	struct idr_sc_item *it = &sc->item[IDR_SC_NUMA];
	char used[256], node[256];
	cpu_set_t off;

	idr_cpulist_str(&sc->used, used, sizeof(used));
	idr_cpulist_str(&sc->node_cpus, node, sizeof(node));
	if (!*sc->disk) {
		VALUE(it, IDR_SC_NA, "CPUs %s", used);
		WHY(it, "no block device under the target: nothing to be near");
		return;
	}
	if (sc->numa_node < 0) {
		VALUE(it, nr_nodes(o) > 1 ? IDR_SC_INFO : IDR_SC_GOOD, "no node given; CPUs %s",
		      used);
		WHY(it, "%s",
		    it->state == IDR_SC_GOOD
			    ? "one NUMA node (or none): every CPU is as near to the device"
			    : "the device's node is not known (numa_node -1): pin to the "
			      "CPUs nearest its PCIe slot by hand");
		return;
	}
	CPU_XOR(&off, &sc->used, &sc->node_cpus);
	CPU_AND(&off, &off, &sc->used);
	VALUE(it, CPU_COUNT(&off) ? IDR_SC_COSTS : IDR_SC_GOOD, "node %d (CPUs %s); run on %s",
	      sc->numa_node, node, used);
	if (it->state == IDR_SC_GOOD) {
		WHY(it, "the run's CPUs are on the device's node");
		return;
	}
	WHY(it,
	    "CPUs %s of the run are on another node than the device: every I/O's data and "
	    "completion cross the interconnect",
	    idr_cpulist_str(&off, used, sizeof(used)));
	FIX(it,
	    "pin to the node's CPUs: fio cpus_allowed=%s, or numactl --cpunodebind=%d "
	    "--membind=%d fio ... (iodrill tune --saturate pins there unless --cpus says "
	    "otherwise)",
	    node, sc->numa_node, sc->numa_node);
}

/* ---- interrupts ---------------------------------------------------------------------- */

/* The prefix naming the disk's queue interrupts in /proc/interrupts, and whether queue
 * index 0 is the first I/O queue (virtio: req.0) or the admin queue (NVMe: q0). */
static bool irq_prefix(const struct idr_syscheck *sc, const struct idr_sc_opts *o, char *pre,
		       size_t len, unsigned int *first)
{
	char dir[PATH_MAX], real[PATH_MAX], *base;

	if (!strcmp(sc->kind, "nvme") && *sc->ctrl) {
		snprintf(pre, len, "%sq", sc->ctrl);
		*first = 1;
		return true;
	}
	snprintf(dir, sizeof(dir), "%s/class/block/%s/device", o->sys, sc->disk);
	if (strcmp(sc->kind, "virtio") || !realpath(dir, real) || !(base = strrchr(real, '/')))
		return false;
	snprintf(pre, len, "%s-req.", base + 1);
	*first = 0;
	return true;
}

struct irq_tally {
	struct idr_syscheck *sc;
	const struct idr_sc_opts *o;
	unsigned int n, bad;
	char first_bad[160];
};

/* Queue interrupt irq (the disk's hardware queue hctx): does it land on its queue's
 * CPUs (or, without blk-mq's map, on the device's node)? */
static int check_one_irq(void *ctx, unsigned int irq, unsigned int hctx, const char *name,
			 const char *counts)
{
	struct irq_tally *t = ctx;
	struct idr_syscheck *sc = t->sc;
	const struct idr_sc_opts *o = t->o;
	char mask[256], eff[256], want[256], path[PATH_MAX];
	cpu_set_t on, home, out;

	(void)counts;
	if (readf(mask, sizeof(mask), "%s/irq/%u/smp_affinity_list", o->proc, irq) <= 0)
		return 0;
	if (readf(eff, sizeof(eff), "%s/irq/%u/effective_affinity_list", o->proc, irq) <= 0)
		snprintf(eff, sizeof(eff), "%s", mask);
	if (readf(want, sizeof(want), "%s/class/block/%s/mq/%u/cpu_list", o->sys, sc->disk, hctx) <=
		    0 &&
	    sc->numa_node >= 0)
		idr_cpulist_str(&sc->node_cpus, want, sizeof(want));
	t->n++;
	if (!*want || idr_cpulist_parse(eff, &on) || idr_cpulist_parse(want, &home))
		return 0;
	CPU_XOR(&out, &on, &home);
	CPU_AND(&out, &out, &on);
	if (!CPU_COUNT(&out))
		return 0;
	if (!t->bad++)
		snprintf(t->first_bad, sizeof(t->first_bad),
			 "%.32s (IRQ %u) on CPU %.40s, its "
			 "queue serves CPU %.40s",
			 name, irq, eff, want);
	snprintf(path, sizeof(path), "%s/irq/%u/smp_affinity_list", o->proc, irq);
	return add_knob(sc, IDR_SC_IRQ, path, mask, want);
}

typedef int (*irq_fn)(void *ctx, unsigned int irq, unsigned int hctx, const char *name,
		      const char *counts);

/*
 * Call fn for each /proc/interrupts line naming one of the disk's queues (name starting
 * with pre, then its number from first), with the line's per-CPU counts. Returns 0, fn's
 * first non-zero return, or -ENOENT when there is no such file.
 */
static int scan_irqs(const struct idr_sc_opts *o, const char *pre, unsigned int first, irq_fn fn,
		     void *ctx)
{
	char path[PATH_MAX], line[4096], *name, *end;
	unsigned long irq, q;
	size_t plen = strlen(pre);
	int ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/interrupts", o->proc);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (!ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		irq = strtoul(line, &end, 10);
		if (*end != ':' || !(name = strrchr(line, ' ')) || strncmp(++name, pre, plen))
			continue;
		q = strtoul(name + plen, &end, 10);
		if (!*end && end != name + plen && q >= first)
			ret = fn(ctx, (unsigned int)irq, (unsigned int)(q - first), name,
				 strchr(line, ':') + 1);
	}
	fclose(f);
	return ret;
}

/* Add a line's per-CPU counts (the numbers before its chip's name) to *ctx. */
static int add_counts(void *ctx, unsigned int irq, unsigned int hctx, const char *name,
		      const char *counts)
{
	unsigned long long *sum = ctx, v;
	char *end;

	(void)irq, (void)hctx, (void)name;
	for (;;) {
		v = strtoull(counts, &end, 10);
		if (end == counts)
			return 0;
		*sum += v;
		counts = end;
	}
}

long long idr_sc_irq_count(const struct idr_syscheck *sc, const struct idr_sc_opts *o)
{
	char pre[IDR_DEVNAME_MAX + 8];
	unsigned long long sum = 0;
	unsigned int first;

	if (!*sc->disk || !irq_prefix(sc, o, pre, sizeof(pre), &first) ||
	    scan_irqs(o, pre, first, add_counts, &sum))
		return -1;
	return (long long)sum;
}

static int check_irq(struct idr_syscheck *sc, const struct idr_sc_opts *o)
{
	struct idr_sc_item *it = &sc->item[IDR_SC_IRQ];
	struct irq_tally t = { .sc = sc, .o = o };
	char pre[IDR_DEVNAME_MAX + 8];
	unsigned int first;
	int ret;

	if (!*sc->disk || !irq_prefix(sc, o, pre, sizeof(pre), &first)) {
		VALUE(it, IDR_SC_NA, "-");
		WHY(it, "%s%s has no queue interrupts of its own", *sc->disk ? "a " : "",
		    *sc->disk ? sc->kind : "a target on no block device");
		return 0;
	}
	ret = scan_irqs(o, pre, first, check_one_irq, &t);
	ret = ret == -ENOENT ? 0 : ret;
	if (!t.n) {
		VALUE(it, IDR_SC_INFO, "none found");
		WHY(it, "no %s%s* line in %s/interrupts (every queue polled?)", pre,
		    first ? "1" : "0", o->proc);
		return ret;
	}
	VALUE(it, t.bad ? IDR_SC_COSTS : IDR_SC_GOOD,
	      "%u queue interrupt%s (%s%u...), %u "
	      "off their queue's CPUs",
	      t.n, t.n == 1 ? "" : "s", pre, first, t.bad);
	if (!t.bad) {
		WHY(it, "each lands on a CPU its queue serves");
		return ret;
	}
	WHY(it,
	    "%s%s: its completions interrupt another CPU, then reach the submitter by an "
	    "inter-processor interrupt",
	    t.first_bad, t.bad > 1 ? ", and more" : "");
	FIX(it,
	    "echo CPUS > %s/irq/N/smp_affinity_list with each queue's CPUs (%s/class/block/"
	    "%s/mq/Q/cpu_list); the kernel refuses this for its managed interrupts: then "
	    "stop what moved them (systemctl stop irqbalance) and reload the driver",
	    o->proc, o->sys, sc->disk);
	return ret;
}

/* ---- the CPUs: frequency and idle ------------------------------------------------------- */

/* CPUs of the run whose governor is not performance; can they be switched? */
static int check_governor(struct idr_syscheck *sc, const struct idr_sc_opts *o)
{
	struct idr_sc_item *it = &sc->item[IDR_SC_GOVERNOR];
	char gov[64], avail[256], path[PATH_MAX], list[256], other[64] = "";
	cpu_set_t slow;
	int c, ret = 0, seen = 0;

	CPU_ZERO(&slow);
	for (c = 0; c < CPU_SETSIZE && !ret; c++) {
		if (!CPU_ISSET(c, &sc->used))
			continue;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cpufreq", o->sys, c);
		if (readf(gov, sizeof(gov), "%s/scaling_governor", path) <= 0)
			continue;
		seen++;
		if (!strcmp(gov, "performance"))
			continue;
		CPU_SET(c, &slow);
		snprintf(other, sizeof(other), "%s", gov);
		readf(avail, sizeof(avail), "%s/scaling_available_governors", path);
		if (strstr(avail, "performance")) {
			snprintf(path + strlen(path), sizeof(path) - strlen(path),
				 "/scaling_governor");
			ret = add_knob(sc, IDR_SC_GOVERNOR, path, gov, "performance");
		}
	}
	if (!seen) {
		VALUE(it, IDR_SC_NA, "no cpufreq");
		WHY(it, "the kernel does not set the clock here (a virtual machine, or a fixed "
			"frequency)");
		return ret;
	}
	idr_cpulist_str(&slow, list, sizeof(list));
	VALUE(it, CPU_COUNT(&slow) ? IDR_SC_COSTS : IDR_SC_GOOD, "%s%s%s",
	      CPU_COUNT(&slow) ? other : "performance", CPU_COUNT(&slow) ? " on CPUs " : "", list);
	if (it->state == IDR_SC_GOOD) {
		WHY(it, "the run's CPUs keep their highest clock");
		return ret;
	}
	WHY(it, "the clock follows the load: a burst starts slow, and a CPU that waits on I/O "
		"clocks down");
	FIX(it,
	    "cpupower frequency-set -g performance (package linux-cpupower), or echo "
	    "performance > %s/devices/system/cpu/cpuN/cpufreq/scaling_governor for CPUs %s",
	    o->sys, list);
	return ret;
}

/* One CPU's idle states slower to leave than IDR_SC_IDLE_MAX_US and enabled: knobs. */
static int deep_states(struct idr_syscheck *sc, const char *dir, char *names_out, size_t len)
{
	char name[32], path[PATH_MAX];
	long lat, off;
	int s, ret = 0;

	for (s = 0; !ret; s++) {
		if (snprintf(path, sizeof(path), "%s/state%d", dir, s) >= (int)sizeof(path) - 16)
			break;
		lat = readf_long(-1, "%s/latency", path);
		if (lat < 0)
			break;
		off = readf_long(0, "%s/disable", path);
		if (lat <= IDR_SC_IDLE_MAX_US || off)
			continue;
		readf(name, sizeof(name), "%s/name", path);
		if (!strstr(names_out, name) && strlen(names_out) + strlen(name) + 16 < len)
			snprintf(names_out + strlen(names_out), len - strlen(names_out),
				 "%s%s "
				 "(%ld µs)",
				 *names_out ? ", " : "", name, lat);
		strncat(path, "/disable", sizeof(path) - strlen(path) - 1);
		ret = add_knob(sc, IDR_SC_IDLE, path, "0", "1");
	}
	return ret;
}

static int check_idle(struct idr_syscheck *sc, const struct idr_sc_opts *o)
{
	struct idr_sc_item *it = &sc->item[IDR_SC_IDLE];
	char drv[64], gov[64], deep[200] = "", dir[PATH_MAX];
	unsigned int before = sc->nr_knobs;
	int c, ret = 0;

	if (readf(drv, sizeof(drv), "%s/devices/system/cpu/cpuidle/current_driver", o->sys) <= 0 ||
	    !strcmp(drv, "none")) {
		VALUE(it, IDR_SC_NA, "no cpuidle driver");
		WHY(it, "idle is a plain halt or the hypervisor's: nothing to set");
		return 0;
	}
	if (readf(gov, sizeof(gov), "%s/devices/system/cpu/cpuidle/current_governor_ro", o->sys) <=
	    0)
		readf(gov, sizeof(gov), "%s/devices/system/cpu/cpuidle/current_governor", o->sys);
	for (c = 0; c < CPU_SETSIZE && !ret; c++) {
		snprintf(dir, sizeof(dir), "%s/devices/system/cpu/cpu%d/cpuidle", o->sys, c);
		if (CPU_ISSET(c, &sc->used))
			ret = deep_states(sc, dir, deep, sizeof(deep));
	}
	VALUE(it, sc->nr_knobs > before ? IDR_SC_COSTS : IDR_SC_GOOD, "%s, governor %s%s%s", drv,
	      *gov ? gov : "?", *deep ? "; enabled: " : "", deep);
	if (it->state == IDR_SC_GOOD) {
		WHY(it, "no enabled idle state takes more than %d µs to leave", IDR_SC_IDLE_MAX_US);
		return ret;
	}
	WHY(it, "a completion interrupt that ends an idle gap waits for the CPU to wake from "
		"these states (polled I/O does not idle)");
	FIX(it, "cpupower idle-set -D %d (disables the idle states slower than %d µs to leave)",
	    IDR_SC_IDLE_MAX_US, IDR_SC_IDLE_MAX_US);
	return ret;
}

/* ---- the whole check ------------------------------------------------------------------ */

static int find_disk(struct idr_syscheck *sc, const struct idr_sc_opts *o, const char *disk,
		     char *err, size_t errlen)
{
	struct idr_blkdev b;

	if (!*disk)
		return 0;
	if (idr_blkdev_by_name(o->sys, disk, &b)) {
		snprintf(err, errlen, "%s: no such block device in %s/class/block", disk, o->sys);
		return -ENODEV;
	}
	idr_strcpy(sc->disk, sizeof(sc->disk), b.disk[0] ? b.disk : b.name);
	idr_strcpy(sc->kind, sizeof(sc->kind), b.kind);
	sc->lbsize = b.lbsize;
	if (!strcmp(b.kind, "nvme")) {
		idr_strcpy(sc->ctrl, sizeof(sc->ctrl), b.ctrl);
		if (!strncmp(sc->ctrl, "nvme-subsys", 11))
			first_ctrl(o->sys, sc->ctrl, sizeof(sc->ctrl));
	}
	return 0;
}

static int check_queue(struct idr_syscheck *sc, const struct idr_sc_opts *o)
{
	char q[PATH_MAX];
	int ret;

	snprintf(q, sizeof(q), "%s/class/block/%s/queue", o->sys, sc->disk);
	if (!*sc->disk) {
		for (int i = IDR_SC_SCHEDULER; i <= IDR_SC_WCACHE; i++) {
			VALUE(&sc->item[i], IDR_SC_NA, "-");
			WHY(&sc->item[i], "no block device under the target (tmpfs, or a "
					  "filesystem on no disk)");
		}
		return 0;
	}
	ret = check_scheduler(sc, q);
	if (!ret)
		ret = check_number(sc, q, IDR_SC_IOSTATS, "0",
				   "off: no per-I/O accounting (/proc/diskstats stops counting)",
				   "the block layer times and counts every I/O for /proc/diskstats "
				   "and iostat");
	if (!ret)
		ret = check_number(sc, q, IDR_SC_NOMERGES, "2", "no merge attempts",
				   "the block layer looks for a queued request to merge each new "
				   "one into; random I/O never merges");
	check_poll(sc, o, q);
	check_wcache(sc, q);
	return ret;
}

int idr_sc_run(const struct idr_sc_opts *o, const char *disk, struct idr_syscheck *sc, char *err,
	       size_t errlen)
{
	int ret;

	memset(sc, 0, sizeof(*sc));
	sc->poll_queues = sc->io_poll = -1;
	ret = find_disk(sc, o, disk ? disk : "", err, errlen);
	if (ret)
		return ret;
	sc->numa_node = disk_node(sc, o);
	ret = choose_cpus(sc, o, err, errlen);
	if (!ret)
		ret = check_queue(sc, o);
	check_numa(sc, o);
	if (!ret)
		ret = check_irq(sc, o);
	if (!ret)
		ret = check_governor(sc, o);
	if (!ret)
		ret = check_idle(sc, o);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret)
		idr_sc_free(sc);
	return ret;
}

void idr_sc_free(struct idr_syscheck *sc)
{
	free(sc->knob);
	sc->knob = NULL;
	sc->nr_knobs = 0;
}
