/*
 * test_remote.c - engines/core/remote.c: what an engine says under `fio --server` about
 * where it ran. The fleet relies on it naming the device exactly as the archive would
 * here, and on it being one line the client can find.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <json-c/json.h>

#include "archive/identity.h"
#include "remote.h"
#include "unit.h"

/* The object after the prefix of idr_remote_where_line(path); NULL (and a failed assertion)
 * when the line is not one prefixed JSON object ending in one newline. */
static struct json_object *where(const char *path)
{
	char *line = idr_remote_where_line(path);
	size_t n = strlen(IDR_REMOTE_WHERE), len;
	struct json_object *o = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	len = strlen(line);
	CU_ASSERT_EQUAL(strncmp(line, IDR_REMOTE_WHERE, n), 0);
	CU_ASSERT(len > n && line[len - 1] == '\n');
	CU_ASSERT_PTR_NULL(memchr(line, '\n', len - 1));
	if (!strncmp(line, IDR_REMOTE_WHERE, n))
		o = json_tokener_parse(line + n);
	free(line);
	CU_ASSERT_PTR_NOT_NULL(o);
	return o;
}

static const char *str(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, a, &v) || (b && !json_object_object_get_ex(v, b, &v)))
		return NULL;
	return json_object_get_string(v);
}

static void file_named_as_the_archive_names_it(void)
{
	struct json_object *o = where("Makefile"), *v;
	struct idr_devid id;
	struct utsname u;
	struct stat st;
	char err[512];

	if (!o)
		return;
	CU_ASSERT_STRING_EQUAL(str(o, "target", "type") ?: "", "file");
	CU_ASSERT_STRING_EQUAL(str(o, "path", NULL) ?: "", "Makefile");
	CU_ASSERT_EQUAL_FATAL(stat("Makefile", &st), 0);
	CU_ASSERT(
		json_object_object_get_ex(json_object_object_get(o, "target"), "size_bytes", &v) &&
		json_object_get_int64(v) == st.st_size);
	CU_ASSERT_EQUAL_FATAL(idr_devid_identify("Makefile", &id, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(str(o, "device", "name") ?: "", id.name);
	CU_ASSERT_STRING_EQUAL(str(o, "device", "key") ?: "", id.key);
	idr_devid_free(&id);
	CU_ASSERT_EQUAL_FATAL(uname(&u), 0);
	CU_ASSERT_STRING_EQUAL(str(o, "host", "hostname") ?: "", u.nodename);
	CU_ASSERT_PTR_NOT_NULL(str(o, "host", "kernel"));
	json_object_put(o);
}

static void missing_path_says_why(void)
{
	struct json_object *o = where("/nonexistent-iodrill/x");

	if (!o)
		return;
	CU_ASSERT_STRING_EQUAL(str(o, "target", "type") ?: "", "missing");
	CU_ASSERT_PTR_NOT_NULL(str(o, "device_error", NULL));
	CU_ASSERT_PTR_NULL(json_object_object_get(o, "device"));
	json_object_put(o);
}

static void char_device_not_ng_is_other(void)
{
	struct json_object *o = where("/dev/null");

	if (!o)
		return;
	CU_ASSERT_STRING_EQUAL(str(o, "target", "type") ?: "", "other");
	json_object_put(o);
}

static CU_TestInfo remote_tests[] = {
	{ "idr_remote_where_line/a file, named as the archive names it here",
	  file_named_as_the_archive_names_it },
	{ "idr_remote_where_line/a missing path says why", missing_path_says_why },
	{ "idr_remote_where_line/a char device that is no /dev/ngXnY is other",
	  char_device_not_ng_is_other },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/remote.c", remote_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
