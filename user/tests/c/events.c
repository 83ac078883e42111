/*
 * events.c — group `events`: the event files beyond poll's (docs/poll.md): pidfds
 * (pidfd_open, pidfd_send_signal, readiness at exit), inotify, EPOLLEXCLUSIVE, timerfd's
 * TFD_TIMER_CANCEL_ON_SET, and what all anonymous files share (fstat). Linux 6.1 semantics; every case runs
 * on Linux and Trellis.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

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
#ifndef P_PIDFD
#define P_PIDFD 3
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

static int pidfd_getfd(int pidfd, int targetfd, unsigned flags)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, targetfd, flags);
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
	CHECK_PT(pthread_create(&t, NULL, thread_sleep, &sl));
	char b;
	CHECK_EQ(read(r[0], &b, 1), 1);
	CHECK(sl.tid != getpid());
	CHECK_ERR(pidfd_open(sl.tid, 0), EINVAL);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(pthread_join(t, NULL), 0);
	/* the fd is not a file a pidfd call accepts */
	CHECK_ERR(pidfd_send_signal(p[0], 0, NULL, 0), EBADF);
	CHECK_ERR(pidfd_send_signal(999, 0, NULL, 0), EBADF);
	CHECK_ERR(pidfd_send_signal(pfd, 0, NULL, 1), EINVAL);
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

/* pidfd_getfd: a copy of another process's descriptor (the same open file: what one end of
 * the child's pipe holds comes out of the copy), close-on-exec; EINVAL for flags, EBADF for
 * a bad pidfd or target descriptor, ESRCH once the target has exited (a zombie, or reaped). */
static void pidfd_getfd_copies_another_process_s_file(void)
{
	int data[2], go[2];
	CHECK_OK(pipe(data));
	CHECK_OK(pipe(go));
	pid_t c = CHECK_OK(fork());
	if (c == 0) {
		char b;
		close(go[1]);
		(void)write(data[1], "hello", 5);
		close(data[1]); /* the parent's copy of data[0] is closed below: only ours stays */
		(void)read(go[0], &b, 1);
		_exit(0);
	}
	close(go[0]);
	close(data[0]);
	close(data[1]);
	int pfd = CHECK_OK(pidfd_open(c, 0));
	CHECK_ERR(pidfd_getfd(pfd, data[0], 1), EINVAL);
	CHECK_ERR(pidfd_getfd(999, data[0], 0), EBADF);
	CHECK_ERR(pidfd_getfd(go[1], data[0], 0), EBADF); /* not a pidfd */
	CHECK_ERR(pidfd_getfd(pfd, 999, 0), EBADF);
	CHECK_ERR(pidfd_getfd(pfd, -1, 0), EBADF);
	int fd = CHECK_OK(pidfd_getfd(pfd, data[0], 0));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	char buf[8] = { 0 };
	CHECK_EQ(read(fd, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	/* the child's write end is closed: end of file once its copy is ours alone */
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	/* its own pidfd: a descriptor of the caller itself */
	int self = CHECK_OK(pidfd_open(getpid(), 0));
	int again = CHECK_OK(pidfd_getfd(self, fd, 0));
	CHECK(again != fd);
	close(again);
	close(go[1]);
	siginfo_t si;
	CHECK_OK(waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT));
	CHECK_ERR(pidfd_getfd(pfd, data[0], 0), ESRCH); /* exited: a zombie already */
	CHECK_EQ(WEXITSTATUS(kt_wait(c)), 0);
	CHECK_ERR(pidfd_getfd(pfd, data[0], 0), ESRCH);
	close(fd);
	close(self);
	close(pfd);
}

/* pidfd_getfd's permission is ptrace's attach check with the caller's real ids: nobody may
 * not take a root process's descriptor, nor one of its own child until the child (which
 * inherited its parent's undumpable state from the id change) is dumpable again. */
static void pidfd_getfd_needs_ptrace_access(void)
{
	int go[2];
	int keep = CHECK_OK(open("/dev/null", O_RDONLY)); /* the root child's too */
	pid_t root_child = spawn_waiting(&go[1], 0);
	int rpfd = CHECK_OK(pidfd_open(root_child, 0));
	pid_t u = CHECK_OK(fork());
	if (u == 0) {
		kt_drop_privileges();
		CHECK_ERR(pidfd_getfd(rpfd, keep, 0), EPERM);
		int w_go[2], ready[2];
		CHECK_OK(pipe(w_go));
		CHECK_OK(pipe(ready));
		pid_t w = CHECK_OK(fork());
		if (w == 0) {
			char b;
			close(w_go[1]);
			(void)read(w_go[0], &b, 1);
			if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0)
				_exit(3);
			(void)write(ready[1], "r", 1);
			(void)read(w_go[0], &b, 1); /* until u closes w_go[1] */
			_exit(0);
		}
		int wpfd = CHECK_OK(pidfd_open(w, 0));
		CHECK_ERR(pidfd_getfd(wpfd, ready[1], 0), EPERM); /* undumpable */
		CHECK_EQ(write(w_go[1], "g", 1), 1);
		char b;
		CHECK_EQ(read(ready[0], &b, 1), 1);
		int fd = CHECK_OK(pidfd_getfd(wpfd, ready[1], 0));
		CHECK_EQ(write(fd, "x", 1), 1); /* the child's pipe end, now ours too */
		CHECK_EQ(read(ready[0], &b, 1), 1);
		CHECK_EQ(b, 'x');
		close(w_go[1]);
		CHECK_EQ(WEXITSTATUS(kt_wait(w)), 0);
		_exit(0);
	}
	int st = kt_wait(u);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* root may */
	int fd = CHECK_OK(pidfd_getfd(rpfd, keep, 0));
	close(fd);
	close(keep);
	close(go[1]);
	CHECK_EQ(WEXITSTATUS(kt_wait(root_child)), 0);
}

