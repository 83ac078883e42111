/*
 * mutex.c — sleeping mutual exclusion (fw/sync.h).
 *
 * State: `owner` (the holding task or NULL), changed only by atomic operations; `nwaiters`
 * (atomic) and a FIFO of sleeping waiters, changed under the raw wait_lock.
 *
 * Lock: a compare-and-swap of owner from NULL to me, with no lock (the uncontended case is
 * that one instruction). A task that fails queues under wait_lock (raising nwaiters) and
 * retries the compare-and-swap, sleeping between tries; it leaves the queue when it wins.
 * Unlock: owner back to NULL, and when someone waits, wake the head of the queue, which
 * retries. No hand-off: a task that just released may take the mutex again before the woken
 * one runs (which then sleeps again, to be woken by that release) — no lock convoy.
 *
 * No lost wake-up (as rwsem.c): an unlocker stores owner (seq_cst) and then loads nwaiters
 * (seq_cst); a waiter raises nwaiters (seq_cst) and then, in its retry, compares owner. Of
 * the two, at least one sees the other's store: the unlocker then wakes the head under
 * wait_lock, or the waiter takes the free mutex itself. A waiter marks itself SLEEPING under
 * wait_lock, and wakes are sent under it, so a wake between that and schedule() is not lost
 * (task_wake() makes it RUNNING again and schedule() keeps it runnable).
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
			 __atomic_load_n(&m->nwaiters, __ATOMIC_ACQUIRE) == 0,
		 "mutex_init of a mutex that is held or has waiters");
	m->wait_lock.next = m->wait_lock.serve = m->wait_lock.owner = 0;
	m->owner = NULL;
	m->nwaiters = 0;
	qlist_init(&m->waiters);
	m->cls = cls;
}

/* try_take - the compare-and-swap entry: owner NULL -> me. */
static bool try_take(struct mutex *m, struct task *me)
{
	struct task *none = NULL;
	/* SAFETY: owner of a live mutex, changed only by atomics (this CAS, the unlock's store). */
	return __atomic_compare_exchange_n(&m->owner, &none, me, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* lock_slow - queue me and retry (sleeping between tries) until I hold m. */
static FW_NOINLINE void lock_slow(struct mutex *m, struct task *me)
{
	u64 f = raw_spin_lock_irqsave(&m->wait_lock);
	if (!m->waiters.next)
		qlist_init(&m->waiters); /* a zeroed mutex (static, heap) is a valid unlocked one */
	/* SAFETY: me is the running task; its wait_link is on no list (a task waits for one
	 * thing at a time) until it is unlinked below, under wait_lock. The seq_cst increment
	 * pairs with an unlocker's owner store and nwaiters load (see the top). */
	qlist_push_back(&m->waiters, &me->wait_link);
	__atomic_fetch_add(&m->nwaiters, 1, __ATOMIC_SEQ_CST);
	while (!try_take(m, me)) {
		if (!me)
			panic_message("mutex: contended before tasks exist");
		/* SAFETY: me is the running task (live); the seq_cst state store pairs with the
		 * waker's load. */
		__atomic_store_n(&me->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
		raw_spin_unlock_irqrestore(&m->wait_lock, f);
		schedule();
		f = raw_spin_lock_irqsave(&m->wait_lock);
	}
	/* SAFETY: me->wait_link is on m->waiters (pushed above), unlinked under wait_lock;
	 * nwaiters drops the count this waiter raised. */
	qlist_remove(&me->wait_link);
	__atomic_fetch_sub(&m->nwaiters, 1, __ATOMIC_SEQ_CST);
	raw_spin_unlock_irqrestore(&m->wait_lock, f);
}

void mutex_lock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	/* SAFETY: m is a live mutex; owner is read atomically; the return address is this
	 * frame's, lockdep's acquire site. */
	struct task *me = task_current();
	if (me && __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me)
		panic_message("mutex_lock: recursive acquisition (self-deadlock)");
	lockdep_note_acquire(me, m, lock_class_of(m),
			     (u64)(uintptr_t)__builtin_return_address(0), false);
	if (!try_take(m, me))
		lock_slow(m, me);
}

bool mutex_trylock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	struct task *me = task_current();
	if (!try_take(m, me))
		return false;
	/* SAFETY: __builtin_return_address(0) reads this frame's return address only; lockdep
	 * records it. */
	lockdep_acquire(m, lock_class_of(m), (u64)(uintptr_t)__builtin_return_address(0), true);
	return true;
}

void mutex_unlock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	/* SAFETY: a relaxed atomic read of owner of a live mutex; the check panics unless the
	 * caller holds it, so only the holder clears owner (seq_cst, then nwaiters: see the
	 * top). */
	struct task *me = task_current();
	if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != me)
		panic_message("mutex_unlock: mutex not held by the caller");
	lockdep_note_release(me, m);
	__atomic_store_n(&m->owner, NULL, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&m->nwaiters, __ATOMIC_SEQ_CST))
		return;
	u64 f = raw_spin_lock_irqsave(&m->wait_lock);
	/* wake the head under wait_lock: it cannot leave lock_slow (and its stack) before */
	if (m->waiters.next && !qlist_empty(&m->waiters))
		task_wake(QLIST_ENTRY(m->waiters.next, struct task, wait_link));
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
