/*
 * cmdopts.h - the command line of a command that drives fio and stores its runs (drill,
 * tune, precondition): getopt_long over a copy of argv (argv stays as typed: the archive
 * keeps it), --help, an unknown option, the options they all take (--json, --keep DIR,
 * --results DIR, --no-archive) handled once, and the positional arguments collected.
 */
#ifndef IDR_CLI_CMDOPTS_H
#define IDR_CLI_CMDOPTS_H

#include <getopt.h>
#include <stdbool.h>

/* The shared options' getopt codes, above any command's own. */
enum { IDR_OPT_JSON = 0x1000, IDR_OPT_KEEP, IDR_OPT_RESULTS, IDR_OPT_NO_ARCHIVE };

/* The last entries of a command's long options: the shared ones, --help, the end. */
#define IDR_CMD_LONG_OPTS                                                \
	{ "json", no_argument, NULL, IDR_OPT_JSON },                     \
		{ "keep", required_argument, NULL, IDR_OPT_KEEP },       \
		{ "results", required_argument, NULL, IDR_OPT_RESULTS }, \
		{ "no-archive", no_argument, NULL, IDR_OPT_NO_ARCHIVE }, \
		{ "help", no_argument, NULL, 'h' },                      \
	{                                                                \
		NULL, 0, NULL, 0                                         \
	}

#define IDR_CMD_MAX_ARGS 4

struct idr_cmd_args {
	/* in */
	const char *cmd;	   /* "drill": names the command in messages */
	const char *help;	   /* printed for -h, --help */
	const struct option *opts; /* ending with IDR_CMD_LONG_OPTS */
	/* the command's own option c with its argument (or NULL): 0, or -errno after a
	   message naming the option */
	int (*one)(int c, const char *arg, void *ctx);
	void *ctx;
	/* out */
	bool json, no_archive;
	const char *keep, *results;
	const char *args[IDR_CMD_MAX_ARGS]; /* positional arguments, in order */
	unsigned int nargs;
};

/*
 * idr_cmd_parse - parse argv (argv[0] is the command) into a. Returns 0; 1 when the help
 * was printed; -EINVAL after a message (an unknown option, an option of the command's
 * refused, more than IDR_CMD_MAX_ARGS arguments, --results with --no-archive); -ENOMEM.
 */
int idr_cmd_parse(int argc, char **argv, struct idr_cmd_args *a);

#endif
