/*
 * signals.c — group `signals`: sigaction and its flags, masks and pending sets, siginfo
 * contents, EINTR and SA_RESTART, sigsuspend/sigtimedwait, the alternate stack, default
 * actions, job-control stop/continue, SIGCHLD, and that a handler preserves the interrupted
 * code's registers (integer and floating point).
 */
#define _GNU_SOURCE
#include "kt.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM ((int)(1U << 31)) /* linux/signal.h; not in every libc's headers */
#endif

static volatile sig_atomic_t hits;
static volatile int last_sig, last_code, last_pid, last_value;
static volatile uintptr_t handler_stack_addr;

static void count_handler(int sig)
{
	hits++;
	last_sig = sig;
}

static void info_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_value = si->si_value.sival_int;
	int local;
	handler_stack_addr = (uintptr_t)&local;
}

static void install(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	CHECK_OK(sigaction(sig, &sa, NULL));
}

static void install_info(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO | flags;
	CHECK_OK(sigaction(sig, &sa, NULL));
}

static void raise_runs_handler(void)
{
	install(SIGUSR1, count_handler, 0);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_sig, SIGUSR1);
}

static void sigaction_returns_old_and_rejects_kill(void)
{
	struct sigaction sa, old;
	install(SIGUSR1, count_handler, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	CHECK_OK(sigaction(SIGUSR1, &sa, &old));
	CHECK(old.sa_handler == count_handler);
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
	CHECK_OK(sigaction(SIGKILL, NULL, &old)); /* querying is allowed */
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, KT_BAD_PTR, NULL, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4), EINVAL); /* sigsetsize */
}

static void blocked_signal_stays_pending(void)
{
	sigset_t set, pend;
	install(SIGUSR1, count_handler, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	CHECK_OK(raise(SIGUSR1));
	CHECK_OK(raise(SIGUSR1)); /* standard signals do not queue */
	CHECK_EQ(hits, 0);
	CHECK_OK(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR1));
	CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
	CHECK_EQ(hits, 1);
	CHECK_OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGUSR1));
}

static void realtime_signals_queue(void)
{
	sigset_t set;
	install(SIGRTMIN + 1, count_handler, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	for (int i = 0; i < 3; i++)
		CHECK_OK(raise(SIGRTMIN + 1));
	CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
	CHECK_EQ(hits, 3);
}

static void sigkill_cannot_be_blocked(void)
{
	sigset_t set, cur;
	sigfillset(&set);
	CHECK_OK(sigprocmask(SIG_SETMASK, &set, NULL));
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &cur));
	CHECK(!sigismember(&cur, SIGKILL));
	CHECK(!sigismember(&cur, SIGSTOP));
	CHECK(sigismember(&cur, SIGTERM));
	CHECK_ERR(sigprocmask(99, &set, NULL), EINVAL);
}

static void siginfo_from_kill_and_sigqueue(void)
{
	install_info(SIGUSR2, 0);
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK_EQ(last_code, SI_USER);
	CHECK_EQ(last_pid, getpid());
	union sigval v = { .sival_int = 4242 };
	CHECK_OK(sigqueue(getpid(), SIGUSR2, v));
	CHECK_EQ(last_code, SI_QUEUE);
	CHECK_EQ(last_value, 4242);
	CHECK_EQ(hits, 2);
}

static void interrupted_read_eintr(void)
{
	int p[2];
	char c;
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	CHECK_OK(pipe(p));
	install(SIGALRM, count_handler, 0);
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK_ERR(read(p[0], &c, 1), EINTR);
	CHECK_EQ(hits, 1);
}

static void sa_restart_restarts_read(void)
{
	int p[2];
	char c = 0;
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	CHECK_OK(pipe(p));
	install(SIGALRM, count_handler, SA_RESTART);
	/* armed before the fork (children do not inherit it), so it fires well before the write */
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		usleep(500000);
		write(p[1], "r", 1);
		_exit(0);
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'r');
	CHECK_EQ(hits, 1);
	kt_wait(pid);
}

