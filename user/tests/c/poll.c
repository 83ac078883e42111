/*
 * poll.c — group `poll`: readiness (poll, ppoll, select, epoll, eventfd, timerfd) on pipes,
 * with timeouts, POLLHUP/POLLNVAL, edge/level/one-shot epoll, EINTR, and the EBADF, EFAULT,
 * EINVAL, EEXIST, ENOENT and EPERM error paths.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void poll_pipe_readiness(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	struct pollfd f[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	CHECK_EQ(poll(f, 2, 0), 1);
	CHECK_EQ(f[0].revents, 0);
	CHECK_EQ(f[1].revents, POLLOUT);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(poll(f, 1, 0), 1);
	CHECK_EQ(f[0].revents, POLLIN);
}

static void poll_timeout_waits(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	struct pollfd f = { p[0], POLLIN, 0 };
	long long a = now_ms();
	CHECK_EQ(poll(&f, 1, 60), 0);
	CHECK(now_ms() - a >= 60);
}

static void poll_hup_nval_and_negative_fd(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_OK(close(p[1]));
	struct pollfd f[3] = { { p[0], POLLIN, 0 }, { 999, POLLIN, 0 }, { -1, POLLIN, 0x7 } };
	CHECK_EQ(poll(f, 3, 0), 2);
	CHECK(f[0].revents & POLLHUP);
	CHECK_EQ(f[1].revents, POLLNVAL);
	CHECK_EQ(f[2].revents, 0);
}

static void poll_errors(void)
{
	struct pollfd f = { 0, POLLIN, 0 };
	CHECK_ERR(syscall(SYS_poll, KT_BAD_PTR, 1, 0), EFAULT);
	CHECK_ERR(poll(&f, 1u << 30, 0), EINVAL);
}

/* Regression (poll_nfds_is_an_unsigned_int): poll and ppoll read nfds as the whole 64-bit
 * register, so a count with its upper half set was EINVAL; Linux's prototype makes it an
 * unsigned int (select's nfds an int). */
static void poll_nfds_is_an_unsigned_int(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "x", 1), 1);
	struct pollfd f = { p[0], POLLIN, 0 };
	CHECK_EQ(syscall(SYS_poll, &f, 0x100000001UL, 0), 1);
	CHECK_EQ(f.revents, POLLIN);
	f.revents = 0;
	struct timespec zero = { 0, 0 };
	CHECK_EQ(syscall(SYS_ppoll, &f, 0x100000001UL, &zero, NULL, 8), 1);
	CHECK_EQ(f.revents, POLLIN);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timeval tv = { 0, 0 };
	CHECK_EQ(syscall(SYS_select, 0x100000000L | (p[0] + 1), &rs, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(p[0], &rs));
}

static volatile sig_atomic_t hits;

static void on_signal(int sig)
{
	(void)sig;
	hits++;
}

static void poll_interrupted_eintr(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	signal(SIGALRM, on_signal);
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	struct pollfd f = { p[0], POLLIN, 0 };
	CHECK_ERR(poll(&f, 1, 5000), EINTR);
	CHECK_EQ(hits, 1);
}

static void ppoll_unblocks_mask(void)
{
	int p[2];
	sigset_t block, during;
	CHECK_OK(pipe(p));
	signal(SIGUSR1, on_signal);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(hits, 0);
	sigemptyset(&during);
	struct pollfd f = { p[0], POLLIN, 0 };
	struct timespec ts = { 2, 0 };
	CHECK_ERR(ppoll(&f, 1, &ts, &during), EINTR);
	CHECK_EQ(hits, 1);
}

static void select_readiness_and_timeout(void)
{
	int p[2];
	fd_set r, w;
	CHECK_OK(pipe(p));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = { 0, 50000 };
	long long a = now_ms();
	/* the raw call: musl's wrapper does not copy the time left back */
	CHECK_EQ(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &tv), 0);
	CHECK(now_ms() - a >= 50);
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0); /* Linux writes back the time left */
	CHECK(!FD_ISSET(p[0], &r));
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	CHECK_EQ(select(p[1] + 1, &r, &w, NULL, NULL), 2);
	CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
}

