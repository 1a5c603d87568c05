/*
 * index.c - finding runs in the archive (archive.h): the index of device folders
 * and run files, built from names alone, and resolving what a user typed to a run or a
 * device. Only reads.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/archive_int.h"
#include "archive/identity.h"
#include "archive/fiojson.h"

#ifndef __clang__ /* clang has no such warning */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static int grow(void **arr, unsigned int nr, unsigned int *cap, size_t size)
{
	void *p;

	if (nr < *cap)
		return 0;
	*cap = *cap ? 2 * *cap : 16;
	p = realloc(*arr, *cap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

static int add_run(struct idr_archive_index *idx, unsigned int *cap, const char *dev,
		   const char *file)
{
	char id[IDR_RUN_ID_MAX];
	size_t n = strlen(file);
	struct idr_archive_run *r;
	int64_t ms;
	char kind[24];

	if (n < 6 || n - 5 >= sizeof(id) || strcmp(file + n - 5, ".json"))
		return 0;
	memcpy(id, file, n - 5);
	id[n - 5] = '\0';
	if (idr_run_id_parse(id, &ms, kind, sizeof(kind)))
		return 0; /* not a run file (device.json, or someone else's) */
	if (grow((void **)&idx->runs, idx->nr, cap, sizeof(*idx->runs)))
		return -ENOMEM;
	r = &idx->runs[idx->nr++];
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->device, sizeof(r->device), "%s", dev);
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	r->time_ms = ms;
	return 0;
}

static int scan_device(struct idr_archive_index *idx, unsigned int *cap, const char *dev, char *err,
		       size_t errlen)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", idx->dir, dev);
	d = opendir(path);
	if (!d) {
		ret = -errno;
		snprintf(err, errlen, "cannot read device folder %s: %s", path, strerror(errno));
		return ret;
	}
	while (!ret && (e = readdir(d))) {
		if (!strncmp(e->d_name, ".tmp", 4))
			idx->nr_stale++;
		else if (e->d_name[0] != '.')
			ret = add_run(idx, cap, dev, e->d_name);
	}
	closedir(d);
	if (ret)
		snprintf(err, errlen, "out of memory");
	return ret;
}

static int is_dir(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !lstat(path, &st) && S_ISDIR(st.st_mode);
}

static int newest_first(const void *a, const void *b)
{
	const struct idr_archive_run *x = a, *y = b;

	if (x->time_ms != y->time_ms)
		return x->time_ms > y->time_ms ? -1 : 1;
	return -strcmp(x->id, y->id);
}

static int by_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static int add_device(struct idr_archive_index *idx, unsigned int *cap, const char *name)
{
	if (strlen(name) >= IDR_DEVICE_NAME_MAX)
		return 0; /* not a name the archive makes */
	if (grow((void **)&idx->devices, idx->nr_devices, cap, sizeof(*idx->devices)))
		return -ENOMEM;
	snprintf(idx->devices[idx->nr_devices++], IDR_DEVICE_NAME_MAX, "%s", name);
	return 0;
}

int idr_archive_scan(const char *dir, struct idr_archive_index *idx, char *err, size_t errlen)
{
	unsigned int run_cap = 0, dev_cap = 0, i;
	struct dirent *e;
	DIR *d;
	int ret = 0;

	memset(idx, 0, sizeof(*idx));
	if (strlen(dir) >= sizeof(idx->dir)) {
		snprintf(err, errlen, "archive path too long: %s", dir);
		return -ENAMETOOLONG;
	}
	strcpy(idx->dir, dir);
	d = opendir(dir);
	if (!d && errno == ENOENT)
		return 0; /* nothing stored yet */
	if (!d) {
		ret = -errno;
		snprintf(err, errlen, "cannot read the results archive %s: %s", dir,
			 strerror(errno));
		return ret;
	}
	while (!ret && (e = readdir(d))) {
		if (!strncmp(e->d_name, ".tmp", 4))
			idx->nr_stale++;
		else if (e->d_name[0] != '.' && is_dir(dir, e->d_name))
			ret = add_device(idx, &dev_cap, e->d_name);
	}
	closedir(d);
	if (ret)
		snprintf(err, errlen, "out of memory");
	for (i = 0; !ret && i < idx->nr_devices; i++)
		ret = scan_device(idx, &run_cap, idx->devices[i], err, errlen);
	if (ret) {
		idr_archive_index_free(idx);
		return ret;
	}
	if (idx->nr_devices)
		qsort(idx->devices, idx->nr_devices, sizeof(*idx->devices), by_name);
	if (idx->nr)
		qsort(idx->runs, idx->nr, sizeof(*idx->runs), newest_first);
	return 0;
}

void idr_archive_index_free(struct idr_archive_index *idx)
{
	free(idx->runs);
	free(idx->devices);
	idx->runs = NULL;
	idx->devices = NULL;
	idx->nr = idx->nr_devices = 0;
}

