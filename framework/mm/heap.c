/*
 * heap.c — the typed kernel heap (fw/heap.h) on the slab caches of slab.c.
 *
 * Caches are keyed by (type identity, size class): class 0 is the type's single-object cache,
 * a power of two is one of its array caches; byte buffers are the type "bytes" with one cache
 * per power-of-two class. Cache i owns the window HEAP_BASE + i * HEAP_CACHE_WINDOW for ever:
 * caches are never destroyed, so a window never changes type. A freed pointer is mapped back
 * to its cache by its window alone, then the cache checks it is a live object.
 *
 * This file also supplies the safe-C library's allocation hooks (__fw_lib_alloc/free, see
 * fw/typecache.h) and the environment of slab.c: slab pages are FRAME_HEAP frames mapped into
 * the cache's window, descriptor pages are FRAME_META frames reached through the direct map.
 *
 * Locking: heap_lock (interrupts off) covers the cache table and every cache; the kspace and
 * frame locks nest inside it.
 */
#include <fw/heap.h>

#include "internal/bootinfo.h"
#include "internal/fault_inject.h"
#include "internal/mm.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "mm/mmlock.h"
#include "mm/slab.h"

#define HASH_SLOTS (2 * HEAP_MAX_CACHES)

struct heap_cache {
	const struct type_info *type; /* NULL: slot unused */
	u32 class_bytes;              /* 0: single objects; else the array/buffer size class */
	struct slab_cache sc;
	char name[40];
};

static struct mm_lock heap_lock;
static struct heap_cache caches[HEAP_MAX_CACHES];
static u32 ncaches;
static u16 hash[HASH_SLOTS]; /* cache index + 1, 0 = empty; open addressing */
static bool heap_ready;
/* heap.poison=0 turns poisoning off (slab.h): make bench, make profile and make run boot so;
 * every other boot (make test's) has it on. Read once in heap_init, before any cache exists. */
static bool heap_poison = true;
static u64 poison_reports;

/* Types whose freed objects are read on purpose, so they are never poisoned: a vmspace's
 * reference count stays 0 after its free, and that is how vmspace.c refuses a put or a map
 * through a stale pointer (type-stable memory); 0x6b6b6b6b there would look live. */
extern const struct type_info vmspace__type;
static bool keeps_freed_state(const struct type_info *t)
{
	return t == &vmspace__type;
}

static const struct type_info kbuf_type = { .name = STR("bytes"), .size = 1, .align = 16 };

/* --- slab.c's environment ----------------------------------------------------------------- */

static void unmap_free(u64 va, u32 pages)
{
	for (u32 i = 0; i < pages; i++) {
		u64 pa;
		if (kspace_unmap_page(va + (u64)i * MM_PAGE_SIZE, &pa) == 0)
			frame_free_typed(pa, 0);
	}
}

int slab_env_map(uint64_t va, uint32_t pages)
{
	for (u32 i = 0; i < pages; i++) {
		u64 pa;
		int err = frame_alloc_typed(FRAME_HEAP, 0, false, &pa);
		if (!err) {
			err = kspace_map(va + (u64)i * MM_PAGE_SIZE, pa, MM_PAGE_SIZE,
					 MM_PROT_READ | MM_PROT_WRITE);
			if (err)
				frame_free_typed(pa, 0);
		}
		if (err) {
			unmap_free(va, i);
			return err;
		}
	}
	return 0;
}

void slab_env_unmap(uint64_t va, uint32_t pages)
{
	/* kspace_unmap_page flushes each page on every CPU before its frame is freed. */
	unmap_free(va, pages);
}

struct slab_desc *slab_env_meta_alloc(void)
{
	u64 pa;
	if (frame_alloc_typed(FRAME_META, 0, true, &pa))
		return NULL;
	/* SAFETY: a zeroed metadata frame just allocated for this use, direct-mapped; it holds
	 * exactly SLAB_DESC_PER_PAGE descriptors (static assert in slab.h). */
	return phys_to_virt(pa);
}

void slab_env_meta_free(struct slab_desc *page)
{
	frame_free_typed(virt_to_phys_direct(page), 0);
}

