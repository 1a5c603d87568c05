/*
 * common.c - helpers every part of the iodrill command shares (iodrill.h), kept out of
 * main.c so that the unit test binaries, which link every cli file but main.c, have them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "iodrill.h"

void idr_err(const char *fmt, ...)
{
	va_list ap;

	fputs("iodrill: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void idr_print_json(FILE *out, struct json_object *o)
{
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
}

int64_t idr_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t idr_utc_ms(int year, int mon, int day, int hour, int min, int sec, int ms)
{
	struct tm tm = {
		.tm_year = year - 1900,
		.tm_mon = mon - 1,
		.tm_mday = day,
		.tm_hour = hour,
		.tm_min = min,
		.tm_sec = sec,
	};

	return (int64_t)timegm(&tm) * 1000 + ms;
}

const char *idr_fio_path(void)
{
	const char *env = getenv("IODRILL_FIO");

	return env && *env ? env : IDR_FIO_BIN;
}

int idr_beside_self(const char *rel, char *buf, size_t len)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;
	char *slash;

	if (n <= 0)
		return -ENOENT;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if (snprintf(buf, len, "%s/%s", self, rel) >= (int)len)
		return -ENAMETOOLONG;
	return stat(buf, &st) ? -ENOENT : 0;
}

/* rel beside the binary, else under the installed folder: 0 with the path, or -ENOENT. */
static int beside_self(const char *rel, const char *installed, char *buf, size_t len)
{
	struct stat st;

	if (!idr_beside_self(rel, buf, len))
		return 0;
	snprintf(buf, len, "%s/%s", installed, rel);
	return stat(buf, &st) ? -ENOENT : 0;
}

int idr_engine_path(const char *name, char *buf, size_t len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "engines/%s.so", name);
	return beside_self(rel, IDR_LIBDIR, buf, len);
}

int idr_profile_path(const char *name, char *buf, size_t len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "profiles/%s.fio", name);
	return beside_self(rel, IDR_DATADIR, buf, len);
}

int idr_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int idr_opt_uint(const char *cmd, const char *name, const char *arg, unsigned long long min,
		 unsigned long long max, unsigned int *out)
{
	unsigned long long v;
	int ret = idr_parse_uint(arg, min, max, &v);

	if (ret == -EINVAL)
		idr_err("%s: --%s %s is not a number", cmd, name, arg);
	else if (ret)
		idr_err("%s: --%s %s is outside %llu..%llu", cmd, name, arg, min, max);
	else
		*out = (unsigned int)v;
	return ret;
}

char **idr_argv_dup(int argc, char **argv)
{
	char **copy = calloc((size_t)argc + 1, sizeof(*copy));

	if (copy)
		memcpy(copy, argv, (size_t)argc * sizeof(*copy));
	return copy;
}

int idr_parse_size(const char *s, unsigned long long *out)
{
	static const char units[] = "KMGT";
	unsigned long long v, mult = 1;
	char *end;
	const char *u;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno == ERANGE)
		return -EINVAL;
	if (*end) {
		u = strchr(units, *end & ~0x20);
		if (!u || (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B")))
			return -EINVAL;
		mult = 1ull << (10 * (u - units + 1));
	}
	if (v > ~0ull / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}
