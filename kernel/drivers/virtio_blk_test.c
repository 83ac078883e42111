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
#include <fw/task.h>

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
	struct blk_request bad = { .op = (enum blk_op)7, .sector = 0, .count = 1, .nframes = 1,
				   .frame = { &f } };
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
	/* blocks 150..152, adjacent: merged into one request */
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->writes), writes + 1);
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

/* Multi-frame requests: their frames and the requests themselves live here, off the ktests'
 * stacks (a request holds 32 frame pointers; ktests run one at a time). */
static struct frame tw[3], tr[3], tempty;
static struct blk_request trq, tbad;

static void set_rq(enum blk_op op, struct frame *f0, struct frame *f1, struct frame *f2)
{
	trq = (struct blk_request){ .op = op, .sector = 1600, .count = 20, .nframes = 3 };
	trq.frame[0] = f0;
	trq.frame[1] = f1;
	trq.frame[2] = f2;
}

/* One request of several frames (one descriptor each). */
KTEST(devices, blk_multi_frame_requests)
{
	struct blockdev *bd = vda_or_skip(kt);
	KT_EXPECT_GE(kt, blk_max_segs(bd), 3u);
	for (u32 k = 0; k < 3; k++) {
		KT_ASSERT(kt, frame_alloc(ELEM_PTR(tw, k)) == 0 && frame_alloc(ELEM_PTR(tr, k)) == 0);
		KT_EXPECT_EQ(kt, frame_fill(ELEM_PTR(tw, k), 0, FRAME_SIZE, (u8)(0x40 + k)), 0);
		KT_EXPECT_EQ(kt, frame_fill(ELEM_PTR(tr, k), 0, FRAME_SIZE, 0xee), 0);
	}
	u64 writes = atomic_u64_load(&bd->writes), reads = atomic_u64_load(&bd->reads);
	/* 20 sectors at sector 1600 (block 200): two full frames and half of the third */
	set_rq(BLK_WRITE, &tw[0], &tw[1], &tw[2]);
	KT_EXPECT_EQ(kt, blk_submit(bd, &trq), 0);
	set_rq(BLK_READ, &tr[0], &tr[1], &tr[2]);
	KT_EXPECT_EQ(kt, blk_submit(bd, &trq), 0);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->writes), writes + 1);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->reads), reads + 1);
	u8 got[2] = { 0 };
	KT_EXPECT_EQ(kt, frame_read(&tr[0], 4094, BYTES_OF_ARRAY(got)), 0);
	KT_EXPECT_EQ(kt, got[1], 0x40u);
	KT_EXPECT_EQ(kt, frame_read(&tr[1], 0, BYTES_OF_ARRAY(got)), 0);
	KT_EXPECT_EQ(kt, got[0], 0x41u);
	/* the third frame: 4 sectors read, the rest untouched */
	KT_EXPECT_EQ(kt, frame_read(&tr[2], 2047, BYTES_OF_ARRAY(got)), 0);
	KT_EXPECT_EQ(kt, got[0], 0x42u);
	KT_EXPECT_EQ(kt, got[1], 0xeeu);
	for (u32 k = 0; k < 3; k++) {
		frame_release(ELEM_PTR(tw, k));
		frame_release(ELEM_PTR(tr, k));
	}
}

/* What the block layer refuses of a multi-frame request: no frames, more than the device
 * takes, a count that does not fit the frames, a missing or empty frame in the middle, a run
 * across the end. None reaches the device. */
