/*
 * caps.c - the capability table and the one rule that says whether an engine applies to
 * a target (caps.h). The table is engines/engines.tbl, turned into an X-macro by make.
 */
#include <string.h>

#include "caps.h"

static const struct idr_caps rows[] = {
#define IDR_ENGINE_ROW(name, kind, twin, twin_opts, target) { name, kind, twin, twin_opts, target },
#include "engine_caps.h"
#undef IDR_ENGINE_ROW
};

size_t idr_caps_nr(void)
{
	return sizeof(rows) / sizeof(rows[0]);
}

const struct idr_caps *idr_caps_at(size_t i)
{
	return i < idr_caps_nr() ? &rows[i] : NULL;
}

const struct idr_caps *idr_caps_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < idr_caps_nr(); i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

bool idr_caps_floor(const struct idr_caps *c)
{
	return !strcmp(c->target, "none");
}

const char *idr_caps_applies(const struct idr_caps *c, const struct idr_target_offer *o)
{
	if (idr_caps_floor(c))
		return NULL;
	if (!strcmp(c->target, "ngdev"))
		return o->ngdev ? NULL
				: "needs an NVMe generic char device (/dev/ngXnY); "
				  "TARGET is not one and maps to none";
	if (!o->path)
		return "needs a file or block device; this NVMe generic device has no block "
		       "device beside it";
	if (!strcmp(c->target, "direct") && !o->direct)
		return "needs O_DIRECT (it is synchronous without it), which TARGET refuses";
	return NULL;
}
