/*
 * test_syscheck.c - nvme/syscheck.c and sysapply.c on a fake /sys and /proc (the sysfs
 * fixture, tests/unit/sysfs_fixture.c, plus the files written here): every setting as the
 * peak recipes want it and as they do not, the CPUs chosen from the device's NUMA node
 * and the refusals (no CPU in the node, CPUs offline), --apply-recommended's changes and
 * their undoing (by restore, and by the undo script a killed run leaves), CPU lists.
 *
 * The machine here: CPUs 0-3 online, node 0 = CPUs 0-1, node 1 = CPUs 2-3; nvme0 on
 * node 1 with two I/O queues (nvme0q1 serves CPU 2, nvme0q2 CPU 3) and two poll queues.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "syscheck.h"
#include "sysfs_fixture.h"
#include "unit.h"

#define NV0 "devices/pci0000:00/0000:00:04.0/nvme/nvme0"
#define Q NV0 "/nvme0n1/queue"

static char proc[PATH_MAX], err[1024];

static void put(const char *rel, const char *text)
{
	char line[256];

	snprintf(line, sizeof(line), "%s\n", text);
	CU_ASSERT_EQUAL_FATAL(fixture_write(fixture_sys, rel, line, strlen(line)), 0);
}

/* What a test reads back: the first line of root/rel. */
static const char *get(const char *rel)
{
	static char buf[256];
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fixture_sys, rel);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void cpu(int c, const char *gov, int c6_disabled)
{
	char rel[160], v[8];

	snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);
	put(rel, gov);
	snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cpufreq/scaling_available_governors",
		 c);
	put(rel, "performance powersave");
	static const char *const st[][2] = { { "POLL", "0" }, { "C1", "2" }, { "C6", "133" } };
	for (int s = 0; s < 3; s++) {
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cpuidle/state%d/name", c, s);
		put(rel, st[s][0]);
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cpuidle/state%d/latency", c,
			 s);
		put(rel, st[s][1]);
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cpuidle/state%d/disable", c,
			 s);
		snprintf(v, sizeof(v), "%d", s == 2 ? c6_disabled : 0);
		put(rel, v);
	}
}

static void irq(unsigned int n, const char *mask, const char *eff)
{
	char rel[160];

	snprintf(rel, sizeof(rel), "proc/irq/%u/smp_affinity_list", n);
	put(rel, mask);
	snprintf(rel, sizeof(rel), "proc/irq/%u/effective_affinity_list", n);
	put(rel, eff);
}

/* Everything as the peak recipes want it. */
static void machine_good(void)
{
	put("devices/system/cpu/online", "0-3");
	put("devices/system/node/node0/cpulist", "0-1");
	put("devices/system/node/node1/cpulist", "2-3");
	put(NV0 "/numa_node", "1");
	put(Q "/scheduler", "[none] mq-deadline");
	put(Q "/iostats", "0");
	put(Q "/nomerges", "2");
	put(Q "/io_poll", "1");
	put(Q "/write_cache", "write back");
	put("module/nvme/parameters/poll_queues", "2");
	put(NV0 "/nvme0n1/mq/0/cpu_list", "2");
	put(NV0 "/nvme0n1/mq/1/cpu_list", "3");
	put(NV0 "/nvme0n1/mq/2/cpu_list", "2");
	put("proc/interrupts", "           CPU0       CPU1       CPU2       CPU3\n"
			       " 28:   30  0  0  0  PCI-MSI 49152-edge      nvme0q0\n"
			       " 29:    0  0  9  0  PCI-MSI 49153-edge      nvme0q1\n"
			       " 30:    0  0  0  7  PCI-MSI 49154-edge      nvme0q2\n"
			       " 36:    0  5  0  0  PCI-MSIX-0000:00:02.0   1-edge  virtio1-req.0");
	irq(28, "0-3", "0");
	irq(29, "2", "2");
	irq(30, "3", "3");
	put("devices/system/cpu/cpuidle/current_driver", "intel_idle");
	put("devices/system/cpu/cpuidle/current_governor_ro", "menu");
	for (int c = 0; c < 4; c++)
		cpu(c, "performance", 1);
}

