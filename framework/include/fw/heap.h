/*
 * fw/heap.h — the typed kernel heap: one type-stable cache per type, zeroed objects, byte
 * buffers as bounded slices, and per-cache statistics.
 *
 *     DEFINE_TYPE_CACHE(inode, struct inode);     // once, next to the type (fw/typecache.h)
 *     struct inode *ip = KNEW(inode);             // zeroed, or NULL when memory is short
 *     if (!ip)
 *             return -ENOMEM;
 *     KFREE(inode, ip);
 *
 * Every type gets its own cache, and every cache owns a window of kernel virtual addresses
 * reserved for it for ever. Slabs are mapped on demand; a slab whose objects are all free may
 * be unmapped and its frames returned (after a TLB flush on every CPU), but its addresses are
 * only ever reused by the same cache. A stale pointer therefore faults or sees an object of
 * its own type — never another type's object, a page table or a stack. Allocation state is
 * kept out of line, so writing through a stale pointer cannot corrupt the allocator; freeing
 * anything but a live object of the named type is refused and reported (FW_WARN), never
 * corrupts.
 *
 * Arrays (`name_alloc` of the containers, count > 1) come from per-type caches of power-of-two
 * sizes, in windows that also belong to the type. Objects larger than 1 MiB are refused: use
 * frames.
 *
 * Context: any (task or interrupt); never sleeps. Allocation can fail: every caller handles
 * NULL / an error result.
 */
#ifndef FW_HEAP_H
#define FW_HEAP_H

#include <fw/bytes.h>
#include <fw/libbase.h>
#include <fw/typecache.h>

/* KNEW(name) - a zeroed object from the cache declared by DEFINE_TYPE_CACHE(name, T), or NULL. */
#define KNEW(name) name##_alloc()

/* KFREE(name, obj) - give obj (from KNEW(name), or NULL) back to its cache. */
#define KFREE(name, obj) name##_free(obj)

/*
 * struct kbuf - the owning handle of a heap byte buffer. It is never copied (FW_NOCOPY) and
 * kbuf_free empties it, so a buffer is freed exactly once: a stale slice can no longer free
 * the next owner's buffer (slices are views, never owners). An empty handle is all zero
 * (`struct kbuf k = KBUF_EMPTY`, or zeroed memory).
 *
 * A handle may sit in an object several tasks reach without a lock (FW_TEARFREE): its
 * pointer and length change only inside these functions, in a write section (`seq` odd), and
 * kbuf_bytes reads them between two equal even values of `seq`, so no task ever sees one
 * buffer's pointer with another's length, even when a service races its own handle (a racing
 * reader sees the old buffer, the new one, or an empty slice).
 */
struct FW_NOCOPY FW_TEARFREE kbuf {
	struct bytes b FW_PRIVATE;
	uint64_t seq FW_PRIVATE; /* even: b is stable; odd: a call below is changing it */
};
#define KBUF_EMPTY { .b = { .ptr = NULL, .len = 0 }, .seq = 0 }
#define KBUF_MAX (1u << 20)

/*
 * kbuf_alloc - a zeroed byte buffer of exactly `len` bytes, held by *out.
 * Returns: 0; -EBUSY when *out already holds a buffer; -EINVAL for len 0 or above KBUF_MAX;
 *          -ENOMEM when memory is short (*out stays empty).
 */
FW_MUST_CHECK int kbuf_alloc(struct kbuf *out, size_t len);

/* kbuf_bytes - the buffer as a slice (empty for an empty handle, or while another CPU is
 * changing the handle). The slice is a view: do not use it after kbuf_free (it would see
 * whichever buffer reuses the memory: bytes, never another type). */
struct bytes kbuf_bytes(const struct kbuf *k);

/* kbuf_move - hand src's buffer to dst and empty src: 0, or -EBUSY when dst holds one.
 * kbuf_swap - exchange the buffers two handles hold. (Handles own; moving them is sound.
 * Containers' links and locks are bound to where they are and have no move.) Both are
 * atomic with respect to every other kbuf call on either handle. */
int kbuf_move(struct kbuf *dst, struct kbuf *src);
void kbuf_swap(struct kbuf *a, struct kbuf *b);

/* kbuf_free - give the buffer back and empty *k (atomically: racing frees free it once). An
 * empty handle is ignored. */
void kbuf_free(struct kbuf *k);

/* Statistics of one cache. */
struct heap_cache_stats {
	uint64_t allocs;         /* successful allocations since boot */
	uint64_t frees;          /* successful frees since boot */
	uint64_t alloc_failures; /* allocations that returned NULL / -ENOMEM */
	uint64_t bad_frees;      /* refused frees (double free, wrong type, not an object start) */
	uint64_t live;           /* objects allocated now */
	uint64_t peak;           /* most objects allocated at once */
	uint64_t slabs_mapped;   /* slabs mapped now */
	uint64_t slabs_released; /* slabs unmapped and their frames returned, since boot */
	uint64_t poison_hits;    /* freed objects found written after their free (heap.poison) */
	uint32_t obj_size;       /* bytes per object in the cache */
	uint32_t objs_per_slab;  /* objects one slab holds */
	uint32_t slab_pages;     /* 4 KiB pages per slab */
};

/*
 * heap_type_stats - the statistics of the single-object cache of type t.
 * Returns: 0 and *out filled, or -ENOENT when nothing of that type was allocated yet.
 * Use KCACHE_STATS(name, &stats) for a type declared with DEFINE_TYPE_CACHE(name, T).
 */
int heap_type_stats(const struct type_info *t, struct heap_cache_stats *out);
#define KCACHE_STATS(name, out) heap_type_stats(&name##__type, (out))

/*
 * heap_cache_info - the statistics and name of the i-th cache, in creation order (caches are
 * never destroyed, so i names the same cache for the kernel's lifetime): /proc/slabinfo and
 * the leak checks of the failure-injection runs (docs/fuzzing.md).
 * Returns: 0 with *out filled and *name set to the cache's name (the type's name, with
 * "[size]" for the array and byte-buffer caches; valid forever), -ENOENT when i is past the
 * last cache. Context: task.
 */
int heap_cache_info(uint32_t i, struct heap_cache_stats *out, struct str *name);

/*
 * heap_poisoning - whether freed objects are poisoned in this boot (`heap.poison=0` turns it
 * off; on by default). With it on, each byte of a freed object holds 0x6b until it is
 * allocated again, and an allocation that finds one changed prints "BUG: heap: ..." (a write
 * after free somewhere in the trusted code) and counts it in heap_poison_reports.
 * Context: any.
 */
bool heap_poisoning(void);
uint64_t heap_poison_reports(void);

#endif /* FW_HEAP_H */
