/*
 * sockets.c — group `sockets`: the socket calls on AF_UNIX (stream, datagram, seqpacket):
 * creation errors, socketpair, names in the file system and abstract ones, autobind, listen
 * and its backlog, accept4 flags, connect errors, shutdown and end of file, EPIPE/SIGPIPE,
 * MSG_PEEK/TRUNC/WAITALL/DONTWAIT, datagram and record boundaries, buffer limits, socket
 * options, SCM_RIGHTS (pipes and sockets, in flight at close, MSG_CTRUNC), SCM_CREDENTIALS,
 * poll readiness, fstat, a multi-client round-trip stress, and AF_NETLINK's NETLINK_ROUTE
 * listing the loopback device.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <net/if.h>

static socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static void socket_creation_errors(void)
{
	CHECK_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, 0, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, 11, 0), EINVAL);
	CHECK_ERR(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), EINVAL);
	int s = CHECK_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	int r = CHECK_OK(socket(AF_UNIX, SOCK_RAW, 0)); /* Linux makes it a datagram socket */
	int type = 0;
	socklen_t len = sizeof(type);
	CHECK_OK(getsockopt(r, SOL_SOCKET, SO_TYPE, &type, &len));
	CHECK_EQ(type, SOCK_DGRAM);
	CHECK_ERR(socketpair(12345, SOCK_STREAM, 0, (int[2]){ 0, 0 }), EAFNOSUPPORT);
}

/* The socket calls' int and unsigned int arguments (descriptors, family/type/protocol, address
 * lengths, backlog, how, level/optname/optlen, flags, vlen) are the low 32 bits of their
 * registers, as Linux's prototypes say: net.c read descriptors and lengths as 64 bits (EBADF /
 * EINVAL with junk in the upper half) and sendmmsg/recvmmsg's vlen as 64 bits (junk made it
 * UIO_MAXIOV: every message of the array sent). Raw syscalls with junk upper halves. */
static void int_arguments_ignore_the_upper_register_half(void)
{
	const long junk = 0x5a5a5a5a00000000l;
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "kt-intargs");
	int l = CHECK_OK(syscall(SYS_socket, junk | AF_UNIX, junk | SOCK_STREAM | SOCK_CLOEXEC, junk | 0));
	CHECK_EQ(fcntl(l, F_GETFD), FD_CLOEXEC);
	CHECK_OK(syscall(SYS_bind, junk | l, &a, junk | len));
	CHECK_OK(syscall(SYS_listen, junk | l, junk | 4));
	int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(syscall(SYS_connect, junk | c, &a, junk | len));
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	int s = CHECK_OK(syscall(SYS_accept4, junk | l, &peer, &plen, junk | SOCK_NONBLOCK));
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	CHECK_EQ(syscall(SYS_sendto, junk | c, "abc", 3, junk | MSG_NOSIGNAL, NULL, junk | 0), 3);
	char b[8];
	CHECK_EQ(syscall(SYS_recvfrom, junk | s, b, sizeof(b), junk | MSG_PEEK, NULL, NULL), 3);
	CHECK_EQ(syscall(SYS_recvfrom, junk | s, b, sizeof(b), junk | 0, NULL, NULL), 3);
	CHECK(!memcmp(b, "abc", 3));
	struct sockaddr_un me;
	socklen_t mlen = sizeof(me);
	CHECK_OK(syscall(SYS_getsockname, junk | l, &me, &mlen));
	CHECK(mlen == len && !memcmp(me.sun_path, a.sun_path, len - offsetof(struct sockaddr_un, sun_path)));
	mlen = sizeof(me);
	CHECK_OK(syscall(SYS_getpeername, junk | c, &me, &mlen));
	CHECK_EQ(mlen, len);
	int v = 1;
	CHECK_OK(syscall(SYS_setsockopt, junk | s, junk | SOL_SOCKET, junk | SO_PASSCRED, &v, junk | sizeof(v)));
	v = 0;
	socklen_t vlen = sizeof(v);
	CHECK_OK(syscall(SYS_getsockopt, junk | s, junk | SOL_SOCKET, junk | SO_PASSCRED, &v, &vlen));
	CHECK_EQ(v, 1);
	CHECK_OK(syscall(SYS_shutdown, junk | c, junk | SHUT_WR));
	CHECK_EQ(recv(s, b, sizeof(b), 0), 0);
	close(c);
	close(s);
	close(l);
	/* sendmmsg/recvmmsg: vlen junk|2 of an array of 4 valid messages moves 2 */
	int d[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, d));
	struct mmsghdr mm[4];
	struct iovec iov[4];
	char bufs[4][4];
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 4; i++) {
		memcpy(bufs[i], "m0", 3);
		bufs[i][1] = (char)('0' + i);
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = 3 };
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	CHECK_EQ(syscall(SYS_sendmmsg, junk | d[0], mm, junk | 2, junk | 0), 2);
	memset(bufs[0], 0, sizeof(bufs[0]));
	CHECK_EQ(syscall(SYS_recvmmsg, junk | d[1], mm, junk | 1, junk | MSG_DONTWAIT, NULL), 1);
	CHECK(!memcmp(bufs[0], "m0", 3));
	CHECK_EQ(recv(d[1], b, sizeof(b), MSG_DONTWAIT), 3);
	CHECK(!memcmp(b, "m1", 3));
	CHECK_ERR(recv(d[1], b, sizeof(b), MSG_DONTWAIT), EAGAIN);
	close(d[0]);
	close(d[1]);
}

static void not_a_socket_enotsock(void)
{
	int p[2];
	char c;
	CHECK_OK(pipe(p));
	CHECK_ERR(send(p[1], "x", 1, 0), ENOTSOCK);
	CHECK_ERR(recv(p[0], &c, 1, MSG_DONTWAIT), ENOTSOCK);
	CHECK_ERR(listen(p[0], 1), ENOTSOCK);
	CHECK_ERR(shutdown(p[0], SHUT_RD), ENOTSOCK);
	CHECK_ERR(listen(999, 1), EBADF);
	struct sockaddr_un a;
	CHECK_ERR(connect(p[0], (struct sockaddr *)&a, path_addr(&a, "/x")), ENOTSOCK);
}

static void socketpair_stream_both_ways_and_eof(void)
{
	int s[2];
	char buf[16];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_EQ(write(s[0], "hello", 5), 5);
	CHECK_EQ(send(s[0], " world", 6, 0), 6);
	CHECK_EQ(read(s[1], buf, sizeof(buf)), 11); /* a stream joins the writes */
	CHECK_MEM(buf, "hello world", 11);
	CHECK_EQ(write(s[1], "back", 4), 4);
	CHECK_EQ(recv(s[0], buf, 2, 0), 2);
	CHECK_EQ(recv(s[0], buf + 2, 2, 0), 2);
	CHECK_MEM(buf, "back", 4);
	CHECK_ERR(recv(s[0], buf, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_OK(close(s[1]));
	CHECK_EQ(read(s[0], buf, sizeof(buf)), 0);
}

static void fstat_is_socket(void)
{
	int s[2];
	struct stat st;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_OK(fstat(s[0], &st));
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_ERR(lseek(s[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(pread(s[0], &st, 1, 0), ESPIPE);
}

/* readlink of /proc/self/fd/N: "socket:[INO]" with fstat's st_ino, which stays the socket's
 * own through dup and a trip through SCM_RIGHTS, and differs between sockets. */
static void proc_fd_names_socket_inode(void)
{
	int s[2];
	struct stat a, b, c;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_OK(fstat(s[0], &a));
	CHECK_OK(fstat(s[1], &b));
	CHECK(a.st_ino != 0 && a.st_ino != b.st_ino);
	char path[64], link[64], want[64];
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", s[i]);
		snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)(i ? b.st_ino : a.st_ino));
		ssize_t n = CHECK_OK(readlink(path, link, sizeof(link) - 1));
		link[n] = 0;
		CHECK(strcmp(link, want) == 0);
	}
	int d = CHECK_OK(dup(s[0]));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", d);
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)a.st_ino);
	ssize_t n = CHECK_OK(readlink(path, link, sizeof(link) - 1));
	link[n] = 0;
	CHECK(strcmp(link, want) == 0);
	/* s[0] travels to itself over s[1] and comes back as a new descriptor of the same socket */
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec io = { "x", 1 };
	struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &s[0], sizeof(int));
	CHECK_EQ(sendmsg(s[1], &mh, 0), 1);
	char x;
	io.iov_base = &x;
	mh.msg_controllen = sizeof(cbuf);
	CHECK_EQ(recvmsg(s[0], &mh, 0), 1);
	cm = CMSG_FIRSTHDR(&mh);
	CHECK(cm && cm->cmsg_type == SCM_RIGHTS);
	int r;
	memcpy(&r, CMSG_DATA(cm), sizeof(int));
	CHECK(r != s[0] && r != d);
	CHECK_OK(fstat(r, &c));
	CHECK_EQ(c.st_ino, a.st_ino);
	CHECK_EQ(c.st_dev, a.st_dev);
}

