/* A stand-in framework API for the checker's corpus: the shapes the real safe-C library uses
 * (private slice fields, no-copy handles and locks, a plain-data copy macro, trusted macros that
 * are sound and two that are not), so every rule can be exercised without the real framework. */
#ifndef FW_FW_H
#define FW_FW_H
#include <stddef.h>
#include <stdint.h>
#include "fw/annotations.h"

typedef uint8_t u8;

struct FW_VALUE bytes {
	size_t len FW_PRIVATE;
	const u8 *ptr FW_PRIVATE __attribute__((counted_by(len)));
};

struct FW_NOCOPY lock {
	int state FW_PRIVATE;
};

struct FW_NOCOPY frame_ref {
	uint64_t pfn FW_PRIVATE;
};

struct buf {
	size_t count FW_PRIVATE;
	int data[] __attribute__((counted_by(count)));
};

struct waiter {
	struct lock lock;          /* no-copy by containment */
	int id;
};

int fw_public(int x);
int __fw_list_backend(int x); /* used only inside trusted macros */
#define FW_VIA_BACKEND(x) __fw_list_backend(x)
extern int fw_global;
void fw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct bytes fw_bytes_empty(void);
size_t fw_bytes_len(const struct bytes *b);
void lock_acquire(struct lock *l);
void kernel_main(void);

/* The plain-data copy backend and its macro (see fw/annotations.h). */
void fw_copy_from_bytes_(void *dst, size_t len, struct bytes src) FW_PLAIN_DATA_ARG;
#define COPY_FROM_BYTES(T, dst, src) \
	fw_copy_from_bytes_(_Generic(&(dst), T *: &(dst)), sizeof(T), (src))

/* The generated-function shape (fw/plain.h's DEFINE_PLAIN): the backend call sits in a function
 * the macro generates, its `void *` argument is a parameter of type T *. */
