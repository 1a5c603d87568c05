/*
 * cmdopts.c - the command line of the commands that store runs (cmdopts.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "iodrill.h"
#include "run/cmdopts.h"

/* One shared option into a, or the command's own. Returns 0 or -errno. */
static int take(int c, struct idr_cmd_args *a)
{
	switch (c) {
	case IDR_OPT_JSON:
		a->json = true;
		return 0;
	case IDR_OPT_KEEP:
		a->keep = optarg;
		return 0;
	case IDR_OPT_RESULTS:
		a->results = optarg;
		return 0;
	case IDR_OPT_NO_ARCHIVE:
		a->no_archive = true;
		return 0;
	default:
		return a->one(c, optarg, a->ctx);
	}
}

static int parse(int argc, char **argv, struct idr_cmd_args *a)
{
	int c;

	optind = 0; /* GNU: start afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", a->opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(a->help, stdout);
			return 1;
		}
		if (c == '?') {
			idr_err("%s: unknown or incomplete option '%s'; 'iodrill help %s' lists them",
				a->cmd, argv[optind - 1], a->cmd);
			return -EINVAL;
		}
		if (take(c, a))
			return -EINVAL;
	}
	for (; optind < argc; optind++) {
		if (a->nargs == IDR_CMD_MAX_ARGS) {
			idr_err("%s: too many arguments ('%s' is extra)", a->cmd, argv[optind]);
			return -EINVAL;
		}
		a->args[a->nargs++] = argv[optind];
	}
	if (a->results && a->no_archive) {
		idr_err("%s: --results DIR stores the run there, --no-archive stores nothing: give "
			"one of them",
			a->cmd);
		return -EINVAL;
	}
	return 0;
}

int idr_cmd_parse(int argc, char **argv, struct idr_cmd_args *a)
{
	/* getopt_long reorders what it parses: a copy, so that argv stays as typed */
	char **copy = idr_argv_dup(argc, argv);
	int ret = copy ? parse(argc, copy, a) : -ENOMEM;

	free(copy);
	return ret;
}