static void select_errors(void)
{
	fd_set r;
	int closed = CHECK_OK(dup(0 <= fcntl(0, F_GETFD) ? 0 : 1));
	CHECK_OK(close(closed));
	FD_ZERO(&r);
	FD_SET(closed, &r);
	struct timeval tv = { 0, 0 };
	CHECK_ERR(select(closed + 1, &r, NULL, NULL, &tv), EBADF);
	CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
	struct timeval bad = { -1, 0 };
	CHECK_ERR(select(0, NULL, NULL, NULL, &bad), EINVAL);
	CHECK_ERR(syscall(SYS_select, 1, KT_BAD_PTR, NULL, NULL, &tv), EFAULT);
}

static void select_high_fd_and_pselect_mask(void)
{
	int p[2];
	sigset_t block, during, after;
	CHECK_OK(pipe(p));
	CHECK_EQ(dup2(p[0], 999), 999);
	CHECK_EQ(write(p[1], "x", 1), 1);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(999, &r);
	struct timeval tv = { 0, 0 };
	CHECK_EQ(select(1000, &r, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(999, &r));
	char c;
	CHECK_EQ(read(999, &c, 1), 1);
	/* pselect6's mask lets a pending blocked signal in; the old mask is back after */
	signal(SIGUSR2, on_signal);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	CHECK_OK(raise(SIGUSR2));
	int before = hits;
	sigemptyset(&during);
	FD_ZERO(&r);
	FD_SET(999, &r);
	struct timespec ts = { 2, 0 };
	CHECK_ERR(pselect(1000, &r, NULL, NULL, &ts, &during), EINTR);
	CHECK_EQ(hits, before + 1);
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &after));
	CHECK(sigismember(&after, SIGUSR2));
	CHECK_OK(close(999));
}

/* 500 pipes: select watches all 1,000 descriptors at once (read ends for input, write ends
 * for output) and reports exactly the ready ones. */
