/*
 * lat.h - each I/O's own latency, timed by the engine that ran it: from the moment it was
 * handed to the kernel (or to a worker) to the moment the engine learned it was done,
 * with the ns clock (counters.h), into one log-linear histogram per direction (hist.h).
 * Written to the sidecar as "lat" (sidecar.c); the iodrill command reads it
 * (cli/archive/fiojson.h, idr_sidecar_lat). Plain data, no fio types.
 *
 * The engines time only when a sidecar is written (nothing else reads the histograms):
 * then an I/O costs one clock read where it is handed over (shared by a batch) and one
 * where its completion is seen (shared by a reap), plus the histogram's add.
 */
#ifndef IDR_CORE_LAT_H
#define IDR_CORE_LAT_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

struct idr_lat {
	bool on;      /* timing (a sidecar is written) */
	bool batched; /* completions learned in batches fio asked for: see idr_lat_describe */
	bool ramp;    /* fio's ramp_time is not over yet: I/Os issued now are not timed */
	uint64_t *t_issue_ns;	  /* by io_u index: when handed over; 0 when not timed */
	struct idr_hist *hist[2]; /* DDIR_READ, DDIR_WRITE */
	uint64_t untimed;	  /* I/Os finished but issued during ramp_time: not timed */
	const char *from, *to;	  /* what the engine stamps, in its words */
};

#endif
