/*
 * lib/bytes.c — the out-of-line part of fw/bytes.h: bounds-checked sub-slices, integer reads
 * and writes at an offset in either byte order, copies, and the sticky-error cursor.
 *
 * Every function first proves [off, off+n) lies inside the slice without overflowing
 * (`n <= len && off <= len - n`), then touches only those bytes. Slices are valid by
 * construction (fw/bytes.h), so that check is the whole safety argument.
 */
#include <fw/bytes.h>

/* in_range - [off, off+n) lies inside a slice of `len` bytes (no overflow possible). */
static inline bool in_range(size_t len, size_t off, size_t n)
{
	return n <= len && off <= len - n;
}

struct bytes_result bytes_sub(struct bytes b, size_t off, size_t len)
{
	if (!in_range(b.len, off, len))
		return bytes_result_err(-ERANGE);
	/* SAFETY: in_range proved ptr+off..ptr+off+len is inside the valid slice. */
	return bytes_result_ok(__fw_bytes_raw(len ? b.ptr + off : b.ptr, len));
}

struct bytes_result bytes_skip(struct bytes b, size_t off)
{
	if (off > b.len)
		return bytes_result_err(-ERANGE);
	return bytes_sub(b, off, b.len - off);
}

struct bytes bytes_head(struct bytes b, size_t len)
{
	b.len = len < b.len ? len : b.len;
	return b;
}

/* load_le / load_be - assemble n bytes at ptr+off; caller proved the range. */
static uint64_t load_le(struct bytes b, size_t off, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		/* SAFETY: the caller checked in_range(b.len, off, n). */
		v |= (uint64_t)b.ptr[off + i] << (8 * i);
	return v;
}
static uint64_t load_be(struct bytes b, size_t off, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		/* SAFETY: the caller checked in_range(b.len, off, n). */
		v = (v << 8) | b.ptr[off + i];
	return v;
}
static void store_le(struct bytes b, size_t off, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		/* SAFETY: the caller checked in_range(b.len, off, n). */
		b.ptr[off + i] = (uint8_t)(v >> (8 * i));
}
static void store_be(struct bytes b, size_t off, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		/* SAFETY: the caller checked in_range(b.len, off, n). */
		b.ptr[off + n - 1 - i] = (uint8_t)(v >> (8 * i));
}

#define DEFINE_READ(fn, rtype, T, order, n)                                                 \
	struct rtype fn(struct bytes b, size_t off)                                         \
	{                                                                                   \
		if (!in_range(b.len, off, n))                                               \
			return rtype##_err(-ERANGE);                                        \
		return rtype##_ok((T)load_##order(b, off, n));                              \
	}
#define DEFINE_WRITE(fn, T, order, n)                                                       \
	int fn(struct bytes b, size_t off, T v)                                             \
	{                                                                                   \
		if (!in_range(b.len, off, n))                                               \
			return -ERANGE;                                                     \
		store_##order(b, off, n, v);                                                \
		return 0;                                                                   \
	}

DEFINE_READ(bytes_u8, result_u8, uint8_t, le, 1)
DEFINE_READ(bytes_le16, result_u16, uint16_t, le, 2)
DEFINE_READ(bytes_le32, result_u32, uint32_t, le, 4)
DEFINE_READ(bytes_le64, result_u64, uint64_t, le, 8)
DEFINE_READ(bytes_be16, result_u16, uint16_t, be, 2)
DEFINE_READ(bytes_be32, result_u32, uint32_t, be, 4)
DEFINE_READ(bytes_be64, result_u64, uint64_t, be, 8)
DEFINE_WRITE(bytes_put_u8, uint8_t, le, 1)
DEFINE_WRITE(bytes_put_le16, uint16_t, le, 2)
DEFINE_WRITE(bytes_put_le32, uint32_t, le, 4)
DEFINE_WRITE(bytes_put_le64, uint64_t, le, 8)
DEFINE_WRITE(bytes_put_be16, uint16_t, be, 2)
DEFINE_WRITE(bytes_put_be32, uint32_t, be, 4)
DEFINE_WRITE(bytes_put_be64, uint64_t, be, 8)

int bytes_copy(struct bytes dst, struct bytes src)
{
	if (src.len > dst.len)
		return -ERANGE;
	if (src.len)
		/* SAFETY: both slices are valid and dst holds at least src.len bytes;
		 * memmove tolerates overlap. */
		__builtin_memmove(dst.ptr, src.ptr, src.len);
	return 0;
}

void bytes_fill(struct bytes b, uint8_t v)
{
	if (b.len)
		/* SAFETY: the slice is valid for b.len bytes. */
		__builtin_memset(b.ptr, v, b.len);
}

bool bytes_eq(struct bytes a, struct bytes b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		/* SAFETY: i < len of both valid slices. */
		if (a.ptr[i] != b.ptr[i])
			return false;
	return true;
}

struct result_size bytes_find(struct bytes b, size_t from, uint8_t v)
{
	for (size_t i = from; i < b.len; i++)
		/* SAFETY: i < b.len. */
		if (b.ptr[i] == v)
			return result_size_ok(i);
	return result_size_err(-ENOENT);
}

/* --- cursor -------------------------------------------------------------------------------- */

/* cursor_claim - reserve the next n bytes: their offset, or fail the cursor. */
static bool cursor_claim(struct bytes_cursor *c, size_t n, size_t *off)
{
	if (c->failed || !in_range(c->buf.len, c->pos, n)) {
		c->failed = true;
		return false;
	}
	*off = c->pos;
	c->pos += n;
	return true;
}

#define DEFINE_CURSOR_READ(fn, T, order, n)                                                 \
	T fn(struct bytes_cursor *c)                                                        \
	{                                                                                   \
		size_t off;                                                                 \
		if (!cursor_claim(c, n, &off))                                              \
			return 0;                                                           \
		return (T)load_##order(c->buf, off, n);                                     \
	}

DEFINE_CURSOR_READ(cursor_u8, uint8_t, le, 1)
DEFINE_CURSOR_READ(cursor_le16, uint16_t, le, 2)
DEFINE_CURSOR_READ(cursor_le32, uint32_t, le, 4)
DEFINE_CURSOR_READ(cursor_le64, uint64_t, le, 8)
DEFINE_CURSOR_READ(cursor_be16, uint16_t, be, 2)
DEFINE_CURSOR_READ(cursor_be32, uint32_t, be, 4)
DEFINE_CURSOR_READ(cursor_be64, uint64_t, be, 8)

struct bytes cursor_take(struct bytes_cursor *c, size_t len)
{
	size_t off;
	if (!cursor_claim(c, len, &off))
		return bytes_empty();
	return bytes_sub(c->buf, off, len).value;
}

void cursor_skip(struct bytes_cursor *c, size_t len)
{
	size_t off;
	(void)cursor_claim(c, len, &off);
}

void cursor_align(struct bytes_cursor *c, size_t align)
{
	FW_CHECK(align && !(align & (align - 1)), "cursor_align needs a power of two");
	size_t pad = (align - (c->pos & (align - 1))) & (align - 1);
	cursor_skip(c, pad);
}