static volatile sig_atomic_t info_code, info_value, info_hits;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	info_code = si->si_code;
	info_value = si->si_value.sival_int;
	info_hits++;
}

/* pidfd_send_signal with a siginfo: as rt_sigqueueinfo, the caller's fields arrive; si_signo
 * must be the signal (EINVAL); a code claiming kill or the kernel (>= 0) or tkill goes only to
 * the caller's own process (EPERM); a bad pointer is EFAULT. */
static void pidfd_send_signal_with_siginfo(void)
{
	int go;
	pid_t c = spawn_waiting(&go, 0); /* before the handler: SIGUSR1 kills it */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	int self = CHECK_OK(pidfd_open(getpid(), 0));
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGUSR1;
	info.si_code = SI_QUEUE;
	info.si_pid = getpid();
	info.si_uid = getuid();
	info.si_value.sival_int = 42;
	CHECK_OK(pidfd_send_signal(self, SIGUSR1, &info, 0));
	CHECK_EQ(info_hits, 1);
	CHECK_EQ(info_code, SI_QUEUE);
	CHECK_EQ(info_value, 42);
	info.si_code = SI_USER; /* to itself: any code */
	info.si_value.sival_int = 7;
	CHECK_OK(pidfd_send_signal(self, SIGUSR1, &info, 0));
	CHECK_EQ(info_hits, 2);
	CHECK_EQ(info_code, SI_USER);
	CHECK_ERR(pidfd_send_signal(self, SIGUSR2, &info, 0), EINVAL);
	CHECK_ERR(pidfd_send_signal(self, SIGUSR1, (siginfo_t *)8, 0), EFAULT);
	int pfd = CHECK_OK(pidfd_open(c, 0));
	CHECK_ERR(pidfd_send_signal(pfd, SIGUSR1, &info, 0), EPERM);
	info.si_code = SI_TKILL;
	CHECK_ERR(pidfd_send_signal(pfd, SIGUSR1, &info, 0), EPERM);
	info.si_code = SI_QUEUE;
	CHECK_OK(pidfd_send_signal(pfd, SIGUSR1, &info, 0));
	int st = kt_wait(c);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);
	close(go);
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

/* One event as read: the fixed part and the name (NUL-padded to ev.len bytes). */
struct got {
	int wd;
	uint32_t mask, cookie, len;
	char name[64];
};

/* read_events - every event queued on the O_NONBLOCK instance `in` (at most max). */
static int read_events(int in, struct got *out, int max)
{
	char buf[4096] __attribute__((aligned(8)));
	int n = 0;
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r < 0) {
			CHECK_EQ(errno, EAGAIN);
			return n;
		}
		for (ssize_t off = 0; off < r;) {
			struct inotify_event ev;
			memcpy(&ev, buf + off, sizeof(ev));
			CHECK(n < max);
			out[n] = (struct got){ .wd = ev.wd, .mask = ev.mask, .cookie = ev.cookie,
					       .len = ev.len };
			if (ev.len) {
				CHECK(ev.len % sizeof(struct inotify_event) == 0);
				CHECK(ev.len < sizeof(out[n].name));
				memcpy(out[n].name, buf + off + sizeof(ev), ev.len);
				/* NUL-padded */
				size_t l = strlen(out[n].name);
				for (size_t i = l; i < ev.len; i++)
					CHECK_EQ(out[n].name[i], 0);
				CHECK(ev.len >= l + 1 && ev.len < l + 1 + sizeof(struct inotify_event));
			}
			off += (ssize_t)(sizeof(ev) + ev.len);
			n++;
		}
	}
}

