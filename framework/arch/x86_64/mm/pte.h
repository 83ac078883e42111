/*
 * arch/x86_64/mm/pte.h — the x86-64 page-table entry format, declared once.
 *
 * 4-level paging (Intel SDM vol. 3A §4.5; entry formats in tables 4-15 to 4-20): a PML4 entry
 * (level 4) and a PDPT entry (level 3) and a page-directory entry (level 2) either point to the
 * next table or, with PS set at levels 3 and 2, map a 1 GiB or 2 MiB page; a page-table entry
 * (level 1) maps a 4 KiB page. The rest of the memory manager speaks in `mm_prot` bits and asks
 * this header to encode and decode them, so no other file knows a bit position.
 *
 * Intermediate entries are always present, writable, executable and (for user trees) user:
 * the leaf alone decides the rights, which keeps protect() to one entry per page.
 */
#ifndef FW_ARCH_X86_64_MM_PTE_H
#define FW_ARCH_X86_64_MM_PTE_H

#include "mm/mm_base.h"

#define PTE_P    (1ull << 0)  /* present */
#define PTE_W    (1ull << 1)  /* writable */
#define PTE_U    (1ull << 2)  /* user-accessible */
#define PTE_PWT  (1ull << 3)  /* write-through */
#define PTE_PCD  (1ull << 4)  /* cache disable */
#define PTE_A    (1ull << 5)  /* accessed (set by the CPU) */
#define PTE_D    (1ull << 6)  /* dirty (set by the CPU, leaves only) */
#define PTE_PS   (1ull << 7)  /* page size: a leaf at level 3 or 2 */
#define PTE_G    (1ull << 8)  /* global: kept across CR3 writes (leaves only) */
#define PTE_NX   (1ull << 63) /* execute-disable; only when EFER.NXE is set, else reserved */
#define PTE_ADDR_MASK 0x000ffffffffff000ull /* bits 51:12, the frame address */
#define PTE_HUGE_ADDR_MASK 0x000fffffffe00000ull /* bits 51:21 of a 2 MiB leaf (bit 12 = PAT) */

#define PT_ENTRIES 512
#define PT_LEVELS 4

_Static_assert(PTE_ADDR_MASK == (((1ull << 52) - 1) & ~((1ull << 12) - 1)), "51:12");
_Static_assert(PTE_HUGE_ADDR_MASK == (((1ull << 52) - 1) & ~((1ull << 21) - 1)), "51:21");
_Static_assert(PT_ENTRIES * sizeof(uint64_t) == MM_PAGE_SIZE, "a table is one page");

/* Rights of a mapping, independent of the entry format. READ is implied by any mapping. */
enum mm_prot {
	MM_PROT_READ = 1u << 0,
	MM_PROT_WRITE = 1u << 1,
	MM_PROT_EXEC = 1u << 2,
	MM_PROT_USER = 1u << 3,
	MM_PROT_UNCACHED = 1u << 4, /* device memory: PCD|PWT (UC with the default PAT) */
	MM_PROT_GLOBAL = 1u << 5,   /* survives address-space switches (kernel mappings only) */
};
#define MM_PROT_ALL 0x3fu

/* Bytes mapped by one leaf at `level` (1: 4 KiB, 2: 2 MiB, 3: 1 GiB). */
static inline uint64_t pte_level_size(unsigned level)
{
	return 1ull << (12 + 9 * (level - 1));
}

/* Index of `va` in the table at `level` (4 = PML4). */
static inline unsigned pte_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* Whether va is canonical for 48-bit addressing (bits 63:47 all equal). */
static inline bool pte_va_canonical(uint64_t va)
{
	uint64_t top = va >> 47;
	return top == 0 || top == 0x1ffff;
}

/*
 * pte_encode_leaf - the entry mapping physical `pa` at `level` with `prot`.
 * Needs: pa aligned to pte_level_size(level); level 1..3. `nx_bit` is PTE_NX when EFER.NXE is on,
 *        else 0 (then non-executable mappings are executable: the CPU cannot express it).
 */
static inline uint64_t pte_encode_leaf(uint64_t pa, unsigned prot, unsigned level, uint64_t nx_bit)
{
	uint64_t e = (pa & (level == 1 ? PTE_ADDR_MASK : PTE_HUGE_ADDR_MASK)) | PTE_P;
	if (prot & MM_PROT_WRITE)
		e |= PTE_W;
	if (prot & MM_PROT_USER)
		e |= PTE_U;
	if (prot & MM_PROT_UNCACHED)
		e |= PTE_PCD | PTE_PWT;
	if (prot & MM_PROT_GLOBAL)
		e |= PTE_G;
	if (!(prot & MM_PROT_EXEC))
		e |= nx_bit;
	if (level > 1)
		e |= PTE_PS;
	return e;
}

/* The entry pointing to a next-level table at physical `table_pa`. */
static inline uint64_t pte_encode_table(uint64_t table_pa, bool user)
{
	return (table_pa & PTE_ADDR_MASK) | PTE_P | PTE_W | (user ? PTE_U : 0);
}

static inline bool pte_present(uint64_t e)
{
	return (e & PTE_P) != 0;
}

/* Whether entry e at `level` maps a page (rather than pointing to a table). */
static inline bool pte_is_leaf(uint64_t e, unsigned level)
{
	return level == 1 || (level <= 3 && (e & PTE_PS));
}

/* The physical address e points to (a table, or the start of the page it maps). */
static inline uint64_t pte_addr(uint64_t e, unsigned level)
{
	return e & (level > 1 && (e & PTE_PS) ? PTE_HUGE_ADDR_MASK : PTE_ADDR_MASK);
}

/* The rights a present leaf grants (the inverse of pte_encode_leaf for nx_bit = PTE_NX). */
static inline unsigned pte_decode_prot(uint64_t e, uint64_t nx_bit)
{
	unsigned p = MM_PROT_READ;
	if (e & PTE_W)
		p |= MM_PROT_WRITE;
	if (e & PTE_U)
		p |= MM_PROT_USER;
	if (e & PTE_PCD)
		p |= MM_PROT_UNCACHED;
	if (e & PTE_G)
		p |= MM_PROT_GLOBAL;
	if (!(e & nx_bit))
		p |= MM_PROT_EXEC;
	return p;
}

#endif /* FW_ARCH_X86_64_MM_PTE_H */
