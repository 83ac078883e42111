/*
 * fw/tree.h — typed intrusive balanced (AVL) trees keyed by a 64-bit key, tied to their lock:
 * ordered maps for ids and ranges (memory mappings by start address, timers by deadline).
 *
 *     struct vma { struct tree_link by_start; uint64_t end; ... };
 *     DEFINE_TREE(vma_tree, struct vma, by_start, litelock);
 *     struct mm { struct litelock lock; struct vma_tree vmas GUARDED_BY(&lock); };
 *
 * generates, for `struct vma_tree *t` and `struct vma *e` only:
 *     vma_tree_init(t, &mm->lock)
 *     vma_tree_insert(t, e, key)   0, or -EEXIST when the key is taken (e not linked)
 *     vma_tree_remove(t, e)        e must be in t (checked)
 *     vma_tree_find(t, key)        the element with exactly `key`, or NULL
 *     vma_tree_floor(t, key)       the element with the greatest key <= `key` (the mapping
 *                                  that may contain an address), or NULL
 *     vma_tree_ceil(t, key)        the element with the least key >= `key`, or NULL
 *     vma_tree_first(t) / _last(t) / _next(t, e) / _prev(t, e)   in key order, NULL at ends
 *     vma_tree_key(e), vma_tree_count(t)
 *
 * O(log n) for every operation; the height stays below 1.44 log2(n+2). Every function checks
 * the tree's lock is held (the lock protocol, fw/litelock.h).
 */
#ifndef FW_TREE_H
#define FW_TREE_H

#include <fw/libbase.h>

struct tree_core;

struct FW_NOCOPY tree_link {
	struct tree_link *left FW_PRIVATE, *right FW_PRIVATE, *parent FW_PRIVATE;
	struct tree_core *owner FW_PRIVATE;
	uint64_t key FW_PRIVATE;
	int height FW_PRIVATE;
};

struct FW_NOCOPY tree_core {
	struct tree_link *root FW_PRIVATE;
	size_t count FW_PRIVATE;
};

/* Framework-internal AVL operations (lib/tree.c). */
enum tree_bound { TREE_EXACT, TREE_FLOOR, TREE_CEIL };
int __fw_tree_insert(struct tree_core *c, struct tree_link *n FW_KEPT, uint64_t key);
void __fw_tree_remove(struct tree_core *c, struct tree_link *n);
struct tree_link *__fw_tree_search(struct tree_core *c, uint64_t key, enum tree_bound how);
struct tree_link *__fw_tree_edge(struct tree_core *c, bool last);
struct tree_link *__fw_tree_step(struct tree_core *c, struct tree_link *n, bool fwd);
/* __fw_tree_check - verify the AVL and ordering invariants; the height (tests). */
int __fw_tree_check(struct tree_core *c);

#define DEFINE_TREE(name, T, member, K)                                                     \
	struct FW_NOCOPY name {                                                         \
		struct tree_core core FW_PRIVATE;                                           \
		struct K *lock FW_PRIVATE;                                                  \
	};                                                                                  \
	__FW_CONTAINER_HELPERS(name, T, member, K, tree_link, "tree")                          \
	static inline FW_UNUSED void name##_init(struct name *t, struct K *lock)            \
	{                                                                                   \
		FW_CHECK(t->core.count == 0, #name ": re-initialising a tree that holds elements"); \
		t->core.root = NULL;                                                        \
		t->core.count = 0;                                                          \
		t->lock = lock;                                                             \
	}                                                                                   \
	static inline FW_UNUSED FW_MUST_CHECK int name##_insert(struct name *t, T *e,       \
							       uint64_t key)                \
	{                                                                                   \
		name##__held(t);                                                            \
		return __fw_tree_insert(&t->core, &e->member, key);                         \
	}                                                                                   \
	static inline FW_UNUSED void name##_remove(struct name *t, T *e)                    \
	{                                                                                   \
		name##__held(t);                                                            \
		__fw_tree_remove(&t->core, &e->member);                                     \
	}                                                                                   \
	static inline FW_UNUSED T *name##_find(struct name *t, uint64_t key)                \
	{                                                                                   \
		name##__held(t);                                                            \
		return name##__elem(__fw_tree_search(&t->core, key, TREE_EXACT));           \
	}                                                                                   \
	static inline FW_UNUSED T *name##_floor(struct name *t, uint64_t key)               \
	{                                                                                   \
		name##__held(t);                                                            \
		return name##__elem(__fw_tree_search(&t->core, key, TREE_FLOOR));           \
	}                                                                                   \
	static inline FW_UNUSED T *name##_ceil(struct name *t, uint64_t key)                \
	{                                                                                   \
		name##__held(t);                                                            \
		return name##__elem(__fw_tree_search(&t->core, key, TREE_CEIL));            \
	}                                                                                   \
	static inline FW_UNUSED T *name##_first(struct name *t)                             \
	{                                                                                   \
		name##__held(t);                                                            \
		return name##__elem(__fw_tree_edge(&t->core, false));                       \
	}                                                                                   \
	static inline FW_UNUSED T *name##_last(struct name *t)                              \
	{                                                                                   \
		name##__held(t);                                                            \
		return name##__elem(__fw_tree_edge(&t->core, true));                        \
	}                                                                                   \
	static inline FW_UNUSED T *name##_next(struct name *t, T *e)                        \
	{                                                                                   \
		name##__held(t);                                                            \
		return name##__elem(__fw_tree_step(&t->core, &e->member, true));            \
	}                                                                                   \
	static inline FW_UNUSED T *name##_prev(struct name *t, T *e)                        \
	{                                                                                   \
		name##__held(t);                                                            \
		return name##__elem(__fw_tree_step(&t->core, &e->member, false));           \
	}                                                                                   \
	static inline FW_UNUSED uint64_t name##_key(const T *e)                             \
	{                                                                                   \
		return e->member.key;                                                       \
	}                                                                                   \
	static inline FW_UNUSED size_t name##_count(struct name *t)                         \
	{                                                                                   \
		name##__held(t);                                                            \
		return t->core.count;                                                       \
	}                                                                                   \
	_Static_assert(1, #name)

/* Iterate in key order; the body must not remove `var`. */
#define TREE_FOR_EACH(name, t, var)                                                         \
	for (__typeof__(name##_first(t)) var = name##_first(t); var; var = name##_next((t), var))

#endif /* FW_TREE_H */
