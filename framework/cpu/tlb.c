/*
 * tlb.c — the TLB module: local flushes, and shootdowns that make every other CPU drop its
 * cached translation of a range before the caller goes on (and before the frame behind it can
 * be reused).
 *
 * Local: tlb_flush_local flushes a range page by page (INVLPG), or the whole non-global TLB by
 * a CR3 reload when the range is large. Kernel mappings are not global (G clear), so a CR3
 * reload drops them too. Every change that removes or narrows a present kernel mapping calls
 * tlb_flush_kernel() after writing the entry and before the frame behind it is reused.
 *
 * Shootdowns: one at a time (a global raw lock). The initiator publishes the range, marks every
 * other online CPU pending, sends VEC_IPI_TLB and waits until all have flushed. It never waits
 * on a CPU that cannot answer: a CPU spinning with interrupts off (on any raw/tracked spinlock,
 * or waiting for this very lock) serves its pending flush from the spin loop (cpu_poll_work),
 * and the initiator serves its own pending work while waiting, so two CPUs shooting down at
 * once cannot deadlock either. So a shootdown may be started with interrupts disabled (the
 * memory manager flushes under an IRQ-disabling lock). Before tlb_init (only the boot CPU
 * runs) a kernel flush is local only.
 *
 * Kernel ranges go to every other online CPU; user ranges only to the CPUs whose CR3 may hold
 * that address space (tlb_shootdown_cpus with the space's CPU mask, mm/vmspace.c). A request
 * may also carry a space the targets must stop using (vmspace_destroy): each target that still
 * has it loaded switches to the kernel's tables before it acknowledges.
 */
#include "internal/lapic.h"
#include "internal/mm.h"
#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/trap.h"
#include "arch/x86_64/x86.h"

#define FLUSH_ALL_PAGES 64u

static struct fw_rawlock shoot_lock;
static u64 shoot_va, shoot_len;
static struct vmspace *shoot_let_go;
static u32 shoot_waiting; /* CPUs that still have to flush */
static u64 shootdowns;
static bool shoot_ready; /* tlb_init ran: the IPI handler is in place */

void tlb_flush_local(u64 va, u64 len)
{
	u64 first = mm_align_down(va, MM_PAGE_SIZE);
	u64 last = va + len - 1 < va ? ~0ull : va + len - 1; /* len ~0: everything */
	if (len == 0)
		return;
	if ((last - first) >> MM_PAGE_SHIFT >= FLUSH_ALL_PAGES) {
		/* SAFETY: reloading CR3 with its own value drops all non-global translations. With
		 * interrupts off: a caller that can be preempted between the read and the write
		 * (a kernel task's tlb_flush_kernel) would otherwise write back the space that was
		 * loaded before a switch, while this CPU's active_vs names another one. */
		u64 f = irq_save();
		write_cr3(read_cr3());
		irq_restore(f);
		return;
	}
	for (u64 a = first; a <= mm_align_down(last, MM_PAGE_SIZE); a += MM_PAGE_SIZE)
		invlpg(a);
}

/* Serve this CPU's pending flush, if any. Context: any (interrupts may be off). */
void cpu_poll_work(void)
{
	if (!percpu_ready)
		return;
	/* Interrupts off for the whole service: some callers spin with preemption on (a sleeping
	 * lock's or a timer cancel's wait loop), and a task moved to another CPU between reading
	 * this_cpu() and the flush would take the old CPU's request and flush the new CPU's TLB
	 * (the old one keeping stale entries); vmspace_cpu_let_go's contract is IRQs off too. */
	u64 f = irq_save();
	/* SAFETY: c is this CPU's cpu_local (stable: interrupts are off); tlb_pending is set by
	 * the shooter with release and taken here with an exchange, so each request is flushed
	 * once; shoot_va/len are stable while shoot_lock is held by the shooter, which waits for
	 * shoot_waiting to drop to 0 before releasing it. */
	struct cpu_local *c = this_cpu();
	if (!__atomic_load_n(&c->tlb_pending, __ATOMIC_ACQUIRE) ||
	    !__atomic_exchange_n(&c->tlb_pending, 0, __ATOMIC_ACQ_REL)) {
		irq_restore(f);
		return;
	}
	/* SAFETY: shoot_va/len are stable while the shooter holds shoot_lock (above). */
	tlb_flush_local(__atomic_load_n(&shoot_va, __ATOMIC_RELAXED),
			__atomic_load_n(&shoot_len, __ATOMIC_RELAXED));
	/* SAFETY: published with shoot_va/len by the same release store of tlb_pending. */
	struct vmspace *let_go = __atomic_load_n(&shoot_let_go, __ATOMIC_RELAXED);
	if (let_go)
		vmspace_cpu_let_go(let_go);
	c->tlb_flushes++;
	__atomic_fetch_sub(&shoot_waiting, 1, __ATOMIC_RELEASE);
	irq_restore(f);
}

