/*
 * test_fleet.c - cli/run/fleet.c and what a fleet host's run leans on elsewhere: hosts as
 * typed and in a hosts file, fio's --client value for each; a remote call's command line
 * (its options moved into a copy of the job file, the ones fio forwards kept); the
 * engines' lines taken out of fio's output; a device identity sent by a host checked
 * before it names a folder (cli/archive/identity.c); fio --client's client_stats read as
 * jobs (cli/archive/fiojson.c). End to end with real servers: tests/fleet/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "archive/fiojson.h"
#include "archive/identity.h"
#include "remote.h"
#include "run/fleet.h"
#include "run/run.h"
#include "unit.h"

static char scratch[64];
static char err[1024];

static int setup(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/iodrill-unit-fleet.XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) ? -1 : 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;

	return idr_read_file(path, &text, &len) ? NULL : text;
}

/* ---- hosts ------------------------------------------------------------------------------- */

static void add_forms(void)
{
	struct idr_fleet f = { 0 };

	CU_ASSERT_EQUAL_FATAL(idr_fleet_add(&f, "127.0.0.2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(idr_fleet_add(&f, "db7.example:9000", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(idr_fleet_add(&f, "[::1]:8766", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(idr_fleet_add(&f, "fe80::2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 4);
	CU_ASSERT_STRING_EQUAL(f.v[0].client, "ip:127.0.0.2,8765");
	CU_ASSERT_STRING_EQUAL(f.v[1].client, "db7.example,9000");
	CU_ASSERT_STRING_EQUAL(f.v[2].client, "ip6:::1,8766");
	CU_ASSERT_STRING_EQUAL(f.v[3].client, "ip6:fe80::2,8765");
	CU_ASSERT_STRING_EQUAL(f.v[2].spec, "[::1]:8766");
	CU_ASSERT_PTR_NULL(strchr(f.v[2].label, '/'));
	idr_fleet_free(&f);
}

static void add_refusals(void)
{
	static const char *const bad[] = { "a b",    "h:0", "h:70000", "h:x",  "[::1",
					   "[::1]x", "",    "h/x",     "h;rm", NULL };
	struct idr_fleet f = { 0 };

	for (const char *const *b = bad; *b; b++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(idr_fleet_add(&f, *b, err, sizeof(err)), -EINVAL);
		CU_ASSERT(err[0] != '\0');
	}
	CU_ASSERT_EQUAL(f.n, 0);
	CU_ASSERT_EQUAL_FATAL(idr_fleet_add(&f, "127.0.0.2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(idr_fleet_add(&f, "127.0.0.2:8765", err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "named twice"));
	idr_fleet_free(&f);
}

static void load_file(void)
{
	struct idr_fleet f = { 0 };
	char path[128];

	snprintf(path, sizeof(path), "%s/hosts", scratch);
	write_file(path, "# the fleet\n\n  127.0.0.2   # first\n127.0.0.3:9000\r\n\t\n");
	CU_ASSERT_EQUAL_FATAL(idr_fleet_load(&f, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(f.n, 2);
	CU_ASSERT(f.from_file);
	CU_ASSERT_STRING_EQUAL(f.v[1].client, "ip:127.0.0.3,9000");
	idr_fleet_free(&f);

	write_file(path, "127.0.0.2\n127.0.0.3 /dev/sda\n");
	CU_ASSERT_EQUAL(idr_fleet_load(&f, path, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2"));
	idr_fleet_free(&f);

	write_file(path, "# nobody\n");
	CU_ASSERT_EQUAL(idr_fleet_load(&f, path, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "names no host"));
	idr_fleet_free(&f);

	snprintf(path, sizeof(path), "%s/none", scratch);
	CU_ASSERT_EQUAL(idr_fleet_load(&f, path, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	idr_fleet_free(&f);
}

/* ---- remote mode --------------------------------------------------------------------------- */

static struct idr_run run;
static char *argv_fx[] = { "drill", NULL };

static void begin_remote(const char *spec)
{
	struct idr_fleet f = { 0 };

	CU_ASSERT_EQUAL_FATAL(idr_run_begin(&run, "drill", 1, argv_fx, scratch, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL_FATAL(idr_fleet_add(&f, spec, err, sizeof(err)), 0);
	idr_remote_begin(&run, &f.v[0]);
	idr_fleet_free(&f);
	CU_ASSERT_PTR_NOT_NULL(idr_remote_host());
}

static void end_remote(void)
{
	idr_remote_end();
	idr_run_end(&run);
	CU_ASSERT_PTR_NULL(idr_remote_host());
}

static void argv_moves_options_into_job(void)
{
	const char *args[] = { "--ioengine=external:/x/sync.so",
			       "--filename=drill.dat",
			       "--iodepth=4",
			       "--readonly",
			       "--section=qd4",
			       NULL,
			       NULL };
	char job[300], copy[300], *text;
	char **v;
	int i, client = -1, ro = -1, sec = -1, file = -1;

	begin_remote("127.0.0.2:9000");
	snprintf(job, sizeof(job), "%s/p.fio", scratch);
	write_file(job, "[global]\nrw=randread\n[qd4]\niodepth=4\n");
	args[5] = job;
	v = idr_remote_argv(&run, "q1", args, true, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	idr_run_path(&run, "q1", ".fio", copy, sizeof(copy));
	for (i = 0; v[i]; i++) {
		client = !strcmp(v[i], "--client=ip:127.0.0.2,9000") ? i : client;
		ro = !strcmp(v[i], "--readonly") ? i : ro;
		sec = !strcmp(v[i], "--section=qd4") ? i : sec;
		file = !strcmp(v[i], copy) ? i : file;
		CU_ASSERT(strncmp(v[i], "--ioengine", 10) && strncmp(v[i], "--filename", 10));
	}
	/* fio passes on what follows --client=H to that server */
	CU_ASSERT(client > 0 && ro > client && sec > client && file == i - 1);
	text = slurp(copy);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "[global]\nioengine=external:/x/sync.so\n"
					    "filename=drill.dat\niodepth=4\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "readonly"));
	/* the engines send their lines back to a job that asks for a sidecar */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "iodepth=4\nsidecar=/dev/null\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "section"));
	/* the job file follows, whole: its own values still win */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n[global]\nrw=randread\n[qd4]\niodepth=4\n"));
	free(text);
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
	end_remote();
}

static void argv_refusals(void)
{
	const char *newline[] = { "--filename=a\nrw=write", "job.fio", NULL };
	const char *two[] = { "a.fio", "b.fio", NULL };
	const char *none[] = { "--readonly", NULL };

	begin_remote("127.0.0.2");
	CU_ASSERT_PTR_NULL(idr_remote_argv(&run, "n1", newline, false, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "newline"));
	CU_ASSERT_PTR_NULL(idr_remote_argv(&run, "n2", two, false, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "two job files"));
	CU_ASSERT_PTR_NULL(idr_remote_argv(&run, "n3", none, false, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no job file"));
	end_remote();
}

static void collect_takes_the_engines_lines(void)
{
	char path[300], *text;

	begin_remote("127.0.0.2");
	idr_run_path(&run, "c1", ".json", path, sizeof(path));
	write_file(path, "<vm> drill: (g=0): rw=randread\n"
			 "<vm> " IDR_REMOTE_SIDECAR "{\"format\":1,\"engine\":\"sync\"}\n"
			 "<vm> Starting 1 process\n" IDR_REMOTE_SIDECAR
			 "{\"format\":1,\"engine\":\"sync\",\"job\":2}\n"
			 "<vm> " IDR_REMOTE_WHERE "{\"format\":1,\"path\":\"drill.dat\"}\n"
			 "\n{\n  \"fio version\" : \"fio-3.33\",\n" IDR_REMOTE_SIDECAR
			 "{\"not\":\"after the JSON starts\"}\n}\n");
	CU_ASSERT_EQUAL(idr_remote_collect(&run, "c1"), 2);
	idr_run_path(&run, "c1", ".sidecar", path, sizeof(path));
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, "{\"format\":1,\"engine\":\"sync\"}\n"
				     "{\"format\":1,\"engine\":\"sync\",\"job\":2}\n");
	free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(idr_remote_where());
	CU_ASSERT_STRING_EQUAL(idr_json_str(idr_remote_where(), "path") ?: "", "drill.dat");
	end_remote();
}

static void why_names_the_host(void)
{
	char path[300], why[600];

	begin_remote("127.0.0.9:9001");
	idr_run_path(&run, "w1", ".err", path, sizeof(path));
	write_file(path,
		   "fio: connect: Connection refused\nfio: failed to connect to 127.0.0.9:9001\n");
	idr_remote_why(&run, "w1", 1, why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "host 127.0.0.9:9001 does not answer"));
	CU_ASSERT(!idr_remote_gone());
	idr_remote_failed(&run, "w1", 1);
	CU_ASSERT(idr_remote_gone());
	idr_run_path(&run, "w2", ".err", path, sizeof(path));
	write_file(path, "fio: client/server version mismatch (98 != 97)\n");
	idr_remote_why(&run, "w2", 1, why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "runs another fio build"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "(98 != 97)"));
	/* a call never sent (the host was gone) says why the host went */
	idr_remote_why(&run, "w3", -EHOSTDOWN, why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "does not answer"));
	end_remote();
	CU_ASSERT(!idr_remote_gone());
}

/* ---- an identity sent by a host ------------------------------------------------------------ */

static void identity_from_host_checked(void)
{
	static const char *const names[] = { "../etc", "a/b", ".hidden", "", "x\ny", NULL };
	struct idr_devid local, got;
	struct json_object *o;

	CU_ASSERT_EQUAL_FATAL(idr_devid_identify("Makefile", &local, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(idr_devid_from_json(local.json, &got, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(got.name, local.name);
	CU_ASSERT_STRING_EQUAL(got.key, local.key);
	CU_ASSERT_STRING_EQUAL(got.type, local.type);
	idr_devid_free(&got);
	for (const char *const *n = names; *n; n++) {
		o = NULL;
		CU_ASSERT_EQUAL_FATAL(json_object_deep_copy(local.json, &o, NULL), 0);
		json_object_object_add(o, "name", json_object_new_string(*n));
		CU_ASSERT_EQUAL(idr_devid_from_json(o, &got, err, sizeof(err)), -EINVAL);
		json_object_put(o);
	}
	o = NULL;
	CU_ASSERT_EQUAL_FATAL(json_object_deep_copy(local.json, &o, NULL), 0);
	json_object_object_del(o, "key");
	CU_ASSERT_EQUAL(idr_devid_from_json(o, &got, err, sizeof(err)), -EINVAL);
	json_object_put(o);
	CU_ASSERT_EQUAL(idr_devid_from_json(NULL, &got, err, sizeof(err)), -EINVAL);
	idr_devid_free(&local);
}

/* ---- fio --client's output ----------------------------------------------------------------- */

static void client_stats_read_as_jobs(void)
{
	static const char text[] =
		"<vm> iodrill-sidecar: {}\n\n{\n\"fio version\" : \"fio-3.33\",\n"
		"\"client_stats\" : [ { \"jobname\" : \"drill\", \"error\" : 0, \"hostname\" : "
		"\"127.0.0.2\", \"read\" : { \"total_ios\" : 1000 } }, { \"jobname\" : "
		"\"All clients\", \"read\" : { \"total_ios\" : 2000 } } ] }\n";
	struct idr_fio_run r;

	CU_ASSERT_EQUAL_FATAL(idr_fio_run_parse(text, sizeof(text) - 1, &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.nr_jobs, 1);
	CU_ASSERT_STRING_EQUAL(r.jobs[0].name, "drill");
	CU_ASSERT_STRING_EQUAL(r.jobs[0].hostname ?: "", "127.0.0.2");
	CU_ASSERT_EQUAL(r.jobs[0].dir[IDR_FIO_READ].total_ios, 1000);
	idr_fio_run_free(&r);
}

static CU_TestInfo hosts_tests[] = {
	{ "idr_fleet_add/names, IPv4, IPv6, ports, fio's --client value", add_forms },
	{ "idr_fleet_add/bad ports, characters and a host named twice refused", add_refusals },
	{ "idr_fleet_load/comments and blanks; a bad line named; none; missing file", load_file },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo remote_tests[] = {
	{ "idr_remote_argv/options into the job copy, --readonly and --section kept",
	  argv_moves_options_into_job },
	{ "idr_remote_argv/a newline, two job files, none refused", argv_refusals },
	{ "idr_remote_collect/sidecar and where lines out of fio's output",
	  collect_takes_the_engines_lines },
	{ "idr_remote_why/names the host: not answering, another fio, gone", why_names_the_host },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo other_tests[] = {
	{ "idr_devid_from_json/a host's identity checked before it names a folder",
	  identity_from_host_checked },
	{ "idr_fio_run_parse/fio --client's client_stats, without its sum",
	  client_stats_read_as_jobs },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "cli/run/fleet.c: hosts", hosts_tests, setup, teardown },
	{ "cli/run/fleet.c: remote mode", remote_tests, setup, teardown },
	{ "cli/archive: a fleet host's run", other_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
