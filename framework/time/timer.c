/*
 * time/timer.c — per-CPU one-shot timers (fw/timer.h), and the timed sleeps built on them.
 *
 * Each CPU has a base: a list of armed timers sorted by deadline, under the base's raw lock
 * (interrupts off). A timer is armed on the arming CPU's base; that CPU's tick
 * (timers_run_this_cpu, from sched_tick) pops the expired ones and runs them with the lock
 * released, marking the one it runs in base->running so that fw_timer_cancel() on another CPU
 * can wait for it to finish. A timer's `base` says which list holds it (NULL: idle); it changes
 * only under that base's lock.
 *
 * Two kinds of expiry: a service callback (struct callback, fw/subtype.h), or — for the
 * framework's timed waits — waking a task (task_wake, which tolerates a task that is no longer
 * asleep). Lock order: base lock -> nothing (callbacks run without it).
 */
#include <fw/time.h>
#include <fw/timer.h>

#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/task.h"
#include "internal/trap.h"

/* How many timers one tick runs at most (the rest run at the next tick). */
#define TIMERS_PER_TICK 64u

struct fw_timer_base {
	struct fw_rawlock lock;
	struct fw_qlink armed;          /* sorted by deadline_ns, earliest first */
	struct fw_timer *running;       /* (atomic) the timer whose expiry runs now, or NULL */
	u64 fired;                      /* expiries run on this CPU */
};

static struct fw_timer_base bases[FW_MAX_CPUS_INTERNAL];

void timers_init(void)
{
	/* SAFETY: i < FW_MAX_CPUS_INTERNAL, the length of bases. */
	for (u32 i = 0; i < FW_MAX_CPUS_INTERNAL; i++)
		qlist_init(&bases[i].armed);
}

static struct fw_timer_base *this_base(void)
{
	/* SAFETY: the CPU id is below FW_MAX_CPUS_INTERNAL (it indexes cpu_locals). */
	return &bases[this_cpu()->id];
}

void fw_timer_init(struct fw_timer *t, struct callback *cb)
{
	FW_CHECK(cb && cb->tag.type, "fw_timer_init: untagged callback");
	/* SAFETY: the addresses are only compared with the registered stacks' bounds. */
	FW_CHECK(!stack_contains((u64)(uintptr_t)t, sizeof(*t)) &&
			 !stack_contains((u64)(uintptr_t)cb, sizeof(*cb)),
		 "fw_timer_init: a timer or its callback lives on a stack");
	t->deadline_ns = 0;
	t->link.next = t->link.prev = NULL;
	t->base = NULL;
	t->cb = cb;
	t->wake = NULL;
}

void fw_timer_init_wake(struct fw_timer *t, struct task *task)
{
	t->deadline_ns = 0;
	t->link.next = t->link.prev = NULL;
	t->base = NULL;
	t->cb = NULL;
	t->wake = task;
}

/* Lock the base t is armed on and return it, or return NULL (no lock held) if t is idle. */
static struct fw_timer_base *lock_base(struct fw_timer *t, u64 *flags)
{
	for (;;) {
		/* SAFETY: an atomic read of the field the holder of its base's lock writes; the
		 * re-check under that lock catches a move. */
		struct fw_timer_base *b = __atomic_load_n(&t->base, __ATOMIC_ACQUIRE);
		if (!b)
			return NULL;
		*flags = raw_spin_lock_irqsave(&b->lock);
		if (t->base == b)
			return b;
		raw_spin_unlock_irqrestore(&b->lock, *flags);
	}
}

/* Insert t into b's sorted list. Needs: b->lock held, t unlinked. */
static void insert_sorted(struct fw_timer_base *b, struct fw_timer *t)
{
	struct fw_qlink *pos = b->armed.prev;
	/* SAFETY: walks b's list (held under b->lock) from the tail towards the head; every link
	 * but the head is a fw_timer's `link` (this list holds nothing else). */
	while (pos != &b->armed && QLIST_ENTRY(pos, struct fw_timer, link)->deadline_ns > t->deadline_ns)
		pos = pos->prev;
	/* SAFETY: link t after pos (the head or an armed timer), under b->lock. */
	t->link.prev = pos;
	t->link.next = pos->next;
	pos->next->prev = &t->link;
	pos->next = &t->link;
	/* SAFETY: a release store under the lock; lock_base re-checks it under the lock. */
	__atomic_store_n(&t->base, b, __ATOMIC_RELEASE);
}

