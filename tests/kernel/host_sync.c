/*
 * tests/kernel/host_sync.c — the fw/sync.h calls the host-built services use (spinlocks and
 * wait queues), for the single-threaded host tests and the fuzzer: a spinlock records that it
 * is held (so spinlock_held answers and a double lock stops the test), and a wait queue only
 * counts its wake-ups (no task ever sleeps on the host). Not the kernel's implementation
 * (framework/sync/), which the in-kernel tests cover.
 */
#include <fw/sync.h>
#include <stdlib.h>

void __fw_spin_lock_init(struct spinlock *l, struct lock_class *cls)
{
	l->next = l->serve = 0;
	l->owner = NULL;
	l->cls = cls;
}

void spin_lock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (l->next != l->serve)
		abort(); /* taken twice: the kernel would deadlock */
	l->next++;
}

void spin_unlock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (l->next == l->serve)
		abort(); /* not held */
	l->serve++;
}

bool spinlock_held(const struct spinlock *l)
{
	return l->next != l->serve;
}

void spin_assert_held(const struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (!spinlock_held(l))
		abort();
}

void waitq_init(struct waitq *wq)
{
	wq->wakeups = 0;
}

uint32_t waitq_wake_one(struct waitq *wq)
{
	wq->wakeups++;
	return 0;
}

uint32_t waitq_wake_all(struct waitq *wq)
{
	wq->wakeups++;
	return 0;
}