#define CHECK_EVENT(g, wd_, mask_, name_)                                                    \
	do {                                                                                 \
		CHECK_EQ((g).wd, (wd_));                                                     \
		CHECK_EQ((g).mask, (mask_));                                                 \
		CHECK_STR((g).name, (name_));                                                \
	} while (0)

static void inotify_reports_create_modify_close_delete(void)
{
	kt_tmpdir();
	int in = CHECK_OK(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	CHECK_EQ(fcntl(in, F_GETFD), FD_CLOEXEC);
	int wd = CHECK_OK(inotify_add_watch(in, ".", IN_CREATE | IN_DELETE | IN_MODIFY |
							     IN_CLOSE_WRITE));
	CHECK(wd >= 1);
	char b[64];
	CHECK_ERR(read(in, b, sizeof(b)), EAGAIN);
	int fd = CHECK_OK(open("a", O_CREAT | O_WRONLY, 0600));
	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK_EQ(write(fd, "y", 1), 1); /* the same event again: merged */
	CHECK_OK(close(fd));
	fd = CHECK_OK(open("a", O_RDONLY)); /* no event asked for a read-only open and close */
	CHECK_OK(close(fd));
	CHECK_OK(unlink("a"));
	CHECK_OK(mkdir("d", 0700));
	CHECK_OK(rmdir("d"));
	struct got g[16];
	int n = read_events(in, g, 16);
	CHECK_EQ(n, 6);
	CHECK_EVENT(g[0], wd, IN_CREATE, "a");
	CHECK_EQ(g[0].len, 16);
	CHECK_EQ(g[0].cookie, 0);
	CHECK_EVENT(g[1], wd, IN_MODIFY, "a");
	CHECK_EVENT(g[2], wd, IN_CLOSE_WRITE, "a");
	CHECK_EVENT(g[3], wd, IN_DELETE, "a");
	CHECK_EVENT(g[4], wd, IN_CREATE | IN_ISDIR, "d");
	CHECK_EVENT(g[5], wd, IN_DELETE | IN_ISDIR, "d");
}

static void inotify_move_cookies_and_self_events(void)
{
	kt_tmpdir();
	int in = CHECK_OK(inotify_init1(IN_NONBLOCK));
	int fd = CHECK_OK(open("f", O_CREAT | O_WRONLY, 0600));
	CHECK_OK(close(fd));
	int wd = CHECK_OK(inotify_add_watch(in, ".", IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE));
	int wf = CHECK_OK(inotify_add_watch(in, "f", IN_MOVE_SELF | IN_DELETE_SELF | IN_MODIFY));
	CHECK(wf != wd);
	CHECK_OK(rename("f", "g"));
	/* the file's own watch follows it: a write through its new name */
	fd = CHECK_OK(open("g", O_WRONLY));
	CHECK_EQ(write(fd, "z", 1), 1);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("g"));
	struct got g[16];
	int n = read_events(in, g, 16);
	CHECK_EQ(n, 7);
	CHECK_EVENT(g[0], wd, IN_MOVED_FROM, "f");
	CHECK_EVENT(g[1], wd, IN_MOVED_TO, "g");
	CHECK(g[0].cookie != 0);
	CHECK_EQ(g[1].cookie, g[0].cookie);
	CHECK_EVENT(g[2], wf, IN_MOVE_SELF, "");
	CHECK_EQ(g[2].len, 0);
	CHECK_EVENT(g[3], wf, IN_MODIFY, "");
	/* the last link goes: the inode reports its end, then the directory the name */
	CHECK_EVENT(g[4], wf, IN_DELETE_SELF, "");
	CHECK_EVENT(g[5], wf, IN_IGNORED, "");
	CHECK_EVENT(g[6], wd, IN_DELETE, "g");
	/* its watch is gone */
	CHECK_ERR(inotify_rm_watch(in, wf), EINVAL);
	/* a second rename gets another cookie */
	fd = CHECK_OK(open("h", O_CREAT | O_WRONLY, 0600));
	CHECK_OK(close(fd));
	CHECK_OK(rename("h", "i"));
	struct got h[4];
	CHECK_EQ(read_events(in, h, 4), 2);
	CHECK(h[0].cookie != g[0].cookie);
	CHECK_EQ(h[1].cookie, h[0].cookie);
}

