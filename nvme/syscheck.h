/*
 * syscheck.h - what in the system holds a device's peak IOPS back: its block queue's
 * settings (I/O scheduler, iostats, nomerges, poll queues, write cache), its NUMA node
 * against the CPUs a run uses, where the interrupts of its queues land, and those CPUs'
 * frequency governor and idle states. Each setting that costs IOPS is named with the
 * command that changes it. idr_sc_apply changes the ones that can be changed while the
 * system runs, after writing a script that undoes them; idr_sc_restore puts every value
 * it changed back.
 *
 * Reads files under two roots (/sys and /proc, or a fixture's): no fio types, no
 * libraries; unit-tested on fixtures (tests/unit/test_syscheck.c). iodrill devices TARGET
 * prints it; iodrill tune TARGET --saturate prints it first and pins its jobs to the CPUs
 * it chose.
 */
#ifndef IDR_NVME_SYSCHECK_H
#define IDR_NVME_SYSCHECK_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "blkdev.h"

/*
 * Idle states slower to leave than this (µs) cost IOPS: an interrupt that ends an idle
 * gap waits for the wake-up. `cpupower idle-set -D 10` disables the same ones.
 */
#define IDR_SC_IDLE_MAX_US 10

/* The settings, in the order they are printed. */
enum idr_sc_what {
	IDR_SC_SCHEDULER,
	IDR_SC_IOSTATS,
	IDR_SC_NOMERGES,
	IDR_SC_POLL,
	IDR_SC_WCACHE,
	IDR_SC_NUMA,
	IDR_SC_IRQ,
	IDR_SC_GOVERNOR,
	IDR_SC_IDLE,
	IDR_SC_NR
};

enum idr_sc_state {
	IDR_SC_NA,    /* does not apply here (no block queue, no cpufreq, ...) */
	IDR_SC_GOOD,  /* as the peak recipes set it */
	IDR_SC_INFO,  /* worth knowing, costs no read IOPS */
	IDR_SC_COSTS, /* costs IOPS: fix says how to change it */
};

struct idr_sc_item {
	enum idr_sc_state state;
	char value[200]; /* what is in effect, in a few words */
	char why[320];	 /* what it costs, or why it is fine or does not apply */
	char fix[400];	 /* the command that changes it; "" when there is none */
	bool can_apply;	 /* idr_sc_apply can change it (it has knobs) */
};

/* One file idr_sc_apply would write. */
struct idr_sc_knob {
	enum idr_sc_what what;
	char path[192];
	char now[64]; /* the value in effect, as it is written back */
	char want[64];
};

struct idr_sc_opts {
	const char *sys, *proc; /* "/sys" and "/proc", or a fixture's */
	/* The CPUs this process may run on (sched_getaffinity); NULL: every online CPU. */
	const cpu_set_t *allowed;
	/* The CPUs the run uses, as a kernel CPU list ("0-3,8"); NULL: the device's node's. */
	const char *cpus;
};

struct idr_syscheck {
	char disk[IDR_DEVNAME_MAX]; /* whole disk (nvme0n1, loop3), "" for none (tmpfs) */
	char kind[16];		    /* nvme, loop, virtio, ... ("" without a disk) */
	char ctrl[IDR_DEVNAME_MAX]; /* NVMe: the controller whose queues serve it */
	int numa_node;		    /* -1: no NUMA, or not known */
	cpu_set_t node_cpus;	    /* the node's CPUs online and allowed (all without NUMA) */
	cpu_set_t used;		    /* the CPUs the run uses */
	int poll_queues;	    /* nvme.poll_queues; -1 when not NVMe or not readable */
	int io_poll;		    /* the disk's queue/io_poll: 1, 0, or -1 when absent */
	unsigned int lbsize;	    /* the disk's logical block size, 0 without a disk */
	struct idr_sc_item item[IDR_SC_NR];
	struct idr_sc_knob *knob;
	unsigned int nr_knobs;
};

/*
 * idr_sc_run - check disk ("" when the target is on no block device) and the CPUs: the
 * run's (o->cpus), else the online, allowed CPUs of the disk's NUMA node, else every
 * online, allowed CPU. Returns 0; -EINVAL when o->cpus is not a CPU list or names a CPU
 * that is offline or not allowed; -EXDEV when the disk's node has no CPU this process may
 * use; -ENODEV when disk is not in o->sys/class/block; -ENOMEM. A message is in err.
 */
int idr_sc_run(const struct idr_sc_opts *o, const char *disk, struct idr_syscheck *sc, char *err,
	       size_t errlen);

/* idr_sc_free - the knobs. */
void idr_sc_free(struct idr_syscheck *sc);

/* idr_sc_name - "scheduler", "iostats", ... as printed and in JSON. */
const char *idr_sc_name(enum idr_sc_what what);

/* idr_sc_state_name - "n/a", "ok", "info", "costs". */
const char *idr_sc_state_name(enum idr_sc_state s);

/* idr_sc_costs - how many settings cost IOPS. */
unsigned int idr_sc_costs(const struct idr_syscheck *sc);

/*
 * idr_sc_irq_count - the interrupts the disk's queues have taken so far, summed over
 * every CPU (/proc/interrupts), or -1 when it has none there (no queue interrupts known
 * for its kind, or every queue polled).
 */
long long idr_sc_irq_count(const struct idr_syscheck *sc, const struct idr_sc_opts *o);

/* ---- changing the settings, and putting them back ---------------------------------------- */

/* What idr_sc_apply changed: restore writes each now back, newest first. */
struct idr_sc_undo {
	struct idr_sc_knob *v;
	unsigned int n;
	char script[256];   /* the shell script that undoes them, "" once restored */
	char refused[1024]; /* the knobs that could not be changed, and why */
};

/*
 * idr_sc_apply - change every knob of the settings that cost IOPS to its wanted value.
 * First writes script (O_EXCL), a shell script that writes each old value back, so that
 * a run killed before idr_sc_restore can be undone by hand. A knob the kernel refuses
 * (a kernel-managed IRQ: EIO; no privilege: EACCES) is left as it is and named in
 * u->refused. Returns how many knobs changed (>= 0), or -errno when the script could not
 * be written (nothing changed; err says why).
 */
int idr_sc_apply(const struct idr_syscheck *sc, const char *script, struct idr_sc_undo *u,
		 char *err, size_t errlen);

/*
 * idr_sc_restore - write back every value idr_sc_apply changed, newest first, read each
 * back, and remove the script once all hold. Returns 0, or -EIO with the files that did
 * not take their old value named in err (the script is kept and named too).
 */
int idr_sc_restore(struct idr_sc_undo *u, char *err, size_t errlen);

/* ---- CPU lists -------------------------------------------------------------------------- */

/* idr_cpulist_parse - a kernel CPU list ("0-3,8,10-11"; "" is empty) into set. Returns 0 or
 * -EINVAL. */
int idr_cpulist_parse(const char *s, cpu_set_t *set);

/* idr_cpulist_str - set as a kernel CPU list into buf ("" when empty). Returns buf. */
char *idr_cpulist_str(const cpu_set_t *set, char *buf, size_t len);

/* idr_cpulist_nth - the n-th CPU (from 0) of set, or -1. */
int idr_cpulist_nth(const cpu_set_t *set, unsigned int n);

#endif
