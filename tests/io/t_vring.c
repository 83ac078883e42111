/*
 * tests/io/t_vring.c — host tests (ASan + UBSan) of the split virtqueue ring logic
 * (framework/io/vring.c) against a simulated device that behaves, and then one that lies:
 * used indices that run ahead, ids out of range or not in flight, a chain returned twice,
 * lengths larger than the chain, scribbled descriptors, and a random used ring.
 */
#include <stdlib.h>
#include <string.h>

#include <fw/errno.h>

#include "../../framework/lib/ktest_compat.h"
#include "internal/vring.h"

static u8 mem_desc[VRING_DESC_BYTES(VRING_MAX)];
static u8 mem_avail[VRING_AVAIL_BYTES(VRING_MAX)];
static u8 mem_used[VRING_USED_BYTES(VRING_MAX)];
static struct vring ring;

static struct vring *fresh(u16 num)
{
	memset(&ring, 0xa5, sizeof ring);
	int err = vring_init(&ring, num, BYTES_OF_ARRAY(mem_desc), BYTES_OF_ARRAY(mem_avail),
			     BYTES_OF_ARRAY(mem_used));
	return err ? NULL : &ring;
}

static u16 rd16(const u8 *p) { return (u16)(p[0] | p[1] << 8); }
static void wr16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static void wr32(u8 *p, u32 v) { wr16(p, (u16)v); wr16(p + 2, (u16)(v >> 16)); }

/* The device side: the head published at avail slot `n`. */
static u16 avail_head(struct vring *r, u16 n) { return rd16(mem_avail + 4 + 2 * (n % r->num)); }
static u16 avail_idx(void) { return rd16(mem_avail + 2); }
/* Return (id, len) as used entry number `n`, and move used->idx to n + 1. */
static void device_return(struct vring *r, u16 n, u32 id, u32 len)
{
	wr32(mem_used + 4 + 8 * (n % r->num), id);
	wr32(mem_used + 8 + 8 * (n % r->num), len);
	wr16(mem_used + 2, (u16)(n + 1));
}

static struct vring_chain chain1(u64 addr, u32 len, bool write)
{
	struct vring_chain c = { .n = 1 };
	c.buf[0] = (struct vring_buf){ addr, len, write };
	return c;
}

KTEST(vring, init_rejects_bad_sizes)
{
	KT_EXPECT(kt, fresh(0) == NULL);
	KT_EXPECT(kt, fresh(3) == NULL);
	KT_EXPECT(kt, fresh(512) == NULL);
	/* A slice one byte short of what the ring needs. */
	KT_EXPECT(kt, vring_init(&ring, 8, bytes_head(BYTES_OF_ARRAY(mem_desc), VRING_DESC_BYTES(8) - 1),
				 BYTES_OF_ARRAY(mem_avail), BYTES_OF_ARRAY(mem_used)) == -EINVAL);
	KT_EXPECT(kt, vring_init(&ring, 8, BYTES_OF_ARRAY(mem_desc), BYTES_OF_ARRAY(mem_avail),
				 bytes_head(BYTES_OF_ARRAY(mem_used), VRING_USED_BYTES(8) - 1)) == -EINVAL);
	KT_EXPECT(kt, fresh(256) != NULL);
	KT_EXPECT(kt, fresh(1) != NULL);
}

KTEST(vring, add_and_get_a_chain)
{
	struct vring *r = fresh(8);
	KT_ASSERT(kt, r != NULL);
	struct vring_chain c = { .n = 2 };
	c.buf[0] = (struct vring_buf){ 0x1000, 16, false };
	c.buf[1] = (struct vring_buf){ 0x2000, 100, true };
	KT_ASSERT(kt, vring_add(r, &c, 77) == 0);
	KT_EXPECT(kt, r->num_free == 6);
	KT_EXPECT(kt, avail_idx() == 1);
	u16 head = avail_head(r, 0);
	KT_EXPECT(kt, head == c.idx[0]);
	/* The descriptors: addr, len, flags NEXT on the first, WRITE on the second. */
	u8 *d0 = mem_desc + 16 * c.idx[0], *d1 = mem_desc + 16 * c.idx[1];
	KT_EXPECT(kt, d0[0] == 0x00 && d0[1] == 0x10 && d0[8] == 16);
	KT_EXPECT(kt, rd16(d0 + 12) == VRING_DESC_F_NEXT && rd16(d0 + 14) == c.idx[1]);
	KT_EXPECT(kt, rd16(d1 + 12) == VRING_DESC_F_WRITE && d1[8] == 100);

	struct vring_done done;
	KT_EXPECT(kt, vring_get(r, &done) == 0); /* nothing yet */
	device_return(r, 0, head, 50);
	KT_ASSERT(kt, vring_get(r, &done) == 1);
	KT_EXPECT(kt, done.cookie == 77 && done.len == 50 && done.n == 2);
	KT_EXPECT(kt, done.idx[0] == c.idx[0] && done.idx[1] == c.idx[1]);
	KT_EXPECT(kt, r->num_free == 8);
	KT_EXPECT(kt, vring_get(r, &done) == 0);
}

