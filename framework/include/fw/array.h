/*
 * fw/array.h — typed growable arrays (a file-descriptor table, a list of mappings).
 *
 *     DEFINE_ARRAY(fd_table, struct file *);
 *     struct fd_table t;  fd_table_init(&t, 1024);      // at most 1024 slots
 *     if (fd_table_resize(&t, 3)) return -ENOMEM;      // slots 0..2, zeroed
 *     int e = fd_table_set(&t, 1, f);                  // -ERANGE when 1 >= len
 *     struct fd_table_get_result r = fd_table_get(&t, 1);
 *     int e = fd_table_push(&t, f);                    // append, growing; -ENOMEM / -ENOSPC
 *     fd_table_destroy(&t);
 *
 * Elements are copied in and out by value; no function returns a pointer into the storage
 * (it moves when the array grows). Storage comes from the typed allocation hook
 * (fw/typecache.h) keyed on the element type, is zeroed, and the slot count is a counted_by
 * field so even framework indexing is bounds-checked by the compiler. The caller guards the
 * array with its own lock (GUARDED_BY on the field).
 */
#ifndef FW_ARRAY_H
#define FW_ARRAY_H

#include <fw/libbase.h>
#include <fw/result.h>
#include <fw/typecache.h>

#define DEFINE_ARRAY(name, T)                                                               \
	DEFINE_TYPE_INFO(name##__elem, T);                                                  \
	DEFINE_RESULT(name##_get_result, T);                                                \
	struct FW_NOCOPY FW_FAT name {                                                  \
		size_t cap FW_PRIVATE; /* allocated slots */                                \
		T *items FW_COUNTED_BY(cap) FW_PRIVATE;                                     \
		size_t len FW_PRIVATE; /* slots in use, <= cap */                           \
		size_t max FW_PRIVATE; /* limit on len */                                   \
	};                                                                                  \
	/* name##_init - an empty array that may grow to `max_len` elements. */             \
	static inline FW_UNUSED void name##_init(struct name *a, size_t max_len)            \
	{                                                                                   \
		a->items = NULL;                                                            \
		a->cap = 0;                                                                 \
		a->len = 0;                                                                 \
		a->max = max_len;                                                           \
	}                                                                                   \
	static inline FW_UNUSED size_t name##_len(const struct name *a)                     \
	{                                                                                   \
		return a->len;                                                              \
	}                                                                                   \
	/* name##_reserve - make room for `n` elements without reallocating. 0, -ENOSPC     \
	 * (over max) or -ENOMEM; on error the array is unchanged. */                       \
	static inline FW_UNUSED FW_MUST_CHECK int name##_reserve(struct name *a, size_t n)  \
	{                                                                                   \
		if (n <= a->cap)                                                            \
			return 0;                                                           \
		if (n > a->max)                                                             \
			return -ENOSPC;                                                     \
		size_t ncap = a->cap ? a->cap : 4;                                          \
		while (ncap < n)                                                            \
			ncap = ncap > a->max / 2 ? a->max : ncap * 2;                       \
		FW_CHECK(__FW_TYPE_INFO_MATCHES(name##__elem, T),                           \
			 #name ": two element types share this name");                      \
		void *raw = __fw_lib_alloc(&name##__elem__type, ncap);                      \
		/* SAFETY: raw is NULL or a zeroed block of ncap Ts (the typed hook). */    \
		T *nitems = raw;                                                            \
		if (!nitems)                                                                \
			return -ENOMEM;                                                     \
		for (size_t i = 0; i < a->len; i++)                                         \
			/* SAFETY: i < len <= cap (old) < ncap (new allocation). */         \
			nitems[i] = a->items[i];                                            \
		__fw_lib_free(&name##__elem__type, a->items);                               \
		a->items = nitems;                                                          \
		a->cap = ncap;                                                              \
		return 0;                                                                   \
	}                                                                                   \
	/* name##_resize - set the length; new slots are zero. 0, -ENOSPC or -ENOMEM. */    \
	static inline FW_UNUSED FW_MUST_CHECK int name##_resize(struct name *a, size_t n)   \
	{                                                                                   \
		int e = name##_reserve(a, n);                                               \
		if (e)                                                                      \
			return e;                                                           \
		for (size_t i = n; i < a->len; i++)                                         \
			a->items[i] = (T){ 0 };                                             \
		a->len = n;                                                                 \
		return 0;                                                                   \
	}                                                                                   \
	/* name##_get - element `i`, or -ERANGE when i >= len. */                           \
	static inline FW_UNUSED struct name##_get_result name##_get(const struct name *a,   \
								     size_t i)              \
	{                                                                                   \
		/* SAFETY: i < a->len <= the capacity of items (checked on the line below). */ \
		if (i >= a->len)                                                            \
			return name##_get_result_err(-ERANGE);                              \
		return name##_get_result_ok(a->items[i]);                                   \
	}                                                                                   \
	/* name##_set - store `v` at `i` < len; 0 or -ERANGE. */                            \
	static inline FW_UNUSED int name##_set(struct name *a, size_t i, T v)               \
	{                                                                                   \
		/* SAFETY: i < a->len <= the capacity of items (checked on the line below). */ \
		if (i >= a->len)                                                            \
			return -ERANGE;                                                     \
		a->items[i] = v;                                                            \
		return 0;                                                                   \
	}                                                                                   \
	/* name##_push - append `v`, growing; 0, -ENOSPC or -ENOMEM. */                     \
	static inline FW_UNUSED FW_MUST_CHECK int name##_push(struct name *a, T v)          \
	{                                                                                   \
		/* SAFETY: reserve makes the capacity at least len + 1 (or returns its error), so \
		 * items[len] is in bounds. */ \
		int e = name##_reserve(a, a->len + 1);                                      \
		if (e)                                                                      \
			return e;                                                           \
		a->items[a->len++] = v;                                                     \
		return 0;                                                                   \
	}                                                                                   \
	/* name##_pop - remove and return the last element; -ENOENT when empty. */          \
	static inline FW_UNUSED struct name##_get_result name##_pop(struct name *a)         \
	{                                                                                   \
		if (!a->len)                                                                \
			return name##_get_result_err(-ENOENT);                              \
		T v = a->items[--a->len];                                                   \
		a->items[a->len] = (T){ 0 };                                                \
		return name##_get_result_ok(v);                                             \
	}                                                                                   \
	/* name##_destroy - free the storage; the array is empty (and reusable) after. */   \
	static inline FW_UNUSED void name##_destroy(struct name *a)                         \
	{                                                                                   \
		__fw_lib_free(&name##__elem__type, a->items);                               \
		a->items = NULL;                                                            \
		a->cap = 0;                                                                 \
		a->len = 0;                                                                 \
	}                                                                                   \
	_Static_assert(1, #name)

#endif /* FW_ARRAY_H */
