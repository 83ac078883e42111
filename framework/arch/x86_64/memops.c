/*
 * memops.c — memcpy, memmove, memset and memcmp: the four functions the compiler may call on its
 * own (for struct copies and zeroing) even in freestanding code. Byte loops with `rep` string
 * instructions; the framework's typed copy helpers are built on top of these.
 */
#include <fw/types.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;
	/* SAFETY: the caller (compiler-generated or framework code) guarantees both ranges are
	 * valid for n bytes and do not overlap. */
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	/* SAFETY: byte views of the caller's buffers (contract: valid for n bytes). */
	u8 *d = dst;
	const u8 *s = src;
	/* SAFETY: as memcpy, but the ranges may overlap: copy backwards when dst is above src. */
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	/* SAFETY: the caller guarantees dst is valid for n bytes. */
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
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
