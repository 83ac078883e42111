/*
 * fw/libbase.h — the base of the safe-C library: fixed-width types, compiler attributes,
 * clang thread-safety macros, the checked-assertion hook and overflow-checked arithmetic.
 *
 * Every other library header includes this one first. It compiles freestanding (kernel:
 * -nostdinc plus the compiler's own headers) and hosted (the host port, framework/host/),
 * and only includes headers the compiler itself ships. Annotations the safety checker reads
 * (private fields, no-copy types) come from <fw/annotations.h> when that header exists;
 * until then they expand to nothing and only document intent.
 */
#ifndef FW_LIBBASE_H
#define FW_LIBBASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fw/errno.h>

#if __has_include(<fw/annotations.h>)
#include <fw/annotations.h>
#endif

/* --- checker annotations (fallbacks until fw/annotations.h lands) ------------------------- */
#ifndef FW_PRIVATE
/* A field only framework code may name; services use the accessor functions. */
#define FW_PRIVATE
#endif
#ifndef FW_NOCOPY
/* A type that must never be assigned or passed by value (links, locks, owning handles).
 * Spelled between `struct` and the tag: `struct FW_NOCOPY list_link { ... };` */
#define FW_NOCOPY
#endif
#ifndef FW_VALUE
/* A struct with private fields that services may still copy whole (slices, strings). */
#define FW_VALUE
#endif
#ifndef FW_INDEX_CHECK
/* On `size_t f(size_t i, size_t n)` that stops unless i < n (lets ELEM_PTR pass the checker). */
#define FW_INDEX_CHECK
#endif
#ifndef FW_KEPT
/* On a pointer parameter the function stores beyond the call (checker: stack-escape). */
#define FW_KEPT
#endif
#ifndef FW_FAT
/* On a multi-word value whose words must agree (checker: shared-fat). */
#define FW_FAT
#endif
#ifndef FW_TEARFREE
/* On a framework handle whose fat fields only tear-free framework calls touch. */
#define FW_TEARFREE
#endif
#ifndef FW_PLAIN_DATA_ARG
/* On a byte-copy backend: every pointer argument must point to plain data (checker). */
#define FW_PLAIN_DATA_ARG
#endif

/* --- compiler attributes ----------------------------------------------------------------- */
#define FW_NORETURN        __attribute__((noreturn))
#define FW_MUST_CHECK      __attribute__((warn_unused_result))
#define FW_UNUSED          __attribute__((unused))
#define FW_COLD            __attribute__((cold))
#define FW_NOINLINE        __attribute__((noinline))
#define FW_LIKELY(x)       __builtin_expect(!!(x), 1)
#define FW_UNLIKELY(x)     __builtin_expect(!!(x), 0)
#if __has_attribute(counted_by)
#define FW_COUNTED_BY(f)   __attribute__((counted_by(f)))
#else
#define FW_COUNTED_BY(f)
#endif

/* --- clang thread-safety analysis (-Werror=thread-safety, -Wthread-safety-pointer) ---------
 * In C, name a sibling lock field with `&`: `int n GUARDED_BY(&lock);`. The sync layer (#5)
 * may define the same macros; these definitions only apply when it has not. */
#ifndef CAPABILITY
#define CAPABILITY(kind)   __attribute__((capability(kind)))
#define GUARDED_BY(l)      __attribute__((guarded_by(l)))
#define PT_GUARDED_BY(l)   __attribute__((pt_guarded_by(l)))
#define REQUIRES(...)      __attribute__((requires_capability(__VA_ARGS__)))
#define ACQUIRE(...)       __attribute__((acquire_capability(__VA_ARGS__)))
#define RELEASE(...)       __attribute__((release_capability(__VA_ARGS__)))
#define TRY_ACQUIRE(...)   __attribute__((try_acquire_capability(__VA_ARGS__)))
#define ASSERT_CAPABILITY(x) __attribute__((assert_capability(x)))
#define EXCLUDES(...)      __attribute__((locks_excluded(__VA_ARGS__)))
#define NO_THREAD_SAFETY_ANALYSIS __attribute__((no_thread_safety_analysis))
#endif

/* --- text literals ------------------------------------------------------------------------
 * `struct str` is defined here (not in fw/str.h) because the failure hooks take one. Its
 * fields are private: only framework code and the STR() literal macro construct one. */
struct FW_VALUE FW_FAT str {
	const char *ptr FW_PRIVATE;
	size_t len FW_PRIVATE;
};

/* A `struct str` over a string literal. The `"" s ""` pasting rejects anything but a literal. */
#define STR(s) ((struct str){ .ptr = "" s "", .len = sizeof("" s "") - 1 })

/* --- checked assertions -------------------------------------------------------------------- */

/*
 * fw_lib_fail - report a broken framework invariant (a type-check or lock-check failure,
 * a corrupted container) and stop.
 * Needs: `what` and `file` are STR() literals (the FW_CHECK macro passes them).
 * Guarantees: never returns. Kernel: panics with the message and a backtrace. Host: prints
 * and aborts (so ASan prints a stack).
 * Context: any.
 */
FW_NORETURN FW_COLD void fw_lib_fail(struct str what, struct str file, int line);

/*
 * fw_lib_warn - report a recoverable misuse (a saturated reference count, a double free of
 * an id) and continue. Host: printed and counted (fw_lib_warn_count). Context: any.
 */
