/*
 * saturate.h - iodrill tune TARGET --saturate: a guided search for the one-core peak and
 * the device peak of an io_uring engine, and what in the system holds them back. Shared
 * by the command (saturate.c: options, set-up, the system check and its changes), the
 * search (saturate_search.c: one fio run per point, the phases) and the report
 * (saturate_report.c: table, findings, JSON, chart, the job file that reproduces the
 * peak). tune.c hands its command line here when it holds --saturate; devices.c prints
 * the system check through idr_sc_print.
 */
#ifndef IDR_CLI_SATURATE_H
#define IDR_CLI_SATURATE_H

#include <stdbool.h>
#include <stdio.h>

#include "run/drilltarget.h"
#include "run/engsel.h"
#include "run/run.h"
#include "syscheck.h"

/* What `iodrill help tune` adds for --saturate (tune.c appends it to its own help). */
#define IDR_SATURATE_HELP                                                                       \
	"\n"                                                                                    \
	"iodrill tune TARGET --saturate [--engine E] [options]\n"                               \
	"\n"                                                                                    \
	"A guided search for the one-core peak (the most IOPS one job on one CPU drives) and\n" \
	"the device peak (the fewest jobs within 5% of the most IOPS found) of an io_uring\n"   \
	"engine (default uring_fixed; uring_passthru on /dev/ngXnY), from\n"                    \
	"profiles/saturate.fio: random reads, registered buffers and files. One job: iodepth\n" \
	"1, 2, 4 ... until IOPS stop rising, then the submit/complete batch, polled\n"          \
	"completions (hipri) where the device has poll queues, 512 B, 4 KiB and the logical\n"  \
	"block size, each at its own iodepth (one doubling or halving). Then a duel: the 3\n"   \
	"best one-job settings run interleaved, 3 rounds (A B C A B C A B C); the best\n"       \
	"median (as points are ranked) is the one-core peak, its median run its figures.\n"     \
	"Its settings with SQPOLL, the thread on a second CPU (two cores: told apart). Then\n"  \
	"2, 4 ... jobs up to the CPUs of the device's NUMA node, until more jobs stop adding\n" \
	"5%. Jobs are pinned one per CPU of that node. Each point says\n"                       \
	"whether the CPU (CPU per I/O x IOPS against the cores used) or the device held it.\n"  \
	"First, the system check (as iodrill devices PATH prints it): every setting that\n"     \
	"costs IOPS, with the command that changes it.\n"                                       \
	"\n"                                                                                    \
	"  --saturate          this search instead of tune's depth sweep\n"                     \
	"  --engine E          uring_fixed, or uring_passthru (io_uring's options)\n"           \
	"  --cpus LIST         the CPUs to run on (default: the device's NUMA node's)\n"        \
	"  --max-iodepth N     the deepest queue per job, 1..16384 (default 1024)\n"            \
	"  --hipri auto|on|off polled completions: where the device has poll queues\n"          \
	"                      (auto), every point (on: refused where it cannot poll), never\n" \
	"  --runtime MS, --ramp MS  measured and warm-up time per point (default 2000\n"        \
	"                      and 500); the duel's runs are 2x as long\n"                      \
	"  --apply-recommended change the settings that cost IOPS (scheduler none,\n"           \
	"                      iostats 0, nomerges 2, queue IRQs, governor, deep idle\n"        \
	"                      states) for the run; every value is restored when it ends,\n"    \
	"                      also on failure and Ctrl-C\n"                                    \
	"  --write-profile FILE  a fio job file that reproduces the peaks\n"                    \
	"  --size, --json, --png, --no-png, --keep, --results, --no-archive  as above\n"        \
	"Timing on a machine others use is noisy: the report says how busy the machine was.\n"  \
	"Exit 0; 1 when a point failed, a setting could not be put back (the undo script is\n"  \
	"kept and named), or the run could not be stored; 2 on bad input; 128+N on signal N.\n"

/* iodrill tune ... --saturate: the command. Returns the exit status. */
int idr_saturate(int argc, char **argv);

