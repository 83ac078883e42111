/*
 * tests/mm/test_pt.c — host tests of the page-table entry format and the walker.
 *
 * The walker's environment is an arena of host pages: a "physical address" of a table is the
 * host address of its page, so pt_table_of() is the identity. A failure switch makes
 * pt_table_alloc() run out, to test the -ENOMEM paths; LeakSanitizer checks that
 * pt_free_tree() gives back every table.
 */
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/mm/pt.h"
#include "mmtest.h"

static int tables_live;
static int tables_fail_after = -1; /* allocations left before failing; -1 = never fail */

uint64_t *pt_table_of(uint64_t table_pa)
{
	return (uint64_t *)(uintptr_t)table_pa;
}

int pt_table_alloc(uint64_t *pa)
{
	if (tables_fail_after == 0)
		return -ENOMEM;
	if (tables_fail_after > 0)
		tables_fail_after--;
	void *p = aligned_alloc(4096, 4096);
	memset(p, 0, 4096);
	tables_live++;
	*pa = (uint64_t)(uintptr_t)p;
	return 0;
}

void pt_table_free(uint64_t pa)
{
	tables_live--;
	free((void *)(uintptr_t)pa);
}

static uint64_t new_root(void)
{
	uint64_t r;
	pt_table_alloc(&r);
	return r;
}

static void free_root(uint64_t r)
{
	pt_free_tree(r, 0, 511);
	pt_table_free(r);
}

#define KBASE 0xffff800000000000ull

MMTEST(pte_encoding_bits)
{
	/* Intel SDM vol. 3A table 4-19: P=0, R/W=1, U/S=2, PWT=3, PCD=4, G=8, XD=63. */
	EXPECT_EQ(pte_encode_leaf(0x1234000, MM_PROT_READ, 1, PTE_NX), 0x8000000001234001ull);
	EXPECT_EQ(pte_encode_leaf(0x1234000, MM_PROT_WRITE, 1, PTE_NX), 0x8000000001234003ull);
	EXPECT_EQ(pte_encode_leaf(0x1234000, MM_PROT_EXEC, 1, PTE_NX), 0x0000000001234001ull);
	EXPECT_EQ(pte_encode_leaf(0x1234000, MM_PROT_USER | MM_PROT_EXEC, 1, PTE_NX), 0x1234005ull);
	EXPECT_EQ(pte_encode_leaf(0x1234000, MM_PROT_UNCACHED | MM_PROT_EXEC, 1, 0), 0x1234019ull);
	EXPECT_EQ(pte_encode_leaf(0x1234000, MM_PROT_GLOBAL | MM_PROT_EXEC, 1, 0), 0x1234101ull);
	/* Without NX support the bit is never set (it would be reserved). */
	EXPECT_EQ(pte_encode_leaf(0x1234000, MM_PROT_READ, 1, 0), 0x1234001ull);
	/* 2 MiB leaf: PS=7, address bits 51:21 only. */
	EXPECT_EQ(pte_encode_leaf(0x40000000, MM_PROT_WRITE, 2, PTE_NX), 0x8000000040000083ull);
	EXPECT_EQ(pte_encode_table(0xabc000, false), 0xabc003ull);
	EXPECT_EQ(pte_encode_table(0xabc000, true), 0xabc007ull);
	/* The address field keeps bits 51:12 only. */
	EXPECT_EQ(pte_addr(0xfff0123456789fffull, 1), 0x0000123456789000ull);
	EXPECT_EQ(pte_addr(0x80000000402000e3ull, 2), 0x40200000ull);
	EXPECT(pte_is_leaf(0x83, 2) && !pte_is_leaf(0x3, 2) && pte_is_leaf(0x3, 1));
	EXPECT_EQ(pte_index(0xffffffff80201000ull, 4), 511);
	EXPECT_EQ(pte_index(0xffffffff80201000ull, 3), 510);
	EXPECT_EQ(pte_index(0xffffffff80201000ull, 2), 1);
	EXPECT_EQ(pte_index(0xffffffff80201000ull, 1), 1);
	EXPECT(pte_va_canonical(0x00007fffffffffffull) && pte_va_canonical(KBASE));
	EXPECT(!pte_va_canonical(0x0000800000000000ull));
}

