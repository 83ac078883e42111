/*
 * mutex.c — sleeping mutual exclusion (fw/sync.h).
 *
 * State: `owner` (the holding task or NULL) and a FIFO of sleeping waiters, both under the
 * mutex's raw wait_lock. Lock: if free, take it; else queue ourselves, mark ourselves
 * SLEEPING — both under wait_lock — and schedule(). Unlock: clear the owner, dequeue the first
 * waiter and wake it; it retries (another task may have taken the lock in between: no hand-off,
 * so a task that just released may re-take a contended mutex; the woken one re-queues). A wake
 * that lands between "queued + SLEEPING" and schedule() is not lost: task_wake() makes the task
 * RUNNING again and schedule() then keeps it runnable.
 */
#include <fw/sync.h>

#include "internal/panic_internal.h"
#include "internal/rawlock.h"
#include "internal/task.h"

void __fw_mutex_init(struct mutex *m, struct lock_class *cls)
{
	/* Re-initialising a mutex that is held or has sleepers would strand them (and let a
	 * second holder in): refused. */
	/* SAFETY: atomic loads of the lock's own words, which only its functions write. */
	FW_CHECK(__atomic_load_n(&m->owner, __ATOMIC_ACQUIRE) == NULL &&
			 (!m->waiters.next || qlist_empty(&m->waiters)),
		 "mutex_init of a mutex that is held or has waiters");
	m->wait_lock.next = m->wait_lock.serve = m->wait_lock.owner = 0;
	m->owner = NULL;
	qlist_init(&m->waiters);
	m->cls = cls;
}

static void mutex_lazy_init(struct mutex *m)
{
	if (!m->waiters.next)
		qlist_init(&m->waiters); /* a zeroed mutex (static, heap) is a valid unlocked one */
}

void mutex_lock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	/* SAFETY: m is a live mutex; owner is read atomically (written under wait_lock); the
	 * return address is this frame's, lockdep's acquire site. */
	struct task *me = task_current();
	if (me && __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me)
		panic_message("mutex_lock: recursive acquisition (self-deadlock)");
	lockdep_note_acquire(me, m, lock_class_of(m),
			     (u64)(uintptr_t)__builtin_return_address(0), false);
	for (;;) {
		u64 f = raw_spin_lock_irqsave(&m->wait_lock);
		mutex_lazy_init(m);
		if (!m->owner) {
			m->owner = me;
			if (qlink_linked(&me->wait_link))
				qlist_remove(&me->wait_link);
			raw_spin_unlock_irqrestore(&m->wait_lock, f);
			return;
		}
		if (!qlink_linked(&me->wait_link))
			qlist_push_back(&m->waiters, &me->wait_link);
		/* SAFETY: me is the running task (live); the seq_cst state store pairs with the
		 * waker's load. */
		__atomic_store_n(&me->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
		raw_spin_unlock_irqrestore(&m->wait_lock, f);
		schedule();
	}
}

bool mutex_trylock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	struct task *me = task_current();
	u64 f = raw_spin_lock_irqsave(&m->wait_lock);
	mutex_lazy_init(m);
	bool ok = !m->owner;
	if (ok)
		m->owner = me;
	raw_spin_unlock_irqrestore(&m->wait_lock, f);
	if (ok)
		/* SAFETY: __builtin_return_address(0) reads this frame's return address only;
		 * lockdep records it. */
		lockdep_acquire(m, lock_class_of(m),
				(u64)(uintptr_t)__builtin_return_address(0), true);
	return ok;
}

void mutex_unlock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	/* SAFETY: a relaxed atomic read of owner of a live mutex; the check panics unless the
	 * caller holds it. */
	struct task *me = task_current();
	if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != me)
		panic_message("mutex_unlock: mutex not held by the caller");
	lockdep_note_release(me, m);
	struct task *next = NULL;
	u64 f = raw_spin_lock_irqsave(&m->wait_lock);
	m->owner = NULL;
	if (!qlist_empty(&m->waiters)) {
		struct fw_qlink *l = m->waiters.next;
		qlist_remove(l);
		next = QLIST_ENTRY(l, struct task, wait_link);
	}
	/* wake under wait_lock: the waiter cannot finish mutex_lock (and go away) before */
	if (next)
		task_wake(next);
	raw_spin_unlock_irqrestore(&m->wait_lock, f);
}

bool mutex_held(const struct mutex *m)
{
	/* SAFETY: a relaxed atomic read of owner; it equals me only if this task holds m. */
	struct task *me = task_current();
	return me && __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me;
}

void mutex_assert_held(const struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	FW_CHECK(mutex_held(m), "mutex_assert_held: mutex not held by the caller");
}
