/*
 * fuzz_archive.c - libFuzzer target for the archive's reader: one input is read as a
 * stored result (cli/archive/runfile.c, through cli/archive/fiojson.c), then shown and compared with
 * itself through the real `iodrill results` command (text and --json), and read as fio
 * output and as a sidecar on its own. Any crash, leak or sanitizer report is a bug.
 *
 *   make fuzz                      long run (FUZZ_TIME seconds, default 600)
 *   build/fuzz/fuzz_archive DIR    by hand; tests/fuzz/corpus/archive/ holds the seeds
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "archive/archive.h"
#include "archive/fiojson.h"
#include "iodrill.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int file_fd = -1, null_fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	(void)argc;
	(void)argv;
	setenv("IODRILL_RESULTS", "/nonexistent/iodrill-fuzz-archive", 1);
	file_fd = memfd_create("fuzz-result.json", 0);
	null_fd = open("/dev/null", O_WRONLY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", file_fd);
	return file_fd < 0 || null_fd < 0;
}

/* Run `iodrill results ARGS...` with its stdout in /dev/null. */
static void command(char **args, int n)
{
	int saved = dup(1);

	fflush(stdout);
	dup2(null_fd, 1);
	cmd_results(n, args);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
}

static void through_the_command(const uint8_t *data, size_t size)
{
	char *show[] = { "results", "show", path, NULL };
	char *show_json[] = { "results", "show", "--json", path, NULL };
	char *compare[] = { "results", "compare", path, path, NULL };
	char *compare_json[] = { "results", "compare", "--json", path, path, NULL };

	if (ftruncate(file_fd, 0) || pwrite(file_fd, data, size, 0) != (ssize_t)size)
		abort();
	command(show, 3);
	command(show_json, 4);
	command(compare, 4);
	command(compare_json, 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct idr_result r;
	struct idr_fio_run run;
	struct idr_sidecar sc;
	char err[1024], key[512];
	unsigned int i;

	if (!idr_result_parse(text, size, &r, err, sizeof(err))) {
		for (i = 0; i < r.nr_jobs; i++)
			idr_result_job_key(&r.jobs[i], key, sizeof(key));
		idr_result_prov_str(&r, "host.kernel");
		idr_result_prov_str(&r, "device.identity.lba_bytes");
		idr_result_free(&r);
		through_the_command(data, size);
	}
	if (!idr_fio_run_parse(text, size, &run, err, sizeof(err)))
		idr_fio_run_free(&run);
	if (!idr_sidecar_parse(text, size, &sc, err, sizeof(err)))
		idr_sidecar_free(&sc);
	return 0;
}
