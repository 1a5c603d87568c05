/*
 * oldfio.c - a `fio --server` of another fio build, as far as a client can tell: it
 * listens like one and answers the client's first command (its probe) with the header
 * such a server sends, whose protocol version is this fio's FIO_SERVER_VER + 1. fio's
 * client checks that version on every command it receives (server.c,
 * verify_convert_cmd), so it stops there with "client/server version mismatch", as it
 * would against a real server of the next protocol version. Built against fio's own
 * server.h and crc16.c (the configured fio source), so the header is fio's, not a copy.
 *
 *   oldfio ADDR PORT     serve until killed; prints "ready" once listening
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "thread_options.h"
#include "server.h"
#include "crc/crc16.h"

/* A reply header as a server of protocol version FIO_SERVER_VER + 1 writes it. */
static void reply(int sk, uint64_t tag)
{
	struct fio_net_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.version = __cpu_to_le16(FIO_SERVER_VER + 1);
	cmd.opcode = __cpu_to_le16(FIO_NET_CMD_PROBE);
	cmd.tag = tag; /* as received: little endian both ways */
	cmd.cmd_crc16 = __cpu_to_le16(fio_crc16(&cmd, FIO_NET_CMD_CRC_SZ));
	if (write(sk, &cmd, sizeof(cmd)) != (ssize_t)sizeof(cmd))
		perror("oldfio: write");
}

static void serve(int sk)
{
	struct fio_net_cmd in;
	char buf[4096];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(in) && (n = read(sk, (char *)&in + got, sizeof(in) - got)) > 0)
		got += (size_t)n;
	if (got == sizeof(in))
		reply(sk, in.tag);
	/* read on until the client hangs up, as a server does: closing first could make
	 * its next write fail (SIGPIPE) before it read our reply */
	while (read(sk, buf, sizeof(buf)) > 0)
		;
	close(sk);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int one = 1, sk, c;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: oldfio ADDR PORT\n");
		return 2;
	}
	a.sin_port = htons((uint16_t)atoi(argv[2]));
	sk = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sk < 0 || setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(sk, (struct sockaddr *)&a, sizeof(a)) || listen(sk, 4)) {
		perror("oldfio");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while ((c = accept(sk, NULL, NULL)) >= 0)
		serve(c);
	perror("oldfio: accept");
	return 1;
}
