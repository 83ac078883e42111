/*
 * fw/result.h — the result convention: a function that returns a value or an errno returns
 * a small struct by value instead of an ERR_PTR or a sentinel.
 *
 *     DEFINE_RESULT(inode_result, struct inode *);
 *     struct inode_result r = ext2_lookup(dir, name);
 *     if (r.err)
 *             return r.err;          // r.err is 0 or a negative errno
 *     use(r.value);                  // r.value is only meaningful when r.err == 0
 *
 * Producers write `return inode_result_ok(ip);` or `return inode_result_err(-ENOENT);`.
 * `.err` and `.value` are public fields; an error result always carries a zeroed value, so
 * forgetting to check `.err` reads 0/NULL, never garbage. Functions that only succeed or
 * fail return a plain `int` (0 or -errno) as in Linux.
 */
#ifndef FW_RESULT_H
#define FW_RESULT_H

#include <fw/libbase.h>

#define DEFINE_RESULT(name, T)                                                              \
	struct name {                                                                       \
		T value;                                                                    \
		int err;                                                                    \
	};                                                                                  \
	/* name##_ok - a success carrying `v`. */                                           \
	static inline FW_UNUSED struct name name##_ok(T v)                                  \
	{                                                                                   \
		return (struct name){ .value = v, .err = 0 };                               \
	}                                                                                   \
	/* name##_err - a failure; `e` must be a negative errno (checked). */               \
	static inline FW_UNUSED struct name name##_err(int e)                               \
	{                                                                                   \
		FW_CHECK(e < 0, "result error must be a negative errno");                   \
		return (struct name){ .err = e };                                           \
	}                                                                                   \
	/* name##_is_ok - true when the result carries a value. */                          \
	static inline FW_UNUSED bool name##_is_ok(struct name r)                            \
	{                                                                                   \
		return r.err == 0;                                                          \
	}                                                                                   \
	_Static_assert(1, #name)

/* The results of the library's own functions. */
DEFINE_RESULT(result_u8, uint8_t);
DEFINE_RESULT(result_u16, uint16_t);
DEFINE_RESULT(result_u32, uint32_t);
DEFINE_RESULT(result_u64, uint64_t);
DEFINE_RESULT(result_i64, int64_t);
DEFINE_RESULT(result_size, size_t);

#endif /* FW_RESULT_H */
