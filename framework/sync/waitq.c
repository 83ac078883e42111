/*
 * waitq.c — wait queues (fw/sync.h).
 *
 * WAITQ_WAIT(wq, cond) expands to: prepare (queue the task and mark it SLEEPING, under the
 * queue's raw lock), test cond, sleep (schedule()) if false, repeat; finish (RUNNING, unqueue).
 * A waker changes the state cond reads *before* calling waitq_wake_*(), which dequeues and
 * wakes under the same raw lock. Either the waker runs before prepare — then cond is already
 * true when tested — or after — then it finds the task queued and wakes it (if the task has
 * not reached schedule() yet, the wake turns it RUNNING and schedule() returns at once). So
 * no wake-up is lost.
 *
 * WAITQ_WAIT_EVENT adds a deadline (the task's own timer, time/timer.c, wakes it) and kicks
 * (task_kick sets the task's flag, then wakes it if its wait is interruptible); both are
 * checked after the task is queued and marked SLEEPING, with the same seq_cst handshake, so
 * neither a timeout nor a kick can be lost either (sched.c sched_sleep_prepared).
 */
#include <fw/sync.h>

#include "internal/rawlock.h"
#include "internal/task.h"
#include "internal/trap.h"

void waitq_init(struct waitq *wq)
{
	/* Sleepers or entries on a queue being re-initialised would never be woken and their
	 * links would dangle: refused. */
	FW_CHECK((!wq->tasks.next || qlist_empty(&wq->tasks)) &&
			 (!wq->entries.next || qlist_empty(&wq->entries)),
		 "waitq_init of a wait queue that has sleepers or entries");
	wq->lock.next = wq->lock.serve = wq->lock.owner = 0;
	qlist_init(&wq->tasks);
	qlist_init(&wq->entries);
	wq->wakeups = 0;
}

static void lazy_init(struct waitq *wq)
{
	if (!wq->tasks.next) {
		qlist_init(&wq->tasks);
		qlist_init(&wq->entries);
	}
}

void __fw_waitq_prepare(struct waitq *wq)
{
	struct task *me = task_current();
	u64 f = raw_spin_lock_irqsave(&wq->lock);
	lazy_init(wq);
	if (!qlink_linked(&me->wait_link))
		qlist_push_back(&wq->tasks, &me->wait_link);
	/* SAFETY: me is the running task (live); the seq_cst state store pairs with the waker's
	 * load under wq->lock. */
	__atomic_store_n(&me->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
	raw_spin_unlock_irqrestore(&wq->lock, f);
}

void __fw_waitq_sleep(struct waitq *wq)
{
	(void)wq;
	might_sleep();
	schedule();
}

int __fw_waitq_sleep_until(struct waitq *wq, uint64_t deadline_ns, unsigned flags)
{
	(void)wq;
	return sched_sleep_prepared(deadline_ns, flags);
}

void __fw_waitq_finish(struct waitq *wq)
{
	struct task *me = task_current();
	sched_sleep_done(me);
	u64 f = raw_spin_lock_irqsave(&wq->lock);
	if (qlink_linked(&me->wait_link))
		qlist_remove(&me->wait_link);
	raw_spin_unlock_irqrestore(&wq->lock, f);
}

static u32 wake(struct waitq *wq, u32 max)
{
	u32 n = 0;
	u64 f = raw_spin_lock_irqsave(&wq->lock);
	lazy_init(wq);
	while (n < max && !qlist_empty(&wq->tasks)) {
		struct fw_qlink *l = wq->tasks.next;
		qlist_remove(l);
		task_wake(QLIST_ENTRY(l, struct task, wait_link));
		n++;
	}
	bool taken = false; /* an exclusive entry woke its waiter: skip the later ones */
	for (struct fw_qlink *l = wq->entries.next; l != &wq->entries;) {
		struct fw_qlink *nx = l->next;
		struct wait_entry *e = QLIST_ENTRY(l, struct wait_entry, link);
		if (e->fn)
			e->fn(e);
		else if (e->xfn && !taken)
			taken = e->xfn(e);
		l = nx;
	}
	wq->wakeups++;
	raw_spin_unlock_irqrestore(&wq->lock, f);
	return n;
}

uint32_t waitq_wake_one(struct waitq *wq)
{
	return wake(wq, 1);
}

uint32_t waitq_wake_all(struct waitq *wq)
{
	return wake(wq, ~0u);
}

bool waitq_has_sleepers(struct waitq *wq)
{
	/* SAFETY: a racy read of the list head's first link (written under wq->lock); NULL is a
	 * queue never initialised (lazy_init), the head itself an empty one. It comes after the
	 * caller's acquisition of the lock its condition lives under (fw/sync.h), which is what
	 * orders a sleeper's queueing before it. */
	struct fw_qlink *first = __atomic_load_n(&wq->tasks.next, __ATOMIC_ACQUIRE);
	return first && first != &wq->tasks;
}

/* add_entry - queue e with its callback (fn or, for an exclusive entry, xfn). */
static void add_entry(struct waitq *wq, struct wait_entry *e, void (*fn)(struct wait_entry *),
		      bool (*xfn)(struct wait_entry *))
{
	FW_CHECK(e->tag.type, "waitq_add_entry: untagged wait entry (use its subtype's _new/_init)");
	FW_CHECK(!stack_contains((u64)(uintptr_t)e, sizeof(*e)),
		 "waitq_add_entry: a wait entry on a stack would stay queued after its frame is gone");
	u64 f = raw_spin_lock_irqsave(&wq->lock);
	/* SAFETY: e->wq is written only under the lock of the queue it names; a relaxed load
	 * sees NULL, this queue (stable under our lock) or another queue (refused). */
	struct waitq *on = __atomic_load_n(&e->wq, __ATOMIC_RELAXED);
	if (on && on != wq) {
		raw_spin_unlock_irqrestore(&wq->lock, f);
		FW_CHECK(false, "waitq_add_entry: the entry is on another queue (remove it first)");
		return;
	}
	lazy_init(wq);
	e->fn = fn;
	e->xfn = xfn;
	if (!on) {
		qlist_push_back(&wq->entries, &e->link);
		/* SAFETY: set under the lock of the queue it names (see above). */
		__atomic_store_n(&e->wq, wq, __ATOMIC_RELAXED);
	}
	raw_spin_unlock_irqrestore(&wq->lock, f);
}

void waitq_add_entry(struct waitq *wq, struct wait_entry *e, void (*fn)(struct wait_entry *))
{
	add_entry(wq, e, fn, NULL);
}

void waitq_add_exclusive_entry(struct waitq *wq, struct wait_entry *e,
			       bool (*fn)(struct wait_entry *))
{
	add_entry(wq, e, NULL, fn);
}

void waitq_remove_entry(struct waitq *wq, struct wait_entry *e)
{
	u64 f = raw_spin_lock_irqsave(&wq->lock);
	/* SAFETY: as add_entry: only this queue's lock holder changes e->wq from wq. */
	struct waitq *on = __atomic_load_n(&e->wq, __ATOMIC_RELAXED);
	if (on == wq) {
		qlist_remove(&e->link);
		__atomic_store_n(&e->wq, NULL, __ATOMIC_RELAXED);
	}
	raw_spin_unlock_irqrestore(&wq->lock, f);
	FW_CHECK(!on || on == wq, "waitq_remove_entry: the entry is on another queue");
}
