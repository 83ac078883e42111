/*
 * threads.c — group `threads`: pthreads on top of clone (create/join, shared memory, TLS,
 * thread ids, exit_group from a thread, per-thread signal masks and pthread_kill), the raw
 * clone(CLONE_THREAD|CLONE_CHILD_CLEARTID) contract, and futex wait/wake with its
 * EAGAIN/ETIMEDOUT/EFAULT/ENOSYS paths.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* From the Linux UAPI <linux/futex.h> (musl-gcc has no kernel headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

static long futex(void *addr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static void *return_arg_plus_one(void *arg)
{
	return (void *)((uintptr_t)arg + 1);
}

static void create_and_join_value(void)
{
	pthread_t t;
	void *ret;
	CHECK_EQ(pthread_create(&t, NULL, return_arg_plus_one, (void *)41), 0);
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
		CHECK_EQ(pthread_create(&t[i], NULL, add_many, NULL), 0);
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
	CHECK_EQ(pthread_create(&t, NULL, signal_ready, NULL), 0);
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
	CHECK_EQ(pthread_create(&t, NULL, tls_and_ids, NULL), 0);
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
		CHECK_EQ(pthread_create(&t[i], NULL, futex_waiter, NULL), 0);
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
	CHECK_EQ(pthread_create(&t, NULL, wait_for_signal, NULL), 0);
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
			CHECK_EQ(pthread_create(&t[i], NULL, spin_briefly, (void *)(uintptr_t)i), 0);
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
	int pid = fork();
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
	CHECK_EQ(pthread_create(&t, NULL, fork_in_thread, NULL), 0);
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
	KT_CASES_END
};

int main(void)
{
	return kt_main("threads", cases);
}
