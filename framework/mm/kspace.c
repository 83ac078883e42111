/*
 * kspace.c — the kernel address space: the page tables the framework builds at boot to
 * replace the boot tables, and the locked map/unmap/protect operations on them.
 *
 * Built once by kspace_init() (see internal/mm.h for the layout):
 *   - the direct map of physical [0, max(4 GiB, top of RAM)) in 2 MiB pages, read/write,
 *     never executable; chunks that hold RAM write-back, the others (MMIO holes) uncached;
 *   - the kernel image at KERNEL_VIRT_BASE + physical in 4 KiB pages with W^X: text read and
 *     execute, rodata and the symbol table read-only, data and bss read/write, no page both
 *     writable and executable; the guard page of every registered boot stack left unmapped;
 *   - empty PDPTs for the heap, stack and test regions, so that their PML4 entries never
 *     change after boot and every future address space can share the kernel half by copying
 *     PML4 slots 256-511 once.
 * No identity map: the lower half is empty, ready for user address spaces.
 *
 * Locking: kspace_lock (interrupts off) serialises every change to the kernel tables; the
 * frame lock nests inside it (table pages come from the frame allocator).
 */
#include "arch/x86_64/layout.h"
#include "arch/x86_64/mm/pt.h"
#include "internal/bootinfo.h"
#include "internal/mm.h"
#include "internal/paging.h"
#include "internal/printk.h"
#include "internal/stacks.h"
#include "arch/x86_64/x86.h"
#include "mm/mmlock.h"

static u64 kroot;
static struct mm_lock kspace_lock;

extern const u8 __text_start[], __text_end[], __rodata_start[], __data_start[], __bss_end[];
extern const u8 __kernel_virt_end[];

/* --- the walker's environment (pt.h) -------------------------------------------------------- */

uint64_t *pt_table_of(uint64_t table_pa)
{
	/* SAFETY: table_pa is a page-table frame (FRAME_PAGETABLE) reachable through the direct
	 * map (or the boot identity map while kspace_init builds the tables). */
	return phys_to_virt(table_pa);
}

int pt_table_alloc(uint64_t *pa)
{
	return frame_alloc_typed(FRAME_PAGETABLE, 0, true, pa);
}

void pt_table_free(uint64_t pa)
{
	frame_free_typed(pa, 0);
}

/* --- setup ------------------------------------------------------------------------------------ */

static u64 va_of(const void *p)
{
	/* SAFETY: address arithmetic only: the value of a linker symbol's address. */
	return (u64)(uintptr_t)p;
}

static bool is_boot_guard(u64 va)
{
	for (size_t i = 0; i < stack_guard_count(); i++)
		if (stack_guard_addr(i) == va)
			return true;
	return false;
}

/* Rights of the image page at va (W^X: nothing is both writable and executable). */
static unsigned image_prot(u64 va)
{
	if (va >= va_of(__text_start) && va < va_of(__text_end))
		return MM_PROT_READ | MM_PROT_EXEC;
	if (va >= va_of(__data_start) && va < va_of(__bss_end))
		return MM_PROT_READ | MM_PROT_WRITE;
	return MM_PROT_READ; /* rodata, the symbol table, padding */
}

static void must(int err, const char *what)
{
	if (err) {
		printk(FW_LOG_ERR, "mm: building the kernel page tables failed at %s (%d); halting",
		       what, err);
		for (;;)
			cpu_halt();
	}
}

static bool is_ram(const struct fw_mem_region *r)
{
	return r->type == FW_MEM_USABLE || r->type == FW_MEM_ACPI_RECLAIMABLE ||
	       r->type == FW_MEM_ACPI_NVS;
}

/*
 * Whether the 2 MiB chunk at physical c is mapped write-back: when it overlaps RAM (usable or
 * ACPI ranges of the memory map). Everything else — the PCI/MMIO holes wherever the machine
 * puts them (3-4 GiB on pc, from 2.75 GiB on q35 with more RAM), the APIC, the HPET, ROMs
 * past the last RAM chunk — is uncached, so a device window is never cached by accident.
 */
static bool chunk_is_ram(u64 c)
{
	for (size_t i = 0; i < boot_info.mem_count; i++) {
		/* SAFETY: i < mem_count <= BOOTINFO_MEM_MAX (the parser bounds it). */
		const struct fw_mem_region *r = &boot_info.mem[i];
		if (is_ram(r) && r->base < c + MM_HUGE_SIZE && r->base + r->len_bytes > c)
			return true;
	}
	return false;
}

/* Give PML4 slot `slot` an empty PDPT now, so the entry never changes later. */
static void premake_slot(u64 va)
{
	u64 *pml4 = pt_table_of(kroot);
	unsigned slot = pte_index(va, 4);
	/* SAFETY: slot = pte_index() < PT_ENTRIES, an index into the PML4 page. */
	if (pte_present(pml4[slot]))
		return;
	u64 pa;
	must(pt_table_alloc(&pa), "a region's PDPT");
	pml4[slot] = pte_encode_table(pa, false);
}

