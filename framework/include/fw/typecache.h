/*
 * fw/typecache.h — type identities and the library's allocation hook.
 *
 * A `struct type_info` names one C type (name, size, alignment). Each is defined once per
 * program, as the symbol `NAME__type` emitted by the macro that declares it, so its address is
 * the type's identity: subtype tags compare it, and the typed heap (fw/heap.h) keys its
 * per-type caches on it. A definition in a header that several files include is one identity
 * (a weak symbol, merged by the linker); two definition *sites* for one name are refused three
 * times over: by the checker (rule `type-identity`, real file and line of the expansion), by
 * the link step (tools/fwlink.py: each definition sits in a section named after its name and
 * site, `.rodata.fw_type.NAME@FILE:LINE`, and one name with two sites fails the link), and at
 * run time by the size check below. Its fields are private and only these macros define one,
 * so a service cannot make up an identity with a parent of its choosing.
 *
 * DEFINE_TYPE_CACHE(name, T) declares the one place objects of type T are allocated:
 *     T *name_alloc(void)      a zeroed T, or NULL when memory is short
 *     void name_free(T *obj)   release one from name_alloc (NULL is ignored)
 * (KNEW(name) / KFREE(name, obj) in fw/heap.h spell the same calls.) Both go through
 * __fw_lib_alloc/__fw_lib_free: in the kernel the typed heap (framework/mm/heap.c: a
 * type-stable cache per type_info, frees of anything but a live object of that type refused),
 * on the host the host port (calloc/free, with failure injection for tests).
 */
#ifndef FW_TYPECACHE_H
#define FW_TYPECACHE_H

#include <fw/libbase.h>

struct type_info {
	struct str name FW_PRIVATE;
	size_t size FW_PRIVATE;
	size_t align FW_PRIVATE;
	const struct type_info *parent FW_PRIVATE; /* the subtype this one derives from */
};

/*
 * __fw_lib_alloc - framework-internal: zeroed memory for `count` objects of type `t`.
 * Returns NULL on failure (or on count * size overflowing). Context: may sleep in the kernel
 * once the heap supports it; today never sleeps.
 * __fw_lib_free - return memory from __fw_lib_alloc for the same type (NULL is ignored).
 * Services never call these: they use the typed functions the macros generate.
 */
void *__fw_lib_alloc(const struct type_info *t, size_t count);
void __fw_lib_free(const struct type_info *t, void *p);

/*
 * __FW_TYPE_INFO_MATCHES(tname, T) - the program's tname##__type describes T: a last line of
 * defence (one definition site per name, see above) that every generated allocator checks
 * before handing out an object.
 */
#define __FW_TYPE_INFO_MATCHES(tname, T)                                                    \
	(tname##__type.size == sizeof(T) && tname##__type.align == _Alignof(T))

/* The identity of type T under `name` (one definition site per program). */
#define DEFINE_TYPE_INFO(tname, T) __FW_TYPE_INFO_CHILD(tname, T, NULL)
#define __FW_XSTR(x) __FW_STR(x)
#define __FW_STR(x) #x
/* The same, for a subtype of the subtype whose type_info is `*parent_info`: reserved to
 * DEFINE_SUBTYPE_OF (fw/subtype.h), which proves that T embeds the parent's type. */
#define __FW_TYPE_INFO_CHILD(tname, T, parent_info)                                         \
	extern const struct type_info tname##__type;                                        \
	__attribute__((weak, section(".rodata.fw_type." #tname "@" __FILE__ ":"             \
				     __FW_XSTR(__LINE__))))                                 \
	const struct type_info tname##__type = {                                            \
		.name = STR(#tname), .size = sizeof(T), .align = _Alignof(T),               \
		.parent = (parent_info)                                                     \
	}

#define DEFINE_TYPE_CACHE(name, T)                                                          \
	DEFINE_TYPE_INFO(name, T);                                                          \
	/* T's objects live on the heap, where other tasks reach them: the checker reads this  \
	 * typedef (rule shared-fat: no fat value in T outside a GUARDED_BY member). */         \
	typedef T name##__fw_heap_t;                                                        \
	/* name##_alloc - a zeroed T, or NULL when out of memory. */                        \
	static inline FW_UNUSED FW_MUST_CHECK T *name##_alloc(void)                         \
	{                                                                                   \
		FW_CHECK(__FW_TYPE_INFO_MATCHES(name, T), #name ": two types share this name"); \
		void *raw = __fw_lib_alloc(&name##__type, 1);                               \
		/* SAFETY: raw is NULL or a zeroed T from the typed hook. */                \
		T *obj = raw;                                                               \
		return obj;                                                                 \
	}                                                                                   \
	/* name##_free - release an object from name##_alloc (NULL is ignored). */          \
	static inline FW_UNUSED void name##_free(T *obj)                                    \
	{                                                                                   \
		__fw_lib_free(&name##__type, obj);                                          \
	}                                                                                   \
	_Static_assert(1, #name)

#endif /* FW_TYPECACHE_H */
