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

/* Mutexes (the VFS's lock): held or not, as the spinlocks above; nobody ever waits. */
void __fw_mutex_init(struct mutex *m, struct lock_class *cls)
{
	m->owner = NULL;
	m->cls = cls;
	m->wait_lock.next = m->wait_lock.serve = 0;
}

static struct task *host_mutex_owner(void)
{
	static char token;
	return (struct task *)(void *)&token; /* any non-NULL marker: one thread on the host */
}

void mutex_lock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (m->owner)
		abort(); /* taken twice: the kernel would deadlock */
	m->owner = host_mutex_owner();
}

bool mutex_trylock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (m->owner)
		return false;
	m->owner = host_mutex_owner();
	return true;
}

void mutex_unlock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (!m->owner)
		abort(); /* not held */
	m->owner = NULL;
}

bool mutex_held(const struct mutex *m)
{
	return m->owner != NULL;
}

void mutex_assert_held(const struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (!mutex_held(m))
		abort();
}
