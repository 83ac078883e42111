/*
 * memops.c — memcpy, memmove, memset and memcmp: the four functions the compiler may call on its
 * own (for struct copies and zeroing) even in freestanding code; the framework's typed copy
 * helpers (bytes_copy, frame_read/write/fill, page zeroing) are built on top of these.
 *
 * The bulk moves 8 bytes per iteration (`rep movsq` / `rep stosq`) and the 0..7 byte tail goes
 * byte-wise: QEMU's default CPU model has no fast-string (ERMS) emulation, so `rep movsb` costs
 * one emulated iteration per byte, eight times as many as the qword form.
 *
 * Contract ("valid" below): the caller guarantees each range is mapped and writable (dst) or
 * readable (src) for n bytes. DF is clear in the kernel (syscall FMASK, cld on trap entry);
 * the backward memmove sets it and clears it again before returning.
 */
#include <fw/types.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Forward copy, qwords then the tail. Also memmove's path when dst is below src: each qword is
 * read before it is written and every byte written lies below the bytes still to be read. */
static inline void copy_forward(void *dst, const void *src, size_t n)
{
	size_t q = n >> 3, t = n & 7;
	/* SAFETY: dst and src are valid for n bytes (contract); movsq advances both by 8*q,
	 * movsb copies the remaining t bytes. */
	__asm__ volatile("rep movsq\n\t"
			 "movq %[t], %%rcx\n\t"
			 "rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(q)
			 : [t] "r"(t)
			 : "memory");
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
	if (d <= s || d - s >= n) {
		copy_forward(dst, src, n);
		return dst;
	}
	/* dst overlaps above src: copy from the top down, so each byte is read before the copy
	 * below it overwrites it. First the t = n % 8 topmost bytes one at a time (RSI/RDI on the
	 * last byte), then q qwords (RSI/RDI on the last qword: the byte pointers minus 7). */
	size_t q = n >> 3, t = n & 7;
	/* SAFETY: n > d - s > 0 here, so src + n - 1 and dst + n - 1 are the last bytes of the two
	 * caller-owned ranges (memmove's contract): in bounds, not past them. */
	const u8 *sp = (const u8 *)src + n - 1;
	u8 *dp = (u8 *)dst + n - 1;
	/* SAFETY: every address touched lies in [src, src+n) / [dst, dst+n) (contract); with DF
	 * set, movsb walks down t bytes from the last one, the `sub $7` puts RSI/RDI on the last
	 * of the q remaining qwords, and movsq walks down q qwords ending at src/dst; cld restores
	 * the kernel's DF=0 before any other code runs (an interrupt in between saves and restores
	 * RFLAGS, and trap entry clears DF for its own code). */
	__asm__ volatile("std\n\t"
			 "rep movsb\n\t"
			 "subq $7, %%rsi\n\t"
			 "subq $7, %%rdi\n\t"
			 "movq %[q], %%rcx\n\t"
			 "rep movsq\n\t"
			 "cld"
			 : "+D"(dp), "+S"(sp), "+c"(t)
			 : [q] "r"(q)
			 : "memory", "cc");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t q = n >> 3, t = n & 7;
	u64 pattern = (u64)(u8)c * 0x0101010101010101ull;
	/* SAFETY: dst is valid for n bytes (contract): stosq stores 8*q bytes, stosb the t left;
	 * the low byte of the pattern is c. */
	__asm__ volatile("rep stosq\n\t"
			 "movq %[t], %%rcx\n\t"
			 "rep stosb"
			 : "+D"(d), "+c"(q)
			 : "a"(pattern), [t] "r"(t)
			 : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	/* SAFETY: byte views of the caller's buffers (contract: valid for n bytes). */
	const u8 *x = a, *y = b;
	/* SAFETY: the caller guarantees both ranges are valid for n bytes. */
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}
