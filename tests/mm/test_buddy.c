/*
 * tests/mm/test_buddy.c — host tests of the buddy frame allocator: exhaustion and full
 * re-merge, natural alignment, kinds on every frame, refused double and mismatched frees,
 * unaligned ranges, and a randomized run checked against the allocator's invariants.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/buddy.h"
#include "mmtest.h"

static struct buddy *new_buddy(uint64_t base, uint64_t n)
{
	struct buddy *b = calloc(1, sizeof(*b));
	struct frame_meta *meta = calloc(n, sizeof(*meta));
	buddy_init(b, base, n, meta);
	return b;
}

static void del_buddy(struct buddy *b)
{
	free(b->meta);
	free(b);
}

static bool ok(struct buddy *b)
{
	uint64_t where = 0;
	int err = buddy_check(b, &where);
	if (err)
		printf("    # buddy_check failed near %llu\n", (unsigned long long)where);
	return err == 0;
}

MMTEST(buddy_exhaust_and_remerge)
{
	struct buddy *b = new_buddy(0, 4096);
	EXPECT_EQ(buddy_add_range(b, 0, 4096), 0);
	EXPECT_EQ(b->free_frames, 4096);
	EXPECT_EQ(b->free_blocks[BUDDY_MAX_ORDER], 4);
	static int64_t got[4096];
	for (int i = 0; i < 4096; i++) {
		got[i] = buddy_alloc(b, 0, FRAME_UNTYPED);
		EXPECT(got[i] >= 0 && got[i] < 4096);
		if (got[i] >= 0) {
			EXPECT_EQ(buddy_meta(b, (uint64_t)got[i])->refcount, 1); /* untyped: counted */
		}
	}
	EXPECT_EQ(buddy_alloc(b, 0, FRAME_UNTYPED), -ENOMEM);
	EXPECT_EQ(b->free_frames, 0);
	EXPECT(ok(b));
	/* Free in an order that exercises merging from both sides. */
	for (int i = 0; i < 4096; i += 2)
		EXPECT_EQ(buddy_free(b, (uint64_t)got[i], 0), 0);
	EXPECT(ok(b));
	for (int i = 4095; i > 0; i -= 2)
		EXPECT_EQ(buddy_free(b, (uint64_t)got[i], 0), 0);
	EXPECT(ok(b));
	EXPECT_EQ(b->free_blocks[BUDDY_MAX_ORDER], 4);
	EXPECT_EQ(b->free_frames, 4096);
	del_buddy(b);
}

MMTEST(buddy_blocks_are_aligned_and_typed)
{
	struct buddy *b = new_buddy(0x100, 8192);
	EXPECT_EQ(buddy_add_range(b, 0x100, 0x100 + 8192), 0);
	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
		int64_t p = buddy_alloc(b, o, FRAME_PAGETABLE);
		EXPECT(p >= 0);
		if (p < 0)
			continue;
		EXPECT_EQ(p % (1ll << o), 0);
		for (uint64_t k = 0; k < (1ull << o); k++) {
			EXPECT_EQ(buddy_meta(b, (uint64_t)p + k)->kind, FRAME_PAGETABLE);
			EXPECT_EQ(buddy_block_head(b, (uint64_t)p + k), p);
		}
		EXPECT_EQ(buddy_meta(b, (uint64_t)p)->refcount, 0); /* typed: never counted */
		EXPECT_EQ(buddy_meta(b, (uint64_t)p)->order, o);
	}
	EXPECT(ok(b));
	del_buddy(b);
}

