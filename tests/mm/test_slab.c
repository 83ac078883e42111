/*
 * tests/mm/test_slab.c — host tests of the type-stable caches.
 *
 * The environment reserves one big PROT_NONE mapping as the heap's virtual region; mapping a
 * slab makes its pages read/write, unmapping drops their contents and makes them PROT_NONE
 * again, like the kernel returning the frames. Failure switches make slab pages or descriptor
 * pages run out to test the -ENOMEM paths.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm/slab.h"
#include "mmtest.h"

#define WIN (8ull << 20)
#define NWIN 4

static uint8_t *region;
static long pages_mapped;
static int map_fail_after = -1;
static int meta_fail_after = -1;
static int meta_live;

static void region_setup(void)
{
	if (!region) {
		region = mmap(NULL, WIN * NWIN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			      -1, 0);
		if (region == MAP_FAILED)
			abort();
	}
}

static uint64_t window(int i)
{
	region_setup();
	return (uint64_t)(uintptr_t)region + (uint64_t)i * WIN;
}

int slab_env_map(uint64_t va, uint32_t pages)
{
	if (map_fail_after == 0)
		return -ENOMEM;
	if (map_fail_after > 0)
		map_fail_after--;
	if (mprotect((void *)(uintptr_t)va, pages * 4096ull, PROT_READ | PROT_WRITE))
		abort();
	pages_mapped += pages;
	return 0;
}

void slab_env_unmap(uint64_t va, uint32_t pages)
{
	madvise((void *)(uintptr_t)va, pages * 4096ull, MADV_DONTNEED);
	if (mprotect((void *)(uintptr_t)va, pages * 4096ull, PROT_NONE))
		abort();
	pages_mapped -= pages;
}

struct slab_desc *slab_env_meta_alloc(void)
{
	if (meta_fail_after == 0)
		return NULL;
	if (meta_fail_after > 0)
		meta_fail_after--;
	meta_live++;
	void *p = aligned_alloc(4096, 4096);
	memset(p, 0, 4096);
	return p;
}

void slab_env_meta_free(struct slab_desc *page)
{
	meta_live--;
	free(page);
}

static int poison_reports;
static uint64_t poison_last_va;
static uint32_t poison_last_off;
static uint8_t poison_last_got;

void slab_env_poison_report(const struct slab_cache *c, uint64_t obj_va, uint32_t off,
			    uint8_t got)
{
	(void)c;
	poison_reports++;
	poison_last_va = obj_va;
	poison_last_off = off;
	poison_last_got = got;
}

/* Release everything a cache holds (tests only: the kernel never destroys a cache). */
static void cache_destroy(struct slab_cache *c)
{
	for (uint32_t i = 0; i < c->hwm; i++) {
		struct slab_desc *d = &c->dir[i / SLAB_DESC_PER_PAGE][i % SLAB_DESC_PER_PAGE];
		if (d->state != SLAB_VACANT)
			slab_env_unmap(c->win_base + (uint64_t)i * c->slab_pages * 4096, c->slab_pages);
	}
	for (unsigned k = 0; k < SLAB_DIR_ENTRIES; k++)
		if (c->dir[k])
			slab_env_meta_free(c->dir[k]);
}