int idr_archive_run_path(const struct idr_archive_index *idx, const struct idr_archive_run *r,
			 char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s/%s.json", idx->dir, r->device, r->id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Up to four of the names that matched, for the message. */
static void candidates(char *err, size_t errlen, const char *const *names, unsigned int n)
{
	unsigned int i;
	size_t used;

	for (i = 0; i < n && i < 4; i++) {
		used = strlen(err);
		snprintf(err + used, errlen - used, "%s%s", i ? ", " : " (", names[i]);
	}
	used = strlen(err);
	snprintf(err + used, errlen - used, "%s)", n > 4 ? ", ..." : "");
}

/* Does run r match what the user typed: "DEVICE/ID" or an id exactly (2), a part of the
 * id (1), or not (0)? */
static int run_match(const struct idr_archive_run *r, const char *name)
{
	size_t n = strlen(r->device);

	if (!strcmp(r->id, name) ||
	    (!strncmp(name, r->device, n) && name[n] == '/' && !strcmp(name + n + 1, r->id)))
		return 2;
	return *name && strstr(r->id, name) ? 1 : 0;
}

const struct idr_archive_run *idr_archive_find_run(const struct idr_archive_index *idx,
						   const char *name, char *err, size_t errlen)
{
	const struct idr_archive_run *found = NULL;
	char names[5][IDR_RUN_ID_MAX + IDR_DEVICE_NAME_MAX];
	const char *list[5];
	unsigned int i, n = 0, exact = 0;
	int m;

	if (!idx->nr) {
		snprintf(err, errlen,
			 "the results archive %s is empty: runs are stored by iodrill "
			 "drill, iodrill tune and iodrill results add",
			 idx->dir);
		return NULL;
	}
	if (!strcmp(name, "latest"))
		return &idx->runs[0];
	/* exact matches first; parts of ids only when nothing matched exactly */
	for (exact = 2; exact >= 1 && !n; exact--) {
		for (i = 0; i < idx->nr; i++) {
			m = run_match(&idx->runs[i], name);
			if (m != (int)exact)
				continue;
			if (n < 5) {
				snprintf(names[n], sizeof(names[n]), "%s/%s", idx->runs[i].device,
					 idx->runs[i].id);
				list[n] = names[n];
			}
			found = &idx->runs[i];
			n++;
		}
	}
	if (n == 1)
		return found;
	if (!n) {
		snprintf(err, errlen, "no run '%s' in %s ('iodrill results list' shows the runs)",
			 name, idx->dir);
		return NULL;
	}
	snprintf(err, errlen, "'%s' matches %u runs; give more of the id, or DEVICE/ID", name, n);
	candidates(err, errlen, list, n);
	return NULL;
}

int idr_archive_device_load(const struct idr_archive_index *idx, const char *dev,
			    struct json_object **out, char *err, size_t errlen)
{
	char path[PATH_MAX], *text, why[256];
	struct json_object *o;
	size_t len;
	int ret;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/%s/device.json", idx->dir, dev);
	ret = idr_read_file(path, &text, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	o = json_tokener_parse(text);
	free(text);
	if (!o || !idr_json_str(o, "key") || !idr_json_str(o, "description")) {
		snprintf(why, sizeof(why), "%s", o ? "not a device identity" : "not valid JSON");
		snprintf(err, errlen, "%s: %s", path, why);
		json_object_put(o);
		return -EINVAL;
	}
	*out = o;
	return 0;
}

/* A path names a device by its identity: the folder whose device.json has the same key. */
static const char *device_by_path(const struct idr_archive_index *idx, const char *path, char *err,
				  size_t errlen)
{
	struct idr_devid id;
	struct json_object *o;
	const char *found = NULL;
	unsigned int i;
	char why[64];
	int ret = idr_devid_identify(path, &id, err, errlen);

	if (ret)
		return NULL;
	for (i = 0; i < idx->nr_devices && !found; i++) {
		if (idr_archive_device_load(idx, idx->devices[i], &o, why, sizeof(why)))
			continue;
		if (!strcmp(idr_json_str(o, "key"), id.key))
			found = idx->devices[i];
		json_object_put(o);
	}
	if (!found)
		snprintf(err, errlen,
			 "%s is %s (it would be filed as %s); the archive %s has no runs "
			 "on it",
			 path, id.description, id.name, idx->dir);
	idr_devid_free(&id);
	return found;
}

const char *idr_archive_find_device(const struct idr_archive_index *idx, const char *name,
				    char *err, size_t errlen)
{
	const char *found = NULL, *names[5];
	unsigned int i, n = 0;

	for (i = 0; i < idx->nr_devices; i++)
		if (!strcmp(idx->devices[i], name))
			return idx->devices[i];
	if (name[0] == '/' || !strncmp(name, "./", 2) || !strcmp(name, "none"))
		return device_by_path(idx, name, err, errlen);
	for (i = 0; *name && i < idx->nr_devices; i++) {
		if (!strstr(idx->devices[i], name))
			continue;
		if (n < 5)
			names[n] = idx->devices[i];
		found = idx->devices[i];
		n++;
	}
	if (n == 1)
		return found;
	if (!n && !idx->nr_devices)
		snprintf(err, errlen, "the results archive %s is empty: no device '%s'", idx->dir,
			 name);
	else if (!n)
		snprintf(err, errlen,
			 "no device folder matches '%s' in %s ('iodrill results list' "
			 "shows them)",
			 name, idx->dir);
	else {
		snprintf(err, errlen, "'%s' matches %u device folders; give more of the name", name,
			 n);
		candidates(err, errlen, names, n);
	}
	return found && n == 1 ? found : NULL;
}
