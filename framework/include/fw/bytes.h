/*
 * fw/bytes.h — `struct bytes`, a bounded, mutable view of bytes, and `struct bytes_cursor`,
 * a reader over one with a sticky error (the shape every binary parser wants).
 *
 * A `struct bytes` is two private fields (base and length) that only the framework sets: a
 * service obtains one from a framework object (a byte buffer, a frame reader, a plain-data
 * object via DEFINE_PLAIN, a byte array via BYTES_OF_ARRAY) and can only narrow it. Every
 * access is bounds-checked and reports out-of-range as -ERANGE, never by trapping, so a
 * parser fed hostile input returns an error. Multi-byte integers are read and written at a
 * byte offset in explicit little- or big-endian order (no alignment needed, no casts).
 *
 * "Valid" for this module: a `struct bytes` is valid when ptr..ptr+len is memory the
 * framework handed out for reading and writing and still live; the constructors guarantee it
 * and no service can build one, so every function here may assume it.
 */
#ifndef FW_BYTES_H
#define FW_BYTES_H

#include <fw/libbase.h>
#include <fw/result.h>

struct FW_VALUE FW_FAT bytes {
	uint8_t *ptr FW_PRIVATE;
	size_t len FW_PRIVATE;
};

DEFINE_RESULT(bytes_result, struct bytes);

/* The empty slice (length 0). */
static inline struct bytes bytes_empty(void)
{
	return (struct bytes){ .ptr = NULL, .len = 0 };
}

/* bytes_len - the number of bytes in `b`. */
static inline size_t bytes_len(struct bytes b)
{
	return b.len;
}

/* bytes_sub - the slice [off, off+len) of `b`; -ERANGE if it does not fit. */
struct bytes_result bytes_sub(struct bytes b, size_t off, size_t len);
/* bytes_skip - `b` without its first `off` bytes; -ERANGE if off > len. */
struct bytes_result bytes_skip(struct bytes b, size_t off);
/* bytes_head - the first `len` bytes of `b`, or all of `b` when it is shorter (never fails). */
struct bytes bytes_head(struct bytes b, size_t len);

/* __fw_in_range - [off, off+n) lies inside a slice of `len` bytes (no overflow possible). */
static inline bool __fw_in_range(size_t len, size_t off, size_t n)
{
	return n <= len && off <= len - n;
}

/* Reads at an offset: the value, or -ERANGE when [off, off+size) is not inside `b`.
 * Writes at an offset: 0, or -ERANGE (and nothing written) when it does not fit.
 * Inline: one compare and one unaligned load or store (plus a byte swap for the order that
 * is not the CPU's). */
#define __FW_BYTES_ACCESS(bits, rtype, LE_TO_CPU, BE_TO_CPU)                                \
	static inline struct rtype bytes_le##bits(struct bytes b, size_t off)               \
	{                                                                                   \
		uint##bits##_t v;                                                           \
		if (!__fw_in_range(b.len, off, sizeof v))                                   \
			return rtype##_err(-ERANGE);                                        \
		/* SAFETY: [off, off+sizeof v) is inside the valid slice (checked). */      \
		__builtin_memcpy(&v, b.ptr + off, sizeof v);                                \
		return rtype##_ok(LE_TO_CPU(v));                                            \
	}                                                                                   \
	static inline struct rtype bytes_be##bits(struct bytes b, size_t off)               \
	{                                                                                   \
		uint##bits##_t v;                                                           \
		if (!__fw_in_range(b.len, off, sizeof v))                                   \
			return rtype##_err(-ERANGE);                                        \
		/* SAFETY: [off, off+sizeof v) is inside the valid slice (checked). */      \
		__builtin_memcpy(&v, b.ptr + off, sizeof v);                                \
		return rtype##_ok(BE_TO_CPU(v));                                            \
	}                                                                                   \
	static inline int bytes_put_le##bits(struct bytes b, size_t off, uint##bits##_t v)  \
	{                                                                                   \
		if (!__fw_in_range(b.len, off, sizeof v))                                   \
			return -ERANGE;                                                     \
		v = LE_TO_CPU(v);                                                           \
		/* SAFETY: [off, off+sizeof v) is inside the valid slice (checked). */      \
		__builtin_memcpy(b.ptr + off, &v, sizeof v);                                \
		return 0;                                                                   \
	}                                                                                   \
	static inline int bytes_put_be##bits(struct bytes b, size_t off, uint##bits##_t v)  \
	{                                                                                   \
		if (!__fw_in_range(b.len, off, sizeof v))                                   \
			return -ERANGE;                                                     \
		v = BE_TO_CPU(v);                                                           \
		/* SAFETY: [off, off+sizeof v) is inside the valid slice (checked). */      \
		__builtin_memcpy(b.ptr + off, &v, sizeof v);                                \
		return 0;                                                                   \
	}