KTEST(devices, blk_multi_frame_requests_are_validated)
{
	struct blockdev *bd = vda_or_skip(kt);
	for (u32 k = 0; k < 3; k++)
		KT_ASSERT(kt, frame_alloc(ELEM_PTR(tr, k)) == 0);
	set_rq(BLK_READ, &tr[0], &tr[1], &tr[2]);
	u64 reads = atomic_u64_load(&bd->reads);
	tbad = trq;
	tbad.nframes = 0;
	KT_EXPECT_EQ(kt, blk_submit(bd, &tbad), -EINVAL);
	tbad.nframes = BLK_MAX_SEGS + 1;
	KT_EXPECT_EQ(kt, blk_submit(bd, &tbad), -EINVAL);
	tbad = trq;
	tbad.count = 16; /* fits two frames: the third would carry nothing */
	KT_EXPECT_EQ(kt, blk_submit(bd, &tbad), -EINVAL);
	tbad.count = 25; /* more than three frames hold */
	KT_EXPECT_EQ(kt, blk_submit(bd, &tbad), -EINVAL);
	tbad = trq;
	tbad.frame[1] = NULL;
	KT_EXPECT_EQ(kt, blk_submit(bd, &tbad), -EINVAL);
	tbad.frame[1] = &tempty;
	KT_EXPECT_EQ(kt, blk_submit(bd, &tbad), -EINVAL);
	tbad = trq;
	tbad.sector = bd->sectors - 19; /* the run would cross the end */
	KT_EXPECT_EQ(kt, blk_submit(bd, &tbad), -EINVAL);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->reads), reads);
	KT_EXPECT_EQ(kt, blk_submit(bd, &trq), 0); /* the request they came from is good */
	for (u32 k = 0; k < 3; k++)
		frame_release(ELEM_PTR(tr, k));
}

/* A read miss reads what the caller asked for in one request; a miss that continues the
 * last read adds read-ahead (one request of up to blk_max_segs blocks); a read elsewhere
 * reads only its block. */
KTEST(devices, bcache_reads_in_runs_with_readahead)
{
	struct blockdev *bd = vda_or_skip(kt);
	KT_ASSERT(kt, blk_max_segs(bd) == BLK_MAX_SEGS);
	struct kbuf kb = KBUF_EMPTY;
	KT_ASSERT(kt, kbuf_alloc(&kb, 65536) == 0);
	struct bytes b = kbuf_bytes(&kb);
	KT_EXPECT_EQ(kt, bcache_invalidate(bd), 0); /* nothing of vda cached, no read history */
	struct bcache_stats s0, s1;
	bcache_stats(&s0);
	KT_EXPECT_EQ(kt, bcache_read(bd, b, 100 * 4096ull).value, 65536u); /* blocks 100..115 */
	bcache_stats(&s1);
	KT_EXPECT_EQ(kt, s1.read_requests - s0.read_requests, 1u);
	KT_EXPECT_EQ(kt, s1.reads - s0.reads, 16u);
	/* sequential: 116..131 wanted, read ahead to the request's limit */
	KT_EXPECT_EQ(kt, bcache_read(bd, b, 116 * 4096ull).value, 65536u);
	bcache_stats(&s0);
	KT_EXPECT_EQ(kt, s0.read_requests - s1.read_requests, 1u);
	KT_EXPECT_EQ(kt, s0.reads - s1.reads, (u64)BLK_MAX_SEGS);
	/* 132..147 came with it */
	KT_EXPECT_EQ(kt, bcache_read(bd, b, 132 * 4096ull).value, 65536u);
	bcache_stats(&s1);
	KT_EXPECT_EQ(kt, s1.read_requests, s0.read_requests);
	KT_EXPECT_EQ(kt, s1.hits - s0.hits, 16u);
	/* elsewhere: one block */
	KT_EXPECT_EQ(kt, bcache_read(bd, bytes_head(b, 100), 180 * 4096ull + 7).value, 100u);
	bcache_stats(&s0);
	KT_EXPECT_EQ(kt, s0.read_requests - s1.read_requests, 1u);
	KT_EXPECT_EQ(kt, s0.reads - s1.reads, 1u);
	kbuf_free(&kb);
}

/* Write-back merges adjacent dirty blocks into one request, whatever order they were written
 * in; a gap starts a new request. */
