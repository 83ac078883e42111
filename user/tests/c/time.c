/*
 * time.c — group `time`: clocks (clock_gettime through the vDSO and the raw syscall,
 * clock_getres, gettimeofday, time), sleeps and their EINTR/remaining-time rules, interval
 * timers, alarm, POSIX timers and CPU-time clocks, with their EINVAL/EFAULT/EPERM paths.
 * The vdso_* cases find the vDSO's functions themselves (AT_SYSINFO_EHDR, its DT_HASH symbol
 * table and LINUX_2.6 versions, as glibc and musl do) and call them directly, so they test the
 * vDSO whether or not the libc uses it, against the raw system calls.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <elf.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t hits;

static void on_signal(int sig)
{
	(void)sig;
	hits++;
}

/* From the Linux UAPI <linux/futex.h> (musl-gcc has no kernel headers). */
#define KT_FUTEX_WAIT_BITSET 9
#define KT_FUTEX_CLOCK_REALTIME 256
#define KT_FUTEX_BITSET_MATCH_ANY 0xffffffffu

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long now_ns(clockid_t c)
{
	struct timespec t;
	CHECK_OK(clock_gettime(c, &t));
	return ns_of(&t);
}

static void monotonic_advances(void)
{
	long long a = now_ns(CLOCK_MONOTONIC);
	usleep(10000);
	long long b = now_ns(CLOCK_MONOTONIC);
	CHECK(b - a >= 10000000);
	CHECK(b - a < 5000000000LL);
	struct timespec t;
	CHECK_OK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t));
	CHECK(ns_of(&t) >= b);
	CHECK(t.tv_nsec >= 0 && t.tv_nsec < 1000000000);
}

static void realtime_agrees_with_gettimeofday_and_time(void)
{
	struct timeval tv;
	long long rt = now_ns(CLOCK_REALTIME);
	CHECK_OK(gettimeofday(&tv, NULL));
	time_t t = time(NULL);
	CHECK(rt / 1000000000LL > 1500000000LL); /* the RTC gave a date after 2017 */
	CHECK(tv.tv_sec - rt / 1000000000LL <= 1);
	/* time() may read a coarse clock (glibc's vDSO: CLOCK_REALTIME_COARSE, up to a tick
	 * behind), so it can still show the previous second right after gettimeofday crossed
	 * one: within a second either way (the case failed once on Linux in CI). */
	CHECK(t - tv.tv_sec <= 1 && tv.tv_sec - t <= 1);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
}

/* The runner (mk/abi.mk) puts the host's clock at QEMU's start on the kernel command line:
 * kt_hosttime=SECONDS. The guest's wall clock at boot (REALTIME - BOOTTIME, the same whenever
 * it is read) comes from the RTC, which QEMU starts from the host's clock: it may not be
 * behind that launch time by more than the RTC's one-second resolution; nor ahead by more
 * than QEMU's start takes (60 s is generous: the bound catches a clock in another time zone
 * or counting from 1970, not a slow start). */
static void wall_clock_at_boot_matches_host(void)
{
	char buf[4096];
	int fd = CHECK_OK(open("/proc/cmdline", O_RDONLY));
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n > 0);
	buf[n] = 0;
	const char *at = strstr(buf, "kt_hosttime=");
	if (!at)
		kt_fail(__FILE__, __LINE__, "no kt_hosttime= on the kernel command line: boot through make");
	long long host = strtoll(at + strlen("kt_hosttime="), NULL, 10);
	CHECK(host > 1500000000LL);
	long long boot_wall = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_BOOTTIME);
	long long boot_s = boot_wall / 1000000000LL;
	if (boot_s < host - 1 || boot_s > host + 60)
		kt_fail(__FILE__, __LINE__, "wall clock at boot %lld, host's at launch %lld", boot_s, host);
}

/* adjtimex reads the clock's NTP state (nothing synchronises the test machine: STA_UNSYNC and
 * TIME_ERROR, as from boot); unprivileged callers may only read; root steps the clock with
 * ADJ_SETOFFSET and sets the maximum error. */
static void adjtimex_reads_and_steps_the_clock(void)
{
	struct timex tx;
	memset(&tx, 0, sizeof(tx));
	int st = adjtimex(&tx);
	CHECK(st >= TIME_OK && st <= TIME_ERROR);
	if (tx.status & STA_UNSYNC)
		CHECK_EQ(st, TIME_ERROR);
	struct timeval tv;
	CHECK_OK(gettimeofday(&tv, NULL));
	CHECK(tv.tv_sec >= tx.time.tv_sec && tv.tv_sec - tx.time.tv_sec <= 1);
	CHECK(tx.time.tv_usec >= 0 && tx.time.tv_usec < ((tx.status & STA_NANO) ? 1000000000 : 1000000));
	CHECK_EQ(tx.tick, 1000000 / sysconf(_SC_CLK_TCK));
	CHECK_EQ(tx.tolerance, 500L << 16);
	CHECK(tx.maxerror >= 0 && tx.esterror >= 0 && tx.precision >= 1);
	/* the same through clock_adjtime; the other clocks cannot be adjusted */
	memset(&tx, 0, sizeof(tx));
	CHECK(clock_adjtime(CLOCK_REALTIME, &tx) >= 0);
	CHECK_ERR(clock_adjtime(CLOCK_MONOTONIC, &tx), EOPNOTSUPP);
	CHECK_ERR(clock_adjtime(12345, &tx), EINVAL);
	CHECK_ERR(syscall(SYS_adjtimex, KT_BAD_PTR), EFAULT);
	/* unprivileged: reading is allowed (ADJ_OFFSET_SS_READ too), any change is EPERM */
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		kt_drop_privileges();
		struct timex u;
		memset(&u, 0, sizeof(u));
		u.modes = ADJ_OFFSET_SS_READ;
		if (adjtimex(&u) < 0 || u.offset != 0)
			_exit(2);
		u.modes = ADJ_MAXERROR;
		if (adjtimex(&u) != -1 || errno != EPERM)
			_exit(3);
		u.modes = ADJ_SETOFFSET;
		if (adjtimex(&u) != -1 || errno != EPERM)
			_exit(4);
		u.modes = ADJ_OFFSET_SINGLESHOT;
		if (adjtimex(&u) != -1 || errno != EPERM)
			_exit(5);
		_exit(0);
	}
	int ws = kt_wait(pid);
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	/* root: bad values */
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_TICK;
	tx.tick = 5000;
	CHECK_ERR(adjtimex(&tx), EINVAL);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET;
	tx.time.tv_usec = 1000000;
	CHECK_ERR(adjtimex(&tx), EINVAL);
	/* a 2 s step forward, then back */
	long long before = now_ns(CLOCK_REALTIME);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET;
	tx.time.tv_sec = 2;
	CHECK(adjtimex(&tx) >= 0);
	long long d = now_ns(CLOCK_REALTIME) - before;
	CHECK(d >= 2000000000LL && d < 3000000000LL);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET;
	tx.time.tv_sec = -2;
	CHECK(adjtimex(&tx) >= 0);
	d = now_ns(CLOCK_REALTIME) - before;
	CHECK(d >= 0 && d < 1000000000LL);
	/* the maximum error as set (it grows by 500 us a second from there), then back */
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_MAXERROR;
	tx.maxerror = 1000;
	CHECK(adjtimex(&tx) >= 0);
	memset(&tx, 0, sizeof(tx));
	CHECK(adjtimex(&tx) >= 0);
	CHECK(tx.maxerror >= 1000 && tx.maxerror <= 1000 + 500 * 5);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_MAXERROR;
	tx.maxerror = 16000000;
	CHECK(adjtimex(&tx) >= 0);
}

