/*
 * mm/slab.h — type-stable object caches: the logic under the typed heap (fw/heap.h).
 *
 * A cache hands out fixed-size objects of one type. It owns a window of kernel virtual
 * addresses reserved for that type alone, carved into slabs (1..256 pages each). A slab is
 * mapped when the cache first needs it; when all its objects are free it may be unmapped and
 * its frames returned (after a TLB flush), but the slab's addresses stay in the cache's window
 * and are only ever mapped again for the same cache. So a stale pointer to a freed object
 * either faults (slab unmapped) or sees an object of the same type — never another type's
 * object or a page table.
 *
 * Allocation state lives out of line, in slab descriptors (a bitmap of used objects per slab)
 * kept in separate metadata pages: a write through a dangling pointer into a free object
 * cannot steer the allocator. Freeing checks that the address is the start of an allocated
 * object of this cache; anything else is refused and counted (bad_frees), never corrupts.
 * Objects are zeroed on allocation.
 *
 * Poisoning (slab_set_poison, before the first allocation): every free object of a mapped
 * slab holds SLAB_POISON in each byte — a slab is filled when it is mapped, an object when it
 * is freed — and an allocation checks that before it zeroes the object. A byte that changed
 * was written after its object was freed: slab_env_poison_report says where, and
 * stats.poison_hits counts it. The allocation goes on (the object is zeroed as ever).
 *
 * The environment supplies four hooks (kernel: heap.c; host tests: an mmap arena):
 * slab_env_map/unmap back and release slab pages, slab_env_meta_alloc/free give descriptor
 * pages. Locking: the caller serialises all calls on one cache (heap.c holds the heap lock).
 */
#ifndef FW_MM_SLAB_H
#define FW_MM_SLAB_H

#include "mm/mm_base.h"

#define SLAB_MAX_OBJS 256u
#define SLAB_BITMAP_WORDS (SLAB_MAX_OBJS / 64u)
#define SLAB_MIN_OBJ_SIZE 16u
#define SLAB_MAX_OBJ_SIZE (1u << 20) /* larger requests take whole frames instead */
#define SLAB_DESC_PER_PAGE 64u
#define SLAB_DIR_ENTRIES 128u
#define SLAB_MAX_SLABS (SLAB_DESC_PER_PAGE * SLAB_DIR_ENTRIES)
#define SLAB_NONE UINT32_MAX
#define SLAB_POISON 0x6bu /* each byte of a free object when poisoning is on (Linux's too) */

enum slab_state {
	SLAB_VACANT = 0, /* addresses reserved, nothing mapped */
	SLAB_EMPTY,      /* mapped, no object in use */
	SLAB_PARTIAL,    /* mapped, some objects in use */
	SLAB_FULL,       /* mapped, every object in use */
};

/* Out-of-line state of one slab: 64 bytes, 64 to a metadata page. */
struct slab_desc {
	uint64_t used[SLAB_BITMAP_WORDS]; /* bit i: object i is allocated */
	uint32_t next;                    /* list links (slab index), SLAB_NONE at the ends */
	uint32_t prev;
	uint16_t nused;
	uint8_t state;                    /* enum slab_state */
	uint8_t on_list;                  /* which list it is on: enum slab_state, or 0xff */
	uint8_t pad[20];
};
_Static_assert(sizeof(struct slab_desc) * SLAB_DESC_PER_PAGE == MM_PAGE_SIZE, "descs fill a page");

/* Per-cache statistics (monotonic counters and current gauges). */
struct slab_stats {
	uint64_t allocs;          /* successful allocations */
	uint64_t frees;           /* successful frees */
	uint64_t alloc_failures;  /* allocations refused for lack of memory or addresses */
	uint64_t bad_frees;       /* frees refused: not an allocated object of this cache */
	uint64_t live;            /* objects in use now */
	uint64_t peak;            /* most objects in use at once */
	uint64_t slabs_mapped;    /* slabs mapped now */
	uint64_t slabs_released;  /* times a slab was unmapped and its frames returned */
	uint64_t poison_hits;     /* allocations that found their free object written to */
};