static void inotify_oneshot_mask_add_and_rm_watch(void)
{
	kt_tmpdir();
	int in = CHECK_OK(inotify_init1(IN_NONBLOCK));
	int w1 = CHECK_OK(inotify_add_watch(in, ".", IN_CREATE | IN_ONESHOT));
	CHECK_OK(close(CHECK_OK(open("a", O_CREAT | O_WRONLY, 0600))));
	CHECK_OK(close(CHECK_OK(open("b", O_CREAT | O_WRONLY, 0600))));
	struct got g[8];
	CHECK_EQ(read_events(in, g, 8), 2);
	CHECK_EVENT(g[0], w1, IN_CREATE, "a");
	CHECK_EVENT(g[1], w1, IN_IGNORED, "");
	CHECK_ERR(inotify_rm_watch(in, w1), EINVAL);
	/* a new watch gets a new descriptor; asking again changes the same watch */
	int w2 = CHECK_OK(inotify_add_watch(in, ".", IN_CREATE));
	CHECK(w2 != w1);
	CHECK_EQ(inotify_add_watch(in, ".", IN_DELETE | IN_MASK_ADD), w2);
	CHECK_ERR(inotify_add_watch(in, ".", IN_CREATE | IN_MASK_CREATE), EEXIST);
	CHECK_OK(unlink("b"));
	CHECK_OK(close(CHECK_OK(open("c", O_CREAT | O_WRONLY, 0600))));
	/* without IN_MASK_ADD the mask is replaced */
	CHECK_EQ(inotify_add_watch(in, ".", IN_DELETE), w2);
	CHECK_OK(close(CHECK_OK(open("d", O_CREAT | O_WRONLY, 0600))));
	CHECK_OK(unlink("c"));
	CHECK_EQ(read_events(in, g, 8), 3);
	CHECK_EVENT(g[0], w2, IN_DELETE, "b");
	CHECK_EVENT(g[1], w2, IN_CREATE, "c");
	CHECK_EVENT(g[2], w2, IN_DELETE, "c");
	CHECK_OK(inotify_rm_watch(in, w2));
	CHECK_ERR(inotify_rm_watch(in, w2), EINVAL);
	CHECK_OK(unlink("d"));
	CHECK_EQ(read_events(in, g, 8), 1);
	CHECK_EVENT(g[0], w2, IN_IGNORED, "");
}

static void inotify_read_poll_and_errors(void)
{
	kt_tmpdir();
	int in = CHECK_OK(inotify_init1(0));
	int wd = CHECK_OK(inotify_add_watch(in, ".", IN_CREATE));
	CHECK_EQ(poll_one(in, 0), 0);
	int ep = CHECK_OK(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 9 }, out;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, in, &ev));
	/* a blocked read is woken by another process's change */
	pid_t c = CHECK_OK(fork());
	if (c == 0) {
		int fd = open("a-longer-name-of-20c", O_CREAT | O_WRONLY, 0600);
		_exit(fd < 0 ? 1 : 0);
	}
	char buf[256] __attribute__((aligned(8)));
	ssize_t r = read(in, buf, sizeof(buf));
	CHECK_EQ(r, 16 + 32); /* 20 bytes and a NUL, padded to 32 */
	struct inotify_event e;
	memcpy(&e, buf, sizeof(e));
	CHECK_EQ(e.wd, wd);
	CHECK_EQ(e.mask, IN_CREATE);
	CHECK_EQ(e.len, 32);
	CHECK_STR(buf + 16, "a-longer-name-of-20c");
	int st = kt_wait(c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* readiness, FIONREAD, a buffer too small for the first event */
	CHECK_OK(close(CHECK_OK(open("b", O_CREAT | O_WRONLY, 0600))));
	CHECK_EQ(poll_one(in, 0), POLLIN);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 1);
	CHECK_EQ(out.data.u32, 9);
	int avail = -1;
	CHECK_OK(ioctl(in, FIONREAD, &avail));
	CHECK_EQ(avail, 32);
	CHECK_ERR(read(in, buf, 20), EINVAL);
	CHECK_EQ(read(in, buf, sizeof(buf)), 32);
	CHECK_EQ(poll_one(in, 0), 0);
	/* errors, in Linux's order */
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_ERR(inotify_init1(0x1), EINVAL);
	CHECK_ERR(inotify_add_watch(in, ".", 0), EINVAL);
	CHECK_ERR(inotify_add_watch(in, ".", IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE), EINVAL);
	CHECK_ERR(inotify_add_watch(999, ".", IN_CREATE), EBADF);
	CHECK_ERR(inotify_add_watch(p[0], ".", IN_CREATE), EINVAL);
	CHECK_ERR(inotify_add_watch(in, "missing", IN_CREATE), ENOENT);
	CHECK_ERR(inotify_add_watch(in, "b", IN_CREATE | IN_ONLYDIR), ENOTDIR);
	CHECK_ERR(inotify_add_watch(in, KT_BAD_PTR, IN_CREATE), EFAULT);
	CHECK_ERR(inotify_rm_watch(in, 12345), EINVAL);
	CHECK_ERR(inotify_rm_watch(p[0], wd), EINVAL);
	CHECK_ERR(inotify_rm_watch(999, wd), EBADF);
	/* no read permission */
	CHECK_OK(chmod("b", 0));
	CHECK_OK(chmod(".", 0755));
	pid_t u = CHECK_OK(fork());
	if (u == 0) {
		kt_drop_privileges();
		if (inotify_add_watch(in, "b", IN_MODIFY) != -1 || errno != EACCES)
			_exit(2);
		_exit(0);
	}
	st = kt_wait(u);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Regression: an absolute CLOCK_REALTIME expiry (a date: more than three years of seconds)
 * was clamped like a relative time and fired at once, for timerfd and POSIX timers. */