/* Everything that costs IOPS: on the nvme0n1 of machine_good. */
static void machine_bad(void)
{
	machine_good();
	put(Q "/scheduler", "none [mq-deadline]");
	put(Q "/iostats", "1");
	put(Q "/nomerges", "0");
	put(Q "/io_poll", "0");
	put("module/nvme/parameters/poll_queues", "0");
	irq(29, "0-1", "0");
	for (int c = 0; c < 4; c++)
		cpu(c, "powersave", 0);
}

static struct idr_sc_opts opts(const char *cpus)
{
	return (struct idr_sc_opts){ .sys = fixture_sys, .proc = proc, .cpus = cpus };
}

static int suite_up(void)
{
	if (sysfs_fixture_up())
		return 1;
	snprintf(proc, sizeof(proc), "%s/proc", fixture_sys);
	return 0;
}

/* ---- judging ---------------------------------------------------------------------------- */

static void all_good(void)
{
	struct idr_sc_opts o = opts(NULL);
	struct idr_syscheck sc;
	char cpus[64];
	int i;

	machine_good();
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sc.numa_node, 1);
	CU_ASSERT_STRING_EQUAL(idr_cpulist_str(&sc.used, cpus, sizeof(cpus)), "2-3");
	CU_ASSERT_EQUAL(sc.poll_queues, 2);
	CU_ASSERT_EQUAL(sc.io_poll, 1);
	CU_ASSERT_EQUAL(sc.lbsize, 4096);
	for (i = 0; i < IDR_SC_NR; i++) {
		enum idr_sc_state want = i == IDR_SC_WCACHE ? IDR_SC_INFO : IDR_SC_GOOD;

		if (sc.item[i].state != want)
			printf("\n  %s: %s (%s: %s)", idr_sc_name(i),
			       idr_sc_state_name(sc.item[i].state), sc.item[i].value,
			       sc.item[i].why);
		CU_ASSERT_EQUAL(sc.item[i].state, want);
		CU_ASSERT_STRING_EQUAL(sc.item[i].fix, "");
	}
	CU_ASSERT_EQUAL(sc.nr_knobs, 0);
	CU_ASSERT_EQUAL(idr_sc_costs(&sc), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_IRQ].value, "2 queue interrupts"));
	idr_sc_free(&sc);
}

static unsigned int knobs_of(const struct idr_syscheck *sc, enum idr_sc_what w)
{
	unsigned int i, n = 0;

	for (i = 0; i < sc->nr_knobs; i++)
		n += sc->knob[i].what == w;
	return n;
}

static void all_bad(void)
{
	struct idr_sc_opts o = opts("0-1");
	struct idr_syscheck sc;
	int i;

	machine_bad();
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), 0);
	for (i = 0; i < IDR_SC_NR; i++) {
		if (i == IDR_SC_WCACHE)
			continue;
		if (sc.item[i].state != IDR_SC_COSTS)
			printf("\n  %s: %s (%s)", idr_sc_name(i),
			       idr_sc_state_name(sc.item[i].state), sc.item[i].value);
		CU_ASSERT_EQUAL(sc.item[i].state, IDR_SC_COSTS);
		CU_ASSERT_STRING_NOT_EQUAL(sc.item[i].fix, "");
		CU_ASSERT_STRING_NOT_EQUAL(sc.item[i].why, "");
	}
	CU_ASSERT_EQUAL(idr_sc_costs(&sc), IDR_SC_NR - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_SCHEDULER].fix, "echo none > "));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_SCHEDULER].value, "mq-deadline"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_POLL].fix, "nvme.poll_queues=N"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_NUMA].why, "CPUs 0-1 of the run"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_NUMA].fix, "cpus_allowed=2-3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_IRQ].why, "nvme0q1 (IRQ 29) on CPU 0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_GOVERNOR].value, "powersave on CPUs 0-1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_GOVERNOR].fix, "cpupower frequency-set"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_IDLE].value, "C6 (133 µs)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.item[IDR_SC_IDLE].fix, "cpupower idle-set -D 10"));
	/* What --apply-recommended would change: queue settings, the one IRQ, the run's
	 * CPUs' governor and deep idle state; never poll queues (a driver reload), NUMA
	 * (pinning) or the write cache. */
	CU_ASSERT_EQUAL(knobs_of(&sc, IDR_SC_SCHEDULER), 1);
	CU_ASSERT_EQUAL(knobs_of(&sc, IDR_SC_IOSTATS), 1);
	CU_ASSERT_EQUAL(knobs_of(&sc, IDR_SC_NOMERGES), 1);
	CU_ASSERT_EQUAL(knobs_of(&sc, IDR_SC_IRQ), 1);
	CU_ASSERT_EQUAL(knobs_of(&sc, IDR_SC_GOVERNOR), 2);
	CU_ASSERT_EQUAL(knobs_of(&sc, IDR_SC_IDLE), 2);
	CU_ASSERT_EQUAL(sc.nr_knobs, 8);
	CU_ASSERT_FALSE(sc.item[IDR_SC_POLL].can_apply);
	CU_ASSERT_FALSE(sc.item[IDR_SC_NUMA].can_apply);
	idr_sc_free(&sc);
}

