/*
 * internal/rawlock.h — the framework's innermost lock: a ticket spinlock that always disables
 * interrupts and preemption, with no held-lock tracking and no lock-order checks.
 *
 * Used where the tracked locks of fw/sync.h cannot be: the run queues (held across a context
 * switch, released by the next task), the lock-order graph itself, wait-queue and mutex
 * internals, the IPI mailboxes. While it spins with interrupts off it serves pending TLB
 * shootdown requests (cpu_poll_work), so a CPU spinning here never stalls a shootdown.
 * Owner: the CPU id + 1 (0 when free), for raw_spin_held().
 */
#ifndef FW_INTERNAL_RAWLOCK_H
#define FW_INTERNAL_RAWLOCK_H

#include <fw/sync.h>
#include <fw/types.h>

#include "arch/x86_64/percpu.h"
#include "arch/x86_64/x86.h"

#define RAW_SPINLOCK_INIT { 0, 0, 0 }

/* Serve work other CPUs wait for while this one spins with IRQs off (cpu/tlb.c). */
void cpu_poll_work(void);

static inline u64 irq_save(void)
{
	u64 f = read_rflags();
	irq_disable();
	return f;
}

static inline void irq_restore(u64 flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

static inline bool irqs_enabled(void)
{
	return (read_rflags() & RFLAGS_IF) != 0;
}

/* raw_spin_lock_irqsave - disable IRQs and preemption, take the lock; returns the old flags. */
static inline u64 raw_spin_lock_irqsave(struct fw_rawlock *l)
{
	u64 f = irq_save();
	if (percpu_ready)
		preempt_count_add(1);
	/* SAFETY: l is a live fw_rawlock (a static or a field of a live object); next and serve
	 * are touched only through these __atomic builtins, the ticket protocol: next hands out
	 * tickets and serve admits one holder at a time. IRQs are off, so this CPU cannot re-enter
	 * the lock it spins on. */
	u32 t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->serve, __ATOMIC_ACQUIRE) != t) {
		cpu_pause();
		cpu_poll_work();
	}
	l->owner = percpu_ready ? this_cpu()->id + 1 : 1;
	return f;
}

/* raw_spin_unlock_irqrestore - release, then restore preemption and the IRQ flag. */
static inline void raw_spin_unlock_irqrestore(struct fw_rawlock *l, u64 flags)
{
	/* SAFETY: the caller holds l (its ticket is the one served), so it is the only writer of
	 * serve; the release store publishes the critical section to the next ticket holder. */
	l->owner = 0;
	__atomic_store_n(&l->serve, l->serve + 1, __ATOMIC_RELEASE);
	if (percpu_ready)
		preempt_count_sub(1);
	irq_restore(flags);
}

/* raw_spin_unlock_keep - release without touching preemption or IRQs (the context switch
 * releases the run-queue lock this way and adjusts the count itself). */
static inline void raw_spin_unlock_keep(struct fw_rawlock *l)
{
	/* SAFETY: as in raw_spin_unlock_irqrestore: only the holder writes serve, with release
	 * ordering. */
	l->owner = 0;
	__atomic_store_n(&l->serve, l->serve + 1, __ATOMIC_RELEASE);
}

/* raw_spin_lock_keep - take the lock when IRQs are already off and the count already raised. */
static inline void raw_spin_lock_keep(struct fw_rawlock *l)
{
	/* SAFETY: the ticket protocol of raw_spin_lock_irqsave on a live lock; the caller already
	 * has IRQs off. */
	u32 t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->serve, __ATOMIC_ACQUIRE) != t) {
		cpu_pause();
		cpu_poll_work();
	}
	l->owner = this_cpu()->id + 1;
}

static inline bool raw_spin_held(const struct fw_rawlock *l)
{
	/* SAFETY: a relaxed atomic read of owner; only this CPU ever stores its own id there, so a
	 * stale value can never equal it by accident. */
	return percpu_ready && __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == this_cpu()->id + 1;
}

/* --- a minimal intrusive queue (struct fw_qlink, fw/sync.h) for framework-internal lists --- */

static inline void qlist_init(struct fw_qlink *h)
{
	h->next = h->prev = h;
}

static inline bool qlist_empty(const struct fw_qlink *h)
{
	/* SAFETY: a pointer comparison only (const-qualified on one side); nothing is
	 * dereferenced. */
	return h->next == h;
}

static inline bool qlink_linked(const struct fw_qlink *n)
{
	return n->next != NULL;
}

static inline void qlist_push_back(struct fw_qlink *h, struct fw_qlink *n)
{
	/* SAFETY: h is an initialised list head, n is unlinked (callers check qlink_linked). */
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void qlist_remove(struct fw_qlink *n)
{
	/* SAFETY: n is linked on a list whose lock the caller holds. */
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

/* SAFETY: every qlist links fw_qlinks embedded as member m of one struct type T (stated where each
 * list is declared), so a linked link lies offsetof(T, m) bytes into a live T and stepping back
 * reaches it. */
/* The element that contains `link` as member `m`. */
#define QLIST_ENTRY(link, T, m) ((T *)(void *)((char *)(link) - __builtin_offsetof(T, m)))

#endif /* FW_INTERNAL_RAWLOCK_H */