static void clock_errors(void)
{
	struct timespec t;
	CHECK_ERR(syscall(SYS_clock_gettime, 12345, &t), EINVAL);
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KT_BAD_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_clock_getres, 12345, &t), EINVAL);
	CHECK_ERR(syscall(SYS_gettimeofday, KT_BAD_PTR, NULL), EFAULT);
	CHECK_ERR(clock_settime(CLOCK_MONOTONIC, &t), EINVAL);
}

static void clock_getres_is_fine(void)
{
	struct timespec r;
	CHECK_OK(clock_getres(CLOCK_MONOTONIC, &r));
	CHECK(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000);
	CHECK_OK(clock_getres(CLOCK_REALTIME, &r));
	CHECK(r.tv_sec == 0 && r.tv_nsec > 0);
	CHECK_OK(clock_getres(CLOCK_MONOTONIC, NULL));
}

static void nanosleep_sleeps_at_least(void)
{
	struct timespec req = { 0, 50000000 };
	long long a = now_ns(CLOCK_MONOTONIC);
	CHECK_OK(nanosleep(&req, NULL));
	CHECK(now_ns(CLOCK_MONOTONIC) - a >= 50000000);
	struct timespec bad = { 0, 1000000000 };
	CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
	struct timespec neg = { -1, 0 };
	CHECK_ERR(nanosleep(&neg, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_nanosleep, KT_BAD_PTR, NULL), EFAULT);
}

static void nanosleep_eintr_reports_remaining(void)
{
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	signal(SIGALRM, on_signal);
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK_ERR(nanosleep(&req, &rem), EINTR);
	CHECK_EQ(hits, 1);
	CHECK(rem.tv_sec >= 1 && rem.tv_sec <= 4); /* most of the 5 s were left */
}

static void clock_nanosleep_absolute(void)
{
	struct timespec t;
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &t));
	long long target = ns_of(&t) + 30000000;
	t.tv_nsec += 30000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
	CHECK(now_ns(CLOCK_MONOTONIC) >= target);
	/* a deadline in the past returns at once */
	t.tv_sec = 0; /* (a just-booted guest's monotonic clock is only seconds old) */
	t.tv_nsec = 1;
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
	/* clock_nanosleep returns the error number, it does not set errno */
	CHECK_EQ(clock_nanosleep(12345, 0, &t, NULL), EINVAL);
}

static struct timespec ts_of(long long ns)
{
	return (struct timespec){ (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) };
}

/* Regression (clock_nanosleep_realtime_absolute_is_a_wall_clock_date): an absolute
 * CLOCK_REALTIME (or TAI) sleep took the date as a monotonic time, so a sleep until 50 ms from
 * now lasted until the monotonic clock reached today's date (56 years). */
static void clock_nanosleep_realtime_absolute_is_a_wall_clock_date(void)
{
	long long target = now_ns(CLOCK_REALTIME) + 50000000LL;
	struct timespec t = ts_of(target);
	CHECK_OK(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL));
	CHECK(now_ns(CLOCK_REALTIME) >= target);
	target = now_ns(CLOCK_TAI) + 20000000LL;
	t = ts_of(target);
	CHECK_OK(syscall(SYS_clock_nanosleep, CLOCK_TAI, TIMER_ABSTIME, &t, NULL));
	CHECK(now_ns(CLOCK_TAI) >= target);
	/* a date in the past (the epoch) returns at once */
	t = ts_of(1);
	CHECK_OK(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL));
}

/* Which clocks clock_nanosleep takes (Linux 6.1): the raw and coarse clocks and a thread's
 * CPU clock have no sleep (EOPNOTSUPP); flags other than TIMER_ABSTIME are ignored. */
static void clock_nanosleep_clocks_and_errors(void)
{
	struct timespec z = { 0, 1000 };
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &z, NULL), EOPNOTSUPP);
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, &z, NULL), EOPNOTSUPP);
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_REALTIME_COARSE, 0, &z, NULL), EOPNOTSUPP);
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &z, NULL), EOPNOTSUPP);
	CHECK_ERR(syscall(SYS_clock_nanosleep, 10, 0, &z, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, KT_BAD_PTR, NULL), EFAULT);
	struct timespec bad = { 0, 1000000000 };
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
	CHECK_OK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x10, &z, NULL));
	CHECK_OK(syscall(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, &z, NULL));
	/* the clock id is an int: the upper half of the register is not looked at */
	CHECK_OK(syscall(SYS_clock_nanosleep, 0x100000000L | CLOCK_MONOTONIC, 0, &z, NULL));
}

static volatile sig_atomic_t spin_stop;

static void *spin_until_stopped(void *arg)
{
	(void)arg;
	volatile unsigned long x = 0;
	while (!spin_stop)
		x++;
	return NULL;
}

/* CLOCK_PROCESS_CPUTIME_ID: the sleeper waits for the process's CPU time (another thread
 * spinning), relative and absolute. */
static void clock_nanosleep_process_cputime(void)
{
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, spin_until_stopped, NULL));
	long long a = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	struct timespec rel = { 0, 30000000 };
	CHECK_OK(syscall(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, 0, &rel, NULL));
	CHECK(now_ns(CLOCK_PROCESS_CPUTIME_ID) - a >= 30000000LL);
	long long target = now_ns(CLOCK_PROCESS_CPUTIME_ID) + 30000000LL;
	struct timespec abs_t = ts_of(target);
	CHECK_OK(syscall(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &abs_t,
			 NULL));
	CHECK(now_ns(CLOCK_PROCESS_CPUTIME_ID) >= target);
	spin_stop = 1;
	CHECK_EQ(pthread_join(t, NULL), 0);
}

static void itimer_real_fires_and_reports(void)
{
	struct itimerval it = { { 0, 0 }, { 2, 0 } }, cur;
	signal(SIGALRM, on_signal);
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK_OK(getitimer(ITIMER_REAL, &cur));
	CHECK(cur.it_value.tv_sec <= 2 && (cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0));
	struct itimerval quick = { { 0, 20000 }, { 0, 20000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &quick, NULL));
	while (hits < 3)
		pause();
	CHECK_EQ(hits, 3);
	CHECK_ERR(setitimer(99, &it, NULL), EINVAL);
	struct itimerval bad = { { 0, 0 }, { 0, 2000000 } };
	CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
}