MMTEST(slab_geometry)
{
	static const struct { size_t size, align; uint32_t obj, per, pages; } g[] = {
		{ 1, 1, 16, 256, 1 },       { 16, 8, 16, 256, 1 },     { 24, 8, 24, 170, 1 },
		{ 100, 4, 104, 39, 1 },     { 100, 64, 128, 32, 1 },   { 512, 8, 512, 8, 1 },
		{ 600, 8, 600, 13, 2 },     { 4096, 4096, 4096, 8, 8 }, { 5000, 8, 5000, 13, 16 },
		{ 70000, 8, 70000, 1, 18 }, { 1u << 20, 8, 1u << 20, 1, 256 },
	};
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		struct slab_cache c;
		EXPECT_EQ(slab_cache_init(&c, "t", g[i].size, g[i].align, window(0), WIN), 0);
		EXPECT_EQ(c.obj_size, g[i].obj);
		EXPECT_EQ(c.objs_per_slab, g[i].per);
		EXPECT_EQ(c.slab_pages, g[i].pages);
		EXPECT(c.obj_size % g[i].align == 0);
		EXPECT((uint64_t)c.objs_per_slab * c.obj_size <= (uint64_t)c.slab_pages * 4096);
	}
	struct slab_cache c;
	EXPECT_EQ(slab_cache_init(&c, "t", 0, 8, window(0), WIN), -EINVAL);
	EXPECT_EQ(slab_cache_init(&c, "t", (1u << 20) + 1, 8, window(0), WIN), -EINVAL);
	EXPECT_EQ(slab_cache_init(&c, "t", 8, 3, window(0), WIN), -EINVAL);
	EXPECT_EQ(slab_cache_init(&c, "t", 8, 8, window(0) + 8, WIN), -EINVAL);
	EXPECT_EQ(slab_cache_init(&c, "t", 8192, 8, window(0), 4096), -EINVAL);
}

MMTEST(slab_alloc_zeroes_and_reuses)
{
	struct slab_cache c;
	EXPECT_EQ(slab_cache_init(&c, "zero", 40, 8, window(0), WIN), 0);
	uint64_t a, b;
	EXPECT_EQ(slab_alloc(&c, &a), 0);
	EXPECT_EQ(slab_alloc(&c, &b), 0);
	EXPECT(a != b);
	EXPECT(slab_owns(&c, a) && slab_is_live(&c, a));
	memset((void *)(uintptr_t)a, 0xa5, 40);
	EXPECT_EQ(slab_free(&c, a), 0);
	EXPECT(!slab_is_live(&c, a));
	uint64_t a2;
	EXPECT_EQ(slab_alloc(&c, &a2), 0);
	EXPECT_EQ(a2, a); /* same type, same slot */
	const uint8_t *p = (const uint8_t *)(uintptr_t)a2;
	bool zero = true;
	for (int i = 0; i < 40; i++)
		zero &= p[i] == 0;
	EXPECT(zero);
	EXPECT_EQ(c.stats.allocs, 3);
	EXPECT_EQ(c.stats.frees, 1);
	EXPECT_EQ(c.stats.live, 2);
	EXPECT_EQ(c.stats.peak, 2);
	EXPECT_EQ(slab_check(&c), 0);
	cache_destroy(&c);
}

MMTEST(slab_refuses_bad_frees)
{
	struct slab_cache c, d;
	EXPECT_EQ(slab_cache_init(&c, "c", 64, 8, window(0), WIN), 0);
	EXPECT_EQ(slab_cache_init(&d, "d", 64, 8, window(1), WIN), 0);
	uint64_t a, b;
	EXPECT_EQ(slab_alloc(&c, &a), 0);
	EXPECT_EQ(slab_alloc(&d, &b), 0);
	EXPECT_EQ(slab_free(&c, a + 8), -EINVAL);            /* middle of an object */
	EXPECT_EQ(slab_free(&c, b), -EINVAL);                /* another cache's object */
	EXPECT_EQ(slab_free(&c, a + 64), -EINVAL);           /* a free slot */
	EXPECT_EQ(slab_free(&c, a + WIN / 2), -EINVAL);      /* beyond the high-water mark */
	EXPECT_EQ(slab_free(&c, a), 0);
	EXPECT_EQ(slab_free(&c, a), -EINVAL);                /* double free */
	EXPECT_EQ(c.stats.bad_frees, 5);
	EXPECT_EQ(slab_check(&c), 0);
	EXPECT_EQ(slab_check(&d), 0);
	cache_destroy(&c);
	cache_destroy(&d);
}

