/*
 * memmap.c — usable physical pages from the boot memory map (see memmap.h).
 *
 * Method: page-align each usable range inward and insert it into a sorted, merged list; then
 * cut every reserved range (aligned outward) out of that list. Each step keeps the list sorted
 * and disjoint, so the result needs no final pass. The output array is the working storage;
 * a cut that splits a range needs one more slot, which is where -ENOSPC can come from.
 */
#include "mm/memmap.h"

/* Insert [s, e) into the sorted disjoint list out[0..*n), merging overlaps and neighbours. */
static int insert_merged(struct mm_range *out, size_t *n, size_t max, uint64_t s, uint64_t e)
{
	/* SAFETY: (every out[] access in this function) out has room for max entries and
	 * *n <= max on entry; reads stay below *n, and the list grows by one only after the
	 * *n < max check. */
	size_t i = 0;
	while (i < *n && out[i].end < s)
		i++;
	/* out[i] is the first range that ends at or after s: it may touch or overlap [s, e). */
	size_t j = i;
	while (j < *n && out[j].start <= e) {
		if (out[j].start < s)
			s = out[j].start;
		if (out[j].end > e)
			e = out[j].end;
		j++;
	}
	/* out[i..j) merge into one range. */
	if (i == j) {
		if (*n >= max)
			return -ENOSPC;
		/* SAFETY: k <= *n < max: the slot at *n is inside out's capacity. */
		for (size_t k = *n; k > i; k--)
			out[k] = out[k - 1];
		(*n)++;
	} else {
		/* SAFETY: i + 1 + k <= j + k < *n (j > i). */
		for (size_t k = 0; j + k < *n; k++)
			out[i + 1 + k] = out[j + k];
		*n -= j - i - 1;
	}
	/* SAFETY: i <= the old *n, and a slot was added at or before i when i == old *n. */
	out[i].start = s;
	out[i].end = e;
	return 0;
}

/* Remove [s, e) from the sorted disjoint list. */
static int cut(struct mm_range *out, size_t *n, size_t max, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < *n; i++) {
		/* SAFETY: i < *n <= max, inside out's capacity. */
		struct mm_range r = out[i];
		if (r.end <= s || r.start >= e)
			continue;
		if (r.start < s && r.end > e) {
			/* The cut is strictly inside: split into two. */
			if (*n >= max)
				return -ENOSPC;
			/* SAFETY: k <= *n < max and i + 1 <= *n: every slot is inside capacity. */
			for (size_t k = *n; k > i + 1; k--)
				out[k] = out[k - 1];
			(*n)++;
			out[i].end = s;
			out[i + 1].start = e;
			out[i + 1].end = r.end;
			return 0; /* the list is disjoint: nothing else overlaps */
		}
		/* SAFETY: i < *n, as above. */
		if (r.start < s) {
			out[i].end = s;
		} else if (r.end > e) {
			out[i].start = e;
		} else {
			/* Fully covered: drop it and look at the one that moved into slot i.
			 * SAFETY: k + 1 < *n. */
			for (size_t k = i; k + 1 < *n; k++)
				out[k] = out[k + 1];
			(*n)--;
			i--;
		}
	}
	return 0;
}

int memmap_usable(const struct mm_range *usable, size_t n_usable, const struct mm_range *reserved,
		  size_t n_reserved, struct mm_range *out, size_t out_max)
{
	size_t n = 0;
	for (size_t i = 0; i < n_usable; i++) {
		/* SAFETY: i < n_usable, the length of usable (contract). */
		uint64_t s = mm_align_up(usable[i].start, MM_PAGE_SIZE);
		uint64_t e = mm_align_down(usable[i].end, MM_PAGE_SIZE);
		if (s >= e)
			continue;
		int err = insert_merged(out, &n, out_max, s, e);
		if (err)
			return err;
	}
	for (size_t i = 0; i < n_reserved; i++) {
		/* SAFETY: i < n_reserved, the length of reserved (contract). */
		if (reserved[i].start >= reserved[i].end)
			continue;
		uint64_t s = mm_align_down(reserved[i].start, MM_PAGE_SIZE);
		uint64_t e = mm_align_up(reserved[i].end, MM_PAGE_SIZE);
		int err = cut(out, &n, out_max, s, e);
		if (err)
			return err;
	}
	return (int)n;
}

uint64_t memmap_total(const struct mm_range *r, size_t n)
{
	uint64_t t = 0;
	/* SAFETY: i < n, the length of r (contract). */
	for (size_t i = 0; i < n; i++)
		t += r[i].end - r[i].start;
	return t;
}
