/*
 * main.c - the iodrill command: dispatches subcommands from the table in commands.h.
 *
 *   iodrill --help | help [CMD] | CMD [ARGS...]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "iodrill.h"
#include "idr_build.h"
#include "run/engsel.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *help;
};

static const struct command commands[] = {
#define IDR_COMMAND(name, fn, summary) { name, fn, summary, fn##_help },
#include "commands.h"
#undef IDR_COMMAND
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: iodrill COMMAND [ARGS...]\n\n"
		     "What each Linux I/O interface really costs on this device.\n\ncommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-12s %s\n", "help", "help on one command: iodrill help COMMAND");
}

static const struct command *find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = find(argv[1]);
	if (!c) {
		idr_err("help: no command '%s'; 'iodrill --help' lists them", argv[1]);
		return 2;
	}
	fputs(c->help, stdout);
	return 0;
}

const char cmd_version_help[] =
	"usage: iodrill version\n\n"
	"Print this build of iodrill (git describe), the fio version its engines were built\n"
	"against, the fio it runs and the kernel. Exits 1 when the installed fio differs\n"
	"from the one the engines were built for (re-run ./configure && make).\n";

int cmd_version(int argc, char **argv)
{
	char line[256] = "", names[256];
	struct utsname u;
	FILE *p;
	char cmd[4200];

	(void)argv;
	if (argc > 1) {
		idr_err("version: takes no arguments");
		return 2;
	}
	uname(&u);
	snprintf(cmd, sizeof(cmd), "'%s' --version 2>/dev/null", idr_fio_path());
	p = popen(cmd, "r");
	if (p) {
		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		pclose(p);
	}
	line[strcspn(line, "\n")] = '\0';
	idr_engines_known(names, sizeof(names));
	printf("iodrill %s\nengines built for %s\nengines %s\nfio %s (%s)\nkernel %s\n", IDR_BUILD,
	       IDR_FIO_VERSION, names, *line ? line : "not found", idr_fio_path(), u.release);
	if (strcmp(line, IDR_FIO_VERSION)) {
		idr_err("%s is %s, but the engines were built for %s: re-run ./configure && make",
			idr_fio_path(), *line ? line : "missing", IDR_FIO_VERSION);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	c = find(argv[1]);
	if (!c) {
		idr_err("unknown command '%s'; 'iodrill --help' lists the commands", argv[1]);
		return 2;
	}
	return c->fn(argc - 1, argv + 1);
}