MMTEST(pte_prot_roundtrip)
{
	for (unsigned prot = 0; prot <= MM_PROT_ALL; prot++) {
		for (unsigned level = 1; level <= 3; level++) {
			uint64_t e = pte_encode_leaf(pte_level_size(level) * 3, prot, level, PTE_NX);
			EXPECT(pte_present(e) && pte_is_leaf(e, level));
			EXPECT_EQ(pte_decode_prot(e, PTE_NX), prot | MM_PROT_READ);
			EXPECT_EQ(pte_addr(e, level), pte_level_size(level) * 3);
		}
	}
}

MMTEST(pt_map_query_unmap)
{
	pt_nx_bit = PTE_NX;
	uint64_t root = new_root();
	EXPECT_EQ(pt_map(root, KBASE + 0x5000, 0x200000, 0x3000, MM_PROT_WRITE, PT_MAP_4K), 0);
	uint64_t pa;
	unsigned prot, level;
	EXPECT_EQ(pt_query(root, KBASE + 0x6123, &pa, &prot, &level), 0);
	EXPECT_EQ(pa, 0x201123);
	EXPECT_EQ(prot, MM_PROT_READ | MM_PROT_WRITE);
	EXPECT_EQ(level, 1);
	EXPECT_EQ(pt_query(root, KBASE + 0x8000, NULL, NULL, NULL), -ENOENT);
	EXPECT_EQ(pt_query(root, KBASE + 0x4fff, NULL, NULL, NULL), -ENOENT);
	EXPECT_EQ(pt_map(root, KBASE + 0x7000, 0x900000, 0x2000, 0, 0), -EEXIST);
	EXPECT_EQ(pt_query(root, KBASE + 0x8000, NULL, NULL, NULL), -ENOENT); /* rolled back */
	EXPECT_EQ(pt_unmap_page(root, KBASE + 0x6000, &pa), 0);
	EXPECT_EQ(pa, 0x201000);
	EXPECT_EQ(pt_unmap_page(root, KBASE + 0x6000, &pa), -ENOENT);
	EXPECT_EQ(pt_unmap(root, KBASE, 0x100000), 2);
	EXPECT_EQ(pt_query(root, KBASE + 0x5000, NULL, NULL, NULL), -ENOENT);
	free_root(root);
	EXPECT_EQ(tables_live, 0);
}

MMTEST(pt_huge_pages_split)
{
	pt_nx_bit = PTE_NX;
	uint64_t root = new_root();
	/* 4 MiB + 4 KiB at a 2 MiB-aligned address: two 2 MiB leaves and one 4 KiB leaf. */
	EXPECT_EQ(pt_map(root, KBASE, 0x40000000, 0x401000, MM_PROT_WRITE, PT_MAP_HUGE), 0);
	unsigned level, prot;
	uint64_t pa;
	EXPECT_EQ(pt_query(root, KBASE + 0x1234, &pa, NULL, &level), 0);
	EXPECT_EQ(level, 2);
	EXPECT_EQ(pa, 0x40001234);
	EXPECT_EQ(pt_query(root, KBASE + 0x400000, NULL, NULL, &level), 0);
	EXPECT_EQ(level, 1);
	/* Protect one page inside the first huge page: it is split, the rest keeps its rights. */
	EXPECT_EQ(pt_protect(root, KBASE + 0x3000, 0x1000, MM_PROT_READ), 0);
	EXPECT_EQ(pt_query(root, KBASE + 0x3000, &pa, &prot, &level), 0);
	EXPECT_EQ(level, 1);
	EXPECT_EQ(prot, MM_PROT_READ);
	EXPECT_EQ(pa, 0x40003000);
	EXPECT_EQ(pt_query(root, KBASE + 0x4000, &pa, &prot, &level), 0);
	EXPECT_EQ(prot, MM_PROT_READ | MM_PROT_WRITE);
	EXPECT_EQ(pa, 0x40004000);
	/* Unmapping one page of the second huge page splits it too. */
	EXPECT_EQ(pt_unmap_page(root, KBASE + 0x200000, &pa), 0);
	EXPECT_EQ(pa, 0x40200000);
	EXPECT_EQ(pt_query(root, KBASE + 0x201000, &pa, NULL, &level), 0);
	EXPECT_EQ(level, 1);
	EXPECT_EQ(pt_unmap(root, KBASE, 0x401000), 1024);
	/* Huge mapping next to an existing table falls back to 4 KiB leaves. */
	EXPECT_EQ(pt_map(root, KBASE, 0x40000000, 0x200000, MM_PROT_WRITE, PT_MAP_HUGE), 0);
	EXPECT_EQ(pt_query(root, KBASE + 0x1000, NULL, NULL, &level), 0);
	EXPECT_EQ(level, 1);
	free_root(root);
	EXPECT_EQ(tables_live, 0);
}

