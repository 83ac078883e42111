/*
 * threads.c — group `threads`: pthreads on top of clone (create/join, shared memory, TLS,
 * thread ids, exit_group from a thread, per-thread signal masks and pthread_kill), the raw
 * clone(CLONE_THREAD|CLONE_CHILD_CLEARTID) contract, and futex wait/wake with its
 * EAGAIN/ETIMEDOUT/EFAULT/ENOSYS paths; a futex mutex under contention (8 threads x 100,000
 * increments), thread exit while others block, the main thread exiting first, exit_group and
 * fatal signals ending every thread, robust mutexes (EOWNERDEAD), FUTEX_CMP_REQUEUE, bitsets,
 * WAKE_OP, absolute timeouts on both clocks, EINTR, process-directed signals; futexes and
 * process-shared semaphores in memory shared between processes; one descriptor table for all
 * threads (CLONE_FILES), closes racing reads; the four bugs of the re-run design (issue #14),
 * barriers and cancellation; CLONE_FS; clone3; clone for processes (CLONE_VM without CLONE_VFORK,
 * CLONE_FILES, CLONE_PARENT, exit signals other than SIGCHLD with __WCLONE/__WALL waits). mk/abi.mk boots it twice on Trellis: -smp 1 and -smp 2.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* From the Linux UAPI <linux/futex.h> (musl-gcc has no kernel headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)

static long futex(void *addr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static long futex6(void *addr, int op, int val, long val2, void *addr2, int val3)
{
	return syscall(SYS_futex, addr, op, val, val2, addr2, val3);
}

static void *return_arg_plus_one(void *arg)
{
	return (void *)((uintptr_t)arg + 1);
}

static void create_and_join_value(void)
{
	pthread_t t;
	void *ret;
	CHECK_PT(pthread_create(&t, NULL, return_arg_plus_one, (void *)41));
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK_EQ((uintptr_t)ret, 42);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void mutex_serializes_threads(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		CHECK_PT(pthread_create(&t[i], NULL, add_many, NULL));
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(counter, 80000);
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;

static void *signal_ready(void *arg)
{
	(void)arg;
	usleep(20000);
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void condvar_wakes_waiter(void)
{
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, signal_ready, NULL));
	pthread_mutex_lock(&lock);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	CHECK_EQ(pthread_join(t, NULL), 0);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	CHECK_EQ(pthread_cond_timedwait(&cond, &lock, &ts), ETIMEDOUT);
	pthread_mutex_unlock(&lock);
}

static __thread int tls_value = 5;
static pid_t thread_tid;

static void *tls_and_ids(void *arg)
{
	(void)arg;
	tls_value = 99;
	thread_tid = (pid_t)syscall(SYS_gettid);
	return (void *)(uintptr_t)getpid();
}

static void tls_and_thread_ids(void)
{
	pthread_t t;
	void *pid;
	tls_value = 7;
	CHECK_PT(pthread_create(&t, NULL, tls_and_ids, NULL));
	CHECK_EQ(pthread_join(t, &pid), 0);
	CHECK_EQ(tls_value, 7); /* the thread changed its own copy */
	CHECK_EQ((uintptr_t)pid, getpid());
	CHECK(thread_tid != getpid() && thread_tid > 0);
	CHECK_EQ(syscall(SYS_gettid), getpid());
}

static void *exit_whole_process(void *arg)
{
	(void)arg;
	exit(5);
}

static void exit_from_thread_ends_process(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		pthread_t t;
		pthread_create(&t, NULL, exit_whole_process, NULL);
		for (;;)
			pause();
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 5);
}

static atomic_int clone_flag;
static volatile pid_t clone_ctid = -1;

static int clone_fn(void *arg)
{
	(void)arg;
	atomic_store(&clone_flag, 1);
	return 0;
}

static void raw_clone_clears_child_tid(void)
{
	size_t size = 64 * 1024;
	char *stack = malloc(size);
	CHECK(stack != NULL);
	pid_t ptid = 0;
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	int tid = CHECK_OK(clone(clone_fn, stack + size, flags, NULL, &ptid, NULL, &clone_ctid));
	CHECK_EQ(ptid, tid);
	/* the kernel zeroes the child tid word and wakes futex waiters when the thread exits */
	for (;;) {
		pid_t v = clone_ctid;
		if (v == 0)
			break;
		futex((void *)&clone_ctid, FUTEX_WAIT, v, NULL);
	}
	CHECK_EQ(atomic_load(&clone_flag), 1);
}

static void futex_wait_value_mismatch_and_timeout(void)
{
	int word = 1;
	CHECK_ERR(futex(&word, FUTEX_WAIT, 2, NULL), EAGAIN);
	struct timespec ts = { 0, 20000000 };
	CHECK_ERR(futex(&word, FUTEX_WAIT, 1, &ts), ETIMEDOUT);
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 1, &ts), ETIMEDOUT);
	struct timespec bad = { 0, 1000000000 };
	CHECK_ERR(futex(&word, FUTEX_WAIT, 1, &bad), EINVAL);
}

static void futex_errors(void)
{
	int word = 0;
	CHECK_ERR(futex(KT_BAD_PTR, FUTEX_WAIT, 0, NULL), EFAULT);
	CHECK_ERR(futex((char *)&word + 1, FUTEX_WAIT, 0, NULL), EINVAL); /* unaligned */
	CHECK_ERR(futex(&word, 99, 0, NULL), ENOSYS);
	CHECK_EQ(futex(&word, FUTEX_WAKE, 1, NULL), 0); /* nobody waiting */
}

static int futex_word;
static atomic_int waiting;

static void *futex_waiter(void *arg)
{
	(void)arg;
	atomic_fetch_add(&waiting, 1);
	while (__atomic_load_n(&futex_word, __ATOMIC_SEQ_CST) == 0)
		futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
	return NULL;
}

static void futex_wake_counts_woken(void)
{
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		CHECK_PT(pthread_create(&t[i], NULL, futex_waiter, NULL));
	while (atomic_load(&waiting) < 3)
		usleep(1000);
	/* FUTEX_WAKE with 1 wakes at most one waiter and says how many it woke; retry until
	 * one has blocked (a woken waiter sees the word still 0 and waits again). */
	long woken = 0;
	for (int i = 0; i < 2000 && woken == 0; i++) {
		usleep(1000);
		woken = futex(&futex_word, FUTEX_WAKE_PRIVATE, 1, NULL);
		CHECK(woken >= 0 && woken <= 1);
	}
	CHECK_EQ(woken, 1);
	__atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
	long rest = futex(&futex_word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	CHECK(rest >= 0 && rest <= 3);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
}

static volatile pid_t handled_on;

static void record_tid(int sig)
{
	(void)sig;
	handled_on = (pid_t)syscall(SYS_gettid);
}

static sem_t started, finish;
static pid_t target_tid;

static void *wait_for_signal(void *arg)
{
	(void)arg;
	target_tid = (pid_t)syscall(SYS_gettid);
	sem_post(&started);
	while (sem_wait(&finish) != 0)
		;
	return NULL;
}

static void pthread_kill_targets_thread(void)
{
	pthread_t t;
	sigset_t set;
	signal(SIGUSR1, record_tid);
	sem_init(&started, 0, 0);
	sem_init(&finish, 0, 0);
	CHECK_PT(pthread_create(&t, NULL, wait_for_signal, NULL));
	sem_wait(&started);
	/* block it here: only the target thread can take it */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
	CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
	for (int i = 0; i < 2000 && handled_on == 0; i++)
		usleep(1000);
	CHECK_EQ(handled_on, target_tid);
	sem_post(&finish);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), 0x7ffffff0, SIGUSR1), ESRCH);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), getpid(), 1000), EINVAL);
}

static void *spin_briefly(void *arg)
{
	return arg;
}

static void many_threads_create_and_join(void)
{
	pthread_t t[32];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 32; i++)
			CHECK_PT(pthread_create(&t[i], NULL, spin_briefly, (void *)(uintptr_t)i));
		for (int i = 0; i < 32; i++) {
			void *r;
			CHECK_EQ(pthread_join(t[i], &r), 0);
			CHECK_EQ((uintptr_t)r, i);
		}
	}
}

static void *fork_in_thread(void *arg)
{
	(void)arg;
	int pid = kt_fork();
	if (pid == 0)
		_exit(pthread_self() != 0 ? 11 : 0);
	int st;
	waitpid(pid, &st, 0);
	return (void *)(uintptr_t)(WIFEXITED(st) ? WEXITSTATUS(st) : 255);
}

static void fork_from_thread(void)
{
	pthread_t t;
	void *r;
	CHECK_PT(pthread_create(&t, NULL, fork_in_thread, NULL));
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK_EQ((uintptr_t)r, 11);
}

