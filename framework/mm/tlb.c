/*
 * tlb.c — the TLB-flush interface: a local flush of a range, and a hook through which the SMP
 * code (issue #5) shoots the same range down on the other CPUs.
 *
 * Every change that removes or narrows a present kernel mapping calls tlb_flush_kernel() after
 * writing the entry and before the frame behind it is reused, so no CPU keeps a stale
 * translation to a frame that has a new owner. Kernel mappings are not global (G clear), so a
 * CR3 reload drops them too; large ranges are flushed that way instead of page by page.
 */
#include "internal/mm.h"
#include "internal/x86.h"

#define FLUSH_ALL_THRESHOLD_PAGES 64u

static tlb_shootdown_fn shootdown;

void tlb_flush_local(u64 va, u64 len)
{
	u64 pages = (len + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	if (pages > FLUSH_ALL_THRESHOLD_PAGES) {
		/* SAFETY: reloading CR3 with its own value keeps the address space and drops
		 * every non-global translation. */
		write_cr3(read_cr3());
		return;
	}
	for (u64 i = 0; i < pages; i++)
		invlpg(mm_align_down(va, MM_PAGE_SIZE) + i * MM_PAGE_SIZE);
}

void tlb_set_shootdown(tlb_shootdown_fn fn)
{
	/* SAFETY: an atomic pointer store; readers load it with acquire. */
	__atomic_store_n(&shootdown, fn, __ATOMIC_RELEASE);
}

void tlb_flush_kernel(u64 va, u64 len)
{
	tlb_flush_local(va, len);
	/* SAFETY: an atomic load of the hook (a typed function pointer, called with kCFI). */
	tlb_shootdown_fn fn = __atomic_load_n(&shootdown, __ATOMIC_ACQUIRE);
	if (fn)
		fn(va, len);
}