static void alarm_returns_remaining_seconds(void)
{
	signal(SIGALRM, on_signal);
	unsigned watchdog = alarm(10); /* the harness armed one for this case */
	CHECK(watchdog > 0 && watchdog <= 20);
	unsigned left = alarm(0);
	CHECK(left == 10 || left == 9);
	CHECK_EQ(alarm(0), 0);
	alarm(watchdog);
}

static void posix_timer_fires_signal(void)
{
	timer_t t;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	signal(SIGUSR1, on_signal);
	CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
	struct itimerspec its = { { 0, 0 }, { 0, 20000000 } }, cur;
	CHECK_OK(timer_settime(t, 0, &its, NULL));
	while (hits == 0)
		pause();
	CHECK_OK(timer_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0); /* one-shot: disarmed */
	CHECK_OK(timer_delete(t));
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
	CHECK_ERR(timer_settime(t, 0, &bad, NULL), EINVAL);
}

/* Six timers created in one order, due 1 ms apart in the reverse one (all within a few ms,
 * so a tick-driven kernel finds several due at once): their signals queue in the order of
 * the deadlines (regression: they came in the order the timers were created). */
static void posix_timers_fire_in_deadline_order(void)
{
	enum { N = 6 };
	timer_t t[N];
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	for (int i = 0; i < N; i++) {
		struct sigevent ev;
		memset(&ev, 0, sizeof(ev));
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = SIGRTMIN;
		ev.sigev_value.sival_int = i;
		CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t[i]));
	}
	struct timespec base;
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &base));
	for (int i = 0; i < N; i++) {
		long long ns = base.tv_nsec + 30000000LL + (N - 1 - i) * 1000000LL;
		struct itimerspec its = { { 0, 0 },
					  { base.tv_sec + ns / 1000000000LL, ns % 1000000000LL } };
		CHECK_OK(timer_settime(t[i], TIMER_ABSTIME, &its, NULL));
	}
	struct timespec limit = { 10, 0 };
	for (int k = 0; k < N; k++) {
		siginfo_t si;
		CHECK_EQ(sigtimedwait(&set, &si, &limit), SIGRTMIN);
		CHECK_EQ(si.si_code, SI_TIMER);
		CHECK_EQ(si.si_value.sival_int, N - 1 - k);
	}
	for (int i = 0; i < N; i++)
		CHECK_OK(timer_delete(t[i]));
}

static void posix_timer_periodic_none_and_errors(void)
{
	timer_t t;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_NONE; /* no signal: only the clock runs */
	CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
	struct itimerspec its = { { 0, 10000000 }, { 100, 0 } }, cur;
	CHECK_OK(timer_settime(t, 0, &its, NULL));
	CHECK_OK(timer_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec > 90 && cur.it_value.tv_sec <= 100);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 10000000);
	CHECK_EQ(timer_getoverrun(t), 0);
	/* a periodic timer with a signal: several expirations */
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR2;
	signal(SIGUSR2, on_signal);
	timer_t p;
	CHECK_OK(timer_create(CLOCK_REALTIME, &ev, &p));
	struct itimerspec per = { { 0, 10000000 }, { 0, 10000000 } };
	int before = hits;
	CHECK_OK(timer_settime(p, 0, &per, NULL));
	while (hits < before + 3)
		pause();
	CHECK_OK(timer_delete(p));
	CHECK_ERR(timer_gettime(p, &cur), EINVAL); /* deleted */
	CHECK_OK(timer_delete(t));
	ev.sigev_signo = 0;
	CHECK_ERR(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL);
	ev.sigev_signo = SIGUSR2;
	ev.sigev_notify = 12345;
	CHECK_ERR(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL);
}

/* POSIX timers on the CPU-time clocks: they count the process's (or the creating thread's)
 * CPU time, not the wall clock: asleep they do not fire, spinning they do. */
static void posix_timers_on_cpu_time_clocks(void)
{
	signal(SIGUSR1, on_signal);
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	timer_t pt, tt;
	CHECK_OK(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &pt));
	CHECK_OK(timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &tt));
	struct itimerspec its = { { 0, 0 }, { 0, 200000000 } }, cur;
	CHECK_OK(timer_settime(pt, 0, &its, NULL));
	usleep(300000); /* 0.3 s asleep: far less than 0.2 s of CPU time */
	CHECK_EQ(hits, 0);
	CHECK_OK(timer_gettime(pt, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 100000000);
	volatile unsigned long x = 0;
	while (hits == 0)
		x++;
	CHECK_OK(timer_gettime(pt, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	/* the thread clock, periodic, at an absolute CPU time */
	struct timespec now;
	CHECK_OK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now));
	long long at = ns_of(&now) + 20000000LL;
	struct itimerspec abs_its = { { 0, 10000000 }, ts_of(at) };
	CHECK_OK(timer_settime(tt, TIMER_ABSTIME, &abs_its, NULL));
	while (hits < 3)
		x++;
	CHECK(now_ns(CLOCK_THREAD_CPUTIME_ID) >= at);
	CHECK_OK(timer_gettime(tt, &cur));
	CHECK_EQ(cur.it_interval.tv_nsec, 10000000);
	CHECK_OK(timer_delete(tt));
	CHECK_OK(timer_delete(pt));
}

static void cpu_time_clocks_advance(void)
{
	long long a = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	long long ta = now_ns(CLOCK_THREAD_CPUTIME_ID);
	volatile unsigned long x = 0;
	long long start = now_ns(CLOCK_MONOTONIC);
	while (now_ns(CLOCK_MONOTONIC) - start < 30000000)
		x++;
	CHECK(now_ns(CLOCK_PROCESS_CPUTIME_ID) - a > 1000000);
	CHECK(now_ns(CLOCK_THREAD_CPUTIME_ID) - ta > 1000000);
}

static clockid_t cpu_clock_of(pid_t pid, int which, int thread)
{
	return (clockid_t)((~(unsigned)pid << 3) | (thread ? 4u : 0u) | (unsigned)which);
}

static void *gettid_and_wait(void *arg)
{
	int *fds = arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	char b;
	(void)write(fds[1], &tid, sizeof(tid));
	(void)read(fds[2], &b, 1);
	return NULL;
}

/* The CPU clocks named by negative ids (clock_getcpuclockid, pthread_getcpuclockid): any
 * process's (PROF, VIRT, SCHED), a thread's of the caller's own process only; EINVAL for
 * anything else, EPERM for clock_settime, EOPNOTSUPP for clock_adjtime. */