static void shutdown_wr_gives_eof_and_epipe(void)
{
	int s[2];
	char c;
	signal(SIGPIPE, SIG_IGN);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_EQ(write(s[0], "a", 1), 1);
	CHECK_OK(shutdown(s[0], SHUT_WR));
	CHECK_EQ(read(s[1], &c, 1), 1);
	CHECK_EQ(read(s[1], &c, 1), 0);
	CHECK_ERR(write(s[0], "b", 1), EPIPE);
	CHECK_EQ(write(s[1], "c", 1), 1); /* the other way still works */
	CHECK_EQ(read(s[0], &c, 1), 1);
	CHECK_ERR(shutdown(s[0], 7), EINVAL);
}

static void peer_close_sigpipe_and_nosignal(void)
{
	int s[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_OK(close(s[1]));
	CHECK_ERR(send(s[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		(void)write(s[0], "x", 1);
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGPIPE);
}

static void unread_data_resets_peer(void)
{
	int s[2];
	char c;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_EQ(write(s[0], "x", 1), 1);
	CHECK_OK(close(s[1])); /* closed with data unread */
	CHECK_ERR(read(s[0], &c, 1), ECONNRESET);
	CHECK_EQ(read(s[0], &c, 1), 0);
}

static void peek_waitall_dontwait(void)
{
	int s[2];
	char buf[8];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_EQ(write(s[0], "abcd", 4), 4);
	CHECK_EQ(recv(s[1], buf, 2, MSG_PEEK), 2);
	CHECK_MEM(buf, "ab", 2);
	CHECK_EQ(recv(s[1], buf, 4, 0), 4);
	CHECK_MEM(buf, "abcd", 4);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		for (int i = 0; i < 6; i++) {
			usleep(2000);
			if (write(s[0], "z", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	CHECK_EQ(recv(s[1], buf, 6, MSG_WAITALL), 6);
	CHECK_MEM(buf, "zzzzzz", 6);
	CHECK_EQ(kt_wait(pid), 0);
	CHECK_ERR(recv(s[1], buf, 1, MSG_DONTWAIT), EAGAIN);
}

static void dgram_boundaries_and_trunc(void)
{
	int s[2];
	char buf[16];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, s));
	CHECK_EQ(send(s[0], "one", 3, 0), 3);
	CHECK_EQ(send(s[0], "three", 5, 0), 5);
	CHECK_EQ(send(s[0], "", 0, 0), 0);
	CHECK_EQ(recv(s[1], buf, sizeof(buf), 0), 3);
	CHECK_MEM(buf, "one", 3);
	CHECK_EQ(recv(s[1], buf, 2, MSG_PEEK | MSG_TRUNC), 5);
	struct iovec iov = { buf, 2 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	CHECK_EQ(recvmsg(s[1], &mh, 0), 2);
	CHECK(mh.msg_flags & MSG_TRUNC);
	CHECK_MEM(buf, "th", 2);
	CHECK_EQ(recv(s[1], buf, sizeof(buf), 0), 0); /* the empty datagram */
	CHECK_ERR(recv(s[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
}

static void seqpacket_records(void)
{
	int s[2];
	char buf[16];
	CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s));
	CHECK_EQ(send(s[0], "rec1", 4, 0), 4);
	CHECK_EQ(send(s[0], "record2", 7, 0), 7);
	CHECK_EQ(recv(s[1], buf, sizeof(buf), 0), 4);
	CHECK_EQ(recv(s[1], buf, 3, 0), 3); /* the rest of the record is dropped */
	CHECK_MEM(buf, "rec", 3);
	CHECK_ERR(recv(s[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK_OK(close(s[0]));
	CHECK_EQ(recv(s[1], buf, sizeof(buf), 0), 0);
	CHECK_ERR(send(s[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	int q = CHECK_OK(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	CHECK_ERR(send(q, "x", 1, MSG_NOSIGNAL), ENOTCONN);
}

static void bind_path_creates_socket_node(void)
{
	struct sockaddr_un a, got;
	struct stat st;
	kt_tmpdir();
	int s = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	socklen_t len = path_addr(&a, "sock");
	CHECK_OK(bind(s, (struct sockaddr *)&a, len));
	CHECK_OK(stat("sock", &st));
	CHECK(S_ISSOCK(st.st_mode));
	socklen_t glen = sizeof(got);
	CHECK_OK(getsockname(s, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, len);
	CHECK_STR(got.sun_path, "sock");
	CHECK_ERR(bind(s, (struct sockaddr *)&a, len), EADDRINUSE); /* the node comes first */
	struct sockaddr_un b;
	CHECK_ERR(bind(s, (struct sockaddr *)&b, path_addr(&b, "other")), EINVAL); /* bound */
	CHECK_ERR(stat("other", &st), ENOENT);
	int t = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_ERR(bind(t, (struct sockaddr *)&a, len), EADDRINUSE);
	CHECK_ERR(bind(t, (struct sockaddr *)&a, 1), EINVAL);
	a.sun_family = AF_INET;
	CHECK_ERR(bind(t, (struct sockaddr *)&a, len), EINVAL);
	path_addr(&a, "nodir/sock");
	CHECK_ERR(bind(t, (struct sockaddr *)&a, len + 6), ENOENT);
}

static void connect_errors(void)
{
	struct sockaddr_un a;
	kt_tmpdir();
	int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_ERR(connect(c, (struct sockaddr *)&a, path_addr(&a, "missing")), ENOENT);
	int fd = CHECK_OK(open("plain", O_CREAT | O_WRONLY, 0644));
	close(fd);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, path_addr(&a, "plain")), ECONNREFUSED);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, abstract_addr(&a, "kt-nobody-here")), ECONNREFUSED);
	/* bound but not listening */
	int s = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(bind(s, (struct sockaddr *)&a, path_addr(&a, "quiet")));
	CHECK_ERR(connect(c, (struct sockaddr *)&a, path_addr(&a, "quiet")), ECONNREFUSED);
	/* a datagram socket there */
	int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	CHECK_OK(bind(d, (struct sockaddr *)&a, path_addr(&a, "dg")));
	CHECK_ERR(connect(c, (struct sockaddr *)&a, path_addr(&a, "dg")), EPROTOTYPE);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, 2), EINVAL);
	CHECK_ERR(listen(c, 1), EINVAL); /* unbound */
	/* a socket whose file was unlinked and whose owner closed: refused */
	CHECK_OK(close(s));
	CHECK_ERR(connect(c, (struct sockaddr *)&a, path_addr(&a, "quiet")), ECONNREFUSED);
	char buf[1];
	CHECK_ERR(recv(c, buf, 1, MSG_DONTWAIT), EINVAL);
	CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	socklen_t alen = sizeof(a);
	CHECK_ERR(getpeername(c, (struct sockaddr *)&a, &alen), ENOTCONN);
}

static void listen_accept_connect_path(void)
{
	struct sockaddr_un a, peer;
	kt_tmpdir();
	int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	socklen_t len = path_addr(&a, "srv");
	CHECK_OK(bind(l, (struct sockaddr *)&a, len));
	CHECK_OK(listen(l, 4));
	int on = 0;
	socklen_t olen = sizeof(on);
	CHECK_OK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen));
	CHECK_EQ(on, 1);
	CHECK_OK(fcntl(l, F_SETFL, O_NONBLOCK)); /* accept4's SOCK_NONBLOCK is the new socket's */
	CHECK_ERR(accept4(l, NULL, NULL, 0), EAGAIN);
	CHECK_OK(fcntl(l, F_SETFL, 0));
	CHECK_ERR(syscall(SYS_accept4, l, NULL, NULL, 0x1234), EINVAL); /* (older musl retries as accept) */
	int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(connect(c, (struct sockaddr *)&a, len)); /* completes before accept */
	CHECK_ERR(connect(c, (struct sockaddr *)&a, len), EISCONN);
	CHECK_EQ(write(c, "hi", 2), 2);
	socklen_t plen = sizeof(peer);
	int s = CHECK_OK(accept4(l, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC | SOCK_NONBLOCK));
	CHECK_EQ(plen, sizeof(sa_family_t)); /* the client is unnamed */
	CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	char buf[4];
	CHECK_EQ(read(s, buf, 4), 2);
	CHECK_MEM(buf, "hi", 2);
	socklen_t nlen = sizeof(peer);
	CHECK_OK(getsockname(s, (struct sockaddr *)&peer, &nlen));
	CHECK_STR(peer.sun_path, "srv");
	nlen = sizeof(peer);
	CHECK_OK(getpeername(c, (struct sockaddr *)&peer, &nlen));
	CHECK_STR(peer.sun_path, "srv");
	nlen = 4; /* a short buffer: truncated, the real length reported */
	CHECK_OK(getpeername(c, (struct sockaddr *)&peer, &nlen));
	CHECK_EQ(nlen, len);
	CHECK_ERR(accept(c, NULL, NULL), EINVAL);
}

static void abstract_names_and_autobind(void)
{
	struct sockaddr_un a, got;
	int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	socklen_t len = abstract_addr(&a, "kt-abstract-1");
	CHECK_OK(bind(l, (struct sockaddr *)&a, len));
	int dup = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_ERR(bind(dup, (struct sockaddr *)&a, len), EADDRINUSE);
	CHECK_OK(listen(l, 1));
	int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(connect(c, (struct sockaddr *)&a, len));
	int s = CHECK_OK(accept(l, NULL, NULL));
	socklen_t glen = sizeof(got);
	CHECK_OK(getsockname(s, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, len);
	CHECK(got.sun_path[0] == 0 && memcmp(got.sun_path + 1, "kt-abstract-1", 13) == 0);
	/* autobind: binding just the family gives a 5-hex-digit abstract name */
	int b = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	CHECK_OK(bind(b, (struct sockaddr *)&(sa_family_t){ AF_UNIX }, sizeof(sa_family_t)));
	glen = sizeof(got);
	CHECK_OK(getsockname(b, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, offsetof(struct sockaddr_un, sun_path) + 6);
	CHECK(got.sun_path[0] == 0);
	/* closing frees the abstract name */
	CHECK_OK(close(l));
	CHECK_OK(close(s));
	l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(bind(l, (struct sockaddr *)&a, len));
}

static void backlog_full_blocks_or_eagain(void)
{
	struct sockaddr_un a;
	int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	socklen_t len = abstract_addr(&a, "kt-backlog");
	CHECK_OK(bind(l, (struct sockaddr *)&a, len));
	CHECK_OK(listen(l, 1));
	int n = 0, c;
	for (;;) {
		c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
		if (connect(c, (struct sockaddr *)&a, len) < 0)
			break;
		n++;
		CHECK(n < 10);
	}
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(n, 2); /* Linux lets backlog + 1 wait */
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		int b = socket(AF_UNIX, SOCK_STREAM, 0);
		_exit(connect(b, (struct sockaddr *)&a, len) == 0 ? 0 : 1); /* waits for room */
	}
	usleep(20000);
	CHECK_OK(close(CHECK_OK(accept(l, NULL, NULL))));
	CHECK_EQ(kt_wait(pid), 0);
}

static void listener_close_resets_pending(void)
{
	struct sockaddr_un a;
	char c;
	int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	socklen_t len = abstract_addr(&a, "kt-pending");
	CHECK_OK(bind(l, (struct sockaddr *)&a, len));
	CHECK_OK(listen(l, 4));
	int k = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(connect(k, (struct sockaddr *)&a, len));
	CHECK_OK(close(l));
	CHECK_ERR(read(k, &c, 1), ECONNRESET);
	CHECK_EQ(read(k, &c, 1), 0);
}

/* A datagram connect racing the target's close: ECONNREFUSED (or success), never EPERM.
 * unix_connect_dgram read the target's `dead` flag after dropping its reference to it; if that
 * was the last one the socket was freed, and a new socket from the same cache (the closer's
 * next one, unconnected) answered "alive and connected elsewhere": EPERM. One process binds and
 * closes the same abstract name over and over while another connects to it; a race, so this
 * checks the contract on both CPUs (glibc's suite boots under -smp 2) rather than forcing it. */
static void dgram_connect_racing_close_refused_not_eperm(void)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "kt-dgram-race");
	int closer = CHECK_OK(fork());
	if (closer == 0) {
		for (int i = 0; i < 3000; i++) {
			int t = socket(AF_UNIX, SOCK_DGRAM, 0);
			if (t < 0 || bind(t, (struct sockaddr *)&a, len))
				_exit(2);
			close(t);
		}
		_exit(0);
	}
	int bad = 0, connected = 0, tries = 0, st = 0;
	for (;;) {
		int done = waitpid(closer, &st, WNOHANG);
		int c = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
		int r = connect(c, (struct sockaddr *)&a, len);
		if (r == 0)
			connected++;
		else if (errno != ECONNREFUSED && !bad++)
			kt_diag("try %d: connect: errno %d", tries, errno);
		close(c);
		tries++;
		if (done)
			break;
	}
	kt_diag("%d tries, %d connected (informational)", tries, connected);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(bad, 0);
}

static void dgram_sendto_recvfrom_names(void)
{
	struct sockaddr_un a, b, from;
	char buf[8];
	kt_tmpdir();
	int x = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	int y = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	socklen_t la = path_addr(&a, "x"), lb = path_addr(&b, "y");
	CHECK_OK(bind(x, (struct sockaddr *)&a, la));
	CHECK_OK(bind(y, (struct sockaddr *)&b, lb));
	CHECK_EQ(sendto(x, "d1", 2, 0, (struct sockaddr *)&b, lb), 2);
	socklen_t fl = sizeof(from);
	CHECK_EQ(recvfrom(y, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 2);
	CHECK_EQ(fl, la);
	CHECK_STR(from.sun_path, "x");
	CHECK_ERR(send(x, "d", 1, 0), ENOTCONN);
	CHECK_OK(connect(x, (struct sockaddr *)&b, lb));
	CHECK_EQ(send(x, "d2", 2, 0), 2);
	CHECK_EQ(recv(y, buf, sizeof(buf), 0), 2);
	/* y connected elsewhere refuses others: EPERM */
	int z = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	CHECK_OK(connect(y, (struct sockaddr *)&a, la));
	CHECK_ERR(sendto(z, "q", 1, 0, (struct sockaddr *)&b, lb), EPERM);
	/* the receiver goes: ECONNREFUSED */
	CHECK_OK(close(y));
	CHECK_ERR(send(x, "d3", 2, 0), ECONNREFUSED);
	CHECK_ERR(sendto(x, "d", 1, 0, (struct sockaddr *)&b, lb), ECONNREFUSED);
	CHECK_ERR(sendto(x, "d", 1, 0, (struct sockaddr *)&b, 200), EINVAL);
}

static void buffer_limit_eagain_then_room(void)
{
	int s[2];
	static char chunk[4096];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	int sz = 16384;
	CHECK_OK(setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)));
	int got = 0;
	socklen_t len = sizeof(got);
	CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &got, &len));
	CHECK_EQ(got, 32768); /* doubled, as Linux */
	long total = 0, n;
	while ((n = send(s[0], chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		total += n;
	CHECK_EQ(errno, EAGAIN);
	CHECK(total > 0 && total < 1000000);
	struct pollfd pfd = { .fd = s[0], .events = POLLOUT };
	CHECK_EQ(poll(&pfd, 1, 0), 0);
	char buf[4096];
	long drained = 0;
	while (drained < total) {
		n = CHECK_OK(read(s[1], buf, sizeof(buf)));
		drained += n;
	}
	CHECK_EQ(poll(&pfd, 1, 0), 1);
	CHECK_EQ(send(s[0], chunk, 10, MSG_DONTWAIT), 10);
	/* a datagram larger than the send buffer */
	int d[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, d));
	CHECK_OK(setsockopt(d[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)));
	static char big[65536];
	CHECK_ERR(send(d[0], big, sizeof(big), 0), EMSGSIZE);
}

/* Empty datagrams cost their sender too (Linux: an skb's truesize against SO_SNDBUF): a
 * connected pair's unread ones end in EAGAIN, not an unbounded queue; reading one makes room.
 * (Regression: empty datagrams were free, so a sender could fill the kernel's memory.) */
static void empty_datagrams_fill_the_send_buffer(void)
{
	int d[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, d));
	long sent = 0;
	while (sent < 200000 && send(d[0], "", 0, MSG_DONTWAIT) == 0)
		sent++;
	CHECK_EQ(errno, EAGAIN);
	CHECK(sent > 0 && sent < 200000);
	char c;
	CHECK_EQ(recv(d[1], &c, 1, 0), 0);
	CHECK_EQ(send(d[0], "", 0, MSG_DONTWAIT), 0);
	int q[2]; /* seqpacket records alike */
	CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, q));
	sent = 0;
	while (sent < 200000 && send(q[0], "", 0, MSG_DONTWAIT) == 0)
		sent++;
	CHECK_EQ(errno, EAGAIN);
	CHECK(sent > 0 && sent < 200000);
}

static void socket_options(void)
{
	int s[2], v = 0;
	socklen_t len = sizeof(v);
	CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s));
	CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK_EQ(v, SOCK_SEQPACKET);
	CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_DOMAIN, &v, &len));
	CHECK_EQ(v, AF_UNIX);
	CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_ERROR, &v, &len));
	CHECK_EQ(v, 0);
	v = 1;
	CHECK_OK(setsockopt(s[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_REUSEADDR, &v, &len));
	CHECK_EQ(v, 1);
	CHECK_ERR(setsockopt(s[0], SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
	CHECK_ERR(setsockopt(s[0], SOL_SOCKET, 9999, &v, sizeof(v)), ENOPROTOOPT);
	CHECK_ERR(getsockopt(s[0], SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
	CHECK_ERR(getsockopt(s[0], SOL_SOCKET, SO_TYPE, &v, KT_BAD_PTR), EFAULT);
	struct ucred uc;
	len = sizeof(uc);
	CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
	CHECK_EQ(len, sizeof(uc));
	CHECK_EQ(uc.pid, getpid());
	CHECK_EQ(uc.uid, geteuid());
	CHECK_EQ(uc.gid, getegid());
	struct timeval tv = { 0, 20000 };
	CHECK_OK(setsockopt(s[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	char c;
	CHECK_ERR(recv(s[0], &c, 1, 0), EAGAIN); /* the timeout passes */
	tv.tv_usec = 2000000;
	CHECK_ERR(setsockopt(s[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
	int n = -1;
	CHECK_EQ(send(s[1], "abc", 3, 0), 3);
	CHECK_OK(ioctl(s[0], FIONREAD, &n));
	CHECK_EQ(n, 3);
}

/* SO_RCVBUF (doubled, clamped to the minimum), SO_SNDTIMEO (a full buffer: the wait ends in
 * EAGAIN), TIOCOUTQ (sent, unread: not 0 while queued, 0 once read), select and epoll
 * readiness (EPOLLIN, then EPOLLRDHUP and EPOLLHUP when the peer closes). */
/* SO_RCVLOWAT: setsockopt was ENOPROTOOPT (Linux accepts it, and getsockopt said 1 whatever
 * was asked); a blocking stream read now waits for that many bytes, a non-blocking one returns
 * what is there; negative means INT_MAX, 0 means 1 (Linux's sock_setsockopt). */
static int proc_state(int pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static void so_rcvlowat_holds_a_stream_read(void)
{
	int s[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	int v = 4;
	socklen_t len = sizeof(v);
	CHECK_OK(setsockopt(s[1], SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)));
	v = 0;
	CHECK_OK(getsockopt(s[1], SOL_SOCKET, SO_RCVLOWAT, &v, &len));
	CHECK_EQ(v, 4);
	char b[8];
	CHECK_EQ(write(s[0], "ab", 2), 2);
	CHECK_EQ(recv(s[1], b, sizeof(b), MSG_DONTWAIT), 2); /* non-blocking: what is there */
	CHECK_EQ(write(s[0], "ab", 2), 2);
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit((int)recv(s[1], b, sizeof(b), 0)); /* blocks until 4 bytes are there */
	/* until the reader sleeps in recv (or, were the low mark ignored, returned 2 and exited) */
	int st;
	while ((st = proc_state(pid)) != 'S' && st != 'Z' && st != 0)
		usleep(1000);
	CHECK_EQ(write(s[0], "cd", 2), 2);
	st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 4);
	v = -1;
	CHECK_OK(setsockopt(s[1], SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)));
	CHECK_OK(getsockopt(s[1], SOL_SOCKET, SO_RCVLOWAT, &v, &len));
	CHECK_EQ(v, 0x7fffffff);
	v = 0;
	CHECK_OK(setsockopt(s[1], SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)));
	CHECK_OK(getsockopt(s[1], SOL_SOCKET, SO_RCVLOWAT, &v, &len));
	CHECK_EQ(v, 1);
	v = 1;
	CHECK_ERR(setsockopt(s[1], SOL_SOCKET, SO_SNDLOWAT, &v, sizeof(v)), ENOPROTOOPT);
	close(s[0]);
	close(s[1]);
}

static void rcvbuf_sndtimeo_outq_select_epoll(void)
{
	int s[2], v, n;
	socklen_t len = sizeof(v);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	v = 65536;
	CHECK_OK(setsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	CHECK_OK(getsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &v, &len));
	CHECK_EQ(v, 131072);
	v = 1;
	CHECK_OK(setsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	CHECK_OK(getsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &v, &len));
	CHECK_EQ(v, 2304);
	static char buf[4096];
	CHECK_OK(fcntl(s[0], F_SETFL, O_NONBLOCK));
	int rounds = 0;
	while (write(s[0], buf, sizeof(buf)) > 0 && rounds < 100000)
		rounds++;
	CHECK_EQ(errno, EAGAIN);
	CHECK_OK(fcntl(s[0], F_SETFL, 0));
	struct timeval tv = { 0, 20000 }, got = { 7, 7 };
	CHECK_OK(setsockopt(s[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	len = sizeof(got);
	CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_SNDTIMEO, &got, &len));
	CHECK_EQ(len, sizeof(got));
	CHECK_EQ(got.tv_sec, 0);
	CHECK(got.tv_usec > 0);
	CHECK_ERR(write(s[0], buf, sizeof(buf)), EAGAIN); /* the timeout passes */
	CHECK_OK(ioctl(s[0], TIOCOUTQ, &n));
	CHECK(n > 0);
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(s[1], &r);
	struct timeval zero = { 0, 0 };
	CHECK_EQ(select(s[1] + 1, &r, NULL, NULL, &zero), 1);
	CHECK(FD_ISSET(s[1], &r));
	CHECK_OK(fcntl(s[1], F_SETFL, O_NONBLOCK));
	while (read(s[1], buf, sizeof(buf)) > 0)
		;
	CHECK_EQ(errno, EAGAIN);
	CHECK_OK(ioctl(s[0], TIOCOUTQ, &n));
	CHECK_EQ(n, 0);
	FD_ZERO(&r);
	FD_SET(s[1], &r);
	FD_SET(s[0], &w);
	zero = (struct timeval){ 0, 0 };
	CHECK_EQ(select((s[0] > s[1] ? s[0] : s[1]) + 1, &r, &w, NULL, &zero), 1);
	CHECK(FD_ISSET(s[0], &w));
	CHECK(!FD_ISSET(s[1], &r));
	int ep = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u32 = 42 }, out;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s[1], &ev));
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
	CHECK_EQ(write(s[0], "x", 1), 1);
	CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	CHECK_EQ(out.data.u32, 42);
	CHECK_EQ(out.events, EPOLLIN);
	CHECK_EQ(read(s[1], buf, 1), 1);
	CHECK_OK(close(s[0]));
	CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	CHECK(out.events & EPOLLRDHUP);
	CHECK(out.events & EPOLLHUP);
}

static void poll_readiness(void)
{
	int s[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	struct pollfd p = { .fd = s[0], .events = POLLIN | POLLOUT };
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK_EQ(p.revents, POLLOUT);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		usleep(20000);
		_exit(write(s[1], "x", 1) == 1 ? 0 : 1);
	}
	p.events = POLLIN;
	CHECK_EQ(poll(&p, 1, 5000), 1); /* woken by the write */
	CHECK_EQ(p.revents, POLLIN);
	CHECK_EQ(kt_wait(pid), 0);
	CHECK_OK(close(s[1]));
	p.events = POLLIN | POLLRDHUP;
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK(p.revents & POLLHUP);
	CHECK(p.revents & POLLRDHUP);
	/* a listener is readable when a connection waits */
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "kt-poll");
	int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(bind(l, (struct sockaddr *)&a, len));
	CHECK_OK(listen(l, 2));
	struct pollfd lp = { .fd = l, .events = POLLIN };
	CHECK_EQ(poll(&lp, 1, 0), 0);
	int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(connect(c, (struct sockaddr *)&a, len));
	CHECK_EQ(poll(&lp, 1, 0), 1);
}

/* send_fds / recv_fds - pass descriptors over a socket with one data byte. */
static void send_fds(int s, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	memset(cbuf, 0, sizeof(cbuf));
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	CHECK_EQ(sendmsg(s, &mh, 0), 1);
}

static int recv_fds(int s, int *fds, int max, size_t ctl, int *flags)
{
	char cbuf[256];
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = ctl };
	CHECK_EQ(recvmsg(s, &mh, 0), 1);
	*flags = mh.msg_flags;
	int n = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k && n < max; i++)
			memcpy(&fds[n++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}
	return n;
}

static void scm_rights_passes_pipe(void)
{
	int s[2], p[2], got[2], flags;
	char buf[8];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_OK(pipe(p));
	send_fds(s[0], p, 2);
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
	CHECK_EQ(recv_fds(s[1], got, 2, 256, &flags), 2);
	CHECK_EQ(flags & MSG_CTRUNC, 0);
	CHECK_EQ(write(got[1], "via", 3), 3);
	CHECK_EQ(read(got[0], buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "via", 3);
	CHECK_OK(close(got[1]));
	CHECK_EQ(read(got[0], buf, sizeof(buf)), 0); /* the last writer went */
	/* a bad descriptor in the message */
	int bad = 999;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &bad, sizeof(int));
	CHECK_ERR(sendmsg(s[0], &mh, 0), EBADF);
	cm->cmsg_len = 4; /* shorter than a header */
	CHECK_ERR(sendmsg(s[0], &mh, 0), EINVAL);
}

static void scm_rights_passes_socket_across_fork(void)
{
	int s[2], q[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, q));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		int got, flags;
		close(s[0]);
		if (recv_fds(s[1], &got, 1, 256, &flags) != 1)
			_exit(2);
		_exit(send(got, "child", 5, 0) == 5 ? 0 : 3);
	}
	close(s[1]);
	send_fds(s[0], &q[1], 1);
	CHECK_OK(close(q[1]));
	char buf[8];
	CHECK_EQ(recv(q[0], buf, sizeof(buf), 0), 5);
	CHECK_MEM(buf, "child", 5);
	CHECK_EQ(kt_wait(pid), 0);
}

static void scm_rights_ctrunc_closes_rest(void)
{
	int s[2], p[2], got[2], flags;
	char c;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_OK(pipe(p));
	int fds[2] = { p[1], p[1] };
	send_fds(s[0], fds, 2);
	CHECK_OK(close(p[1]));
	/* room for one descriptor only */
	CHECK_EQ(recv_fds(s[1], got, 2, CMSG_LEN(sizeof(int)), &flags), 1);
	CHECK(flags & MSG_CTRUNC);
	CHECK_OK(close(got[0]));
	CHECK_EQ(read(p[0], &c, 1), 0); /* the one that did not fit was closed */
}

static void scm_rights_in_flight_at_close(void)
{
	int s[2], p[2];
	char c;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_OK(pipe(p));
	send_fds(s[0], &p[1], 1);
	CHECK_OK(close(p[1]));
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(p[0], &c, 1), EAGAIN); /* the write end is alive, in flight */
	CHECK_OK(fcntl(p[0], F_SETFL, 0));
	/* the receiver closes without reading: the write end in flight closes */
	CHECK_OK(close(s[1]));
	CHECK_EQ(read(p[0], &c, 1), 0);
}

/* A socket sent into its own queue, its descriptors then closed: only that queue holds it, and
 * nobody can read the queue. The release of another unix socket runs the collector, which
 * frees it and what its queue holds (a pipe's write end: its reader sees EOF; a leak would
 * hang the read until the case's watchdog fails it). */
static void scm_rights_socket_in_own_queue_collected(void)
{
	int s[2], p[2];
	char c;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_OK(pipe(p));
	int fds[2] = { s[1], p[1] };
	send_fds(s[0], fds, 2); /* into s[1]'s queue: s[1] itself and the write end */
	CHECK_OK(close(p[1]));
	CHECK_OK(close(s[1]));
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(p[0], &c, 1), EAGAIN); /* alive, in flight */
	CHECK_OK(fcntl(p[0], F_SETFL, 0));
	CHECK_OK(close(s[0])); /* a release: the collector runs */
	CHECK_EQ(read(p[0], &c, 1), 0);
}