KTEST(vring, fills_up_and_recycles)
{
	struct vring *r = fresh(4);
	KT_ASSERT(kt, r != NULL);
	for (u16 round = 0; round < 10; round++) {
		for (int i = 0; i < 4; i++) {
			struct vring_chain c = chain1(0x1000 * (u64)i, 8, true);
			KT_EXPECT(kt, vring_add(r, &c, (u64)i) == 0);
		}
		struct vring_chain c = chain1(0x9000, 8, true);
		KT_EXPECT(kt, vring_add(r, &c, 9) == -ENOSPC);
		for (u16 i = 0; i < 4; i++)
			device_return(r, (u16)(round * 4 + i), avail_head(r, (u16)(round * 4 + i)), 8);
		struct vring_done done;
		for (int i = 0; i < 4; i++)
			KT_EXPECT(kt, vring_get(r, &done) == 1 && done.cookie == (u64)i);
		KT_EXPECT(kt, r->num_free == 4 && !r->broken);
	}
}

KTEST(vring, bad_chains_are_refused)
{
	struct vring *r = fresh(8);
	KT_ASSERT(kt, r != NULL);
	struct vring_chain c = { .n = 0 };
	KT_EXPECT(kt, vring_add(r, &c, 1) == -EINVAL);
	c.n = VRING_CHAIN_MAX + 1;
	KT_EXPECT(kt, vring_add(r, &c, 1) == -EINVAL);
	c = chain1(0x1000, 0, false);
	KT_EXPECT(kt, vring_add(r, &c, 1) == -EINVAL); /* empty buffer */
	c.n = 2;
	c.buf[0] = (struct vring_buf){ 0x1000, 8, true };
	c.buf[1] = (struct vring_buf){ 0x2000, 8, false };
	KT_EXPECT(kt, vring_add(r, &c, 1) == -EINVAL); /* readable after writable */
	c.buf[0] = (struct vring_buf){ 0x1000, 0xffffffffu, true };
	c.buf[1] = (struct vring_buf){ 0x2000, 2, true };
	KT_EXPECT(kt, vring_add(r, &c, 1) == -EINVAL); /* writable length overflows */
	KT_EXPECT(kt, r->num_free == 8 && avail_idx() == 0);
}

KTEST(vring, used_index_running_ahead_breaks_the_ring)
{
	struct vring *r = fresh(8);
	KT_ASSERT(kt, r != NULL);
	struct vring_chain c = chain1(0x1000, 8, true);
	KT_ASSERT(kt, vring_add(r, &c, 1) == 0);
	wr16(mem_used + 2, 9); /* nine entries ahead in a queue of eight */
	struct vring_done done;
	KT_EXPECT(kt, vring_get(r, &done) == -EIO);
	KT_EXPECT(kt, r->broken);
	KT_EXPECT(kt, vring_add(r, &c, 2) == -EIO);
	wr16(mem_used + 2, 1); /* even a sane index now: the ring stays refused */
	KT_EXPECT(kt, vring_get(r, &done) == -EIO);
	/* An index that moved backwards looks like 65535 ahead: also refused. */
	r = fresh(8);
	KT_ASSERT(kt, vring_add(r, &c, 1) == 0);
	wr16(mem_used + 2, 0xffff);
	KT_EXPECT(kt, vring_get(r, &done) == -EIO);
}

KTEST(vring, ids_out_of_range_or_not_in_flight)
{
	struct vring *r = fresh(8);
	KT_ASSERT(kt, r != NULL);
	struct vring_chain c = chain1(0x1000, 8, true);
	KT_ASSERT(kt, vring_add(r, &c, 1) == 0);
	struct vring_done done;
	device_return(r, 0, 8, 4); /* id == num */
	KT_EXPECT(kt, vring_get(r, &done) == -EIO);
	r = fresh(8);
	KT_ASSERT(kt, vring_add(r, &c, 1) == 0);
	device_return(r, 0, 0xffffffffu, 4);
	KT_EXPECT(kt, vring_get(r, &done) == -EIO);
	r = fresh(8);
	KT_ASSERT(kt, vring_add(r, &c, 1) == 0);
	device_return(r, 0, (u16)(c.idx[0] + 1), 4); /* in range, but never given out */
	KT_EXPECT(kt, vring_get(r, &done) == -EIO);
	KT_EXPECT(kt, r->num_free == 7); /* nothing was freed for it */
}

