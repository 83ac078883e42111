/*
 * spinlock.c — tracked spinlocks (fw/sync.h): a ticket lock (fair: CPUs are served in arrival
 * order, so a contended lock cannot starve one CPU), preemption off while held, the holder
 * recorded, every acquisition checked by the lock-order validator (sync/lockdep.c) *before*
 * spinning, so an inversion is reported even when this very acquisition would deadlock.
 * While spinning, pending TLB shootdowns are served (cpu_poll_work): with interrupts off a
 * spinning CPU still answers them.
 */
#include <fw/sync.h>

#include "internal/panic_internal.h"
#include "internal/rawlock.h"
#include "internal/task.h"

void __fw_spin_lock_init(struct spinlock *l, struct lock_class *cls)
{
	/* A held spinlock (or one with a ticket taken) re-initialised would admit a second
	 * holder: refused. */
	/* SAFETY: atomic loads of the lock's own words, which only its functions write. */
	FW_CHECK(__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == NULL &&
			 __atomic_load_n(&l->next, __ATOMIC_ACQUIRE) ==
				 __atomic_load_n(&l->serve, __ATOMIC_ACQUIRE),
		 "spin_lock_init of a spinlock that is held or waited for");
	l->next = 0;
	l->serve = 0;
	l->owner = NULL;
	l->cls = cls;
}

/* wait_turn - spin until ticket t is served (contention: out of line, so the uncontended
 * path in take() saves no registers for the loop's calls). */
static FW_NOINLINE void wait_turn(struct spinlock *l, u32 t)
{
	/* SAFETY: an acquire load of the lock's serve word (ticket protocol, as in take). */
	while (__atomic_load_n(&l->serve, __ATOMIC_ACQUIRE) != t) {
		cpu_pause();
		cpu_poll_work();
	}
}

/* take - acquire l for `me` (task_current(): NULL before tasks exist). */
static inline void take(struct spinlock *l, struct task *me, u64 ip)
{
	/* SAFETY: l is a live spinlock; owner, next and serve are touched only through __atomic
	 * builtins: next hands out tickets and serve admits one holder at a time (the ticket
	 * protocol of rawlock.h). */
	if (me && __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me)
		panic_message("spin_lock: recursive acquisition (self-deadlock)");
	lockdep_note_acquire(me, l, lock_class_of(l), ip, false);
	u32 t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&l->serve, __ATOMIC_ACQUIRE) != t)
		wait_turn(l, t);
	/* SAFETY: our ticket is served, so we hold l and are the only writer of owner. */
	__atomic_store_n(&l->owner, me, __ATOMIC_RELAXED);
}

/* give - release l, held by `me` (task_current()). */
static inline void give(struct spinlock *l, struct task *me)
{
	/* SAFETY: the owner check panics unless the caller holds l, so only the holder clears
	 * owner and advances serve; the release store publishes its writes to the next ticket. */
	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != me)
		panic_message("spin_unlock: lock not held by the caller");
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	lockdep_note_release(me, l);
	__atomic_store_n(&l->serve, l->serve + 1, __ATOMIC_RELEASE);
}

void spin_lock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	/* preempt_off and task_current, with one test of percpu_ready between them (each tests
	 * it, and the count's asm makes the compiler load it again) */
	struct task *me = NULL;
	if (FW_LIKELY(percpu_ready)) {
		preempt_count_add(1);
		me = current_task();
	}
	/* SAFETY: __builtin_return_address(0) reads this frame's return address only; lockdep
	 * records it as the site. */
	take(l, me, (u64)(uintptr_t)__builtin_return_address(0));
}

bool spin_trylock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	preempt_disable();
	/* SAFETY: atomic reads of the ticket words of a live lock; the CAS takes a ticket only
	 * when it is the one being served, so a failed try leaves the lock unchanged. The return
	 * address is lockdep's site. */
	u32 s = __atomic_load_n(&l->serve, __ATOMIC_RELAXED);
	u32 expect = s;
	if (__atomic_load_n(&l->next, __ATOMIC_RELAXED) != s ||
	    !__atomic_compare_exchange_n(&l->next, &expect, s + 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED)) {
		preempt_enable();
		return false;
	}
	/* SAFETY: the CAS won the lock, so this task is the only writer of owner; the return
	 * address is this frame's, lockdep's acquire site. */
	lockdep_acquire(l, lock_class_of(l),
			(u64)(uintptr_t)__builtin_return_address(0), true);
	__atomic_store_n(&l->owner, task_current(), __ATOMIC_RELAXED);
	return true;
}

void spin_unlock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (FW_UNLIKELY(!percpu_ready)) {
		give(l, NULL); /* early boot: no task, no preemption count */
		return;
	}
	give(l, current_task());
	preempt_on_ready();
}

struct irq_state spin_lock_irqsave(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	struct irq_state s = { irq_save() };
	preempt_disable();
	/* SAFETY: __builtin_return_address(0) reads this frame's return address only; lockdep
	 * records it as the site. */
	take(l, task_current(), (u64)(uintptr_t)__builtin_return_address(0));
	return s;
}

void spin_unlock_irqrestore(struct spinlock *l, struct irq_state s) NO_THREAD_SAFETY_ANALYSIS
{
	give(l, task_current());
	if (!percpu_ready) {
		irq_restore(s.flags);
		return;
	}
	/* interrupts stay off until the count is down, so the resched check sees them off and
	 * the switch (if any) happens at the next preemption point instead */
	preempt_count_sub(1);
	irq_restore(s.flags);
	if (preempt_count_raw() == 0 && irqs_enabled() && this_cpu()->need_resched) {
		preempt_count_add(1);
		preempt_enable();
	}
}

bool spinlock_held(const struct spinlock *l)
{
	/* SAFETY: a relaxed atomic read of owner; it equals me only if this task stored it and
	 * still holds l. */
	struct task *me = task_current();
	return me && __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me;
}

void spin_assert_held(const struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	FW_CHECK(spinlock_held(l), "spin_assert_held: lock not held by the caller");
}