/* Two sockets each in the other's queue (a cycle), their descriptors closed, are garbage even
 * while the other ends of their pairs stay open (those can only write into the cycle). */
static void scm_rights_cycle_collected(void)
{
	int a[2], b[2], p[2], t[2];
	char c;
	signal(SIGPIPE, SIG_IGN);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, a));
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, b));
	CHECK_OK(pipe(p));
	int x[2] = { a[1], p[1] };
	send_fds(b[0], x, 2);     /* b[1]'s queue: a[1] and the write end */
	send_fds(a[0], &b[1], 1); /* a[1]'s queue: b[1] */
	CHECK_OK(close(a[1]));
	CHECK_OK(close(b[1]));
	CHECK_OK(close(p[1]));
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(p[0], &c, 1), EAGAIN); /* no release since: nothing collected yet */
	CHECK_OK(fcntl(p[0], F_SETFL, 0));
	int qa = -1, qb = -1; /* the senders' counts of bytes in flight: the cycle's messages */
	CHECK_OK(ioctl(a[0], TIOCOUTQ, &qa));
	CHECK_OK(ioctl(b[0], TIOCOUTQ, &qb));
	CHECK(qa > 0 && qb > 0);
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, t)); /* any unix socket's release collects */
	CHECK_OK(close(t[0]));
	CHECK_OK(close(t[1]));
	CHECK_EQ(read(p[0], &c, 1), 0);
	CHECK_OK(ioctl(a[0], TIOCOUTQ, &qa)); /* the messages are freed: the counts return */
	CHECK_OK(ioctl(b[0], TIOCOUTQ, &qb));
	CHECK_EQ(qa, 0);
	CHECK_EQ(qb, 0);
	CHECK_ERR(send(a[0], "x", 1, MSG_NOSIGNAL), EPIPE); /* a[1] was released */
	CHECK_ERR(send(b[0], "x", 1, MSG_NOSIGNAL), EPIPE);
}