MMTEST(slab_empty_slabs_released_addresses_kept)
{
	struct slab_cache c;
	EXPECT_EQ(slab_cache_init(&c, "rel", 1024, 8, window(0), WIN), 0);
	EXPECT_EQ(c.objs_per_slab, 8);
	long before = pages_mapped;
	uint64_t objs[32];
	for (int i = 0; i < 32; i++)
		EXPECT_EQ(slab_alloc(&c, &objs[i]), 0);
	EXPECT_EQ(c.stats.slabs_mapped, 4); /* 2-page slabs of 8 objects */
	EXPECT_EQ(pages_mapped - before, (long)c.stats.slabs_mapped * c.slab_pages);
	for (int i = 0; i < 32; i++)
		EXPECT_EQ(slab_free(&c, objs[i]), 0);
	/* All empty: one kept mapped, the others unmapped with their frames returned. */
	EXPECT_EQ(c.stats.slabs_mapped, 1);
	EXPECT_EQ(c.stats.slabs_released, c.hwm - 1);
	EXPECT_EQ(slab_shrink(&c), 1);
	EXPECT_EQ(pages_mapped, before);
	EXPECT_EQ(slab_check(&c), 0);
	/* Allocating again reuses the cache's own addresses, never new ones. */
	uint32_t hwm = c.hwm;
	for (int i = 0; i < 32; i++) {
		uint64_t v;
		EXPECT_EQ(slab_alloc(&c, &v), 0);
		bool seen = false;
		for (int j = 0; j < 32; j++)
			seen |= v == objs[j];
		EXPECT(seen);
	}
	EXPECT_EQ(c.hwm, hwm);
	EXPECT_EQ(slab_check(&c), 0);
	cache_destroy(&c);
}

MMTEST(slab_out_of_memory_is_an_error)
{
	struct slab_cache c;
	/* A window of 4 one-page slabs of 256 objects: the 1025th allocation has no address. */
	EXPECT_EQ(slab_cache_init(&c, "oom", 16, 8, window(2), 4 * 4096), 0);
	uint64_t v;
	for (int i = 0; i < 1024; i++)
		EXPECT_EQ(slab_alloc(&c, &v), 0);
	EXPECT_EQ(slab_alloc(&c, &v), -ENOMEM);
	EXPECT_EQ(c.stats.alloc_failures, 1);
	cache_destroy(&c);

	/* No frames. */
	EXPECT_EQ(slab_cache_init(&c, "oom2", 16, 8, window(2), WIN), 0);
	map_fail_after = 0;
	EXPECT_EQ(slab_alloc(&c, &v), -ENOMEM);
	map_fail_after = -1;
	EXPECT_EQ(slab_alloc(&c, &v), 0); /* recovers, reusing the slab that failed to map */
	EXPECT_EQ(c.hwm, 1);
	EXPECT_EQ(slab_check(&c), 0);
	cache_destroy(&c);

	/* No descriptor page. */
	EXPECT_EQ(slab_cache_init(&c, "oom3", 16, 8, window(2), WIN), 0);
	meta_fail_after = 0;
	EXPECT_EQ(slab_alloc(&c, &v), -ENOMEM);
	meta_fail_after = -1;
	EXPECT_EQ(c.stats.alloc_failures, 1);
	EXPECT_EQ(slab_check(&c), 0);
	cache_destroy(&c);
	EXPECT_EQ(meta_live, 0);
}

MMTEST(slab_type_stability_random)
{
	/* Two caches with random alloc/free: an address only ever belongs to one cache. */
	struct slab_cache c[2];
	EXPECT_EQ(slab_cache_init(&c[0], "a", 48, 8, window(0), WIN), 0);
	EXPECT_EQ(slab_cache_init(&c[1], "b", 48, 8, window(1), WIN), 0);
	enum { LIVE = 2000 };
	static uint64_t live[2][LIVE];
	int n[2] = { 0, 0 };
	unsigned long long seed = 7;
	for (int step = 0; step < 40000; step++) {
		int k = (int)(mmtest_rand(&seed) & 1);
		if (n[k] < LIVE && (mmtest_rand(&seed) % 5 < 3 || n[k] == 0)) {
			uint64_t v;
			EXPECT_EQ(slab_alloc(&c[k], &v), 0);
			EXPECT(slab_owns(&c[k], v) && !slab_owns(&c[1 - k], v));
			/* The object is exclusively ours: stamp it, check the stamp at free. */
			*(uint64_t *)(uintptr_t)v = v ^ (uint64_t)k;
			live[k][n[k]++] = v;
		} else {
			int i = (int)(mmtest_rand(&seed) % (unsigned)n[k]);
			uint64_t v = live[k][i];
			EXPECT_EQ(*(uint64_t *)(uintptr_t)v, v ^ (uint64_t)k);
			EXPECT_EQ(slab_free(&c[k], v), 0);
			live[k][i] = live[k][--n[k]];
		}
		if (step % 5000 == 0) {
			EXPECT_EQ(slab_check(&c[0]), 0);
			EXPECT_EQ(slab_check(&c[1]), 0);
		}
	}
	EXPECT_EQ(slab_check(&c[0]), 0);
	EXPECT_EQ(slab_check(&c[1]), 0);
	cache_destroy(&c[0]);
	cache_destroy(&c[1]);
}

