/*
 * block/bcache.h — the buffer cache: block devices read and written at any byte offset
 * through 4 KiB blocks held in untyped frames.
 *
 * Block n of a device covers its sectors [8n, 8n+8) (fewer for the last block of a device
 * whose size is not a multiple of 4 KiB). Each device (a whole disk or a partition) has its
 * own blocks, as each block device inode has its own page cache in Linux. The cache is
 * write-back: a write only dirties blocks; they reach the disk when bcache_sync (fsync),
 * bcache_sync_all (sync), bcache_invalidate (BLKFLSBUF) or an eviction writes them, or the
 * flusher task once they have been dirty for BCACHE_DIRTY_EXPIRE_CS (Linux's dirty_expire; no
 * FLUSH is sent then: only fsync/sync promise durability). It holds at most BCACHE_MAX_BLOCKS
 * blocks and evicts the least recently used one (writing it back first when it is dirty) to
 * make room. A write-back that fails loses that data, as on Linux, and the next bcache_sync of
 * the device reports -EIO once.
 *
 * Requests go in runs: a read miss reads the blocks the caller asked for in one request, plus
 * read-ahead (RA_BLOCKS, 128 KiB) when it continues the device's previous read; a write-back
 * writes the dirty neighbours of a block with it (up to blk_max_segs() contiguous blocks).
 *
 * Locking: one mutex guards the whole cache and is held across the disk I/O of a miss or a
 * write-back (so I/O through the cache is serialised; per-block locks are the next step).
 * Lock order: the cache lock, then the block layer's request machinery; never vfs_lock.
 */
#ifndef BLOCK_BCACHE_H
#define BLOCK_BCACHE_H

#include <fw/bytes.h>
#include <fw/result.h>
#include <fw/types.h>

#define BCACHE_BLOCK_SIZE 4096u
#define BCACHE_MAX_BLOCKS 1024u /* 4 MiB */
#define BCACHE_DIRTY_EXPIRE_CS 500u /* a dirty block older than this (5 s) is written back */

struct blockdev;

/* bcache_read - up to bytes_len(dst) bytes of bd from byte `pos`: the count (0 at or past the
 * end of the device, short at the end), or -EIO/-ENOMEM when nothing could be read. */
struct result_size bcache_read(struct blockdev *bd, struct bytes dst, u64 pos);

/* bcache_write - bytes_len(src) bytes to bd at `pos` (a block only partly written is read
 * first): the count (short at the end of the device), -ENOSPC at or past the end, -EPERM
 * on a read-only device, or -EIO/-ENOMEM when nothing could be written. */
struct result_size bcache_write(struct blockdev *bd, struct bytes src, u64 pos);

/* bcache_sync - write bd's dirty blocks back and flush the device's write cache (fsync):
 * 0, or -EIO when a block could not be written now or by an earlier eviction. */
int bcache_sync(struct blockdev *bd);

/* bcache_sync_all - bcache_sync for every device with dirty blocks, then flush every disk
 * (sync(2)). The first error, or 0. */
int bcache_sync_all(void);

/* bcache_invalidate - bcache_sync(bd), then forget its blocks (and its read-ahead state) (BLKFLSBUF, and before a
 * partition device goes away: no block may outlive its device). */
int bcache_invalidate(struct blockdev *bd);

/* bcache_set_limit - hold at most `blocks` blocks (1..BCACHE_MAX_BLOCKS), evicting down to
 * it now; the previous limit. For tests of eviction on small disks. */
u32 bcache_set_limit(u32 blocks);

/* bcache_set_dirty_expire_cs - write back blocks dirty for `cs` centiseconds or more (0: at
 * once); the previous value (/proc/sys/vm/dirty_expire_centisecs, as Linux's).
 * bcache_dirty_expire_cs - the value now. */
u32 bcache_set_dirty_expire_cs(u32 cs);
u32 bcache_dirty_expire_cs(void);

struct bcache_stats {
	u64 hits, misses;
	u64 reads, read_requests;           /* blocks read from disks, in this many requests */
	u64 writebacks, writeback_requests; /* blocks written back, in this many requests */
	u64 evictions, flusher_runs, blocks, dirty;
};
/* bcache_stats - a snapshot of the counters (blocks and dirty: now; the others: since boot). */
void bcache_stats(struct bcache_stats *out);

#endif /* BLOCK_BCACHE_H */