/* Unlink t from the base it is on (b, locked). */
static void unlink_locked(struct fw_timer_base *b, struct fw_timer *t)
{
	(void)b;
	qlist_remove(&t->link);
	/* SAFETY: as insert_sorted. */
	__atomic_store_n(&t->base, NULL, __ATOMIC_RELEASE);
}

void fw_timer_arm(struct fw_timer *t, uint64_t deadline_ns)
{
	u64 f;
	struct fw_timer_base *old = lock_base(t, &f);
	if (old) {
		unlink_locked(old, t);
		raw_spin_unlock_irqrestore(&old->lock, f);
	}
	f = irq_save(); /* this CPU's base, and stay here until it is locked */
	struct fw_timer_base *b = this_base();
	raw_spin_lock_keep(&b->lock);
	t->deadline_ns = deadline_ns;
	insert_sorted(b, t);
	raw_spin_unlock_keep(&b->lock);
	irq_restore(f);
}

static bool running_anywhere(const struct fw_timer *t)
{
	/* SAFETY: i < FW_MAX_CPUS_INTERNAL bounds bases[i]; running is read atomically. */
	for (u32 i = 0; i < FW_MAX_CPUS_INTERNAL; i++)
		if (__atomic_load_n(&bases[i].running, __ATOMIC_ACQUIRE) == t)
			return true;
	return false;
}

bool fw_timer_cancel(struct fw_timer *t)
{
	u64 f;
	bool was = false;
	struct fw_timer_base *b = lock_base(t, &f);
	if (b) {
		unlink_locked(b, t);
		raw_spin_unlock_irqrestore(&b->lock, f);
		was = true;
	}
	while (running_anywhere(t)) {
		cpu_pause();
		cpu_poll_work();
	}
	return was;
}

bool fw_timer_pending(const struct fw_timer *t)
{
	/* SAFETY: an atomic snapshot of the base pointer. */
	return __atomic_load_n(&t->base, __ATOMIC_ACQUIRE) != NULL;
}

void timers_run_this_cpu(u64 now)
{
	struct fw_timer_base *b = this_base();
	for (u32 n = 0; n < TIMERS_PER_TICK; n++) {
		u64 f = raw_spin_lock_irqsave(&b->lock);
		if (qlist_empty(&b->armed)) {
			raw_spin_unlock_irqrestore(&b->lock, f);
			return;
		}
		/* SAFETY: the list holds only fw_timer links (insert_sorted). */
		struct fw_timer *t = QLIST_ENTRY(b->armed.next, struct fw_timer, link);
		if (t->deadline_ns > now) {
			raw_spin_unlock_irqrestore(&b->lock, f);
			return;
		}
		unlink_locked(b, t);
		/* SAFETY: published before the lock is dropped; cancel waits while it is t. */
		__atomic_store_n(&b->running, t, __ATOMIC_RELEASE);
		struct task *wake = t->wake;
		struct callback *cb = t->cb;
		raw_spin_unlock_irqrestore(&b->lock, f);
		if (wake)
			task_wake(wake);
		else if (cb)
			callback_invoke(cb);
		b->fired++;
		/* SAFETY: the expiry is over; a cancel waiting for it may return. */
		__atomic_store_n(&b->running, NULL, __ATOMIC_RELEASE);
	}
}

u64 timers_fired(u32 cpu)
{
	/* SAFETY: cpu is bounded before bases[cpu] is read; a relaxed statistics snapshot. */
	return cpu < FW_MAX_CPUS_INTERNAL ? __atomic_load_n(&bases[cpu].fired, __ATOMIC_RELAXED) : 0;
}