static void sigsuspend_waits_for_signal(void)
{
	sigset_t block, wait_mask;
	install(SIGUSR1, count_handler, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	int parent = getpid();
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		usleep(50000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	sigemptyset(&wait_mask);
	CHECK_ERR(sigsuspend(&wait_mask), EINTR);
	CHECK_EQ(hits, 1);
	sigset_t cur;
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &cur));
	CHECK(sigismember(&cur, SIGUSR1)); /* the old mask is back */
	kt_wait(pid);
}

static void sigtimedwait_takes_pending_or_times_out(void)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 0, 20000000 };
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
	CHECK_EQ(si.si_signo, SIGUSR1);
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN); /* consumed */
	struct timespec bad = { 0, 1000000000 };
	CHECK_ERR(sigtimedwait(&set, &si, &bad), EINVAL);
}

static void handler_runs_on_alternate_stack(void)
{
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 }, old;
	CHECK_OK(sigaltstack(&ss, NULL));
	install_info(SIGUSR1, SA_ONSTACK);
	CHECK_OK(raise(SIGUSR1));
	CHECK(handler_stack_addr >= (uintptr_t)alt && handler_stack_addr < (uintptr_t)alt + sizeof(alt));
	CHECK_OK(sigaltstack(NULL, &old));
	CHECK(old.ss_sp == alt && old.ss_flags == 0);
	stack_t small = { .ss_sp = alt, .ss_size = 100, .ss_flags = 0 };
	CHECK_ERR(sigaltstack(&small, NULL), ENOMEM);
}

static volatile int nested_blocked;

static void mask_handler(int sig)
{
	sigset_t cur;
	(void)sig;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	nested_blocked = sigismember(&cur, SIGUSR1) * 1 + sigismember(&cur, SIGUSR2) * 2;
	hits++;
}

static void handler_mask_and_resethand(void)
{
	struct sigaction sa, now;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mask_handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sa.sa_flags = SA_RESETHAND;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(hits, 1);
	CHECK_EQ(nested_blocked, 3); /* the signal itself and sa_mask were blocked in the handler */
	CHECK_OK(sigaction(SIGUSR1, NULL, &now));
	CHECK(now.sa_handler == SIG_DFL);
}

static void default_actions(void)
{
	static const int sigs[] = { SIGTERM, SIGUSR1, SIGABRT, SIGALRM };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int pid = CHECK_OK(fork());
		if (pid == 0) {
			signal(sigs[i], SIG_DFL);
			raise(sigs[i]);
			_exit(0);
		}
		int st = kt_wait(pid);
		CHECK(WIFSIGNALED(st));
		CHECK_EQ(WTERMSIG(st), sigs[i]);
	}
	/* SIGCHLD and SIGWINCH are ignored by default */
	CHECK_OK(raise(SIGWINCH));
	signal(SIGTERM, SIG_IGN);
	CHECK_OK(raise(SIGTERM));
	sigset_t pend;
	CHECK_OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGTERM));
}

static void stop_and_continue_child(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		for (;;)
			pause();
	}
	int st;
	CHECK_OK(kill(pid, SIGSTOP));
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st));
	CHECK_EQ(WSTOPSIG(st), SIGSTOP);
	CHECK_OK(kill(pid, SIGCONT));
	CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
	CHECK(WIFCONTINUED(st));
	CHECK_OK(kill(pid, SIGKILL));
	st = kt_wait(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static void sigchld_delivered_and_ignoring_reaps(void)
{
	sigset_t set;
	siginfo_t si;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(6);
	CHECK_EQ(sigwaitinfo(&set, &si), SIGCHLD);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_status, 6);
	kt_wait(pid);
	/* with SIGCHLD ignored, children are reaped by the kernel */
	signal(SIGCHLD, SIG_IGN);
	pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(0);
	CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
}