/*
 * idr_sc_default_opts - the system check's roots: /sys and /proc, or under
 * $IODRILL_SYSCHECK_ROOT (DIR/sys, DIR/proc: a test's fixture). bufs hold the paths.
 */
void idr_sc_default_opts(struct idr_sc_opts *o, char (*bufs)[PATH_MAX]);

/* idr_sc_disk_of - the whole disk under path (a block device, /dev/ngXnY, or a file on a
 * disk's filesystem) into disk, "" when there is none (tmpfs). */
void idr_sc_disk_of(const char *path, char *disk, size_t len);

/*
 * idr_sc_report - the system check of disk on the CPUs of its NUMA node this process may
 * use: printed on out, or as JSON into *json when json is not NULL. Returns 0, or -errno
 * after a message on stderr.
 */
int idr_sc_report(const char *disk, FILE *out, struct json_object **json);

/* idr_sc_print - the system check as lines for people. */
void idr_sc_print(const struct idr_syscheck *sc, FILE *out);

/* idr_sc_json - the system check as a JSON object. */
struct json_object *idr_sc_json(const struct idr_syscheck *sc);

/* ---- the command's state (not a public interface) --------------------------------------- */

#define SAT_MAX_POINTS 160
/* A point whose threads keep this share of the cores it used busy is CPU-bound. */
#define SAT_CPU_BOUND 0.85
#define SAT_MAX_BS 3
#define SAT_MAX_JOBCOUNTS 16

enum sat_hipri { SAT_HIPRI_AUTO, SAT_HIPRI_ON, SAT_HIPRI_OFF };

struct sat_opts {
	const char *target, *engine, *cpus, *png, *keep, *results, *write_profile;
	unsigned int max_depth, runtime_ms, ramp_ms;
	unsigned long long size;
	enum sat_hipri hipri;
	bool apply, json, no_png, no_archive;
};

/* One point's settings. */
struct sat_cfg {
	unsigned int jobs, depth, batch, bs; /* batch: submit and reap up to this many */
	bool hipri;
	int sq_cpu; /* SQPOLL: the CPU of the job's submission thread; -1: no SQPOLL */
};

enum sat_phase { SAT_DEPTH, SAT_BATCH, SAT_HIPRI, SAT_BS, SAT_DUEL, SAT_SQPOLL, SAT_JOBS };

/* The duel: the best one-job settings found, run interleaved (A B C A B C ...). Rounds is
 * odd, so a median is one run's. */
#define SAT_DUEL_MAX 3
#define SAT_DUEL_NAMES "ABC" /* a name per candidate */
#define SAT_DUEL_ROUNDS 3

/* What held a point. */
enum sat_bound { SAT_BOUND_CPU, SAT_BOUND_SHARED, SAT_BOUND_DEVICE, SAT_BOUND_POLL };

struct sat_point {
	struct sat_cfg c;
	enum sat_phase phase;
	char label[48];
	double iops;	       /* fio: all jobs together */
	double p50_us, p99_us; /* the engine's histograms merged, else fio's clat */
	bool lat_engine;       /* p50/p99 from the engine's histograms */
	double score;	       /* what the search ranks it by: iops, or (rank_by_cpu) the IOPS its
				  cores would drive at its CPU per I/O */
	double cpu_us_io, syscalls_io; /* the sidecar: every thread the engine ran */
	double busy;		       /* cores busy: CPU per I/O x IOPS */
	double others;		       /* cores the rest of the machine used meanwhile */
	double idle;		       /* cores idle meanwhile */
	double irqs_io;		       /* the device's queue interrupts per I/O, -1 unknown */
	bool have_sidecar, polled;     /* polled: the ring ran with IOPOLL */
	enum sat_bound bound;
};

/*
 * The duel for the one-core peak: the SAT_DUEL_MAX best distinct one-job settings of the
 * search, by their best run, each run SAT_DUEL_ROUNDS times, interleaved; the best median
 * score wins (scores as the search ranks points).
 */
