/*
 * rwsem.c — sleeping reader-writer semaphores (fw/sync.h).
 *
 * State: `count` (>0 readers, -1 a writer, 0 free), changed only by atomic operations;
 * `nwaiters` (atomic) and a FIFO of waiters, each a `struct rwsem_waiter` on its task's
 * stack, changed under the raw wait_lock; `writer`, the writing task.
 *
 * Entering: a compare-and-swap of count (a reader c >= 0 -> c + 1, a writer 0 -> -1), with
 * no lock. A reader tries it only while nobody waits (so a queued writer holds off later
 * readers: writers do not starve); a writer tries it always. A task that fails queues under
 * wait_lock (raising nwaiters) and retries while it is at the head of the queue, or only
 * readers are ahead of it; otherwise, or when the retry fails, it sleeps. As the mutex, there
 * is no hand-off: a release wakes the head of the queue (a writer, or every reader at the
 * head) and the woken retry, so a task that releases and takes the lock again at once does not
 * wait for a sleeper to be scheduled first (a hand-off makes every contended acquisition cost
 * a wake-up: a lock convoy, 20 times slower with two CPUs taking it for writing in turn).
 *
 * No lost wake-up: a releaser stores count (seq_cst) and then loads nwaiters (seq_cst); a
 * waiter raises nwaiters (seq_cst) and then, in its retry, loads count. Of the two, at least
 * one sees the other's store: the releaser then wakes the head under wait_lock, or the waiter
 * takes the free lock itself. A waiter marks itself SLEEPING under wait_lock, and wakes are
 * sent under it, so a wake between that and schedule() is not lost (task_wake() makes it
 * RUNNING again and schedule() keeps it runnable).
 */
#include <fw/sync.h>

#include "internal/panic_internal.h"
#include "internal/rawlock.h"
#include "internal/task.h"

struct rwsem_waiter {
	struct fw_qlink link; /* on l->waiters until it enters */
	struct task *task;
	bool write;
};

void __fw_rwsem_init(struct rwsem *l, struct lock_class *cls)
{
	/* SAFETY: atomic loads of the lock's own words, which only its functions write. */
	FW_CHECK(__atomic_load_n(&l->count, __ATOMIC_ACQUIRE) == 0 &&
			 __atomic_load_n(&l->nwaiters, __ATOMIC_ACQUIRE) == 0,
		 "rwsem_init of an rwsem that is held or has waiters");
	l->wait_lock.next = l->wait_lock.serve = l->wait_lock.owner = 0;
	l->count = 0;
	l->nwaiters = 0;
	l->writer = NULL;
	qlist_init(&l->waiters);
	l->cls = cls;
}