#define __FW_SAME(v) (v)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
__FW_BYTES_ACCESS(16, result_u16, __FW_SAME, __builtin_bswap16)
__FW_BYTES_ACCESS(32, result_u32, __FW_SAME, __builtin_bswap32)
__FW_BYTES_ACCESS(64, result_u64, __FW_SAME, __builtin_bswap64)
#else
__FW_BYTES_ACCESS(16, result_u16, __builtin_bswap16, __FW_SAME)
__FW_BYTES_ACCESS(32, result_u32, __builtin_bswap32, __FW_SAME)
__FW_BYTES_ACCESS(64, result_u64, __builtin_bswap64, __FW_SAME)
#endif

static inline struct result_u8 bytes_u8(struct bytes b, size_t off)
{
	if (off >= b.len)
		return result_u8_err(-ERANGE);
	/* SAFETY: off < len of the valid slice. */
	return result_u8_ok(b.ptr[off]);
}
static inline int bytes_put_u8(struct bytes b, size_t off, uint8_t v)
{
	if (off >= b.len)
		return -ERANGE;
	/* SAFETY: off < len of the valid slice. */
	b.ptr[off] = v;
	return 0;
}

/* bytes_copy - copy all of `src` to the start of `dst` (they may overlap); -ERANGE when dst is
 * shorter than src (nothing copied). Returns 0 on success. */
int bytes_copy(struct bytes dst, struct bytes src);
/* bytes_fill - set every byte of `b` to `v`. */
void bytes_fill(struct bytes b, uint8_t v);
/* bytes_eq - same length and same contents. */
bool bytes_eq(struct bytes a, struct bytes b);
/* bytes_find - offset of the first byte equal to `v` at or after `from`; -ENOENT if none. */
struct result_size bytes_find(struct bytes b, size_t from, uint8_t v);

/* --- byte arrays owned by the caller -----------------------------------------------------
 * BYTES_OF_ARRAY(arr) - a slice over a fixed-size array of uint8_t or char that the caller
 * owns (a local buffer, a struct member). The length comes from the array's type, so it is
 * exact: `&(arr)` must be a pointer to an array of sizeof(arr) bytes, which a pointer, a
 * const array or an array of any other element type is not (it does not compile). The macro
 * neither casts, offsets nor indexes its argument. */
#define BYTES_OF_ARRAY(arr)                                                                 \
	__fw_bytes_of_array(_Generic(&(arr),                                                \
				     uint8_t(*)[sizeof(arr)]: __fw_u8_ptr,                  \
				     char(*)[sizeof(arr)]: __fw_char_ptr)(arr),             \
			    sizeof(arr))

/* Framework-internal constructors. FW_PLAIN_DATA_ARG also makes the checker accept a call to
 * them only when it is spelled inside a trusted macro: a service cannot call them directly. */
static inline uint8_t *__fw_u8_ptr(uint8_t *p)
{
	return p;
}
static inline uint8_t *__fw_char_ptr(char *p)
{
	/* SAFETY: char and uint8_t have the same size and every bit pattern is valid for
	 * both; the caller holds the array `p` points into (BYTES_OF_ARRAY). */
	return (uint8_t *)p;
}
/* __fw_bytes_of_array - a slice over an array of `n` bytes starting at `p`.
 * Needs: p points to the first of n bytes the caller holds (BYTES_OF_ARRAY: sizeof(arr)). */
static inline FW_PLAIN_DATA_ARG struct bytes __fw_bytes_of_array(uint8_t *p, size_t n)
{
	return (struct bytes){ .ptr = p, .len = n };
}

/* __fw_bytes_raw - framework code only: a slice over `len` bytes at `p`.
 * Needs: p..p+len is valid (see above) for as long as the slice is used. */