/* What a socket somebody holds can still read is not garbage, however deep: e[1] sits in d[1]'s
 * queue and g[1] in e[1]'s, all their own descriptors closed; after a collection both come
 * back through recvmsg and still carry data. */
static void scm_rights_reachable_in_flight_kept(void)
{
	int d[2], e[2], g[2], t[2], fl, r, r2;
	char buf[4];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, d));
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, e));
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, g));
	send_fds(d[0], &e[1], 1); /* d[1]'s queue: e[1] */
	send_fds(e[0], &g[1], 1); /* e[1]'s queue: g[1] */
	CHECK_OK(close(e[1]));
	CHECK_OK(close(g[1]));
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, t));
	CHECK_OK(close(t[0]));
	CHECK_OK(close(t[1]));
	CHECK_EQ(recv_fds(d[1], &r, 1, CMSG_SPACE(sizeof(int)), &fl), 1);
	CHECK_EQ(recv_fds(r, &r2, 1, CMSG_SPACE(sizeof(int)), &fl), 1);
	CHECK_EQ(write(e[0], "ee", 2), 2);
	CHECK_EQ(read(r, buf, sizeof(buf)), 2);
	CHECK_MEM(buf, "ee", 2);
	CHECK_EQ(write(g[0], "gg", 2), 2);
	CHECK_EQ(read(r2, buf, sizeof(buf)), 2);
	CHECK_MEM(buf, "gg", 2);
}