MMTEST(buddy_refuses_bad_frees)
{
	struct buddy *b = new_buddy(0, 1024);
	buddy_mark(b, 0, 16, FRAME_RESERVED);
	EXPECT_EQ(buddy_add_range(b, 16, 1024), 0);
	int64_t p = buddy_alloc(b, 2, FRAME_HEAP);
	EXPECT(p >= 16);
	EXPECT_EQ(buddy_free(b, (uint64_t)p, 1), -EINVAL);     /* wrong order */
	EXPECT_EQ(buddy_free(b, (uint64_t)p + 1, 0), -EINVAL); /* a tail frame */
	EXPECT_EQ(buddy_free(b, 3, 0), -EINVAL);               /* reserved */
	EXPECT_EQ(buddy_free(b, 5000, 0), -EINVAL);            /* outside */
	EXPECT_EQ(buddy_free(b, (uint64_t)p, 2), 0);
	EXPECT_EQ(buddy_free(b, (uint64_t)p, 2), -EINVAL);     /* double free */
	EXPECT_EQ(buddy_add_range(b, 100, 101), -EINVAL);      /* already free */
	EXPECT_EQ(buddy_alloc(b, BUDDY_MAX_ORDER + 1, FRAME_HEAP), -EINVAL);
	EXPECT_EQ(buddy_alloc(b, 0, FRAME_FREE), -EINVAL);
	EXPECT_EQ(buddy_block_head(b, 3), -ENOENT);
	EXPECT_EQ(buddy_meta(b, 3)->kind, FRAME_RESERVED);
	EXPECT(ok(b));
	EXPECT_EQ(b->free_frames, 1024 - 16);
	del_buddy(b);
}

MMTEST(buddy_unaligned_ranges)
{
	struct buddy *b = new_buddy(0, 3000);
	EXPECT_EQ(buddy_add_range(b, 3, 1000), 0);
	EXPECT_EQ(buddy_add_range(b, 1500, 2999), 0);
	EXPECT(ok(b));
	EXPECT_EQ(b->free_frames, 997 + 1499);
	EXPECT_EQ(b->managed_frames, 997 + 1499);
	/* Order-9 blocks exist only at 1536 and 2048; no order-10 block fits either range. */
	int64_t big = buddy_alloc(b, 9, FRAME_UNTYPED);
	EXPECT(big == 1536 || big == 2048);
	EXPECT_EQ(buddy_alloc(b, 10, FRAME_UNTYPED), -ENOMEM);
	EXPECT(ok(b));
	del_buddy(b);
}

MMTEST(buddy_random_stress)
{
	enum { N = 2048, LIVE = 300 };
	struct buddy *b = new_buddy(0, N);
	EXPECT_EQ(buddy_add_range(b, 1, N - 7), 0);
	struct { int64_t pfn; unsigned order; } live[LIVE];
	int nlive = 0;
	unsigned long long seed = 42;
	bool owner[N];
	memset(owner, 0, sizeof(owner));
	for (int step = 0; step < 20000; step++) {
		if (nlive < LIVE && (mmtest_rand(&seed) % 3 != 0 || nlive == 0)) {
			unsigned o = (unsigned)(mmtest_rand(&seed) % 5);
			int64_t p = buddy_alloc(b, o, FRAME_UNTYPED);
			if (p == -ENOMEM)
				continue;
			EXPECT(p >= 0);
			if (p < 0)
				break;
			for (uint64_t k = 0; k < (1ull << o); k++) {
				EXPECT(!owner[p + k]); /* never handed out twice */
				owner[p + k] = true;
			}
			live[nlive].pfn = p;
			live[nlive].order = o;
			nlive++;
		} else {
			int i = (int)(mmtest_rand(&seed) % (unsigned)nlive);
			EXPECT_EQ(buddy_free(b, (uint64_t)live[i].pfn, live[i].order), 0);
			for (uint64_t k = 0; k < (1ull << live[i].order); k++)
				owner[live[i].pfn + k] = false;
			live[i] = live[--nlive];
		}
		if (step % 1000 == 0)
			EXPECT(ok(b));
	}
	while (nlive > 0) {
		nlive--;
		EXPECT_EQ(buddy_free(b, (uint64_t)live[nlive].pfn, live[nlive].order), 0);
	}
	EXPECT(ok(b));
	EXPECT_EQ(b->free_frames, N - 8);
	del_buddy(b);
}

MMTEST(buddy_order_for)
{
	EXPECT_EQ(buddy_order_for(1), 0);
	EXPECT_EQ(buddy_order_for(2), 1);
	EXPECT_EQ(buddy_order_for(3), 2);
	EXPECT_EQ(buddy_order_for(1024), 10);
	EXPECT_EQ(buddy_order_for(1025), 11);
}
