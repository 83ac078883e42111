/*
 * mm/mm_base.h — what every memory-manager file shares: integer names, page size, errno values
 * and the small helpers for page arithmetic.
 *
 * The allocator logic (buddy.c, memmap.c, slab.c, arch/x86_64/mm/pt.c) is plain C with no
 * dependency on the rest of the kernel, so it builds both for the kernel and for the host, where
 * tests/mm/ runs it under ASan and UBSan. Only the compiler's own headers are included here.
 */
#ifndef FW_MM_BASE_H
#define FW_MM_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __has_include(<fw/errno.h>)
#include <fw/errno.h>
#endif
#ifndef ENOMEM
#define ENOENT 2
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#endif
#ifndef EPERM
#define EPERM 1
#endif

#define MM_PAGE_SHIFT 12
#define MM_PAGE_SIZE (1ull << MM_PAGE_SHIFT)
#define MM_HUGE_SHIFT 21 /* a 2 MiB page (one page-directory entry) */
#define MM_HUGE_SIZE (1ull << MM_HUGE_SHIFT)

static inline uint64_t mm_align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

/* Rounds up; saturates to the largest multiple of a instead of wrapping past 2^64. */
static inline uint64_t mm_align_up(uint64_t x, uint64_t a)
{
	uint64_t r;
	if (__builtin_add_overflow(x, a - 1, &r))
		return mm_align_down(UINT64_MAX, a);
	return r & ~(a - 1);
}

static inline bool mm_is_aligned(uint64_t x, uint64_t a)
{
	return (x & (a - 1)) == 0;
}

#endif /* FW_MM_BASE_H */