static void kill_process_group(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		setpgid(0, 0);
		int c = kt_fork();
		if (c == 0) {
			for (;;)
				pause();
		}
		signal(SIGUSR1, SIG_IGN);
		usleep(20000);
		kill(0, SIGUSR1); /* the whole group: the pausing child dies, we ignore it */
		int st;
		waitpid(c, &st, 0);
		_exit(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1 ? 0 : 1);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
	CHECK_ERR(kill(-0x7ffffff0, SIGUSR1), ESRCH);
}

static volatile double fpu_handler_result;

static void fpu_handler(int sig)
{
	volatile double x = sig;
	for (int i = 0; i < 100; i++)
		x = x * 1.5 + 0.25;
	fpu_handler_result = x;
	hits++;
}

static void handler_preserves_registers(void)
{
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	install(SIGALRM, fpu_handler, SA_RESTART);
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	double acc = 0;
	long iacc = 0;
	for (long i = 0; i < 20000000 && hits < 20; i++) {
		acc += (double)(i & 7) * 0.5;
		iacc += i & 7;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	CHECK_OK(setitimer(ITIMER_REAL, &off, NULL));
	CHECK(hits > 0);
	CHECK(acc == (double)iacc * 0.5);
}

static void pause_returns_eintr(void)
{
	install(SIGALRM, count_handler, 0);
	alarm(1);
	CHECK_ERR(pause(), EINTR);
	CHECK_EQ(hits, 1);
}


/* Real-time signals are taken lowest number first, each instance with its own si_value;
 * a standard signal sent twice is taken once (and before them: it has a lower number). */
static void realtime_lowest_first_each_value(void)
{
	sigset_t set;
	siginfo_t si;
	struct timespec zero = { 0, 0 };
	sigemptyset(&set);
	for (int s = SIGRTMIN + 1; s <= SIGRTMIN + 3; s++)
		sigaddset(&set, s);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	static const int order[][2] = { { 3, 30 }, { 1, 10 }, { 1, 11 }, { 2, 20 } };
	for (unsigned i = 0; i < 4; i++)
		CHECK_OK(sigqueue(getpid(), SIGRTMIN + order[i][0],
				  (union sigval){ .sival_int = order[i][1] }));
	CHECK_OK(raise(SIGUSR1));
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(sigtimedwait(&set, &si, &zero), SIGUSR1);
	/* raise is tgkill (SI_TKILL); glibc's sigtimedwait folds that into SI_USER */
	CHECK(si.si_code == SI_TKILL || si.si_code == SI_USER);
	static const int want[][2] = { { 1, 10 }, { 1, 11 }, { 2, 20 }, { 3, 30 } };
	for (unsigned i = 0; i < 4; i++) {
		memset(&si, 0, sizeof(si));
		CHECK_EQ(sigtimedwait(&set, &si, &zero), SIGRTMIN + want[i][0]);
		CHECK_EQ(si.si_code, SI_QUEUE);
		CHECK_EQ(si.si_value.sival_int, want[i][1]);
		CHECK_EQ(si.si_pid, getpid());
		CHECK_EQ(si.si_uid, getuid());
	}
	CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
}

/* sigqueue fails with EAGAIN once RLIMIT_SIGPENDING instances are queued; kill still
 * succeeds (it merges with the pending instances: no instance of its own), and every queued
 * instance is then delivered, in order. Taking them gives the count back. */
static void sigqueue_full_queue_eagain(void)
{
	sigset_t set;
	siginfo_t si;
	struct timespec zero = { 0, 0 };
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	int n = 0;
	while (n < (1 << 20) && sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = n }) == 0)
		n++;
	CHECK_EQ(errno, EAGAIN);
	CHECK(n > 0);
	struct rlimit rl;
	if (getrlimit(RLIMIT_SIGPENDING, &rl) == 0) {
		CHECK(rl.rlim_cur == RLIM_INFINITY || (rlim_t)n <= rl.rlim_cur);
		/* an instance that could not be allocated is EAGAIN as well */
		kt_skip_if_injected(rl.rlim_cur != RLIM_INFINITY && (rlim_t)n < rl.rlim_cur,
				    "the queue stopped below RLIMIT_SIGPENDING");
	}
	CHECK_OK(kill(getpid(), SIGRTMIN));
	for (int i = 0; i < n; i++) {
		if (sigtimedwait(&set, &si, &zero) != SIGRTMIN || si.si_value.sival_int != i ||
		    si.si_code != SI_QUEUE)
			kt_fail(__FILE__, __LINE__, "instance %d of %d: code %d value %d", i, n,
				si.si_code, si.si_value.sival_int);
	}
	CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
	CHECK_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 1 }));
	CHECK_EQ(sigtimedwait(&set, &si, &zero), SIGRTMIN);
}