struct slab_cache {
	const char *name;         /* the type's name, for statistics */
	uint32_t obj_size;        /* bytes per object: >= the type's size, a multiple of align */
	uint32_t objs_per_slab;
	uint32_t slab_pages;
	uint32_t keep_empty;      /* empty slabs kept mapped before unmapping more */
	uint64_t win_base;        /* the cache's virtual window [win_base, win_base + win_size) */
	uint64_t win_size;
	uint32_t max_slabs;       /* slabs that fit in the window (and in the directory) */
	uint32_t hwm;             /* slab indices [0, hwm) have descriptors */
	uint32_t head[4];         /* list heads by enum slab_state: [VACANT], [EMPTY], [PARTIAL] */
	uint32_t n_empty;
	bool poison;              /* free objects hold SLAB_POISON, checked at allocation */
	struct slab_desc *dir[SLAB_DIR_ENTRIES]; /* descriptor pages, allocated as hwm grows */
	struct slab_stats stats;
};

/* --- supplied by the environment ---------------------------------------------------------- */
/* Back [va, va + pages * 4 KiB) with fresh frames, mapped read/write, no-execute.
 * 0 or -ENOMEM (then nothing stays mapped). */
int slab_env_map(uint64_t va, uint32_t pages);
/* Unmap [va, va + pages * 4 KiB), flush every CPU's TLB for it, then free the frames. */
void slab_env_unmap(uint64_t va, uint32_t pages);
/* A poisoned free object of c at obj_va had byte `off` changed to `got`: report it. */
void slab_env_poison_report(const struct slab_cache *c, uint64_t obj_va, uint32_t off,
			    uint8_t got);
/* A zeroed page for descriptors, or NULL. */
struct slab_desc *slab_env_meta_alloc(void);
void slab_env_meta_free(struct slab_desc *page);

/*
 * slab_cache_init - set up cache c for objects of obj_size bytes aligned to align, in the
 * window [win_base, win_base + win_size). Nothing is mapped yet.
 * Needs: align a power of two <= 4096; win_base page-aligned; the window reserved for c alone,
 *        forever (type stability depends on it); name a string that outlives the cache.
 * Returns: 0, or -EINVAL (size 0 or above SLAB_MAX_OBJ_SIZE, bad align, window too small).
 */
int slab_cache_init(struct slab_cache *c, const char *name, size_t obj_size, size_t align,
		    uint64_t win_base, uint64_t win_size);

/* slab_set_poison - turn poisoning on or off for c; only before its first allocation (no slab
 * mapped yet). */
void slab_set_poison(struct slab_cache *c, bool on);

/*
 * slab_alloc - a zeroed object from c.
 * Returns: 0 with its address in *va; -ENOMEM when no frame, descriptor page or window space
 *          is left (counted in stats.alloc_failures). Never panics.
 */
int slab_alloc(struct slab_cache *c, uint64_t *va);

/*
 * slab_free - return the object at va to c.
 * Returns: 0; -EINVAL when va is not the start of an allocated object of c (a double free, a
 *          pointer into another cache or the middle of an object): nothing changes.
 */
int slab_free(struct slab_cache *c, uint64_t va);

/* slab_owns - whether va lies in c's window (allocated or not: the addresses are c's forever). */
bool slab_owns(const struct slab_cache *c, uint64_t va);

/* slab_is_live - whether va is the start of an object of c that is allocated now. */
bool slab_is_live(const struct slab_cache *c, uint64_t va);

/*
 * slab_shrink - unmap every empty slab and return its frames; the addresses stay with c.
 * Returns: the number of slabs released.
 */
uint32_t slab_shrink(struct slab_cache *c);

/* slab_check - verify c's lists and counts; 0 or -EFAULT. O(slabs): tests and debug. */
int slab_check(const struct slab_cache *c);

#endif /* FW_MM_SLAB_H */