/* Each setting alone: one bad among good ones costs, and only it. */
static void one_at_a_time(void)
{
	static const struct {
		const char *rel, *bad;
		enum idr_sc_what what;
	} one[] = {
		{ Q "/scheduler", "none mq-deadline [kyber]", IDR_SC_SCHEDULER },
		{ Q "/iostats", "1", IDR_SC_IOSTATS },
		{ Q "/nomerges", "1", IDR_SC_NOMERGES },
		{ Q "/io_poll", "0", IDR_SC_POLL },
		{ "proc/irq/30/effective_affinity_list", "1", IDR_SC_IRQ },
		{ "devices/system/cpu/cpu3/cpufreq/scaling_governor", "schedutil",
		  IDR_SC_GOVERNOR },
		{ "devices/system/cpu/cpu2/cpuidle/state2/disable", "0", IDR_SC_IDLE },
	};
	struct idr_sc_opts o = opts(NULL);
	struct idr_syscheck sc;
	unsigned int i;

	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		machine_good();
		put(one[i].rel, one[i].bad);
		CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(idr_sc_costs(&sc), 1);
		CU_ASSERT_EQUAL(sc.item[one[i].what].state, IDR_SC_COSTS);
		idr_sc_free(&sc);
	}
}

static void no_disk_and_loop(void)
{
	struct idr_sc_opts o = opts(NULL);
	struct idr_syscheck sc;
	char cpus[64];

	machine_good();
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "", &sc, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(idr_cpulist_str(&sc.used, cpus, sizeof(cpus)), "0-3");
	CU_ASSERT_EQUAL(sc.item[IDR_SC_SCHEDULER].state, IDR_SC_NA);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_POLL].state, IDR_SC_NA);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_NUMA].state, IDR_SC_NA);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_IRQ].state, IDR_SC_NA);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_GOVERNOR].state, IDR_SC_GOOD);
	idr_sc_free(&sc);
	/* loop3 has no queue files but logical_block_size in the fixture, no IRQs, no node. */
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "loop3", &sc, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(sc.kind, "loop");
	CU_ASSERT_EQUAL(sc.numa_node, -1);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_POLL].state, IDR_SC_NA);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_IRQ].state, IDR_SC_NA);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_NUMA].state, IDR_SC_INFO); /* two nodes, loop3's unknown */
	idr_sc_free(&sc);
	/* A partition is checked as its disk. */
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "nvme0n1p2", &sc, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(sc.disk, "nvme0n1");
	idr_sc_free(&sc);
	CU_ASSERT_EQUAL(idr_sc_run(&o, "nvme9n9", &sc, err, sizeof(err)), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nvme9n9"));
}

/* The queue interrupts taken so far: I/O queues only (not nvme0q0, the admin queue). */
static void irq_counts(void)
{
	struct idr_sc_opts o = opts(NULL);
	struct idr_syscheck sc;

	machine_good();
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(idr_sc_irq_count(&sc, &o), 16);
	idr_sc_free(&sc);
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "loop3", &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(idr_sc_irq_count(&sc, &o), -1);
	idr_sc_free(&sc);
}

static void idle_and_cpufreq_absent(void)
{
	struct idr_sc_opts o = opts(NULL);
	struct idr_syscheck sc;

	machine_good();
	put("devices/system/cpu/cpuidle/current_driver", "none");
	for (int c = 0; c < 4; c++) {
		char rel[96];

		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);
		put(rel, "");
	}
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_IDLE].state, IDR_SC_NA);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_GOVERNOR].state, IDR_SC_NA);
	idr_sc_free(&sc);
}

/* ---- the CPUs --------------------------------------------------------------------------- */