void kspace_init(void)
{
	pt_nx_bit = paging_nx ? PTE_NX : 0;
	must(pt_table_alloc(&kroot), "the PML4");

	/* Direct map: the low 4 GiB and all RAM above. */
	u64 top = 4ull << 30;
	for (size_t i = 0; i < boot_info.mem_count; i++) {
		/* SAFETY: i < mem_count <= BOOTINFO_MEM_MAX (the parser bounds it). */
		const struct fw_mem_region *r = &boot_info.mem[i];
		u64 end = r->base + r->len_bytes;
		if (is_ram(r) && end > top && end <= DIRECT_MAP_MAX)
			top = end;
	}
	top = mm_align_up(top, MM_HUGE_SIZE);
	/* Runs of 2 MiB chunks with the same cacheability, each mapped with one call. */
	u64 run = 0;
	bool run_wb = chunk_is_ram(0);
	for (u64 c = MM_HUGE_SIZE; c <= top; c += MM_HUGE_SIZE) {
		bool wb = c < top && chunk_is_ram(c);
		if (c < top && wb == run_wb)
			continue;
		unsigned prot = MM_PROT_WRITE | (run_wb ? 0 : MM_PROT_UNCACHED);
		must(pt_map(kroot, DIRECT_MAP_BASE + run, run, c - run, prot, PT_MAP_HUGE),
		     "direct map");
		run = c;
		run_wb = wb;
	}

	/* The image, page by page with its section's rights; boot stack guards stay unmapped. */
	u64 text = 0, ro = 0, rw = 0;
	for (u64 va = va_of(__text_start); va < va_of(__kernel_virt_end); va += MM_PAGE_SIZE) {
		if (is_boot_guard(va))
			continue;
		unsigned prot = image_prot(va);
		must(pt_map(kroot, va, va - KERNEL_VIRT_BASE, MM_PAGE_SIZE, prot, PT_MAP_4K),
		     "kernel image");
		text += (prot & MM_PROT_EXEC) != 0;
		rw += (prot & MM_PROT_WRITE) != 0;
		ro += !(prot & (MM_PROT_EXEC | MM_PROT_WRITE));
	}
	premake_slot(HEAP_BASE);
	premake_slot(KSTACK_BASE);
	premake_slot(MM_TEST_BASE);

	/* SAFETY: the new tables map everything still in use: this code (text RX), this stack and
	 * every other boot and IST stack (bss RW), the descriptor tables (data/bss), the console
	 * (port I/O), and the metadata and tables just written (direct map). Interrupts are off.
	 * Only the identity map goes away; mm_phys_offset moves every physical access to the
	 * direct map in the same step. */
	write_cr3(kroot);
	mm_phys_offset = DIRECT_MAP_BASE;
	printk(FW_LOG_INFO, "mm: kernel page tables loaded: direct map %lu MiB at %lx (NX %s), "
			    "image W^X: %lu text (RX), %lu read-only, %lu read/write pages, "
			    "%zu guard pages",
	       top >> 20, DIRECT_MAP_BASE, paging_nx ? "on" : "unsupported", text, ro, rw,
	       stack_guard_count());
}

/* --- operations ------------------------------------------------------------------------------ */

u64 kspace_root(void)
{
	return kroot;
}

u64 virt_to_phys_direct(const void *p)
{
	u64 va = va_of(p);
	if (va < DIRECT_MAP_BASE || va - DIRECT_MAP_BASE >= DIRECT_MAP_MAX)
		return 0;
	return va - DIRECT_MAP_BASE;
}

int kspace_map(u64 va, u64 pa, u64 len, unsigned prot)
{
	u64 flags = mm_lock_acquire(&kspace_lock);
	int err = pt_map(kroot, va, pa, len, prot, PT_MAP_4K);
	mm_lock_release(&kspace_lock, flags);
	return err;
}

int kspace_unmap_page(u64 va, u64 *pa)
{
	u64 flags = mm_lock_acquire(&kspace_lock);
	int err = pt_unmap_page(kroot, va, pa);
	mm_lock_release(&kspace_lock, flags);
	if (!err)
		tlb_flush_kernel(va, MM_PAGE_SIZE);
	return err;
}

int kspace_protect(u64 va, u64 len, unsigned prot)
{
	u64 flags = mm_lock_acquire(&kspace_lock);
	int err = pt_protect(kroot, va, len, prot);
	mm_lock_release(&kspace_lock, flags);
	tlb_flush_kernel(va, len); /* also after a partial -ENOMEM: some entries may have changed */
	return err;
}

int kspace_query(u64 va, u64 *pa, unsigned *prot)
{
	u64 flags = mm_lock_acquire(&kspace_lock);
	int err = pt_query(kroot, va, pa, prot, NULL);
	mm_lock_release(&kspace_lock, flags);
	return err;
}
