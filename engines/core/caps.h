/*
 * caps.h - the engine capability table (engines/engines.tbl), read in one place: the
 * engines' core (into each sidecar), nvme/ (`iodrill devices`: which engines apply to a
 * device), the command (which engines a drill runs on a target) and the archive (what a
 * stored engine read). No fio types: linked into the engines, the command and the units.
 */
#ifndef IDR_CORE_CAPS_H
#define IDR_CORE_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/* One row of engines.tbl; "-" where the table has none. */
struct idr_caps {
	const char *name, *kind, *twin, *twin_opts, *target;
};

/* What a target offers an engine: the one input of the applicability rule. */
struct idr_target_offer {
	bool path;   /* a regular file or block device to read through the kernel */
	bool direct; /* ... that takes O_DIRECT */
	bool ngdev;  /* an NVMe generic char device (/dev/ngXnY) that passthrough can use */
};

/* idr_caps_nr, idr_caps_at - the table's rows in its order (0 <= i < idr_caps_nr()). */
size_t idr_caps_nr(void);
const struct idr_caps *idr_caps_at(size_t i);

/* idr_caps_find - the row for engine name, or NULL for a name not in the table. */
const struct idr_caps *idr_caps_find(const char *name);

/* idr_caps_floor - the engine touches no device (target "none": nil, and its twin null). */
bool idr_caps_floor(const struct idr_caps *c);

/*
 * idr_caps_applies - the rule for "does engine c apply to a target that offers o": NULL
 * when it does, else why not (a static string, for a table or a skip line).
 */
const char *idr_caps_applies(const struct idr_caps *c, const struct idr_target_offer *o);

#endif
