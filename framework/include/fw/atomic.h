/*
 * fw/atomic.h — atomic integers. The value is a private field reachable only through these
 * functions, so every access is atomic. Ordering: _load is acquire, _store is release, the
 * read-modify-write operations are sequentially consistent; _relaxed variants say so.
 *
 * Types: struct atomic_u32, atomic_u64, atomic_i32, atomic_i64, atomic_bool (via u32).
 * For X in those:
 *     X_init(a, v)  X_load(a)  X_load_relaxed(a)  X_store(a, v)
 *     X_fetch_add(a, v)  X_add_return(a, v)  X_fetch_sub(a, v)  X_sub_return(a, v)
 *     X_xchg(a, v)  X_cmpxchg(a, &expected, desired) -> bool (on failure *expected = current)
 *     X_fetch_or(a, v)  X_fetch_and(a, v)
 * Arithmetic wraps (two's complement), as hardware atomics do; use struct refcount for
 * counts that must not wrap.
 */
#ifndef FW_ATOMIC_H
#define FW_ATOMIC_H

#include <fw/libbase.h>

#define DEFINE_ATOMIC(X, T)                                                                 \
	struct FW_NOCOPY X {                                                            \
		T v FW_PRIVATE;                                                             \
	};                                                                                  \
	static inline FW_UNUSED void X##_init(struct X *a, T v)                             \
	{                                                                                   \
		__atomic_store_n(&a->v, v, __ATOMIC_RELAXED); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED T X##_load(const struct X *a)                               \
	{                                                                                   \
		return __atomic_load_n(&a->v, __ATOMIC_ACQUIRE); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED T X##_load_relaxed(const struct X *a)                       \
	{                                                                                   \
		return __atomic_load_n(&a->v, __ATOMIC_RELAXED); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED void X##_store(struct X *a, T v)                            \
	{                                                                                   \
		__atomic_store_n(&a->v, v, __ATOMIC_RELEASE); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED T X##_fetch_add(struct X *a, T v)                           \
	{                                                                                   \
		return __atomic_fetch_add(&a->v, v, __ATOMIC_SEQ_CST); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED T X##_add_return(struct X *a, T v)                          \
	{                                                                                   \
		return __atomic_add_fetch(&a->v, v, __ATOMIC_SEQ_CST); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED T X##_fetch_sub(struct X *a, T v)                           \
	{                                                                                   \
		return __atomic_fetch_sub(&a->v, v, __ATOMIC_SEQ_CST); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED T X##_sub_return(struct X *a, T v)                          \
	{                                                                                   \
		return __atomic_sub_fetch(&a->v, v, __ATOMIC_SEQ_CST); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED T X##_xchg(struct X *a, T v)                                \
	{                                                                                   \
		return __atomic_exchange_n(&a->v, v, __ATOMIC_SEQ_CST); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED bool X##_cmpxchg(struct X *a, T *expected, T desired)       \
	{                                                                                   \
		return __atomic_compare_exchange_n(&a->v, expected, desired, false, /* SAFETY: atomic op on the private field */ \
						   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);     \
	}                                                                                   \
	static inline FW_UNUSED T X##_fetch_or(struct X *a, T v)                            \
	{                                                                                   \
		return __atomic_fetch_or(&a->v, v, __ATOMIC_SEQ_CST); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	static inline FW_UNUSED T X##_fetch_and(struct X *a, T v)                           \
	{                                                                                   \
		return __atomic_fetch_and(&a->v, v, __ATOMIC_SEQ_CST); /* SAFETY: atomic op on the private field */ \
	}                                                                                   \
	_Static_assert(1, #X)

/* Signed arithmetic wraps here by definition (the builtins are defined on two's complement),
 * so no undefined behaviour arises from overflow. */
DEFINE_ATOMIC(atomic_u32, uint32_t);
DEFINE_ATOMIC(atomic_u64, uint64_t);
DEFINE_ATOMIC(atomic_i32, int32_t);
DEFINE_ATOMIC(atomic_i64, int64_t);

/* A boolean flag. */
struct FW_NOCOPY atomic_flag {
	struct atomic_u32 v FW_PRIVATE;
};
static inline void atomic_flag_init(struct atomic_flag *f, bool v)
{
	atomic_u32_init(&f->v, v);
}
static inline bool atomic_flag_load(const struct atomic_flag *f)
{
	return atomic_u32_load(&f->v) != 0;
}
static inline void atomic_flag_store(struct atomic_flag *f, bool v)
{
	atomic_u32_store(&f->v, v);
}
/* atomic_flag_test_and_set - set it; true when it was already set. */
static inline bool atomic_flag_test_and_set(struct atomic_flag *f)
{
	return atomic_u32_xchg(&f->v, 1) != 0;
}

#endif /* FW_ATOMIC_H */