/* Regression (the queue's limit was a fixed 2048 after the rlimits came): queued real-time
 * instances stop at the receiver's soft RLIMIT_SIGPENDING, and a kill-style send over it
 * still sets the signal pending. Run in a child so the lowered limit ends with it. */
static void sigqueue_limit_follows_rlimit_sigpending(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		sigset_t set;
		siginfo_t si;
		struct timespec zero = { 0, 0 };
		struct rlimit rl;
		CHECK_OK(getrlimit(RLIMIT_SIGPENDING, &rl));
		rl.rlim_cur = 5;
		CHECK_OK(setrlimit(RLIMIT_SIGPENDING, &rl));
		sigemptyset(&set);
		sigaddset(&set, SIGRTMIN);
		CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
		int n = 0;
		while (n < 100 && sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = n }) == 0)
			n++;
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(n, 5);
		CHECK_OK(kill(getpid(), SIGRTMIN));
		for (int i = 0; i < n; i++) {
			CHECK_EQ(sigtimedwait(&set, &si, &zero), SIGRTMIN);
			CHECK_EQ(si.si_value.sival_int, i);
		}
		/* the kill-style send merged with the queued instances: nothing more is pending */
		CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* rt_sigqueueinfo may not pretend to be kill or tkill (si_code >= 0, SI_TKILL) towards
 * another process; towards itself it may, and the siginfo arrives as given. */
static void sigqueueinfo_forged_code_eperm(void)
{
	install_info(SIGUSR1, 0);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		for (;;)
			pause();
	}
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_USER;
	si.si_pid = 4321;
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si), EPERM);
	si.si_code = SI_TKILL;
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si), EPERM);
	CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, pid, pid, SIGUSR1, &si), EPERM);
	si.si_code = SI_USER;
	CHECK_OK(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_code, SI_USER);
	CHECK_EQ(last_pid, 4321);
	si.si_code = SI_QUEUE;
	si.si_value.sival_int = 77;
	CHECK_OK(syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), SIGUSR1, &si));
	CHECK_EQ(hits, 2);
	CHECK_EQ(last_code, SI_QUEUE);
	CHECK_EQ(last_value, 77);
	CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR1, &si), EINVAL);
	CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, pid, getpid(), SIGUSR1, &si), ESRCH);
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, KT_BAD_PTR), EFAULT);
	CHECK_OK(syscall(SYS_rt_sigqueueinfo, pid, SIGTERM, &si)); /* SI_QUEUE: allowed */
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

static volatile int alt_flags_in_handler, alt_set_err_in_handler;

static void altstack_probe(int sig)
{
	(void)sig;
	stack_t cur, other = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
	sigaltstack(NULL, &cur);
	alt_flags_in_handler = cur.ss_flags;
	alt_set_err_in_handler = sigaltstack(&other, NULL) == 0 ? 0 : errno;
	hits++;
}

/* On the alternate stack, sigaltstack reports SS_ONSTACK and refuses a change (EPERM); with
 * SS_AUTODISARM the stack is disarmed while the handler runs (so it may change it) and armed
 * again by sigreturn. Bad flags are EINVAL; fork inherits the setting, a new thread has none. */
static void *altstack_of_thread(void *arg)
{
	stack_t *out = arg;
	sigaltstack(NULL, out);
	return NULL;
}

