/*
 * engsel.h - which engines a drill or sweep runs on a target, straight from
 * engines/engines.tbl (its X-macro, build/gen/engine_caps.h) and from which
 * engines/NAME.so are built, so engines join as they land with no code change.
 */
#ifndef IDR_CLI_ENGSEL_H
#define IDR_CLI_ENGSEL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "run/drilltarget.h"

#define IDR_MAX_PICKS 32

struct idr_pick {
	char name[32]; /* the table's name: "sync", or fio's "psync" for a twin */
	char ours[32]; /* the engines.tbl row: the engine itself, or whose twin */
	const char *kind, *twin, *twin_opts, *target; /* that row */
	bool builtin; /* fio's own engine, run as the twin of ours */
	bool floor;   /* touches no device (nil, null): fio's and the core's own cost */
	char ioengine[PATH_MAX + 16]; /* the value of --ioengine= */
	const char *file;	      /* the target path it reads (the target's path or ngdev) */
};

struct idr_skip {
	char name[32];
	char why[200];
};

struct idr_picks {
	struct idr_pick v[IDR_MAX_PICKS];
	unsigned int n;
	struct idr_skip skip[IDR_MAX_PICKS]; /* expected engines left out, and why */
	unsigned int nr_skip;
};

/*
 * idr_engines_pick - the engines to run on t: every engines.tbl row that applies to the
 * target and is built (the others go to skip[] with the reason), or only those named in
 * the comma-separated list only (then one that is unknown, not built or not applicable is
 * an error). With twins, each engine's fio built-in twin follows it (same target rule).
 * Returns 0, or -EINVAL / -ENOENT with a message in err.
 */
int idr_engines_pick(const struct idr_drill_target *t, const char *only, bool twins,
		     struct idr_picks *p, char *err, size_t errlen);

struct idr_args;
struct json_object;

/* idr_picks_skipped_json - the engines left out, [{"engine", "why"}], for a report. */
struct json_object *idr_picks_skipped_json(const struct idr_picks *p);

/*
 * idr_pick_args - fio's options for running k on t: --ioengine, --filename, a size for a
 * device-free engine, and a built-in twin's twin_opts. Appended to a.
 */
void idr_pick_args(const struct idr_pick *k, const struct idr_drill_target *t, struct idr_args *a);

/* idr_engines_known - the names in engines.tbl, space-separated, into buf. */
void idr_engines_known(char *buf, size_t len);

#endif