static void select_watches_a_thousand_fds(void)
{
	enum { NPIPES = 500 };
	static int p[NPIPES][2];
	int maxfd = 0;
	for (int i = 0; i < NPIPES; i++) {
		CHECK_OK(pipe(p[i]));
		maxfd = p[i][0] > maxfd ? p[i][0] : maxfd;
		maxfd = p[i][1] > maxfd ? p[i][1] : maxfd;
	}
	CHECK(maxfd < FD_SETSIZE);
	int nready = 0;
	for (int i = 0; i < NPIPES; i += 7, nready++)
		CHECK_EQ(write(p[i][1], "x", 1), 1);
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	for (int i = 0; i < NPIPES; i++) {
		FD_SET(p[i][0], &r);
		FD_SET(p[i][1], &w);
	}
	struct timeval tv = { 5, 0 };
	CHECK_EQ(select(maxfd + 1, &r, &w, NULL, &tv), nready + NPIPES);
	for (int i = 0; i < NPIPES; i++) {
		CHECK_EQ(!!FD_ISSET(p[i][0], &r), i % 7 == 0);
		CHECK(FD_ISSET(p[i][1], &w));
	}
	/* input only, none ready after the reads: a zero timeout finds nothing */
	char c;
	for (int i = 0; i < NPIPES; i += 7)
		CHECK_EQ(read(p[i][0], &c, 1), 1);
	FD_ZERO(&r);
	for (int i = 0; i < NPIPES; i++)
		FD_SET(p[i][0], &r);
	tv.tv_sec = 0;
	CHECK_EQ(select(maxfd + 1, &r, NULL, NULL, &tv), 0);
	/* the last one becomes ready: a blocking select over all of them finds it */
	CHECK_EQ(write(p[NPIPES - 1][1], "y", 1), 1);
	for (int i = 0; i < NPIPES; i++)
		FD_SET(p[i][0], &r);
	CHECK_EQ(select(maxfd + 1, &r, NULL, NULL, NULL), 1);
	CHECK(FD_ISSET(p[NPIPES - 1][0], &r));
	for (int i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

/* select looks up each 64-descriptor word of the sets at once, and pipes answer poll without
 * their lock: run from a second thread (a shared descriptor table: the lookups hold
 * references) over pipes on both sides of a word boundary, with a reader whose writer closed
 * (readable: end of file) and a writer whose reader closed (writable: EPIPE), then with one
 * closed descriptor among them (EBADF, nothing written back). */
struct select_words_arg {
	int r_lo, r_hi, w_lo, w_hup, w_err, closed;
	int ready, ready_err;
	fd_set r, w;
};

static void *select_words_thread(void *v)
{
	struct select_words_arg *a = v;
	struct timeval tv = { 0, 0 };
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(a->r_lo, &r);
	FD_SET(a->r_hi, &r);
	FD_SET(a->w_hup, &r);
	FD_SET(a->w_lo, &w);
	FD_SET(a->w_err, &w);
	a->ready = select(a->closed, &r, &w, NULL, &tv);
	a->r = r;
	a->w = w;
	FD_SET(a->closed, &r);
	tv.tv_sec = 0;
	a->ready_err = select(a->closed + 1, &r, &w, NULL, &tv) < 0 ? -errno : 0;
	return NULL;
}

static void select_word_lookup_shared_table(void)
{
	int lo[2], hup[2], err[2], hi[2];
	CHECK_OK(pipe(lo));
	CHECK_OK(pipe(hup));
	CHECK_OK(pipe(err));
	CHECK_OK(pipe(hi));
	struct select_words_arg a = { 0 };
	a.r_lo = lo[0];
	a.w_lo = lo[1];
	a.w_hup = hup[0];
	a.w_err = err[1];
	a.r_hi = CHECK_OK(fcntl(hi[0], F_DUPFD, 130)); /* in the third word */
	a.closed = CHECK_OK(fcntl(hi[0], F_DUPFD, 140));
	CHECK_OK(close(a.closed));
	CHECK_OK(close(hup[1]));
	CHECK_OK(close(err[0]));
	CHECK_EQ(write(hi[1], "x", 1), 1);
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, select_words_thread, &a));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(a.ready, 4); /* r_hi, w_hup (end of file), w_lo, w_err */
	CHECK(!FD_ISSET(a.r_lo, &a.r) && FD_ISSET(a.r_hi, &a.r) && FD_ISSET(a.w_hup, &a.r));
	CHECK(FD_ISSET(a.w_lo, &a.w) && FD_ISSET(a.w_err, &a.w));
	CHECK_EQ(a.ready_err, -EBADF);
	struct pollfd f[2] = { { hup[0], POLLIN, 0 }, { err[1], POLLOUT, 0 } };
	CHECK_EQ(poll(f, 2, 0), 2);
	CHECK_EQ(f[0].revents, POLLHUP);
	CHECK_EQ(f[1].revents, POLLOUT | POLLERR);
	int fds[] = { lo[0], lo[1], hup[0], err[1], hi[0], hi[1], a.r_hi };
	for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++)
		CHECK_OK(close(fds[i]));
}

/* Regression (select_rescans_keep_their_file_references): in a process with a second thread
 * (a shared descriptor table) every scan of a blocking select or poll took a new reference on
 * each file, kept until the call returned, in a list of 4 * 1024; watching more than 64 queues
 * re-scans every 4 ms, so a wait over 100 pipes failed with EBADF after ~160 ms. */
static void *idle_thread(void *v)
{
	int fd = *(int *)v;
	char c;
	(void)!read(fd, &c, 1); /* until the test is done */
	return NULL;
}

static void select_rescans_keep_their_file_references(void)
{
	enum { NPIPES = 100 };
	static int p[NPIPES][2];
	int stop[2];
	CHECK_OK(pipe(stop));
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, idle_thread, &stop[0]));
	int maxfd = 0;
	for (int i = 0; i < NPIPES; i++) {
		CHECK_OK(pipe(p[i]));
		maxfd = p[i][0] > maxfd ? p[i][0] : maxfd;
	}
	fd_set r;
	FD_ZERO(&r);
	for (int i = 0; i < NPIPES; i++)
		FD_SET(p[i][0], &r);
	struct timeval tv = { 0, 400000 };
	CHECK_EQ(select(maxfd + 1, &r, NULL, NULL, &tv), 0);
	static struct pollfd f[NPIPES];
	for (int i = 0; i < NPIPES; i++)
		f[i] = (struct pollfd){ p[i][0], POLLIN, 0 };
	CHECK_EQ(poll(f, NPIPES, 400), 0);
	CHECK_EQ(write(stop[1], "x", 1), 1);
	CHECK_EQ(pthread_join(t, NULL), 0);
	for (int i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	close(stop[0]);
	close(stop[1]);
}

