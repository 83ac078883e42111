/*
 * threads.c — group `threads`: pthreads on top of clone (create/join, shared memory, TLS,
 * thread ids, exit_group from a thread, per-thread signal masks and pthread_kill), the raw
 * clone(CLONE_THREAD|CLONE_CHILD_CLEARTID) contract, and futex wait/wake with its
 * EAGAIN/ETIMEDOUT/EFAULT/ENOSYS paths; a futex mutex under contention (8 threads x 100,000
 * increments), thread exit while others block, the main thread exiting first, exit_group and
 * fatal signals ending every thread, robust mutexes (EOWNERDEAD), FUTEX_CMP_REQUEUE, bitsets,
 * WAKE_OP, absolute timeouts on both clocks, EINTR, process-directed signals; futexes and
 * process-shared semaphores in memory shared between processes; one descriptor table for all
 * threads (CLONE_FILES), closes racing reads.
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
#include <sys/mman.h>
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
	atomic_store(&bs_done, 1);
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
	return (void *)(long)pipe(shared_pipe);
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

static const struct kt_case cases[] = {
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
	{ "futex_bitset_wakes_only_matching_waiters", futex_bitset_wakes_only_matching_waiters },
	{ "futex_absolute_timeouts", futex_absolute_timeouts },
	{ "futex_wake_op_changes_word_and_wakes_both", futex_wake_op_changes_word_and_wakes_both },
	{ "futex_wait_interrupted_by_handler_is_eintr", futex_wait_interrupted_by_handler_is_eintr },
	{ "process_signal_reaches_the_thread_that_unblocks_it", process_signal_reaches_the_thread_that_unblocks_it },
	{ "futex_shared_between_processes", futex_shared_between_processes },
	{ "clone_files_shares_descriptor_table", clone_files_shares_descriptor_table },
	KT_CASES_END
};

int main(void)
{
	return kt_main("threads", cases);
}