static void timer_abs_realtime_date_stays_armed(void)
{
	struct timespec now;
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
	struct itimerspec later = { { 0, 0 }, { now.tv_sec + 3600, 0 } }, cur;
	int t = CHECK_OK(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK));
	CHECK_OK(timerfd_settime(t, TFD_TIMER_ABSTIME, &later, NULL));
	uint64_t n;
	CHECK_ERR(read(t, &n, 8), EAGAIN);
	CHECK_OK(timerfd_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec > 3000 && cur.it_value.tv_sec <= 3600);
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	timer_t id;
	CHECK_OK(syscall(SYS_timer_create, CLOCK_REALTIME, &sev, &id));
	CHECK_OK(syscall(SYS_timer_settime, id, TIMER_ABSTIME, &later, NULL));
	CHECK_OK(syscall(SYS_timer_gettime, id, &cur));
	CHECK(cur.it_value.tv_sec > 3000 && cur.it_value.tv_sec <= 3600);
}

static void timerfd_cancel_on_set_reports_ecanceled(void)
{
	struct timespec now, mono;
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &mono));
	struct itimerspec later = { { 0, 0 }, { now.tv_sec + 3600, 0 } };
	struct itimerspec mlater = { { 0, 0 }, { mono.tv_sec + 3600, 0 } };
	struct itimerspec rel = { { 0, 0 }, { 3600, 0 } };
	int t = CHECK_OK(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK));
	CHECK_OK(timerfd_settime(t, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &later, NULL));
	/* the flag does nothing on another clock or a relative time (no error either) */
	int m = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
	CHECK_OK(timerfd_settime(m, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &mlater, NULL));
	int r = CHECK_OK(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK));
	CHECK_OK(timerfd_settime(r, TFD_TIMER_CANCEL_ON_SET, &rel, NULL));
	uint64_t n;
	CHECK_ERR(read(t, &n, 8), EAGAIN);
	CHECK_EQ(poll_one(t, 0), 0);
	/* setting the wall clock (to what it says) cancels the absolute realtime timer */
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
	CHECK_OK(clock_settime(CLOCK_REALTIME, &now));
	CHECK_EQ(poll_one(t, 0), POLLIN);
	CHECK_ERR(read(t, &n, 8), ECANCELED);
	CHECK_ERR(read(t, &n, 8), EAGAIN);
	CHECK_ERR(read(m, &n, 8), EAGAIN);
	CHECK_ERR(read(r, &n, 8), EAGAIN);
	/* it stays armed */
	struct itimerspec cur;
	CHECK_OK(timerfd_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec > 3000);
	/* a blocking read ends with ECANCELED too */
	int b = CHECK_OK(timerfd_create(CLOCK_REALTIME, 0));
	CHECK_OK(timerfd_settime(b, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &later, NULL));
	pid_t c = CHECK_OK(fork());
	if (c == 0) {
		uint64_t v;
		_exit(read(b, &v, 8) == -1 && errno == ECANCELED ? 0 : 1);
	}
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
	CHECK_OK(clock_settime(CLOCK_REALTIME, &now));
	int st = kt_wait(c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* wait_sleeping - until process pid sleeps (state S in /proc/PID/stat): blocked in the call
 * it was about to make. */
static void wait_sleeping(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 20000; i++) {
		char buf[512];
		int fd = CHECK_OK(open(path, O_RDONLY));
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		CHECK(n > 0);
		buf[n] = 0;
		char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return;
		usleep(1000);
	}
	kt_fail(__FILE__, __LINE__, "process %d never slept", (int)pid);
}

