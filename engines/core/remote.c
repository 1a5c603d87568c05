/*
 * remote.c - where a job ran, said under `fio --server` (remote.h): the host, the target
 * as the drill sees a TARGET, and its identity as the results archive files it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "archive/identity.h"
#include "devices.h"
#include "remote.h"
#include "target.h"

static void put(struct json_object *o, const char *key, struct json_object *v)
{
	if (v && json_object_object_add(o, key, v))
		json_object_put(v);
}

static void put_str(struct json_object *o, const char *key, const char *s)
{
	if (s && *s)
		put(o, key, json_object_new_string(s));
}

/* A block device or /dev/ngXnY: its size and its NVMe twin, as nvme/ sees them. */
static const char *device_facts(const char *path, bool block, struct json_object *t)
{
	const struct idr_scan_opts o = { .sys = IDR_SYSFS };
	struct idr_dev *d = malloc(sizeof(*d));
	char node[PATH_MAX];
	const char *type = block ? "block" : "other";

	if (!d)
		return type;
	if (!idr_device_identify(&o, path, d)) {
		if (!block)
			type = "ngdev";
		put_str(t, "block_device", idr_dev_node(d, false, node, sizeof(node)));
		put_str(t, "generic_device", idr_dev_node(d, true, node, sizeof(node)));
		put(t, "size_bytes", json_object_new_uint64(d->blk.size_bytes));
	}
	free(d);
	return type;
}

/* A regular file: its size and the filesystem holding it. */
static void file_facts(const char *path, const struct stat *st, struct json_object *t)
{
	struct idr_fs *fs = malloc(sizeof(*fs));

	put(t, "size_bytes", json_object_new_uint64((uint64_t)st->st_size));
	if (fs && !idr_path_fs(path, fs)) {
		put_str(t, "fstype", fs->m.fstype);
		put_str(t, "fsdev", fs->m.source);
	}
	free(fs);
}

/* What path is, as the drill's TARGET resolution (cli/run/drilltarget.c) would say here. */
static struct json_object *target_json(const char *path)
{
	struct json_object *t = json_object_new_object();
	char real[PATH_MAX];
	const char *type;
	struct stat st;

	if (!t)
		return NULL;
	if (stat(path, &st)) {
		put_str(t, "type", "missing");
		put_str(t, "error", strerror(errno));
		return t;
	}
	if (realpath(path, real))
		put_str(t, "realpath", real);
	if (S_ISREG(st.st_mode)) {
		type = "file";
		file_facts(path, &st, t);
	} else if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
		type = device_facts(path, S_ISBLK(st.st_mode), t);
	} else {
		type = "other";
	}
	put_str(t, "type", type);
	/* passthrough never goes through the page cache */
	put(t, "direct",
	    json_object_new_boolean(!strcmp(type, "ngdev") || idr_path_direct_works(path)));
	return t;
}

char *idr_remote_where_line(const char *path)
{
	struct json_object *o = json_object_new_object();
	struct idr_devid id;
	char err[1024], *line = NULL;
	const char *text;

	if (!o)
		return NULL;
	put(o, "format", json_object_new_int(IDR_REMOTE_FORMAT));
	put_str(o, "path", path);
	put(o, "host", idr_prov_host());
	put(o, "target", target_json(path));
	if (!idr_devid_identify(path, &id, err, sizeof(err))) {
		put(o, "device", json_object_get(id.json));
		idr_devid_free(&id);
	} else {
		put_str(o, "device_error", err);
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (text && asprintf(&line, "%s%s\n", IDR_REMOTE_WHERE, text) < 0)
		line = NULL;
	json_object_put(o);
	return line;
}