static void cpu_clocks_of_processes_and_threads(void)
{
	long long own = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	struct timespec t, r;
	CHECK_OK(syscall(SYS_clock_gettime, cpu_clock_of(getpid(), 2, 0), &t));
	CHECK(ns_of(&t) >= own);
	CHECK_OK(syscall(SYS_clock_gettime, cpu_clock_of(0, 0, 0), &t));
	CHECK_OK(syscall(SYS_clock_gettime, cpu_clock_of(0, 1, 1), &t));
	CHECK_ERR(syscall(SYS_clock_gettime, cpu_clock_of(0, 3, 0) | 4, &t), EINVAL);
	CHECK_OK(syscall(SYS_clock_getres, cpu_clock_of(0, 2, 0), &r));
	CHECK(r.tv_sec == 0 && r.tv_nsec == 1);
	CHECK_OK(syscall(SYS_clock_getres, cpu_clock_of(getpid(), 0, 0), &r));
	CHECK(r.tv_sec == 0 && r.tv_nsec > 1 && r.tv_nsec <= 10000000);
	clockid_t mine;
	CHECK_EQ(clock_getcpuclockid(getpid(), &mine), 0);
	CHECK_OK(clock_gettime(mine, &t));
	CHECK_ERR(clock_settime(mine, &t), EPERM);
	struct timex tx;
	memset(&tx, 0, sizeof(tx));
	CHECK_ERR(syscall(SYS_clock_adjtime, mine, &tx), EOPNOTSUPP);

	/* another process: readable until it is reaped (a zombie's times are final) */
	int go[2];
	CHECK_OK(pipe(go));
	pid_t c = CHECK_OK(fork());
	if (c == 0) {
		char b;
		close(go[1]);
		(void)read(go[0], &b, 1);
		_exit(0);
	}
	close(go[0]);
	clockid_t cc;
	CHECK_EQ(clock_getcpuclockid(c, &cc), 0);
	CHECK_OK(clock_gettime(cc, &t));
	CHECK_OK(syscall(SYS_clock_gettime, cpu_clock_of(c, 1, 0), &t));
	/* its thread clock is not the caller's to read */
	CHECK_ERR(syscall(SYS_clock_gettime, cpu_clock_of(c, 2, 1), &t), EINVAL);
	close(go[1]);
	siginfo_t si;
	CHECK_OK(waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT));
	CHECK_OK(clock_gettime(cc, &t));
	CHECK_EQ(WEXITSTATUS(kt_wait(c)), 0);
	CHECK_ERR(syscall(SYS_clock_gettime, cc, &t), EINVAL);
	CHECK_ERR(syscall(SYS_clock_getres, cc, &r), EINVAL);

	/* a thread of this process: its own clock, but no process clock by its tid */
	int fds[3], p1[2], p2[2];
	CHECK_OK(pipe(p1));
	CHECK_OK(pipe(p2));
	fds[0] = 0;
	fds[1] = p1[1];
	fds[2] = p2[0];
	pthread_t th;
	CHECK_PT(pthread_create(&th, NULL, gettid_and_wait, fds));
	pid_t tid;
	CHECK_EQ(read(p1[0], &tid, sizeof(tid)), (ssize_t)sizeof(tid));
	clockid_t tc;
	CHECK_EQ(pthread_getcpuclockid(th, &tc), 0);
	CHECK_OK(clock_gettime(tc, &t));
	CHECK_OK(syscall(SYS_clock_gettime, cpu_clock_of(tid, 2, 1), &t));
	CHECK_ERR(syscall(SYS_clock_gettime, cpu_clock_of(tid, 2, 0), &t), EINVAL);
	CHECK_EQ(write(p2[1], "g", 1), 1);
	CHECK_EQ(pthread_join(th, NULL), 0);
}

static void settime_as_unprivileged_eperm(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		kt_drop_privileges();
		struct timespec t;
		CHECK_OK(clock_gettime(CLOCK_REALTIME, &t));
		CHECK_ERR(clock_settime(CLOCK_REALTIME, &t), EPERM);
		struct timeval tv = { t.tv_sec, 0 };
		CHECK_ERR(settimeofday(&tv, NULL), EPERM);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}


/* ---- CPU-time interval timers ---------------------------------------------------------------- */

static volatile sig_atomic_t vt_hits, prof_hits, vt_code_ok;

static void on_cpu_timer(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si->si_code == SI_KERNEL)
		vt_code_ok = 1;
	if (sig == SIGVTALRM)
		vt_hits++;
	else
		prof_hits++;
}

static void catch_cpu_timers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_cpu_timer;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	CHECK_OK(sigaction(SIGVTALRM, &sa, NULL));
	CHECK_OK(sigaction(SIGPROF, &sa, NULL));
}

static long long itv_ns(const struct timeval *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_usec * 1000LL;
}

/* ITIMER_VIRTUAL runs on user CPU time only: a sleep leaves it where it was; spinning in user
 * mode makes it fire (SIGVTALRM, si_code SI_KERNEL), and its interval reloads it. */
static void itimer_virtual_counts_user_time_only(void)
{
	catch_cpu_timers();
	struct itimerval it = { { 0, 0 }, { 1, 0 } }, cur;
	CHECK_OK(setitimer(ITIMER_VIRTUAL, &it, NULL));
	CHECK_OK(getitimer(ITIMER_VIRTUAL, &cur));
	/* Linux adds a tick (at most 10 ms) to a new CPU timer */
	CHECK(itv_ns(&cur.it_value) > 0 && itv_ns(&cur.it_value) <= 1010000000LL);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0);
	usleep(200000); /* 0.2 s asleep: no user CPU time to speak of */
	CHECK_OK(getitimer(ITIMER_VIRTUAL, &cur));
	CHECK(itv_ns(&cur.it_value) > 900000000LL);
	struct itimerval quick = { { 0, 10000 }, { 0, 10000 } };
	CHECK_OK(setitimer(ITIMER_VIRTUAL, &quick, &cur));
	CHECK(itv_ns(&cur.it_value) > 900000000LL); /* the old value came back */
	volatile unsigned long x = 0;
	while (vt_hits < 3)
		x++;
	CHECK(vt_code_ok);
	CHECK_EQ(prof_hits, 0);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	CHECK_OK(setitimer(ITIMER_VIRTUAL, &off, &cur));
	CHECK_EQ(itv_ns(&cur.it_interval), 10000000LL);
	CHECK_OK(getitimer(ITIMER_VIRTUAL, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
}

/* ITIMER_PROF runs on user and system time: a loop of system calls makes it fire. */
static void itimer_prof_counts_system_time_too(void)
{
	catch_cpu_timers();
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;
	CHECK_OK(setitimer(ITIMER_PROF, &it, NULL));
	while (prof_hits < 2)
		(void)syscall(SYS_getppid);
	CHECK(vt_code_ok);
	CHECK_OK(getitimer(ITIMER_PROF, &cur));
	CHECK_EQ(itv_ns(&cur.it_interval), 20000000LL);
	CHECK(itv_ns(&cur.it_value) > 0 && itv_ns(&cur.it_value) <= 30000000LL);
	CHECK_EQ(vt_hits, 0);
}

/* A CPU timer counts the process's threads: one spinning thread fires it for the process,
 * and another thread reads and changes the same timer. */
static void *spin_until_prof(void *arg)
{
	(void)arg;
	volatile unsigned long x = 0;
	while (prof_hits == 0)
		x++;
	return NULL;
}

static void itimer_prof_sums_the_threads(void)
{
	catch_cpu_timers();
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	CHECK_OK(setitimer(ITIMER_PROF, &it, NULL));
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, spin_until_prof, NULL));
	/* the main thread only sleeps: the spinner's time fires it */
	while (prof_hits == 0)
		usleep(10000);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(prof_hits, 1); /* one shot */
	struct itimerval cur;
	CHECK_OK(getitimer(ITIMER_PROF, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
}

/* Regression (itimer_real_set_in_a_thread_is_the_process_s): ITIMER_REAL was kept per thread,
 * so a timer armed by one thread was invisible to getitimer in another and alarm() there
 * returned 0. Linux keeps every interval timer per process. */
static void *arm_real_timer(void *arg)
{
	(void)arg;
	struct itimerval it = { { 0, 0 }, { 30, 0 } };
	return (void *)(long)setitimer(ITIMER_REAL, &it, NULL);
}

static void itimer_real_set_in_a_thread_is_the_process_s(void)
{
	alarm(0); /* the harness's watchdog is re-armed below */
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, arm_real_timer, NULL));
	void *r;
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK_EQ((long)r, 0);
	struct itimerval cur;
	CHECK_OK(getitimer(ITIMER_REAL, &cur));
	CHECK(cur.it_value.tv_sec > 20 && cur.it_value.tv_sec <= 30);
	unsigned left = alarm(20);
	CHECK(left > 20 && left <= 30);
}