static inline FW_PLAIN_DATA_ARG struct bytes __fw_bytes_raw(uint8_t *p, size_t len)
{
	return (struct bytes){ .ptr = p, .len = len };
}

/* --- the cursor ------------------------------------------------------------------------------
 * A cursor reads forward through a slice. A read past the end returns 0 and makes the cursor
 * failed; every later read also returns 0. Check once at the end with cursor_err():
 *
 *     struct bytes_cursor c = bytes_cursor(b);
 *     uint32_t magic = cursor_le32(&c);
 *     uint16_t count = cursor_le16(&c);
 *     if (cursor_err(&c))
 *             return -EINVAL;
 */
struct FW_VALUE bytes_cursor {
	struct bytes buf FW_PRIVATE;
	size_t pos FW_PRIVATE;
	bool failed FW_PRIVATE;
};

/* bytes_cursor - a cursor at the start of `b`. */
static inline struct bytes_cursor bytes_cursor(struct bytes b)
{
	return (struct bytes_cursor){ .buf = b, .pos = 0, .failed = false };
}
/* cursor_err - 0, or -ERANGE when any read ran past the end. */
static inline int cursor_err(const struct bytes_cursor *c)
{
	return c->failed ? -ERANGE : 0;
}
/* cursor_pos / cursor_remaining - bytes consumed so far / left (0 once failed). */
static inline size_t cursor_pos(const struct bytes_cursor *c)
{
	return c->pos;
}
static inline size_t cursor_remaining(const struct bytes_cursor *c)
{
	return c->failed ? 0 : c->buf.len - c->pos;
}
/* __fw_cursor_claim - reserve the next n bytes: their offset, or fail the cursor. */
static inline bool __fw_cursor_claim(struct bytes_cursor *c, size_t n, size_t *off)
{
	if (c->failed || !__fw_in_range(c->buf.len, c->pos, n)) {
		c->failed = true;
		return false;
	}
	*off = c->pos;
	c->pos += n;
	return true;
}

/* cursor_u8 / cursor_le16 / ... - the next integer, or 0 (and the cursor fails) when short. */
#define __FW_CURSOR_READ(fn, T, TO_CPU)                                                     \
	static inline T fn(struct bytes_cursor *c)                                          \
	{                                                                                   \
		size_t off;                                                                 \
		T v;                                                                        \
		if (!__fw_cursor_claim(c, sizeof(T), &off))                                 \
			return 0;                                                           \
		/* SAFETY: the claim proved [off, off+sizeof v) is inside the slice. */     \
		__builtin_memcpy(&v, c->buf.ptr + off, sizeof v);                           \
		return TO_CPU(v);                                                           \
	}
__FW_CURSOR_READ(cursor_u8, uint8_t, __FW_SAME)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
__FW_CURSOR_READ(cursor_le16, uint16_t, __FW_SAME)
__FW_CURSOR_READ(cursor_le32, uint32_t, __FW_SAME)
__FW_CURSOR_READ(cursor_le64, uint64_t, __FW_SAME)
__FW_CURSOR_READ(cursor_be16, uint16_t, __builtin_bswap16)
__FW_CURSOR_READ(cursor_be32, uint32_t, __builtin_bswap32)
__FW_CURSOR_READ(cursor_be64, uint64_t, __builtin_bswap64)
#else
__FW_CURSOR_READ(cursor_le16, uint16_t, __builtin_bswap16)
__FW_CURSOR_READ(cursor_le32, uint32_t, __builtin_bswap32)
__FW_CURSOR_READ(cursor_le64, uint64_t, __builtin_bswap64)
__FW_CURSOR_READ(cursor_be16, uint16_t, __FW_SAME)
__FW_CURSOR_READ(cursor_be32, uint32_t, __FW_SAME)
__FW_CURSOR_READ(cursor_be64, uint64_t, __FW_SAME)
#endif
/* cursor_take - the next `len` bytes as a slice (empty and failed when too few remain). */
struct bytes cursor_take(struct bytes_cursor *c, size_t len);
/* cursor_skip - advance `len` bytes (fails like a read when too few remain). */
void cursor_skip(struct bytes_cursor *c, size_t len);
/* cursor_align - advance to the next multiple of `align` (a power of two) from the start. */
void cursor_align(struct bytes_cursor *c, size_t align);

#endif /* FW_BYTES_H */
