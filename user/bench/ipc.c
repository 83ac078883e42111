/*
 * Items between two processes: 1-byte round trips (pipes, AF_UNIX, TCP and UDP on loopback)
 * and bulk transfer (pipes, AF_UNIX, TCP, UDP). Each setup starts a partner process that
 * echoes or sinks what the benchmark process sends; ipc_teardown() stops it. Only one partner
 * exists at a time.
 *
 * Stream bandwidth protocol: the sender writes an 8-byte byte count, then that many bytes in
 * 64 KiB writes; the partner reads them all and answers with one byte, so the measured time
 * covers delivery, not just buffering. UDP bandwidth: the sender sends 8 KiB datagrams in
 * windows of 8 and waits for a 1-byte acknowledgement after each window (loopback never drops
 * a datagram that fits the receive buffer; a lost one ends the item with an error).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "items.h"

#define UDP_WINDOW 8

static struct {
	pid_t pid;
	int rfd, wfd; /* the benchmark process's ends (may be the same descriptor) */
	int dgram;    /* a datagram socket: send an empty datagram to stop the partner */
} partner = { -1, -1, -1, 0 };

static void echo_loop(int rfd, int wfd)
{
	char c[2];

	for (;;) {
		ssize_t n = read(rfd, c, 1);

		if (n <= 0 || write(wfd, c, n) != n)
			_exit(0);
	}
}

static void sink_loop(int rfd, int wfd)
{
	static char buf[BW_CHUNK];
	int64_t left;

	for (;;) {
		if (bench_read_all(rfd, &left, sizeof(left)) < 0)
			_exit(0);
		while (left > 0) {
			ssize_t n = read(rfd, buf, left < BW_CHUNK ? left : BW_CHUNK);

			if (n <= 0)
				_exit(1);
			left -= n;
		}
		if (write(wfd, "a", 1) != 1)
			_exit(1);
	}
}

static void udp_sink_loop(int fd)
{
	static char buf[UDP_DGRAM + 1];
	int got = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0)
			_exit(0);
		if (++got == UDP_WINDOW) {
			got = 0;
			if (send(fd, "a", 1, 0) != 1)
				_exit(1);
		}
	}
}

enum partner_role { ECHO, SINK, UDP_SINK };

/* Forks the partner; it keeps (crfd, cwfd), the caller keeps (prfd, pwfd). */
static int start_partner(enum partner_role role, int prfd, int pwfd, int crfd, int cwfd, int dgram)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (prfd != crfd && prfd != cwfd)
			close(prfd);
		if (pwfd != prfd && pwfd != crfd && pwfd != cwfd)
			close(pwfd);
		if (role == ECHO)
			echo_loop(crfd, cwfd);
		else if (role == SINK)
			sink_loop(crfd, cwfd);
		else
			udp_sink_loop(crfd);
		_exit(0);
	}
	if (crfd != prfd && crfd != pwfd)
		close(crfd);
	if (cwfd != crfd && cwfd != prfd && cwfd != pwfd)
		close(cwfd);
	partner.pid = pid;
	partner.rfd = prfd;
	partner.wfd = pwfd;
	partner.dgram = dgram;
	return 0;
}

void ipc_teardown(void)
{
	if (partner.dgram && partner.wfd >= 0)
		send(partner.wfd, "", 0, 0);
	if (partner.rfd >= 0)
		close(partner.rfd);
	if (partner.wfd >= 0 && partner.wfd != partner.rfd)
		close(partner.wfd);
	if (partner.pid > 0) {
		kill(partner.pid, SIGKILL);
		waitpid(partner.pid, NULL, 0);
	}
	partner.pid = -1;
	partner.rfd = partner.wfd = -1;
	partner.dgram = 0;
}

static int setup_pipes(enum partner_role role)
{
	int to_child[2], to_parent[2];

	if (pipe(to_child) < 0)
		return -errno;
	if (pipe(to_parent) < 0) {
		int err = -errno;

		close(to_child[0]);
		close(to_child[1]);
		return err;
	}
	return start_partner(role, to_parent[0], to_child[1], to_child[0], to_parent[1], 0);
}

static int setup_unix(enum partner_role role)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -errno;
	return start_partner(role, sv[0], sv[0], sv[1], sv[1], 0);
}