static void cpus_refused(void)
{
	struct idr_sc_opts o = opts(NULL);
	struct idr_syscheck sc;
	cpu_set_t only0;

	machine_good();
	put("devices/system/node/node1/cpulist", "");
	CU_ASSERT_EQUAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), -EXDEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "NUMA node 1, which has no CPU"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--cpus"));
	/* CPUs of the node exist, but this process may not run there. */
	machine_good();
	CPU_ZERO(&only0);
	CPU_SET(0, &only0);
	o.allowed = &only0;
	CU_ASSERT_EQUAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), -EXDEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "node 1's CPUs: 2-3; online and allowed: 0"));
	o = opts("7");
	CU_ASSERT_EQUAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--cpus 7: CPU 7 is not online"));
	o = opts("1-x");
	CU_ASSERT_EQUAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--cpus 1-x is not a CPU list"));
	/* --cpus given: the check uses them, even off the node (and says it costs). */
	o = opts("1,3");
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(CPU_COUNT(&sc.used), 2);
	CU_ASSERT_EQUAL(sc.item[IDR_SC_NUMA].state, IDR_SC_COSTS);
	idr_sc_free(&sc);
}

static void cpulists(void)
{
	static const char *const bad[] = { "a", "1-", "3-1", "1,,2", "1,", "-1", "1 2", "99999" };
	char buf[64];
	cpu_set_t s;
	unsigned int i;

	CU_ASSERT_EQUAL(idr_cpulist_parse("0-3,8,10-11\n", &s), 0);
	CU_ASSERT_EQUAL(CPU_COUNT(&s), 7);
	CU_ASSERT_STRING_EQUAL(idr_cpulist_str(&s, buf, sizeof(buf)), "0-3,8,10-11");
	CU_ASSERT_EQUAL(idr_cpulist_nth(&s, 4), 8);
	CU_ASSERT_EQUAL(idr_cpulist_nth(&s, 7), -1);
	CU_ASSERT_EQUAL(idr_cpulist_parse("", &s), 0);
	CU_ASSERT_EQUAL(CPU_COUNT(&s), 0);
	CU_ASSERT_STRING_EQUAL(idr_cpulist_str(&s, buf, sizeof(buf)), "");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(idr_cpulist_parse(bad[i], &s), -EINVAL);
}

/* ---- applying and restoring ------------------------------------------------------------- */

#define GOV0 "devices/system/cpu/cpu0/cpufreq/scaling_governor"
#define C6_1 "devices/system/cpu/cpu1/cpuidle/state2/disable"

static void script_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/undo.sh", fixture_sys);
	unlink(buf);
}

/* The files --apply-recommended writes on the bad machine (CPUs 0-1), and their values
 * before (bad) and after (good). A fixture's files are plain: the scheduler reads what
 * was written. */
static const char *const knob_files[] = { Q "/scheduler", Q "/iostats",
					  Q "/nomerges",  "proc/irq/29/smp_affinity_list",
					  GOV0,		  C6_1 };
static const char *const bad_values[] = { "mq-deadline", "1", "0", "0-1", "powersave", "0" };
static const char *const good_values[] = { "none", "0", "2", "2", "performance", "1" };

static void values_are(const char *const *want)
{
	for (unsigned int i = 0; i < sizeof(knob_files) / sizeof(knob_files[0]); i++)
		CU_ASSERT_STRING_EQUAL(get(knob_files[i]), want[i]);
}

/* The bad machine checked on CPUs 0-1, and every costly setting changed (8 knobs). */
static int check_and_apply(struct idr_syscheck *sc, struct idr_sc_undo *u, char *script, size_t len)
{
	struct idr_sc_opts o = opts("0-1");

	machine_bad();
	script_path(script, len);
	if (idr_sc_run(&o, "nvme0n1", sc, err, sizeof(err)))
		return -1;
	return idr_sc_apply(sc, script, u, err, sizeof(err));
}

static void apply_then_restore(void)
{
	struct idr_syscheck sc;
	struct idr_sc_undo u;
	char script[PATH_MAX];
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(check_and_apply(&sc, &u, script, sizeof(script)), 8);
	CU_ASSERT_STRING_EQUAL(u.refused, "");
	values_are(good_values);
	CU_ASSERT_EQUAL(stat(script, &st), 0);
	CU_ASSERT_EQUAL(idr_sc_restore(&u, err, sizeof(err)), 0);
	values_are(bad_values);
	CU_ASSERT_EQUAL(stat(script, &st), -1); /* removed once all hold */
	idr_sc_free(&sc);
}

