/*
 * engsel.c - choosing engines from engines.tbl for a target (engsel.h).
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "iodrill.h"
#include "run/engsel.h"
#include "run/run.h"

void idr_engines_known(char *buf, size_t len)
{
	const struct idr_caps *c;
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; (c = idr_caps_at(i)) && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", c->name);
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

/* Why row r cannot read target t (caps.h's rule), or NULL when it can; which path it reads. */
static const char *not_applicable(const struct idr_caps *r, const struct idr_drill_target *t,
				  const char **file)
{
	struct idr_target_offer o = {
		.path = t->path[0] != '\0',
		.direct = t->direct,
		.ngdev = t->ngdev[0] != '\0',
	};

	*file = !strcmp(r->target, "ngdev") || !t->path[0] ? t->ngdev : t->path;
	return idr_caps_applies(r, &o);
}

static void add_skip(struct idr_picks *p, const char *name, const char *why)
{
	struct idr_skip *s = &p->skip[p->nr_skip++];

	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->why, sizeof(s->why), "%s", why);
}

static void add_pick(struct idr_picks *p, const struct idr_caps *r, const char *file, bool twin,
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
	k->floor = idr_caps_floor(r);
	k->file = file;
	if (twin)
		snprintf(k->ioengine, sizeof(k->ioengine), "%s", r->twin);
	else
		snprintf(k->ioengine, sizeof(k->ioengine), "external:%s", so);
}

/* One row: pick it, skip it (with why), or fail when the user asked for it by name. */
static int consider(const struct idr_caps *r, const struct idr_drill_target *t, bool named,
		    bool twins, struct idr_picks *p, char *err, size_t errlen)
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
	const struct idr_caps *c;
	const char *s, *e;
	size_t i;
	int ret;

	memset(p, 0, sizeof(*p));
	idr_engines_known(known, sizeof(known));
	/* Every name in the list must be a row of engines.tbl. */
	for (s = only; s && *s; s = *e ? e + 1 : e) {
		e = strchrnul(s, ',');
		snprintf(name, sizeof(name), "%.*s", (int)(e - s), s);
		if (!idr_caps_find(name)) {
			snprintf(err, errlen,
				 "unknown engine '%s': the engines are %s "
				 "(engines/engines.tbl)",
				 name, known);
			return -EINVAL;
		}
	}
	for (i = 0; (c = idr_caps_at(i)); i++) {
		if (only && !listed(only, c->name))
			continue;
		ret = consider(c, t, only != NULL, twins, p, err, errlen);
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

struct json_object *idr_picks_skipped_json(const struct idr_picks *p)
{
	struct json_object *a = json_object_new_array(), *s;

	for (unsigned int i = 0; i < p->nr_skip; i++) {
		s = json_object_new_object();
		json_object_object_add(s, "engine", json_object_new_string(p->skip[i].name));
		json_object_object_add(s, "why", json_object_new_string(p->skip[i].why));
		json_object_array_add(a, s);
	}
	return a;
}