static void scm_credentials(void)
{
	int s[2], on = 1;
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, s));
	CHECK_OK(setsockopt(s[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
	CHECK_EQ(send(s[0], "c", 1, 0), 1);
	char cbuf[CMSG_SPACE(sizeof(struct ucred))], c;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	CHECK_EQ(recvmsg(s[1], &mh, 0), 1);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	CHECK(cm != NULL);
	CHECK_EQ(cm->cmsg_type, SCM_CREDENTIALS);
	struct ucred uc;
	memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
	CHECK_EQ(uc.pid, getpid());
	CHECK_EQ(uc.uid, getuid());
	CHECK_EQ(uc.gid, getgid());
	/* explicit credentials: root may name other ids (CAP_SETUID), which the reader sees */
	struct ucred fake = { .pid = getpid(), .uid = 4321, .gid = 8765 };
	char cb[CMSG_SPACE(sizeof(fake))];
	struct iovec io = { "x", 1 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = cb,
			    .msg_controllen = sizeof(cb) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_CREDENTIALS;
	h->cmsg_len = CMSG_LEN(sizeof(fake));
	memcpy(CMSG_DATA(h), &fake, sizeof(fake));
	if (geteuid() == 0) {
		CHECK_EQ(sendmsg(s[0], &m, 0), 1);
		mh.msg_controllen = sizeof(cbuf);
		CHECK_EQ(recvmsg(s[1], &mh, 0), 1);
		cm = CMSG_FIRSTHDR(&mh);
		CHECK(cm != NULL);
		memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
		CHECK_EQ(uc.uid, 4321);
		CHECK_EQ(uc.gid, 8765);
	}
	/* a control buffer too small: MSG_CTRUNC */
	CHECK_EQ(send(s[0], "c", 1, 0), 1);
	mh.msg_controllen = 8;
	CHECK_EQ(recvmsg(s[1], &mh, 0), 1);
	CHECK(mh.msg_flags & MSG_CTRUNC);
}

static void sendmsg_iovecs_and_mmsg(void)
{
	int s[2];
	char a[4], b[4];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, s));
	struct iovec out[2] = { { "abc", 3 }, { "defg", 4 } };
	struct msghdr mh = { .msg_iov = out, .msg_iovlen = 2 };
	CHECK_EQ(sendmsg(s[0], &mh, 0), 7);
	struct iovec in[2] = { { a, 4 }, { b, 4 } };
	struct msghdr rh = { .msg_iov = in, .msg_iovlen = 2 };
	CHECK_EQ(recvmsg(s[1], &rh, 0), 7);
	CHECK_MEM(a, "abcd", 4);
	CHECK_MEM(b, "efg", 3);
	struct mmsghdr mm[2] = { { .msg_hdr = { .msg_iov = &out[0], .msg_iovlen = 1 } },
				 { .msg_hdr = { .msg_iov = &out[1], .msg_iovlen = 1 } } };
	CHECK_EQ(sendmmsg(s[0], mm, 2, 0), 2);
	CHECK_EQ(mm[0].msg_len, 3);
	CHECK_EQ(mm[1].msg_len, 4);
	struct iovec r1 = { a, 4 }, r2 = { b, 4 };
	struct mmsghdr rm[2] = { { .msg_hdr = { .msg_iov = &r1, .msg_iovlen = 1 } },
				 { .msg_hdr = { .msg_iov = &r2, .msg_iovlen = 1 } } };
	CHECK_EQ(recvmmsg(s[1], rm, 2, MSG_DONTWAIT, NULL), 2);
	CHECK_EQ(rm[1].msg_len, 4);
	CHECK_MEM(b, "defg", 4);
	CHECK_ERR(syscall(SYS_sendmsg, s[0], KT_BAD_PTR, 0), EFAULT);
	CHECK_ERR(send(s[0], KT_BAD_PTR, 4, 0), EFAULT);
	mh.msg_iovlen = 2000;
	CHECK_ERR(syscall(SYS_sendmsg, s[0], &mh, 0), EMSGSIZE);
}

/* 8 clients x 10,000 round trips to one server over a listening socket; every byte checked.
 * On Trellis glibc's suite boots under -smp 2 (mk/abi.mk ABI_SMP2_SUITES), musl's under -smp 1.
 * 80,000 round trips take longer than the harness's per-case watchdog allows (10-27 s at
 * -smp 1; at -smp 2 17-24 s on an idle host, up to ~120 s at a load average of 8, Linux alike):
 * this case sets its own (a hang still fails it). The time is printed, not checked. */
#define STRESS_CLIENTS 8
#define STRESS_ROUNDS 10000
#define STRESS_WATCHDOG_SECONDS 300
static void stress_clients_round_trips(void)
{
	alarm(STRESS_WATCHDOG_SECONDS);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "kt-stress");
	int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_OK(bind(l, (struct sockaddr *)&a, len));
	CHECK_OK(listen(l, STRESS_CLIENTS));
	int pids[STRESS_CLIENTS];
	for (int i = 0; i < STRESS_CLIENTS; i++) {
		pids[i] = CHECK_OK(fork());
		if (pids[i] == 0) {
			int c = socket(AF_UNIX, SOCK_STREAM, 0);
			if (connect(c, (struct sockaddr *)&a, len))
				_exit(2);
			for (int r = 0; r < STRESS_ROUNDS; r++) {
				unsigned char m[8], e[8];
				for (int k = 0; k < 8; k++)
					m[k] = (unsigned char)(i * 31 + r * 7 + k);
				ssize_t w = write(c, m, 8);
				if (w != 8) {
					kt_diag("client %d round %d: write(%d): %ld (errno %d)", i, r, c, (long)w, errno);
					_exit(3);
				}
				ssize_t n = recv(c, e, 8, MSG_WAITALL);
				if (n != 8) {
					kt_diag("client %d round %d: recv(%d): %ld (errno %d)", i, r, c, (long)n, errno);
					_exit(4);
				}
				for (int k = 0; k < 8; k++)
					if (e[k] != (unsigned char)~m[k]) {
						kt_diag("client %d round %d: byte %d: %u, want %u", i, r, k, e[k],
							(unsigned char)~m[k]);
						_exit(5);
					}
			}
			_exit(0);
		}
	}
	int srv = CHECK_OK(fork());
	if (srv == 0) {
		struct pollfd p[STRESS_CLIENTS];
		for (int i = 0; i < STRESS_CLIENTS; i++) {
			p[i].fd = accept(l, NULL, NULL);
			p[i].events = POLLIN;
		}
		int open_ = STRESS_CLIENTS;
		while (open_) {
			if (poll(p, STRESS_CLIENTS, -1) < 0)
				_exit(6);
			for (int i = 0; i < STRESS_CLIENTS; i++) {
				if (!(p[i].revents & (POLLIN | POLLHUP)))
					continue;
				unsigned char m[8];
				ssize_t n = recv(p[i].fd, m, 8, MSG_WAITALL);
				if (n == 0) {
					close(p[i].fd);
					p[i].fd = -1;
					open_--;
					continue;
				}
				if (n != 8) {
					kt_diag("server: recv from client %d: %ld (errno %d)", i, (long)n, errno);
					_exit(7);
				}
				for (int k = 0; k < 8; k++)
					m[k] = (unsigned char)~m[k];
				if (write(p[i].fd, m, 8) != 8)
					_exit(8);
			}
		}
		_exit(0);
	}
	int cst[STRESS_CLIENTS];
	for (int i = 0; i < STRESS_CLIENTS; i++)
		cst[i] = kt_wait(pids[i]);
	int sst = kt_wait(srv);
	if (sst != 0) /* a server that fails makes clients fail, and a failing client the server */
		for (int i = 0; i < STRESS_CLIENTS; i++)
			kt_diag("client %d: exit status %d", i, cst[i]);
	CHECK_EQ(sst, 0);
	for (int i = 0; i < STRESS_CLIENTS; i++)
		CHECK_EQ(cst[i], 0);
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	kt_diag("%d round trips in %ld ms (informational)", STRESS_CLIENTS * STRESS_ROUNDS,
		(long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
}

/* The netlink ABI (linux/netlink.h, linux/rtnetlink.h), spelled out: musl's build has no kernel
 * headers. */
#ifndef NETLINK_ROUTE
#define NETLINK_ROUTE 0
#endif
struct kt_nlmsghdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};
struct kt_sockaddr_nl {
	sa_family_t family;
	unsigned short pad;
	uint32_t pid, groups;
};
struct kt_ifinfomsg {
	unsigned char family, pad;
	unsigned short type;
	int index;
	unsigned flags, change;
};
struct kt_rtattr {
	unsigned short len, type;
};
#define KT_NLMSG_DONE 3
#define KT_NLMSG_ERROR 2
#define KT_NLM_F_REQUEST 1
#define KT_NLM_F_ACK 4
#define KT_NLM_F_DUMP 0x300
#define KT_RTM_NEWLINK 16
#define KT_RTM_GETLINK 18
#define KT_RTM_NEWADDR 20
#define KT_RTM_GETADDR 22
#define KT_IFLA_IFNAME 3
#define KT_ALIGN4(x) (((x) + 3u) & ~3u)

/* nl_request - send one rtnetlink request (header + a 16-byte family message). */
static void nl_request(int fd, int type, int flags, int seq)
{
	struct {
		struct kt_nlmsghdr h;
		struct kt_ifinfomsg i;
	} req;
	memset(&req, 0, sizeof(req));
	req.h.len = sizeof(req);
	req.h.type = (unsigned short)type;
	req.h.flags = (unsigned short)flags;
	req.h.seq = (unsigned)seq;
	struct kt_sockaddr_nl k = { .family = AF_NETLINK };
	CHECK_EQ(sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&k, sizeof(k)), sizeof(req));
}