static void epoll_reports_events_with_data(void)
{
	int p[2];
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL }, out[4];
	CHECK_OK(pipe(p));
	int ep = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
	CHECK_EQ(fcntl(ep, F_GETFD), FD_CLOEXEC);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(epoll_wait(ep, out, 4, 1000), 1);
	CHECK_EQ(out[0].events, EPOLLIN);
	CHECK(out[0].data.u64 == 0x1122334455667788ULL);
	long long a = now_ms();
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(epoll_wait(ep, out, 4, 40), 0);
	CHECK(now_ms() - a >= 40);
}

static void epoll_ctl_errors(void)
{
	int p[2];
	struct epoll_event ev = { .events = EPOLLIN }, out;
	CHECK_OK(pipe(p));
	int ep = CHECK_OK(epoll_create1(0));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], &ev), ENOENT);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
	CHECK_ERR(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev), EINVAL);
	CHECK_ERR(epoll_ctl(ep, 99, p[1], &ev), EINVAL);
	CHECK_ERR(epoll_wait(ep, &out, 0, 0), EINVAL);
	CHECK_ERR(epoll_create1(0x1234), EINVAL);
	kt_tmpdir();
	int f = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
}

static void epoll_edge_level_oneshot(void)
{
	int a[2], b[2], c[2];
	struct epoll_event out[4];
	CHECK_OK(pipe(a));
	CHECK_OK(pipe(b));
	CHECK_OK(pipe(c));
	int ep = CHECK_OK(epoll_create1(0));
	struct epoll_event lt = { .events = EPOLLIN, .data.u32 = 1 };
	struct epoll_event et = { .events = EPOLLIN | EPOLLET, .data.u32 = 2 };
	struct epoll_event os = { .events = EPOLLIN | EPOLLONESHOT, .data.u32 = 3 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, a[0], &lt));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, b[0], &et));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, c[0], &os));
	CHECK_EQ(write(a[1], "x", 1), 1);
	CHECK_EQ(write(b[1], "x", 1), 1);
	CHECK_EQ(write(c[1], "x", 1), 1);
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 3);
	/* unread data: level-triggered reports again, edge-triggered and one-shot do not */
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
	CHECK_EQ(out[0].data.u32, 1);
	CHECK_EQ(write(b[1], "y", 1), 1); /* a new edge */
	CHECK_EQ(write(c[1], "y", 1), 1); /* one-shot stays disarmed */
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 2);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, c[0], &os)); /* re-arm */
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 2);
}

/* More ready level-triggered items than fit in one kernel batch (32): one epoll_wait reports
 * each once (regression: a second batch reported the first batch's items again), and the
 * next wait reports them all again. */
static void epoll_level_many_ready_reported_once(void)
{
	enum { NPIPES = 50 };
	int p[NPIPES][2];
	int ep = CHECK_OK(epoll_create1(0));
	for (int i = 0; i < NPIPES; i++) {
		CHECK_OK(pipe(p[i]));
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[i][0], &ev));
		CHECK_EQ(write(p[i][1], "x", 1), 1);
	}
	for (int round = 0; round < 2; round++) {
		struct epoll_event out[128];
		char seen[NPIPES] = { 0 };
		CHECK_EQ(epoll_wait(ep, out, 128, 0), NPIPES);
		for (int i = 0; i < NPIPES; i++) {
			CHECK(out[i].data.u32 < NPIPES);
			CHECK_EQ(seen[out[i].data.u32]++, 0);
			CHECK_EQ(out[i].events, EPOLLIN);
		}
	}
	/* a small maxevents takes them in turns: every item within ceil(50/8) waits */
	char seen[NPIPES] = { 0 };
	int got = 0;
	for (int k = 0; k < (NPIPES + 7) / 8; k++) {
		struct epoll_event out[8];
		int n = epoll_wait(ep, out, 8, 0);
		CHECK_EQ(n, 8);
		for (int i = 0; i < n; i++)
			if (!seen[out[i].data.u32]++)
				got++;
	}
	CHECK_EQ(got, NPIPES);
	for (int i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	close(ep);
}

