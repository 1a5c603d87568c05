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
#include <unistd.h>

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

const char *idr_fio_path(void)
{
	const char *env = getenv("IODRILL_FIO");

	return env && *env ? env : IDR_FIO_BIN;
}

/*
 * Find rel beside the running binary (a build tree: ./iodrill, ./engines, ./profiles), else
 * under the installed folder. Returns 0 with the path in buf, or -ENOENT.
 */
static int beside_self(const char *rel, const char *installed, char *buf, size_t len)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/%s", self, rel);
			if (!stat(buf, &st))
				return 0;
		}
	}
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
