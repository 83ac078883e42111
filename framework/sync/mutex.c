/*
 * mutex.c — sleeping mutual exclusion (fw/sync.h).
 *
 * State: the owner word, changed only by atomic operations: the holding task's pointer (or
 * 0), with its low bit MUTEX_WAITERS set while tasks wait; and a FIFO of sleeping waiters
 * under the raw wait_lock.
 *
 * Lock: a compare-and-swap of the word from 0 to me, with no lock (the uncontended case is
 * that one instruction). A task that fails queues under wait_lock, sets MUTEX_WAITERS on a
 * held mutex, and sleeps; woken, it retries under wait_lock, taking a free mutex (and keeping
 * the bit when others still wait). Unlock: a compare-and-swap from me to 0, which fails when
 * MUTEX_WAITERS is set: then, under wait_lock, the word becomes MUTEX_WAITERS alone (free)
 * and the head of the queue is woken, to retry. No hand-off: whoever takes wait_lock first
 * takes the mutex (no lock convoy).
 *
 * The unlock's last access to the mutex is its compare-and-swap, or the release of wait_lock
 * in the slow case: while wait_lock is held nobody can take the mutex (the fast path fails on
 * the bit), so a task that takes it next and frees the object holding it cannot do so while
 * the unlock still touches it (Linux's rule for mutex_unlock).
 *
 * No lost wake-up: a waiter sets the bit with a compare-and-swap of the word it saw held; an
 * unlock that released before that makes the compare-and-swap fail, and the waiter retries
 * and finds the mutex free. A waiter marks itself SLEEPING under wait_lock, and wakes are
 * sent under it, so a wake between that and schedule() is not lost.
 */
#include <fw/sync.h>

#include "internal/panic_internal.h"
#include "internal/rawlock.h"
#include "internal/task.h"

#define MUTEX_WAITERS ((uintptr_t)1)

void __fw_mutex_init(struct mutex *m, struct lock_class *cls)
{
	/* Re-initialising a mutex that is held or has sleepers would strand them (and let a
	 * second holder in): refused. */
	/* SAFETY: an atomic load of the lock's own word, which only its functions write. */
	FW_CHECK(__atomic_load_n(&m->owner, __ATOMIC_ACQUIRE) == 0,
		 "mutex_init of a mutex that is held or has waiters");
	m->wait_lock.next = m->wait_lock.serve = m->wait_lock.owner = 0;
	m->owner = 0;
	qlist_init(&m->waiters);
	m->cls = cls;
}

/* owner_of - the holding task in an owner word. */
static struct task *owner_of(uintptr_t w)
{
	/* SAFETY: the word holds a task pointer (aligned: its low bit free) or 0, only compared,
	 * never followed. */
	return (struct task *)(w & ~MUTEX_WAITERS);
}

