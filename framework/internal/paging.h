/*
 * internal/paging.h — the boot page tables (arch/x86_64/paging.c) and early physical access.
 *
 * Boot layout (until the memory manager takes over): physical 0..4 GiB identity-mapped with
 * 2 MiB pages (no-execute; the range from 3 GiB up uncached, it holds the APIC, HPET and PCI
 * holes), and the kernel image at KERNEL_VIRT_BASE + physical with 4 KiB pages: text read-only
 * and executable, rodata read-only, data and bss writable and no-execute, and an unmapped guard
 * page below every stack so that overflowing one faults.
 */
#ifndef FW_INTERNAL_PAGING_H
#define FW_INTERNAL_PAGING_H

#include <fw/types.h>

#define EARLY_IDENTITY_LIMIT (4ull << 30)

/*
 * early_phys_ptr - a pointer through which physical `phys` can be read during boot.
 * Needs: phys + len <= EARLY_IDENTITY_LIMIT (asserted by callers: they check loader data).
 * Context: boot, while the identity map exists (until the memory manager replaces it).
 */
/* 0 under the boot identity map; the direct map's base once mm_init switched (internal/mm.h). */
extern u64 mm_phys_offset;

static inline const void *early_phys_ptr(u64 phys)
{
	/* SAFETY: the boot page tables map [0, 4 GiB) at virtual == physical; after mm_init the
	 * direct map covers the same range at mm_phys_offset + physical. */
	return (const void *)(uintptr_t)(phys + mm_phys_offset);
}

static inline void *early_phys_ptr_rw(u64 phys)
{
	/* SAFETY: as early_phys_ptr; writable for MMIO (APIC, HPET: uncached in both maps). */
	return (void *)(uintptr_t)(phys + mm_phys_offset);
}

/* Whether [phys, phys + len) lies below the identity limit (no overflow). */
static inline bool early_phys_ok(u64 phys, u64 len)
{
	return phys <= EARLY_IDENTITY_LIMIT && len <= EARLY_IDENTITY_LIMIT - phys;
}

/*
 * paging_init - build and load the boot page tables described above.
 * Needs: nx_supported from the CPU (EFER.NXE was set by boot.S only then).
 * Context: early boot, once, on the boot CPU.
 */
void paging_init(bool nx_supported);

/* Whether the CPU enforces no-execute (EFER.NXE set at boot). */
extern bool paging_nx;

#endif /* FW_INTERNAL_PAGING_H */
