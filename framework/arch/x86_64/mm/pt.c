/*
 * pt.c — the page-table walker for x86-64 4-level paging (see pt.h for the interface).
 *
 * Loops run over an offset from the start of the range rather than an end address, so a range
 * that ends at the very top of the address space does not wrap. Every entry write is one
 * aligned 64-bit store, so a concurrent hardware walk sees either the old or the new entry.
 */
#include "arch/x86_64/mm/pt.h"

uint64_t pt_nx_bit;

/* Where a walk stopped: the entry, its level, and whether it is a present leaf. */
struct walk {
	uint64_t *entry;
	unsigned level;
};

static bool is_user_va(uint64_t va)
{
	return va < (1ull << 47);
}

/*
 * Descend towards `level` for va. Stops early at a present leaf (a huge page) or, without
 * `create`, at a non-present entry. Returns 0 with w filled, or -ENOMEM.
 */
static int walk(uint64_t root, uint64_t va, unsigned level, bool create, struct walk *w)
{
	uint64_t table = root;
	for (unsigned l = PT_LEVELS;; l--) {
		/* SAFETY: tables have PT_ENTRIES entries; pte_index()/the loop bound stay below. */
		uint64_t *e = &pt_table_of(table)[pte_index(va, l)];
		w->entry = e;
		w->level = l;
		if (l == level)
			return 0;
		if (!pte_present(*e)) {
			if (!create)
				return 0;
			uint64_t pa;
			int err = pt_table_alloc(&pa);
			if (err)
				return err;
			*e = pte_encode_table(pa, is_user_va(va));
		} else if (pte_is_leaf(*e, l)) {
			return 0;
		}
		table = pte_addr(*e, l);
	}
}

/* Replace the huge leaf *e at `level` (2 or 3) by a table of 512 leaves one level down with the
 * same rights. Returns 0 or -ENOMEM (nothing changed). */
static int split(uint64_t *e, unsigned level)
{
	uint64_t pa;
	int err = pt_table_alloc(&pa);
	if (err)
		return err;
	uint64_t *t = pt_table_of(pa);
	uint64_t base = pte_addr(*e, level);
	uint64_t flags = *e & ~PTE_HUGE_ADDR_MASK & ~PTE_PS;
	uint64_t step = pte_level_size(level - 1);
	/* SAFETY: tables have PT_ENTRIES entries; pte_index()/the loop bound stay below. */
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + i * step) | flags | (level - 1 > 1 ? PTE_PS : 0);
	*e = pte_encode_table(pa, (*e & PTE_U) != 0);
	return 0;
}

static int check_range(uint64_t va, uint64_t len)
{
	uint64_t last;
	if (len == 0 || !mm_is_aligned(va, MM_PAGE_SIZE) || !mm_is_aligned(len, MM_PAGE_SIZE) ||
	    __builtin_add_overflow(va, len - 1, &last))
		return -EINVAL;
	if (!pte_va_canonical(va) || !pte_va_canonical(last) || is_user_va(va) != is_user_va(last))
		return -EINVAL;
	return 0;
}

int pt_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t len, unsigned prot, unsigned flags)
{
	int err = check_range(va, len);
	if (err)
		return err;
	if (!mm_is_aligned(pa, MM_PAGE_SIZE) || (prot & ~MM_PROT_ALL) || pa > PTE_ADDR_MASK ||
	    len - 1 > PTE_ADDR_MASK - pa)
		return -EINVAL;
	uint64_t off = 0;
	while (off < len) {
		uint64_t v = va + off, p = pa + off;
		unsigned level = 1;
		if ((flags & PT_MAP_HUGE) && mm_is_aligned(v, MM_HUGE_SIZE) &&
		    mm_is_aligned(p, MM_HUGE_SIZE) && len - off >= MM_HUGE_SIZE)
			level = 2;
		struct walk w;
		err = walk(root, v, level, true, &w);
		if (!err && level == 2 && w.level == 2 && pte_present(*w.entry) &&
		    !pte_is_leaf(*w.entry, 2)) {
			/* A table already covers this 2 MiB: map its pages one by one. */
			level = 1;
			err = walk(root, v, level, true, &w);
		}
		if (!err && (w.level != level || pte_present(*w.entry)))
			err = -EEXIST;
		if (err) {
			if (off)
				pt_unmap(root, va, off); /* whole leaves only: cannot fail */
			return err;
		}
		*w.entry = pte_encode_leaf(p, prot, level, pt_nx_bit);
		off += pte_level_size(level);
	}
	return 0;
}

int pt_unmap_page(uint64_t root, uint64_t va, uint64_t *old_pa)
{
	if (check_range(va, MM_PAGE_SIZE))
		return -EINVAL;
	for (;;) {
		struct walk w;
		walk(root, va, 1, false, &w); /* cannot fail without create */
		if (!pte_present(*w.entry))
			return -ENOENT;
		if (w.level > 1) {
			int err = split(w.entry, w.level);
			if (err)
				return err;
			continue;
		}
		if (old_pa)
			*old_pa = pte_addr(*w.entry, 1);
		*w.entry = 0;
		return 0;
	}
}

