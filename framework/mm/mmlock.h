/*
 * mm/mmlock.h — the spinlock the memory manager's three locks use (frames, kspace, heap).
 *
 * Interrupts are disabled while it is held, so an interrupt handler on the same CPU can never
 * spin on a lock its own CPU holds; a test-and-set on one byte serialises CPUs. It is private
 * to mm/ until the sync layer (issue #5) provides the framework's spinlocks.
 */
#ifndef FW_MM_MMLOCK_H
#define FW_MM_MMLOCK_H

#include <fw/types.h>

#include "arch/x86_64/x86.h"

void cpu_poll_work(void); /* cpu/tlb.c: serve this CPU's pending TLB flush */

struct mm_lock {
	u8 held;
};

/* mm_lock_acquire - disable interrupts and take l; returns the saved RFLAGS for release. */
static inline u64 mm_lock_acquire(struct mm_lock *l)
{
	u64 flags = read_rflags();
	irq_disable();
	/* SAFETY: an atomic exchange on the lock byte; acquire orders the critical section. */
	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE)) {
		cpu_pause();
		cpu_poll_work(); /* the holder may be waiting for our TLB shootdown (cpu/tlb.c) */
	}
	return flags;
}

/* mm_lock_release - release l and restore the interrupt state saved by mm_lock_acquire. */
static inline void mm_lock_release(struct mm_lock *l, u64 flags)
{
	/* SAFETY: only the holder releases; release publishes the critical section's writes. */
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
	if (flags & RFLAGS_IF)
		irq_enable();
}

#endif /* FW_MM_MMLOCK_H */