struct sat_duel {
	unsigned int nr;	 /* candidates */
	unsigned int runtime_ms; /* of each run */
	int found[SAT_DUEL_MAX]; /* the search's best run of each: it nominated it */
	int runs[SAT_DUEL_MAX][SAT_DUEL_ROUNDS]; /* its runs in the duel, in order */
	int median_run[SAT_DUEL_MAX];		 /* the run with the median score */
	int winner;				 /* a candidate, -1 before the duel ends */
	char why[400];
};

/* The depth sweep of one job count. */
struct sat_sweep {
	unsigned int jobs;
	unsigned int first, n; /* its points: p[first .. first + n) */
	int best, knee;	       /* indexes into p, -1 when none */
};

struct sat {
	struct sat_opts o;
	struct idr_run run;
	struct idr_drill_target t;
	struct idr_picks picks;
	const struct idr_pick *k;
	struct idr_sc_opts sco;
	char sc_roots[2][PATH_MAX];
	struct idr_syscheck sc;
	bool have_sc;
	struct idr_sc_undo undo;
	bool applied;
	char restore_err[1024];
	char base[PATH_MAX];		    /* profiles/saturate.fio */
	unsigned int nr_cpus;		    /* CPUs the jobs may use (sc.used) */
	unsigned int bs[SAT_MAX_BS], nr_bs; /* block sizes to try, the first the base */
	bool can_poll;
	bool rank_by_cpu;     /* no device under the target: points ranked by CPU per I/O */
	char hipri_why[1024]; /* why polled completions were or were not chosen */
	struct sat_cfg best1; /* the one-core peak's settings (the duel's winner) */
	struct sat_point p[SAT_MAX_POINTS];
	unsigned int n;
	struct sat_sweep sw[SAT_MAX_JOBCOUNTS];
	unsigned int nr_sw;
	int one_core[SAT_MAX_BS]; /* the best one-job point per block size, -1 when none */
	struct sat_duel duel;
	int peak1;	      /* the one-core peak: the duel winner's median run, or -1 */
	int sqpoll;	      /* the one-core peak's settings with SQPOLL, or -1 */
	char sqpoll_why[680]; /* why SQPOLL was not tried, or failed */
	int device;	      /* the device peak's point, or -1 */
	int top;	      /* the best point of all (by score, SQPOLL's left out), or -1 */
	char failed[640];
	char png[PATH_MAX];
	double online; /* CPUs online (for the machine's load) */
};

/* saturate_search.c */

/* sat_search - the phases. Returns 0, -EINTR, or -EIO (s->failed says). */
int sat_search(struct sat *s);

/*
 * sat_job_global - the [global] section of a point's job file: profiles/saturate.fio's
 * [global] lines, except those a point sets, then runtime_ms and the ramp; with
 * runtime_ms 0 (a job file fio runs alone) ioengine and filename instead, and the
 * profile's runtime. sat_job_section - one job section with cfg's settings (block size,
 * depth, batches, hipri, jobs pinned one per CPU). Return 0 or -errno.
 */
int sat_job_global(const struct sat *s, FILE *f, unsigned int runtime_ms);
int sat_job_section(const struct sat *s, FILE *f, const struct sat_cfg *c, const char *name);

/* sat_cpus_of - the CPUs jobs jobs run on (the first jobs of sc.used), as a list. */
void sat_cpus_of(const struct sat *s, unsigned int jobs, char *buf, size_t len);

/* saturate_report.c */
void sat_print_header(const struct sat *s, FILE *out);
void sat_print(const struct sat *s, FILE *out);
void sat_print_json(const struct sat *s, FILE *out);
int sat_plot(const struct sat *s, char *err, size_t errlen);
int sat_write_profile(const struct sat *s, char *err, size_t errlen);
const char *sat_bound_name(enum sat_bound b);
const char *sat_phase_name(enum sat_phase p);
/* sat_cfg_str - "1 job, iodepth 32, batch 32, 4 KiB, polled". */
char *sat_cfg_str(const struct sat_cfg *c, char *buf, size_t len);

#endif
