/*
 * lib/plain.c — the byte-copy core behind DEFINE_PLAIN (fw/plain.h). The generated typed
 * wrappers pass an object pointer with its exact sizeof, and the checker has verified the
 * type is plain data, so any byte pattern is a valid value for the destination.
 */
#include <fw/plain.h>

int __fw_plain_from_bytes(void *dst, size_t size, struct bytes b, size_t off)
{
	struct bytes_result src = bytes_sub(b, off, size);
	if (src.err)
		return src.err;
	/* SAFETY: dst is a live object of `size` bytes (DEFINE_PLAIN passes sizeof(T)), of plain
	 * data (checker) so any bytes are a valid value; src is a checked sub-slice. */
	return bytes_copy(__fw_bytes_raw(dst, size), src.value);
}

int __fw_plain_to_bytes(const void *src, size_t size, struct bytes b, size_t off)
{
	struct bytes_result dst = bytes_sub(b, off, size);
	if (dst.err)
		return dst.err;
	/* SAFETY: src is a live object of `size` bytes with no padding (checker); the const is
	 * dropped only to form a source slice, which bytes_copy never writes. */
	return bytes_copy(dst.value, __fw_bytes_raw((uint8_t *)(uintptr_t)src, size));
}

struct bytes __fw_plain_as_bytes(void *obj, size_t size)
{
	/* SAFETY: obj is a live plain-data object of `size` bytes (DEFINE_PLAIN). */
	return __fw_bytes_raw(obj, size);
}