KTEST(devices, bcache_writeback_merges_adjacent_blocks)
{
	struct blockdev *bd = vda_or_skip(kt);
	struct kbuf ka = KBUF_EMPTY;
	KT_ASSERT(kt, kbuf_alloc(&ka, 4096) == 0);
	struct bytes a = kbuf_bytes(&ka);
	KT_EXPECT_EQ(kt, bcache_invalidate(bd), 0);
	struct bcache_stats s0, s1;
	bcache_stats(&s0);
	u64 writes = atomic_u64_load(&bd->writes);
	/* blocks 174 down to 160, except 170 */
	for (u32 i = 174; i >= 160; i--) {
		if (i == 170)
			continue;
		bytes_fill(a, (u8)i);
		KT_EXPECT_EQ(kt, bcache_write(bd, a, i * 4096ull).value, 4096u);
	}
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->writes), writes);
	KT_EXPECT_EQ(kt, bcache_sync(bd), 0);
	bcache_stats(&s1);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->writes), writes + 2); /* 160..169, 171..174 */
	KT_EXPECT_EQ(kt, s1.writeback_requests - s0.writeback_requests, 2u);
	KT_EXPECT_EQ(kt, s1.writebacks - s0.writebacks, 14u);
	KT_EXPECT_EQ(kt, s1.dirty, 0u);
	/* on the disk, read around the cache */
	struct frame f = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&f) == 0);
	u8 got[1] = { 0 };
	KT_EXPECT_EQ(kt, blk_read(bd, 165 * 8, 8, &f), 0);
	KT_EXPECT_EQ(kt, frame_read(&f, 4095, BYTES_OF_ARRAY(got)), 0);
	KT_EXPECT_EQ(kt, got[0], 165u);
	KT_EXPECT_EQ(kt, blk_read(bd, 172 * 8, 8, &f), 0);
	KT_EXPECT_EQ(kt, frame_read(&f, 0, BYTES_OF_ARRAY(got)), 0);
	KT_EXPECT_EQ(kt, got[0], 172u);
	frame_release(&f);
	kbuf_free(&ka);
}

/* The flusher writes blocks back once they have been dirty for the expiry, without a FLUSH
 * (only fsync/sync promise durability); before that they stay in memory. */
KTEST(devices, bcache_flusher_writes_expired_blocks)
{
	struct blockdev *bd = vda_or_skip(kt);
	struct kbuf ka = KBUF_EMPTY;
	KT_ASSERT(kt, kbuf_alloc(&ka, 4096) == 0);
	struct bytes a = kbuf_bytes(&ka);
	KT_EXPECT_EQ(kt, bcache_invalidate(bd), 0);
	u32 old = bcache_set_dirty_expire_cs(360000); /* an hour: nothing expires in this test */
	u64 writes = atomic_u64_load(&bd->writes), flushes = atomic_u64_load(&bd->flushes);
	bytes_fill(a, 0x5a);
	KT_EXPECT_EQ(kt, bcache_write(bd, a, 190 * 4096ull).value, 4096u);
	struct bcache_stats s;
	bcache_stats(&s);
	KT_EXPECT_EQ(kt, s.dirty, 1u);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->writes), writes);
	/* expiry 0: everything dirty is due now; the flusher is woken by the change */
	(void)bcache_set_dirty_expire_cs(0);
	for (u32 i = 0; i < 3000; i++) { /* a bound on a hung flusher, not a timing check */
		bcache_stats(&s);
		if (s.dirty == 0)
			break;
		task_sleep_ms(10);
	}
	KT_EXPECT_EQ(kt, s.dirty, 0u);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->writes), writes + 1);
	KT_EXPECT_EQ(kt, atomic_u64_load(&bd->flushes), flushes);
	(void)bcache_set_dirty_expire_cs(old);
	struct frame f = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&f) == 0);
	u8 got[1] = { 0 };
	KT_EXPECT_EQ(kt, blk_read(bd, 190 * 8, 8, &f), 0);
	KT_EXPECT_EQ(kt, frame_read(&f, 100, BYTES_OF_ARRAY(got)), 0);
	KT_EXPECT_EQ(kt, got[0], 0x5au);
	frame_release(&f);
	kbuf_free(&ka);
}
