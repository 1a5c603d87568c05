/*
 * plot.c - gnuplot behind one function (plot.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"

static const char *gnuplot_path(void)
{
	const char *env = getenv("IODRILL_GNUPLOT");

	return env && *env ? env : "gnuplot";
}

/* The child: script on stdin, errors on the pipe, nothing on stdout. */
static void exec_gnuplot(int in[2], int errp[2])
{
	const char *g = gnuplot_path();

	dup2(in[0], 0);
	dup2(errp[1], 2);
	close(in[0]);
	close(in[1]);
	close(errp[0]);
	close(errp[1]);
	if (!freopen("/dev/null", "w", stdout))
		_exit(126);
	execlp(g, g, (char *)NULL);
	_exit(127);
}

/* Write all of text to fd; gnuplot dying early gives EPIPE, not a signal. */
static void write_all(int fd, const char *text)
{
	size_t left = strlen(text);
	ssize_t n;

	while (left) {
		n = write(fd, text, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		text += n;
		left -= (size_t)n;
	}
}

/* The first line gnuplot printed on stderr. */
static void first_error(int fd, char *err, size_t errlen)
{
	char buf[1024], *msg;
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	/* gnuplot echoes the failing line, then a caret line, then the message: skip to it. */
	msg = strstr(buf, "line ");
	msg = msg ? msg : buf;
	msg[strcspn(msg, "\n")] = '\0';
	snprintf(err, errlen, "gnuplot: %s", *msg ? msg : "failed");
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int idr_plot(const char *script, char *err, size_t errlen)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int in[2], errp[2], status;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		snprintf(err, errlen, "gnuplot: pipe: %s", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid == 0)
		exec_gnuplot(in, errp);
	close(in[0]);
	close(errp[1]);
	sigaction(SIGPIPE, &ign, &old);
	if (pid > 0)
		write_all(in[1], script);
	close(in[1]);
	sigaction(SIGPIPE, &old, NULL);
	if (pid > 0)
		first_error(errp[0], err, errlen);
	close(errp[0]);
	if (pid < 0) {
		snprintf(err, errlen, "gnuplot: fork: %s", strerror(errno));
		return -EAGAIN;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, errlen, "%s not found: install gnuplot (apt-get install gnuplot-nox) "
			 "for the chart, or set IODRILL_GNUPLOT", gnuplot_path());
		return -ENOENT;
	}
	return -EIO;
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