/* --- the cache table ------------------------------------------------------------------------ */

static u32 hash_of(const struct type_info *t, u32 class_bytes)
{
	/* SAFETY: the address is only hashed, never turned back into a pointer. */
	u64 k = (u64)(uintptr_t)t ^ ((u64)class_bytes * 0x9e3779b97f4a7c15ull);
	k ^= k >> 29;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 32;
	return (u32)(k % HASH_SLOTS);
}

static void set_name(struct heap_cache *c)
{
	struct str n = c->type->name;
	size_t len = n.len < 24 ? n.len : 24;
	/* SAFETY: len <= 24 < sizeof(c->name) and len <= n.len (a str's length is its bound);
	 * the suffix is written with the remaining capacity. */
	for (size_t i = 0; i < len; i++)
		c->name[i] = n.ptr[i];
	c->name[len] = '\0';
	if (c->class_bytes)
		ksnprintf(c->name + len, sizeof(c->name) - len, "[%u]", c->class_bytes);
}

/* The cache for (t, class_bytes), created on first use. NULL when the table is full or the
 * type cannot be cached (too large, bad alignment). Needs: heap_lock held. */
static struct heap_cache *cache_for(const struct type_info *t, u32 class_bytes)
{
	u32 h = hash_of(t, class_bytes);
	for (u32 probe = 0; probe < HASH_SLOTS; probe++, h = (h + 1) % HASH_SLOTS) {
		if (hash[h]) {
			/* SAFETY: h < HASH_SLOTS; a non-zero slot holds index + 1 < ncaches + 1. */
			struct heap_cache *c = &caches[hash[h] - 1];
			if (c->type == t && c->class_bytes == class_bytes)
				return c;
			continue;
		}
		if (ncaches == HEAP_MAX_CACHES)
			return NULL;
		/* SAFETY: ncaches < HEAP_MAX_CACHES (checked just above). */
		struct heap_cache *c = &caches[ncaches];
		size_t size = class_bytes ? class_bytes : t->size;
		u64 window = HEAP_BASE + (u64)ncaches * HEAP_CACHE_WINDOW;
		if (slab_cache_init(&c->sc, c->name, size, t->align ? t->align : 1, window,
				    HEAP_CACHE_WINDOW))
			return NULL;
		slab_set_poison(&c->sc, heap_poison && !keeps_freed_state(t));
		c->type = t;
		c->class_bytes = class_bytes;
		set_name(c);
		ncaches++;
		hash[h] = (u16)ncaches;
		return c;
	}
	return NULL;
}

/* The cache whose window holds va, or NULL. Needs: heap_lock held. */
static struct heap_cache *cache_of_addr(u64 va)
{
	if (va < HEAP_BASE || va - HEAP_BASE >= (u64)ncaches * HEAP_CACHE_WINDOW)
		return NULL;
	/* SAFETY: the index is below ncaches <= HEAP_MAX_CACHES (checked just above). */
	return &caches[(va - HEAP_BASE) / HEAP_CACHE_WINDOW];
}

static u32 size_class(size_t bytes)
{
	u32 c = SLAB_MIN_OBJ_SIZE;
	while (c < bytes)
		c <<= 1;
	return c;
}

/* Allocate from (t, class_bytes): the address, or 0. */
static u64 alloc_in(const struct type_info *t, u32 class_bytes)
{
	if (!heap_ready || fault_should_fail(FAULT_HEAP))
		return 0;
	u64 flags = mm_lock_acquire(&heap_lock);
	struct heap_cache *c = cache_for(t, class_bytes);
	u64 va = 0;
	if (c && slab_alloc(&c->sc, &va))
		va = 0;
	mm_lock_release(&heap_lock, flags);
	return va;
}

/* Free va as an object of type t (any class). 0 or -EINVAL (refused and counted). */
static int free_in(const struct type_info *t, u64 va)
{
	u64 flags = mm_lock_acquire(&heap_lock);
	struct heap_cache *c = cache_of_addr(va);
	int err = -EINVAL;
	if (c && c->type == t)
		err = slab_free(&c->sc, va);
	else if (c)
		c->sc.stats.bad_frees++; /* freed as the wrong type */
	mm_lock_release(&heap_lock, flags);
	return err;
}