/* fork: the child starts with every interval timer disarmed (execve keeps them). */
static void itimers_not_inherited_by_fork(void)
{
	catch_cpu_timers();
	struct itimerval it = { { 1, 0 }, { 5, 0 } };
	CHECK_OK(setitimer(ITIMER_VIRTUAL, &it, NULL));
	CHECK_OK(setitimer(ITIMER_PROF, &it, NULL));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		struct itimerval cur;
		int which[3] = { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF };
		for (int i = 0; i < 3; i++) {
			if (getitimer(which[i], &cur) != 0 || cur.it_value.tv_sec ||
			    cur.it_value.tv_usec || cur.it_interval.tv_sec || cur.it_interval.tv_usec)
				_exit(10 + i);
		}
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
	struct itimerval cur;
	CHECK_OK(getitimer(ITIMER_PROF, &cur));
	CHECK_EQ(cur.it_interval.tv_sec, 1);
}

static void itimer_errors(void)
{
	struct itimerval it = { { 0, 0 }, { 1, 0 } }, cur;
	CHECK_ERR(setitimer(3, &it, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_getitimer, 3, &cur), EINVAL);
	CHECK_ERR(syscall(SYS_getitimer, -1, &cur), EINVAL);
	struct itimerval bad = { { 0, 1000000 }, { 1, 0 } };
	CHECK_ERR(setitimer(ITIMER_VIRTUAL, &bad, NULL), EINVAL);
	struct itimerval neg = { { 0, 0 }, { -1, 0 } };
	CHECK_ERR(setitimer(ITIMER_PROF, &neg, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_setitimer, ITIMER_VIRTUAL, (void *)8, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_getitimer, ITIMER_PROF, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_setitimer, ITIMER_PROF, &it, (void *)8), EFAULT);
	/* the timer was set before the old value's copy failed, as Linux */
	CHECK_OK(getitimer(ITIMER_PROF, &cur));
	CHECK(cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);
	/* the int argument is the low 32 bits */
	CHECK_OK(syscall(SYS_getitimer, 0x100000000L | ITIMER_PROF, &cur));
}


/* ---- the vDSO ------------------------------------------------------------------------------ */

/* vdso_sym - the address of `name` at version `ver` in the vDSO, found as the libcs do (the
 * loaded image's PT_DYNAMIC: DT_HASH for the symbol count, DT_SYMTAB, DT_STRTAB, DT_VERSYM and
 * DT_VERDEF), or NULL. */
static void *vdso_sym(const char *name, const char *ver)
{
	unsigned long at = getauxval(AT_SYSINFO_EHDR);
	if (!at)
		return NULL;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)at;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(at + eh->e_phoff);
	unsigned long base = 0;
	const Elf64_Dyn *dyn = NULL;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !base)
			base = at + ph[i].p_offset - ph[i].p_vaddr;
		else if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(at + ph[i].p_offset);
	}
	if (!dyn || !base)
		return NULL;
	const Elf32_Word *hash = NULL;
	const Elf64_Sym *syms = NULL;
	const char *strs = NULL;
	const Elf64_Versym *versym = NULL;
	const Elf64_Verdef *verdef = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		unsigned long p = base + dyn->d_un.d_ptr;
		switch (dyn->d_tag) {
		case DT_HASH: hash = (const Elf32_Word *)p; break;
		case DT_SYMTAB: syms = (const Elf64_Sym *)p; break;
		case DT_STRTAB: strs = (const char *)p; break;
		case DT_VERSYM: versym = (const Elf64_Versym *)p; break;
		case DT_VERDEF: verdef = (const Elf64_Verdef *)p; break;
		}
	}
	if (!hash || !syms || !strs || !versym || !verdef)
		return NULL;
	for (Elf32_Word i = 0; i < hash[1]; i++) { /* nchain: the number of symbols */
		const Elf64_Sym *s = &syms[i];
		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
		    strcmp(strs + s->st_name, name) != 0)
			continue;
		/* its version's name: the Verdef whose index matches, first Verdaux */
		const Elf64_Verdef *d = verdef;
		for (;;) {
			if (d->vd_ndx == (versym[i] & 0x7fff)) {
				const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
				if (strcmp(strs + aux->vda_name, ver) == 0)
					return (void *)(base + s->st_value);
				break;
			}
			if (!d->vd_next)
				break;
			d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
		}
	}
	return NULL;
}

typedef int (*vdso_cgt_fn)(clockid_t, struct timespec *);
typedef int (*vdso_gtod_fn)(struct timeval *, void *);
typedef time_t (*vdso_time_fn)(time_t *);
typedef int (*vdso_getcpu_fn)(unsigned *, unsigned *, void *);