FW_COLD void fw_lib_warn(struct str what, struct str file, int line);

/* Number of fw_lib_warn calls since boot (tests check it went up). */
uint64_t fw_lib_warn_count(void);

/* The place of one FW_CHECK: a static constant of the macro's expansion. */
struct fw_check_site {
	struct str text FW_PRIVATE;
	struct str file FW_PRIVATE;
	int line FW_PRIVATE;
};

/*
 * __fw_check_fail - framework-internal: fw_lib_fail of `site` (FW_CHECK's failure path).
 * Passing one pointer to a static constant instead of two `struct str` temporaries keeps the
 * checking function free of stack objects: a function whose only aggregates were a check's
 * message needed a frame and a stack-protector canary for them on its fast path (about ten
 * instructions in every checked downcast and container operation).
 * Needs: `site` is FW_CHECK's static constant. Guarantees and context: as fw_lib_fail.
 */
FW_NORETURN FW_COLD void __fw_check_fail(const struct fw_check_site *site);

/* Stop with a report when `cond` is false. Not a return-hiding macro: it never returns on
 * failure. Use for framework invariants, never for conditions user space can cause. */
#define FW_CHECK(cond, what)                                                                \
	(FW_LIKELY(cond) ? (void)0 : ({                                                     \
		static const struct fw_check_site __fw_check_site = {                      \
			.text = STR(what), .file = STR(__FILE__), .line = __LINE__         \
		};                                                                          \
		__fw_check_fail(&__fw_check_site);                                          \
	}))
#define FW_WARN(what) fw_lib_warn(STR(what), STR(__FILE__), __LINE__)

/* --- the container step -------------------------------------------------------------------
 * __fw_container_raw - framework-internal: the address `off` bytes before `member_addr`.
 * Needs: `member_addr` is the address of the member at offset `off` of a live object; then
 * the result is that object. The generated container and subtype functions call it with
 * offsetof(T, member) and convert the result to `T *` in a separate statement, so the
 * conversion's operand is framework-spelled (the checker's trusted-macro rule). */
static inline void *__fw_container_raw(void *member_addr, size_t off)
{
	/* SAFETY: by the caller's contract, stepping back `off` bytes stays inside the object
	 * that contains the member, and lands on its first byte. */
	return (char *)member_addr - off;
}

/*
 * __FW_CONTAINER_HELPERS - the two helpers each typed container (fw/list.h, fw/hash.h,
 * fw/tree.h) generates for its declaration `struct name` (which holds `struct K *lock`):
 *   name##__held(c)  checks that the container was initialised and that its lock is held;
 *   name##__elem(n)  turns one of its links (or NULL) back into the T whose `member` it is.
 * `what` names the container in the failure message ("list", "table", "tree").
 */
#define __FW_CONTAINER_HELPERS(name, T, member, K, link_t, what)                            \
	static inline FW_UNUSED void name##__held(const struct name *c)                     \
	{                                                                                   \
		FW_CHECK(c->lock, #name ": " what " used before " #name "_init");           \
		FW_CHECK(K##_held(c->lock), #name ": lock not held");                       \
	}                                                                                   \
	__FW_CONTAINER_ELEM(name, T, member, link_t)

/* __FW_CONTAINER_ELEM - name##__elem alone (containers whose lock is their owner's). */
#define __FW_CONTAINER_ELEM(name, T, member, link_t)                                        \
	static inline FW_UNUSED T *name##__elem(struct link_t *n)                           \
	{                                                                                   \
		if (!n)                                                                     \
			return NULL;                                                        \
		/* SAFETY: each container's only insert functions take a T * and link its   \
		 * `member`, so every non-sentinel link in it is the `member` of a T and    \
		 * stepping back offsetof(T, member) lands on that T. */                    \
		size_t off = __builtin_offsetof(T, member);                                 \
		void *raw = __fw_container_raw(n, off);                                     \
		T *elem = raw;                                                              \
		return elem;                                                                \
	}

/* --- pointers to array elements ------------------------------------------------------------
 * `&a[i]` with a variable i is refused by the checker (the compiler's bounds check lets the
 * one-past-the-end pointer through); ELEM_PTR checks i < ARRAY_LEN(a) first and stops the
 * kernel otherwise, so the pointer it gives is always to an element:
 *
 *     struct kbuf *slot = ELEM_PTR(im->heads, im->nheads);
 *
 * `a` must be a fixed-size array object (not a pointer or an array parameter: the checker
 * reports the subscript inside ARRAY_LEN on one). */
static inline FW_INDEX_CHECK size_t fw_index_check(size_t i, size_t n)
{
	FW_CHECK(i < n, "array index out of bounds (ELEM_PTR)");
	return i;
}
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ELEM_PTR(a, i) (&(a)[fw_index_check((i), ARRAY_LEN(a))])

/* --- overflow-checked arithmetic (true on overflow, like the builtins) -------------------- */
#define fw_add_overflow(a, b, out) __builtin_add_overflow((a), (b), (out))
#define fw_mul_overflow(a, b, out) __builtin_mul_overflow((a), (b), (out))
#define fw_sub_overflow(a, b, out) __builtin_sub_overflow((a), (b), (out))

#endif /* FW_LIBBASE_H */
