/*
 * paging.c — the boot page tables, replacing the early ones of boot.S.
 *
 * Layout (see internal/paging.h): physical 0..4 GiB identity-mapped with 2 MiB pages, never
 * executable, uncached from 3 GiB up (APIC, HPET, PCI holes); the higher-half window
 * KERNEL_VIRT_BASE..+1 GiB maps physical 0..1 GiB, with the 2 MiB regions that hold the image
 * split into 4 KiB pages so that each section gets its own rights (text RX, rodata R, data and
 * bss RW+NX) and the guard page of every registered stack is left unmapped. Entry format: Intel
 * SDM vol. 3 §4.5 (tables 4-15..4-20). The memory manager will replace all of this with page
 * tables built from the frame allocator; nothing outside this file depends on its details.
 */
#include "arch/x86_64/layout.h"
#include "internal/paging.h"
#include "internal/printk.h"
#include "internal/stacks.h"
#include "arch/x86_64/x86.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)

#define SZ_2M (2ull << 20)
#define MAX_KERNEL_PTS 8u /* the image may span 16 MiB of physical memory */

typedef u64 table_t[512];

static table_t pml4 __attribute__((aligned(PAGE_SIZE)));
static table_t pdpt_low __attribute__((aligned(PAGE_SIZE)));
static table_t pd_low[4] __attribute__((aligned(PAGE_SIZE)));
static table_t pdpt_high __attribute__((aligned(PAGE_SIZE)));
static table_t pd_high __attribute__((aligned(PAGE_SIZE)));
static table_t pt_kernel[MAX_KERNEL_PTS] __attribute__((aligned(PAGE_SIZE)));

bool paging_nx;

extern const u8 __text_start[], __text_end[], __rodata_start[], __fwsyms_end[];
extern const u8 __data_start[], __kernel_virt_end[];

static u64 va_of(const void *p)
{
	/* SAFETY: address arithmetic only. */
	return (u64)(uintptr_t)p;
}

/* Physical address of a kernel object (image mapped at KERNEL_VIRT_BASE + physical). */
static u64 pa_of(const void *p)
{
	return va_of(p) - KERNEL_VIRT_BASE;
}

static bool is_guard(u64 va)
{
	for (size_t i = 0; i < stack_guard_count(); i++)
		if (stack_guard_addr(i) == va)
			return true;
	return false;
}

/* Rights of the 4 KiB kernel-window page at va. */
static u64 kernel_page_flags(u64 va, u64 nx)
{
	if (is_guard(va))
		return 0;
	if (va >= va_of(__text_start) && va < va_of(__text_end))
		return PTE_P;
	if (va >= va_of(__rodata_start) && va < va_of(__data_start))
		return PTE_P | nx;
	if (va >= va_of(__data_start) && va < va_of(__kernel_virt_end)) {
		/* .data and .bss writable; .fwsyms (after .bss) read-only */
		extern const u8 __bss_end[];
		return va < va_of(__bss_end) ? (PTE_P | PTE_W | nx) : (PTE_P | nx);
	}
	return PTE_P | PTE_W | nx; /* below the image (low memory) and the boot sections */
}

void paging_init(bool nx_supported)
{
	paging_nx = nx_supported;
	u64 nx = nx_supported ? PTE_NX : 0;

	for (unsigned d = 0; d < 4; d++) {
		for (unsigned i = 0; i < 512; i++) {
			u64 pa = ((u64)d << 30) + (u64)i * SZ_2M;
			u64 cache = d == 3 ? (PTE_PCD | PTE_PWT) : 0;
			pd_low[d][i] = pa | PTE_P | PTE_W | PTE_PS | cache | nx;
		}
		pdpt_low[d] = pa_of(pd_low[d]) | PTE_P | PTE_W;
	}

	u64 image_end_pa = va_of(__kernel_virt_end) - KERNEL_VIRT_BASE;
	u64 nchunks = (image_end_pa + SZ_2M - 1) / SZ_2M;
	if (nchunks > MAX_KERNEL_PTS) {
		printk(FW_LOG_ERR, "paging: image too large (%lu bytes); halting", image_end_pa);
		for (;;)
			cpu_halt();
	}
	for (unsigned i = 0; i < 512; i++) {
		u64 pa = (u64)i * SZ_2M;
		if (i < nchunks) {
			for (unsigned j = 0; j < 512; j++) {
				u64 page_pa = pa + (u64)j * PAGE_SIZE;
				u64 flags = kernel_page_flags(KERNEL_VIRT_BASE + page_pa, nx);
				pt_kernel[i][j] = flags ? (page_pa | flags) : 0;
			}
			pd_high[i] = pa_of(pt_kernel[i]) | PTE_P | PTE_W;
		} else {
			pd_high[i] = pa | PTE_P | PTE_W | PTE_PS | nx;
		}
	}
	pdpt_high[510] = pa_of(pd_high) | PTE_P | PTE_W;

	pml4[0] = pa_of(pdpt_low) | PTE_P | PTE_W;
	pml4[511] = pa_of(pdpt_high) | PTE_P | PTE_W;

	/* SAFETY: the new tables map the running code (text, RX), this stack (bss, RW) and
	 * everything the early tables mapped that is still used (identity 0..4 GiB). */
	write_cr3(pa_of(pml4));
	printk(FW_LOG_INFO, "paging: boot tables loaded: image %lu KiB, %zu guard pages, NX %s",
	       (unsigned long)(image_end_pa - KERNEL_PHYS_BASE) / 1024, stack_guard_count(),
	       nx_supported ? "on" : "unsupported");
}
