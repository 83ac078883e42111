/*
 * internal/smp.h — the two boot steps of the CPU/task layer, called from arch setup.c.
 *
 *   smp_early_init()  right after the descriptor tables: per-CPU area and %gs of the boot CPU,
 *                     the boot flow made task 0 (lock tracking works from here), the run
 *                     queues and the kernel's scheduling policy set up.
 *   smp_late_init()   after mm_init and the boot CPU's APIC timer: IPI and TLB-shootdown
 *                     vectors (the shootdown hooked into the memory manager), CPU 0's idle
 *                     task (scheduling starts), then every other processor (cpu/smp.c).
 */
#ifndef FW_INTERNAL_SMP_H
#define FW_INTERNAL_SMP_H

#include <fw/types.h>

void smp_early_init(void);
void smp_late_init(void);

/* tlb_shootdown - flush [va, va+len) on every online CPU and wait (cpu/tlb.c). len ~0: all.
 * Context: any but NMI; interrupts may be off. */
void tlb_shootdown(u64 va, u64 len);
u64 tlb_shootdown_count(void);

/* IRQ entry/exit accounting and tick preemption (sync/preempt.c), called by traps.c. */
void sched_irq_enter(void);
void sched_irq_exit(u64 interrupted_rflags);
/* The scheduler's share of the boot CPU's timer tick (arch/x86_64/apic.c). */
void sched_tick(void);

#endif /* FW_INTERNAL_SMP_H */