/* --- the safe-C library's hooks (fw/typecache.h) --------------------------------------------- */

void *__fw_lib_alloc(const struct type_info *t, size_t count)
{
	size_t bytes;
	if (count == 0)
		count = 1;
	if (fw_mul_overflow(t->size, count, &bytes) || bytes > SLAB_MAX_OBJ_SIZE)
		return NULL;
	if (bytes == 0)
		bytes = 1; /* an empty struct still gets a distinct address */
	u64 va = alloc_in(t, count == 1 ? 0 : size_class(bytes));
	/* SAFETY: va is 0 or a zeroed, exclusively owned object of at least `bytes` bytes,
	 * aligned for t, in t's own cache window (slab_alloc's contract). */
	return (void *)(uintptr_t)va;
}

void __fw_lib_free(const struct type_info *t, void *p)
{
	if (!p)
		return;
	/* SAFETY: the pointer's value is only compared with the heap's windows. */
	if (free_in(t, (u64)(uintptr_t)p))
		FW_WARN("heap: refused to free a pointer that is not a live object of its type");
}

/* --- byte buffers ----------------------------------------------------------------------------- */

struct bytes_result kbuf_alloc_raw(size_t len)
{
	if (len == 0 || len > KBUF_MAX)
		return bytes_result_err(-EINVAL);
	u64 va = alloc_in(&kbuf_type, size_class(len));
	if (!va)
		return bytes_result_err(-ENOMEM);
	/* SAFETY: va starts a zeroed object of size_class(len) >= len bytes owned by the caller
	 * until kbuf_free; the slice covers exactly len of them. */
	return bytes_result_ok(__fw_bytes_raw((u8 *)(uintptr_t)va, len));
}

int kbuf_free_raw(struct bytes b)
{
	if (b.len == 0 || !b.ptr)
		return -EINVAL;
	/* SAFETY: the pointer's value is only compared with the heap's windows. */
	return free_in(&kbuf_type, (u64)(uintptr_t)b.ptr);
}

/* Handles: a sequence lock over (ptr, len), so a struct kbuf in an object several tasks reach
 * never tears (fw/heap.h). A write section runs with interrupts and preemption off (nothing
 * can stop it half way on this CPU); writers on other CPUs spin on the odd sequence. */
