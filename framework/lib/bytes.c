/*
 * lib/bytes.c — the out-of-line part of fw/bytes.h: bounds-checked sub-slices, copies,
 * search and the sticky-error cursor (integer reads and writes at an offset are inline in
 * the header).
 *
 * Every function first proves [off, off+n) lies inside the slice without overflowing
 * (`n <= len && off <= len - n`), then touches only those bytes. Slices are valid by
 * construction (fw/bytes.h), so that check is the whole safety argument.
 */
#include <fw/bytes.h>

struct bytes_result bytes_sub(struct bytes b, size_t off, size_t len)
{
	if (!__fw_in_range(b.len, off, len))
		return bytes_result_err(-ERANGE);
	/* SAFETY: __fw_in_range proved ptr+off..ptr+off+len is inside the valid slice. */
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

struct bytes cursor_take(struct bytes_cursor *c, size_t len)
{
	size_t off;
	if (!__fw_cursor_claim(c, len, &off))
		return bytes_empty();
	return bytes_sub(c->buf, off, len).value;
}

void cursor_skip(struct bytes_cursor *c, size_t len)
{
	size_t off;
	(void)__fw_cursor_claim(c, len, &off);
}

void cursor_align(struct bytes_cursor *c, size_t align)
{
	FW_CHECK(align && !(align & (align - 1)), "cursor_align needs a power of two");
	size_t pad = (align - (c->pos & (align - 1))) & (align - 1);
	cursor_skip(c, pad);
}
