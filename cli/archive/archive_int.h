/*
 * archive_int.h - what the archive's files (store.c, index.c, runfile.c, prov.c) share with each
 * other and with their unit tests; not for the commands (they use archive.h).
 */
#ifndef IDR_CLI_ARCHIVE_INT_H
#define IDR_CLI_ARCHIVE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "archive/archive.h"

struct json_object;

/*
 * idr_result_build_jobs - flatten r->runs (and r->sidecars, if any) into r->jobs: pair
 * each fio job with its sidecar lines and compute the numbers of idr_result_job. Used by
 * the reader and by the store (which names each job's engine in the provenance).
 * Returns 0 or -ENOMEM.
 */
int idr_result_build_jobs(struct idr_result *r);

/* idr_engine_name - "sync" from fio's ioengine "external:/x/engines/sync.so"; "psync"
 * stays "psync". Returns buf. */
char *idr_engine_name(const char *ioengine, char *buf, size_t len);

/* idr_run_id_make - "<yyyymmddThhmmss.mmmZ>-<kind>-<hex4>" into buf (>= IDR_RUN_ID_MAX). */
void idr_run_id_make(int64_t time_ms, const char *kind, unsigned int suffix, char *buf, size_t len);
/* idr_run_id_parse - time and kind back from a run id. Returns 0, or -EINVAL when name is
 * not one. */
int idr_run_id_parse(const char *name, int64_t *time_ms, char *kind, size_t kindlen);

/* idr_time_iso - Unix ms as "2026-11-25T16:19:59.617Z" into buf. Returns buf. */
char *idr_time_iso(int64_t ms, char *buf, size_t len);

/* Test seams for the store: where the 4 hex digits come from, and whether to behave as
 * on a filesystem without RENAME_NOREPLACE (link+unlink, mkdir). */
struct idr_store_opts {
	unsigned int (*suffix)(void *arg); /* NULL: getrandom() */
	void *arg;
	int no_renameat2;
};

int idr_archive_store_opts(const char *dir, const struct idr_run_input *in,
			   const struct idr_store_opts *opts, struct idr_stored *out, char *err,
			   size_t errlen);

/* idr_prov_host - the host's facts: kernel, CPU model and count, mitigations, ... */
struct json_object *idr_prov_host(void);

#endif