/* Poisoning: a fresh slab and every freed object hold SLAB_POISON; an allocation reports the
 * first byte a write after free changed, and still hands out a zeroed object. Off: nothing is
 * checked. */
MMTEST(slab_poison_catches_write_after_free)
{
	struct slab_cache c;
	EXPECT_EQ(slab_cache_init(&c, "poison", 40, 8, window(1), WIN), 0);
	slab_set_poison(&c, true);
	EXPECT(c.poison);
	poison_reports = 0;
	uint64_t a, b;
	EXPECT_EQ(slab_alloc(&c, &a), 0);
	EXPECT_EQ(slab_alloc(&c, &b), 0);
	const uint8_t *pb = (const uint8_t *)(uintptr_t)b;
	EXPECT(pb[0] == 0 && pb[39] == 0);                                  /* zeroed as ever */
	EXPECT(((const uint8_t *)(uintptr_t)b)[40] == SLAB_POISON);        /* the next slot */
	EXPECT_EQ(slab_free(&c, a), 0);
	EXPECT(((const uint8_t *)(uintptr_t)a)[0] == SLAB_POISON);
	EXPECT(((const uint8_t *)(uintptr_t)a)[39] == SLAB_POISON);
	uint64_t a2;
	EXPECT_EQ(slab_alloc(&c, &a2), 0); /* clean reuse: no report */
	EXPECT_EQ(a2, a);
	EXPECT_EQ(poison_reports, 0);
	EXPECT_EQ(slab_free(&c, a2), 0);
	((uint8_t *)(uintptr_t)a2)[37] = 0x11; /* a write after free */
	EXPECT_EQ(slab_alloc(&c, &a2), 0);
	EXPECT_EQ(a2, a);
	EXPECT_EQ(poison_reports, 1);
	EXPECT_EQ(poison_last_va, a);
	EXPECT_EQ(poison_last_off, 37);
	EXPECT_EQ(poison_last_got, 0x11);
	EXPECT_EQ(c.stats.poison_hits, 1);
	EXPECT(((const uint8_t *)(uintptr_t)a2)[37] == 0); /* zeroed all the same */
	/* a write into a never-used slot of a fresh slab is caught too */
	((uint8_t *)(uintptr_t)b)[40 + 3] = 0;
	uint64_t d;
	EXPECT_EQ(slab_alloc(&c, &d), 0);
	EXPECT_EQ(d, b + 40);
	EXPECT_EQ(poison_reports, 2);
	EXPECT_EQ(poison_last_off, 3);
	/* too late to change once a slab is mapped */
	slab_set_poison(&c, false);
	EXPECT(c.poison);
	EXPECT_EQ(slab_check(&c), 0);
	cache_destroy(&c);
	/* off: a freed object keeps its bytes, nothing is checked */
	EXPECT_EQ(slab_cache_init(&c, "plain", 40, 8, window(1), WIN), 0);
	EXPECT_EQ(slab_alloc(&c, &a), 0);
	memset((void *)(uintptr_t)a, 0x22, 40);
	EXPECT_EQ(slab_free(&c, a), 0);
	EXPECT(((const uint8_t *)(uintptr_t)a)[0] == 0x22);
	((uint8_t *)(uintptr_t)a)[5] = 1;
	EXPECT_EQ(slab_alloc(&c, &a2), 0);
	EXPECT_EQ(poison_reports, 2);
	cache_destroy(&c);
}