MMTEST(pt_protect_needs_mapping)
{
	pt_nx_bit = PTE_NX;
	uint64_t root = new_root();
	EXPECT_EQ(pt_map(root, 0x400000, 0x1000000, 0x2000, MM_PROT_USER | MM_PROT_EXEC, 0), 0);
	EXPECT_EQ(pt_protect(root, 0x400000, 0x3000, MM_PROT_USER), -ENOENT);
	unsigned prot;
	EXPECT_EQ(pt_query(root, 0x400000, NULL, &prot, NULL), 0);
	EXPECT_EQ(prot, MM_PROT_READ | MM_PROT_USER | MM_PROT_EXEC); /* unchanged */
	EXPECT_EQ(pt_protect(root, 0x400000, 0x2000, MM_PROT_USER | MM_PROT_WRITE), 0);
	EXPECT_EQ(pt_query(root, 0x401000, NULL, &prot, NULL), 0);
	EXPECT_EQ(prot, MM_PROT_READ | MM_PROT_USER | MM_PROT_WRITE);
	/* User intermediate entries carry U; the leaf decides. */
	uint64_t *pml4 = pt_table_of(root);
	EXPECT(pml4[0] & PTE_U);
	free_root(root);
}

MMTEST(pt_bad_arguments)
{
	uint64_t root = new_root();
	EXPECT_EQ(pt_map(root, KBASE + 1, 0, 0x1000, 0, 0), -EINVAL);
	EXPECT_EQ(pt_map(root, KBASE, 1, 0x1000, 0, 0), -EINVAL);
	EXPECT_EQ(pt_map(root, KBASE, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(pt_map(root, 0x0000800000000000ull, 0, 0x1000, 0, 0), -EINVAL);
	EXPECT_EQ(pt_map(root, 0x00007ffffffff000ull, 0, 0x2000, 0, 0), -EINVAL); /* crosses hole */
	EXPECT_EQ(pt_map(root, KBASE, 0, 0x1000, 0x100, 0), -EINVAL);
	EXPECT_EQ(pt_map(root, KBASE, 0x000ffffffffff000ull, 0x2000, 0, 0), -EINVAL);
	/* The last page of the address space maps without wrapping. */
	EXPECT_EQ(pt_map(root, 0xfffffffffffff000ull, 0x5000, 0x1000, 0, 0), 0);
	EXPECT_EQ(pt_unmap(root, 0xffffffffffe00000ull, 0x200000), 1);
	free_root(root);
	EXPECT_EQ(tables_live, 0);
}

MMTEST(pt_out_of_tables)
{
	uint64_t root = new_root();
	/* Needs PDPT + PD + PT = 3 tables; only 2 available. */
	tables_fail_after = 2;
	EXPECT_EQ(pt_map(root, KBASE, 0x100000, 0x1000, MM_PROT_WRITE, 0), -ENOMEM);
	tables_fail_after = -1;
	EXPECT_EQ(pt_query(root, KBASE, NULL, NULL, NULL), -ENOENT);
	/* Crossing into a new page table part-way fails and rolls the first part back. */
	EXPECT_EQ(pt_map(root, KBASE + 0x1000, 0x100000, 0x1000, MM_PROT_WRITE, 0), 0);
	tables_fail_after = 0;
	EXPECT_EQ(pt_map(root, KBASE + 0x1fe000, 0x300000, 0x4000, 0, 0), -ENOMEM);
	tables_fail_after = -1;
	EXPECT_EQ(pt_query(root, KBASE + 0x1fe000, NULL, NULL, NULL), -ENOENT);
	EXPECT_EQ(pt_query(root, KBASE + 0x1ff000, NULL, NULL, NULL), -ENOENT);
	EXPECT_EQ(pt_query(root, KBASE + 0x1000, NULL, NULL, NULL), 0);
	/* A split that cannot get a table fails cleanly. */
	EXPECT_EQ(pt_map(root, KBASE + 0x40000000, 0x40000000, 0x200000, 0, PT_MAP_HUGE), 0);
	tables_fail_after = 0;
	EXPECT_EQ(pt_unmap_page(root, KBASE + 0x40001000, NULL), -ENOMEM);
	EXPECT_EQ(pt_protect(root, KBASE + 0x40001000, 0x1000, 0), -ENOMEM);
	tables_fail_after = -1;
	EXPECT_EQ(pt_query(root, KBASE + 0x40001000, NULL, NULL, NULL), 0);
	free_root(root);
	EXPECT_EQ(tables_live, 0);
}
