/*
 * virtio_blk_test.c — ktests of the block driver and layer, run by the device boot with a
 * 1 MiB raw image (mk/devices.mk makes it fresh each run, with a seed in sector 1, and checks
 * after the boot that what these tests wrote reached the image file).
 */
#include <block/bcache.h>
#include <block/block.h>
#include <drivers/virtio_blk.h>
#include <fw/errno.h>
#include <fw/heap.h>
#include <fw/ktest.h>

static struct blockdev *vda_or_skip(struct ktest_ctx *kt)
{
	if (virtio_blk_probe() < 1)
		KT_SKIP(kt, "no virtio-blk device");
	struct blockdev *bd = blk_find(STR("vda"));
	KT_ASSERT(kt, bd != NULL);
	return bd;
}

KTEST(devices, blk_geometry_and_host_seed)
{
	struct blockdev *bd = vda_or_skip(kt);
	KT_EXPECT_EQ(kt, bd->sectors, 2048u);
	KT_EXPECT(kt, !bd->read_only && bd->can_flush);
	struct frame f = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&f) == 0);
	KT_EXPECT_EQ(kt, blk_read(bd, 1, 1, &f), 0);
	u8 got[16] = { 0 };
	u8 want[16] = "TRELLIS-SEED-21";
	KT_EXPECT_EQ(kt, frame_read(&f, 0, BYTES_OF_ARRAY(got)), 0);
	KT_EXPECT(kt, bytes_eq(BYTES_OF_ARRAY(got), BYTES_OF_ARRAY(want)));
	frame_release(&f);
}

KTEST(devices, blk_write_flush_read_back)
{
	struct blockdev *bd = vda_or_skip(kt);
	struct frame w = FRAME_EMPTY, r = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&w) == 0 && frame_alloc(&r) == 0);
	struct kbuf ka = KBUF_EMPTY, kb = KBUF_EMPTY;
	KT_ASSERT(kt, kbuf_alloc(&ka, FRAME_SIZE) == 0 && kbuf_alloc(&kb, FRAME_SIZE) == 0);
	struct bytes_result a = bytes_result_ok(kbuf_bytes(&ka)), b = bytes_result_ok(kbuf_bytes(&kb));
	for (u32 i = 0; i < FRAME_SIZE; i++)
		(void)bytes_put_u8(a.value, i, (u8)(i * 7 + 3));
	KT_ASSERT(kt, frame_write(&w, 0, a.value) == 0);
	KT_EXPECT_EQ(kt, blk_write(bd, 8, 8, &w), 0); /* sectors 8..15: one whole frame */
	u8 mark[16] = "TRELLIS-WROTE21";
	KT_ASSERT(kt, frame_write(&w, 0, BYTES_OF_ARRAY(mark)) == 0);
	KT_EXPECT_EQ(kt, blk_write(bd, 2, 1, &w), 0);
	KT_EXPECT_EQ(kt, blk_flush(bd), 0);
	KT_EXPECT_EQ(kt, blk_read(bd, 8, 8, &r), 0);
	KT_ASSERT(kt, frame_read(&r, 0, b.value) == 0);
	KT_EXPECT(kt, bytes_eq(a.value, b.value));
	/* A short read touches only its sectors of the frame. */
	KT_ASSERT(kt, frame_fill(&r, 0, FRAME_SIZE, 0xee) == 0);
	KT_EXPECT_EQ(kt, blk_read(bd, 9, 1, &r), 0);
	KT_EXPECT_EQ(kt, bytes_u8(b.value, 512).value, (u8)(512 * 7 + 3));
	u8 first[2] = { 0 }, after[1] = { 0 };
	KT_ASSERT(kt, frame_read(&r, 0, BYTES_OF_ARRAY(first)) == 0);
	KT_ASSERT(kt, frame_read(&r, 512, BYTES_OF_ARRAY(after)) == 0);
	KT_EXPECT_EQ(kt, first[0], (u8)(512 * 7 + 3));
	KT_EXPECT_EQ(kt, first[1], (u8)(513 * 7 + 3));
	KT_EXPECT_EQ(kt, after[0], 0xeeu);
	KT_EXPECT_GE(kt, atomic_u64_load(&bd->writes), 2u);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->errors), 0u);
	kbuf_free(&ka);
	kbuf_free(&kb);
	frame_release(&w);
	frame_release(&r);
}

