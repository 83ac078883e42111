/*
 * events.c — group `events`: the event files beyond poll's (docs/poll.md): pidfds
 * (pidfd_open, pidfd_send_signal, pidfd_getfd, CLONE_PIDFD, readiness at exit), inotify and
 * signalfd, and what all anonymous files share (fstat). Linux 6.1 semantics; every case runs
 * on Linux and Trellis.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

static int pidfd_open(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static int pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

static int pidfd_getfd(int pidfd, int fd, unsigned flags)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, flags);
}

/* spawn_waiting - a child that exits with `code` once a byte arrives on the pipe whose write
 * end is *go (or at once when go is NULL). */
static pid_t spawn_waiting(int *go, int code)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t c = CHECK_OK(fork());
	if (c == 0) {
		char b;
		close(p[1]);
		if (go)
			(void)read(p[0], &b, 1);
		_exit(code);
	}
	close(p[0]);
	if (go)
		*go = p[1];
	else
		close(p[1]);
	return c;
}

static short poll_one(int fd, int timeout_ms)
{
	struct pollfd f = { fd, POLLIN, 0 };
	int n = poll(&f, 1, timeout_ms);
	CHECK(n >= 0);
	return n ? f.revents : 0;
}

static void pidfd_readable_when_process_exits(void)
{
	int go;
	pid_t c = spawn_waiting(&go, 7);
	int pfd = CHECK_OK(pidfd_open(c, 0));
	CHECK_EQ(fcntl(pfd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(poll_one(pfd, 0), 0);
	int ep = CHECK_OK(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 5 }, out;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, pfd, &ev));
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
	CHECK_EQ(write(go, "x", 1), 1);
	/* an exited, unreaped child: readable, no hang-up yet */
	CHECK_EQ(epoll_wait(ep, &out, 1, 10000), 1);
	CHECK_EQ(out.data.u32, 5);
	CHECK_EQ(out.events, EPOLLIN);
	CHECK_EQ(poll_one(pfd, 10000), POLLIN);
	/* a signal to a zombie is accepted and ignored */
	CHECK_OK(pidfd_send_signal(pfd, SIGKILL, NULL, 0));
	int st = kt_wait(c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	/* reaped: still readable (no POLLHUP in Linux 6.1); its pid names nothing */
	CHECK_EQ(poll_one(pfd, 0), POLLIN);
	CHECK_ERR(pidfd_send_signal(pfd, 0, NULL, 0), ESRCH);
	CHECK_ERR(pidfd_getfd(pfd, 0, 0), ESRCH);
	CHECK_ERR(pidfd_open(c, 0), ESRCH);
	char b[8];
	CHECK_ERR(read(pfd, b, sizeof(b)), EINVAL);
}

struct sleeper {
	int go, ready; /* pipe ends: wait on go, report on ready */
	pid_t tid;
};

static void *thread_sleep(void *arg)
{
	struct sleeper *s = arg;
	s->tid = (pid_t)syscall(SYS_gettid);
	char b = 'r';
	(void)write(s->ready, &b, 1);
	(void)read(s->go, &b, 1); /* until the test writes */
	return NULL;
}

static void pidfd_open_flags_and_errors(void)
{
	int pfd = CHECK_OK(pidfd_open(getpid(), PIDFD_NONBLOCK));
	CHECK(fcntl(pfd, F_GETFL) & O_NONBLOCK);
	CHECK_ERR(pidfd_open(getpid(), 1), EINVAL);
	CHECK_ERR(pidfd_open(getpid(), O_CLOEXEC), EINVAL);
	CHECK_ERR(pidfd_open(0, 0), EINVAL);
	CHECK_ERR(pidfd_open(-1, 0), EINVAL);
	/* a thread that does not lead its group has no pidfd */
	int p[2], r[2];
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(r));
	struct sleeper sl = { .go = p[0], .ready = r[1] };
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, thread_sleep, &sl), 0);
	char b;
	CHECK_EQ(read(r[0], &b, 1), 1);
	CHECK(sl.tid != getpid());
	CHECK_ERR(pidfd_open(sl.tid, 0), EINVAL);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(pthread_join(t, NULL), 0);
	/* the fd is not a file a pidfd call accepts */
	CHECK_ERR(pidfd_send_signal(p[0], 0, NULL, 0), EBADF);
	CHECK_ERR(pidfd_send_signal(999, 0, NULL, 0), EBADF);
	CHECK_ERR(pidfd_getfd(p[0], 0, 0), EBADF);
	CHECK_ERR(pidfd_send_signal(pfd, 0, NULL, 1), EINVAL);
	CHECK_ERR(pidfd_getfd(pfd, 0, 1), EINVAL);
	CHECK_ERR(pidfd_send_signal(pfd, 65, NULL, 0), EINVAL);
	CHECK_OK(pidfd_send_signal(pfd, 0, NULL, 0));
}