static void sched_yield_and_affinity(void)
{
	cpu_set_t set;
	CHECK_OK(sched_yield());
	CHECK_OK(sched_getaffinity(0, sizeof(set), &set));
	CHECK(CPU_COUNT(&set) >= 1);
	CHECK_ERR(sched_getaffinity(0x7ffffff0, sizeof(set), &set), ESRCH);
}


/* ---- a futex mutex under contention: 8 threads x 100,000 increments ----------------------- */

/* Drepper's three-state mutex ("Futexes are tricky"): 0 free, 1 locked, 2 locked with
 * waiters; only the futex calls reach the kernel. */
static atomic_int fm_word;
static long fm_counter;

static void fm_lock(void)
{
	int c = 0;
	if (atomic_compare_exchange_strong(&fm_word, &c, 1))
		return;
	if (c != 2)
		c = atomic_exchange(&fm_word, 2);
	while (c != 0) {
		futex(&fm_word, FUTEX_WAIT_PRIVATE, 2, NULL);
		c = atomic_exchange(&fm_word, 2);
	}
}

static void fm_unlock(void)
{
	if (atomic_fetch_sub(&fm_word, 1) != 1) {
		atomic_store(&fm_word, 0);
		futex(&fm_word, FUTEX_WAKE_PRIVATE, 1, NULL);
	}
}

static void *fm_add(void *arg)
{
	long n = (long)(uintptr_t)arg;
	for (long i = 0; i < n; i++) {
		fm_lock();
		fm_counter++;
		fm_unlock();
	}
	return NULL;
}

static void futex_mutex_8_threads_exact_sum(void)
{
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		CHECK_PT(pthread_create(&t[i], NULL, fm_add, (void *)(uintptr_t)100000));
	for (int i = 0; i < 8; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(fm_counter, 800000);
	CHECK_EQ(atomic_load(&fm_word), 0);
}

/* ---- thread exit while others block, leader exit, exit_group ------------------------------ */

static int block_pipe[2];

static void *block_in_read(void *arg)
{
	(void)arg;
	char c = 0;
	long n = read(block_pipe[0], &c, 1);
	return (void *)(uintptr_t)(n == 1 ? c : 0);
}

static void *exit_at_once(void *arg)
{
	pthread_exit(arg);
}

static void thread_exits_while_others_block_in_read(void)
{
	pthread_t r[3], e;
	void *v;
	CHECK_OK(pipe(block_pipe));
	for (int i = 0; i < 3; i++)
		CHECK_PT(pthread_create(&r[i], NULL, block_in_read, NULL));
	CHECK_PT(pthread_create(&e, NULL, exit_at_once, (void *)(uintptr_t)77));
	CHECK_EQ(pthread_join(e, &v), 0);
	CHECK_EQ((uintptr_t)v, 77);
	usleep(20000);
	CHECK_EQ(write(block_pipe[1], "abc", 3), 3); /* each blocked reader takes one byte */
	int sum = 0;
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(pthread_join(r[i], &v), 0);
		sum += (int)(uintptr_t)v;
	}
	CHECK_EQ(sum, 'a' + 'b' + 'c');
}

static void *exit_7_later(void *arg)
{
	(void)arg;
	usleep(50000); /* the main thread has called pthread_exit by then (or soon) */
	exit(7);
}

/* The main thread ends first (pthread_exit): the process lives on in the other thread, whose
 * exit(7) ends it; the parent sees 7. */
static void leader_exit_leaves_the_process_running(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		pthread_t t;
		if ((errno = pthread_create(&t, NULL, exit_7_later, NULL)))
			kt_child_exit(1);
		pthread_exit(NULL);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 7);
}

static void *spin_forever(void *arg)
{
	(void)arg;
	for (volatile unsigned long i = 0;; i++)
		;
	return NULL;
}

/* exit_group from the main thread ends threads spinning in user mode and one blocked in read. */
static void exit_group_ends_spinning_and_blocked_threads(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		pthread_t t;
		if (pipe(block_pipe))
			_exit(1);
		for (int i = 0; i < 3; i++)
			if ((errno = pthread_create(&t, NULL, spin_forever, NULL)))
				kt_child_exit(1);
		if ((errno = pthread_create(&t, NULL, block_in_read, NULL)))
			kt_child_exit(1);
		usleep(30000);
		syscall(SYS_exit_group, 3);
		_exit(1);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 3);
}

/* A fatal signal to one thread ends every thread; the parent sees the signal. */
static void fatal_signal_in_a_thread_ends_the_process(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		pthread_t t;
		for (int i = 0; i < 2; i++)
			if ((errno = pthread_create(&t, NULL, spin_forever, NULL)))
				kt_child_exit(1);
		usleep(20000);
		pthread_kill(t, SIGTERM);
		for (;;)
			pause();
	}
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGTERM);
}

/* Regression sigkill_reaches_threads_after_leader_exit (found by the fuzzer): the main thread
 * ends with the raw exit system call while another thread runs; kill(pid, SIGKILL) must still
 * end the process (it went to the exited leader only, and the process survived). */
static void sigkill_reaches_threads_after_leader_exit(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		pthread_t t;
		if ((errno = pthread_create(&t, NULL, spin_forever, NULL)))
			kt_child_exit(1);
		syscall(SYS_exit, 0); /* this thread only */
		_exit(2);
	}
	usleep(50000);
	CHECK_OK(kill(pid, SIGKILL));
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGKILL);
}

static void *exec_sh_exit_9(void *arg)
{
	(void)arg;
	execl("/bin/sh", "sh", "-c", "exit 9", (char *)NULL);
	kt_child_exit(1);
}

/* execve from the main thread and from another thread while two threads spin: the other
 * threads end, the new program runs alone, its exit status is the process's. */
static void execve_from_a_thread_ends_the_other_threads(void)
{
	for (int who = 0; who < 2; who++) {
		int pid = CHECK_OK(fork());
		if (pid == 0) {
			pthread_t t;
			for (int i = 0; i < 2; i++)
				if ((errno = pthread_create(&t, NULL, spin_forever, NULL)))
					kt_child_exit(1);
			if (who == 0)
				exec_sh_exit_9(NULL);
			if ((errno = pthread_create(&t, NULL, exec_sh_exit_9, NULL)))
				kt_child_exit(1);
			for (;;)
				pause();
		}
		int st = kt_wait(pid);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 9);
	}
}

/* ---- robust mutexes ------------------------------------------------------------------------ */

static pthread_mutex_t robust;

static void *lock_and_die(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL; /* ends holding it: the kernel walks the robust list at the thread's exit */
}

static void robust_mutex_owner_death_is_eownerdead(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
	CHECK_EQ(pthread_mutex_init(&robust, &a), 0);
	CHECK_PT(pthread_create(&t, NULL, lock_and_die, NULL));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(pthread_mutex_lock(&robust), EOWNERDEAD);
	CHECK_EQ(pthread_mutex_consistent(&robust), 0);
	CHECK_EQ(pthread_mutex_unlock(&robust), 0);
	CHECK_EQ(pthread_mutex_lock(&robust), 0); /* consistent again: an ordinary lock */
	CHECK_EQ(pthread_mutex_unlock(&robust), 0);
	long head = 0;
	size_t len = 0;
	CHECK_OK(syscall(SYS_get_robust_list, 0, &head, &len));
	CHECK_EQ(len, 24);
	CHECK_ERR(syscall(SYS_set_robust_list, head, 23), EINVAL);
	CHECK_ERR(syscall(SYS_get_robust_list, 0x7ffffff0, &head, &len), ESRCH);
}

/* ---- futex: requeue, bitsets, absolute timeouts, EINTR -------------------------------------- */

static int rq_a, rq_b;
static atomic_int rq_done;

static void *rq_waiter(void *arg)
{
	(void)arg;
	while (!atomic_load(&rq_done))
		futex(&rq_a, FUTEX_WAIT_PRIVATE, 0, NULL);
	return NULL;
}