int fw_plain_from_bytes_(void *dst, size_t size, struct bytes b) FW_PLAIN_DATA_ARG;
#define FW_DEFINE_PLAIN(name, T)                                           \
	static inline __attribute__((unused)) int name##_from_bytes(T *dst, struct bytes b)      \
	{                                                                  \
		return fw_plain_from_bytes_(dst, sizeof(T), b);            \
	}                                                                  \
	_Static_assert(1, #name)

/* A checked downcast (fw/subtype.h's shape): casts and offsets on a framework-written
 * operand, with the service's type and field names as arguments. */
struct base { int tag; };
#define FW_DEFINE_DOWNCAST(name, T, member)                                          \
	static inline __attribute__((unused)) T *name##_from(struct base *b)                              \
	{                                                                            \
		return (T *)(void *)((char *)b - __builtin_offsetof(T, member));     \
	}                                                                            \
	_Static_assert(1, #name)

/* Element pointers: the index is checked against the array's length first. */
size_t fw_index_check(size_t i, size_t n) FW_INDEX_CHECK;
#define FW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define FW_ELEM_PTR(a, i) (&(a)[fw_index_check((i), FW_ARRAY_LEN(a))])
size_t fw_unchecked_index(size_t i, size_t n);

/* Sound trusted macros: raw operations only on framework-written operands. */
#define FW_BARRIER() __asm__ __volatile__("" ::: "memory")
#define FW_NO_FRAME ((struct frame_ref *)0)
#define FW_LEN(b) fw_bytes_len(&(b))
#define FW_DEFINE_GETTER(name, T)                          \
	static inline __attribute__((unused)) T name##_get(const T *p) { return *p; }

/* Unsound trusted macros: the checker must flag their use with service operands. */
#define FW_AS_LONG_PTR(p) ((long *)(p))
#define FW_ADVANCE(p, n) ((p) + (n))
#define FW_INDEX(p, i) ((p)[(i)])

/* Location-bound private state (issue #13 hole 5): a type tag, a callback, queue links, a
 * table of slots, saved registers. */
struct type_tag { const struct type_tag *type FW_PRIVATE; };
struct callback { struct type_tag tag; void (*fn)(struct callback *self) FW_PRIVATE; };
struct fw_qlink { struct fw_qlink *next FW_PRIVATE; struct fw_qlink *prev FW_PRIVATE; };
struct mutex { struct fw_qlink waiters FW_PRIVATE; int owner FW_PRIVATE; };
struct slot_table { struct fw_qlink *slots__[4] FW_PRIVATE; unsigned n; };
struct regs { uint64_t r[16]; };
struct user_ctx { struct regs regs FW_PRIVATE; uint64_t scratch; };
struct frame_view { struct bytes b; };

/* Type identities (fw/typecache.h's shape, issue #13 hole 6). */
struct type_info {
	const char *name FW_PRIVATE;
	size_t size FW_PRIVATE;
	const struct type_info *parent FW_PRIVATE;
};
#define __FW_TYPE_INFO_CHILD(tname, T, p) \
	extern const struct type_info tname##__type; \
	const struct type_info tname##__type = { .name = #tname, .size = sizeof(T), .parent = (p) }
#define DEFINE_TYPE_INFO(tname, T) __FW_TYPE_INFO_CHILD(tname, T, NULL)
#define DEFINE_SUBTYPE(name, T) DEFINE_TYPE_INFO(name, T); __FW_SUBTYPE_BODY(name, T)
#define DECLARE_SUBTYPE(name, T) extern const struct type_info name##__type; __FW_SUBTYPE_BODY(name, T)
#define __FW_SUBTYPE_BODY(name, T) \
	static inline FW_UNUSED int *name##__tag(T *o) { (void)o; return NULL; } \
	static inline FW_UNUSED T *name##_try_from(struct base *b) { (void)b; return NULL; }

/* Pointers the framework keeps, and views of service arrays (issue #13 hole 7). */
struct FW_NOCOPY waitq { int n FW_PRIVATE; };
struct wait_entry { struct fw_qlink link FW_PRIVATE; int id; };
void fw_waitq_add(struct waitq *wq, struct wait_entry *e FW_KEPT);
struct bytes fw_bytes_of_array_(uint8_t *p, size_t n);
#define FW_BYTES_OF(arr) fw_bytes_of_array_((arr), sizeof(arr))
struct FW_VALUE fmt_args { const int *v FW_PRIVATE; size_t n FW_PRIVATE; };
#define FW_FMT_ARGS(...) ((struct fmt_args){ .v = (const int[]){ __VA_ARGS__ }, .n = 1 })
struct bytes fw_cursor_take(struct bytes *from, size_t n);

/* Owning handles (issue #13 class 8): emptied by the call that consumes them. */
struct task;
struct FW_NOCOPY kbuf { struct bytes b FW_PRIVATE; };
struct FW_NOCOPY task_handle { struct task *t FW_PRIVATE; };
struct FW_NOCOPY vmspace_ref { struct vmspace *vs FW_PRIVATE; };
struct FW_NOCOPY tlock { struct task *owner FW_PRIVATE; unsigned depth FW_PRIVATE; };
int kbuf_alloc(struct kbuf *out, size_t len);
void kbuf_free(struct kbuf *k);
void task_detach(struct task_handle *h);
void fw_task_poke(struct task *t);
void fw_vmspace_poke(struct vmspace *vs);

/* A container's lock-kind check, pasted from the kind's name (fw/list.h's shape). */
int lock_held(const struct lock *l);
#define FW_DEFINE_BOX(name, K) \
	static inline FW_UNUSED int name##_check(const struct K *l) { return K##_held(l); }

/* Trusted bodies spelling compiler-header type names. */
#define FW_OFF(T, m) ((size_t)__builtin_offsetof(T, m))
#define FW_BYTE(x) ((uint8_t)(x))

/* Framework-only attribute macros and reserved helper macros (holes 3 and 4 of issue #13). */
#define FW_COUNTED_BY(f) __attribute__((counted_by(f)))
#define NO_THREAD_SAFETY_ANALYSIS __attribute__((no_thread_safety_analysis))
#define FW_UNUSED __attribute__((unused))
#define __FW_ELEM(T, p) ((T *)(void *)(p))
#define __FW_RAW_PTR(b) ((b).ptr)
/* A generic paster, as the framework's own formatting macros once had. */
#define __FW_CAT(a, b) a##b
/* Name-generating trusted macro: pastes a fixed suffix to the service's name. */
#define FW_DEFINE_COUNTER(name) static int name##_count; \
	static inline FW_UNUSED int name##_next(void) { return ++name##_count; }

#endif
