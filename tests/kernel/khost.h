/*
 * tests/kernel/khost.h — helpers shared by the host tests of kernel/ logic: a slice over test
 * memory (tests are host code, not services, so they may build one with the framework's raw
 * constructor), file loading, and a small newc cpio writer for hand-made archives.
 */
#ifndef TESTS_KERNEL_KHOST_H
#define TESTS_KERNEL_KHOST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fw/bytes.h>
#include <fw/str.h>

#include "../../framework/lib/ktest_compat.h"

static inline struct bytes kh_bytes(void *p, size_t len)
{
	return __fw_bytes_raw(p, len);
}

static inline struct str kh_str(const char *s)
{
	return str_from_bytes(__fw_bytes_raw((uint8_t *)(uintptr_t)s, strlen(s)));
}

static inline bool kh_str_is(struct str s, const char *want)
{
	return str_eq(s, kh_str(want));
}

/* kh_load - the whole file at `path` (malloc'd), or NULL. */
static inline uint8_t *kh_load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A growable byte buffer for building test archives. */
struct kh_buf {
	uint8_t *p;
	size_t len, cap;
};

static inline void kh_put(struct kh_buf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static inline void kh_pad4(struct kh_buf *b)
{
	static const uint8_t z[4];
	kh_put(b, z, (4 - b->len % 4) % 4);
}

/* kh_cpio_add - append one newc entry (namesize includes the NUL). */
static inline void kh_cpio_add(struct kh_buf *b, const char *name, unsigned mode, const void *data,
			       size_t len)
{
	char hdr[111];
	snprintf(hdr, sizeof hdr, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u,
		 mode, 0u, 0u, 1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)strlen(name) + 1, 0u);
	kh_put(b, hdr, 110);
	kh_put(b, name, strlen(name) + 1);
	kh_pad4(b);
	kh_put(b, data, len);
	kh_pad4(b);
}

static inline void kh_cpio_trailer(struct kh_buf *b)
{
	kh_cpio_add(b, "TRAILER!!!", 0, "", 0);
}

#endif /* TESTS_KERNEL_KHOST_H */
