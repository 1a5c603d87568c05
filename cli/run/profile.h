/*
 * profile.h - the fio job files in profiles/, as iodrill runs them.
 *
 * fio 3.33 lets a value set in a job file win over the same option on the command line,
 * so iodrill passes on the command line only what a profile leaves out, and where it must
 * change a value the profile sets (direct=0 on a filesystem that refuses O_DIRECT, a
 * shorter runtime) it writes a copy of the profile with that line changed.
 */
#ifndef IDR_CLI_PROFILE_H
#define IDR_CLI_PROFILE_H

#include <stddef.h>

/*
 * idr_profile_render - copy the job file src to dst with each "key=value" of sets[0..n)
 * set in its first [global] section: a line setting key there is replaced, otherwise the
 * setting is added at the end of the section (a [global] section is added when there is
 * none). Comments and every other line are copied unchanged.
 * Returns 0, or -errno with a message naming the file in err.
 */
int idr_profile_render(const char *src, const char *dst, const char *const *sets, unsigned int n,
		       char *err, size_t errlen);

/*
 * idr_profile_prepend - copy the job file src to dst with a [global] section of sets[0..n)
 * ahead of it (a fleet host's call: fio --client sends job files only, and fio ranks an
 * earlier [global] below the file's own settings, as it ranks its command line's).
 * Returns 0, or -errno with a message naming the file in err.
 */
int idr_profile_prepend(const char *src, const char *dst, const char *const *sets, unsigned int n,
			char *err, size_t errlen);

/* idr_profile_key - the option a job-file line sets ("runtime" for "  runtime = 3"), copied
 * into key; "" for a comment, a blank line or a section header. */
void idr_profile_key(const char *line, char *key, size_t keylen);

#endif
