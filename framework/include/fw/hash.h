/*
 * fw/hash.h — typed intrusive hash tables keyed by a 64-bit key, tied to their lock.
 *
 *     struct inode { struct hash_link by_ino; ... };
 *     DEFINE_HASH(inode_hash, struct inode, by_ino, 8, litelock);     // 2^8 buckets
 *     struct icache { struct litelock lock; struct inode_hash h GUARDED_BY(&lock); };
 *
 * generates, for `struct inode_hash *h` and `struct inode *e` only:
 *     inode_hash_init(h, &ic->lock)
 *     inode_hash_insert(h, e, key)      e must not be in a table (checked); duplicates allowed
 *     inode_hash_remove(h, e)           e must be in h (checked)
 *     inode_hash_find(h, key)           the first element with `key`, or NULL
 *     inode_hash_find_next(h, e)        the next element with e's key, or NULL
 *     inode_hash_key(e), inode_hash_count(h)
 *     inode_hash_first(h) / inode_hash_next(h, e)    every element, in no particular order
 *
 * Keys are hashed with a multiplicative hash, so small sequential keys spread; for text keys
 * hash the str to 64 bits (hash_str) and compare the text in the find_next loop. Every
 * function checks the table's lock is held (the lock protocol in fw/litelock.h).
 */
#ifndef FW_HASH_H
#define FW_HASH_H

#include <fw/libbase.h>

struct hash_core;

struct FW_NOCOPY hash_link {
	struct hash_link *next FW_PRIVATE;
	struct hash_core *owner FW_PRIVATE; /* the table this link is in, NULL when not */
	uint64_t key FW_PRIVATE;
};

struct FW_NOCOPY hash_core {
	size_t nbuckets FW_PRIVATE;
	size_t count FW_PRIVATE;
	struct hash_link **buckets FW_COUNTED_BY(nbuckets) FW_PRIVATE; /* the head's slots */
};

/* hash_str - a 64-bit hash (FNV-1a) of text, for tables keyed by names. */
uint64_t hash_str(struct str s);

/* Framework-internal chain operations (lib/hash.c). */
void __fw_hash_init(struct hash_core *c, struct hash_link **slots, size_t nbuckets);
void __fw_hash_insert(struct hash_core *c, struct hash_link *n FW_KEPT, uint64_t key);
void __fw_hash_remove(struct hash_core *c, struct hash_link *n);
struct hash_link *__fw_hash_find(struct hash_core *c, uint64_t key);
struct hash_link *__fw_hash_find_next(struct hash_core *c, struct hash_link *n);
struct hash_link *__fw_hash_walk(struct hash_core *c, struct hash_link *n);

#define DEFINE_HASH(name, T, member, bits, K)                                               \
	struct FW_NOCOPY name {                                                         \
		struct K *lock FW_PRIVATE;                                                  \
		struct hash_core core FW_PRIVATE;                                           \
		struct hash_link *slots__[1u << (bits)] FW_PRIVATE;                         \
	};                                                                                  \
	__FW_CONTAINER_HELPERS(name, T, member, K, hash_link, "table")                         \
	/* name##_init - an empty table guarded by `lock`. */                               \
	static inline FW_UNUSED void name##_init(struct name *h, struct K *lock)            \
	{                                                                                   \
		__fw_hash_init(&h->core, h->slots__, 1u << (bits));                         \
		h->lock = lock;                                                             \
	}                                                                                   \
	static inline FW_UNUSED void name##_insert(struct name *h, T *e, uint64_t key)      \
	{                                                                                   \
		name##__held(h);                                                            \
		__fw_hash_insert(&h->core, &e->member, key);                                \
	}                                                                                   \
	static inline FW_UNUSED void name##_remove(struct name *h, T *e)                    \
	{                                                                                   \
		name##__held(h);                                                            \
		__fw_hash_remove(&h->core, &e->member);                                     \
	}                                                                                   \
	static inline FW_UNUSED T *name##_find(struct name *h, uint64_t key)                \
	{                                                                                   \
		name##__held(h);                                                            \
		return name##__elem(__fw_hash_find(&h->core, key));                         \
	}                                                                                   \
	static inline FW_UNUSED T *name##_find_next(struct name *h, T *e)                   \
	{                                                                                   \
		name##__held(h);                                                            \
		return name##__elem(__fw_hash_find_next(&h->core, &e->member));             \
	}                                                                                   \
	static inline FW_UNUSED T *name##_first(struct name *h)                             \
	{                                                                                   \
		name##__held(h);                                                            \
		return name##__elem(__fw_hash_walk(&h->core, NULL));                        \
	}                                                                                   \
	static inline FW_UNUSED T *name##_next(struct name *h, T *e)                        \
	{                                                                                   \
		name##__held(h);                                                            \
		return name##__elem(__fw_hash_walk(&h->core, &e->member));                  \
	}                                                                                   \
	static inline FW_UNUSED uint64_t name##_key(const T *e)                             \
	{                                                                                   \
		return e->member.key;                                                       \
	}                                                                                   \
	static inline FW_UNUSED size_t name##_count(struct name *h)                         \
	{                                                                                   \
		name##__held(h);                                                            \
		return h->core.count;                                                       \
	}                                                                                   \
	_Static_assert(1, #name)

#endif /* FW_HASH_H */