static void epoll_exclusive_wakes_one_instance(void)
{
	int efd = CHECK_OK(eventfd(0, EFD_NONBLOCK));
	int a = CHECK_OK(epoll_create1(0)), b = CHECK_OK(epoll_create1(0));
	int c = CHECK_OK(epoll_create1(0));
	struct epoll_event ex = { .events = EPOLLIN | EPOLLEXCLUSIVE }, lv = { .events = EPOLLIN };
	CHECK_OK(epoll_ctl(a, EPOLL_CTL_ADD, efd, &ex));
	CHECK_OK(epoll_ctl(b, EPOLL_CTL_ADD, efd, &ex));
	CHECK_OK(epoll_ctl(c, EPOLL_CTL_ADD, efd, &lv));
	CHECK_ERR(epoll_ctl(a, EPOLL_CTL_MOD, efd, &lv), EINVAL);
	int ready[2];
	CHECK_OK(pipe(ready));
	pid_t k = CHECK_OK(fork());
	if (k == 0) {
		struct epoll_event out;
		(void)write(ready[1], "r", 1);
		_exit(epoll_wait(a, &out, 1, -1) == 1 ? 0 : 1);
	}
	char r;
	CHECK_EQ(read(ready[0], &r, 1), 1);
	wait_sleeping(k);
	uint64_t one = 1;
	CHECK_EQ(write(efd, &one, 8), 8);
	int st = kt_wait(k);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	struct epoll_event out;
	/* the wake-up went to a's sleeper: b, added after a, never heard of it; c is not
	 * exclusive and always does */
	CHECK_EQ(epoll_wait(b, &out, 1, 0), 0);
	CHECK_EQ(epoll_wait(c, &out, 1, 0), 1);
	/* with no sleeper anywhere a wake-up goes on to every exclusive instance */
	CHECK_EQ(write(efd, &one, 8), 8);
	CHECK_EQ(epoll_wait(b, &out, 1, 0), 1);
	CHECK_EQ(epoll_wait(a, &out, 1, 0), 1);
}

