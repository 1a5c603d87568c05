/*
 * plot.c - gnuplot behind one function (plot.h), for the drill's and tune's charts and the
 * archive's (chart.c). The script goes to gnuplot's stdin and its stderr is kept, both
 * through memfds: no pipe to fill while the other is written (no deadlock on a long
 * script that makes gnuplot complain a lot), no SIGPIPE, no files to clean up.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/plot.h"

extern char **environ;

/* $IODRILL_GNUPLOT, or NULL when unset. */
static const char *gnuplot_env(void)
{
	const char *env = getenv("IODRILL_GNUPLOT");

	return env && *env ? env : NULL;
}

/* A memfd holding text, at offset 0. Returns the fd, or -errno. */
static int memfd_with(const char *name, const char *text)
{
	size_t left = strlen(text);
	int fd = memfd_create(name, MFD_CLOEXEC), ret = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	for (; left && !ret; text += n, left -= (size_t)n) {
		n = write(fd, text, left);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n <= 0)
			ret = n < 0 ? -errno : -EIO;
	}
	if (!ret && lseek(fd, 0, SEEK_SET))
		ret = -errno;
	if (ret)
		close(fd);
	return ret ? ret : fd;
}

/* Run gnuplot with script on stdin, its stdout and stderr into err_fd. Returns its exit
 * status (0 = success; 127: not found), or -errno when it could not be started. */
static int run_gnuplot(const char *script, int err_fd)
{
	char *argv[] = { (char *)(gnuplot_env() ? gnuplot_env() : "gnuplot"), NULL };
	posix_spawn_file_actions_t fa;
	int in = memfd_with("gnuplot-script", script), ret, status;
	pid_t pid;

	if (in < 0)
		return in;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in);
	if (ret)
		return ret == ENOENT ? 127 : -ret;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* gnuplot's first line of complaint, from err_fd, as "gnuplot: <line>" into err. */
static void first_error(int err_fd, char *err, size_t errlen)
{
	char buf[1024], *msg;
	ssize_t n = pread(err_fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	for (msg = buf; *msg == '\n' || *msg == ' '; msg++)
		;
	/* gnuplot echoes the failing line, then a caret line, then "line 12: <what>". */
	if (strstr(msg, "line "))
		msg = strstr(msg, "line ");
	msg[strcspn(msg, "\n")] = '\0';
	snprintf(err, errlen, "gnuplot: %s", *msg ? msg : "failed");
}

int idr_plot(const char *script, char *err, size_t errlen)
{
	int efd = memfd_create("gnuplot-stderr", MFD_CLOEXEC), ret;

	if (efd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot run gnuplot: %s", strerror(-ret));
		return ret;
	}
	ret = run_gnuplot(script, efd);
	if (ret == 127) {
		snprintf(err, errlen,
			 "gnuplot not found (install gnuplot-nox, or point "
			 "IODRILL_GNUPLOT at it%s%s)",
			 gnuplot_env() ? "; tried " : "", gnuplot_env() ? gnuplot_env() : "");
		ret = -ENOENT;
	} else if (ret < 0) {
		snprintf(err, errlen, "cannot run gnuplot: %s", strerror(-ret));
	} else if (ret) {
		first_error(efd, err, errlen);
		ret = -EIO;
	}
	close(efd);
	return ret;
}

void idr_plot_quote(const char *str, char *buf, size_t len)
{
	size_t o = 0;

	if (len < 3)
		return;
	buf[o++] = '"';
	for (; *str && o + 3 < len; str++) {
		if ((unsigned char)*str < 0x20)
			continue;
		if (*str == '"' || *str == '\\')
			buf[o++] = '\\';
		buf[o++] = *str;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}