static void epoll_reports_hup(void)
{
	int p[2];
	struct epoll_event ev = { .events = EPOLLIN }, out;
	CHECK_OK(pipe(p));
	int ep = CHECK_OK(epoll_create1(0));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	CHECK_OK(close(p[1]));
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 1);
	CHECK(out.events & EPOLLHUP); /* reported even though not requested */
}

static void epoll_nested_and_eloop(void)
{
	int p[2];
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 }, out;
	CHECK_OK(pipe(p));
	int inner = CHECK_OK(epoll_create1(0));
	int outer = CHECK_OK(epoll_create(1));
	CHECK_ERR(syscall(SYS_epoll_create, 0), EINVAL); /* musl's wrapper does not check */
	CHECK_OK(epoll_ctl(inner, EPOLL_CTL_ADD, p[0], &ev));
	ev.data.u32 = 8;
	CHECK_OK(epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev));
	CHECK_ERR(epoll_ctl(inner, EPOLL_CTL_ADD, outer, &ev), ELOOP); /* a cycle */
	struct pollfd f = { inner, POLLIN, 0 };
	CHECK_EQ(poll(&f, 1, 0), 0);
	CHECK_EQ(epoll_wait(outer, &out, 1, 0), 0);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(poll(&f, 1, 0), 1); /* an instance is readable when an item is ready */
	CHECK_EQ(epoll_wait(outer, &out, 1, 1000), 1);
	CHECK_EQ(out.data.u32, 8);
	CHECK_EQ(epoll_wait(inner, &out, 1, 0), 1);
	CHECK_EQ(out.data.u32, 7);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(epoll_wait(outer, &out, 1, 0), 0);
	/* an eventfd is watched the same way: writable, then readable with data */
	int e = CHECK_OK(eventfd(0, EFD_NONBLOCK));
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.u32 = 9;
	CHECK_OK(epoll_ctl(inner, EPOLL_CTL_ADD, e, &ev));
	CHECK_EQ(epoll_wait(inner, &out, 1, 0), 1);
	CHECK_EQ(out.events, EPOLLOUT);
	uint64_t v = 1;
	CHECK_EQ(write(e, &v, 8), 8);
	CHECK_EQ(epoll_wait(inner, &out, 1, 0), 1);
	CHECK_EQ(out.events, EPOLLIN | EPOLLOUT);
}

/* The last close of a watched file removes its item; a dup keeps it (the key is the file). */
static void epoll_closed_file_leaves_interest_list(void)
{
	int p[2];
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 1 }, out[2];
	CHECK_OK(pipe(p));
	int ep = CHECK_OK(epoll_create1(0));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	int d = CHECK_OK(dup(p[0]));
	CHECK_OK(close(p[0])); /* the file stays open through d: still watched */
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
	CHECK_EQ(out[0].data.u32, 1);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL), ENOENT); /* (file, fd) keyed */
	CHECK_OK(close(d)); /* the last close: the item goes */
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
	int q[2];
	CHECK_OK(pipe(q)); /* reuses the closed numbers */
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev)); /* no EEXIST */
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
}

/* A thread waits on an instance while another adds, modifies, removes and closes the files it
 * watches: every wait returns events of pipes that were added (data 1000 + round), never an
 * error, and the instance is empty once every pipe is closed. */
static int race_ep;
static atomic_int race_stop, race_bad, race_events;

static void *race_waiter(void *arg)
{
	(void)arg;
	struct epoll_event out[8];
	while (!atomic_load(&race_stop)) {
		int n = epoll_wait(race_ep, out, 8, 5);
		if (n < 0 && errno != EINTR)
			atomic_fetch_add(&race_bad, 1);
		for (int i = 0; i < n; i++)
			if (out[i].data.u32 < 1000 || out[i].data.u32 >= 1300)
				atomic_fetch_add(&race_bad, 1);
		if (n > 0)
			atomic_fetch_add(&race_events, n);
	}
	return NULL;
}

