/*
 * devices.c - `iodrill devices`: every NVMe namespace (libnvme) and every other block
 * device (sysfs), whether each is safe to write, whether NVMe passthrough is usable on
 * it, which engines apply; a table that reads like `nvme list`, or --json for scripts.
 * The discovery and the policy are in nvme/ (devices.h); this file parses arguments and
 * prints.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "devices.h"
#include "iodrill.h"
#include "saturate.h"

const char cmd_devices_help[] =
	"usage: iodrill devices [--json] [--all] [PATH...]\n"
	"\n"
	"Every NVMe namespace (libnvme: controller, generic char device /dev/ngXnY, model,\n"
	"serial, firmware, transport, NUMA node, queues, size, LBA format in use and those\n"
	"available, MDTS) and every other block device (virtio, SCSI, loop, ...: sysfs), with\n"
	"their partitions, and for each:\n"
	"  safe to write  no when it or a partition is mounted, holds a filesystem or other\n"
	"                 signature or a partition table (libblkid), or is held by LVM, dm or\n"
	"                 md, or when a loop device reaching the same bytes of the same file\n"
	"                 (or the device under a loop device) is; unknown when it cannot be\n"
	"                 read; yes otherwise. The engines' write guard refuses the same\n"
	"                 things (override: allow_overwrite=)\n"
	"  passthrough    whether io_uring NVMe passthrough (uring_passthru) can open its\n"
	"                 /dev/ngXnY as this user\n"
	"  engines        the iodrill engines that apply to it\n"
	"With PATHs, only the devices they name (any alias, a partition, or /dev/ngXnY).\n"
	"\n"
	"  --json   one JSON document instead of the table (fields: nvme/README.md)\n"
	"  --all    also list devices of size 0 (unattached loop devices, empty zram)\n"
	"With PATHs, also the system check of each: what holds its peak IOPS back (scheduler,\n"
	"iostats, nomerges, poll queues, write cache, NUMA node, queue interrupts, CPU governor\n"
	"and idle states), each costly setting with the command that changes it (as iodrill\n"
	"tune --saturate prints first; JSON: system_check).\n"
	"\n"
	"Without root, signatures and NVMe Identify data (LBA formats, MDTS) cannot be read:\n"
	"the listing shows everything else and says what needs root.\n"
	"Exit status: 0; 1 when a PATH names no device; 2 on bad usage.\n";

struct devices_args {
	bool json, all;
	int nr_paths;
	char **paths;
};

/* Returns 0, or 2 after a message (fio's and the other commands' usage convention). */
static int parse_args(int argc, char **argv, struct devices_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->paths = calloc((size_t)argc, sizeof(*a->paths));
	if (!a->paths) {
		idr_err("devices: out of memory");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			a->json = true;
		else if (!strcmp(argv[i], "--all"))
			a->all = true;
		else if (!strcmp(argv[i], "--"))
			for (i++; i < argc; i++)
				a->paths[a->nr_paths++] = argv[i];
		else if (argv[i][0] == '-' && argv[i][1]) {
			idr_err("devices: unknown option '%s'; 'iodrill help devices' lists them",
				argv[i]);
			return 2;
		} else
			a->paths[a->nr_paths++] = argv[i];
	}
	return 0;
}

/* ---- words ------------------------------------------------------------------------- */

/* "512 B + 0 B", "4 KiB + 8 B". */
static char *lbaf_str(const struct idr_lbaf *f, char *buf, size_t len)
{
	if (f->data_bytes >= 1024 && !(f->data_bytes % 1024))
		snprintf(buf, len, "%u KiB + %u B", f->data_bytes / 1024, f->meta_bytes);
	else
		snprintf(buf, len, "%u B + %u B", f->data_bytes, f->meta_bytes);
	return buf;
}

/* The format in use: from Identify, or the block size sysfs gives (metadata unknown). */
static char *format_str(const struct idr_dev *d, char *buf, size_t len)
{
	const struct idr_nvme *nv = &d->nvme;
	char f[48];

	if (nv->identified && nv->lbaf_in_use < nv->nr_lbaf)
		snprintf(buf, len, "%s%s", lbaf_str(&nv->lbaf[nv->lbaf_in_use], f, sizeof(f)),
			 nv->extended ? " ext" : "");
	else if (d->blk.lbsize)
		snprintf(buf, len, "%u B + ?", d->blk.lbsize);
	else
		snprintf(buf, len, "?");
	return buf;
}