static void vdso_auxv_points_at_elf(void)
{
	unsigned long at = getauxval(AT_SYSINFO_EHDR);
	CHECK(at != 0);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)at;
	CHECK_MEM(eh->e_ident, ELFMAG, SELFMAG);
	CHECK_EQ(eh->e_ident[EI_CLASS], ELFCLASS64);
	CHECK_EQ(eh->e_type, ET_DYN);
	CHECK_EQ(eh->e_machine, EM_X86_64);
	/* the five functions vdso(7) lists for x86-64, at version LINUX_2.6 */
	static const char *const names[] = { "__vdso_clock_gettime", "__vdso_gettimeofday",
					     "__vdso_time", "__vdso_clock_getres", "__vdso_getcpu" };
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!vdso_sym(names[i], "LINUX_2.6"))
			kt_fail(__FILE__, __LINE__, "no %s@LINUX_2.6 in the vDSO", names[i]);
	}
	CHECK(vdso_sym("__vdso_clock_gettime", "LINUX_2.5") == NULL);
	/* /proc/self/maps names the pair, the header inside [vdso] */
	FILE *f = fopen("/proc/self/maps", "r");
	CHECK(f != NULL);
	char line[512];
	int vdso = 0, vvar = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		if (strstr(line, "[vdso]")) {
			vdso++;
			CHECK(lo <= at && at < hi);
			CHECK(strstr(line, " r-xp ") != NULL);
		}
		if (strstr(line, "[vvar]")) {
			vvar++;
			CHECK(strstr(line, " r--p ") != NULL);
		}
	}
	fclose(f);
	CHECK_EQ(vdso, 1);
	CHECK_EQ(vvar, 1);
}

/* Each clock, read by the vDSO and by the system call in turn, never goes backwards: the
 * two compute the same time. 100,000 rounds of CLOCK_MONOTONIC, 10,000 of the others. */
static void vdso_clock_gettime_agrees_with_syscall(void)
{
	vdso_cgt_fn cgt = (vdso_cgt_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
	CHECK(cgt != NULL);
	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME,
					    CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE,
					    CLOCK_REALTIME_COARSE, CLOCK_TAI };
	for (unsigned c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
		int rounds = clocks[c] == CLOCK_MONOTONIC ? 100000 : 10000;
		long long prev = 0;
		for (int i = 0; i < rounds; i++) {
			struct timespec a, b;
			CHECK_EQ(cgt(clocks[c], &a), 0);
			CHECK_OK(syscall(SYS_clock_gettime, clocks[c], &b));
			CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
			if (ns_of(&a) < prev || ns_of(&b) < ns_of(&a))
				kt_fail(__FILE__, __LINE__, "clock %d went back: %lld, vdso %lld, syscall %lld",
					clocks[c], prev, ns_of(&a), ns_of(&b));
			prev = ns_of(&b);
		}
	}
	/* what the vDSO does not serve it passes on: the CPU clocks, errors */
	struct timespec t;
	CHECK_EQ(cgt(CLOCK_PROCESS_CPUTIME_ID, &t), 0);
	CHECK(t.tv_sec > 0 || t.tv_nsec > 0);
	CHECK_EQ(cgt(12345, &t), -EINVAL);
	/* and the libc's clock_gettime agrees too */
	long long v = now_ns(CLOCK_MONOTONIC);
	CHECK_OK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t));
	CHECK(ns_of(&t) >= v);
}

static void vdso_gettimeofday_and_time_agree(void)
{
	vdso_gtod_fn gtod = (vdso_gtod_fn)vdso_sym("__vdso_gettimeofday", "LINUX_2.6");
	vdso_time_fn vtime = (vdso_time_fn)vdso_sym("__vdso_time", "LINUX_2.6");
	CHECK(gtod != NULL && vtime != NULL);
	long long prev = 0;
	for (int i = 0; i < 10000; i++) {
		struct timeval a, b;
		CHECK_EQ(gtod(&a, NULL), 0);
		CHECK_OK(syscall(SYS_gettimeofday, &b, NULL));
		long long ua = a.tv_sec * 1000000LL + a.tv_usec, ub = b.tv_sec * 1000000LL + b.tv_usec;
		CHECK(a.tv_usec >= 0 && a.tv_usec < 1000000);
		if (ua < prev || ub < ua)
			kt_fail(__FILE__, __LINE__, "gettimeofday went back: %lld, vdso %lld, syscall %lld",
				prev, ua, ub);
		prev = ub;
	}
	/* time(): Linux's comes from the coarse clock (up to a tick behind): within a second */
	time_t t1 = 0, r = vtime(&t1);
	CHECK_EQ(r, t1);
	time_t t2 = syscall(SYS_time, NULL);
	struct timeval tv;
	CHECK_EQ(gtod(&tv, NULL), 0);
	CHECK(t2 >= t1 && t2 - t1 <= 1);
	CHECK(tv.tv_sec >= t2 - 1 && tv.tv_sec - t2 <= 1);
	CHECK(vtime(NULL) >= t1);
	/* the time zone: the same answer as the system call */
	struct timezone za, zb;
	memset(&za, 0x55, sizeof(za));
	memset(&zb, 0x66, sizeof(zb));
	CHECK_EQ(gtod(&tv, &za), 0);
	CHECK_OK(syscall(SYS_gettimeofday, NULL, &zb));
	CHECK_MEM(&za, &zb, sizeof(za));
}

static void vdso_getres_and_getcpu_match_syscall(void)
{
	vdso_cgt_fn getres = (vdso_cgt_fn)vdso_sym("__vdso_clock_getres", "LINUX_2.6");
	vdso_getcpu_fn getcpu_v = (vdso_getcpu_fn)vdso_sym("__vdso_getcpu", "LINUX_2.6");
	CHECK(getres != NULL && getcpu_v != NULL);
	for (clockid_t c = 0; c <= 11; c++) {
		struct timespec a = { -1, -1 }, b = { -2, -2 };
		int ra = getres(c, &a);
		long rb = syscall(SYS_clock_getres, c, &b);
		CHECK_EQ(ra, rb < 0 ? -errno : 0);
		if (rb == 0)
			CHECK(a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec);
	}
	CHECK_EQ(getres(CLOCK_MONOTONIC, NULL), 0);
	/* pinned to one CPU, the vDSO's answer is the system call's */
	cpu_set_t old, one;
	CHECK_OK(sched_getaffinity(0, sizeof(old), &old));
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &old))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		CHECK_OK(sched_setaffinity(0, sizeof(one), &one));
		unsigned vc = 99, vn = 99, sc = 98, sn = 98;
		CHECK_EQ(getcpu_v(&vc, &vn, NULL), 0);
		CHECK_OK(syscall(SYS_getcpu, &sc, &sn, NULL));
		CHECK_EQ(vc, cpu);
		CHECK_EQ(sc, cpu);
		CHECK_EQ(vn, sn);
		CHECK_EQ(getcpu_v(NULL, NULL, NULL), 0);
	}
	CHECK_OK(sched_setaffinity(0, sizeof(old), &old));
}