static void epoll_survives_concurrent_ctl_and_close(void)
{
	race_ep = CHECK_OK(epoll_create1(0));
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, race_waiter, NULL));
	for (int round = 0; round < 300; round++) {
		int p[2];
		CHECK_OK(pipe(p));
		struct epoll_event ev = { .events = EPOLLIN | (round % 3 == 1 ? EPOLLET : 0),
					  .data.u32 = 1000 + (uint32_t)round };
		CHECK_OK(epoll_ctl(race_ep, EPOLL_CTL_ADD, p[0], &ev));
		CHECK_EQ(write(p[1], "x", 1), 1);
		if (round % 4 == 0) {
			ev.events = EPOLLIN | EPOLLONESHOT;
			CHECK_OK(epoll_ctl(race_ep, EPOLL_CTL_MOD, p[0], &ev));
		}
		if (round % 5 == 0)
			CHECK_OK(epoll_ctl(race_ep, EPOLL_CTL_DEL, p[0], NULL));
		CHECK_OK(close(p[1]));
		CHECK_OK(close(p[0])); /* the last close takes the item away */
	}
	atomic_store(&race_stop, 1);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(atomic_load(&race_bad), 0);
	struct epoll_event out;
	CHECK_EQ(epoll_wait(race_ep, &out, 1, 0), 0);
}

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

static void epoll_waits_wakes_and_eintr(void)
{
	int p[2];
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 5 }, out;
	CHECK_OK(pipe(p));
	int ep = CHECK_OK(epoll_create1(0));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	pid_t w = CHECK_OK(fork());
	if (w == 0) {
		usleep(30000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	CHECK_EQ(epoll_wait(ep, &out, 1, -1), 1); /* sleeps until the child writes */
	CHECK_EQ(out.data.u32, 5);
	int st = kt_wait(w);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	/* a handled signal ends the wait with EINTR */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	int before = hits;
	CHECK_ERR(epoll_wait(ep, &out, 1, 5000), EINTR); /* even with SA_RESTART */
	CHECK_EQ(hits, before + 1);
	/* epoll_pwait's mask lets a pending blocked signal in; the old mask is back after */
	sigset_t block, during, after;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	CHECK_OK(raise(SIGUSR1));
	sigemptyset(&during);
	before = hits;
	CHECK_ERR(epoll_pwait(ep, &out, 1, 5000, &during), EINTR);
	CHECK_EQ(hits, before + 1);
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &after));
	CHECK(sigismember(&after, SIGUSR1));
	/* epoll_pwait2: a timespec; zero does not wait, a bad one is EINVAL */
	struct timespec zero = { 0, 0 }, bad = { 0, 1000000000 }, short_ts = { 0, 20000000 };
	CHECK_EQ(syscall(SYS_epoll_pwait2, ep, &out, 1, &zero, NULL, 8), 0);
	CHECK_ERR(syscall(SYS_epoll_pwait2, ep, &out, 1, &bad, NULL, 8), EINVAL);
	long long a = now_ms();
	CHECK_EQ(syscall(SYS_epoll_pwait2, ep, &out, 1, &short_ts, NULL, 8), 0);
	CHECK(now_ms() - a >= 20);
	CHECK_EQ(write(p[1], "y", 1), 1);
	CHECK_EQ(syscall(SYS_epoll_pwait2, ep, &out, 1, NULL, NULL, 8), 1);
	CHECK_ERR(epoll_wait(p[0], &out, 1, 0), EINVAL);
	CHECK_ERR(epoll_wait(ep, &out, 0, 0), EINVAL);
	CHECK_ERR(epoll_wait(999, &out, 1, 0), EBADF);
	CHECK_ERR(epoll_wait(ep, KT_BAD_PTR, 1, 0), EFAULT);
}