static void pidfd_send_signal_kills_and_checks_permission(void)
{
	int go;
	pid_t c = spawn_waiting(&go, 0);
	int pfd = CHECK_OK(pidfd_open(c, 0));
	CHECK_OK(pidfd_send_signal(pfd, 0, NULL, 0));
	/* an unprivileged process may not signal a root one */
	pid_t u = CHECK_OK(fork());
	if (u == 0) {
		kt_drop_privileges();
		if (pidfd_send_signal(pfd, SIGTERM, NULL, 0) != -1 || errno != EPERM)
			_exit(2);
		_exit(0);
	}
	int st = kt_wait(u);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_OK(pidfd_send_signal(pfd, SIGTERM, NULL, 0));
	st = kt_wait(c);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	close(go);
}

static void pidfd_getfd_duplicates_another_process_fd(void)
{
	kt_tmpdir();
	int ready[2], go[2];
	CHECK_OK(pipe(ready));
	CHECK_OK(pipe(go));
	pid_t c = CHECK_OK(fork());
	if (c == 0) {
		int fd = open("f", O_RDWR | O_CREAT, 0600);
		if (fd < 0 || dup2(fd, 100) != 100 || write(100, "hello", 5) != 5)
			_exit(2);
		char b;
		(void)write(ready[1], "r", 1);
		(void)read(go[0], &b, 1);
		_exit(0);
	}
	char b;
	CHECK_EQ(read(ready[0], &b, 1), 1);
	int pfd = CHECK_OK(pidfd_open(c, 0));
	int fd = CHECK_OK(pidfd_getfd(pfd, 100, 0));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	/* the same open file: the offset is shared */
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
	CHECK_ERR(pidfd_getfd(pfd, 555, 0), EBADF);
	CHECK_ERR(pidfd_getfd(pfd, -1, 0), EBADF);
	/* an unprivileged process may not take a root process's files */
	pid_t u = CHECK_OK(fork());
	if (u == 0) {
		kt_drop_privileges();
		if (pidfd_getfd(pfd, 100, 0) != -1 || errno != EPERM)
			_exit(2);
		_exit(0);
	}
	int st = kt_wait(u);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(poll_one(pfd, 10000), POLLIN);
	/* an exited process has no files left: ESRCH (Linux: EBADF only for a live one) */
	CHECK_ERR(pidfd_getfd(pfd, 100, 0), ESRCH);
	st = kt_wait(c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* the duplicate outlives the process */
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	char buf[5];
	CHECK_EQ(read(fd, buf, 5), 5);
	CHECK_MEM(buf, "hello", 5);
}

static void anon_files_stat_as_linux(void)
{
	int fds[3];
	fds[0] = CHECK_OK(epoll_create1(0));
	fds[1] = CHECK_OK(eventfd(0, 0));
	fds[2] = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
	for (int i = 0; i < 3; i++) {
		struct stat st;
		CHECK_OK(fstat(fds[i], &st));
		CHECK_EQ(st.st_mode, 0600);
		CHECK_EQ(st.st_nlink, 1);
		CHECK_EQ(fcntl(fds[i], F_GETFL) & O_ACCMODE, O_RDWR);
	}
	int pfd = CHECK_OK(pidfd_open(getpid(), 0));
	CHECK_EQ(fcntl(pfd, F_GETFL) & O_ACCMODE, O_RDWR);
	struct stat st;
	CHECK_OK(fstat(pfd, &st));
	CHECK_EQ(st.st_mode & S_IFMT, 0);
}

static const struct kt_case cases[] = {
	{ "pidfd_readable_when_process_exits", pidfd_readable_when_process_exits },
	{ "pidfd_open_flags_and_errors", pidfd_open_flags_and_errors },
	{ "pidfd_send_signal_kills_and_checks_permission",
	  pidfd_send_signal_kills_and_checks_permission },
	{ "pidfd_getfd_duplicates_another_process_fd", pidfd_getfd_duplicates_another_process_fd },
	{ "anon_files_stat_as_linux", anon_files_stat_as_linux },
	KT_CASES_END
};

int main(void)
{
	return kt_main("events", cases);
}