/* The namespace's capacity and use from Identify (data bytes), 0 when not identified. */
static uint64_t nsze_bytes(const struct idr_dev *d)
{
	const struct idr_nvme *nv = &d->nvme;

	return nv->identified && nv->lbaf_in_use < nv->nr_lbaf
		       ? nv->nsze_blocks * nv->lbaf[nv->lbaf_in_use].data_bytes
		       : 0;
}

static uint64_t nuse_bytes(const struct idr_dev *d)
{
	const struct idr_nvme *nv = &d->nvme;

	return nv->identified && nv->lbaf_in_use < nv->nr_lbaf
		       ? nv->nuse_blocks * nv->lbaf[nv->lbaf_in_use].data_bytes
		       : 0;
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* ---- the table ------------------------------------------------------------------------- */

#define MAX_COLS 10
#define CELL 256

struct table {
	unsigned int nr_cols, nr_rows, cap;
	char (*cells)[MAX_COLS][CELL];
	unsigned int width[MAX_COLS];
};

/* Add a row of nr_cols cells. Returns 0 or -ENOMEM. */
static int table_row(struct table *t, const char *const *cells)
{
	void *p;
	unsigned int i, w;

	if (t->nr_rows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		p = realloc(t->cells, t->cap * sizeof(*t->cells));
		if (!p)
			return -ENOMEM;
		t->cells = p;
	}
	for (i = 0; i < t->nr_cols; i++) {
		idr_strcpy(t->cells[t->nr_rows][i], CELL, cells[i] ? cells[i] : "");
		w = (unsigned int)strlen(t->cells[t->nr_rows][i]);
		if (w > t->width[i])
			t->width[i] = w;
	}
	t->nr_rows++;
	return 0;
}

static void table_print(const struct table *t)
{
	unsigned int r, c;

	for (r = 0; r < t->nr_rows; r++) {
		for (c = 0; c + 1 < t->nr_cols; c++)
			printf("%-*s  ", (int)t->width[c], t->cells[r][c]);
		printf("%s\n", t->cells[r][c]);
	}
}

static void table_free(struct table *t)
{
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static const char *safe_cell(const struct idr_dev *d, char *buf, size_t len)
{
	char why[CELL - 16]; /* a table cell: "unknown: " and the reason */
	enum idr_safe s = idr_dev_safe(d, why, sizeof(why));

	snprintf(buf, len, "%s%s%s", idr_safe_str(s), *why ? ": " : "", why);
	return buf;
}

static int nvme_row(struct table *t, const struct idr_dev *d)
{
	char node[80], ng[80], nsid[16], size[32], fmt[64], safe[CELL];
	const char *row[9];

	snprintf(node, sizeof(node), "%s%s", d->blk.partno ? "  " : "",
		 *d->blk.name ? d->blk.path : "-");
	snprintf(ng, sizeof(ng), "%s%s", *d->blk.ng && !d->blk.partno ? "/dev/" : "",
		 d->blk.partno ? "" : or_dash(d->blk.ng));
	snprintf(nsid, sizeof(nsid), "%u", d->blk.nsid);
	row[0] = node;
	row[1] = ng;
	row[2] = d->blk.partno ? "" : or_dash(d->blk.serial);
	row[3] = d->blk.partno ? "" : or_dash(d->blk.model);
	row[4] = d->blk.partno || !d->blk.nsid ? "" : nsid;
	/* A whole namespace: its capacity from Identify (the block layer may show 0). */
	if (!d->blk.partno && nsze_bytes(d))
		row[5] = idr_size_str(nsze_bytes(d), size, sizeof(size));
	else
		row[5] = *d->blk.name ? idr_size_str(d->blk.size_bytes, size, sizeof(size)) : "-";
	row[6] = d->blk.partno ? "" : format_str(d, fmt, sizeof(fmt));
	row[7] = d->blk.partno ? "" : or_dash(d->blk.firmware);
	row[8] = safe_cell(d, safe, sizeof(safe));
	return table_row(t, row);
}

static int other_row(struct table *t, const struct idr_dev *d)
{
	char node[80], size[32], lb[16], safe[CELL];
	const char *row[7];

	snprintf(node, sizeof(node), "%s%s", d->blk.partno ? "  " : "", d->blk.path);
	snprintf(lb, sizeof(lb), "%u", d->blk.lbsize);
	row[0] = node;
	row[1] = d->blk.partno ? "part" : d->blk.kind;
	row[2] = d->blk.partno ? "" : or_dash(*d->blk.backing ? d->blk.backing : d->blk.model);
	row[3] = d->blk.partno ? "" : or_dash(d->blk.serial);
	row[4] = idr_size_str(d->blk.size_bytes, size, sizeof(size));
	row[5] = lb;
	row[6] = safe_cell(d, safe, sizeof(safe));
	return table_row(t, row);
}

/* The lines under the NVMe table: controller, formats, passthrough, engines. */
static void nvme_details(const struct idr_devlist *l, const struct idr_dev *d)
{
	const struct idr_nvme *nv = &d->nvme;
	const char *engines[16];
	char why[256], f[48], mdts[48] = "";
	unsigned int i, n;

	printf("%s: controller %s%s%s, %s %s, NUMA node %d, %d queues", or_dash(d->blk.name),
	       or_dash(nv->ctrl), *nv->subsys ? " in " : "", nv->subsys, or_dash(nv->transport),
	       or_dash(nv->address), nv->numa_node, nv->queue_count);
	if (nv->identified)
		snprintf(mdts, sizeof(mdts), ", MDTS %s",
			 nv->mdts_bytes ? idr_size_str(nv->mdts_bytes, f, sizeof(f)) : "unlimited");
	printf("%s, max I/O %u KiB\n", mdts, d->blk.max_hw_kb);
	if (nv->identified) {
		printf("  LBA formats:");
		for (i = 0; i < nv->nr_lbaf; i++)
			printf("%s #%u %s%s", i ? "," : "", i, lbaf_str(&nv->lbaf[i], f, sizeof(f)),
			       i == nv->lbaf_in_use
				       ? (nv->extended ? " (in use, extended)" : " (in use)")
				       : "");
		printf("\n");
	} else {
		printf("  LBA formats, MDTS: unknown (%s)\n", nv->why_not);
	}
	printf("  passthrough: %s", idr_dev_passthru(d, &l->env, why, sizeof(why)) ? "yes" : "no");
	if (*why)
		printf(" (%s)", why);
	n = idr_dev_engines(d, &l->env, engines, 16);
	printf("; engines:");
	for (i = 0; i < n && i < 16; i++)
		printf(" %s", engines[i]);
	printf("%s\n", n ? "" : " none");
}

static int print_nvme(const struct idr_devlist *l)
{
	static const char *const head[] = { "Node", "Generic", "SN",	 "Model",	 "NSID",
					    "Size", "Format",  "FW Rev", "Safe to write" };
	struct table t = { .nr_cols = 9 };
	unsigned int i;
	int ret;

	ret = table_row(&t, head);
	for (i = 0; !ret && i < l->n; i++)
		if (l->v[i].is_nvme)
			ret = nvme_row(&t, &l->v[i]);
	if (!ret) {
		printf("NVMe namespaces\n");
		table_print(&t);
		printf("\n");
		for (i = 0; i < l->n; i++)
			if (l->v[i].is_nvme && !l->v[i].blk.partno)
				nvme_details(l, &l->v[i]);
	}
	table_free(&t);
	return ret;
}

static int print_others(const struct idr_devlist *l)
{
	static const char *const head[] = { "Node", "Kind",  "Model / backing file", "SN",
					    "Size", "Block", "Safe to write" };
	struct table t = { .nr_cols = 7 };
	unsigned int i, n = 0;
	int ret;

	ret = table_row(&t, head);
	for (i = 0; !ret && i < l->n; i++)
		if (!l->v[i].is_nvme) {
			ret = other_row(&t, &l->v[i]);
			n++;
		}
	if (!ret && n) {
		printf("Other block devices\n");
		table_print(&t);
	}
	table_free(&t);
	return ret;
}

static void print_notes(const struct idr_devlist *l, bool listing)
{
	const char *engines[16];
	struct idr_dev blank = { .blk = { .name = "x", .size_bytes = 1 } };
	unsigned int i, n;

	if (listing && !l->nr_nvme)
		printf("\nNo NVMe namespaces found%s.\n",
		       l->nvme_err == -ENOENT ? " (no /sys/class/nvme: no NVMe device, or the "
						"nvme driver is not loaded)"
					      : "");
	else if (l->nvme_err && l->nvme_err != -ENOENT)
		printf("\nlibnvme could not scan the NVMe topology: %s.\n", strerror(-l->nvme_err));
	n = idr_dev_engines(&blank, &l->env, engines, 16);
	printf("\nEngines for any block device:");
	for (i = 0; i < n && i < 16; i++)
		printf(" %s", engines[i]);
	printf("; uring_passthru needs an NVMe namespace's generic char device (/dev/ngXnY)%s.\n",
	       l->nr_nvme ? ": see passthrough above" : "");
	if (!l->env.root)
		printf("Not root: filesystem and partition-table signatures cannot be read (safe "
		       "to write says unknown unless something is mounted or held), nor NVMe "
		       "Identify data (LBA formats, MDTS). Run as root for the full view.\n");
}

/* ---- JSON ------------------------------------------------------------------------------- */

/* Add key: val to object o (val NULL: JSON null). */
static void put(json_object *o, const char *key, json_object *val)
{
	json_object_object_add(o, key, val);
}

static json_object *jstr(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static const char *const found_names[] = {
	[IDR_FOUND_MOUNT] = "mount",	     [IDR_FOUND_SWAP] = "swap",
	[IDR_FOUND_HOLDER] = "holder",	     [IDR_FOUND_BUSY] = "busy",
	[IDR_FOUND_SIGNATURE] = "signature", [IDR_FOUND_PTABLE] = "partition_table",
	[IDR_FOUND_UNCHECKED] = "unchecked",
};

/* The alias a finding was made through: which device, how, and over which bytes. */
static json_object *json_alias(const struct idr_guard_alias *a)
{
	static const char *const rel[] = {
		[IDR_REL_BACKS] = "backs",
		[IDR_REL_OVERLAPS] = "overlaps",
		[IDR_REL_UNDER] = "writes_into",
	};
	json_object *o = json_object_new_object();

	put(o, "device", jstr(a->dev.path));
	put(o, "relation", json_object_new_string(rel[a->rel]));
	put(o, "object", jstr(a->both.obj));
	put(o, "start", json_object_new_int64((int64_t)a->both.start));
	put(o, "end",
	    a->both.end == IDR_SPAN_END ? NULL : json_object_new_int64((int64_t)a->both.end));
	return o;
}

static json_object *json_safety(const struct idr_dev *d)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array(), *f;
	const struct idr_finding *x;
	enum idr_safe verdict;
	char why[1024];
	unsigned int i;

	verdict = idr_dev_safe(d, why, sizeof(why));
	put(o, "verdict", json_object_new_string(idr_safe_str(verdict)));
	put(o, "why", json_object_new_string(why));
	for (i = 0; i < d->safety.nr; i++) {
		x = &d->safety.found[i];
		f = json_object_new_object();
		put(f, "kind", json_object_new_string(found_names[x->kind]));
		put(f, "device", jstr(x->dev));
		put(f, "what", jstr(x->what));
		put(f, "where", jstr(x->where));
		put(f, "offset", x->offset >= 0 ? json_object_new_int64(x->offset) : NULL);
		if (x->via && x->via <= d->safety.nr_alias)
			put(f, "via", json_alias(&d->safety.alias[x->via - 1]));
		json_object_array_add(arr, f);
	}
	put(o, "findings", arr);
	put(o, "more_findings", json_object_new_int((int)(d->safety.nr_total - d->safety.nr)));
	put(o, "probe_error", d->probe_err ? jstr(strerror(-d->probe_err)) : NULL);
	return o;
}

static json_object *json_lbaf(const struct idr_lbaf *f, unsigned int index)
{
	json_object *o = json_object_new_object();

	put(o, "index", json_object_new_int((int)index));
	put(o, "data_bytes", json_object_new_int64(f->data_bytes));
	put(o, "meta_bytes", json_object_new_int(f->meta_bytes));
	put(o, "relative_performance", json_object_new_int(f->rp));
	return o;
}

static json_object *json_nvme(const struct idr_devlist *l, const struct idr_dev *d)
{
	const struct idr_nvme *nv = &d->nvme;
	json_object *o = json_object_new_object(), *arr, *pt, *inuse = NULL;
	char ng[IDR_DEVNAME_MAX + 8], why[256];
	unsigned int i;

	snprintf(ng, sizeof(ng), "/dev/%s", d->blk.ng);
	put(o, "generic", *d->blk.ng ? jstr(ng) : NULL);
	put(o, "generic_present", json_object_new_boolean(nv->ng_node));
	put(o, "controller", jstr(nv->ctrl));
	put(o, "subsystem", jstr(nv->subsys));
	put(o, "nsid", d->blk.nsid ? json_object_new_int((int)d->blk.nsid) : NULL);
	put(o, "transport", jstr(nv->transport));
	put(o, "address", jstr(nv->address));
	put(o, "state", jstr(nv->state));
	put(o, "numa_node", json_object_new_int(nv->numa_node));
	put(o, "queue_count", nv->queue_count >= 0 ? json_object_new_int(nv->queue_count) : NULL);
	put(o, "identified", json_object_new_boolean(nv->identified));
	put(o, "identify_missing", nv->identified ? NULL : jstr(nv->why_not));
	arr = json_object_new_array();
	for (i = 0; nv->identified && i < nv->nr_lbaf; i++)
		json_object_array_add(arr, json_lbaf(&nv->lbaf[i], i));
	if (nv->identified && nv->lbaf_in_use < nv->nr_lbaf) {
		inuse = json_lbaf(&nv->lbaf[nv->lbaf_in_use], nv->lbaf_in_use);
		put(inuse, "extended", json_object_new_boolean(nv->extended));
	}
	put(o, "lba_format", inuse);
	put(o, "lba_formats", nv->identified ? arr : (json_object_put(arr), NULL));
	put(o, "nsze_bytes", nv->identified ? json_object_new_int64((int64_t)nsze_bytes(d)) : NULL);
	put(o, "nuse_bytes", nv->identified ? json_object_new_int64((int64_t)nuse_bytes(d)) : NULL);
	put(o, "mdts", nv->identified ? json_object_new_int((int)nv->mdts) : NULL);
	put(o, "mdts_bytes",
	    nv->identified ? json_object_new_int64((int64_t)nv->mdts_bytes) : NULL);
	pt = json_object_new_object();
	put(pt, "usable", json_object_new_boolean(idr_dev_passthru(d, &l->env, why, sizeof(why))));
	put(pt, "why_not", jstr(why));
	put(o, "passthrough", pt);
	return o;
}

static json_object *json_dev(const struct idr_devlist *l, const struct idr_dev *d)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	const char *engines[16];
	unsigned int i, n;

	put(o, "node", *d->blk.name ? jstr(d->blk.path) : NULL);
	put(o, "name", jstr(*d->blk.name ? d->blk.name : d->blk.ng));
	put(o, "kind", jstr(d->blk.kind));
	put(o, "partition_of", d->parent >= 0 ? jstr(l->v[d->parent].blk.path) : NULL);
	put(o, "partition", json_object_new_int((int)d->blk.partno));
	put(o, "model", jstr(d->blk.model));
	put(o, "serial", jstr(d->blk.serial));
	put(o, "firmware", jstr(d->blk.firmware));
	put(o, "wwid", jstr(d->blk.wwid));
	put(o, "backing_file", jstr(d->blk.backing));
	put(o, "size_bytes", json_object_new_int64((int64_t)d->blk.size_bytes));
	put(o, "logical_block_bytes", json_object_new_int((int)d->blk.lbsize));
	put(o, "physical_block_bytes", json_object_new_int((int)d->blk.pbsize));
	put(o, "max_io_bytes", json_object_new_int64((int64_t)d->blk.max_hw_kb * 1024));
	put(o, "readonly", json_object_new_boolean(d->blk.readonly));
	put(o, "rotational", json_object_new_boolean(d->blk.rotational));
	put(o, "safe_to_write", json_safety(d));
	n = idr_dev_engines(d, &l->env, engines, 16);
	for (i = 0; i < n && i < 16; i++)
		json_object_array_add(arr, json_object_new_string(engines[i]));
	put(o, "engines", arr);
	put(o, "nvme", d->is_nvme && !d->blk.partno ? json_nvme(l, d) : NULL);
	return o;
}

static int print_json(const struct idr_devlist *l, bool check)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	char kernel[32];
	unsigned int i;

	snprintf(kernel, sizeof(kernel), "%u.%u", l->env.kernel_major, l->env.kernel_minor);
	put(root, "format", json_object_new_int(1));
	put(root, "root", json_object_new_boolean(l->env.root));
	put(root, "kernel", json_object_new_string(kernel));
	put(root, "nvme_error",
	    l->nvme_err && l->nvme_err != -ENOENT ? jstr(strerror(-l->nvme_err)) : NULL);
	for (i = 0; i < l->n; i++) {
		json_object *d = json_dev(l, &l->v[i]), *sc = NULL;

		if (check && *l->v[i].blk.name && !idr_sc_report(l->v[i].blk.name, NULL, &sc))
			put(d, "system_check", sc);
		json_object_array_add(arr, d);
	}
	put(root, "devices", arr);
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return 0;
}

