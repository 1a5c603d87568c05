/*
 * iodrill.h - what every part of the iodrill command shares.
 */
#ifndef IDR_CLI_IODRILL_H
#define IDR_CLI_IODRILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* One prototype and one help string per command in commands.h. */
#define IDR_COMMAND(name, fn, summary) \
	int fn(int argc, char **argv); \
	extern const char fn##_help[];
#include "commands.h"
#undef IDR_COMMAND

/* Print "iodrill: <message>" on stderr. */
void idr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* idr_now_ms - the time now, Unix milliseconds. */
int64_t idr_now_ms(void);

/* idr_utc_ms - a UTC calendar time (year, month 1-12, day, hour, minute, second, ms) as
 * Unix milliseconds; the fields are not range-checked here. */
int64_t idr_utc_ms(int year, int mon, int day, int hour, int min, int sec, int ms);

/* idr_print_json - o on out as pretty JSON ('/' not escaped), with a newline. */
void idr_print_json(FILE *out, struct json_object *o);

/*
 * idr_beside_self - rel (e.g. "profiles/drill.fio") in the folder of the running iodrill
 * binary, into buf: a build tree has engines/, profiles/ and results/ there. Returns 0 when
 * it exists, -ENOENT when not, -ENAMETOOLONG.
 */
int idr_beside_self(const char *rel, char *buf, size_t len);

/*
 * idr_engine_path - where engine NAME's .so is: engines/ beside the iodrill binary (a
 * build tree), else the installed library folder. Returns 0 with the path in buf, or
 * -ENOENT when neither exists.
 */
int idr_engine_path(const char *name, char *buf, size_t len);

/*
 * idr_profile_path - where profile NAME (profiles/NAME.fio) is: beside the binary, else
 * the installed data folder. Returns 0 with the path in buf, or -ENOENT.
 */
int idr_profile_path(const char *name, char *buf, size_t len);

/* idr_fio_path - the fio binary iodrill runs: $IODRILL_FIO, else the one configured. */
const char *idr_fio_path(void);

/*
 * idr_parse_uint - a decimal number in min..max. Returns 0, -EINVAL (not a number) or
 * -ERANGE (outside the range).
 */
int idr_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *out);

/*
 * idr_opt_uint - the value arg of command cmd's option --name as a number in min..max
 * (max <= UINT_MAX) into *out; otherwise "<cmd>: --<name> <arg> is not a number" or "...
 * is outside <min>..<max>" on stderr. Returns 0, -EINVAL or -ERANGE.
 */
int idr_opt_uint(const char *cmd, const char *name, const char *arg, unsigned long long min,
		 unsigned long long max, unsigned int *out);

/*
 * idr_argv_dup - a copy of argv's pointers, NULL-terminated, for getopt_long to reorder
 * while argv stays the command line as typed. free() it; NULL when out of memory.
 */
char **idr_argv_dup(int argc, char **argv);

/* idr_parse_size - bytes, with an optional K, M, G or T suffix (powers of 1024; "MiB" and
 * "MB" read the same). Returns 0, -EINVAL or -ERANGE. */
int idr_parse_size(const char *s, unsigned long long *out);

#endif
