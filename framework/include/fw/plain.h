/*
 * fw/plain.h — copies of plain-data structs from and to bytes.
 *
 * Plain data: integers, enums, and arrays and structs of them — no pointers (a copy from
 * bytes would forge them) and no padding (a copy to bytes would leak kernel memory). The
 * safety checker verifies that the type argument of DEFINE_PLAIN is plain data; the macro
 * itself only ever hands typed pointers to the framework.
 *
 *     struct cpio_newc_hdr { char magic[6]; char ino[8]; ... };     // plain data
 *     DEFINE_PLAIN(cpio_hdr, struct cpio_newc_hdr);
 *
 *     struct cpio_newc_hdr h;
 *     int e = cpio_hdr_from_bytes(&h, image, off);     // 0, or -ERANGE (h untouched)
 *     e = cpio_hdr_to_bytes(&h, out, off);             // 0, or -ERANGE (nothing written)
 *     cpio_hdr_read(&cursor, &h);                      // from a bytes_cursor (sticky error)
 *     struct bytes view = cpio_hdr_as_bytes(&h);       // the object's own bytes
 *     e = cpio_hdr_from_frame(&h, &page, off);         // from an untyped frame (fw/frame.h):
 *     e = cpio_hdr_to_frame(&h, &page, off);           //   0, -ERANGE, or -EINVAL (empty)
 *
 * User memory (the user-mode issue) adds `_from_user` / `_to_user` in the same shape.
 */
#ifndef FW_PLAIN_H
#define FW_PLAIN_H

#include <fw/libbase.h>
#include <fw/bytes.h>
#include <fw/frame.h>

/* Framework-internal byte-copy backends: copy `size` bytes between a slice at `off` and an
 * object of exactly `size` bytes. FW_PLAIN_DATA_ARG: the checker verifies, at each call (only
 * allowed inside a trusted macro), that the object pointer points to plain data. */
int __fw_plain_from_bytes(void *dst, size_t size, struct bytes b, size_t off) FW_PLAIN_DATA_ARG;
int __fw_plain_to_bytes(const void *src, size_t size, struct bytes b, size_t off) FW_PLAIN_DATA_ARG;
struct bytes __fw_plain_as_bytes(void *obj, size_t size) FW_PLAIN_DATA_ARG;

#define DEFINE_PLAIN(name, T)                                                               \
	_Static_assert(sizeof(T) > 0, "plain data type " #name);                            \
	/* name##_from_bytes - copy a T out of `b` at `off`; 0 or -ERANGE (dst untouched). */ \
	static inline FW_UNUSED int name##_from_bytes(T *dst, struct bytes b, size_t off)   \
	{                                                                                   \
		return __fw_plain_from_bytes(dst, sizeof(T), b, off);                       \
	}                                                                                   \
	/* name##_to_bytes - copy *src into `b` at `off`; 0 or -ERANGE (nothing written). */ \
	static inline FW_UNUSED int name##_to_bytes(const T *src, struct bytes b, size_t off) \
	{                                                                                   \
		return __fw_plain_to_bytes(src, sizeof(T), b, off);                         \
	}                                                                                   \
	/* name##_read - the next sizeof(T) bytes of the cursor into *dst (zeroed if short). */ \
	static inline FW_UNUSED void name##_read(struct bytes_cursor *c, T *dst)            \
	{                                                                                   \
		struct bytes from = cursor_take(c, sizeof(T));                              \
		if (cursor_err(c) || __fw_plain_from_bytes(dst, sizeof(T), from, 0))        \
			*dst = (T){ 0 };                                                    \
	}                                                                                   \
	/* name##_as_bytes - a slice over the object itself (valid while *obj lives). */    \
	static inline FW_UNUSED struct bytes name##_as_bytes(T *obj)                        \
	{                                                                                   \
		return __fw_plain_as_bytes(obj, sizeof(T));                                 \
	}                                                                                   \
	/* name##_from_frame - copy a T out of untyped frame `f` at byte `off`; 0, -ERANGE  \
	 * (past the frame's end) or -EINVAL (an empty handle); *dst untouched on error. */ \
	static inline FW_UNUSED FW_MUST_CHECK int name##_from_frame(T *dst,                 \
								    const struct frame *f,  \
								    size_t off)             \
	{                                                                                   \
		T tmp;                                                                      \
		int e = frame_read(f, off, __fw_plain_as_bytes(&tmp, sizeof(T)));           \
		if (!e)                                                                     \
			*dst = tmp;                                                         \
		return e;                                                                   \
	}                                                                                   \
	/* name##_to_frame - copy *src into untyped frame `f` at byte `off`; as above. */   \
	static inline FW_UNUSED FW_MUST_CHECK int name##_to_frame(const T *src,             \
								  const struct frame *f,    \
								  size_t off)               \
	{                                                                                   \
		T tmp = *src;                                                               \
		return frame_write(f, off, __fw_plain_as_bytes(&tmp, sizeof(T)));           \
	}                                                                                   \
	_Static_assert(1, #name)

#endif /* FW_PLAIN_H */