static void clone_pidfd_and_waitid_p_pidfd(void)
{
	int pfd = -1;
	long c = syscall(SYS_clone, (long)(CLONE_PIDFD | SIGCHLD), 0L, &pfd, 0L, 0L);
	CHECK(c >= 0);
	if (c == 0) {
		/* the child has no pidfd of its own: the parent's table got it after the copy */
		_exit(fcntl(pfd, F_GETFD) == -1 && errno == EBADF ? 7 : 8);
	}
	CHECK(pfd >= 0);
	CHECK_EQ(fcntl(pfd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(poll_one(pfd, 10000), POLLIN);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	CHECK_OK(syscall(SYS_waitid, P_PIDFD, pfd, &si, WEXITED, NULL));
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_pid, c);
	CHECK_EQ(si.si_status, 7);
	/* reaped: nothing left to wait for */
	CHECK_ERR(syscall(SYS_waitid, P_PIDFD, pfd, &si, WEXITED, NULL), ECHILD);
	/* a PIDFD_NONBLOCK pidfd never waits: EAGAIN when nothing happened yet, or zeros with
	 * an explicit WNOHANG */
	int go;
	pid_t k = spawn_waiting(&go, 3);
	int nb = CHECK_OK(pidfd_open(k, PIDFD_NONBLOCK));
	CHECK_ERR(syscall(SYS_waitid, P_PIDFD, nb, &si, WEXITED, NULL), EAGAIN);
	memset(&si, 0xff, sizeof(si));
	CHECK_OK(syscall(SYS_waitid, P_PIDFD, nb, &si, WEXITED | WNOHANG, NULL));
	CHECK_EQ(si.si_pid, 0);
	CHECK_EQ(write(go, "x", 1), 1);
	int blk = CHECK_OK(pidfd_open(k, 0));
	CHECK_OK(syscall(SYS_waitid, P_PIDFD, blk, &si, WEXITED, NULL));
	CHECK_EQ(si.si_pid, k);
	CHECK_EQ(si.si_status, 3);
	/* errors */
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_ERR(syscall(SYS_waitid, P_PIDFD, p[0], &si, WEXITED, NULL), EBADF);
	CHECK_ERR(syscall(SYS_waitid, P_PIDFD, -1, &si, WEXITED, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_clone, (long)(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD), 0L, &pfd,
			  0L, 0L), EINVAL);
	CHECK_ERR(syscall(SYS_clone, (long)(CLONE_PIDFD | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM),
			  0L, &pfd, 0L, 0L), EINVAL);
	/* a pidfd of a process that is not our child */
	int self = CHECK_OK(pidfd_open(getpid(), 0));
	CHECK_ERR(syscall(SYS_waitid, P_PIDFD, self, &si, WEXITED | WNOHANG, NULL), ECHILD);
}

static void signalfd_reads_blocked_signals(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGRTMIN);
	CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
	int fd = CHECK_OK(signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	struct signalfd_siginfo r[4];
	CHECK_ERR(read(fd, r, sizeof(r)), EAGAIN);
	CHECK_EQ(poll_one(fd, 0), 0);
	int ep = CHECK_OK(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 4 }, out;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK_OK(kill(getpid(), SIGUSR1));
	/* a real-time signal with a value: from a POSIX timer */
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN };
	sev.sigev_value.sival_int = 4242;
	int kid = -1;
	CHECK_OK(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &kid));
	struct itimerspec once = { { 0, 0 }, { 0, 1000000 } };
	CHECK_OK(syscall(SYS_timer_settime, kid, 0, &once, NULL));
	CHECK_EQ(poll_one(fd, 0), POLLIN);
	for (int i = 0; i < 10000; i++) { /* until the timer's signal is pending too */
		sigset_t pend;
		CHECK_OK(sigpending(&pend));
		if (sigismember(&pend, SIGRTMIN))
			break;
		usleep(1000);
	}
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 1);
	CHECK_EQ(out.data.u32, 4);
	CHECK_ERR(read(fd, r, sizeof(r[0]) - 1), EINVAL);
	/* both in one read, lowest number first */
	CHECK_EQ(read(fd, r, sizeof(r)), 2 * (long)sizeof(r[0]));
	CHECK_EQ(r[0].ssi_signo, SIGUSR1);
	CHECK_EQ(r[0].ssi_code, SI_USER);
	CHECK_EQ(r[0].ssi_pid, getpid());
	CHECK_EQ(r[0].ssi_uid, getuid());
	CHECK_EQ(r[1].ssi_signo, SIGRTMIN);
	CHECK_EQ(r[1].ssi_code, SI_TIMER);
	CHECK_EQ(r[1].ssi_int, 4242);
	CHECK_EQ(r[1].ssi_tid, kid);
	CHECK_EQ(r[1].ssi_overrun, 0);
	CHECK_EQ(poll_one(fd, 0), 0);
	/* a new mask for the same fd: SIGUSR2 only (SIGKILL is dropped, no error) */
	sigset_t m2;
	sigemptyset(&m2);
	sigaddset(&m2, SIGUSR2);
	sigaddset(&m2, SIGKILL);
	CHECK_OK(sigprocmask(SIG_BLOCK, &m2, NULL));
	CHECK_EQ(signalfd(fd, &m2, 0), fd);
	CHECK_OK(kill(getpid(), SIGUSR1)); /* pending, but no longer in the mask */
	CHECK_ERR(read(fd, r, sizeof(r)), EAGAIN);
	/* a blocking read sleeps until the signal comes (from a child) */
	int bfd = CHECK_OK(signalfd(-1, &m2, 0));
	pid_t c = CHECK_OK(fork());
	if (c == 0) {
		(void)kill(getppid(), SIGUSR2);
		_exit(0);
	}
	CHECK_EQ(read(bfd, r, sizeof(r)), (long)sizeof(r[0]));
	CHECK_EQ(r[0].ssi_signo, SIGUSR2);
	CHECK_EQ(r[0].ssi_pid, c);
	int st = kt_wait(c);
	CHECK(WIFEXITED(st));
	/* errors */
	CHECK_ERR(syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL);
	CHECK_ERR(syscall(SYS_signalfd4, -1, KT_BAD_PTR, 8, 0), EFAULT);
	CHECK_ERR(syscall(SYS_signalfd4, -1, &m, 8, 1), EINVAL);
	CHECK_ERR(syscall(SYS_signalfd4, 999, &m, 8, 0), EBADF);
	CHECK_ERR(syscall(SYS_signalfd4, ep, &m, 8, 0), EINVAL);
}