static void sigaltstack_onstack_eperm_and_autodisarm(void)
{
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 }, cur;
	CHECK_OK(sigaltstack(&ss, NULL));
	install(SIGUSR1, altstack_probe, SA_ONSTACK);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(hits, 1);
	CHECK_EQ(alt_flags_in_handler, SS_ONSTACK);
	CHECK_EQ(alt_set_err_in_handler, EPERM);
	CHECK_OK(sigaltstack(NULL, &cur));
	CHECK(cur.ss_sp == alt && cur.ss_flags == 0 && cur.ss_size == sizeof(alt));

	pthread_t t;
	stack_t theirs;
	memset(&theirs, 0, sizeof(theirs));
	CHECK_PT(pthread_create(&t, NULL, altstack_of_thread, &theirs));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK(theirs.ss_flags & SS_DISABLE);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		stack_t mine;
		_exit(sigaltstack(NULL, &mine) == 0 && mine.ss_sp == alt && mine.ss_flags == 0 ? 0 : 1);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);

	ss.ss_flags = SS_AUTODISARM;
	CHECK_OK(sigaltstack(&ss, NULL));
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(hits, 2);
	CHECK_EQ(alt_flags_in_handler, SS_DISABLE); /* disarmed while the handler runs */
	CHECK_EQ(alt_set_err_in_handler, 0);
	CHECK_OK(sigaltstack(NULL, &cur)); /* sigreturn armed it again */
	CHECK(cur.ss_sp == alt && (unsigned)cur.ss_flags == (unsigned)SS_AUTODISARM);

	/* the raw call: the libc wrappers check some of this themselves */
	stack_t bad = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 4 };
	CHECK_ERR(syscall(SYS_sigaltstack, &bad, NULL), EINVAL);
	bad.ss_flags = 0;
	bad.ss_size = 2047; /* the kernel's MINSIGSTKSZ is 2048 (a libc's may be sysconf's) */
	CHECK_ERR(syscall(SYS_sigaltstack, &bad, NULL), ENOMEM);
	stack_t off = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
	CHECK_OK(sigaltstack(&off, NULL));
	CHECK_OK(sigaltstack(NULL, &cur));
	CHECK_EQ(cur.ss_flags, SS_DISABLE);
	CHECK_ERR(syscall(SYS_sigaltstack, KT_BAD_PTR, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_sigaltstack, NULL, KT_BAD_PTR), EFAULT);
}

/* One handler table per process: a handler installed by one thread runs for a signal sent to
 * another, and each thread sees the other's sigaction. */
static void *install_in_thread(void *arg)
{
	(void)arg;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count_handler;
	return (void *)(long)sigaction(SIGUSR2, &sa, NULL);
}

static void handlers_shared_by_threads(void)
{
	pthread_t t;
	void *ret = (void *)1;
	CHECK_PT(pthread_create(&t, NULL, install_in_thread, NULL));
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == NULL);
	struct sigaction now;
	CHECK_OK(sigaction(SIGUSR2, NULL, &now));
	CHECK(now.sa_handler == count_handler);
	CHECK_OK(raise(SIGUSR2));
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_sig, SIGUSR2);
}

static volatile sig_atomic_t upper_hits;
static void upper_handler(int sig)
{
	(void)sig;
	upper_hits++;
}

/* The signal calls read their int and unsigned arguments as Linux's prototypes declare them:
 * the low 32 bits of the register (user space may leave anything in the upper half; musl
 * sign-extends), so a signal number, a pid or rt_sigprocmask's `how` with junk above bit 31
 * is the same as without it. Sizes (sigsetsize) are size_t: all 64 bits count. */