static void futex_cmp_requeue_moves_waiters(void)
{
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		CHECK_PT(pthread_create(&t[i], NULL, rq_waiter, NULL));
	CHECK_ERR(futex6(&rq_a, FUTEX_CMP_REQUEUE_PRIVATE, 0, 1, &rq_b, 1), EAGAIN); /* *a != 1 */
	CHECK_ERR(futex6(&rq_a, FUTEX_CMP_REQUEUE_PRIVATE, -1, 1, &rq_b, 0), EINVAL);
	/* move both to b (none woken) as they arrive: the count is what was moved */
	long moved = 0;
	for (int i = 0; i < 4000 && moved < 2; i++) {
		long n = futex6(&rq_a, FUTEX_CMP_REQUEUE_PRIVATE, 0, INT_MAX, &rq_b, 0);
		CHECK(n >= 0);
		moved += n;
		if (moved < 2)
			usleep(1000);
	}
	CHECK_EQ(moved, 2);
	CHECK_EQ(futex(&rq_a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 0); /* nobody left on a */
	atomic_store(&rq_done, 1);
	CHECK_EQ(futex(&rq_b, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 2);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
}

static int bs_word;
static atomic_int bs_done;

static void *bs_waiter(void *arg)
{
	(void)arg;
	while (!atomic_load(&bs_done))
		futex6(&bs_word, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, 0x1);
	return NULL;
}

static void futex_bitset_wakes_only_matching_waiters(void)
{
	pthread_t t;
	CHECK_ERR(futex6(&bs_word, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, 0), EINVAL);
	CHECK_ERR(futex6(&bs_word, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 0), EINVAL);
	CHECK_PT(pthread_create(&t, NULL, bs_waiter, NULL));
	/* a wake with a disjoint bitset never wakes it; one with a common bit does (retried until
	 * the waiter sleeps: woken with the word still 0, it waits again) */
	long woken = 0;
	for (int i = 0; i < 4000 && !woken; i++) {
		usleep(500);
		CHECK_EQ(futex6(&bs_word, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 0x2), 0);
		woken = futex6(&bs_word, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 0x3);
	}
	CHECK_EQ(woken, 1);
	/* the word changes too: a waiter that saw bs_done still 0 and only then calls
	 * FUTEX_WAIT gets EAGAIN instead of sleeping past the wake (the case hung once at
	 * -smp 2 under load: the test's own lost wake-up) */
	atomic_store(&bs_done, 1);
	__atomic_store_n(&bs_word, 1, __ATOMIC_SEQ_CST);
	futex6(&bs_word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, 0, NULL, -1);
	CHECK_EQ(pthread_join(t, NULL), 0);
}

static void futex_absolute_timeouts(void)
{
	int word = 0;
	struct timespec now, ts;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ts = now;
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK_ERR(futex6(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, (long)&ts, NULL, -1), ETIMEDOUT);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK_ERR(futex6(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, (long)&ts,
			 NULL, -1), ETIMEDOUT);
	struct timespec past = { 1, 0 };
	CHECK_ERR(futex6(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, (long)&past, NULL, -1), ETIMEDOUT);
	CHECK_ERR(futex6(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, (long)&past, NULL, -1), EAGAIN);
	/* the realtime flag belongs to the absolute waits only */
	CHECK_ERR(futex6(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, (long)&past, NULL, 0), ENOSYS);
}

static int wo_a, wo_b;
static atomic_int wo_done;

static void *wo_waiter(void *arg)
{
	int *w = arg;
	while (!atomic_load(&wo_done))
		futex(w, FUTEX_WAIT_PRIVATE, 0, NULL);
	return NULL;
}

/* FUTEX_WAKE_OP: b += 1 (old 0), wake a's waiter, and b's because old == 0. */
static void futex_wake_op_changes_word_and_wakes_both(void)
{
	pthread_t ta, tb;
	CHECK_PT(pthread_create(&ta, NULL, wo_waiter, &wo_a));
	CHECK_PT(pthread_create(&tb, NULL, wo_waiter, &wo_b));
	usleep(50000);
	atomic_store(&wo_done, 1);
	/* FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0) */
	int op = (1 << 28) | (0 << 24) | (1 << 12) | 0;
	long n = futex6(&wo_a, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 1, &wo_b, op);
	CHECK(n >= 0 && n <= 2);
	CHECK_EQ(wo_b, 1);
	futex(&wo_a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	futex(&wo_b, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	CHECK_EQ(pthread_join(ta, NULL), 0);
	CHECK_EQ(pthread_join(tb, NULL), 0);
	CHECK_ERR(futex6(&wo_a, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 1, &wo_b, 15 << 28), ENOSYS);
}

static int intr_word;
static atomic_int intr_state; /* 1: about to wait, 2: the wait returned EINTR */

static void on_usr1(int sig)
{
	(void)sig;
}

static void *intr_waiter(void *arg)
{
	(void)arg;
	atomic_store(&intr_state, 1);
	long r = futex(&intr_word, FUTEX_WAIT_PRIVATE, 0, NULL);
	atomic_store(&intr_state, r == -1 && errno == EINTR ? 2 : 3);
	return NULL;
}

/* A handler without SA_RESTART interrupts an untimed FUTEX_WAIT: -1 EINTR. */
static void futex_wait_interrupted_by_handler_is_eintr(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, intr_waiter, NULL));
	while (atomic_load(&intr_state) == 0)
		usleep(1000);
	for (int i = 0; i < 2000 && atomic_load(&intr_state) == 1; i++) {
		usleep(2000);
		pthread_kill(t, SIGUSR1);
	}
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(atomic_load(&intr_state), 2);
}

/* ---- ids and process-directed signals -------------------------------------------------------- */

static volatile pid_t usr2_on;
static atomic_int usr2_ready;

static void record_usr2(int sig)
{
	(void)sig;
	usr2_on = (pid_t)syscall(SYS_gettid);
}

static void *unblock_and_wait(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	atomic_store(&usr2_ready, (int)syscall(SYS_gettid));
	for (int i = 0; i < 4000 && !usr2_on; i++)
		usleep(1000);
	return NULL;
}

/* kill(getpid()) goes to a thread that does not block the signal. */
static void process_signal_reaches_the_thread_that_unblocks_it(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	signal(SIGUSR2, record_usr2);
	CHECK_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
	pthread_t t;
	CHECK_PT(pthread_create(&t, NULL, unblock_and_wait, NULL));
	while (!atomic_load(&usr2_ready))
		usleep(1000);
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(usr2_on, atomic_load(&usr2_ready));
	CHECK_ERR(syscall(SYS_tgkill, 1, syscall(SYS_gettid), 0), ESRCH); /* not in group 1 */
	CHECK_OK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0));
	CHECK_ERR(syscall(SYS_tkill, 0x7ffffff0, 0), ESRCH);
}

/* A futex word in shared memory is one futex for every process that maps it, wherever each
 * maps it (Linux keys it by the page's backing, not the address). The child maps the same
 * tmpfs file a second time at another address and waits there without FUTEX_PRIVATE_FLAG;
 * the parent's wake through its own mapping must reach it. A private wake must not. Then a
 * process-shared POSIX semaphore between parent and child. */
static void futex_shared_between_processes(void)
{
	kt_tmpdir();
	int fd = CHECK_OK(open("futexfile", O_RDWR | O_CREAT | O_TRUNC, 0600));
	CHECK_OK(ftruncate(fd, 4096));
	_Atomic int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(w != MAP_FAILED);
	atomic_store(&w[0], 0); /* the futex word */
	atomic_store(&w[1], 0); /* the child is about to wait */
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		/* a second mapping of the file, at an address the parent does not use */
		char *pad = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		_Atomic int *v = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (pad == MAP_FAILED || v == MAP_FAILED || v == w)
			_exit(2);
		atomic_store(&v[1], 1);
		while (atomic_load(&v[0]) == 0)
			futex((void *)&v[0], FUTEX_WAIT, 0, NULL);
		_exit(atomic_load(&v[0]) == 7 ? 0 : 3);
	}
	while (atomic_load(&w[1]) == 0)
		sched_yield();
	/* wake until the child is asleep on the word: a private wake never reaches it */
	long r = 0;
	for (int i = 0; i < 5000 && r == 0; i++) {
		CHECK_EQ(futex((void *)&w[0], FUTEX_WAKE_PRIVATE, 1, NULL), 0);
		usleep(1000);
		r = futex((void *)&w[0], FUTEX_WAKE, 1, NULL);
	}
	CHECK_EQ(r, 1);
	atomic_store(&w[0], 7);
	futex((void *)&w[0], FUTEX_WAKE, 1, NULL);
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	sem_t *sem = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			  -1, 0);
	CHECK(sem != MAP_FAILED);
	CHECK_OK(sem_init(sem, 1, 0));
	pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(sem_wait(sem) == 0 ? 0 : 4);
	usleep(20000);
	CHECK_OK(sem_post(sem));
	st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	munmap((void *)w, 4096);
	close(fd);
}

/* pthreads share one descriptor table (CLONE_FILES): a descriptor opened by one thread is
 * usable by another, a close by one is seen by the other. Then one thread opens, dup2s and
 * closes descriptor 100 in a loop while another reads from it: every read returns a byte or
 * EBADF, and the kernel survives a file closed under a read (the lookup holds its own
 * reference while the table is shared). */
static int shared_pipe[2];
static atomic_int fd_stop;

static void *open_pipe_in_thread(void *arg)
{
	(void)arg;
	return (void *)(long)(pipe(shared_pipe) ? errno : 0); /* the errno: ENOMEM under injection */
}

static void *close_read_end(void *arg)
{
	(void)arg;
	return (void *)(long)close(shared_pipe[0]);
}