/* try_read / try_write - the compare-and-swap entries. */
static bool try_read(struct rwsem *l)
{
	/* SAFETY: count of a live rwsem, changed only by atomics. */
	i32 c = __atomic_load_n(&l->count, __ATOMIC_SEQ_CST);
	while (c >= 0)
		if (__atomic_compare_exchange_n(&l->count, &c, c + 1, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	return false;
}

static bool try_write(struct rwsem *l, struct task *t)
{
	i32 zero = 0;
	/* SAFETY: as try_read; writer is stored by the task the CAS admitted, read atomically. */
	if (!__atomic_compare_exchange_n(&l->count, &zero, -1, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return false;
	__atomic_store_n(&l->writer, t, __ATOMIC_RELAXED);
	return true;
}

/* SAFETY (for the queue walks below): every link on l->waiters is the `link` of a live
 * struct rwsem_waiter, whose task is in wait_enter until it unlinks it, under wait_lock. */
#define WAITER_OF(lk) QLIST_ENTRY(lk, struct rwsem_waiter, link)

/* may_try_locked - w may retry now: it heads the queue, or (a reader) only readers are
 * ahead of it. */
static bool may_try_locked(struct rwsem *l, struct rwsem_waiter *w)
{
	for (struct fw_qlink *k = l->waiters.next; k != &w->link; k = k->next)
		if (w->write || WAITER_OF(k)->write)
			return false;
	return true;
}

/* wake_head_locked - wake the head of the queue: a writer, or every reader at the head. */
static void wake_head_locked(struct rwsem *l)
{
	for (struct fw_qlink *k = l->waiters.next; k && k != &l->waiters; k = k->next) {
		struct rwsem_waiter *w = WAITER_OF(k);
		if (w->write && k != l->waiters.next)
			return;
		task_wake(w->task);
		if (w->write)
			return;
	}
}

/* wait_enter - queue me and retry (sleeping between tries) until I enter. */
static void wait_enter(struct rwsem *l, struct task *me, bool write)
{
	struct rwsem_waiter w = { .task = me, .write = write };
	u64 f = raw_spin_lock_irqsave(&l->wait_lock);
	if (!l->waiters.next)
		qlist_init(&l->waiters); /* a zeroed rwsem (static, heap) is a valid free one */
	/* SAFETY: w lives on this stack until it is unlinked below, under wait_lock; the seq_cst
	 * increment pairs with a releaser's count store and nwaiters load (see the top). */
	qlist_push_back(&l->waiters, &w.link);
	__atomic_fetch_add(&l->nwaiters, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		if (may_try_locked(l, &w) && (write ? try_write(l, me) : try_read(l)))
			break;
		if (!me)
			panic_message("rwsem: contended before tasks exist");
		/* SAFETY: me is the running task (live); the seq_cst state store pairs with the
		 * waker's load. */
		__atomic_store_n(&me->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
		raw_spin_unlock_irqrestore(&l->wait_lock, f);
		schedule();
		f = raw_spin_lock_irqsave(&l->wait_lock);
	}
	/* SAFETY: w is on the queue (linked above), unlinked under wait_lock; nwaiters drops
	 * the count this waiter raised. */
	qlist_remove(&w.link);
	__atomic_fetch_sub(&l->nwaiters, 1, __ATOMIC_SEQ_CST);
	/* a reader: readers now at the head may enter beside me (a writer there waits for the
	 * release that frees the lock, which wakes it) */
	if (!write && !qlist_empty(&l->waiters))
		wake_head_locked(l);
	raw_spin_unlock_irqrestore(&l->wait_lock, f);
}

/* release_slow - the lock may be free and someone waits: wake the head. */
static void release_slow(struct rwsem *l)
{
	u64 f = raw_spin_lock_irqsave(&l->wait_lock);
	if (l->waiters.next)
		wake_head_locked(l);
	raw_spin_unlock_irqrestore(&l->wait_lock, f);
}

void down_read(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	/* SAFETY: l is a live rwsem; writer and nwaiters are read atomically; the return address
	 * is this frame's, lockdep's acquire site. */
	struct task *me = task_current();
	if (me && __atomic_load_n(&l->writer, __ATOMIC_RELAXED) == me)
		panic_message("down_read: the caller holds it for writing (self-deadlock)");
	lockdep_note_acquire(me, l, lock_class_of(l),
			     (u64)(uintptr_t)__builtin_return_address(0), false);
	if (__atomic_load_n(&l->nwaiters, __ATOMIC_SEQ_CST) == 0 && try_read(l))
		return;
	wait_enter(l, me, false);
}

void up_read(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	struct task *me = task_current();
	/* SAFETY: an atomic decrement of count; a count that was not a reader's is restored
	 * before the panic. nwaiters is read after it (seq_cst: see the top). */
	i32 old = __atomic_fetch_sub(&l->count, 1, __ATOMIC_SEQ_CST);
	if (old <= 0) {
		__atomic_fetch_add(&l->count, 1, __ATOMIC_SEQ_CST);
		panic_message("up_read: rwsem not held for reading");
	}
	lockdep_note_release(me, l);
	/* SAFETY: an atomic load of nwaiters, after the count store (see the top). */
	if (old == 1 && __atomic_load_n(&l->nwaiters, __ATOMIC_SEQ_CST))
		release_slow(l);
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
	if (try_write(l, me))
		return;
	wait_enter(l, me, true);
}

void up_write(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	struct task *me = task_current();
	/* SAFETY: the check panics unless the caller holds l for writing, so it alone clears
	 * writer and frees count (seq_cst, then nwaiters: see the top). */
	if (__atomic_load_n(&l->count, __ATOMIC_RELAXED) != -1 ||
	    __atomic_load_n(&l->writer, __ATOMIC_RELAXED) != me)
		panic_message("up_write: rwsem not held for writing by the caller");
	lockdep_note_release(me, l);
	__atomic_store_n(&l->writer, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&l->count, 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&l->nwaiters, __ATOMIC_SEQ_CST))
		release_slow(l);
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
	/* The container lock protocol calls this on every operation (a dentry hash probe per
	 * path component): one task_current and a scan of the task's few held locks. */
	struct task *me = task_current();
	if (!me)
		return false;
	/* SAFETY: relaxed atomic reads of writer and count; held[] is me's own record (only me
	 * writes it; i < nheld <= TASK_MAX_HELD, its length), where down_read notes each
	 * acquisition. */
	if (__atomic_load_n(&l->writer, __ATOMIC_RELAXED) == me)
		return true;
	if (__atomic_load_n(&l->count, __ATOMIC_RELAXED) <= 0)
		return false;
	for (u32 i = me->nheld; i-- > 0;)
		if (me->held[i].lock == l)
			return true;
	return false;
}