/* ---- the command --------------------------------------------------------------------- */

/* The devices the PATHs name, in l. Returns 0, or 1 when one named nothing (said). */
static int identify_paths(const struct idr_scan_opts *o, const struct devices_args *a,
			  struct idr_devlist *l)
{
	int i, ret, status = 0;

	idr_env_read(&l->env);
	l->v = calloc((size_t)a->nr_paths, sizeof(*l->v));
	if (!l->v) {
		idr_err("devices: out of memory");
		return 1;
	}
	for (i = 0; i < a->nr_paths; i++) {
		ret = idr_device_identify(o, a->paths[i], &l->v[l->n]);
		if (ret == -ENOTBLK)
			idr_err("devices: %s is not a block device or an NVMe generic char device "
				"(/dev/ngXnY)",
				a->paths[i]);
		else if (ret == -ENOENT || ret == -ENODEV)
			idr_err("devices: %s: no such device (gone, or a typo?)", a->paths[i]);
		else if (ret)
			idr_err("devices: %s: %s", a->paths[i], strerror(-ret));
		if (ret) {
			status = 1;
			continue;
		}
		l->nr_nvme += l->v[l->n].is_nvme;
		l->n++;
	}
	return status;
}

int cmd_devices(int argc, char **argv)
{
	struct idr_scan_opts o = { .sys = IDR_SYSFS, .safety = true, .nvme = true };
	struct idr_devlist l = { 0 };
	struct devices_args a;
	int ret, status = 0;

	ret = parse_args(argc, argv, &a);
	if (ret) {
		free(a.paths);
		return ret;
	}
	o.all = a.all;
	if (a.nr_paths) {
		status = identify_paths(&o, &a, &l);
	} else if ((ret = idr_devices_scan(&o, &l))) {
		idr_err("devices: cannot list the block devices in %s/class/block: %s", o.sys,
			strerror(-ret));
		free(a.paths);
		return 1;
	}
	if (a.json)
		ret = print_json(&l, a.nr_paths > 0);
	else if (l.n || !a.nr_paths) {
		ret = (l.nr_nvme ? print_nvme(&l) : 0) ?: print_others(&l);
		print_notes(&l, !a.nr_paths);
	}
	for (unsigned int i = 0; !a.json && a.nr_paths && i < l.n; i++) {
		if (!*l.v[i].blk.name)
			continue;
		printf("\n");
		if (idr_sc_report(l.v[i].blk.name, stdout, NULL))
			status = 1;
	}
	if (ret) {
		idr_err("devices: out of memory");
		status = 1;
	}
	idr_devices_free(&l);
	free(a.paths);
	return status;
}
