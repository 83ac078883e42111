/*
 * Items about threads: creating and joining one (pthread_create + pthread_join of a thread
 * that returns at once: clone, the thread's exit, the clear-child-tid futex wake the join waits
 * for) and a futex ping-pong between two threads of one process (one operation: a round trip,
 * two FUTEX_WAKEs and two FUTEX_WAITs that really sleep). Each run_* performs `n` operations
 * and returns the nanoseconds they took, or -errno.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"
#include "items.h"

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static void *return_at_once(void *arg)
{
	return arg;
}

int64_t run_thread_create(long n)
{
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		pthread_t t;
		void *r;
		int err = pthread_create(&t, NULL, return_at_once, (void *)1);

		if (err)
			return -err;
		if (pthread_join(t, &r) || r != (void *)1)
			return -ECHILD;
	}
	return bench_now_ns() - t0;
}

/* The ball: even, the main thread's turn; odd, the partner's. A thread waits on the word while
 * it holds the other's value, and wakes the other after moving it on. */
static atomic_int ball;
static atomic_int stop_partner;
static pthread_t partner;

static void futex_wait(atomic_int *w, int val)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(atomic_int *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static void *partner_main(void *arg)
{
	(void)arg;
	for (;;) {
		int v = atomic_load(&ball);
		if (atomic_load(&stop_partner))
			return NULL;
		if (!(v & 1)) {
			futex_wait(&ball, v);
			continue;
		}
		atomic_store(&ball, v + 1);
		futex_wake(&ball);
	}
}

int thread_setup_pingpong(void)
{
	atomic_store(&ball, 0);
	atomic_store(&stop_partner, 0);
	int err = pthread_create(&partner, NULL, partner_main, NULL);
	return err ? -err : 0;
}

void thread_teardown_pingpong(void)
{
	atomic_store(&stop_partner, 1);
	atomic_fetch_add(&ball, 2);
	futex_wake(&ball);
	pthread_join(partner, NULL);
}

int64_t run_futex_pingpong(long n)
{
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int v = atomic_load(&ball);
		atomic_store(&ball, v + 1); /* the partner's turn */
		futex_wake(&ball);
		while ((v = atomic_load(&ball)) & 1)
			futex_wait(&ball, v);
	}
	return bench_now_ns() - t0;
}