static void *read_fd_100(void *arg)
{
	(void)arg;
	long bad = 0;
	char c;
	while (!atomic_load(&fd_stop)) {
		ssize_t r = read(100, &c, 1);
		if (!(r == 1 || (r == -1 && errno == EBADF)))
			bad++;
	}
	return (void *)bad;
}

static void clone_files_shares_descriptor_table(void)
{
	pthread_t t;
	void *ret;
	CHECK_PT(pthread_create(&t, NULL, open_pipe_in_thread, NULL));
	CHECK_EQ(pthread_join(t, &ret), 0);
	kt_skip_if_injected((long)ret == ENOMEM, "the thread's pipe met the injected ENOMEM");
	CHECK_EQ((long)ret, 0);
	CHECK_EQ(write(shared_pipe[1], "x", 1), 1); /* the thread's descriptors are ours */
	CHECK_PT(pthread_create(&t, NULL, close_read_end, NULL));
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK_EQ((long)ret, 0);
	char c;
	CHECK_ERR(read(shared_pipe[0], &c, 1), EBADF); /* closed by the other thread */
	CHECK_OK(close(shared_pipe[1]));

	atomic_store(&fd_stop, 0);
	CHECK_PT(pthread_create(&t, NULL, read_fd_100, NULL));
	for (int i = 0; i < 2000; i++) {
		int fd = CHECK_OK(open("/dev/zero", O_RDONLY));
		CHECK_EQ(dup2(fd, 100), 100);
		CHECK_OK(close(fd));
		CHECK_OK(close(100));
	}
	atomic_store(&fd_stop, 1);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK_EQ((long)ret, 0);
}

/* --- the bugs of the re-run design (issue #14), each a regression case ------------------- */

static int other_pipe[2];
static volatile sig_atomic_t usr1_seen;

static void write_one_byte_elsewhere(int sig)
{
	(void)sig;
	usr1_seen++;
	char b = 'x';
	(void)!write(other_pipe[1], &b, 1);
}

/* A blocking pipe write interrupted by a signal whose handler writes a byte to another pipe:
 * the bytes already written are not sent again (the re-run design restarted the call from
 * byte 0: the reader got 265,536 of 200,000 bytes). The writer loops on short counts; the
 * reader checks the count and that every byte is where the pattern puts it. */
static void pipe_write_interrupted_by_handler_resends_nothing(void)
{
	enum { TOTAL = 200000 };
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(other_pipe));
	struct sigaction sa = { .sa_handler = write_one_byte_elsewhere, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	int reader = CHECK_OK(fork());
	if (reader == 0) {
		close(p[1]);
		usleep(100000); /* let the writer fill the pipe and block */
		static unsigned char buf[8192];
		long got = 0;
		for (;;) {
			ssize_t n = read(p[0], buf, sizeof(buf));
			if (n < 0)
				_exit(2);
			if (n == 0)
				break;
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != (unsigned char)((got + i) % 251))
					_exit(3);
			got += n;
			usleep(2000); /* a slow reader: the writer blocks again and again */
		}
		_exit(got == TOTAL ? 0 : 4);
	}
	close(p[0]);
	int parent = getpid();
	int kicker = CHECK_OK(fork());
	if (kicker == 0) {
		for (int i = 0; i < 20; i++) {
			usleep(10000);
			kill(parent, SIGUSR1);
		}
		_exit(0);
	}
	static unsigned char data[TOTAL];
	for (long i = 0; i < TOTAL; i++)
		data[i] = (unsigned char)(i % 251);
	long done = 0;
	while (done < TOTAL) {
		ssize_t n = write(p[1], data + done, TOTAL - done);
		if (n < 0 && errno == EINTR)
			continue;
		CHECK(n > 0);
		done += n;
	}
	CHECK_OK(close(p[1]));
	CHECK_EQ(kt_wait(kicker), 0);
	CHECK_EQ(kt_wait(reader), 0); /* exactly TOTAL bytes, in order */
	CHECK(usr1_seen > 0);
	/* the handler's bytes all reached the other pipe, once each */
	CHECK_OK(fcntl(other_pipe[0], F_SETFL, O_NONBLOCK));
	char b[64];
	CHECK_EQ(read(other_pipe[0], b, sizeof(b)), usr1_seen);
}

/* `cat big | (sleep 1; wc -c)`: sendfile into a pipe whose reader comes late blocks until the
 * reader drains it and loses nothing (the re-run design gave up on the full pipe after
 * advancing the input offset: 8 KiB lost). With O_NONBLOCK, a full pipe is EAGAIN and the
 * input offset stays where the bytes sent end. */
static void sendfile_into_a_full_pipe_loses_nothing(void)
{
	enum { SIZE = 300000 };
	kt_tmpdir();
	int fd = CHECK_OK(open("big", O_RDWR | O_CREAT | O_TRUNC, 0600));
	static unsigned char data[SIZE];
	for (long i = 0; i < SIZE; i++)
		data[i] = (unsigned char)(i % 253);
	long wrote = write(fd, data, SIZE);
	/* a regular file's write is short only when memory ran out (here: injected) */
	kt_skip_if_injected(wrote >= 0 && wrote < SIZE, "the file's write was cut short");
	CHECK_EQ(wrote, SIZE);
	CHECK_OK(lseek(fd, 0, SEEK_SET));
	int p[2];
	CHECK_OK(pipe(p));
	int reader = CHECK_OK(fork());
	if (reader == 0) {
		close(p[1]);
		usleep(200000); /* the late reader */
		static unsigned char buf[4096];
		long got = 0;
		ssize_t n;
		while ((n = read(p[0], buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != (unsigned char)((got + i) % 253))
					_exit(3);
			got += n;
		}
		_exit(n == 0 && got == SIZE ? 0 : 4);
	}
	close(p[0]);
	long sent = 0;
	while (sent < SIZE) {
		ssize_t n = sendfile(p[1], fd, NULL, SIZE - sent);
		CHECK(n > 0);
		sent += n;
		CHECK_EQ(lseek(fd, 0, SEEK_CUR), sent);
	}
	CHECK_OK(close(p[1]));
	CHECK_EQ(kt_wait(reader), 0);

	/* non-blocking: fill the pipe, then EAGAIN; the offset counts only what was sent */
	CHECK_OK(pipe(p));
	CHECK_OK(fcntl(p[1], F_SETFL, O_NONBLOCK));
	CHECK_OK(lseek(fd, 0, SEEK_SET));
	sent = 0;
	for (;;) {
		ssize_t n = sendfile(p[1], fd, NULL, SIZE - sent);
		if (n < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		CHECK(n > 0);
		sent += n;
	}
	CHECK(sent > 0 && sent < SIZE);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), sent);
	static unsigned char buf[SIZE];
	CHECK_EQ(read(p[0], buf, sizeof(buf)), sent);
	CHECK(memcmp(buf, data, sent) == 0);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static volatile sig_atomic_t chld_seen, chld_reaped;

static void note_sigchld(int sig)
{
	(void)sig;
	chld_seen++;
}

static void reap_in_handler(int sig)
{
	(void)sig;
	chld_seen++;
	int e = errno;
	if (waitpid(-1, NULL, WNOHANG) > 0)
		chld_reaped++;
	errno = e;
}

/* A child that exits once its parent sleeps (its /proc/PPID/stat state is S: the parent's
 * only thread sleeps in waitpid then). */
static int child_exiting_while_parent_waits(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		char path[64], st[512];
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)getppid());
		for (int i = 0; i < 20000; i++) {
			int fd = open(path, O_RDONLY);
			if (fd < 0)
				_exit(2);
			ssize_t n = read(fd, st, sizeof(st) - 1);
			close(fd);
			if (n <= 0)
				_exit(2);
			st[n] = 0;
			char *rp = strrchr(st, ')');
			if (rp && rp[1] == ' ' && rp[2] == 'S')
				_exit(5);
			usleep(1000);
		}
		_exit(3);
	}
	return pid;
}

/* waitpid with a SIGCHLD handler returns the child's pid when the child exits during the wait
 * (the re-run design returned EINTR although the child was a zombie); with SA_RESTART and a
 * handler that reaps with WNOHANG, the wait still gets the pid (the handler finds nothing:
 * the re-run design's restarted call got ECHILD). */
static void waitpid_with_sigchld_handler_returns_the_pid(void)
{
	struct sigaction sa = { .sa_handler = note_sigchld };
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	for (int round = 0; round < 3; round++) {
		chld_seen = 0;
		int pid = child_exiting_while_parent_waits();
		int st;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 5);
		CHECK_EQ(chld_seen, 1);
	}
	sa.sa_handler = reap_in_handler;
	sa.sa_flags = SA_RESTART;
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	for (int round = 0; round < 3; round++) {
		chld_seen = chld_reaped = 0;
		int pid = child_exiting_while_parent_waits();
		int st;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 5);
		CHECK_EQ(chld_seen, 1);
		CHECK_EQ(chld_reaped, 0);
	}
}