/* A killed run leaves its undo script: running it puts every value back. */
static void undo_script_restores(void)
{
	struct idr_syscheck sc;
	struct idr_sc_undo u;
	char script[PATH_MAX], cmd[PATH_MAX + 8];

	CU_ASSERT_EQUAL_FATAL(check_and_apply(&sc, &u, script, sizeof(script)), 8);
	CU_ASSERT_STRING_EQUAL(get(Q "/iostats"), "0");
	snprintf(cmd, sizeof(cmd), "sh %s", script);
	CU_ASSERT_EQUAL(system(cmd), 0);
	values_are(bad_values);
	/* The script must exist before anything changes: a second apply refuses to overwrite
	 * the first's (O_EXCL) and changes nothing. */
	machine_bad();
	CU_ASSERT_EQUAL(idr_sc_apply(&sc, script, &u, err, sizeof(err)), -EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "undo script"));
	CU_ASSERT_STRING_EQUAL(get(Q "/iostats"), "1");
	unlink(script);
	free(u.v);
	idr_sc_free(&sc);
}

/* A knob the kernel refuses is named and left; one that will not go back is named, and
 * the script kept. */
static void refusals_and_failed_restore(void)
{
	struct idr_sc_opts o = opts("0-1");
	struct idr_syscheck sc;
	struct idr_sc_undo u;
	char script[PATH_MAX], path[PATH_MAX];
	struct stat st;

	machine_bad();
	script_path(script, sizeof(script));
	CU_ASSERT_EQUAL_FATAL(idr_sc_run(&o, "nvme0n1", &sc, err, sizeof(err)), 0);
	/* The IRQ's file becomes a folder: open for writing fails (EISDIR). */
	snprintf(path, sizeof(path), "%s/proc/irq/29/smp_affinity_list", fixture_sys);
	CU_ASSERT_EQUAL(unlink(path), 0);
	CU_ASSERT_EQUAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL(idr_sc_apply(&sc, script, &u, err, sizeof(err)), 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(u.refused, "smp_affinity_list: Is a directory"));
	/* iostats will not go back. */
	snprintf(path, sizeof(path), "%s/" Q "/iostats", fixture_sys);
	CU_ASSERT_EQUAL(unlink(path), 0);
	CU_ASSERT_EQUAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL(idr_sc_restore(&u, err, sizeof(err)), -EIO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "iostats still reads other than '1'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is kept"));
	CU_ASSERT_EQUAL(stat(script, &st), 0);
	/* Every other value is back all the same. */
	CU_ASSERT_STRING_EQUAL(get(Q "/scheduler"), "mq-deadline");
	CU_ASSERT_STRING_EQUAL(get(GOV0), "powersave");
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc/irq/29/smp_affinity_list", fixture_sys);
	rmdir(path);
	unlink(script);
	idr_sc_free(&sc);
}

static CU_TestInfo syscheck_tests[] = {
	{ "idr_sc_run/every setting as the peak recipes want it", all_good },
	{ "idr_sc_run/every setting that costs IOPS, with its fix", all_bad },
	{ "idr_sc_run/one setting off at a time costs alone", one_at_a_time },
	{ "idr_sc_run/no disk (tmpfs), a loop device, a partition, no such disk",
	  no_disk_and_loop },
	{ "idr_sc_run/no cpuidle driver, no cpufreq", idle_and_cpufreq_absent },
	{ "idr_sc_irq_count/the I/O queues' interrupts; none for a loop device", irq_counts },
	{ "idr_sc_run/CPUs: none in the node, not allowed, offline, not a list", cpus_refused },
	{ "idr_cpulist_parse/round trip and bad lists", cpulists },
	{ "idr_sc_apply/changes, then restore puts every value back", apply_then_restore },
	{ "idr_sc_apply/the undo script alone puts every value back", undo_script_restores },
	{ "idr_sc_apply/refused knobs named; a failed restore named, script kept",
	  refusals_and_failed_restore },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "nvme/syscheck.c", syscheck_tests, suite_up, sysfs_fixture_down },
	{ NULL, NULL, NULL, NULL },
};
