/*
 * engsel.c - choosing engines from engines.tbl for a target (engsel.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run/engsel.h"
#include "iodrill.h"
#include "run/run.h"

struct row {
	const char *name, *kind, *twin, *twin_opts, *target;
};

static const struct row rows[] = {
#define IDR_ENGINE_ROW(name, kind, twin, twin_opts, target) \
	{ name, kind, twin, twin_opts, target },
#include "engine_caps.h"
#undef IDR_ENGINE_ROW
};

#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

const char *idr_engine_target(const char *engine)
{
	size_t i;

	for (i = 0; engine && i < NR_ROWS; i++)
		if (!strcmp(rows[i].name, engine))
			return rows[i].target;
	return NULL;
}

void idr_engines_known(char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < NR_ROWS && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", rows[i].name);
}

/* Is name in the comma-separated list? */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* Why row r cannot read target t, or NULL when it can; which path it reads. */
static const char *not_applicable(const struct row *r, const struct idr_drill_target *t,
				  const char **file)
{
	*file = t->path[0] ? t->path : t->ngdev;
	if (!strcmp(r->target, "none"))
		return NULL;
	if (!strcmp(r->target, "ngdev")) {
		*file = t->ngdev;
		return t->ngdev[0] ? NULL : "needs an NVMe generic char device (/dev/ngXnY); "
					    "TARGET is not one and maps to none";
	}
	if (!t->path[0])
		return "needs a file or block device; this NVMe generic device has no block "
		       "device beside it";
	if (!strcmp(r->target, "direct") && !t->direct)
		return "needs O_DIRECT (it is synchronous without it), which TARGET refuses";
	return NULL;
}

static void add_skip(struct idr_picks *p, const char *name, const char *why)
{
	struct idr_skip *s = &p->skip[p->nr_skip++];

	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->why, sizeof(s->why), "%s", why);
}

static void add_pick(struct idr_picks *p, const struct row *r, const char *file, bool twin,
		     const char *so)
{
	struct idr_pick *k = &p->v[p->n++];

	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", twin ? r->twin : r->name);
	snprintf(k->ours, sizeof(k->ours), "%s", r->name);
	k->kind = r->kind;
	k->twin = r->twin;
	k->twin_opts = r->twin_opts;
	k->target = r->target;
	k->builtin = twin;
	k->floor = !strcmp(r->target, "none");
	k->file = file;
	if (twin)
		snprintf(k->ioengine, sizeof(k->ioengine), "%s", r->twin);
	else
		snprintf(k->ioengine, sizeof(k->ioengine), "external:%s", so);
}

/* One row: pick it, skip it (with why), or fail when the user asked for it by name. */
static int consider(const struct row *r, const struct idr_drill_target *t, bool named, bool twins,
		    struct idr_picks *p, char *err, size_t errlen)
{
	char so[PATH_MAX], why[200];
	const char *file, *na = not_applicable(r, t, &file);
	bool built = !idr_engine_path(r->name, so, sizeof(so));

	if (na || !built) {
		if (na)
			snprintf(why, sizeof(why), "%s", na);
		else
			snprintf(why, sizeof(why), "not built (no engines/%s.so): run make",
				 r->name);
		if (named) {
			snprintf(err, errlen, "engine %s %s", r->name, why);
			return na ? -EINVAL : -ENOENT;
		}
		add_skip(p, r->name, why);
		if (na)
			return 0;
	} else {
		add_pick(p, r, file, false, so);
	}
	if (twins && strcmp(r->twin, "-"))
		add_pick(p, r, file, true, NULL);
	return 0;
}

int idr_engines_pick(const struct idr_drill_target *t, const char *only, bool twins,
		     struct idr_picks *p, char *err, size_t errlen)
{
	char known[512], name[64];
	const char *s, *e;
	size_t i;
	int ret;

	memset(p, 0, sizeof(*p));
	idr_engines_known(known, sizeof(known));
	/* Every name in the list must be a row of engines.tbl. */
	for (s = only; s && *s; s = *e ? e + 1 : e) {
		e = strchrnul(s, ',');
		snprintf(name, sizeof(name), "%.*s", (int)(e - s), s);
		for (i = 0; i < NR_ROWS && strcmp(rows[i].name, name); i++)
			;
		if (i == NR_ROWS) {
			snprintf(err, errlen, "unknown engine '%s': the engines are %s "
				 "(engines/engines.tbl)", name, known);
			return -EINVAL;
		}
	}
	for (i = 0; i < NR_ROWS; i++) {
		if (only && !listed(only, rows[i].name))
			continue;
		ret = consider(&rows[i], t, only != NULL, twins, p, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

void idr_pick_args(const struct idr_pick *k, const struct idr_drill_target *t, struct idr_args *a)
{
	char opts[128], *save = NULL, *tok;

	idr_args_add(a, "--ioengine=%s", k->ioengine);
	idr_args_add(a, "--filename=%s", k->file);
	/* A device-free engine has no size to find; a passthrough-only target has none. */
	if (k->floor)
		idr_args_add(a, "--size=%llu", t->size ? t->size : 64ull << 20);
	snprintf(opts, sizeof(opts), "%s",
		 k->builtin && strcmp(k->twin_opts, "-") ? k->twin_opts : "");
	for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		idr_args_add(a, "--%s", tok);
}