KTEST(vring, a_chain_returned_twice_is_caught)
{
	struct vring *r = fresh(8);
	KT_ASSERT(kt, r != NULL);
	struct vring_chain c = chain1(0x1000, 8, true);
	KT_ASSERT(kt, vring_add(r, &c, 1) == 0);
	device_return(r, 0, c.idx[0], 8);
	struct vring_done done;
	KT_EXPECT(kt, vring_get(r, &done) == 1);
	device_return(r, 1, c.idx[0], 8);
	KT_EXPECT(kt, vring_get(r, &done) == -EIO);
	KT_EXPECT(kt, r->num_free == 8);
}

KTEST(vring, oversized_length_is_refused_per_buffer)
{
	struct vring *r = fresh(8);
	KT_ASSERT(kt, r != NULL);
	struct vring_chain c = { .n = 2 };
	c.buf[0] = (struct vring_buf){ 0x1000, 16, false }; /* readable bytes do not count */
	c.buf[1] = (struct vring_buf){ 0x2000, 100, true };
	KT_ASSERT(kt, vring_add(r, &c, 5) == 0);
	device_return(r, 0, c.idx[0], 101);
	struct vring_done done;
	KT_EXPECT(kt, vring_get(r, &done) == -EOVERFLOW);
	KT_EXPECT(kt, done.cookie == 5 && done.len == 0 && done.n == 2);
	KT_EXPECT(kt, !r->broken && r->num_free == 8);
	/* The queue goes on working. */
	KT_ASSERT(kt, vring_add(r, &c, 6) == 0);
	device_return(r, 1, avail_head(r, 1), 100);
	KT_EXPECT(kt, vring_get(r, &done) == 1 && done.cookie == 6 && done.len == 100);
}

KTEST(vring, scribbled_descriptors_do_not_confuse_the_free_list)
{
	struct vring *r = fresh(8);
	KT_ASSERT(kt, r != NULL);
	struct vring_chain c = { .n = 3 };
	for (int i = 0; i < 3; i++)
		c.buf[i] = (struct vring_buf){ 0x1000, 8, true };
	KT_ASSERT(kt, vring_add(r, &c, 1) == 0);
	memset(mem_desc, 0xff, sizeof mem_desc); /* the device rewrites every descriptor */
	device_return(r, 0, c.idx[0], 8);
	struct vring_done done;
	KT_EXPECT(kt, vring_get(r, &done) == 1 && done.n == 3);
	KT_EXPECT(kt, r->num_free == 8);
	for (int i = 0; i < 8; i++) { /* every descriptor is usable once more, none twice */
		struct vring_chain one = chain1(0x1000, 8, true);
		KT_EXPECT(kt, vring_add(r, &one, (u64)i) == 0);
	}
	struct vring_chain one = chain1(0x1000, 8, true);
	KT_EXPECT(kt, vring_add(r, &one, 9) == -ENOSPC);
}

KTEST(vring, random_used_rings_never_corrupt_state)
{
	srand(21);
	for (int iter = 0; iter < 2000; iter++) {
		struct vring *r = fresh(16);
		KT_ASSERT(kt, r != NULL);
		int added = 0;
		for (int i = 0; i < 1 + rand() % 6; i++) {
			struct vring_chain c = { .n = 1 + (u32)(rand() % 3) };
			for (u32 k = 0; k < c.n; k++)
				c.buf[k] = (struct vring_buf){ 0x1000, 1 + (u32)(rand() % 64), true };
			if (vring_add(r, &c, (u64)i) == 0)
				added++;
		}
		for (size_t k = 0; k < sizeof mem_used; k++)
			mem_used[k] = (u8)rand();
		if (rand() % 2)
			wr16(mem_used + 2, (u16)(rand() % 4)); /* a plausible index, random entries */
		struct vring_done done;
		int got = 0, rc;
		while ((rc = vring_get(r, &done)) == 1 || rc == -EOVERFLOW) {
			KT_EXPECT(kt, done.n >= 1 && done.n <= 3 && done.cookie < 6);
			if (++got > 16)
				break;
		}
		KT_EXPECT(kt, got <= added);
		KT_EXPECT(kt, r->num_free <= r->num);
	}
}