/* nl_walk - the messages of one datagram: calls fn on each; returns 1 after NLMSG_DONE. */
static int nl_walk(char *buf, long n, int seq, int (*fn)(struct kt_nlmsghdr *h))
{
	long off = 0;
	while (n - off >= (long)sizeof(struct kt_nlmsghdr)) {
		struct kt_nlmsghdr h;
		memcpy(&h, buf + off, sizeof(h));
		CHECK(h.len >= sizeof(h) && (long)h.len <= n - off);
		CHECK_EQ(h.seq, seq);
		if (h.type == KT_NLMSG_DONE)
			return 1;
		if (fn((struct kt_nlmsghdr *)(buf + off)))
			return 1;
		off += KT_ALIGN4(h.len);
	}
	return 0;
}

static int found_lo;
static int link_seen(struct kt_nlmsghdr *h)
{
	CHECK_EQ(h->type, KT_RTM_NEWLINK);
	struct kt_ifinfomsg ifi;
	memcpy(&ifi, (char *)h + sizeof(*h), sizeof(ifi));
	unsigned off = sizeof(*h) + sizeof(ifi);
	while (off + sizeof(struct kt_rtattr) <= h->len) {
		struct kt_rtattr a;
		memcpy(&a, (char *)h + off, sizeof(a));
		if (a.len < sizeof(a))
			break;
		if (a.type == KT_IFLA_IFNAME && strcmp((char *)h + off + sizeof(a), "lo") == 0) {
			found_lo = 1;
			CHECK_EQ(ifi.index, 1);
			CHECK(ifi.flags & IFF_LOOPBACK);
		}
		off += KT_ALIGN4(a.len);
	}
	return 0;
}

