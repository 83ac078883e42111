/*
 * fw/radix.h — typed radix trees: a sparse map from a 64-bit index to an object pointer,
 * tied to the lock that guards it (pids to tasks, file offsets to page-cache pages, minor
 * numbers to devices). Not intrusive: the element needs no link, and one object may sit in
 * several trees.
 *
 *     DEFINE_RADIX(pid_map, struct task, litelock);
 *     struct pid_ns { struct litelock lock; struct pid_map tasks GUARDED_BY(&lock); };
 *
 * generates, for `struct pid_map *r` and `struct task *t` only:
 *     pid_map_init(r, &ns->lock)
 *     pid_map_insert(r, index, t)   0, -EEXIST (index taken), -ENOMEM (a node allocation)
 *     pid_map_lookup(r, index)      the object, or NULL
 *     pid_map_remove(r, index)      the object removed, or NULL when there was none
 *     pid_map_next(r, from, &index) the object with the least index >= from (its index in
 *                                   *index), or NULL: iterate with from = index + 1
 *     pid_map_count(r), pid_map_destroy(r)   (destroy: frees the nodes; objects untouched)
 *
 * 64-way nodes (6 index bits per level); the tree grows only as tall as the largest index
 * needs, and empty nodes are freed on removal. Nodes come from the allocation hook
 * (fw/typecache.h), so an insert can fail with -ENOMEM and leaves the tree unchanged then.
 * Every function checks the tree's lock is held (the lock protocol, fw/litelock.h).
 */
#ifndef FW_RADIX_H
#define FW_RADIX_H

#include <fw/libbase.h>

struct radix_node;

struct FW_NOCOPY radix_core {
	struct radix_node *root FW_PRIVATE;
	unsigned height FW_PRIVATE; /* levels below and including the root; 0 when empty */
	size_t count FW_PRIVATE;
};

/* Framework-internal (lib/radix.c). Values are stored as `void *`; the generated functions
 * are the only writers, and they only store a `T *`, so every value read back is a T. */
int __fw_radix_insert(struct radix_core *r, uint64_t index, void *value FW_KEPT);
void *__fw_radix_lookup(const struct radix_core *r, uint64_t index);
void *__fw_radix_remove(struct radix_core *r, uint64_t index);
void *__fw_radix_next(const struct radix_core *r, uint64_t from, uint64_t *index);
void __fw_radix_destroy(struct radix_core *r);
/* __fw_radix_nodes - nodes currently allocated (tests check that removal frees them). */
size_t __fw_radix_nodes(const struct radix_core *r);

#define DEFINE_RADIX(name, T, K)                                                            \
	struct FW_NOCOPY name {                                                             \
		struct radix_core core FW_PRIVATE;                                          \
		struct K *lock FW_PRIVATE;                                                  \
	};                                                                                  \
	static inline FW_UNUSED void name##__held(const struct name *r)                     \
	{                                                                                   \
		FW_CHECK(r->lock, #name ": radix tree used before " #name "_init");         \
		FW_CHECK(K##_held(r->lock), #name ": lock not held");                       \
	}                                                                                   \
	static inline FW_UNUSED void name##_init(struct name *r, struct K *lock)            \
	{                                                                                   \
		r->core.root = NULL;                                                        \
		r->core.height = 0;                                                         \
		r->core.count = 0;                                                          \
		r->lock = lock;                                                             \
	}                                                                                   \
	static inline FW_UNUSED FW_MUST_CHECK int name##_insert(struct name *r,            \
							       uint64_t index, T *v)        \
	{                                                                                   \
		name##__held(r);                                                            \
		FW_CHECK(v, #name ": NULL is not a value");                                 \
		return __fw_radix_insert(&r->core, index, v);                               \
	}                                                                                   \
	static inline FW_UNUSED T *name##_lookup(struct name *r, uint64_t index)            \
	{                                                                                   \
		name##__held(r);                                                            \
		/* SAFETY: only name##_insert stores values here, and only T pointers. */   \
		void *raw = __fw_radix_lookup(&r->core, index);                             \
		T *v = raw;                                                                 \
		return v;                                                                   \
	}                                                                                   \
	static inline FW_UNUSED T *name##_remove(struct name *r, uint64_t index)            \
	{                                                                                   \
		name##__held(r);                                                            \
		/* SAFETY: as in name##_lookup. */                                          \
		void *raw = __fw_radix_remove(&r->core, index);                             \
		T *v = raw;                                                                 \
		return v;                                                                   \
	}                                                                                   \
	static inline FW_UNUSED T *name##_next(struct name *r, uint64_t from,               \
					       uint64_t *index)                             \
	{                                                                                   \
		name##__held(r);                                                            \
		/* SAFETY: as in name##_lookup. */                                          \
		void *raw = __fw_radix_next(&r->core, from, index);                         \
		T *v = raw;                                                                 \
		return v;                                                                   \
	}                                                                                   \
	static inline FW_UNUSED size_t name##_count(struct name *r)                         \
	{                                                                                   \
		name##__held(r);                                                            \
		return r->core.count;                                                       \
	}                                                                                   \
	static inline FW_UNUSED void name##_destroy(struct name *r)                         \
	{                                                                                   \
		name##__held(r);                                                            \
		__fw_radix_destroy(&r->core);                                               \
	}                                                                                   \
	_Static_assert(1, #name)

#endif /* FW_RADIX_H */