static void tlb_ipi_handler(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
	cpu_poll_work();
}

/*
 * tlb_shootdown - flush [va, va+len) here and on every other online CPU, and return once all
 * have done it (len ~0: everything). Context: any but NMI; interrupts may be off.
 */
/* Flush on the online CPUs of `mask` other than this one and wait for them. */
static void shootdown_mask(u64 mask, u64 va, u64 len, struct vmspace *let_go)
{
	/* SAFETY: shoot_lock (held from here to the end) makes this the only writer of
	 * shoot_va/len/let_go/waiting; every loop index i < FW_MAX_CPUS_INTERNAL, the length of
	 * cpu_locals. */
	if (__atomic_load_n(&cpu_online_count, __ATOMIC_ACQUIRE) <= 1)
		return;
	u64 f = raw_spin_lock_irqsave(&shoot_lock);
	u32 self = this_cpu()->id;
	mask &= ~(1ull << self);
	__atomic_store_n(&shoot_va, va, __ATOMIC_RELAXED);
	__atomic_store_n(&shoot_len, len, __ATOMIC_RELAXED);
	__atomic_store_n(&shoot_let_go, let_go, __ATOMIC_RELAXED);
	u32 n = 0;
	/* SAFETY: i < FW_MAX_CPUS_INTERNAL bounds cpu_locals[i]; online is an acquire load. */
	for (u32 i = 0; i < FW_MAX_CPUS_INTERNAL; i++)
		if ((mask & (1ull << i)) && __atomic_load_n(&cpu_locals[i].online, __ATOMIC_ACQUIRE))
			n++;
	if (n == 0) {
		raw_spin_unlock_irqrestore(&shoot_lock, f);
		return;
	}
	/* SAFETY: shoot_lock is held; shoot_waiting is set before any CPU is asked to flush. */
	__atomic_store_n(&shoot_waiting, n, __ATOMIC_RELEASE);
	/* SAFETY: i < FW_MAX_CPUS_INTERNAL bounds cpu_locals[i]; the release store of tlb_pending
	 * publishes shoot_va/len/let_go to that CPU, whose handler drops shoot_waiting with
	 * release. */
	for (u32 i = 0; i < FW_MAX_CPUS_INTERNAL; i++) {
		if (!(mask & (1ull << i)) || !__atomic_load_n(&cpu_locals[i].online, __ATOMIC_ACQUIRE))
			continue;
		__atomic_store_n(&cpu_locals[i].tlb_pending, 1, __ATOMIC_RELEASE);
		lapic_send_ipi(cpu_locals[i].apic_id, VEC_IPI_TLB);
	}
	/* SAFETY: an acquire read of the counter the flushing CPUs drop with release; shoot_lock
	 * is still held. */
	while (__atomic_load_n(&shoot_waiting, __ATOMIC_ACQUIRE) != 0) {
		cpu_pause();
		cpu_poll_work();
	}
	shootdowns++;
	raw_spin_unlock_irqrestore(&shoot_lock, f);
}

void tlb_shootdown_cpus(u64 mask, u64 va, u64 len, struct vmspace *let_go)
{
	shootdown_mask(mask, va, len, let_go);
}

u64 tlb_shootdown_count(void);
u64 tlb_shootdown_count(void)
{
	return shootdowns;
}

void tlb_flush_kernel(u64 va, u64 len)
{
	/* Interrupts off from the local flush to the end of the shootdown: a caller moved to
	 * another CPU in between would flush the first CPU locally and then every CPU but the
	 * second (shootdown_mask leaves out the one it runs on), so the second kept stale
	 * entries. shootdown_mask may run with interrupts off (it serves requests aimed at this
	 * CPU while it waits). */
	u64 f = irq_save();
	tlb_flush_local(va, len);
	/* SAFETY: an acquire load of the flag tlb_init publishes with release. */
	if (__atomic_load_n(&shoot_ready, __ATOMIC_ACQUIRE))
		shootdown_mask(~0ull, va, len, NULL);
	irq_restore(f);
}

void tlb_shootdown(u64 va, u64 len)
{
	tlb_flush_kernel(va, len);
}

void tlb_init(void);
void tlb_init(void)
{
	trap_set_irq_handler(VEC_IPI_TLB, tlb_ipi_handler);
	/* SAFETY: a release store: the handler is in place before any CPU is asked to flush. */
	__atomic_store_n(&shoot_ready, true, __ATOMIC_RELEASE);
}