/* One long sendfile (the was 1 GiB from /dev/zero; here 256 MiB of a sparse tmpfs file,
 * as Linux 6.1 cannot splice from /dev/zero, within the watchdog under emulation) to /dev/null
 * does not stop other processes while it runs
 * (the re-run design served one call at a time: 400 ms of nothing else). The child marks
 * shared words before and after its one call; the parent, once it sees the start, must get
 * the CPU (and make system calls) while the call has not finished. On one CPU this needs the
 * call to be preempted; on two it runs beside it. */
static void long_sendfile_does_not_stop_other_processes(void)
{
	kt_tmpdir();
	int fd = CHECK_OK(open("sparse", O_RDWR | O_CREAT | O_TRUNC, 0600));
	CHECK_OK(ftruncate(fd, 256L << 20)); /* a hole: reads as zeros, takes no memory */
	CHECK_OK(close(fd));
	_Atomic int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(w != MAP_FAILED);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		int in = open("sparse", O_RDONLY), out = open("/dev/null", O_WRONLY);
		if (in < 0 || out < 0)
			_exit(2);
		atomic_store(&w[0], 1);
		ssize_t n = sendfile(out, in, NULL, 256L << 20);
		atomic_store(&w[1], 1);
		_exit(n == 256L << 20 ? 0 : 3);
	}
	while (!atomic_load(&w[0]))
		sched_yield();
	long during = 0;
	while (!atomic_load(&w[1])) {
		(void)getppid();
		if (!atomic_load(&w[1]))
			during++;
	}
	CHECK_EQ(kt_wait(pid), 0);
	CHECK(during > 0);
	munmap((void *)w, 4096);
}

/* --- barriers, cancellation, a busy process beside a served one -------------------------- */

enum { BARRIER_THREADS = 4, BARRIER_ROUNDS = 300 };
static pthread_barrier_t barrier;
static _Atomic int barrier_arrived[BARRIER_ROUNDS];
static _Atomic int barrier_serial;

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < BARRIER_ROUNDS; r++) {
		atomic_fetch_add(&barrier_arrived[r], 1);
		int e = pthread_barrier_wait(&barrier);
		if (e == PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&barrier_serial, 1);
		else if (e != 0)
			return (void *)1;
		/* nobody passes the barrier before everyone reached it */
		if (atomic_load(&barrier_arrived[r]) != BARRIER_THREADS)
			return (void *)2;
	}
	return NULL;
}

/* pthread_barrier_wait: BARRIER_THREADS threads, BARRIER_ROUNDS rounds; nobody leaves a round
 * before all arrived, one thread per round gets PTHREAD_BARRIER_SERIAL_THREAD. */
static void barrier_holds_every_thread_each_round(void)
{
	CHECK_EQ(pthread_barrier_init(&barrier, NULL, BARRIER_THREADS), 0);
	pthread_t t[BARRIER_THREADS];
	for (int i = 0; i < BARRIER_THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, barrier_worker, NULL), 0);
	for (int i = 0; i < BARRIER_THREADS; i++) {
		void *v;
		CHECK_EQ(pthread_join(t[i], &v), 0);
		CHECK_EQ((long)v, 0);
	}
	CHECK_EQ(atomic_load(&barrier_serial), BARRIER_ROUNDS);
	CHECK_EQ(pthread_barrier_destroy(&barrier), 0);
}

static int cancel_pipe[2];
static _Atomic int cleanups, cancel_disabled, cancel_sent;
static pthread_mutex_t cancel_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cancel_cond = PTHREAD_COND_INITIALIZER;

static void count_cleanup(void *arg)
{
	(void)arg;
	atomic_fetch_add(&cleanups, 1);
}

static void unlock_cleanup(void *arg)
{
	pthread_mutex_unlock(arg);
	atomic_fetch_add(&cleanups, 1);
}

static void *cancel_in_read(void *arg)
{
	(void)arg;
	char c;
	pthread_cleanup_push(count_cleanup, NULL);
	(void)!read(cancel_pipe[0], &c, 1); /* a cancellation point that blocks */
	pthread_cleanup_pop(0);
	return (void *)1;
}

static void *cancel_in_cond_wait(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cancel_mutex);
	pthread_cleanup_push(unlock_cleanup, &cancel_mutex);
	for (;;)
		pthread_cond_wait(&cancel_cond, &cancel_mutex);
	pthread_cleanup_pop(0);
	return (void *)1;
}

static void *cancel_in_sleep(void *arg)
{
	(void)arg;
	pthread_cleanup_push(count_cleanup, NULL);
	for (;;)
		sleep(10);
	pthread_cleanup_pop(0);
	return (void *)1;
}

static void *cancel_async_spin(void *arg)
{
	(void)arg;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	for (volatile unsigned long i = 0;; i++)
		;
	return (void *)1;
}

static void *cancel_disabled_then_enabled(void *arg)
{
	(void)arg;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	atomic_store(&cancel_disabled, 1);
	while (!atomic_load(&cancel_sent))
		usleep(1000); /* a cancellation point, disabled: the cancel stays pending */
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	pthread_testcancel();
	return (void *)1;
}

/* pthread_cancel of threads blocked in read, pthread_cond_wait and sleep (deferred
 * cancellation acted on in the blocked call: the libcs send a signal and check where it
 * interrupted), of a thread spinning with asynchronous cancellation, and of one that disabled
 * cancellation (acted on when it enables it again): every join gives PTHREAD_CANCELED, the
 * cleanup handlers ran, the condition variable's mutex was released. */
static void cancellation_ends_blocked_and_spinning_threads(void)
{
	CHECK_OK(pipe(cancel_pipe));
	void *(*fns[])(void *) = { cancel_in_read, cancel_in_cond_wait, cancel_in_sleep,
				   cancel_async_spin, cancel_disabled_then_enabled };
	enum { N = sizeof(fns) / sizeof(fns[0]) };
	pthread_t t[N];
	for (int i = 0; i < N; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, fns[i], NULL), 0);
	while (!atomic_load(&cancel_disabled))
		usleep(1000);
	usleep(50000); /* let the others block (a cancel before is acted on as well) */
	for (int i = 0; i < N; i++)
		CHECK_EQ(pthread_cancel(t[i]), 0);
	atomic_store(&cancel_sent, 1);
	for (int i = 0; i < N; i++) {
		void *v;
		CHECK_EQ(pthread_join(t[i], &v), 0);
		CHECK(v == PTHREAD_CANCELED);
	}
	CHECK_EQ(atomic_load(&cleanups), 3);
	CHECK_EQ(pthread_mutex_trylock(&cancel_mutex), 0); /* released by the cleanup */
	CHECK_EQ(pthread_mutex_unlock(&cancel_mutex), 0);
}

static void pin_to(int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	CHECK_OK(sched_setaffinity(0, sizeof(s), &s));
}

/* A busy process (no system calls) on CPU 1 while another is served on CPU 0: the served one
 * makes its calls and pipe round trips with a third process while the busy one keeps spinning,
 * getcpu puts each where it was pinned, and wait4 reports the busy one's user time. With one CPU all three share CPU 0 (the busy one
 * is preempted for the others). */
static void busy_process_on_one_cpu_while_another_is_served(void)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
	int busy_cpu = ncpu - 1;
	_Atomic long *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(w != MAP_FAILED);
	int busy = CHECK_OK(fork());
	if (busy == 0) {
		pin_to(busy_cpu);
		unsigned cpu = 99;
		if (syscall(SYS_getcpu, &cpu, NULL, NULL))
			_exit(2);
		atomic_store(&w[1], (long)cpu + 1);
		for (;;)
			atomic_fetch_add(&w[0], 1); /* user mode only, until killed */
	}
	pin_to(0);
	while (!atomic_load(&w[1]))
		sched_yield();
	CHECK_EQ(atomic_load(&w[1]), busy_cpu + 1);
	int ping[2], pong[2];
	CHECK_OK(pipe(ping));
	CHECK_OK(pipe(pong));
	int echo = CHECK_OK(fork());
	if (echo == 0) {
		close(ping[1]);
		close(pong[0]);
		char c;
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				_exit(2);
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	long spins = atomic_load(&w[0]);
	/* served: round trips until the busy one has spun a million more times meanwhile */
	long trips = 0;
	for (; trips < 200000; trips++) {
		char c = 'p';
		CHECK_EQ(write(ping[1], &c, 1), 1);
		CHECK_EQ(read(pong[0], &c, 1), 1);
		unsigned cpu = 99;
		CHECK_OK(syscall(SYS_getcpu, &cpu, NULL, NULL));
		CHECK_EQ(cpu, 0);
		if (trips >= 100 && atomic_load(&w[0]) - spins >= 1000000)
			break;
	}
	CHECK(trips < 200000);
	CHECK_OK(kill(busy, SIGKILL));
	int st;
	struct rusage ru;
	CHECK_EQ(wait4(busy, &st, 0, &ru), busy);
	CHECK(WIFSIGNALED(st));
	CHECK(ru.ru_utime.tv_sec > 0 || ru.ru_utime.tv_usec > 0); /* its user time, counted */
	close(ping[1]);
	CHECK_EQ(kt_wait(echo), 0);
	close(pong[0]);
	munmap((void *)w, 4096);
}