static int addr_seen(struct kt_nlmsghdr *h)
{
	CHECK_EQ(h->type, KT_RTM_NEWADDR);
	return 0;
}

static void netlink_route_lists_loopback(void)
{
	int fd = CHECK_OK(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
	struct kt_sockaddr_nl me = { .family = AF_NETLINK };
	CHECK_OK(bind(fd, (struct sockaddr *)&me, sizeof(me)));
	socklen_t len = sizeof(me);
	CHECK_OK(getsockname(fd, (struct sockaddr *)&me, &len));
	CHECK_EQ(len, sizeof(me));
	CHECK_EQ(me.family, AF_NETLINK);
	CHECK(me.pid != 0);
	static char buf[16384];
	nl_request(fd, KT_RTM_GETLINK, KT_NLM_F_REQUEST | KT_NLM_F_DUMP, 7);
	found_lo = 0;
	for (int done = 0; !done;) {
		struct kt_sockaddr_nl from;
		socklen_t fl = sizeof(from);
		long n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		kt_skip_if_injected(n < 0 && errno == ENOBUFS, "the dump met the injected ENOMEM");
		CHECK(n >= 0);
		CHECK_EQ(fl, sizeof(from));
		CHECK_EQ(from.pid, 0); /* from the kernel */
		done = nl_walk(buf, n, 7, link_seen);
	}
	CHECK(found_lo);
	/* the addresses: a dump that ends with NLMSG_DONE (lo may be down on Linux: none) */
	nl_request(fd, KT_RTM_GETADDR, KT_NLM_F_REQUEST | KT_NLM_F_DUMP, 8);
	for (int done = 0; !done;) {
		long n = recv(fd, buf, sizeof(buf), 0);
		/* a reply the kernel could not allocate is an overrun: ENOBUFS, as Linux */
		kt_skip_if_injected(n < 0 && errno == ENOBUFS, "the dump met the injected ENOMEM");
		CHECK(n >= 0);
		done = nl_walk(buf, n, 8, addr_seen);
	}
	/* an unknown request with NLM_F_ACK: NLMSG_ERROR with -EOPNOTSUPP and the request */
	nl_request(fd, 1000, KT_NLM_F_REQUEST | KT_NLM_F_ACK, 9);
	long n = CHECK_OK(recv(fd, buf, sizeof(buf), 0));
	CHECK(n >= (long)(sizeof(struct kt_nlmsghdr) * 2 + 4));
	struct kt_nlmsghdr h, orig;
	int err;
	memcpy(&h, buf, sizeof(h));
	memcpy(&err, buf + sizeof(h), sizeof(err));
	memcpy(&orig, buf + sizeof(h) + 4, sizeof(orig));
	CHECK_EQ(h.type, KT_NLMSG_ERROR);
	CHECK_EQ(err, -EOPNOTSUPP);
	CHECK_EQ(orig.seq, 9);
}

/* Netlink port ids are unique (Linux's netlink_insert): every socket took the caller's pid, so
 * two sockets of one process had the same id and an explicit bind to a taken id succeeded. Now
 * the first automatic id is the pid, the next another one; a bind to a taken id is
 * EADDRINUSE until its holder closes; a bound socket cannot move (EINVAL). */
static unsigned nl_port_of(int fd)
{
	struct kt_sockaddr_nl a;
	socklen_t len = sizeof(a);
	CHECK_OK(getsockname(fd, (struct sockaddr *)&a, &len));
	return a.pid;
}

static void netlink_port_ids_unique(void)
{
	struct kt_sockaddr_nl any = { .family = AF_NETLINK }, want = { .family = AF_NETLINK };
	int a = CHECK_OK(socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
	int b = CHECK_OK(socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
	int c = CHECK_OK(socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
	CHECK_OK(bind(a, (struct sockaddr *)&any, sizeof(any)));
	CHECK_EQ(nl_port_of(a), (unsigned)getpid());
	CHECK_OK(bind(b, (struct sockaddr *)&any, sizeof(any)));
	unsigned pb = nl_port_of(b);
	CHECK(pb != 0 && pb != (unsigned)getpid());
	want.pid = (unsigned)getpid();
	CHECK_ERR(bind(c, (struct sockaddr *)&want, sizeof(want)), EADDRINUSE);
	want.pid = pb;
	CHECK_ERR(bind(c, (struct sockaddr *)&want, sizeof(want)), EADDRINUSE);
	CHECK_OK(close(a));
	want.pid = (unsigned)getpid();
	CHECK_OK(bind(c, (struct sockaddr *)&want, sizeof(want)));
	CHECK_EQ(nl_port_of(c), (unsigned)getpid());
	want.pid = 12345678;
	CHECK_ERR(bind(c, (struct sockaddr *)&want, sizeof(want)), EINVAL);
	close(b);
	close(c);
}

static void netlink_creation_errors(void)
{
	CHECK_ERR(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_NETLINK, SOCK_RAW, 33), EPROTONOSUPPORT);
	int fd = CHECK_OK(socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE));
	CHECK_ERR(listen(fd, 1), EOPNOTSUPP);
	struct kt_sockaddr_nl bad = { .family = AF_UNIX };
	CHECK_ERR(bind(fd, (struct sockaddr *)&bad, sizeof(bad)), EINVAL);
	char c;
	CHECK_ERR(recv(fd, &c, 1, MSG_DONTWAIT), EAGAIN);
}

/* A dump reply that does not fit was dropped silently (Trellis: NL_QUEUE_MAX replies, or no
 * memory for one), so a reader waiting for it blocked in recv forever. Linux (netlink_overrun)
 * sets the socket error ENOBUFS: poll reports POLLERR, the next recv returns it once (before
 * the queued replies), SO_ERROR reads and clears it. Many dumps asked without reading overrun
 * either kernel (Linux: a small SO_RCVBUF; Trellis: its queue limit). */
static void nl_flood(int fd)
{
	for (int i = 0; i < 200; i++)
		nl_request(fd, KT_RTM_GETLINK, KT_NLM_F_REQUEST | KT_NLM_F_DUMP, 100 + i);
}

static void nl_drain(int fd, char *buf, size_t size)
{
	int i;
	for (i = 0; i < 100000; i++) {
		long n = recv(fd, buf, size, MSG_DONTWAIT);
		if (n < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		CHECK(n > 0);
	}
	CHECK(i < 100000);
}

static void netlink_dump_overrun_sets_enobufs(void)
{
	static char buf[32768];
	int fd = CHECK_OK(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
	int small = 1; /* Linux rounds it up to its minimum */
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	nl_flood(fd);
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK(pf.revents & POLLERR);
	CHECK(pf.revents & POLLIN);
	CHECK_ERR(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), ENOBUFS);
	CHECK(CHECK_OK(recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0); /* once; then the replies */
	nl_drain(fd, buf, sizeof(buf));
	pf.revents = 0;
	CHECK_EQ(poll(&pf, 1, 0), 0);
	/* again, read through SO_ERROR this time: it clears the error */
	nl_flood(fd);
	int err = 0;
	socklen_t len = sizeof(err);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, ENOBUFS);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, 0);
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK(!(pf.revents & POLLERR));
	CHECK(CHECK_OK(recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0);
	nl_drain(fd, buf, sizeof(buf));
	close(fd);
}

static const struct kt_case cases[] = {
	{ "socket_creation_errors", socket_creation_errors },
	{ "not_a_socket_enotsock", not_a_socket_enotsock },
	{ "socketpair_stream_both_ways_and_eof", socketpair_stream_both_ways_and_eof },
	{ "fstat_is_socket", fstat_is_socket },
	{ "proc_fd_names_socket_inode", proc_fd_names_socket_inode },
	{ "shutdown_wr_gives_eof_and_epipe", shutdown_wr_gives_eof_and_epipe },
	{ "peer_close_sigpipe_and_nosignal", peer_close_sigpipe_and_nosignal },
	{ "unread_data_resets_peer", unread_data_resets_peer },
	{ "peek_waitall_dontwait", peek_waitall_dontwait },
	{ "dgram_boundaries_and_trunc", dgram_boundaries_and_trunc },
	{ "seqpacket_records", seqpacket_records },
	{ "bind_path_creates_socket_node", bind_path_creates_socket_node },
	{ "connect_errors", connect_errors },
	{ "listen_accept_connect_path", listen_accept_connect_path },
	{ "abstract_names_and_autobind", abstract_names_and_autobind },
	{ "backlog_full_blocks_or_eagain", backlog_full_blocks_or_eagain },
	{ "listener_close_resets_pending", listener_close_resets_pending },
	{ "dgram_sendto_recvfrom_names", dgram_sendto_recvfrom_names },
	{ "dgram_connect_racing_close_refused_not_eperm", dgram_connect_racing_close_refused_not_eperm },
	{ "buffer_limit_eagain_then_room", buffer_limit_eagain_then_room },
	{ "empty_datagrams_fill_the_send_buffer", empty_datagrams_fill_the_send_buffer },
	{ "socket_options", socket_options },
	{ "poll_readiness", poll_readiness },
	{ "rcvbuf_sndtimeo_outq_select_epoll", rcvbuf_sndtimeo_outq_select_epoll },
	{ "so_rcvlowat_holds_a_stream_read", so_rcvlowat_holds_a_stream_read },
	{ "scm_rights_passes_pipe", scm_rights_passes_pipe },
	{ "scm_rights_passes_socket_across_fork", scm_rights_passes_socket_across_fork },
	{ "scm_rights_ctrunc_closes_rest", scm_rights_ctrunc_closes_rest },
	{ "scm_rights_in_flight_at_close", scm_rights_in_flight_at_close },
	{ "scm_rights_socket_in_own_queue_collected", scm_rights_socket_in_own_queue_collected },
	{ "scm_rights_cycle_collected", scm_rights_cycle_collected },
	{ "scm_rights_reachable_in_flight_kept", scm_rights_reachable_in_flight_kept },
	{ "scm_credentials", scm_credentials },
	{ "sendmsg_iovecs_and_mmsg", sendmsg_iovecs_and_mmsg },
	{ "int_arguments_ignore_the_upper_register_half", int_arguments_ignore_the_upper_register_half },
	{ "stress_clients_round_trips", stress_clients_round_trips },
	{ "netlink_route_lists_loopback", netlink_route_lists_loopback },
	{ "netlink_creation_errors", netlink_creation_errors },
	{ "netlink_port_ids_unique", netlink_port_ids_unique },
	{ "netlink_dump_overrun_sets_enobufs", netlink_dump_overrun_sets_enobufs },
	KT_CASES_END
};

int main(void)
{
	return kt_main("sockets", cases);
}
