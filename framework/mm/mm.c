/*
 * mm.c — mm_init(): the order in which the memory manager takes over from the boot code.
 *
 *   frames_init      frame allocator from the boot memory map (RAM below 4 GiB), metadata
 *                    reached through the boot identity map
 *   kspace_init      kernel page tables from allocator frames; CR3 switch; the identity map is
 *                    gone and physical memory is reached through the direct map from here on
 *   frames_rebase    the metadata through the direct map
 *   frames_add_high  RAM above 4 GiB joins the allocator
 *   heap_init        typed caches usable (the safe-C library's allocation hooks work)
 *   fault_inject_init  the fault.* boot options (allocation failure injection), if any
 * Then it prints what it did: the usable ranges (frames_init) and the free memory.
 */
#include "internal/fault_inject.h"
#include "internal/mm.h"
#include "internal/printk.h"

void mm_init(void)
{
	frames_init();
	kspace_init();
	frames_rebase();
	frames_add_high();
	heap_init();
	fault_inject_init();
	u64 free = frame_free_count(), total = frame_managed_count();
	printk(FW_LOG_INFO,
	       "mm: free memory after boot: %lu KiB of %lu KiB managed (%lu frames free)",
	       free * 4, total * 4, free);
}
