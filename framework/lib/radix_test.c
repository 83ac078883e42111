/*
 * lib/radix_test.c — tests of fw/radix.h: insert/lookup/remove over sparse and dense
 * indices, ordered iteration with next(), node reclamation, -EEXIST and -ENOMEM leaving the
 * tree unchanged, and the lock check.
 */
#include <fw/litelock.h>
#include <fw/radix.h>

#include "ktest_compat.h"

struct t_page {
	uint64_t index;
};
DEFINE_RADIX(t_page_map, struct t_page, litelock);

struct t_mapping {
	struct litelock lock;
	struct t_page_map pages GUARDED_BY(&lock);
};

static struct t_page t_pages[300];

KTEST(radix, insert_lookup_remove)
{
	static struct t_mapping m = { .lock = LITELOCK_INIT };
	litelock_lock(&m.lock);
	t_page_map_init(&m.pages, &m.lock);
	KT_EXPECT(kt, t_page_map_lookup(&m.pages, 0) == NULL);
	KT_EXPECT(kt, t_page_map_remove(&m.pages, 5) == NULL);
	/* dense indices 0..199 and sparse ones up to the top of the index space */
	bool ok = true;
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 0; i < 200; i++)
		ok = ok && t_page_map_insert(&m.pages, (uint64_t)i, &t_pages[i]) == 0;
	const uint64_t sparse[] = { 4096, 1ull << 32, (1ull << 40) + 7, UINT64_MAX - 1, UINT64_MAX };
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 0; i < 5; i++)
		ok = ok && t_page_map_insert(&m.pages, sparse[i], &t_pages[200 + i]) == 0;
	KT_EXPECT(kt, ok && t_page_map_count(&m.pages) == 205);
	KT_EXPECT(kt, t_page_map_insert(&m.pages, 77, &t_pages[250]) == -EEXIST);
	KT_EXPECT(kt, t_page_map_lookup(&m.pages, 77) == &t_pages[77]);
	ok = true;
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 0; i < 5; i++)
		ok = ok && t_page_map_lookup(&m.pages, sparse[i]) == &t_pages[200 + i];
	KT_EXPECT(kt, ok);
	KT_EXPECT(kt, t_page_map_lookup(&m.pages, 200) == NULL);
	KT_EXPECT(kt, t_page_map_lookup(&m.pages, (1ull << 40) + 6) == NULL);
	/* ordered iteration visits every index once, in order */
	uint64_t idx = 0, prev = 0, from = 0;
	int n = 0;
	ok = true;
	for (struct t_page *p; (p = t_page_map_next(&m.pages, from, &idx));) {
		ok = ok && (n++ == 0 || idx > prev) && t_page_map_lookup(&m.pages, idx) == p;
		prev = idx;
		if (idx == UINT64_MAX)
			break;
		from = idx + 1;
	}
	KT_EXPECT(kt, ok && n == 205);
	KT_EXPECT(kt, t_page_map_next(&m.pages, 201, &idx) == &t_pages[200] && idx == 4096);
	KT_EXPECT(kt, t_page_map_next(&m.pages, (1ull << 40) + 8, &idx) == &t_pages[203] &&
			      idx == UINT64_MAX - 1);
	/* removal frees nodes: back to nothing */
	ok = true;
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 0; i < 200; i++)
		ok = ok && t_page_map_remove(&m.pages, (uint64_t)i) == &t_pages[i];
	KT_EXPECT(kt, ok && t_page_map_count(&m.pages) == 5);
	size_t sparse_nodes = __fw_radix_nodes(&m.pages.core);
	KT_EXPECT(kt, sparse_nodes > 0 && sparse_nodes < 60);
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 0; i < 5; i++)
		ok = ok && t_page_map_remove(&m.pages, sparse[i]) == &t_pages[200 + i];
	KT_EXPECT(kt, ok && t_page_map_count(&m.pages) == 0 && __fw_radix_nodes(&m.pages.core) == 0);
	KT_EXPECT(kt, t_page_map_next(&m.pages, 0, &idx) == NULL);
	/* a small tree stays small: one node for indices below 64 */
	KT_EXPECT(kt, t_page_map_insert(&m.pages, 3, &t_pages[3]) == 0 &&
			      __fw_radix_nodes(&m.pages.core) == 1);
	KT_EXPECT(kt, t_page_map_insert(&m.pages, 64, &t_pages[64]) == 0 &&
			      __fw_radix_nodes(&m.pages.core) == 3);
	KT_EXPECT(kt, t_page_map_remove(&m.pages, 64) == &t_pages[64] &&
			      __fw_radix_nodes(&m.pages.core) == 1);
	t_page_map_destroy(&m.pages);
	KT_EXPECT(kt, __fw_radix_nodes(&m.pages.core) == 0 && t_page_map_lookup(&m.pages, 3) == NULL);
	litelock_unlock(&m.lock);
}

#ifdef KT_HOST
KTEST(radix, allocation_failure_leaves_tree_unchanged)
{
	static struct t_mapping m = { .lock = LITELOCK_INIT };
	litelock_lock(&m.lock);
	t_page_map_init(&m.pages, &m.lock);
	KT_ASSERT(kt, t_page_map_insert(&m.pages, 1, &t_pages[1]) == 0);
	long live = host_live_allocs();
	size_t nodes = __fw_radix_nodes(&m.pages.core);
	bool ok = true;
	for (long k = 0; k < 12; k++) {
		host_alloc_fail_after(k); /* fail the k-th node allocation of a deep insert */
		int e = t_page_map_insert(&m.pages, UINT64_MAX, &t_pages[2]);
		host_alloc_fail_after(-1);
		if (e == 0) {
			ok = ok && t_page_map_remove(&m.pages, UINT64_MAX) == &t_pages[2];
			break;
		}
		ok = ok && e == -ENOMEM && host_live_allocs() == live &&
		     __fw_radix_nodes(&m.pages.core) == nodes &&
		     t_page_map_lookup(&m.pages, 1) == &t_pages[1] && t_page_map_count(&m.pages) == 1;
	}
	KT_EXPECT(kt, ok && host_live_allocs() == live);
	t_page_map_destroy(&m.pages);
	litelock_unlock(&m.lock);
}
#endif

static struct t_mapping t_bad_map = { .lock = LITELOCK_INIT };
static void t_bad_radix_unlocked(void) NO_THREAD_SAFETY_ANALYSIS
{
	(void)t_page_map_lookup(&t_bad_map.pages, 1);
}

KTEST(radix, lock_checked)
{
	litelock_lock(&t_bad_map.lock);
	t_page_map_init(&t_bad_map.pages, &t_bad_map.lock);
	litelock_unlock(&t_bad_map.lock);
	KT_EXPECT_FAILS(kt, t_bad_radix_unlocked);
}