/* maps_range - the [lo, hi) of the /proc/self/maps line naming `tag`; 0 when there is none. */
static int maps_range(const char *tag, unsigned long *lo, unsigned long *hi)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, tag) && sscanf(line, "%lx-%lx", lo, hi) == 2)
			found = 1;
	if (f)
		fclose(f);
	return found;
}

/* fork keeps the pair; in the child, [vvar] refuses write and exec rights (EACCES, as Linux:
 * no VM_MAYWRITE/VM_MAYEXEC), and each may be unmapped whole; the parent's stay. */
static void vdso_fork_mprotect_munmap(void)
{
	unsigned long at = getauxval(AT_SYSINFO_EHDR), vlo, vhi, dlo, dhi;
	CHECK(at != 0);
	CHECK(maps_range("[vvar]", &vlo, &vhi));
	CHECK(maps_range("[vdso]", &dlo, &dhi));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		CHECK_EQ(getauxval(AT_SYSINFO_EHDR), at);
		vdso_cgt_fn cgt = (vdso_cgt_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
		struct timespec t;
		CHECK(cgt != NULL);
		CHECK_EQ(cgt(CLOCK_MONOTONIC, &t), 0);
		CHECK_ERR(mprotect((void *)vlo, vhi - vlo, PROT_READ | PROT_WRITE), EACCES);
		CHECK_ERR(mprotect((void *)vlo, vhi - vlo, PROT_READ | PROT_EXEC), EACCES);
		CHECK_OK(mprotect((void *)dlo, dhi - dlo, PROT_READ | PROT_EXEC));
		CHECK_EQ(cgt(CLOCK_MONOTONIC, &t), 0); /* still runs */
		CHECK_OK(munmap((void *)dlo, dhi - dlo));
		CHECK_OK(munmap((void *)vlo, vhi - vlo));
		unsigned long lo, hi;
		CHECK(!maps_range("[vdso]", &lo, &hi));
		CHECK(!maps_range("[vvar]", &lo, &hi));
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
	unsigned long lo, hi;
	CHECK(maps_range("[vdso]", &lo, &hi) && lo == dlo && hi == dhi);
	struct timespec t;
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &t));
}

/* wait_child_bounded - the exit status of child c, waiting at most `secs` seconds (then it is
 * killed and -1 returned): a wait that should have ended must not hang the suite. */
static int wait_child_bounded(pid_t c, int secs)
{
	for (int i = 0; i < secs * 100; i++) {
		int st;
		pid_t r = waitpid(c, &st, WNOHANG);
		if (r == c) {
			kt_skip_if_child_injected(c, st);
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		CHECK(r == 0);
		usleep(10000);
	}
	kill(c, SIGKILL);
	(void)kt_wait(c);
	return -1;
}

/* Regression (realtime_absolute_waits_follow_a_clock_change): absolute CLOCK_REALTIME waits
 * were moved to the monotonic clock when they started, so setting the clock past their date
 * did not end them: an hour's clock_nanosleep, FUTEX_CLOCK_REALTIME wait, timerfd and POSIX
 * timer still had their hour to go (Linux ends them). Setting it back makes them longer.
 * Relative CLOCK_REALTIME timers and CLOCK_MONOTONIC dates do not move. */
static void realtime_absolute_waits_follow_a_clock_change(void)
{
	const long long hour = 3600LL * 1000000000LL;
	long long rt0 = now_ns(CLOCK_REALTIME), mono0 = now_ns(CLOCK_MONOTONIC);
	struct timespec date = ts_of(rt0 + hour);
	pid_t sleeper = kt_fork();
	if (sleeper == 0)
		_exit(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &date, NULL) == 0
			      ? 0 : 1);
	pid_t waiter = kt_fork();
	if (waiter == 0) {
		static int word;
		long r = syscall(SYS_futex, &word, KT_FUTEX_WAIT_BITSET | KT_FUTEX_CLOCK_REALTIME, 0,
				 &date, NULL, KT_FUTEX_BITSET_MATCH_ANY);
		_exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
	}
	struct itimerspec at = { { 0, 0 }, date }, cur;
	int wall = CHECK_OK(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK));
	CHECK_OK(timerfd_settime(wall, TFD_TIMER_ABSTIME, &at, NULL));
	struct itimerspec in_an_hour = { { 0, 0 }, { 3600, 0 } };
	int rel = CHECK_OK(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK));
	CHECK_OK(timerfd_settime(rel, 0, &in_an_hour, NULL));
	struct itimerspec mono_at = { { 0, 0 }, ts_of(mono0 + hour) };
	int mono = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
	CHECK_OK(timerfd_settime(mono, TFD_TIMER_ABSTIME, &mono_at, NULL));
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	timer_t pt;
	CHECK_OK(syscall(SYS_timer_create, CLOCK_REALTIME, &sev, &pt));
	CHECK_OK(syscall(SYS_timer_settime, pt, TIMER_ABSTIME, &at, NULL));
	usleep(100000); /* the children are asleep by now (if not, their date is past anyway) */

	/* the wall clock jumps an hour and a second forward: every absolute wait is over */
	struct timespec jump = ts_of(now_ns(CLOCK_REALTIME) + hour + 1000000000LL);
	CHECK_OK(clock_settime(CLOCK_REALTIME, &jump));
	struct pollfd pf = { .fd = wall, .events = POLLIN };
	int ready = poll(&pf, 1, 10000);
	int slept = wait_child_bounded(sleeper, 10);
	int waited = wait_child_bounded(waiter, 10);
	int pt_fired = 0;
	for (int i = 0; i < 1000 && !pt_fired; i++) {
		CHECK_OK(syscall(SYS_timer_gettime, pt, &cur));
		pt_fired = cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0;
		if (!pt_fired)
			usleep(10000);
	}
	/* (restore the clock before checking, so that a failure does not leave it an hour on) */
	jump = ts_of(now_ns(CLOCK_REALTIME) - hour - 1000000000LL);
	CHECK_OK(clock_settime(CLOCK_REALTIME, &jump));
	CHECK_EQ(ready, 1);
	uint64_t n = 0;
	CHECK_EQ(read(wall, &n, 8), 8);
	CHECK_EQ(n, 1);
	CHECK_EQ(slept, 0);
	CHECK_EQ(waited, 0);
	CHECK(pt_fired);
	/* the relative and the monotonic ones did not move */
	CHECK_ERR(read(rel, &n, 8), EAGAIN);
	CHECK_OK(timerfd_gettime(rel, &cur));
	CHECK(cur.it_value.tv_sec > 3000);
	CHECK_ERR(read(mono, &n, 8), EAGAIN);
	CHECK_OK(timerfd_gettime(mono, &cur));
	CHECK(cur.it_value.tv_sec > 3000);

	/* a date 30 s ahead, then the clock goes back an hour: an hour and 30 s to go */
	at.it_value = ts_of(now_ns(CLOCK_REALTIME) + 30000000000LL);
	CHECK_OK(timerfd_settime(wall, TFD_TIMER_ABSTIME, &at, NULL));
	CHECK_OK(syscall(SYS_timer_settime, pt, TIMER_ABSTIME, &at, NULL));
	jump = ts_of(now_ns(CLOCK_REALTIME) - hour);
	CHECK_OK(clock_settime(CLOCK_REALTIME, &jump));
	struct itimerspec cur_pt;
	CHECK_OK(timerfd_gettime(wall, &cur));
	CHECK_OK(syscall(SYS_timer_gettime, pt, &cur_pt));
	jump = ts_of(now_ns(CLOCK_REALTIME) + hour);
	CHECK_OK(clock_settime(CLOCK_REALTIME, &jump));
	CHECK(cur.it_value.tv_sec > 3600 && cur.it_value.tv_sec <= 3630);
	CHECK(cur_pt.it_value.tv_sec > 3600 && cur_pt.it_value.tv_sec <= 3630);
	CHECK_ERR(read(wall, &n, 8), EAGAIN);
	CHECK_OK(syscall(SYS_timer_delete, pt));
	close(wall);
	close(rel);
	close(mono);
}