/* lock_slow - queue me and retry under wait_lock (sleeping between tries) until I hold m. */
static FW_NOINLINE void lock_slow(struct mutex *m, struct task *me)
{
	if (!me)
		panic_message("mutex: contended before tasks exist");
	u64 f = raw_spin_lock_irqsave(&m->wait_lock);
	if (!m->waiters.next)
		qlist_init(&m->waiters); /* a zeroed mutex (static, heap) is a valid unlocked one */
	/* SAFETY: me is the running task; its wait_link is on no list (a task waits for one
	 * thing at a time) until it is unlinked below, under wait_lock. The owner word is only
	 * changed by compare-and-swap (here, in mutex_lock, mutex_trylock and mutex_unlock). */
	qlist_push_back(&m->waiters, &me->wait_link);
	for (;;) {
		uintptr_t w = __atomic_load_n(&m->owner, __ATOMIC_SEQ_CST);
		if (!owner_of(w)) {
			/* free: take it, keeping the bit if anyone but me still waits */
			uintptr_t bit = m->waiters.next == &me->wait_link &&
						me->wait_link.next == &m->waiters
					? 0 : MUTEX_WAITERS;
			if (__atomic_compare_exchange_n(&m->owner, &w, (uintptr_t)me | bit, false,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
				break;
			continue;
		}
		/* SAFETY: held: mark the word so its unlock comes here to wake (a compare-and-swap
		 * of the word just read; a change since makes it fail and the loop look again). */
		if (!(w & MUTEX_WAITERS) &&
		    !__atomic_compare_exchange_n(&m->owner, &w, w | MUTEX_WAITERS, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			continue; /* it changed (released, perhaps): look again */
		/* SAFETY: me is the running task (live); the seq_cst state store pairs with the
		 * waker's load. */
		__atomic_store_n(&me->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
		raw_spin_unlock_irqrestore(&m->wait_lock, f);
		schedule();
		f = raw_spin_lock_irqsave(&m->wait_lock);
	}
	/* SAFETY: me->wait_link is on m->waiters (pushed above), unlinked under wait_lock. */
	qlist_remove(&me->wait_link);
	raw_spin_unlock_irqrestore(&m->wait_lock, f);
}

void mutex_lock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	/* SAFETY: m is a live mutex; its owner word is read and changed atomically; the return
	 * address is this frame's, lockdep's acquire site. */
	struct task *me = task_current();
	if (me && owner_of(__atomic_load_n(&m->owner, __ATOMIC_RELAXED)) == me)
		panic_message("mutex_lock: recursive acquisition (self-deadlock)");
	lockdep_note_acquire(me, m, lock_class_of(m),
			     (u64)(uintptr_t)__builtin_return_address(0), false);
	uintptr_t free = 0;
	if (!__atomic_compare_exchange_n(&m->owner, &free, (uintptr_t)me, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		lock_slow(m, me);
}

bool mutex_trylock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	struct task *me = task_current();
	/* SAFETY: the owner word of a live mutex, changed only by compare-and-swap; a free one
	 * is taken keeping its MUTEX_WAITERS bit. */
	uintptr_t w = __atomic_load_n(&m->owner, __ATOMIC_SEQ_CST);
	for (;;) {
		if (owner_of(w))
			return false;
		if (__atomic_compare_exchange_n(&m->owner, &w, (uintptr_t)me | (w & MUTEX_WAITERS),
						false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			break;
	}
	/* SAFETY: __builtin_return_address(0) reads this frame's return address only; lockdep
	 * records it. */
	lockdep_acquire(m, lock_class_of(m), (u64)(uintptr_t)__builtin_return_address(0), true);
	return true;
}

void mutex_unlock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	/* SAFETY: the owner word of a live mutex, read and changed atomically; the check panics
	 * unless the caller holds it, so only the holder releases it. */
	struct task *me = task_current();
	if (owner_of(__atomic_load_n(&m->owner, __ATOMIC_RELAXED)) != me)
		panic_message("mutex_unlock: mutex not held by the caller");
	lockdep_note_release(me, m);
	uintptr_t mine = (uintptr_t)me;
	if (__atomic_compare_exchange_n(&m->owner, &mine, 0, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		return; /* nobody waits: that was the last access */
	/* MUTEX_WAITERS: free it and wake the head under wait_lock, so nobody can take it (and
	 * free it) before this function is done with it */
	u64 f = raw_spin_lock_irqsave(&m->wait_lock);
	/* SAFETY: the holder's atomic store of the owner word: free, waiters marked; the head's
	 * link is read under wait_lock, where waiters stay linked until they take the mutex. */
	__atomic_store_n(&m->owner, MUTEX_WAITERS, __ATOMIC_SEQ_CST);
	if (m->waiters.next && !qlist_empty(&m->waiters))
		task_wake(QLIST_ENTRY(m->waiters.next, struct task, wait_link));
	raw_spin_unlock_irqrestore(&m->wait_lock, f);
}

bool mutex_held(const struct mutex *m)
{
	/* SAFETY: a relaxed atomic read of the owner word; it names me only if this task holds
	 * m. */
	struct task *me = task_current();
	return me && owner_of(__atomic_load_n(&m->owner, __ATOMIC_RELAXED)) == me;
}

void mutex_assert_held(const struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	FW_CHECK(mutex_held(m), "mutex_assert_held: mutex not held by the caller");
}