static void eventfd_counter_and_semaphore(void)
{
	uint64_t v;
	int e = CHECK_OK(eventfd(0, EFD_NONBLOCK));
	CHECK_ERR(read(e, &v, 8), EAGAIN);
	v = 3;
	CHECK_EQ(write(e, &v, 8), 8);
	v = 4;
	CHECK_EQ(write(e, &v, 8), 8);
	struct pollfd f = { e, POLLIN, 0 };
	CHECK_EQ(poll(&f, 1, 0), 1);
	CHECK_EQ(read(e, &v, 8), 8);
	CHECK_EQ(v, 7);
	CHECK_ERR(read(e, &v, 4), EINVAL);
	v = UINT64_MAX;
	CHECK_ERR(write(e, &v, 8), EINVAL);
	int s = CHECK_OK(eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));
	CHECK_EQ(read(s, &v, 8), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(read(s, &v, 8), 8);
	CHECK_ERR(read(s, &v, 8), EAGAIN);
}

/* Fuzz seed 22: a write whose value does not fit under the counter polls writable (POLLOUT
 * only promises room for 1), and the blocking write spun in the kernel instead of sleeping,
 * so SIGKILL never got through. It must sleep until the value fits, and die when killed. */
static void eventfd_write_overflow_blocks_killably(void)
{
	uint64_t v = 5;
	int e = CHECK_OK(eventfd(0, 0));
	CHECK_EQ(write(e, &v, 8), 8);
	struct pollfd f = { e, POLLOUT, 0 };
	CHECK_EQ(poll(&f, 1, 0), 1); /* writable: 1 would fit */
	int nb = CHECK_OK(eventfd(5, EFD_NONBLOCK));
	v = 0xfffffffffffffffeULL - 4;
	CHECK_ERR(write(nb, &v, 8), EAGAIN);
	/* a blocked writer finishes once a read makes room */
	pid_t w = CHECK_OK(fork());
	if (w == 0) {
		uint64_t big = 0xfffffffffffffffeULL - 4;
		_exit(write(e, &big, 8) == 8 ? 0 : 1);
	}
	usleep(20000);
	CHECK_EQ(read(e, &v, 8), 8);
	CHECK_EQ(v, 5);
	int st = kt_wait(w);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(read(e, &v, 8), 8);
	CHECK(v == 0xfffffffffffffffeULL - 4);
	/* a blocked writer (write, then writev) dies by SIGKILL */
	for (int vec = 0; vec < 2; vec++) {
		v = 5;
		CHECK_EQ(write(e, &v, 8), 8);
		pid_t k = CHECK_OK(fork());
		if (k == 0) {
			uint64_t big = 0xfffffffffffffffeULL - 4;
			struct iovec iov = { &big, 8 };
			(void)(vec ? writev(e, &iov, 1) : write(e, &big, 8));
			_exit(3);
		}
		usleep(20000);
		CHECK_OK(kill(k, SIGKILL));
		st = kt_wait(k);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		CHECK_EQ(read(e, &v, 8), 8);
		CHECK_EQ(v, 5);
	}
}

static void timerfd_counts_expirations(void)
{
	uint64_t n;
	int t = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
	struct itimerspec its = { { 0, 10000000 }, { 0, 10000000 } };
	CHECK_OK(timerfd_settime(t, 0, &its, NULL));
	usleep(55000);
	CHECK_EQ(read(t, &n, 8), 8);
	CHECK(n >= 4);
	struct pollfd f = { t, POLLIN, 0 };
	CHECK_EQ(poll(&f, 1, 1000), 1);
	CHECK_EQ(read(t, &n, 8), 8);
	CHECK(n >= 1);
	CHECK_ERR(read(t, &n, 4), EINVAL);
	CHECK_ERR(timerfd_create(12345, 0), EINVAL);
}

