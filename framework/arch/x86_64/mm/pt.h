/*
 * arch/x86_64/mm/pt.h — operations on one 4-level page-table tree: map, unmap, protect, query.
 *
 * The tree is named by the physical address of its PML4 (its "root"). The walker reaches
 * tables through pt_table_of() and gets new ones from pt_table_alloc(); both are supplied by the
 * environment — in the kernel by kspace.c (the direct map and page-table frames from the frame
 * allocator), in host tests by an arena — so this file is pure logic and is tested on the host.
 *
 * None of these functions flush the TLB: the caller knows which CPUs may cache the old entry
 * and flushes through the tlb interface (mm/tlb.h) after changing or removing a present entry.
 *
 * "Valid" for this module: a root is valid when it is a table obtained from pt_table_alloc()
 * (or the environment's equivalent) whose entries were written only through these functions.
 * Locking: the caller serialises operations on one tree (kspace lock or the VmSpace's lock).
 */
#ifndef FW_ARCH_X86_64_MM_PT_H
#define FW_ARCH_X86_64_MM_PT_H

#include "arch/x86_64/mm/pte.h"

/* --- supplied by the environment ---------------------------------------------------------- */
/* pt_table_of - the 512 entries of the table at physical table_pa (valid for the tree's life). */
uint64_t *pt_table_of(uint64_t table_pa);
/* pt_table_alloc - a zeroed page for a table; 0 and its address in *pa, or -ENOMEM. */
int pt_table_alloc(uint64_t *pa);
/* pt_table_free - give back a table from pt_table_alloc that no entry points to any more. */
void pt_table_free(uint64_t pa);

/* The NX bit to use (PTE_NX when EFER.NXE is on, else 0). Set once by the environment. */
extern uint64_t pt_nx_bit;

/* Flags for pt_map. */
enum pt_map_flags {
	PT_MAP_4K = 0,      /* only 4 KiB leaves */
	PT_MAP_HUGE = 1u,   /* use 2 MiB leaves where va, pa and the remaining length allow */
};

/*
 * pt_map - map [va, va + len) to [pa, pa + len) with `prot`.
 * Needs: valid root; va, pa, len page-aligned, len > 0; the range canonical and not crossing
 *        the canonical hole.
 * Returns: 0; -EINVAL for bad arguments; -EEXIST if any page of the range is already mapped;
 *          -ENOMEM if a table could not be allocated. On error nothing of the range stays
 *          mapped (tables allocated on the way may remain, empty).
 * Context: any; takes no lock (see the file comment).
 */
int pt_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t len, unsigned prot, unsigned flags);

/*
 * pt_unmap_page - remove the 4 KiB mapping of va, splitting a 2 MiB leaf if needed.
 * Returns: 0 and the page's physical address in *old_pa (may be NULL); -ENOENT if va was not
 *          mapped; -ENOMEM if a huge page had to be split and no table was available.
 */
int pt_unmap_page(uint64_t root, uint64_t va, uint64_t *old_pa);

/*
 * pt_unmap - remove every mapping in [va, va + len) (page-aligned). Unmapped holes are skipped.
 * Returns: the number of 4 KiB pages that were mapped, or -ENOMEM (a split failed; the part
 *          before the failing page is unmapped) or -EINVAL.
 */
int64_t pt_unmap(uint64_t root, uint64_t va, uint64_t len);

/*
 * pt_protect - set the rights of every page in [va, va + len) to prot.
 * Returns: 0; -ENOENT if some page of the range is not mapped (nothing changed); -ENOMEM if a
 *          huge page partly inside the range could not be split (a prefix may have changed);
 *          -EINVAL for bad arguments.
 */
int pt_protect(uint64_t root, uint64_t va, uint64_t len, unsigned prot);

/*
 * pt_query - translate va.
 * Returns: 0 with the physical address of va in *pa, the rights in *prot and the leaf level in
 *          *level (each may be NULL); -ENOENT if not mapped.
 */
int pt_query(uint64_t root, uint64_t va, uint64_t *pa, unsigned *prot, unsigned *level);

/*
 * pt_leaf_entry - the level-1 entry for the 4 KiB page va (for trees of 4 KiB leaves only, as
 * user address spaces are), creating the tables on the way when `create`.
 * Returns: 0 with the entry in *entry; -ENOENT (without `create`) when a table on the way is
 *          absent, with *hole_end the end of the unmapped stretch that starts there (a walk may
 *          skip to it); -EINVAL when a huge leaf covers va; -ENOMEM when a table could not be
 *          allocated. The entry stays valid while the tree's lock is held and the tables live.
 */
int pt_leaf_entry(uint64_t root, uint64_t va, bool create, uint64_t **entry, uint64_t *hole_end);

/*
 * pt_free_tree - free every table of the tree below root for PML4 slots [first, last], and
 * clear those slots. Leaves are not freed (their owner does that). Used to destroy a user
 * address space and by tests.
 */
void pt_free_tree(uint64_t root, unsigned first, unsigned last);

/*
 * pt_free_tree_leaves - pt_free_tree, first calling `leaf` with every non-zero 4 KiB leaf
 * entry (once each, before its table is freed): one pass over the tables that exist, where a
 * lookup per leaf would walk the holes between them too. Context: the tree's lock held, no
 * CPU using the tree.
 */
void pt_free_tree_leaves(uint64_t root, unsigned first, unsigned last, void (*leaf)(uint64_t entry));

#endif /* FW_ARCH_X86_64_MM_PT_H */
