/*
 * profile.c - writing a copy of a profile with some [global] settings changed (profile.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/fiojson.h"
#include "run/profile.h"

void idr_profile_key(const char *line, char *key, size_t keylen)
{
	size_t n = 0;

	while (isspace((unsigned char)*line))
		line++;
	if (*line == '#' || *line == ';' || *line == '[')
		line = "";
	while (line[n] && line[n] != '=' && !isspace((unsigned char)line[n]))
		n++;
	if (n >= keylen)
		n = keylen - 1;
	memcpy(key, line, n);
	key[n] = '\0';
}

/* Is this line a section header, and which? */
static bool section(const char *line, const char **name, size_t *len)
{
	const char *end;

	while (isspace((unsigned char)*line))
		line++;
	if (*line != '[' || !(end = strchr(line, ']')))
		return false;
	*name = line + 1;
	*len = (size_t)(end - line - 1);
	return true;
}

/* The index of the setting in sets[] that sets key, or -1. */
static int find_set(const char *const *sets, unsigned int n, const char *key)
{
	size_t klen = strlen(key);
	unsigned int i;

	for (i = 0; *key && i < n; i++)
		if (!strncmp(sets[i], key, klen) && (sets[i][klen] == '=' || !sets[i][klen]))
			return (int)i;
	return -1;
}

static void put_unused(FILE *out, const char *const *sets, unsigned int n, const bool *used)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!used[i])
			fprintf(out, "%s\n", sets[i]);
}

/* Copy text to out, applying sets to the first [global] section. */
static void render(const char *text, FILE *out, const char *const *sets, unsigned int n, bool *used)
{
	enum { BEFORE, IN_GLOBAL, AFTER } state = BEFORE;
	const char *p = text, *nl, *name;
	char line[4096], key[64];
	size_t len;
	int i;

	if (!strstr(text, "[global]")) {
		fputs("[global]\n", out);
		put_unused(out, sets, n, used);
		state = AFTER;
	}
	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		/* A longer line is parsed by its start, and copied whole. */
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (section(line, &name, &len)) {
			if (state == IN_GLOBAL) {
				put_unused(out, sets, n, used);
				state = AFTER;
			}
			if (state == BEFORE && len == 6 && !strncmp(name, "global", 6))
				state = IN_GLOBAL;
		} else if (state == IN_GLOBAL) {
			idr_profile_key(line, key, sizeof(key));
			i = find_set(sets, n, key);
			if (i >= 0 && !used[i]) {
				fprintf(out, "%s\n", sets[i]);
				used[i] = true;
				continue;
			}
		}
		fwrite(p, 1, (size_t)(nl - p), out);
		fputc('\n', out);
	}
	if (state == IN_GLOBAL)
		put_unused(out, sets, n, used);
}

/* fio --client sends a server job files only: the settings go in a [global] ahead of the
 * job file's text, where fio ranks them as it ranks its command line's options. */
static void prepend(const char *text, FILE *out, const char *const *sets, unsigned int n,
		    bool *used)
{
	unsigned int i;

	(void)used;
	fputs("; iodrill: the options of the command line (fio --client sends job files only)\n"
	      "[global]\n",
	      out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s\n", sets[i]);
	fprintf(out, "\n%s", text);
}

/* dst, made anew (never over an existing file), from src's text through emit. */
static int write_copy(const char *src, const char *dst, const char *const *sets, unsigned int n,
		      void (*emit)(const char *, FILE *, const char *const *, unsigned int, bool *),
		      char *err, size_t errlen)
{
	bool used[64] = { false };
	char *text;
	size_t len;
	FILE *out;
	int ret;

	if (n > 64) {
		snprintf(err, errlen, "%s: too many settings to change", src);
		return -EINVAL;
	}
	ret = idr_read_file(src, &text, &len);
	if (ret) {
		snprintf(err, errlen, "cannot read the job file %s: %s", src, strerror(-ret));
		return ret;
	}
	out = fopen(dst, "wx");
	if (!out) {
		ret = -errno;
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
		free(text);
		return ret;
	}
	emit(text, out, sets, n, used);
	free(text);
	if (fclose(out)) {
		ret = -errno;
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
		return ret;
	}
	return 0;
}

int idr_profile_render(const char *src, const char *dst, const char *const *sets, unsigned int n,
		       char *err, size_t errlen)
{
	return write_copy(src, dst, sets, n, render, err, errlen);
}

int idr_profile_prepend(const char *src, const char *dst, const char *const *sets, unsigned int n,
			char *err, size_t errlen)
{
	return write_copy(src, dst, sets, n, prepend, err, errlen);
}