static void posix_timer_signal_carries_value_id_and_overrun(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGRTMIN + 1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 1 };
	sev.sigev_value.sival_ptr = (void *)0x1234567890abULL;
	int kid = -1;
	CHECK_OK(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &kid));
	struct itimerspec once = { { 0, 0 }, { 0, 1000000 } };
	CHECK_OK(syscall(SYS_timer_settime, kid, 0, &once, NULL));
	siginfo_t si;
	CHECK_EQ(sigwaitinfo(&m, &si), SIGRTMIN + 1);
	CHECK_EQ(si.si_code, SI_TIMER);
	CHECK(si.si_value.sival_ptr == (void *)0x1234567890abULL);
	CHECK_EQ(si.si_overrun, 0);
	CHECK_EQ(si.si_timerid, kid);
	/* a periodic timer whose signal stays pending: the expiries it misses meanwhile are
	 * its si_overrun (Linux counts them when the signal is taken, Trellis as they come) */
	struct itimerspec fast = { { 0, 2000000 }, { 0, 2000000 } };
	CHECK_OK(syscall(SYS_timer_settime, kid, 0, &fast, NULL));
	struct timespec nap = { 0, 200000000 };
	while (nanosleep(&nap, &nap) != 0)
		;
	CHECK_EQ(sigwaitinfo(&m, &si), SIGRTMIN + 1);
	CHECK_EQ(si.si_code, SI_TIMER);
	CHECK(si.si_overrun >= 1);
	CHECK(syscall(SYS_timer_getoverrun, kid) >= 0);
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };
	CHECK_OK(syscall(SYS_timer_settime, kid, 0, &off, NULL));
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&m, &si, &zero) > 0)
		; /* what came after */
	/* no sigevent: SIGALRM with the timer's id as its value */
	int k2 = -1;
	CHECK_OK(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &k2));
	sigset_t a;
	sigemptyset(&a);
	sigaddset(&a, SIGALRM);
	CHECK_OK(sigprocmask(SIG_BLOCK, &a, NULL));
	CHECK_OK(syscall(SYS_timer_settime, k2, 0, &once, NULL));
	CHECK_EQ(sigwaitinfo(&a, &si), SIGALRM);
	CHECK_EQ(si.si_value.sival_int, k2);
	CHECK_ERR(syscall(SYS_timer_getoverrun, 12345), EINVAL);
}

static const struct kt_case cases[] = {
	{ "pidfd_readable_when_process_exits", pidfd_readable_when_process_exits },
	{ "pidfd_open_flags_and_errors", pidfd_open_flags_and_errors },
	{ "pidfd_send_signal_kills_and_checks_permission",
	  pidfd_send_signal_kills_and_checks_permission },
	{ "pidfd_getfd_copies_another_process_s_file", pidfd_getfd_copies_another_process_s_file },
	{ "pidfd_getfd_needs_ptrace_access", pidfd_getfd_needs_ptrace_access },
	{ "pidfd_send_signal_with_siginfo", pidfd_send_signal_with_siginfo },
	{ "anon_files_stat_as_linux", anon_files_stat_as_linux },
	{ "inotify_reports_create_modify_close_delete", inotify_reports_create_modify_close_delete },
	{ "inotify_move_cookies_and_self_events", inotify_move_cookies_and_self_events },
	{ "inotify_oneshot_mask_add_and_rm_watch", inotify_oneshot_mask_add_and_rm_watch },
	{ "inotify_read_poll_and_errors", inotify_read_poll_and_errors },
	{ "epoll_exclusive_wakes_one_instance", epoll_exclusive_wakes_one_instance },
	{ "timer_abs_realtime_date_stays_armed", timer_abs_realtime_date_stays_armed },
	{ "timerfd_cancel_on_set_reports_ecanceled", timerfd_cancel_on_set_reports_ecanceled },
	{ "clone_pidfd_and_waitid_p_pidfd", clone_pidfd_and_waitid_p_pidfd },
	{ "signalfd_reads_blocked_signals", signalfd_reads_blocked_signals },
	{ "posix_timer_signal_carries_value_id_and_overrun",
	  posix_timer_signal_carries_value_id_and_overrun },
	KT_CASES_END
};

int main(void)
{
	return kt_main("events", cases);
}