int64_t pt_unmap(uint64_t root, uint64_t va, uint64_t len)
{
	int err = check_range(va, len);
	if (err)
		return err;
	int64_t pages = 0;
	uint64_t off = 0;
	while (off < len) {
		uint64_t v = va + off;
		struct walk w;
		walk(root, v, 1, false, &w);
		uint64_t size = pte_level_size(w.level);
		if (!pte_present(*w.entry)) {
			/* Nothing mapped under this entry: skip to its end. */
			off += mm_align_down(v, size) + size - v;
			continue;
		}
		if (w.level > 1 && (!mm_is_aligned(v, size) || len - off < size)) {
			err = split(w.entry, w.level);
			if (err)
				return err;
			continue;
		}
		*w.entry = 0;
		pages += (int64_t)(size / MM_PAGE_SIZE);
		off += size;
	}
	return pages;
}

int pt_protect(uint64_t root, uint64_t va, uint64_t len, unsigned prot)
{
	int err = check_range(va, len);
	if (err)
		return err;
	if (prot & ~MM_PROT_ALL)
		return -EINVAL;
	/* First pass: everything must be mapped, so that a failure changes nothing. */
	for (uint64_t off = 0; off < len;) {
		uint64_t v = va + off;
		struct walk w;
		walk(root, v, 1, false, &w);
		if (!pte_present(*w.entry))
			return -ENOENT;
		uint64_t size = pte_level_size(w.level);
		off += mm_align_down(v, size) + size - v;
	}
	for (uint64_t off = 0; off < len;) {
		uint64_t v = va + off;
		struct walk w;
		walk(root, v, 1, false, &w);
		uint64_t size = pte_level_size(w.level);
		if (w.level > 1 && (!mm_is_aligned(v, size) || len - off < size)) {
			err = split(w.entry, w.level);
			if (err)
				return err;
			continue;
		}
		*w.entry = pte_encode_leaf(pte_addr(*w.entry, w.level), prot, w.level, pt_nx_bit);
		off += size;
	}
	return 0;
}

int pt_query(uint64_t root, uint64_t va, uint64_t *pa, unsigned *prot, unsigned *level)
{
	if (!pte_va_canonical(va))
		return -ENOENT;
	struct walk w;
	walk(root, va, 1, false, &w);
	if (!pte_present(*w.entry))
		return -ENOENT;
	uint64_t size = pte_level_size(w.level);
	if (pa)
		*pa = pte_addr(*w.entry, w.level) + (va & (size - 1));
	if (prot)
		*prot = pte_decode_prot(*w.entry, pt_nx_bit);
	if (level)
		*level = w.level;
	return 0;
}

int pt_leaf_entry(uint64_t root, uint64_t va, bool create, uint64_t **entry, uint64_t *hole_end)
{
	struct walk w;
	int err = walk(root, va, 1, create, &w);
	if (err)
		return err;
	if (w.level != 1) {
		if (pte_present(*w.entry))
			return -EINVAL; /* a huge leaf */
		uint64_t size = pte_level_size(w.level);
		if (hole_end)
			*hole_end = mm_align_down(va, size) + size;
		return -ENOENT;
	}
	*entry = w.entry;
	return 0;
}

/* Free the tables below the non-leaf entry e at `level` (bounded recursion: depth <= 3),
 * first handing every non-zero 4 KiB leaf entry to `leaf` when there is one. */
static void free_below(uint64_t e, unsigned level, void (*leaf)(uint64_t entry))
{
	uint64_t table = pte_addr(e, level);
	/* SAFETY: tables have PT_ENTRIES entries; pte_index()/the loop bound stay below. */
	uint64_t *t = pt_table_of(table);
	if (level > 2) {
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			if (pte_present(t[i]) && !pte_is_leaf(t[i], level - 1))
				free_below(t[i], level - 1, leaf);
	} else if (leaf) {
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			if (t[i])
				leaf(t[i]);
	}
	pt_table_free(table);
}

void pt_free_tree_leaves(uint64_t root, unsigned first, unsigned last, void (*leaf)(uint64_t entry))
{
	uint64_t *pml4 = pt_table_of(root);
	/* SAFETY: tables have PT_ENTRIES entries; pte_index()/the loop bound stay below. */
	for (unsigned i = first; i <= last && i < PT_ENTRIES; i++) {
		if (pte_present(pml4[i]))
			free_below(pml4[i], PT_LEVELS, leaf);
		pml4[i] = 0;
	}
}

void pt_free_tree(uint64_t root, unsigned first, unsigned last)
{
	pt_free_tree_leaves(root, first, last, NULL);
}
