/*
 * sysapply.c - changing the settings the system check found costly, and putting every
 * one back (syscheck.h). Before the first change, a shell script that undoes them all is
 * written, so that even a run killed with SIGKILL can be undone by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syscheck.h"

/* Write value to a sysfs or procfs file. Returns 0 or -errno. */
static int write_value(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	/* sysfs reports some refusals only when the file is closed. */
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/* Does path now read value? A scheduler reads "[none] mq-deadline" for none. */
static bool holds(const char *path, const char *value)
{
	char line[256], *slash, dir[256], want[80];

	idr_strcpy(dir, sizeof(dir), path);
	slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if (idr_sysfs_read(dir, slash + 1, line, sizeof(line)) < 0)
		return false;
	if (!strcmp(line, value))
		return true;
	snprintf(want, sizeof(want), "[%s]", value);
	return strstr(line, want) != NULL;
}

/* A value as a single-quoted shell word (sysfs values hold no quote, but be safe). */
static void shell_word(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* The undo script: each knob's value in effect, written back newest first. */
static int write_script(const struct idr_syscheck *sc, const char *script, char *err, size_t errlen)
{
	int fd = open(script, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	unsigned int i;
	int ret;

	if (!f) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "cannot write the undo script %s: %s", script,
			 strerror(-ret));
		return ret;
	}
	fprintf(f, "#!/bin/sh\n# Written by iodrill --apply-recommended before it changed "
		   "these settings:\n# run it to put them back if iodrill could not (killed).\n");
	for (i = sc->nr_knobs; i-- > 0;) {
		fputs("printf '%s' ", f);
		shell_word(f, sc->knob[i].now);
		fputs(" > ", f);
		shell_word(f, sc->knob[i].path);
		fputc('\n', f);
	}
	ret = fclose(f) ? -errno : 0;
	if (ret)
		snprintf(err, errlen, "cannot write the undo script %s: %s", script,
			 strerror(-ret));
	return ret;
}

/* Say in refused why a knob kept its value. */
static void refused(struct idr_sc_undo *u, const struct idr_sc_knob *k, int why)
{
	size_t used = strlen(u->refused);

	snprintf(u->refused + used, sizeof(u->refused) - used, "%s%s: %s%s", used ? "; " : "",
		 k->path, strerror(-why),
		 why == -EIO && k->what == IDR_SC_IRQ ? " (a kernel-managed interrupt)" : "");
}

int idr_sc_apply(const struct idr_syscheck *sc, const char *script, struct idr_sc_undo *u,
		 char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	memset(u, 0, sizeof(*u));
	if (!sc->nr_knobs)
		return 0;
	u->v = calloc(sc->nr_knobs, sizeof(*u->v));
	if (!u->v) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = write_script(sc, script, err, errlen);
	if (ret) {
		free(u->v);
		u->v = NULL;
		return ret;
	}
	idr_strcpy(u->script, sizeof(u->script), script);
	for (i = 0; i < sc->nr_knobs; i++) {
		ret = write_value(sc->knob[i].path, sc->knob[i].want);
		if (ret) {
			refused(u, &sc->knob[i], ret);
			continue;
		}
		u->v[u->n++] = sc->knob[i];
	}
	return (int)u->n;
}

int idr_sc_restore(struct idr_sc_undo *u, char *err, size_t errlen)
{
	size_t used = 0;
	int ret = 0, w;

	err[0] = '\0';
	while (u->n > 0) {
		const struct idr_sc_knob *k = &u->v[--u->n];

		w = write_value(k->path, k->now);
		if (!w && holds(k->path, k->now))
			continue;
		ret = -EIO;
		used += (size_t)snprintf(err + used, used < errlen ? errlen - used : 0,
					 "%s%s still reads other than '%s'%s%s", used ? "; " : "",
					 k->path, k->now, w ? ": " : "", w ? strerror(-w) : "");
	}
	free(u->v);
	u->v = NULL;
	if (!ret && *u->script && !unlink(u->script))
		u->script[0] = '\0';
	else if (ret && *u->script && used < errlen)
		snprintf(err + used, errlen - used, " (the undo script %s is kept)", u->script);
	return ret;
}