/* --- CLONE_FS ------------------------------------------------------------------------------ */

static void *chdir_sub_umask_077(void *arg)
{
	(void)arg;
	if (syscall(SYS_chdir, "sub") || syscall(SYS_umask, 077) != 022)
		return (void *)1;
	return NULL;
}

static void *chroot_here(void *arg)
{
	(void)arg;
	return (void *)(long)syscall(SYS_chroot, ".");
}

static volatile pid_t fs_ctid = -1;

static int fs_clone_fn(void *arg)
{
	(void)arg;
	syscall(SYS_chdir, "sub");
	syscall(SYS_umask, 077);
	return 0;
}

/* CLONE_FS: a thread's chdir, umask and chroot are the process's (pthreads pass CLONE_FS);
 * a thread cloned without CLONE_FS changes only its own; a process cloned with CLONE_FS shares
 * them with its parent. */
static void clone_fs_shares_cwd_root_and_umask(void)
{
	kt_tmpdir();
	char base[512], cwd[600];
	CHECK(getcwd(base, sizeof(base)) != NULL);
	CHECK_OK(mkdir("sub", 0755));
	umask(022);

	pthread_t t;
	void *v;
	CHECK_EQ(pthread_create(&t, NULL, chdir_sub_umask_077, NULL), 0);
	CHECK_EQ(pthread_join(t, &v), 0);
	CHECK(v == NULL);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(strncmp(cwd, base, strlen(base)) == 0 && strcmp(cwd + strlen(base), "/sub") == 0);
	CHECK_EQ(umask(022), 077);
	CHECK_OK(chdir(base));

	/* a thread without CLONE_FS */
	size_t size = 64 * 1024;
	char *stack = malloc(size);
	CHECK(stack != NULL);
	int flags = CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		    CLONE_CHILD_CLEARTID;
	CHECK_OK(clone(fs_clone_fn, stack + size, flags, NULL, NULL, NULL, &fs_ctid));
	for (;;) {
		pid_t w = fs_ctid;
		if (w == 0)
			break;
		futex((void *)&fs_ctid, FUTEX_WAIT, w, NULL);
	}
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(strcmp(cwd, base) == 0);
	CHECK_EQ(umask(022), 022);

	/* a process with CLONE_FS */
	long pid = syscall(SYS_clone, CLONE_FS | SIGCHLD, 0, NULL, NULL, 0);
	CHECK(pid >= 0);
	if (pid == 0) {
		syscall(SYS_chdir, "sub");
		syscall(SYS_exit, 0);
	}
	CHECK_EQ(kt_wait((int)pid), 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(strcmp(cwd + strlen(base), "/sub") == 0);
	CHECK_OK(chdir(base));

	/* chroot in a thread: the main thread's absolute paths start there too */
	int fd = CHECK_OK(open("marker", O_CREAT | O_WRONLY, 0600));
	CHECK_OK(close(fd));
	CHECK_EQ(pthread_create(&t, NULL, chroot_here, NULL), 0);
	CHECK_EQ(pthread_join(t, &v), 0);
	CHECK(v == NULL);
	CHECK_OK(access("/marker", F_OK));
	CHECK_OK(access("/sub", F_OK));
}

/* --- clone3 -------------------------------------------------------------------------------- */

struct kt_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};
#define KT_SYS_CLONE3 435

static long clone3_call(void *args, size_t size)
{
	return syscall(KT_SYS_CLONE3, args, size);
}

/* clone3: a process with exit_signal SIGCHLD from the version-0 structure (64 bytes) and from
 * a larger buffer with zeros past the structure; the argument checks (sizes, non-zero bytes
 * past the structure, exit signal, the flags' signal byte, stack without a size, CLONE_THREAD
 * with an exit signal, a bad pointer). */
static void clone3_forks_and_checks_its_arguments(void)
{
	static unsigned char buf[256];
	struct kt_clone_args a = { .exit_signal = SIGCHLD };
	for (int round = 0; round < 2; round++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &a, sizeof(a));
		long pid = clone3_call(buf, round == 0 ? 64 : sizeof(buf));
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(7);
		int st = kt_wait((int)pid);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 7);
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &a, sizeof(a));
	CHECK_ERR(clone3_call(buf, 0), EINVAL);
	CHECK_ERR(clone3_call(buf, 63), EINVAL);
	CHECK_ERR(clone3_call(buf, 4097), E2BIG);
	buf[200] = 1;
	CHECK_ERR(clone3_call(buf, sizeof(buf)), E2BIG);
	CHECK_ERR(clone3_call(KT_BAD_PTR, 64), EFAULT);
	struct kt_clone_args bad = a;
	bad.exit_signal = 65;
	CHECK_ERR(clone3_call(&bad, 64), EINVAL);
	bad = a;
	bad.flags = SIGCHLD; /* the signal belongs in exit_signal */
	CHECK_ERR(clone3_call(&bad, 64), EINVAL);
	bad = a;
	bad.stack = (uint64_t)(uintptr_t)buf; /* a stack without its size */
	CHECK_ERR(clone3_call(&bad, 64), EINVAL);
	bad = a;
	bad.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD; /* a thread has no exit signal */
	CHECK_ERR(clone3_call(&bad, 64), EINVAL);
}

/* --- clone for processes: CLONE_VM without CLONE_VFORK, CLONE_FILES, CLONE_PARENT, exit
 * signals other than SIGCHLD ------------------------------------------------------------ */

static volatile int shared_word;

static int write_shared_word(void *arg)
{
	shared_word = (int)(intptr_t)arg;
	return 5;
}

/* clone(CLONE_VM|SIGCHLD) without CLONE_VFORK: a process running in the caller's memory while
 * the caller runs too (it was EINVAL); its write is the caller's to see, and it is reaped as
 * any child. */
static void clone_vm_process_shares_memory_without_vfork(void)
{
	size_t size = 64 * 1024;
	char *stack = malloc(size);
	CHECK(stack != NULL);
	shared_word = 0;
	int pid = CHECK_OK(clone(write_shared_word, stack + size, CLONE_VM | SIGCHLD, (void *)41));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 5);
	CHECK_EQ(shared_word, 41);
	free(stack);
}

static int open_a_descriptor(void *arg)
{
	(void)arg;
	return open("/", O_RDONLY | O_DIRECTORY); /* the descriptor number is the exit status */
}

/* clone(CLONE_FILES|SIGCHLD): one descriptor table for two processes (it was EINVAL): what the
 * child opens is open in the caller after the child has exited. */
static void clone_files_process_shares_descriptor_table(void)
{
	size_t size = 64 * 1024;
	char *stack = malloc(size);
	CHECK(stack != NULL);
	int pid = CHECK_OK(clone(open_a_descriptor, stack + size, CLONE_FILES | SIGCHLD, NULL));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	int fd = WEXITSTATUS(st);
	CHECK(fd > 2);
	CHECK(fcntl(fd, F_GETFD) >= 0);
	struct stat a, b;
	CHECK_OK(fstat(fd, &a));
	CHECK_OK(stat("/", &b));
	CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	CHECK_OK(close(fd));
	free(stack);
}

static int exit_with_ppid(void *arg)
{
	(void)arg;
	return getppid() & 0xff;
}

/* clone(CLONE_PARENT): the new process is its creator's sibling (it was EINVAL): its parent is
 * the creator's parent, which reaps it, and the creator has no child to wait for. */
static void clone_parent_makes_a_sibling(void)
{
	int ends[2];
	CHECK_OK(pipe(ends));
	int mid = CHECK_OK(fork());
	if (mid == 0) {
		size_t size = 64 * 1024;
		char *stack = malloc(size);
		if (!stack)
			_exit(2);
		int sib = clone(exit_with_ppid, stack + size, CLONE_PARENT | SIGCHLD, NULL);
		if (sib < 0)
			_exit(3);
		int st;
		if (waitpid(sib, &st, 0) != -1 || errno != ECHILD)
			_exit(4); /* not the creator's child */
		if (write(ends[1], &sib, sizeof(sib)) != sizeof(sib))
			_exit(5);
		_exit(0);
	}
	CHECK_OK(close(ends[1]));
	int sib = 0;
	CHECK_EQ(read(ends[0], &sib, sizeof(sib)), (long)sizeof(sib));
	CHECK_OK(close(ends[0]));
	CHECK_EQ(kt_wait(mid), 0);
	int st = kt_wait(sib); /* the caller's child */
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), getpid() & 0xff);
}