KTEST(devices, blk_requests_are_validated)
{
	struct blockdev *bd = vda_or_skip(kt);
	struct frame f = FRAME_EMPTY;
	KT_EXPECT_EQ(kt, blk_read(bd, 0, 1, &f), -EINVAL); /* empty frame */
	KT_ASSERT(kt, frame_alloc(&f) == 0);
	KT_EXPECT_EQ(kt, blk_read(bd, 2048, 1, &f), -EINVAL);   /* past the end */
	KT_EXPECT_EQ(kt, blk_read(bd, 2047, 2, &f), -EINVAL);   /* straddles the end */
	KT_EXPECT_EQ(kt, blk_read(bd, 0, 9, &f), -EINVAL);      /* more than a frame */
	KT_EXPECT_EQ(kt, blk_read(bd, 0, 0, &f), -EINVAL);
	KT_EXPECT_EQ(kt, blk_read(bd, ~0ull, 1, &f), -EINVAL);
	KT_EXPECT_EQ(kt, blk_read(bd, 2047, 1, &f), 0);         /* the last sector */
	if (bd->can_discard)
		KT_EXPECT_EQ(kt, blk_discard(bd, 1000, 8), 0);
	struct blk_request bad = { .op = (enum blk_op)7, .sector = 0, .count = 1, .frame = &f };
	KT_EXPECT_EQ(kt, blk_submit(bd, &bad), -EINVAL);
	frame_release(&f);
}

/* The buffer cache over the device: unaligned reads and writes, write-back only on sync (which
 * sends a flush), the end of the device, and eviction of dirty blocks under a small limit. */
KTEST(devices, bcache_write_back_on_sync_and_flush)
{
	struct blockdev *bd = vda_or_skip(kt);
	struct kbuf ka = KBUF_EMPTY, kb = KBUF_EMPTY;
	KT_ASSERT(kt, kbuf_alloc(&ka, 10000) == 0 && kbuf_alloc(&kb, 10000) == 0);
	struct bytes a = kbuf_bytes(&ka), b = kbuf_bytes(&kb);
	for (u32 i = 0; i < 10000; i++)
		(void)bytes_put_u8(a, i, (u8)(i * 13 + 5));
	u64 pos = 600 * 1024 + 1000; /* unaligned, across three 4 KiB blocks */
	u64 writes = atomic_u64_load(&bd->writes), flushes = atomic_u64_load(&bd->flushes);
	struct result_size w = bcache_write(bd, a, pos);
	KT_EXPECT(kt, !w.err && w.value == 10000);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->writes), writes); /* write-back: nothing yet */
	struct result_size r = bcache_read(bd, b, pos);
	KT_EXPECT(kt, !r.err && r.value == 10000 && bytes_eq(a, b));
	KT_EXPECT_EQ(kt, bcache_sync(bd), 0);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->writes), writes + 3); /* blocks 150..152 */
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->flushes), flushes + 1);
	/* What reached the disk, read around the cache. */
	struct frame f = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&f) == 0);
	KT_EXPECT_EQ(kt, blk_read(bd, (600 * 1024 + 1024) / 512, 8, &f), 0);
	u8 got[24] = { 0 };
	KT_EXPECT_EQ(kt, frame_read(&f, 0, BYTES_OF_ARRAY(got)), 0);
	KT_EXPECT(kt, bytes_eq(BYTES_OF_ARRAY(got), bytes_sub(a, 24, 24).value));
	frame_release(&f);
	/* The end of the device: reads stop, writes say ENOSPC, a write across it is short. */
	u64 end = bd->sectors * 512;
	KT_EXPECT_EQ(kt, bcache_read(bd, b, end).value, 0u);
	KT_EXPECT_EQ(kt, bcache_write(bd, a, end).err, -ENOSPC);
	KT_EXPECT_EQ(kt, bcache_write(bd, a, end - 100).value, 100u);
	KT_EXPECT_EQ(kt, bcache_read(bd, b, end - 100).value, 100u);
	KT_EXPECT_EQ(kt, bcache_sync(bd), 0);
	kbuf_free(&ka);
	kbuf_free(&kb);
}

KTEST(devices, bcache_evicts_dirty_blocks_to_disk)
{
	struct blockdev *bd = vda_or_skip(kt);
	struct kbuf ka = KBUF_EMPTY;
	KT_ASSERT(kt, kbuf_alloc(&ka, 4096) == 0);
	struct bytes a = kbuf_bytes(&ka);
	u32 old = bcache_set_limit(8);
	struct bcache_stats s0, s1;
	bcache_stats(&s0);
	KT_EXPECT_LE(kt, s0.blocks, 8u);
	/* 32 blocks at 256 KiB..384 KiB, each starting with its number */
	for (u32 i = 0; i < 32; i++) {
		bytes_fill(a, (u8)i);
		KT_EXPECT_EQ(kt, bcache_write(bd, a, (64 + i) * 4096ull).value, 4096u);
	}
	bcache_stats(&s1);
	KT_EXPECT_LE(kt, s1.blocks, 8u);
	KT_EXPECT_GE(kt, s1.evictions - s0.evictions, 24u);
	KT_EXPECT_GE(kt, s1.writebacks - s0.writebacks, 24u);
	/* Every block reads back: evicted ones from the disk. */
	for (u32 i = 0; i < 32; i++) {
		u8 got[2] = { 0 };
		struct result_size r = bcache_read(bd, BYTES_OF_ARRAY(got), (64 + i) * 4096ull + 4094);
		KT_EXPECT(kt, !r.err && got[0] == (u8)i && got[1] == (u8)i);
	}
	KT_EXPECT_EQ(kt, bcache_sync(bd), 0);
	(void)bcache_set_limit(old);
	kbuf_free(&ka);
}
