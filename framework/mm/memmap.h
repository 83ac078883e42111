/*
 * mm/memmap.h — turning the boot memory map into the list of pages the frame allocator may use.
 *
 * The loader's map may list ranges out of order, overlapping, or not page-aligned; some usable
 * RAM holds things that must survive (the kernel image, the initramfs, the boot page tables,
 * the frame metadata itself, the first MiB with its BIOS data). memmap_usable() takes the usable
 * ranges and every range to keep out, and produces sorted, disjoint, page-aligned ranges that
 * are safe to hand to the allocator: usable ranges are shrunk inward to page boundaries,
 * reserved ones grown outward, so a partially reserved page is never handed out.
 */
#ifndef FW_MM_MEMMAP_H
#define FW_MM_MEMMAP_H

#include "mm/mm_base.h"

/* A physical range [start, end). Empty when start >= end. */
struct mm_range {
	uint64_t start;
	uint64_t end;
};

/*
 * memmap_usable - usable minus reserved, page-aligned, sorted and merged.
 * Needs: arrays of n entries each (n may be 0); out has room for out_max entries.
 * Returns: the number of ranges written to out, or -ENOSPC when out_max is too small (out then
 *          holds a partial result that must not be used).
 * Context: any; pure computation.
 */
int memmap_usable(const struct mm_range *usable, size_t n_usable, const struct mm_range *reserved,
		  size_t n_reserved, struct mm_range *out, size_t out_max);

/* memmap_total - the sum of the lengths of n ranges from memmap_usable(). */
uint64_t memmap_total(const struct mm_range *r, size_t n);

#endif /* FW_MM_MEMMAP_H */