static struct sockaddr_in loopback_any_port(void)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A connected TCP pair on 127.0.0.1 (both ends in this process, TCP_NODELAY). */
static int tcp_pair(int fds[2])
{
	struct sockaddr_in a = loopback_any_port();
	socklen_t len = sizeof(a);
	int one = 1, err;
	int ls = socket(AF_INET, SOCK_STREAM, 0);

	fds[0] = fds[1] = -1;
	if (ls < 0)
		return -errno;
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &len) < 0)
		goto err_close_listener;
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&a, sizeof(a)) < 0)
		goto err_close_listener;
	fds[1] = accept(ls, NULL, NULL);
	if (fds[1] < 0)
		goto err_close_listener;
	setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fds[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(ls);
	return 0;

err_close_listener:
	err = -errno;
	if (fds[0] >= 0)
		close(fds[0]);
	close(ls);
	return err;
}

static int setup_tcp(enum partner_role role)
{
	int fds[2];
	int rc = tcp_pair(fds);

	if (rc < 0)
		return rc;
	return start_partner(role, fds[0], fds[0], fds[1], fds[1], 0);
}

/* Two UDP sockets on 127.0.0.1, each connected to the other. */
static int setup_udp(enum partner_role role)
{
	struct sockaddr_in a[2];
	socklen_t len;
	int fds[2] = { -1, -1 }, err;
	struct timeval tv = { 2, 0 };

	for (int i = 0; i < 2; i++) {
		a[i] = loopback_any_port();
		len = sizeof(a[i]);
		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a[i], sizeof(a[i])) < 0 ||
		    getsockname(fds[i], (struct sockaddr *)&a[i], &len) < 0)
			goto err_close;
	}
	if (connect(fds[0], (struct sockaddr *)&a[1], sizeof(a[1])) < 0 ||
	    connect(fds[1], (struct sockaddr *)&a[0], sizeof(a[0])) < 0)
		goto err_close;
	/* A lost datagram must end the item, not hang it. */
	setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return start_partner(role, fds[0], fds[0], fds[1], fds[1], 1);

err_close:
	err = -errno;
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return err;
}

int ipc_setup_pipe_lat(void) { return setup_pipes(ECHO); }
int ipc_setup_unix_lat(void) { return setup_unix(ECHO); }
int ipc_setup_tcp_lat(void) { return setup_tcp(ECHO); }
int ipc_setup_udp_lat(void) { return setup_udp(ECHO); }
int ipc_setup_pipe_bw(void) { return setup_pipes(SINK); }
int ipc_setup_unix_bw(void) { return setup_unix(SINK); }
int ipc_setup_tcp_bw(void) { return setup_tcp(SINK); }
int ipc_setup_udp_bw(void) { return setup_udp(UDP_SINK); }

int64_t run_echo_lat(long n)
{
	char c = 'x';
	int64_t t0;

	errno = 0;
	t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (write(partner.wfd, &c, 1) != 1)
			return -errno;
		if (read(partner.rfd, &c, 1) != 1)
			return errno ? -errno : -EPIPE;
	}
	return bench_now_ns() - t0;
}

int64_t run_stream_bw(long n)
{
	static char buf[BW_CHUNK];
	int64_t count = n * BW_CHUNK, t0 = bench_now_ns();
	char ack;
	int rc;

	rc = bench_write_all(partner.wfd, &count, sizeof(count));
	for (long i = 0; rc == 0 && i < n; i++)
		rc = bench_write_all(partner.wfd, buf, BW_CHUNK);
	if (rc == 0)
		rc = bench_read_all(partner.rfd, &ack, 1);
	return rc < 0 ? rc : bench_now_ns() - t0;
}

int64_t run_udp_bw(long n)
{
	static char buf[UDP_DGRAM];
	long windows = n / UDP_WINDOW > 0 ? n / UDP_WINDOW : 1;
	int64_t t0 = bench_now_ns();
	char ack;

	errno = 0;
	for (long w = 0; w < windows; w++) {
		for (int i = 0; i < UDP_WINDOW; i++)
			if (send(partner.wfd, buf, UDP_DGRAM, 0) != UDP_DGRAM)
				return -errno;
		if (recv(partner.rfd, &ack, 1, 0) != 1)
			return errno ? -errno : -EPROTO;
	}
	return (bench_now_ns() - t0) * n / (windows * UDP_WINDOW);
}
