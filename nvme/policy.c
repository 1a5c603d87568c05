/*
 * policy.c - what the device listing concludes (see devices.h): safe to write, NVMe
 * passthrough usable, which engines apply. Pure functions of the plain structs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "devices.h"

/*
 * One finding, short, for the table: "mounted on /", "ext4 on loop3p1", "held by dm-0";
 * self is the device it is about (d's, or the alias's it was found through).
 */
static void finding_short(const char *self, const struct idr_finding *f, char *buf, size_t len)
{
	char on[IDR_DEVNAME_MAX + 4] = "";

	if (strcmp(f->dev, self))
		snprintf(on, sizeof(on), " on %s", f->dev);
	switch (f->kind) {
	case IDR_FOUND_MOUNT:
		snprintf(buf, len, "%s%smounted on %s", *on ? f->dev : "", *on ? " " : "",
			 f->where);
		break;
	case IDR_FOUND_SWAP:
		snprintf(buf, len, "swap in use%s", on);
		break;
	case IDR_FOUND_HOLDER:
		snprintf(buf, len, "held by %s%s", f->what, on);
		break;
	case IDR_FOUND_BUSY:
		snprintf(buf, len, "in exclusive use%s", on);
		break;
	case IDR_FOUND_SIGNATURE:
		snprintf(buf, len, "%s%s", f->what, on);
		break;
	case IDR_FOUND_PTABLE:
		snprintf(buf, len, "%s partition table%s", f->what, on);
		break;
	default:
		snprintf(buf, len, "unchecked%s: %s", on, f->what);
		break;
	}
}

/* Only findings of kind UNCHECKED: nothing found, but not everything could be looked at. */
static bool only_unchecked(const struct idr_guard_report *r)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (r->found[i].kind != IDR_FOUND_UNCHECKED)
			return false;
	return r->nr_total == r->nr;
}

/* How alias a reaches d's bytes, short: "overlaps /dev/loop0, ". */
static void relation_short(const struct idr_guard_alias *a, char *buf, size_t len)
{
	static const char *const verb[] = {
		[IDR_REL_BACKS] = "backs",
		[IDR_REL_OVERLAPS] = "overlaps",
		[IDR_REL_UNDER] = "writes into",
	};

	snprintf(buf, len, "%s %s, ", verb[a->rel], a->dev.path);
}

static void findings_short(const struct idr_dev *d, char *buf, size_t len)
{
	const struct idr_guard_report *r = &d->safety;
	const struct idr_finding *f;
	char one[384], lead[IDR_DEVNAME_MAX + 32];
	const char *self;
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < r->nr && used < len; i++) {
		f = &r->found[i];
		lead[0] = '\0';
		self = d->blk.name;
		if (f->via && f->via <= r->nr_alias) {
			self = r->alias[f->via - 1].dev.name;
			/* Findings through one alias follow each other: name it once. */
			if (!i || r->found[i - 1].via != f->via)
				relation_short(&r->alias[f->via - 1], lead, sizeof(lead));
		}
		finding_short(self, f, one, sizeof(one));
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s", i ? ", " : "", lead,
					 one);
	}
	if (d->safety.nr_total > d->safety.nr && used < len)
		snprintf(buf + used, len - used, ", %u more", d->safety.nr_total - d->safety.nr);
}

enum idr_safe idr_dev_safe(const struct idr_dev *d, char *why, size_t len)
{
	why[0] = '\0';
	if (!d->checked) {
		snprintf(why, len, "not checked");
		return IDR_SAFE_UNKNOWN;
	}
	if (d->safety.nr_total) {
		findings_short(d, why, len);
		return only_unchecked(&d->safety) ? IDR_SAFE_UNKNOWN : IDR_SAFE_NO;
	}
	if (d->probe_err == -EACCES || d->probe_err == -EPERM) {
		snprintf(why, len, "needs root to read %s for signatures", d->blk.path);
		return IDR_SAFE_UNKNOWN;
	}
	if (d->probe_err) {
		snprintf(why, len, "cannot read %s for signatures: %s", d->blk.path,
			 strerror(-d->probe_err));
		return IDR_SAFE_UNKNOWN;
	}
	return IDR_SAFE_YES;
}

const char *idr_safe_str(enum idr_safe s)
{
	return s == IDR_SAFE_YES ? "yes" : s == IDR_SAFE_NO ? "no" : "unknown";
}

bool idr_dev_passthru(const struct idr_dev *d, const struct idr_env *env, char *why, size_t len)
{
	bool old_kernel =
		env->kernel_major < 6 || (env->kernel_major == 6 && env->kernel_minor < 2);

	why[0] = '\0';
	if (!d->is_nvme)
		snprintf(why, len, "not NVMe");
	else if (d->blk.partno)
		snprintf(why, len, "a partition: passthrough addresses the whole namespace");
	else if (!*d->blk.ng)
		snprintf(why, len,
			 "no generic char device for this namespace (kernel 5.13+ makes "
			 "/dev/ngXnY)");
	else if (!d->nvme.ng_node)
		snprintf(why, len, "/dev/%s does not exist (devtmpfs or udev did not make it)",
			 d->blk.ng);
	else if (d->nvme.ng_open_err)
		snprintf(why, len, "cannot open /dev/%s: %s%s", d->blk.ng,
			 strerror(-d->nvme.ng_open_err),
			 d->nvme.ng_open_err == -EACCES ? " (root only unless a udev rule opens it)"
							: "");
	else if (old_kernel && !env->cap_sys_admin)
		snprintf(why, len,
			 "kernel %u.%u allows passthrough only with CAP_SYS_ADMIN (6.2+ "
			 "lets users do I/O)",
			 env->kernel_major, env->kernel_minor);
	return !why[0];
}

unsigned int idr_dev_engines(const struct idr_dev *d, const struct idr_env *env, const char **names,
			     unsigned int max)
{
	/* A block device always takes O_DIRECT. */
	bool block = *d->blk.name && d->blk.size_bytes;
	struct idr_target_offer o = {
		.path = block,
		.direct = block,
		.ngdev = !d->blk.partno && idr_dev_passthru(d, env, (char[160]){ 0 }, 160),
	};
	const struct idr_caps *c;
	unsigned int n = 0;
	size_t i;

	/* The engines that do I/O on it: a device-free one (nil) is not listed. */
	for (i = 0; (c = idr_caps_at(i)); i++) {
		if (idr_caps_floor(c) || idr_caps_applies(c, &o))
			continue;
		if (n < max)
			names[n] = c->name;
		n++;
	}
	return n;
}