static u64 kbuf_write_begin(struct kbuf *k)
{
	u64 flags = irq_save();
	if (percpu_ready)
		preempt_count_add(1);
	for (;;) {
		/* SAFETY: seq is only changed by compare-exchange (taking the section) and by the
		 * release store of its holder (leaving it). */
		u64 s = __atomic_load_n(&k->seq, __ATOMIC_RELAXED);
		if (!(s & 1) &&
		    __atomic_compare_exchange_n(&k->seq, &s, s + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return flags;
		cpu_pause();
	}
}

static void kbuf_write_end(struct kbuf *k, u64 flags)
{
	/* SAFETY: this CPU holds the section (seq odd, set by its compare-exchange); the release
	 * store publishes ptr and len before the even value readers wait for. */
	__atomic_store_n(&k->seq, __atomic_load_n(&k->seq, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE);
	if (percpu_ready)
		preempt_count_sub(1);
	irq_restore(flags);
}

/* Inside a write section: the new contents. Relaxed atomic stores, so the compiler never
 * splits or merges them; kbuf_bytes orders them by the sequence. */
static void kbuf_set(struct kbuf *k, struct bytes b)
{
	/* SAFETY: the caller holds k's write section. */
	__atomic_store_n(&k->b.ptr, b.ptr, __ATOMIC_RELAXED);
	__atomic_store_n(&k->b.len, b.len, __ATOMIC_RELAXED);
}

struct bytes kbuf_bytes(const struct kbuf *k)
{
	for (;;) {
		/* SAFETY: the sequence-lock read: ptr and len are used only when seq was the same
		 * even value before and after reading them (no write section in between). */
		u64 s = __atomic_load_n(&k->seq, __ATOMIC_ACQUIRE);
		if (s & 1)
			return bytes_empty(); /* another CPU is changing the handle */
		u8 *p = __atomic_load_n(&k->b.ptr, __ATOMIC_RELAXED);
		size_t len = __atomic_load_n(&k->b.len, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&k->seq, __ATOMIC_RELAXED) == s)
			return p ? __fw_bytes_raw(p, len) : bytes_empty();
	}
}

int kbuf_alloc(struct kbuf *out, size_t len)
{
	if (kbuf_bytes(out).ptr)
		return -EBUSY;
	struct bytes_result r = kbuf_alloc_raw(len);
	if (r.err)
		return r.err;
	u64 f = kbuf_write_begin(out);
	bool busy = out->b.ptr != NULL; /* a racing alloc filled it meanwhile */
	if (!busy)
		kbuf_set(out, r.value);
	kbuf_write_end(out, f);
	if (busy) {
		(void)kbuf_free_raw(r.value);
		return -EBUSY;
	}
	return 0;
}

void kbuf_free(struct kbuf *k)
{
	/* Taking the buffer out inside the section: of two racing frees exactly one sees it. */
	u64 f = kbuf_write_begin(k);
	struct bytes b = k->b;
	kbuf_set(k, bytes_empty());
	kbuf_write_end(k, f);
	if (b.ptr)
		(void)kbuf_free_raw(b);
}

/* Two handles' sections are taken in address order, so two calls on the same pair in
 * opposite orders cannot wait for each other. */
static void kbuf_write_begin2(struct kbuf *a, struct kbuf *b, u64 *fa, u64 *fb)
{
	/* SAFETY: the addresses are only compared. */
	if ((uintptr_t)a < (uintptr_t)b) {
		*fa = kbuf_write_begin(a);
		*fb = kbuf_write_begin(b);
	} else {
		*fb = kbuf_write_begin(b);
		*fa = kbuf_write_begin(a);
	}
}

static void kbuf_write_end2(struct kbuf *a, struct kbuf *b, u64 fa, u64 fb)
{
	/* SAFETY: the addresses are only compared; sections end in the reverse order. */
	if ((uintptr_t)a < (uintptr_t)b) {
		kbuf_write_end(b, fb);
		kbuf_write_end(a, fa);
	} else {
		kbuf_write_end(a, fa);
		kbuf_write_end(b, fb);
	}
}

int kbuf_move(struct kbuf *dst, struct kbuf *src)
{
	if (dst == src)
		return kbuf_bytes(dst).ptr ? -EBUSY : 0;
	u64 fd, fs;
	kbuf_write_begin2(dst, src, &fd, &fs);
	int err = 0;
	if (dst->b.ptr) {
		err = -EBUSY;
	} else {
		kbuf_set(dst, src->b);
		kbuf_set(src, bytes_empty());
	}
	kbuf_write_end2(dst, src, fd, fs);
	return err;
}

void kbuf_swap(struct kbuf *a, struct kbuf *b)
{
	if (a == b)
		return;
	u64 fa, fb;
	kbuf_write_begin2(a, b, &fa, &fb);
	struct bytes t = a->b;
	kbuf_set(a, b->b);
	kbuf_set(b, t);
	kbuf_write_end2(a, b, fa, fb);
}

/* --- statistics ---------------------------------------------------------------------------- */

/* stats_of - c's statistics as fw/heap.h reports them. Needs: heap_lock held. */
static struct heap_cache_stats stats_of(const struct heap_cache *c)
{
	const struct slab_stats *s = &c->sc.stats;
	return (struct heap_cache_stats){
		.allocs = s->allocs, .frees = s->frees, .alloc_failures = s->alloc_failures,
		.bad_frees = s->bad_frees, .live = s->live, .peak = s->peak,
		.slabs_mapped = s->slabs_mapped, .slabs_released = s->slabs_released,
		.poison_hits = s->poison_hits, .obj_size = c->sc.obj_size,
		.objs_per_slab = c->sc.objs_per_slab, .slab_pages = c->sc.slab_pages,
	};
}

int heap_type_stats(const struct type_info *t, struct heap_cache_stats *out)
{
	u64 flags = mm_lock_acquire(&heap_lock);
	int err = -ENOENT;
	u32 h = hash_of(t, 0);
	for (u32 probe = 0; probe < HASH_SLOTS && hash[h]; probe++, h = (h + 1) % HASH_SLOTS) {
		/* SAFETY: as in cache_for: a non-zero slot holds a valid index + 1. */
		const struct heap_cache *c = &caches[hash[h] - 1];
		if (c->type != t || c->class_bytes != 0)
			continue;
		*out = stats_of(c);
		err = 0;
		break;
	}
	mm_lock_release(&heap_lock, flags);
	return err;
}

int heap_cache_info(uint32_t i, struct heap_cache_stats *out, struct str *name)
{
	u64 flags = mm_lock_acquire(&heap_lock);
	if (i >= ncaches) {
		mm_lock_release(&heap_lock, flags);
		return -ENOENT;
	}
	/* SAFETY: i < ncaches <= HEAP_MAX_CACHES, the length of caches; a cache's name is written
	 * once when it is made (under heap_lock) and never again, and caches are never freed, so
	 * the str stays valid. */
	const struct heap_cache *c = &caches[i];
	*out = stats_of(c);
	size_t len = 0;
	while (len < sizeof(c->name) && c->name[len])
		len++;
	*name = (struct str){ .ptr = c->name, .len = len };
	mm_lock_release(&heap_lock, flags);
	return 0;
}

void heap_print_stats(void)
{
	printk(FW_LOG_INFO, "heap: %u caches", ncaches);
	/* SAFETY: i < ncaches <= HEAP_MAX_CACHES, the length of caches. */
	for (u32 i = 0; i < ncaches; i++) {
		const struct slab_cache *sc = &caches[i].sc;
		printk(FW_LOG_INFO,
		       "heap:   %-28s obj %5u B, live %lu (peak %lu), allocs %lu, frees %lu, "
		       "failed %lu, bad frees %lu, poisoned writes %lu, slabs %lu mapped, "
		       "%lu released",
		       caches[i].name, sc->obj_size, sc->stats.live, sc->stats.peak,
		       sc->stats.allocs, sc->stats.frees, sc->stats.alloc_failures,
		       sc->stats.bad_frees, sc->stats.poison_hits, sc->stats.slabs_mapped,
		       sc->stats.slabs_released);
	}
}

void heap_init(void)
{
	heap_poison = boot_cmdline_u64("heap.poison", 1) != 0;
	heap_ready = true;
}

void slab_env_poison_report(const struct slab_cache *c, uint64_t obj_va, uint32_t off,
			    uint8_t got)
{
	/* Called under heap_lock (interrupts off): a raw print, no allocation. The writer is
	 * gone; what is known is the object and the byte. */
	poison_reports++;
	printk(FW_LOG_ERR, "BUG: heap: a freed %s object at %lx was written after its free "
			   "(byte %u is %02x, not %02x)", c->name, obj_va, off, got, SLAB_POISON);
}

u64 heap_poison_reports(void)
{
	u64 flags = mm_lock_acquire(&heap_lock);
	u64 n = poison_reports;
	mm_lock_release(&heap_lock, flags);
	return n;
}

bool heap_poisoning(void)
{
	return heap_poison;
}

/* For the memory manager's ktests: release the empty slabs of every cache. */
u32 heap_shrink_all(void)
{
	u64 flags = mm_lock_acquire(&heap_lock);
	u32 n = 0;
	/* SAFETY: i < ncaches <= HEAP_MAX_CACHES, the length of caches. */
	for (u32 i = 0; i < ncaches; i++)
		n += slab_shrink(&caches[i].sc);
	mm_lock_release(&heap_lock, flags);
	return n;
}

bool heap_addr_is_type(u64 va, const struct type_info *t)
{
	u64 flags = mm_lock_acquire(&heap_lock);
	const struct heap_cache *c = cache_of_addr(va);
	bool ok = c && c->type == t;
	mm_lock_release(&heap_lock, flags);
	return ok;
}