static int exit_seven(void *arg)
{
	(void)arg;
	return 7;
}

static volatile sig_atomic_t usr1_count;
static void count_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

/* clone's low byte is the exit signal (only SIGCHLD was accepted): a child with SIGUSR1 sends
 * that at its exit, one with 0 sends nothing; both are "clone children", which a wait without
 * __WCLONE or __WALL does not see (ECHILD), and __WCLONE/__WALL reap. */
static void clone_exit_signal_and_wclone_waits(void)
{
	size_t size = 64 * 1024;
	char *stack = malloc(size);
	CHECK(stack != NULL);
	struct sigaction sa = { .sa_handler = count_usr1 }, old;
	CHECK_OK(sigaction(SIGUSR1, &sa, &old));
	usr1_count = 0;
	int pid = CHECK_OK(clone(exit_seven, stack + size, SIGUSR1, NULL));
	int st;
	/* the child is not a SIGCHLD child: a plain wait does not see it */
	CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
	CHECK_EQ(waitpid(pid, &st, __WCLONE), pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 7);
	CHECK_EQ(usr1_count, 1);
	/* no exit signal at all: __WALL reaps it, and nothing was sent */
	pid = CHECK_OK(clone(exit_seven, stack + size, 0, NULL));
	CHECK_EQ(waitpid(pid, &st, __WALL), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	CHECK_EQ(usr1_count, 1);
	/* a SIGCHLD child is not a __WCLONE one */
	pid = CHECK_OK(clone(exit_seven, stack + size, SIGCHLD, NULL));
	CHECK_ERR(waitpid(pid, &st, __WCLONE), ECHILD);
	CHECK_EQ(waitpid(pid, &st, __WALL), pid);
	CHECK_OK(sigaction(SIGUSR1, &old, NULL));
	free(stack);
}

/* kill(-1) reaches every process it may signal, however many (it stopped after 64 targets):
 * as nobody, 80 children of nobody are all ended by one kill(-1, SIGTERM) (the caller is
 * spared; processes of other users are not the caller's to signal). */
static void kill_minus_one_reaches_more_than_64_processes(void)
{
	enum { N = 80 };
	int boss = CHECK_OK(fork());
	if (boss == 0) {
		kt_drop_privileges();
		signal(SIGTERM, SIG_DFL);
		int pids[N], ready[2];
		if (pipe(ready))
			_exit(2);
		for (int i = 0; i < N; i++) {
			pids[i] = kt_fork(); /* an injected failure: the case is skipped */
			if (pids[i] < 0)
				_exit(3);
			if (pids[i] == 0) {
				(void)!write(ready[1], "r", 1);
				for (;;)
					pause();
			}
		}
		for (int i = 0; i < N; i++) {
			char c;
			if (read(ready[0], &c, 1) != 1)
				_exit(4);
		}
		signal(SIGTERM, SIG_IGN); /* the caller is not a target anyway */
		if (kill(-1, SIGTERM))
			_exit(5);
		for (int i = 0; i < N; i++) {
			int st;
			if (waitpid(pids[i], &st, 0) != pids[i] || !WIFSIGNALED(st) ||
			    WTERMSIG(st) != SIGTERM)
				_exit(6);
		}
		_exit(0);
	}
	CHECK_EQ(kt_wait(boss), 0);
}

/* Regression (group_ids_are_the_process_s): the process group and session were kept per
 * thread and setpgid/setsid changed only the leader's: getpgid and getsid of another thread's
 * tid gave the old ids, kill(0) from that thread went to the old group, and setpgid of a
 * thread's tid moved the whole process (Linux: EINVAL, it is not a group leader). */
static volatile sig_atomic_t usr2_seen;
static void on_usr2(int sig)
{
	(void)sig;
	usr2_seen = 1;
}

static pid_t ids_tid;
static void *ids_thread(void *arg)
{
	int fd = *(int *)arg;
	__atomic_store_n(&ids_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	char c;
	if (read(fd, &c, 1) == 1 && c == 'k')
		(void)kill(0, SIGUSR2); /* the caller's process group: its own process */
	return NULL;
}

static void group_ids_are_the_process_s(void)
{
	signal(SIGUSR2, SIG_IGN);
	CHECK_OK(setpgid(0, 0)); /* a group of its own: a signal to the old group reaches only it */
	int c = CHECK_OK(fork());
	if (c == 0) {
		int fds[2];
		pthread_t t;
		if (pipe(fds) || signal(SIGUSR2, on_usr2) == SIG_ERR)
			_exit(10);
		if (pthread_create(&t, NULL, ids_thread, &fds[0]))
			_exit(11);
		while (!__atomic_load_n(&ids_tid, __ATOMIC_ACQUIRE))
			sched_yield();
		pid_t me = getpid(), tid = ids_tid;
		if (getpgid(tid) != getppid())
			_exit(12); /* before: the parent's group, as the leader's */
		if (setsid() != me)
			_exit(13);
		if (getsid(tid) != me)
			_exit(14);
		if (getpgid(tid) != me)
			_exit(15);
		if (setpgid(tid, 0) != -1 || errno != EINVAL)
			_exit(16);
		if (write(fds[1], "k", 1) != 1 || pthread_join(t, NULL))
			_exit(17);
		for (int i = 0; i < 1000 && !usr2_seen; i++)
			usleep(1000);
		_exit(usr2_seen ? 0 : 18);
	}
	CHECK_EQ(kt_wait(c), 0);
}

/* wait_event - waitpid(pid, options | WNOHANG) polled for up to 2 s: its result, status in *st. */
static int wait_event(int pid, int *st, int options)
{
	for (int i = 0; i < 2000; i++) {
		int r = waitpid(pid, st, options | WNOHANG);
		if (r != 0)
			return r;
		usleep(1000);
	}
	return 0;
}

static int stop_ready[2];
static void *report_and_pause(void *arg)
{
	(void)arg;
	(void)!write(stop_ready[1], "r", 1);
	for (;;)
		pause();
	return NULL;
}

/* Regression (stop_after_the_leader_exited_is_reported): job control of a process whose main
 * thread ended with pthread_exit: SIGSTOP stops the other threads and wait4(WUNTRACED) reports
 * the process stopped, WCONTINUED its SIGCONT, as Linux's group stop (stop and continue were
 * the leader thread's only: the parent never heard of either). */
static void stop_after_the_leader_exited_is_reported(void)
{
	CHECK_OK(pipe(stop_ready));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		pthread_t t;
		if ((errno = pthread_create(&t, NULL, report_and_pause, NULL)))
			kt_child_exit(1);
		pthread_exit(NULL);
	}
	char c;
	CHECK_EQ(read(stop_ready[0], &c, 1), 1);
	usleep(100000); /* the main thread has ended by now */
	int st = 0;
	CHECK_OK(kill(pid, SIGSTOP));
	CHECK_EQ(wait_event(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK_OK(kill(pid, SIGCONT));
	CHECK_EQ(wait_event(pid, &st, WCONTINUED), pid);
	CHECK(WIFCONTINUED(st));
	CHECK_OK(kill(pid, SIGKILL));
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* Regression syscall_return_values_reach_user_space_on_both_cpus (notes/ttysock-smp2-race.md:
 * under load at -smp 2 a client of glibc.sockets' stress case saw write(2) return 0 where the
 * kernel had returned 8). Four pairs of processes ping-pong over AF_UNIX stream socketpairs,
 * so they sleep, wake and move between CPUs all the time; every call is made by an inline
 * `syscall` with known values in the registers Linux preserves (all but RAX, RCX and R11) and
 * checks the result and each of those registers; the libc's write() is checked too. */
#define SR_PAIRS 4
#define SR_ROUNDS 4000

static long sr_call(long nr, long a, long b, long c, int *bad)
{
	register long r8 __asm__("r8") = 0x0808080808080808L ^ nr;
	register long r9 __asm__("r9") = 0x0909090909090909L ^ c;
	register long r10 __asm__("r10") = 0x1010101010101010L;
	register long r12 __asm__("r12") = 0x1212121212121212L ^ a;
	register long r13 __asm__("r13") = 0x1313131313131313L;
	register long r14 __asm__("r14") = 0x1414141414141414L ^ b;
	register long r15 __asm__("r15") = 0x1515151515151515L;
	long rbx = 0x0b0b0b0b0b0b0b0bL ^ c, rax = nr, rdi = a, rsi = b, rdx = c;
	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15), "+b"(rbx)
			 :
			 : "rcx", "r11", "memory");
	*bad = (rdi != a) | (rsi != b) << 1 | (rdx != c) << 2 |
	       (r8 != (0x0808080808080808L ^ nr)) << 3 | (r9 != (0x0909090909090909L ^ c)) << 4 |
	       (r10 != 0x1010101010101010L) << 5 | (r12 != (0x1212121212121212L ^ a)) << 6 |
	       (r13 != 0x1313131313131313L) << 7 | (r14 != (0x1414141414141414L ^ b)) << 8 |
	       (r15 != 0x1515151515151515L) << 9 | (rbx != (0x0b0b0b0b0b0b0b0bL ^ c)) << 10;
	return rax;
}

/* One side of a pair: `first` writes first. Exits 0, or 10+ after a diagnostic. */
static void sr_side(int id, int fd, int first)
{
	unsigned char buf[64];
	long me = getpid();
	int bad;
	for (int r = 0; r < SR_ROUNDS; r++) {
		for (int turn = 0; turn < 2; turn++) {
			int writing = (turn == 0) == (first != 0);
			long want = 1 + (r * 7 + (id ^ !writing)) % 63;
			if (writing) {
				for (int k = 0; k < want; k++)
					buf[k] = (unsigned char)(k + r);
				long n = (r & 1) ? sr_call(SYS_write, fd, (long)buf, want, &bad)
						 : (bad = 0, (long)write(fd, buf, (size_t)want));
				if (n != want || bad) {
					kt_diag("side %d round %d: write %ld, want %ld, registers %#x", id, r, n, want, bad);
					_exit(10);
				}
			} else {
				long n = sr_call(SYS_read, fd, (long)buf, want, &bad);
				if (n != want || bad) {
					kt_diag("side %d round %d: read %ld, want %ld, registers %#x", id, r, n, want, bad);
					_exit(11);
				}
				for (int k = 0; k < want; k++)
					if (buf[k] != (unsigned char)(k + r)) {
						kt_diag("side %d round %d: byte %d is %u", id, r, k, buf[k]);
						_exit(12);
					}
			}
		}
		long p = sr_call(SYS_getpid, 0, 0, 0, &bad);
		if (p != me || bad) {
			kt_diag("side %d round %d: getpid %ld, want %ld, registers %#x", id, r, p, me, bad);
			_exit(13);
		}
	}
	_exit(0);
}

static void syscall_return_values_reach_user_space_on_both_cpus(void)
{
	int pids[2 * SR_PAIRS];
	for (int p = 0; p < SR_PAIRS; p++) {
		int sv[2];
		CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
		for (int side = 0; side < 2; side++) {
			pids[2 * p + side] = CHECK_OK(fork());
			if (pids[2 * p + side] == 0) {
				close(sv[!side]);
				sr_side(2 * p + side, sv[side], side == 0);
			}
		}
		close(sv[0]);
		close(sv[1]);
	}
	for (int i = 0; i < 2 * SR_PAIRS; i++)
		CHECK_EQ(kt_wait(pids[i]), 0);
}

/* A child's exit signals its parent after letting the process lock go: a parent that exited
 * and was reaped (freed) in that window was signalled through freed memory (the 30-min soak's
 * #GP: the heap poison in the parent's sig_lock). The parent and its 8 children exit together,
 * the test reaps the parent at once and, as a subreaper, the children; for about a second at -smp 2. */
static void exit_while_the_parent_is_reaped(void)
{
	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rounds = 0;
	do {
		pid_t parent = fork();
		CHECK(parent >= 0);
		if (parent == 0) {
			int k = 0;
			for (; k < 8; k++) {
				pid_t c = fork();
				if (c < 0)
					break;
				if (c == 0)
					_exit(0); /* each child leaves at once */
			}
			_exit(k == 8 ? 0 : 100 + k); /* and so does the parent: how many it made */
		}
		int st = kt_wait(parent);
		CHECK(WIFEXITED(st));
		int made = WEXITSTATUS(st) == 0 ? 8 : WEXITSTATUS(st) - 100;
		CHECK(made >= 0 && made <= 8);
		for (int k = 0; k < made; k++) { /* the children, reparented to us */
			pid_t w = waitpid(-1, &st, 0);
			CHECK(w > 0);
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		}
		kt_skip_if_injected(made != 8, "a fork met the injected failure");
		CHECK_EQ(made, 8);
		rounds++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (rounds < 2000 && (now.tv_sec - t0.tv_sec) * 1000000000L + (now.tv_nsec - t0.tv_nsec) <
					   1000000000L);
	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0));
	CHECK(rounds > 10);
}

static const struct kt_case cases[] = {
	{ "syscall_return_values_reach_user_space_on_both_cpus", syscall_return_values_reach_user_space_on_both_cpus },
	{ "create_and_join_value", create_and_join_value },
	{ "mutex_serializes_threads", mutex_serializes_threads },
	{ "condvar_wakes_waiter", condvar_wakes_waiter },
	{ "tls_and_thread_ids", tls_and_thread_ids },
	{ "exit_from_thread_ends_process", exit_from_thread_ends_process },
	{ "raw_clone_clears_child_tid", raw_clone_clears_child_tid },
	{ "futex_wait_value_mismatch_and_timeout", futex_wait_value_mismatch_and_timeout },
	{ "futex_errors", futex_errors },
	{ "futex_wake_counts_woken", futex_wake_counts_woken },
	{ "pthread_kill_targets_thread", pthread_kill_targets_thread },
	{ "many_threads_create_and_join", many_threads_create_and_join },
	{ "fork_from_thread", fork_from_thread },
	{ "sched_yield_and_affinity", sched_yield_and_affinity },
	{ "futex_mutex_8_threads_exact_sum", futex_mutex_8_threads_exact_sum },
	{ "thread_exits_while_others_block_in_read", thread_exits_while_others_block_in_read },
	{ "leader_exit_leaves_the_process_running", leader_exit_leaves_the_process_running },
	{ "exit_group_ends_spinning_and_blocked_threads", exit_group_ends_spinning_and_blocked_threads },
	{ "fatal_signal_in_a_thread_ends_the_process", fatal_signal_in_a_thread_ends_the_process },
	{ "sigkill_reaches_threads_after_leader_exit", sigkill_reaches_threads_after_leader_exit },
	{ "execve_from_a_thread_ends_the_other_threads", execve_from_a_thread_ends_the_other_threads },
	{ "robust_mutex_owner_death_is_eownerdead", robust_mutex_owner_death_is_eownerdead },
	{ "futex_cmp_requeue_moves_waiters", futex_cmp_requeue_moves_waiters },
	{ "clone_vm_process_shares_memory_without_vfork", clone_vm_process_shares_memory_without_vfork },
	{ "clone_files_process_shares_descriptor_table", clone_files_process_shares_descriptor_table },
	{ "clone_parent_makes_a_sibling", clone_parent_makes_a_sibling },
	{ "clone_exit_signal_and_wclone_waits", clone_exit_signal_and_wclone_waits },
	{ "futex_bitset_wakes_only_matching_waiters", futex_bitset_wakes_only_matching_waiters },
	{ "futex_absolute_timeouts", futex_absolute_timeouts },
	{ "futex_wake_op_changes_word_and_wakes_both", futex_wake_op_changes_word_and_wakes_both },
	{ "futex_wait_interrupted_by_handler_is_eintr", futex_wait_interrupted_by_handler_is_eintr },
	{ "process_signal_reaches_the_thread_that_unblocks_it", process_signal_reaches_the_thread_that_unblocks_it },
	{ "futex_shared_between_processes", futex_shared_between_processes },
	{ "clone_files_shares_descriptor_table", clone_files_shares_descriptor_table },
	{ "pipe_write_interrupted_by_handler_resends_nothing", pipe_write_interrupted_by_handler_resends_nothing },
	{ "sendfile_into_a_full_pipe_loses_nothing", sendfile_into_a_full_pipe_loses_nothing },
	{ "exit_while_the_parent_is_reaped", exit_while_the_parent_is_reaped },
	{ "waitpid_with_sigchld_handler_returns_the_pid", waitpid_with_sigchld_handler_returns_the_pid },
	{ "long_sendfile_does_not_stop_other_processes", long_sendfile_does_not_stop_other_processes },
	{ "barrier_holds_every_thread_each_round", barrier_holds_every_thread_each_round },
	{ "cancellation_ends_blocked_and_spinning_threads", cancellation_ends_blocked_and_spinning_threads },
	{ "busy_process_on_one_cpu_while_another_is_served", busy_process_on_one_cpu_while_another_is_served },
	{ "clone_fs_shares_cwd_root_and_umask", clone_fs_shares_cwd_root_and_umask },
	{ "clone3_forks_and_checks_its_arguments", clone3_forks_and_checks_its_arguments },
	{ "kill_minus_one_reaches_more_than_64_processes", kill_minus_one_reaches_more_than_64_processes },
	{ "group_ids_are_the_process_s", group_ids_are_the_process_s },
	{ "stop_after_the_leader_exited_is_reported", stop_after_the_leader_exited_is_reported },
	KT_CASES_END
};

int main(void)
{
	return kt_main("threads", cases);
}
