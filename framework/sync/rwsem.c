/*
 * rwsem.c — sleeping reader-writer semaphores (fw/sync.h).
 *
 * State, all under the raw wait_lock: `count` (>0 readers, -1 a writer, 0 free), `writer`
 * (the writing task) and a FIFO of waiters, each a `struct rwsem_waiter` on its task's stack.
 * A task enters at once only when the queue is empty (a reader: no writer holds it; a writer:
 * nobody does); otherwise it queues and sleeps until a releaser *grants* it the lock: the
 * releaser updates count for it, unlinks it, sets `granted` and wakes it, all under wait_lock.
 * A grant goes to the head of the queue: a writer alone once the lock is free, or every
 * reader at the head together. The waiter tests `granted` under wait_lock, so it leaves (and
 * its stack entry ends) only after the granter is done with the entry. A wake that lands
 * between "queued + SLEEPING" and schedule() is not lost: task_wake() makes the task RUNNING
 * again and schedule() then keeps it runnable; any other wake-up finds granted false and the
 * task sleeps again.
 */
#include <fw/sync.h>

#include "internal/panic_internal.h"
#include "internal/rawlock.h"
#include "internal/task.h"

struct rwsem_waiter {
	struct fw_qlink link; /* on l->waiters until granted */
	struct task *task;
	bool write;
	bool granted;
};

void __fw_rwsem_init(struct rwsem *l, struct lock_class *cls)
{
	/* SAFETY: atomic loads of the lock's own words, which only its functions write. */
	FW_CHECK(__atomic_load_n(&l->count, __ATOMIC_ACQUIRE) == 0 &&
			 (!l->waiters.next || qlist_empty(&l->waiters)),
		 "rwsem_init of an rwsem that is held or has waiters");
	l->wait_lock.next = l->wait_lock.serve = l->wait_lock.owner = 0;
	l->count = 0;
	l->writer = NULL;
	qlist_init(&l->waiters);
	l->cls = cls;
}

static void rwsem_lazy_init(struct rwsem *l)
{
	if (!l->waiters.next)
		qlist_init(&l->waiters); /* a zeroed rwsem (static, heap) is a valid free one */
}

/* grant_locked - hand the lock to the head of the queue if it can have it now. */
static void grant_locked(struct rwsem *l)
{
	/* SAFETY: every link on l->waiters is the `link` of a live struct rwsem_waiter (its task
	 * sleeps in wait_granted until `granted` is set here, under wait_lock, held). */
	while (!qlist_empty(&l->waiters)) {
		struct rwsem_waiter *w = QLIST_ENTRY(l->waiters.next, struct rwsem_waiter, link);
		if (w->write) {
			if (l->count != 0)
				return;
			l->count = -1;
			l->writer = w->task;
		} else {
			if (l->count < 0)
				return;
			l->count++;
		}
		qlist_remove(&w->link);
		struct task *t = w->task;
		w->granted = true; /* w may go away once wait_lock is dropped: t is read first */
		task_wake(t);
		if (l->count < 0)
			return; /* a writer: nobody else */
	}
}

/* wait_granted - queue me (wait_lock held, flags f) and sleep until granted; returns with
 * wait_lock released. */
static void wait_granted(struct rwsem *l, struct task *me, bool write, u64 f)
{
	if (!me)
		panic_message("rwsem: contended before tasks exist");
	struct rwsem_waiter w = { .task = me, .write = write, .granted = false };
	/* SAFETY: w lives on this stack until the loop below sees granted, which the granter
	 * sets under wait_lock after unlinking w; nothing touches w after that. */
	qlist_push_back(&l->waiters, &w.link);
	for (;;) {
		/* SAFETY: me is the running task (live); the seq_cst state store pairs with the
		 * waker's load. */
		__atomic_store_n(&me->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
		raw_spin_unlock_irqrestore(&l->wait_lock, f);
		schedule();
		f = raw_spin_lock_irqsave(&l->wait_lock);
		if (w.granted)
			break;
	}
	raw_spin_unlock_irqrestore(&l->wait_lock, f);
}

void down_read(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	/* SAFETY: l is a live rwsem; writer is read atomically (written under wait_lock); the
	 * return address is this frame's, lockdep's acquire site. */
	struct task *me = task_current();
	if (me && __atomic_load_n(&l->writer, __ATOMIC_RELAXED) == me)
		panic_message("down_read: the caller holds it for writing (self-deadlock)");
	lockdep_note_acquire(me, l, lock_class_of(l),
			     (u64)(uintptr_t)__builtin_return_address(0), false);
	u64 f = raw_spin_lock_irqsave(&l->wait_lock);
	rwsem_lazy_init(l);
	if (l->count >= 0 && qlist_empty(&l->waiters)) {
		l->count++;
		raw_spin_unlock_irqrestore(&l->wait_lock, f);
		return;
	}
	wait_granted(l, me, false, f);
}

void up_read(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	struct task *me = task_current();
	u64 f = raw_spin_lock_irqsave(&l->wait_lock);
	if (l->count <= 0) {
		raw_spin_unlock_irqrestore(&l->wait_lock, f);
		panic_message("up_read: rwsem not held for reading");
	}
	l->count--;
	if (l->count == 0)
		grant_locked(l);
	raw_spin_unlock_irqrestore(&l->wait_lock, f);
	lockdep_note_release(me, l);
}

void down_write(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	/* SAFETY: as down_read. */
	struct task *me = task_current();
	if (me && __atomic_load_n(&l->writer, __ATOMIC_RELAXED) == me)
		panic_message("down_write: recursive acquisition (self-deadlock)");
	lockdep_note_acquire(me, l, lock_class_of(l),
			     (u64)(uintptr_t)__builtin_return_address(0), false);
	u64 f = raw_spin_lock_irqsave(&l->wait_lock);
	rwsem_lazy_init(l);
	if (l->count == 0 && qlist_empty(&l->waiters)) {
		l->count = -1;
		/* SAFETY: writer is written under wait_lock and read atomically elsewhere. */
		__atomic_store_n(&l->writer, me, __ATOMIC_RELAXED);
		raw_spin_unlock_irqrestore(&l->wait_lock, f);
		return;
	}
	wait_granted(l, me, true, f);
}

void up_write(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	struct task *me = task_current();
	u64 f = raw_spin_lock_irqsave(&l->wait_lock);
	if (l->count != -1 || l->writer != me) {
		raw_spin_unlock_irqrestore(&l->wait_lock, f);
		panic_message("up_write: rwsem not held for writing by the caller");
	}
	/* SAFETY: as down_write. */
	__atomic_store_n(&l->writer, NULL, __ATOMIC_RELAXED);
	l->count = 0;
	grant_locked(l);
	raw_spin_unlock_irqrestore(&l->wait_lock, f);
	lockdep_note_release(me, l);
}

bool rwsem_write_held(const struct rwsem *l)
{
	/* SAFETY: a relaxed atomic read of writer; it equals me only if this task holds l for
	 * writing. */
	struct task *me = task_current();
	return me && __atomic_load_n(&l->writer, __ATOMIC_RELAXED) == me;
}

bool rwsem_held(const struct rwsem *l)
{
	/* SAFETY: a relaxed atomic read of count; a reader is known by the task's own held-lock
	 * record (down_read notes every acquisition there). */
	if (rwsem_write_held(l))
		return true;
	return __atomic_load_n(&l->count, __ATOMIC_RELAXED) > 0 && lockdep_holds(l);
}