static void on_usr1_noop(int sig)
{
	(void)sig;
}

/* Regression (cpu_clock_sleep_restarts_after_a_stop): a relative clock_nanosleep on
 * CLOCK_PROCESS_CPUTIME_ID stopped and continued (a signal with no handler) ended with EINTR;
 * Linux continues it through restart_syscall to the same CPU time. With a handler it is EINTR. */
static void cpu_clock_sleep_restarts_after_a_stop(void)
{
	pid_t c = kt_fork();
	if (c == 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, spin_until_stopped, NULL))
			kt_child_exit(3);
		long long a = now_ns(CLOCK_PROCESS_CPUTIME_ID);
		struct timespec rel = { 0, 300000000 };
		if (syscall(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, 0, &rel, NULL) != 0)
			_exit(errno == EINTR ? 1 : 2);
		if (now_ns(CLOCK_PROCESS_CPUTIME_ID) - a < 300000000LL)
			_exit(4);
		struct sigaction sa = { .sa_handler = on_usr1_noop };
		sigaction(SIGUSR1, &sa, NULL);
		kill(getppid(), SIGUSR2); /* ready for the second part */
		struct timespec left = { 0, 0 };
		rel.tv_sec = 100;
		long r = syscall(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, 0, &rel, &left);
		_exit(r == -1 && errno == EINTR && left.tv_sec > 50 ? 0 : 5);
	}
	sigset_t usr2, old;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_BLOCK, &usr2, &old));
	usleep(50000);
	CHECK_OK(kill(c, SIGSTOP));
	int st;
	CHECK_EQ(waitpid(c, &st, WUNTRACED), c);
	CHECK(WIFSTOPPED(st));
	CHECK_OK(kill(c, SIGCONT));
	struct timespec ten = { 10, 0 };
	int got = sigtimedwait(&usr2, NULL, &ten);
	int code = -1;
	/* SIGUSR1 until it ends: one sent before its sleep began runs the handler too early */
	for (int i = 0; got == SIGUSR2 && i < 100 && code < 0; i++) {
		CHECK_OK(kill(c, SIGUSR1));
		pid_t r = waitpid(c, &st, WNOHANG);
		if (r == c)
			code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		else
			usleep(100000);
	}
	if (code < 0)
		code = wait_child_bounded(c, 1);
	CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
	CHECK_EQ(got, SIGUSR2);
	CHECK_EQ(code, 0);
}

static const struct kt_case cases[] = {
	{ "monotonic_advances", monotonic_advances },
	{ "realtime_agrees_with_gettimeofday_and_time", realtime_agrees_with_gettimeofday_and_time },
	{ "wall_clock_at_boot_matches_host", wall_clock_at_boot_matches_host },
	{ "adjtimex_reads_and_steps_the_clock", adjtimex_reads_and_steps_the_clock },
	{ "clock_errors", clock_errors },
	{ "clock_getres_is_fine", clock_getres_is_fine },
	{ "nanosleep_sleeps_at_least", nanosleep_sleeps_at_least },
	{ "nanosleep_eintr_reports_remaining", nanosleep_eintr_reports_remaining },
	{ "clock_nanosleep_absolute", clock_nanosleep_absolute },
	{ "clock_nanosleep_realtime_absolute_is_a_wall_clock_date",
	  clock_nanosleep_realtime_absolute_is_a_wall_clock_date },
	{ "clock_nanosleep_clocks_and_errors", clock_nanosleep_clocks_and_errors },
	{ "clock_nanosleep_process_cputime", clock_nanosleep_process_cputime },
	{ "itimer_real_fires_and_reports", itimer_real_fires_and_reports },
	{ "alarm_returns_remaining_seconds", alarm_returns_remaining_seconds },
	{ "posix_timer_fires_signal", posix_timer_fires_signal },
	{ "posix_timers_fire_in_deadline_order", posix_timers_fire_in_deadline_order },
	{ "posix_timer_periodic_none_and_errors", posix_timer_periodic_none_and_errors },
	{ "cpu_time_clocks_advance", cpu_time_clocks_advance },
	{ "posix_timers_on_cpu_time_clocks", posix_timers_on_cpu_time_clocks },
	{ "itimer_virtual_counts_user_time_only", itimer_virtual_counts_user_time_only },
	{ "itimer_prof_counts_system_time_too", itimer_prof_counts_system_time_too },
	{ "itimer_prof_sums_the_threads", itimer_prof_sums_the_threads },
	{ "itimer_real_set_in_a_thread_is_the_process_s", itimer_real_set_in_a_thread_is_the_process_s },
	{ "itimers_not_inherited_by_fork", itimers_not_inherited_by_fork },
	{ "itimer_errors", itimer_errors },
	{ "cpu_clocks_of_processes_and_threads", cpu_clocks_of_processes_and_threads },
	{ "settime_as_unprivileged_eperm", settime_as_unprivileged_eperm },
	{ "vdso_auxv_points_at_elf", vdso_auxv_points_at_elf },
	{ "vdso_clock_gettime_agrees_with_syscall", vdso_clock_gettime_agrees_with_syscall },
	{ "vdso_gettimeofday_and_time_agree", vdso_gettimeofday_and_time_agree },
	{ "vdso_getres_and_getcpu_match_syscall", vdso_getres_and_getcpu_match_syscall },
	{ "vdso_fork_mprotect_munmap", vdso_fork_mprotect_munmap },
	{ "realtime_absolute_waits_follow_a_clock_change",
	  realtime_absolute_waits_follow_a_clock_change },
	{ "cpu_clock_sleep_restarts_after_a_stop", cpu_clock_sleep_restarts_after_a_stop },
	KT_CASES_END
};

int main(void)
{
	return kt_main("time", cases);
}