static void timerfd_settime_gettime_abs_and_epoll(void)
{
	uint64_t n;
	int t = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
	CHECK_EQ(fcntl(t, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(read(t, &n, 8), EAGAIN); /* disarmed */
	struct itimerspec its = { { 0, 0 }, { 100, 0 } }, old, cur;
	CHECK_OK(timerfd_settime(t, 0, &its, NULL));
	CHECK_OK(timerfd_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec > 90 && cur.it_value.tv_sec <= 100);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 0);
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };
	CHECK_OK(timerfd_settime(t, 0, &off, &old)); /* disarm, the old setting back */
	CHECK(old.it_value.tv_sec > 90);
	CHECK_OK(timerfd_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	/* an absolute time already past expires at once */
	struct timespec now;
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &now));
	struct itimerspec past = { { 0, 0 }, { now.tv_sec, now.tv_nsec } };
	CHECK_OK(timerfd_settime(t, TFD_TIMER_ABSTIME, &past, NULL));
	struct pollfd f = { t, POLLIN, 0 };
	CHECK_EQ(poll(&f, 1, 1000), 1);
	CHECK_EQ(read(t, &n, 8), 8);
	CHECK_EQ(n, 1);
	/* watched by epoll: a blocking wait ends at the expiry */
	int ep = CHECK_OK(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 77 }, out;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev));
	struct itimerspec soon = { { 0, 0 }, { 0, 20000000 } };
	CHECK_OK(timerfd_settime(t, 0, &soon, NULL));
	CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	CHECK_EQ(out.data.u32, 77);
	CHECK_EQ(read(t, &n, 8), 8);
	CHECK_EQ(n, 1);
	/* errors */
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	CHECK_ERR(timerfd_settime(t, 0, &bad, NULL), EINVAL);
	CHECK_ERR(timerfd_settime(t, 0x100, &its, NULL), EINVAL);
	CHECK_ERR(timerfd_settime(ep, 0, &its, NULL), EINVAL);
	CHECK_ERR(timerfd_settime(999, 0, &its, NULL), EBADF);
	CHECK_ERR(timerfd_gettime(t, KT_BAD_PTR), EFAULT);
	CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x1234), EINVAL);
	CHECK_ERR(write(t, &n, 8), EINVAL);
}

static const struct kt_case cases[] = {
	{ "poll_pipe_readiness", poll_pipe_readiness },
	{ "poll_timeout_waits", poll_timeout_waits },
	{ "poll_hup_nval_and_negative_fd", poll_hup_nval_and_negative_fd },
	{ "poll_errors", poll_errors },
	{ "poll_nfds_is_an_unsigned_int", poll_nfds_is_an_unsigned_int },
	{ "poll_interrupted_eintr", poll_interrupted_eintr },
	{ "ppoll_unblocks_mask", ppoll_unblocks_mask },
	{ "select_readiness_and_timeout", select_readiness_and_timeout },
	{ "select_errors", select_errors },
	{ "select_high_fd_and_pselect_mask", select_high_fd_and_pselect_mask },
	{ "select_watches_a_thousand_fds", select_watches_a_thousand_fds },
	{ "select_word_lookup_shared_table", select_word_lookup_shared_table },
	{ "select_rescans_keep_their_file_references", select_rescans_keep_their_file_references },
	{ "epoll_reports_events_with_data", epoll_reports_events_with_data },
	{ "epoll_ctl_errors", epoll_ctl_errors },
	{ "epoll_edge_level_oneshot", epoll_edge_level_oneshot },
	{ "epoll_level_many_ready_reported_once", epoll_level_many_ready_reported_once },
	{ "epoll_reports_hup", epoll_reports_hup },
	{ "epoll_nested_and_eloop", epoll_nested_and_eloop },
	{ "epoll_closed_file_leaves_interest_list", epoll_closed_file_leaves_interest_list },
	{ "epoll_waits_wakes_and_eintr", epoll_waits_wakes_and_eintr },
	{ "epoll_survives_concurrent_ctl_and_close", epoll_survives_concurrent_ctl_and_close },
	{ "eventfd_counter_and_semaphore", eventfd_counter_and_semaphore },
	{ "eventfd_write_overflow_blocks_killably", eventfd_write_overflow_blocks_killably },
	{ "timerfd_counts_expirations", timerfd_counts_expirations },
	{ "timerfd_settime_gettime_abs_and_epoll", timerfd_settime_gettime_abs_and_epoll },
	KT_CASES_END
};

int main(void)
{
	return kt_main("poll", cases);
}
