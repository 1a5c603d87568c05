/*
 * lat_fixture.h - sidecar lines carrying the engines' "lat" object (LATFORMAT), built with
 * the engines' own writer (idr_hist_to_json), for the units that read them.
 */
#ifndef IDR_TESTS_LAT_FIXTURE_H
#define IDR_TESTS_LAT_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

struct json_object;

/*
 * lat_fixture_lat - a "lat" object: read latencies rd[0..nr), write latencies wr[0..nw)
 * (a direction with none is left out), batched as given. NULL when out of memory.
 */
struct json_object *lat_fixture_lat(const uint64_t *rd, unsigned int nr, const uint64_t *wr,
				    unsigned int nw, bool batched);

/*
 * lat_fixture_line - one sidecar line (format 1, no newline) of engine for job name with
 * thread_number tn, nr reads, and lat (NULL: an older engine's line without one; taken
 * over). malloc'd.
 */
char *lat_fixture_line(const char *engine, const char *job, int tn, unsigned int nr,
		       struct json_object *lat);

/* lat_fixture_uniform - n values from lo to hi (ns), evenly spaced, into v. */
void lat_fixture_uniform(uint64_t *v, unsigned int n, uint64_t lo, uint64_t hi);

#endif