static void signal_int_arguments_ignore_the_upper_register_half(void)
{
	const long junk = 0x5a5a5a5a00000000l;
	struct sigaction sa = { .sa_handler = upper_handler }, old;
	/* struct kernel_sigaction is handler, flags, restorer, mask: libc's differs, so the raw
	 * call goes through sigaction's own result first (same table) */
	CHECK_OK(sigaction(SIGUSR1, &sa, &old));
	unsigned long kact[4];
	CHECK_OK(syscall(SYS_rt_sigaction, junk | SIGUSR1, NULL, kact, 8));
	CHECK(kact[0] == (unsigned long)upper_handler);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, kact, junk | 8), EINVAL);
	upper_hits = 0;
	CHECK_OK(syscall(SYS_kill, junk | getpid(), junk | SIGUSR1));
	CHECK_EQ(upper_hits, 1);
	CHECK_OK(syscall(SYS_tgkill, junk | getpid(), junk | gettid(), junk | SIGUSR1));
	CHECK_EQ(upper_hits, 2);
	CHECK_OK(syscall(SYS_tkill, junk | gettid(), junk | SIGUSR1));
	CHECK_EQ(upper_hits, 3);
	CHECK_ERR(syscall(SYS_kill, getpid(), -1), EINVAL); /* a negative signal number */
	unsigned long set = 1ul << (SIGUSR1 - 1), was;
	CHECK_OK(syscall(SYS_rt_sigprocmask, junk | SIG_BLOCK, &set, &was, 8));
	CHECK_OK(syscall(SYS_kill, getpid(), SIGUSR1));
	CHECK_EQ(upper_hits, 3); /* blocked */
	CHECK_OK(syscall(SYS_rt_sigprocmask, junk | SIG_SETMASK, &was, NULL, 8));
	CHECK_EQ(upper_hits, 4); /* unblocked: delivered */
	CHECK_ERR(syscall(SYS_rt_sigprocmask, -1, &set, NULL, 8), EINVAL);
	CHECK_OK(sigaction(SIGUSR1, &old, NULL));
}

static const struct kt_case cases[] = {
	{ "raise_runs_handler", raise_runs_handler },
	{ "signal_int_arguments_ignore_the_upper_register_half",
	  signal_int_arguments_ignore_the_upper_register_half },
	{ "sigaction_returns_old_and_rejects_kill", sigaction_returns_old_and_rejects_kill },
	{ "blocked_signal_stays_pending", blocked_signal_stays_pending },
	{ "realtime_signals_queue", realtime_signals_queue },
	{ "sigkill_cannot_be_blocked", sigkill_cannot_be_blocked },
	{ "siginfo_from_kill_and_sigqueue", siginfo_from_kill_and_sigqueue },
	{ "interrupted_read_eintr", interrupted_read_eintr },
	{ "sa_restart_restarts_read", sa_restart_restarts_read },
	{ "sigsuspend_waits_for_signal", sigsuspend_waits_for_signal },
	{ "sigtimedwait_takes_pending_or_times_out", sigtimedwait_takes_pending_or_times_out },
	{ "handler_runs_on_alternate_stack", handler_runs_on_alternate_stack },
	{ "handler_mask_and_resethand", handler_mask_and_resethand },
	{ "default_actions", default_actions },
	{ "stop_and_continue_child", stop_and_continue_child },
	{ "sigchld_delivered_and_ignoring_reaps", sigchld_delivered_and_ignoring_reaps },
	{ "kill_process_group", kill_process_group },
	{ "handler_preserves_registers", handler_preserves_registers },
	{ "pause_returns_eintr", pause_returns_eintr },
	{ "realtime_lowest_first_each_value", realtime_lowest_first_each_value },
	{ "sigqueue_full_queue_eagain", sigqueue_full_queue_eagain },
	{ "sigqueue_limit_follows_rlimit_sigpending", sigqueue_limit_follows_rlimit_sigpending },
	{ "sigqueueinfo_forged_code_eperm", sigqueueinfo_forged_code_eperm },
	{ "sigaltstack_onstack_eperm_and_autodisarm", sigaltstack_onstack_eperm_and_autodisarm },
	{ "handlers_shared_by_threads", handlers_shared_by_threads },
	KT_CASES_END
};

int main(void)
{
	return kt_main("signals", cases);
}
